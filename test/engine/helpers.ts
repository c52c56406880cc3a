// Shared helpers for engine tests: specs from presets, and a hand-driven machine whose
// threads are stepped one by one (no scheduler) to test a platform's lock and unlock paths.
import { validateSpec, type Spec, type SpecInput } from '../../src/engine/spec.js';
import { applyPreset } from '../../src/runner/presets.js';
import { Machine } from '../../src/engine/machine/machine.js';
import { RoundRobinScheduler } from '../../src/engine/schedulers/round-robin.js';
import { buildWorld, type World } from '../../src/engine/world.js';
import { findPlatform } from '../../src/engine/platforms/index.js';
import { DONE, type MutexProgram, type PlatformDefinition } from '../../src/engine/platforms/platform.js';
import { TraceBuffer } from '../../src/engine/machine/trace-buffer.js';
import type { SimThread } from '../../src/engine/machine/process.js';

export function spec(input: Partial<SpecInput> & Record<string, unknown>): Spec {
  const body = 'preset' in input ? applyPreset(input)! : input;
  const v = validateSpec(body, () => 1);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

/** The story's shape: app with 2 threads, other with 1, key 0x1234. */
export const story = (platform: string, mutexType: string, cpus = 1): Spec => spec({
  platform, mutexType, processCount: 2, key: '0x1234', cpus, seed: 1, iterations: 10,
  processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1 }],
} as SpecInput);

export interface Bench { m: Machine; world: World; platform: PlatformDefinition; mutex: MutexProgram; threads: SimThread[]; mutexBytes: () => Uint8Array }

/** A machine with the spec's processes set up, not running: tests call lock/unlock by hand. */
export function bench(s: Spec, trace = false): Bench {
  const platform = findPlatform(s.platform)!;
  const m = new Machine(s.cpus, s.limits.maxSteps, new RoundRobinScheduler(), s.seed);
  if (trace) m.tr = new TraceBuffer();
  const world = buildWorld(m, s, platform);
  const mutex = platform.create(m, s);
  return { m, world, platform, mutex, threads: m.threads, mutexBytes: () => world.segment.backing.u8.subarray(0, 24) };
}

/** Step `t` through lock (or unlock) until it finishes; returns the steps taken, or -1 if it stopped running (parked or killed). */
export function drive(b: Bench, t: SimThread, op: 'lock' | 'unlock', maxSteps = 100_000): number {
  for (let i = 1; i <= maxSteps; i++) {
    const r = b.mutex[op](b.m, t);
    if (r === DONE) return i;
    if (t.state !== 0) return -1;
  }
  throw new Error(`${op} did not finish in ${maxSteps} steps`);
}

/** The segment's bytes as a DataView (the backing is a slice of the run's arena). */
export const segmentView = (b: Bench) => { const u8 = b.world.segment.backing.u8; return new DataView(u8.buffer, u8.byteOffset, u8.byteLength); };
export const owner = (b: Bench) => { const u = segmentView(b); return u.getUint32(16, true) + u.getUint32(20, true) * 2 ** 32; };
export const lockByte = (b: Bench) => b.world.segment.backing.u8[15]!;
export const waitersByte = (b: Bench) => b.world.segment.backing.u8[14]!;
