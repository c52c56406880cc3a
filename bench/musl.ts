// npm run bench:musl   (RUNS=100 by default; SHAPES=shared,private to pick a part)
// What musl really does with a mutex in a System V segment shared by processes, as histograms
// of outcome classes over RUNS native runs per shape (the probe linked statically with musl,
// the service's native defaults: hang detection after 500 ms without progress), beside the
// musl-1.2 model over RUNS seeds of the same shape. An `ok` is split into exact / inexact
// (counter == processes x threads x iterations).
import { loadavg } from 'node:os';
import { validateSpec } from '../src/engine/spec.js';
import { simEngine } from '../src/engine/sim.js';
import { createNativeEngine } from '../src/native/engine.js';
import type { Result } from '../src/engine/result.js';

const RUNS = Number(process.env.RUNS ?? 100);
const PARTS = (process.env.SHAPES ?? 'shared,private').split(',');
const SIM_ITERATIONS = Number(process.env.SIM_ITERATIONS ?? 1000);
const native = createNativeEngine();

interface Shape { name: string; spec: Record<string, unknown>; iterations: number[] }

const SHAPES: Record<string, Shape[]> = {
  shared: [
    { name: 'SHARED 4 x 1', spec: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 4 }, iterations: [100_000] },
    { name: 'SHARED 2 x 2', spec: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, threadsPerProcess: 2 }, iterations: [100_000] },
  ],
  private: [
    { name: 'PRIVATE 2 x 1', spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2 }, iterations: [1000, 100_000] },
    { name: 'PRIVATE 4 x 1', spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4 }, iterations: [1000, 100_000] },
    { name: 'PRIVATE 2 x 2', spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2 }, iterations: [1000, 100_000] },
  ],
};

function spec(input: Record<string, unknown>, seed: number) {
  const v = validateSpec({ key: '0x1234', cpus: 2, ...input, seed }, () => seed);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

/** The outcome class, with ok split by whether the counter is exact. */
function classOf(r: Result): string {
  if (r.verdict.outcome !== 'ok') return r.verdict.outcome;
  const planned = r.spec.processCount * r.spec.threadsPerProcess * r.spec.iterations;
  return r.counter.final === planned && r.counter.lostUpdates === 0 ? 'ok exact' : 'ok inexact';
}

const show = (h: Map<string, number>) => [...h].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');

async function histogram(run: (i: number) => Promise<Result>): Promise<{ h: Map<string, number>; seconds: number; twoHolders: number }> {
  const h = new Map<string, number>();
  let twoHolders = 0;
  const t = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const r = await run(i);
    const k = classOf(r);
    h.set(k, (h.get(k) ?? 0) + 1);
    if (r.mutualExclusion.maxHolders > 1) twoHolders++;
  }
  return { h, seconds: (performance.now() - t) / 1000, twoHolders };
}

console.log(`bench:musl  ${RUNS} runs per shape, cpus 2, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const part of PARTS) {
  for (const shape of SHAPES[part] ?? []) {
    for (const iterations of shape.iterations) {
      const nat = await histogram((i) => native.run(spec({ ...shape.spec, engine: 'native', libc: 'musl', iterations }, i)));
      console.log(`native musl  ${shape.name} x ${iterations}: ${show(nat.h)}  (two holders seen in ${nat.twoHolders}; ${nat.seconds.toFixed(1)} s)`);
    }
    const sim = await histogram((seed) => simEngine.run(spec({ ...shape.spec, platform: 'musl-1.2', iterations: SIM_ITERATIONS }, seed + 1)));
    console.log(`sim musl-1.2 ${shape.name} x ${SIM_ITERATIONS}: ${show(sim.h)}  (two holders seen in ${sim.twoHolders}; seeds 1..${RUNS})`);
  }
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
