// Which simulated platform models a real libc, by its name and version (compare). One entry per
// libc. src/engine/libc.ts's LIBC_MODEL names the model of each libc as this host has it; the
// version only decides whether that model applies, or (glibc before 2.34) an older one.
import { LIBC_MODEL } from '../engine/libc.js';
import type { Platform } from '../engine/spec.js';

export interface ModelChoice { platform: Platform | null; reason: string }

/** "2.36" vs "2.34": -1, 0 or 1 (missing parts count as 0; non-numbers as 0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const model = (platform: Platform, reason: string): ModelChoice => ({ platform, reason });

/**
 * glibc: 2.34 moved libpthread into libc and added the single-threaded fast path that a private
 * mutex shared between processes trips over (plain stores to __lock while __libc_single_threaded);
 * glibc-2.36 models that behaviour, glibc-2.33 the one before it.
 */
const LIBC_MODELS: Record<string, (version: string) => ModelChoice> = {
  glibc: (v) => (compareVersions(v, '2.34') >= 0
    ? model(LIBC_MODEL.glibc, `host glibc ${v} >= 2.34: the single-threaded fast path of glibc 2.34 and later, modelled as ${LIBC_MODEL.glibc}`)
    : model('glibc-2.33', `host glibc ${v} < 2.34: no single-threaded fast path, modelled as glibc-2.33`)),
  // musl's mutex files are the same from 1.2.0 through 1.2.5 (docs/musl-mutex.md)
  musl: (v) => (compareVersions(v, '1.2') >= 0
    ? model(LIBC_MODEL.musl, `musl ${v}: the mutex code of musl 1.2, modelled as ${LIBC_MODEL.musl}`)
    : { platform: null, reason: `musl ${v} is older than the 1.2 series the simulator models` }),
};

export function modelFor(libc: { name: string; version: string }): ModelChoice {
  const choose = LIBC_MODELS[libc.name];
  return choose ? choose(libc.version) : { platform: null, reason: `the simulator models no platform for ${libc.name} ${libc.version}` };
}
