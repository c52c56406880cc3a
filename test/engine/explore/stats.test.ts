import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilson, zeroFailureBound, pctMissBound } from '../../../src/engine/explore/stats.js';

test('zero failures: the exact one-sided bound 1 - 0.05^(1/n) lies just below the rule of three', () => {
  const z = zeroFailureBound(1000);
  assert.ok(Math.abs(z.upper - 0.002991) < 1e-5, String(z.upper));
  assert.equal(z.ruleOfThree, 0.003);
  assert.ok(z.upper < z.ruleOfThree);
  assert.equal(wilson(0, 1000).low, 0);
});

test('wilson stays inside [0, 1] at the extremes', () => {
  const all = wilson(50, 50);
  assert.equal(all.high, 1);
  assert.ok(all.low > 0.9 && all.low < 1);
});

test('pct miss bound: (1 - 1/(n k^(d-1)))^runs', () => {
  const g = pctMissBound(3, 100, 2, 300);
  assert.equal(g.perRun, 1 / 300);
  assert.ok(Math.abs(g.missBound - Math.pow(1 - 1 / 300, 300)) < 1e-12);
  assert.equal(pctMissBound(3, 100, 1, 10).perRun, 1 / 3);
});
