// npm run bench:native
// 1. Overhead per experiment of the TypeScript side (spawn, parse, result, verdict) and of the
//    sandbox (namespaces) over running the probe binary directly with the same arguments.
// 2. PTHREAD_PROCESS_SHARED lock/unlock throughput: the probe (1 process, 1 thread, no rings)
//    beside a plain C loop (build/lockloop) in one process.
// 3. Repetitions per second of `repeat` for 4 processes x 1000 iterations on 2 CPUs (private and
//    shared): one probe invocation with repeat=N, directly and through the runner (parse, results,
//    distribution), beside the bare probe started once per run.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { validateSpec } from '../src/engine/spec.js';
import { createNativeEngine, NATIVE_DEFAULTS } from '../src/native/engine.js';
import { DEFAULT_PROBE_PATH, probeArguments } from '../src/native/probe-command.js';
import { parseProbeOutput } from '../src/native/probe-output.js';
import { runRepeat } from '../src/runner/repeat-run.js';

const LOCKLOOP = fileURLToPath(new URL('../../src/native/build/lockloop', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 60);

const spec = (() => {
  const v = validateSpec({ engine: 'native', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', iterations: 1000, cpus: 2 }, () => 1);
  if (!v.ok) throw new Error('bad bench spec');
  return v.spec;
})();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function direct(isolate: boolean): number[] {
  const args = probeArguments(spec, { ...NATIVE_DEFAULTS, isolate });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(DEFAULT_PROBE_PATH, args, { encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(r.stdout + r.stderr);
  }
  return times;
}

async function viaEngine(isolate: boolean): Promise<number[]> {
  const engine = createNativeEngine({ isolate });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await engine.run(spec);
    times.push(performance.now() - t);
    if (r.verdict.outcome !== 'ok') throw new Error(r.verdict.summary);
  }
  return times;
}

async function overhead(): Promise<void> {
  await viaEngine(true); // warm-up: module loading, page cache
  const rawHost = median(direct(false));
  const rawSandboxed = median(direct(true));
  const engineSandboxed = median(await viaEngine(true));
  const engineHost = median(await viaEngine(false));
  console.log(`overhead per experiment (median of ${RUNS}, spec 2 processes x 1000 iterations SHARED)`);
  console.log(`  probe directly, host namespaces      ${rawHost.toFixed(1)} ms`);
  console.log(`  probe directly, own namespaces       ${rawSandboxed.toFixed(1)} ms   (sandbox: +${(rawSandboxed - rawHost).toFixed(1)} ms)`);
  console.log(`  nativeEngine.run, host namespaces    ${engineHost.toFixed(1)} ms   (TypeScript side: +${(engineHost - rawHost).toFixed(1)} ms)`);
  console.log(`  nativeEngine.run, own namespaces     ${engineSandboxed.toFixed(1)} ms   (TypeScript side + sandbox: +${(engineSandboxed - rawHost).toFixed(1)} ms, target <= 15 ms)`);
}

function throughput(): void {
  const n = 5_000_000;
  const c = /ns_per_cycle=([\d.]+)/.exec(execFileSync(LOCKLOOP, [String(n)], { encoding: 'utf8' }));
  const args = ['type=shared', 'processes=1', 'threads=1', `iterations=${n}`, 'trace=0', 'watch=none', 'hang_ms=5000'];
  const probe = parseProbeOutput(execFileSync(DEFAULT_PROBE_PATH, args, { encoding: 'utf8' }));
  const traced = parseProbeOutput(execFileSync(DEFAULT_PROBE_PATH, args.map((a) => (a === 'trace=0' ? 'trace=1' : a)), { encoding: 'utf8' }));
  // elapsed covers the whole probe run (fork, attach, exit): an upper bound per cycle
  const perCycle = (r: typeof probe) => r.end.elapsedNs / n;
  console.log(`PTHREAD_PROCESS_SHARED lock/unlock, 1 process x 1 thread x ${n}`);
  console.log(`  plain C loop (lockloop)         ${Number(c?.[1]).toFixed(1)} ns/cycle   ${(1e3 / Number(c?.[1])).toFixed(1)} M cycles/s`);
  console.log(`  probe, no rings                 ${perCycle(probe).toFixed(1)} ns/cycle   ${(1e3 / perCycle(probe)).toFixed(1)} M cycles/s`);
  console.log(`  probe, rings (as the engine)    ${perCycle(traced).toFixed(1)} ns/cycle   ${(1e3 / perCycle(traced)).toFixed(1)} M cycles/s`);
}

const REPS = Number(process.env.REPS ?? 100);

async function repetitions(): Promise<void> {
  for (const mutexType of ['PTHREAD_PROCESS_PRIVATE', 'PTHREAD_PROCESS_SHARED']) {
    const v = validateSpec({ engine: 'native', mutexType, processCount: 4, key: '0x1234', iterations: 1000, cpus: 2, repeat: REPS }, () => 1);
    if (!v.ok) throw new Error('bad bench spec');
    const args = probeArguments(v.spec, NATIVE_DEFAULTS);
    let t = performance.now();
    for (let i = 0; i < REPS; i++) spawnSync(DEFAULT_PROBE_PATH, args, { encoding: 'utf8' });
    const bare = REPS / ((performance.now() - t) / 1000);
    t = performance.now();
    const r = spawnSync(DEFAULT_PROBE_PATH, [...args, `repeat=${REPS}`], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const direct = REPS / ((performance.now() - t) / 1000);
    if (r.status !== 0) throw new Error(r.stdout.slice(-500) + r.stderr);
    const out = await runRepeat(v.spec);
    const d = out.distribution;
    const counts = Object.entries(d.outcomes).filter(([, n]) => n > 0).map(([o, n]) => `${o} ${n}`).join(', ');
    console.log(`repeat: ${mutexType}, 4 processes x 1 thread x 1000 iterations, cpus 2, ${REPS} runs`);
    console.log(`  bare probe, one invocation per run   ${bare.toFixed(1)} runs/s`);
    console.log(`  probe repeat=${REPS}, one invocation    ${direct.toFixed(1)} runs/s`);
    console.log(`  repeat: ${REPS} through the runner      ${d.runsPerSecond.toFixed(1)} runs/s (target >= 50)   ${counts}`);
  }
}

console.log(`host load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (process.env.ONLY !== 'repeat') {
  await overhead();
  throughput();
}
await repetitions();
