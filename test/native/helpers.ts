// Shared by the native tests: a spec builder and a scan of the host for anything a run left behind.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { DEFAULT_PROBE_PATH } from '../../src/native/probe-command.js';

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

/** Live processes running the probe binary (launcher, supervisor or experiment process): forks
 * keep the argv[0] the engine spawned it with. (/proc/PID/exe is not readable on every host.) */
export function probeProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv0 = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0')[0];
      if (argv0 === DEFAULT_PROBE_PATH) pids.push(Number(entry));
    } catch { /* gone or not ours to read */ }
  }
  return pids;
}
