// runRequest: the one dispatch of the engine requests the worker sends its engine threads
// (src/runner/request.ts), each kind against what the plain calls produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRequest, ReplayRefusedError } from '../../src/runner/run.js';
import { requestFor } from '../../src/runner/request.js';
import { paths } from '../../src/runner/paths.js';
import { existsSync } from 'node:fs';
import { ndjson, presetSpec } from '../engine/explore/helpers.js';

const explore = { strategy: 'random' as const, schedules: 40 };

test('run, explore, explore-chunk + explore-finish and replay answer through one dispatch', async () => {
  const plain = presetSpec('solaris10-crash');
  const run = await runRequest(requestFor(plain));
  assert.equal(run.kind, 'result');
  if (run.kind === 'result') assert.equal(run.result.verdict.outcome, 'crash');

  const spec = presetSpec('solaris10-crash', { explore });
  const whole = await runRequest(requestFor(spec));
  assert.equal(whole.kind, 'result');
  if (whole.kind !== 'result') return;
  assert.equal(whole.result.exploration?.schedules, 40);

  // the same exploration in two chunks, merged and finished: the same figures and trace bytes
  const a = await runRequest({ kind: 'explore-chunk', spec, from: 0, to: 25 });
  const b = await runRequest({ kind: 'explore-chunk', spec, from: 25, to: 40 });
  assert.equal(a.kind, 'chunk');
  assert.equal(b.kind, 'chunk');
  if (a.kind !== 'chunk' || b.kind !== 'chunk') return;
  assert.equal(a.report.ran + b.report.ran, 40);
  const merged = await runRequest({ kind: 'explore-finish', spec, reports: [a.report, b.report] });
  assert.equal(merged.kind, 'result');
  if (merged.kind !== 'result') return;
  assert.deepEqual(merged.result.exploration?.outcomes, whole.result.exploration?.outcomes);
  assert.equal(ndjson(merged.trace), ndjson(whole.trace));

  // a record holding a token asks for a replay: the shrunk run again, same bytes
  const token = whole.result.exploration!.shrunk!.token;
  const replay = await runRequest(requestFor(plain, token));
  assert.equal(replay.kind, 'result');
  if (replay.kind === 'result') {
    assert.equal(replay.result.verdict.outcome, whole.result.verdict.outcome);
    assert.equal(ndjson(replay.trace), ndjson(whole.trace));
  }
  await assert.rejects(runRequest({ kind: 'replay', spec: plain, token: 'mlx1.damaged' }), ReplayRefusedError);
});

test('paths: the installation root holds the presets, the dashboard and openapi.json', () => {
  for (const p of [paths.presets, paths.dashboard, paths.openapi, paths.distSrc]) assert.ok(existsSync(p), p);
});
