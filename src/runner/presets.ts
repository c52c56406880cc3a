// Presets: spec files in presets/ that users run by name (CLI --preset, POST {"preset": ...}).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecInput } from '../engine/spec.js';
import { paths } from './paths.js';


export interface Preset { name: string; description: string; spec: SpecInput }

let cache: Map<string, Preset> | undefined;

function load(): Map<string, Preset> {
  if (cache) return cache;
  cache = new Map();
  for (const file of readdirSync(paths.presets).filter((f) => f.endsWith('.json')).sort()) {
    const name = file.slice(0, -'.json'.length);
    const raw = JSON.parse(readFileSync(join(paths.presets, file), 'utf8')) as { description: string; spec: SpecInput };
    cache.set(name, { name, description: raw.description, spec: raw.spec });
  }
  return cache;
}

export function listPresets(): Preset[] { return [...load().values()]; }
export function findPreset(name: string): Preset | undefined { return load().get(name); }

/**
 * `{preset: NAME, ...overrides}` -> the spec input the preset names, with the overrides on top
 * (one level deep, so `{"preset": "solaris10-crash", "seed": 3}` changes only the seed).
 * Returns undefined when the preset does not exist.
 */
export function applyPreset(body: Record<string, unknown>): SpecInput | undefined {
  const { preset, ...overrides } = body;
  const found = findPreset(String(preset));
  if (!found) return undefined;
  return { ...structuredClone(found.spec), ...overrides } as SpecInput;
}
