// Shared by the native tests: a spec builder and scans of the host for anything a run left behind.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { validateSpec, type Spec } from '../../src/engine/spec.js';

export function nativeSpec(input: Record<string, unknown>): Spec {
  const v = validateSpec({ engine: 'native', key: '0x1234', ...input }, () => 7);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

/** Keys of the System V segments on the host, as `ipcs -m` lists them. */
export function hostSegmentKeys(): string[] {
  const out = execFileSync('ipcs', ['-m'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /^0x[0-9a-f]+\s/.test(l)).map((l) => l.split(/\s+/)[0]);
}

/** Live processes in any of these process groups (every probe process stays in its launcher's group). */
export function processesInGroups(pgids: Set<number>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgids.has(pgid)) pids.push(Number(entry));
    } catch { /* gone */ }
  }
  return pids;
}
