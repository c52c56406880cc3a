// The stored trace encoding: gzip NDJSON byte-identical to the engine's own ndjson() when the
// trace fits, head + tail with truthful counts when it does not, and sizes from tiny to
// past a trace-buffer chunk (65,536 rows) where the first chunk has grown and a second begins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { simulate } from '../../src/engine/sim.js';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { applyPreset } from '../../src/runner/presets.js';
import { encodeTrace } from '../../src/worker/trace-encode.js';

function spec(body: Record<string, unknown>): Spec {
  const v = validateSpec('preset' in body ? applyPreset(body)! : body, () => 7);
  assert.ok(v.ok);
  return v.spec;
}

const SPECS = {
  tiny: spec({ mutexType: 'USYNC_PROCESS', processCount: 1, key: '0x1234', iterations: 1 }),
  crash: spec({ preset: 'solaris10-crash', seed: 3 }),
  long: spec({ mutexType: 'USYNC_PROCESS', processCount: 3, key: '0x1234', iterations: 3000, seed: 5 }),
};

for (const [name, s] of Object.entries(SPECS)) {
  test(`encodeTrace(${name}) gunzips to exactly the engine's NDJSON`, () => {
    const { trace } = simulate(s, { trace: true });
    const encoded = encodeTrace(trace, 1_000_000);
    assert.equal(gunzipSync(encoded.gzip).toString(), [...trace.ndjson()].join(''));
    assert.deepEqual({ events: encoded.events, stored: encoded.stored, truncated: encoded.truncated }, { events: trace.length, stored: trace.length, truncated: false });
    if (name === 'long') assert.ok(trace.length > 65_536, `the long run crosses a chunk (${trace.length} events)`);
  });
}

test('encodeTrace keeps the first and last halves beyond the cap', () => {
  const { trace } = simulate(SPECS.crash, { trace: true });
  const encoded = encodeTrace(trace, 10);
  const seqs = gunzipSync(encoded.gzip).toString().trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
  const n = trace.length;
  assert.deepEqual(seqs, [0, 1, 2, 3, 4, n - 5, n - 4, n - 3, n - 2, n - 1]);
  assert.deepEqual({ events: encoded.events, stored: encoded.stored, truncated: encoded.truncated }, { events: n, stored: 10, truncated: true });
});

test('encodeTrace of an iterable without a length (native engine events) goes through the cap', () => {
  const events = [0, 1, 2, 3, 4].map((seq) => ({ seq, t: seq, cpu: 0, pid: 1, tid: 1, op: 'lock' as const, note: 'ünïcode "quoted"' }));
  const encoded = encodeTrace(events[Symbol.iterator]() as unknown as Iterable<(typeof events)[number]>, 4);
  const lines = gunzipSync(encoded.gzip).toString().trim().split('\n').map((l) => JSON.parse(l) as { seq: number; note: string });
  assert.deepEqual(lines.map((l) => l.seq), [0, 1, 3, 4]);
  assert.equal(lines[0]!.note, 'ünïcode "quoted"');
  assert.deepEqual({ events: encoded.events, stored: encoded.stored, truncated: encoded.truncated }, { events: 5, stored: 4, truncated: true });
});
