// bench:explore: schedules per second of an exploration of `solaris10-crash` with iterations 3
// (random strategy, one core, the chunk runner that workers use), beside the single-run
// steps/s of the engine bench's configuration; then the speedup of two workers (worker
// threads, each running half of a 20000-schedule random exploration) over one, and a check
// that the merged report is identical. Wall time and CPU time are both printed: on a shared
// machine the CPU figure is the one that measures the engine. The worker comparison is run
// three times (best of each kept) and printed beside the load average: two workers can only
// beat one when two cores are free. That comparison explores the preset at its own 100 iterations.
// Run with `npm run bench:explore` (builds first).
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { execute } from '../src/engine/sim.js';
import { validateSpec, type Spec, type SpecInput } from '../src/engine/spec.js';
import { ChunkRunner, mergeReports, planExploration, splitRange, type ChunkReport } from '../src/engine/explore/index.js';
import { findPreset } from '../src/runner/presets.js';

function specOf(input: SpecInput): Spec {
  const v = validateSpec(input, () => 1);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

const crash = (schedules: number): Spec => specOf({ ...findPreset('solaris10-crash')!.spec, iterations: 3, seed: 1, explore: { strategy: 'random', schedules } });
// The story as the first version of this bench measured it (126k schedules/s): the preset's
// processes without the workload timing the preset has carried since, so a schedule is a few
// dozen steps of lock cycles instead of ~2800 steps mostly of work. Both are printed.
const bare = (schedules: number): Spec => {
  const preset = findPreset('solaris10-crash')!.spec;
  return specOf({ ...preset, work: {}, processes: preset.processes!.map(({ work: _work, ...p }) => p), iterations: 3, seed: 1, explore: { strategy: 'random', schedules } });
};
// The worker comparison explores the preset as users run it (100 iterations per thread), so that
// 20000 schedules are seconds of work and not lost in the start-up of a worker.
const story = (schedules: number): Spec => specOf({ ...findPreset('solaris10-crash')!.spec, seed: 1, explore: { strategy: 'random', schedules } });

function runChunk(spec: Spec, from: number, to: number): ChunkReport {
  const r = new ChunkRunner(spec, planExploration(spec), from, to);
  while (!r.runBatch(1024));
  return r.result();
}

function cpuMs(since: NodeJS.CpuUsage): number { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; }

/** One exploration chunk of `spec` on this thread, after a warm-up, timed and printed. */
function timedExploration(spec: Spec, warmUp: number, label: string, target: string, suffix = ''): void {
  const n = spec.explore!.schedules;
  runChunk(spec, 0, warmUp); // the optimising compiler has to be done before the timing starts
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runChunk(spec, 0, n);
  const wall = performance.now() - t0, cpu = cpuMs(c0);
  console.log(`exploration ${label}, random, one core: ${r.ran} schedules (${(r.steps / r.ran).toFixed(1)} steps each, ${r.failures} failing) in ${wall.toFixed(0)} ms wall / ${cpu.toFixed(0)} ms cpu`);
  console.log(`  ${(r.ran / wall * 1000).toFixed(0)} schedules/s wall, ${(r.ran / cpu * 1000).toFixed(0)} schedules/s cpu (${target}); ${(r.steps / cpu / 1000).toFixed(2)}M steps/s cpu inside an exploration${suffix}`);
}

if (!isMainThread) {
  const { n, from, to } = workerData as { n: number; from: number; to: number };
  runChunk(story(n), 0, 1_000); // warm-up (the optimising compiler has to be done before the timing starts)
  const t0 = performance.now();
  const report = runChunk(story(n), from, to);
  parentPort!.postMessage({ report, ms: performance.now() - t0 });
} else {
  const engineSpec = specOf({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 4, threadsPerProcess: 2, iterations: 10_000, cpus: 2, key: '0x1234', seed: 1, limits: { maxSteps: 200_000_000 } });
  execute(engineSpec);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const single = execute(engineSpec);
  const singleWall = performance.now() - t0, singleCpu = cpuMs(c0);
  console.log(`single run (engine bench configuration): ${single.machine.steps} steps, ${(single.machine.steps / singleWall / 1000).toFixed(2)}M steps/s wall, ${(single.machine.steps / singleCpu / 1000).toFixed(2)}M steps/s cpu`);

  timedExploration(crash(40_000), 4000, 'solaris10-crash iterations 3', 'target >= 20000');
  timedExploration(bare(200_000), 20_000, 'solaris10-crash iterations 3 WITHOUT its work timing (the story as first measured)', 'issue 10 target >= 100000',
    ` (load average ${loadavg()[0]!.toFixed(2)})`);
  if (process.argv.includes('--no-workers')) process.exit(0);

  // Acceptance 5: 20000 random schedules, one worker vs two.
  const M = 20_000;
  const inWorkers = async (parts: number) => {
    const start = performance.now();
    const outs = await Promise.all(splitRange(M, parts).map((c) => new Promise<{ report: ChunkReport; ms: number }>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { n: M, from: c.from, to: c.to } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    return { ms: performance.now() - start, slowest: Math.max(...outs.map((o) => o.ms)), merged: mergeReports(outs.map((o) => o.report)) };
  };
  type Timed = Awaited<ReturnType<typeof inWorkers>>;
  const best = (a: Timed | null, b: Timed): Timed => (a === null || b.slowest < a.slowest ? b : a);
  let w1: Timed | null = null, w2: Timed | null = null;
  let same = true;
  for (let round = 0; round < 3; round++) {
    const one = await inWorkers(1);
    const two = await inWorkers(2);
    same &&= JSON.stringify(one.merged) === JSON.stringify(two.merged);
    w1 = best(w1, one);
    w2 = best(w2, two);
  }
  console.log(`20000 random schedules of solaris10-crash (best of 3; load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cpus): 1 worker ${w1!.slowest.toFixed(0)} ms, 2 workers ${w2!.slowest.toFixed(0)} ms (slowest chunk; ${w1!.ms.toFixed(0)} / ${w2!.ms.toFixed(0)} ms with worker start-up): speedup ${(w1!.slowest / w2!.slowest).toFixed(2)}x (${(w1!.ms / w2!.ms).toFixed(2)}x end to end); merged result identical: ${same}`);
  if (!same) process.exitCode = 1;
}
