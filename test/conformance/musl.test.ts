// The conformance scenarios (scenarios.ts) on musl: real processes running the probe linked
// statically against musl, and the simulator's musl-1.2 model. musl never lets two holders in
// (every lock is an atomic CAS), so the PRIVATE cases end in lost wake-ups on both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simEngine } from '../../src/engine/sim.js';
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
