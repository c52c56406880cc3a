// One outcome ranking for both engines (src/engine/outcome-rank.ts): a run with lost updates
// that then hangs is a hang in the simulator (sim-1 called it a mutual_exclusion_violation) and
// in the native engine's verdict, which reads the same table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResult, execute } from '../../src/engine/sim.js';
import { OUTCOME_RANK, rankedOutcome } from '../../src/engine/outcome-rank.js';
import { OUTCOMES } from '../../src/engine/result.js';
import { nativeVerdict } from '../../src/native/verdict.js';
import type { PartialResult } from '../../src/native/to-result.js';
import { spec } from './helpers.js';

test('the table ranks every outcome once, crash first and ok last', () => {
  assert.deepEqual([...OUTCOME_RANK].sort(), [...OUTCOMES].sort());
  assert.equal(OUTCOME_RANK[0], 'crash');
  assert.equal(OUTCOME_RANK[OUTCOME_RANK.length - 1], 'ok');
  assert.ok(OUTCOME_RANK.indexOf('hang') < OUTCOME_RANK.indexOf('mutual_exclusion_violation'));
  assert.equal(rankedOutcome((o) => o === 'mutual_exclusion_violation' || o === 'hang'), 'hang');
  assert.equal(rankedOutcome(() => false), 'ok');
});

test('a simulated run that lost updates and then hung is a hang in both engines\' verdicts', () => {
  const s = spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, key: '0x1234', iterations: 200, cpus: 2, seed: 1 });
  const exec = execute(s);
  const r = buildResult(exec);
  assert.equal(exec.stop, 'hang');
  assert.ok(r.counter.lostUpdates > 0 || r.mutualExclusion.violations > 0, 'the run also lost exclusion');
  assert.equal(r.verdict.outcome, 'hang');
  // The same facts as the native engine would report them.
  const { verdict: _v, ...rest } = r;
  const partial = { ...rest, spec: { ...s, engine: 'native' }, evidence: { ...r.evidence, blocked: [], recoveries: [], end: 'hang' } } as unknown as PartialResult;
  assert.equal(nativeVerdict(partial).outcome, 'hang');
});
