// CPUs that interleave (issue 10): at most `cpus` threads on a CPU, the CPUs take turns unless
// the scheduler lets one step out of turn, and every such choice is a decision point that
// random, pct, dfs and replay see. These tests fail on the lockstep machine of sim-1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { simulate } from '../../src/engine/sim.js';
import { ChunkRunner, planExploration } from '../../src/engine/explore/index.js';
import { RecordingScheduler } from '../../src/engine/explore/recorder.js';
import { RandomScheduler } from '../../src/engine/schedulers/random.js';
import { ReplayScheduler } from '../../src/engine/schedulers/replay.js';
import { isPreemption, type SchedulePoint, type Scheduler } from '../../src/engine/schedulers/scheduler.js';
import { spec } from './helpers.js';

const hashOf = (x: unknown) => createHash('sha1').update(JSON.stringify(x)).digest('hex');
const pair = (platform: string, mutexType: string, extra: Record<string, unknown> = {}) =>
  spec({ platform, mutexType, processCount: 2, key: '0x1234', cpus: 2, iterations: 50, seed: 1, ...extra });

test('2 CPUs, 2 threads: different seeds give different runs; the same seed the same bytes', () => {
  const runs = [1, 2, 3, 4].map((seed) => simulate(pair('solaris10', 'USYNC_PROCESS', { seed }), { trace: true }));
  const hashes = new Set(runs.map((r) => hashOf([...r.trace])));
  assert.ok(hashes.size >= 3, `${hashes.size} distinct traces of 4 seeds`);
  assert.ok(runs.every((r) => r.result.stats.decisions > 0), 'the scheduler decided which CPU steps');
  const again = simulate(pair('solaris10', 'USYNC_PROCESS', { seed: 2 }), { trace: true });
  assert.equal(JSON.stringify(again.result), JSON.stringify(runs[1]!.result));
  assert.equal(hashOf([...again.trace]), hashOf([...runs[1]!.trace]));
});

test('trace t is virtual time: monotonic, CPUs share ticks, a CPU never steps twice in one tick', () => {
  const { trace, result } = simulate(pair('solaris10', 'USYNC_PROCESS', { seed: 3 }), { trace: true });
  const events = [...trace];
  let shared = 0;
  const steppedAt = new Map<string, number>();
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.t >= events[i - 1]!.t, `event ${i} goes back in time`);
  for (const e of events) {
    if (e.cpu < 0 || !['read', 'write', 'owner_read', 'deref'].includes(e.op)) continue;
    const key = `${e.t}`;
    const cpus = steppedAt.get(key) ?? 0;
    if (cpus !== 0 && !(cpus & (1 << e.cpu))) shared++;
    steppedAt.set(key, cpus | (1 << e.cpu));
  }
  assert.ok(shared > 0, 'both CPUs stepped in some tick');
  assert.ok(result.stats.virtualTime < result.stats.steps, `${result.stats.virtualTime} ticks for ${result.stats.steps} steps on 2 CPUs`);
  assert.ok(result.stats.virtualTime > result.stats.steps / 2 - 1, 'no tick holds more steps than CPUs');
});

test('glibc-2.36 PRIVATE on 2 CPUs: the random scheduler drifts the CPUs out of phase, and the outcomes vary with the seed', () => {
  const outcomes = new Set<string>();
  for (let seed = 1; seed <= 8; seed++) outcomes.add(simulate(pair('glibc-2.36', 'PTHREAD_PROCESS_PRIVATE', { seed, iterations: 200 })).result.verdict.outcome);
  assert.ok(outcomes.size >= 2, [...outcomes].join(', '));
});

test('every choice goes through step(): threads of other CPUs are offered, and stepping one out of turn is a preemption', () => {
  let outOfTurn = 0, offered = 0;
  const inner = new RandomScheduler(5);
  const checker: Scheduler = {
    name: 'checker',
    start: (shape) => inner.start(shape),
    quantum: () => inner.quantum(),
    step(p: SchedulePoint): number {
      const running = Array.from(p.running.subarray(0, p.runningCount));
      const ready = Array.from(p.ready.subarray(0, p.readyCount));
      if (running.length > 0) offered++;
      assert.ok(!running.includes(p.current) && !running.some((r) => ready.includes(r)), 'running, current and ready are disjoint');
      const choice = inner.step(p);
      if (running.includes(choice)) { outOfTurn++; assert.ok(isPreemption(p, choice)); }
      return choice;
    },
  };
  const { result } = simulate(spec({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 3, key: '0x1234', cpus: 2, iterations: 40, seed: 5 }), { scheduler: checker });
  assert.equal(result.verdict.outcome, 'ok');
  assert.ok(offered > 0 && outOfTurn > 0, `${offered} points offered other CPUs, ${outOfTurn} taken`);
});

test('a recorded 2-CPU random run replays exactly from its departures from lockstep', () => {
  const s = pair('glibc-2.36', 'PTHREAD_PROCESS_PRIVATE', { seed: 7, iterations: 100 });
  const rec = new RecordingScheduler(new RandomScheduler(7));
  const a = simulate(s, { trace: true, scheduler: rec });
  const schedule = rec.schedule();
  assert.ok(schedule.deviations.length > 0);
  const replay = new ReplayScheduler(schedule);
  const b = simulate(s, { trace: true, scheduler: replay });
  assert.equal(replay.divergence(), null);
  assert.equal(hashOf([...b.trace]), hashOf([...a.trace]));
  assert.equal(JSON.stringify(b.result.counter), JSON.stringify(a.result.counter));
});

test('dfs on 2 CPUs (USYNC_PROCESS, 2 x 1 thread, 2 iterations, maxPreemptions 2) exhausts a space of the CPUs\' interleavings, with no failure', () => {
  const s = spec({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', cpus: 2, iterations: 2, seed: 1, explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 1_000_000 } });
  const runner = new ChunkRunner(s, planExploration(s), 0, 1_000_000);
  while (!runner.runBatch(1024));
  const report = runner.result();
  assert.equal(report.exhausted, true);
  assert.equal(report.failures, 0);
  assert.ok(report.ran >= 36, `${report.ran} schedules (lockstep machine: 2)`);
});
