// The engine's import graph, read from the sources (type-only imports count: they tie the
// modules together for a reader as much as value imports do). The circles issue 11 named in
// the engine are open: sim.ts <-> verdict.ts / verdicts/* (the Execution type now lives in
// execution.ts) and machine/bus.ts -> tools/watchpoints.ts -> machine.ts (the bus calls a
// StoreWatch interface). No module of those two groups may sit on any circle again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)); // dist/test/engine
const root = resolve(here, '../../..');
const engine = join(root, 'src/engine');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of every engine module, as paths relative to src/engine. */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of sources(engine)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gms)]
      .map((m) => relative(engine, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
    g.set(relative(engine, file), deps);
  }
  return g;
}

/** Modules on some circle: those that can reach themselves. */
function onCircles(g: Map<string, string[]>): Set<string> {
  const out = new Set<string>();
  for (const start of g.keys()) {
    const seen = new Set<string>();
    const stack = [...(g.get(start) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === start) { out.add(start); break; }
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(g.get(n) ?? []));
    }
  }
  return out;
}

test('no engine import circle passes through sim, verdict, verdicts/*, execution, the bus or the watchpoint tool', () => {
  const g = graph();
  assert.ok(g.size > 50, `read the engine sources (${g.size} modules)`);
  assert.ok(g.get('verdict.ts')!.includes('execution.ts'), 'the verdict names Execution from its own module');
  const circled = onCircles(g);
  const mine = ['sim.ts', 'verdict.ts', 'execution.ts', 'machine/bus.ts', 'machine/machine.ts', 'tools/watchpoints.ts', ...[...g.keys()].filter((k) => k.startsWith('verdicts/'))];
  assert.deepEqual(mine.filter((m) => circled.has(m)), []);
});
