// Specs for the exploration tests, from the presets users run.
import { findPreset } from '../../../src/runner/presets.js';
import { validateSpec, type Spec, type SpecInput } from '../../../src/engine/spec.js';

export function presetSpec(name: string, overrides: Partial<SpecInput> = {}): Spec {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  const v = validateSpec({ seed: 1, ...p.spec, ...overrides }, () => 1);
  if (!v.ok) throw new Error(`invalid spec: ${JSON.stringify(v.errors)}`);
  return v.spec;
}

export const ndjson = (trace: Iterable<unknown>): string => [...trace].map((e) => JSON.stringify(e) + '\n').join('');
