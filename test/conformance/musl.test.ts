// The conformance scenarios (scenarios.ts) on musl: real processes running the probe linked
// statically against musl, and the simulator's musl-1.2 model. musl never lets two holders in
// (every lock is an atomic CAS), so the PRIVATE cases end in lost wake-ups on both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simEngine } from '../../src/engine/sim.js';
import { validateSpec } from '../../src/engine/spec.js';
import { runExploration } from '../../src/runner/explore-run.js';
import { SCENARIOS, SIM_SEEDS, conformance, outcomes, specFor } from './scenarios.js';

conformance('musl');

test('sim musl-1.2, case 1 at any length: never the assertion, never two holders, never lost updates', async () => {
  const s = SCENARIOS[0]!;
  for (const iterations of [200, 5000]) {
    const rs = await outcomes(simEngine, SIM_SEEDS.map((seed) => specFor('sim', 'musl', { ...s, simIterations: iterations }, seed)));
    for (const r of rs) {
      assert.ok(!r.processes.some((p) => p.exit.kind === 'signaled'), r.verdict.summary);
      assert.equal(r.mutualExclusion.maxHolders, 1);
      assert.equal(r.counter.lostUpdates, 0);
    }
  }
});

// TODO (declared): since system calls take time (sim-3), two single-threaded processes on two
// CPUs never lose a wake-up in the model, in any schedule dfs tries: the waiter's FUTEX_WAIT
// only sleeps if the holder is still inside its few-step critical section after the system
// call's entry, and nothing in the model stalls a holder there on its own CPU (real CPUs take
// interrupts, and a VM's vCPUs are descheduled by the host). Native musl shows the hang in a
// few runs of 100 at 1000 iterations and in almost all at 100000. The model needs holder stalls
// from measured figures (interrupt rate and length) before this can pass.
test('PRIVATE 2 x 1 across processes: the musl-1.2 model allows both classes native runs show (ok and hang); never a crash or two holders', { todo: 'sim-3 has no holder stalls on 2 CPUs (no interrupts): ok only' }, async () => {
  // Native musl at 1000 iterations ends ok in most runs and in a lost wake-up in some (bench:musl).
  // The random scheduler's seeds put both processes in contention from the first step and always
  // end in the lost wake-up; dfs, which also tries schedules where one process runs ahead, finds both.
  const v = validateSpec({ key: '0x1234', platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, cpus: 2, iterations: 200, seed: 1, explore: { strategy: 'dfs', schedules: 150, timeMs: 60_000 } }, () => 1);
  assert.ok(v.ok);
  const { result } = await runExploration(v.spec);
  const seen = result.exploration!.outcomes as Record<string, number>;
  assert.ok((seen.ok ?? 0) > 0 && (seen.hang ?? 0) > 0, JSON.stringify(seen));
  assert.deepEqual(Object.keys(seen).filter((o) => o !== 'ok' && o !== 'hang'), []);
});
