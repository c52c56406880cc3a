// The scheduler contract: every decision goes through step(), the machine records the choices,
// and feeding them back (a replay scheduler) reproduces the run exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/engine/sim.js';
import { RoundRobinScheduler } from '../../src/engine/schedulers/round-robin.js';
import { RandomScheduler } from '../../src/engine/schedulers/random.js';
import { isPreemption, type SchedulePoint, type Scheduler } from '../../src/engine/schedulers/scheduler.js';
import { Prng } from '../../src/engine/prng.js';
import { spec } from './helpers.js';

class Replay implements Scheduler {
  readonly name = 'replay';
  private i = 0;
  constructor(private readonly choices: number[], private readonly inner: Scheduler) {}
  start(shape: Parameters<Scheduler['start']>[0]): void { this.i = 0; this.inner.start(shape); }
  step(): number { return this.choices[this.i++]!; }
  quantum(thread: number, cpu: number): number { return this.inner.quantum(thread, cpu); }
}

test('recorded schedule replays to the same result and trace', () => {
  const s = spec({ preset: 'solaris10-crash', seed: 5 });
  const a = simulate(s, { trace: true, recordSchedule: true });
  assert.ok(a.schedule && a.schedule.length === a.result.stats.decisions && a.schedule.length > 0);
  // same quanta (random slices come from the seeded PRNG), decisions from the record
  const b = simulate(s, { trace: true, scheduler: new Replay(a.schedule!, new RandomScheduler(s.seed)) });
  assert.equal(JSON.stringify(b.result), JSON.stringify(a.result));
  assert.equal(JSON.stringify([...b.trace]), JSON.stringify([...a.trace]));
});

test('every decision passes through step() with valid candidates; preemptions are visible', () => {
  let calls = 0, preemptions = 0;
  const prng = new Prng(9);
  const s: Scheduler = {
    name: 'checker',
    start: () => {},
    quantum: () => 1_000_000,
    step(p: SchedulePoint): number {
      calls++;
      assert.ok(p.readyCount + (p.currentRunnable ? 1 : 0) > 1, 'called only with a choice');
      const ready = Array.from(p.ready.subarray(0, p.readyCount));
      assert.equal(new Set(ready).size, ready.length);
      if (p.currentRunnable) assert.ok(!ready.includes(p.current));
      const pick = prng.below(10) === 0 && p.readyCount > 0 ? ready[0]! : p.currentRunnable ? p.current : ready[0]!;
      if (isPreemption(p, pick)) preemptions++;
      return pick;
    },
  };
  const { result } = simulate(spec({ preset: 'solaris10-fixed', seed: 1 }), { scheduler: s });
  assert.equal(calls, result.stats.decisions);
  assert.ok(preemptions > 0);
  assert.equal(result.verdict.outcome, 'ok');
});

test('round-robin: fixed quantum, deterministic, independent of the seed', () => {
  // Without the preset's seeded spread of work, so that only the scheduler could depend on the seed.
  const fixed = (seed: number) => spec({ preset: 'solaris10-fixed', seed, work: {}, processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1 }] });
  const a = simulate(fixed(1), { scheduler: new RoundRobinScheduler(50) }).result;
  const b = simulate(fixed(2), { scheduler: new RoundRobinScheduler(50) }).result;
  assert.equal(a.stats.steps, b.stats.steps);
  assert.equal(a.stats.contextSwitches, b.stats.contextSwitches);
  assert.equal(a.verdict.outcome, 'ok');
});

test('a scheduler that picks a thread that cannot run is a bug: the machine throws', () => {
  const bad: Scheduler = { name: 'bad', start: () => {}, quantum: () => 1, step: () => 999 };
  assert.throws(() => simulate(spec({ preset: 'solaris10-fixed', seed: 1 }), { scheduler: bad }), /chose thread 999/);
});

test('Prng: seeded, uniform enough, in range', () => {
  const a = new Prng(42), b = new Prng(42);
  const xs = Array.from({ length: 1000 }, () => a.below(10));
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.below(10)));
  for (let v = 0; v < 10; v++) { const n = xs.filter((x) => x === v).length; assert.ok(n > 60 && n < 140, `bucket ${v}: ${n}`); }
});
