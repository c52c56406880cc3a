// The experiment spec inside a replay token, in a few dozen bytes: every field of the
// normalised spec in a fixed order (enums as their index, numbers as varints), so that
// `mutexlab replay TOKEN` needs nothing but the token. Decoding yields spec INPUT that
// validateSpec normalises again; the token's spec hash then proves nothing was lost.
import { MUTEX_TYPES, PLATFORMS, WATCH_FIELDS, type Spec, type SpecInput } from '../spec.js';
import { ByteReader, ByteWriter, MalformedBytes, canonicalJson, fnv1a64 } from './codec.js';

/** Hash of what a replay depends on: the normalised spec without its seed and explore block. */
export function specHash(spec: Spec): string {
  const { seed: _seed, explore: _explore, ...rest } = spec;
  return fnv1a64(canonicalJson(rest));
}

const keyNumber = (key: string): number => (key === 'IPC_PRIVATE' ? 0 : parseInt(key.slice(2), 16));
const keyText = (n: number): string => (n === 0 ? 'IPC_PRIVATE' : '0x' + n.toString(16));

function indexOf(list: readonly string[], value: string, what: string): number {
  const i = list.indexOf(value);
  if (i < 0) throw new RangeError(`a replay token cannot hold ${what} "${value}"`);
  return i;
}

function pick<T>(list: readonly T[], i: number, what: string): T {
  if (i >= list.length) throw new MalformedBytes(`unknown ${what} #${i}`);
  return list[i]!;
}

export function writeSpec(w: ByteWriter, spec: Spec): void {
  if (spec.engine !== 'sim' || spec.platform === 'host') throw new RangeError('only simulated experiments can be replayed');
  w.byte(indexOf(MUTEX_TYPES, spec.mutexType, 'mutexType'));
  w.byte(indexOf(PLATFORMS, spec.platform, 'platform'));
  w.varint(spec.processCount);
  w.varint(keyNumber(spec.key));
  w.varint(spec.threadsPerProcess);
  w.varint(spec.iterations);
  w.varint(spec.cpus);
  for (const p of spec.processes) {
    w.varint(keyNumber(p.key));
    w.varint(p.threads);
    w.string(p.program);
    const work = p.work ?? spec.work;
    w.varint(work.outside); w.varint(work.inside); w.varint(work.spread); w.varint(work.blockInside); w.varint(work.yieldEvery ?? 0);
  }
  w.byte((spec.robust ? 1 : 0) | (spec.tools.core ? 2 : 0) | (spec.tools.pmap ? 4 : 0) | (spec.tools.watchpoint === false ? 8 : 0) | (spec.scheduling === 'round-robin' ? 16 : 0));
  if (spec.tools.watchpoint !== false) {
    const wp = spec.tools.watchpoint;
    w.varint(wp.process === 'all' ? 0 : wp.process + 1);
    w.byte(indexOf(WATCH_FIELDS, wp.field, 'watchpoint field'));
  }
  w.varint(spec.faults.length);
  for (const f of spec.faults) { w.varint(f.kill); w.byte(f.whileHolding ? 1 : 0); w.varint(f.afterAcquisitions); }
  w.varint(spec.limits.maxSteps);
  w.varint(spec.limits.timeoutMs);
  w.varint(spec.work.outside); w.varint(spec.work.inside); w.varint(spec.work.spread); w.varint(spec.work.blockInside); w.varint(spec.work.yieldEvery ?? 0);
}

/** A work record as read back: yieldEvery only when not 0, as validateSpec normalises it. */
function readWork(r: ByteReader): { outside: number; inside: number; spread: number; blockInside: number; yieldEvery?: number } {
  const work = { outside: r.varint(), inside: r.varint(), spread: r.varint(), blockInside: r.varint() };
  const yieldEvery = r.varint();
  return yieldEvery > 0 ? { ...work, yieldEvery } : work;
}

/** Spec input (validateSpec still has to normalise it); `seed` comes from the token header. */
export function readSpec(r: ByteReader, seed: number): SpecInput {
  const mutexType = pick(MUTEX_TYPES, r.byte(), 'mutexType');
  const platform = pick(PLATFORMS, r.byte(), 'platform');
  const processCount = r.varint();
  if (processCount > 64) throw new MalformedBytes('processCount out of range');
  const key = keyText(r.varint());
  const threadsPerProcess = r.varint();
  const iterations = r.varint();
  const cpus = r.varint();
  const processes = [];
  for (let i = 0; i < processCount; i++) processes.push({ key: keyText(r.varint()), threads: r.varint(), program: r.string(), work: readWork(r) });
  const flags = r.byte();
  const watchpoint = flags & 8 ? false as const : (() => {
    const p = r.varint();
    return { process: p === 0 ? 'all' as const : p - 1, field: pick(WATCH_FIELDS, r.byte(), 'watchpoint field') };
  })();
  const faultCount = r.varint();
  if (faultCount > 16) throw new MalformedBytes('too many faults');
  const faults = [];
  for (let i = 0; i < faultCount; i++) faults.push({ kill: r.varint(), whileHolding: r.byte() === 1, afterAcquisitions: r.varint() });
  const maxSteps = r.varint();
  const timeoutMs = r.varint();
  const work = readWork(r);
  return {
    mutexType, platform, processCount, key, engine: 'sim', threadsPerProcess, iterations, cpus, seed, processes,
    robust: (flags & 1) !== 0, faults, tools: { watchpoint, core: (flags & 2) !== 0, pmap: (flags & 4) !== 0 }, limits: { maxSteps, timeoutMs }, work,
    ...(flags & 16 ? { scheduling: 'round-robin' as const } : {}),
  } as SpecInput;
}
