import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TRACE_OPS, type TraceEvent } from '../../src/engine/trace.js';
import { chromeTraceChunks, chromeTraceJson } from '../../src/viz/chrome.js';
import { chromeTraceProblems, type ChromeDoc } from './chrome-format.js';
import { SYNTHETIC_PROCESSES, syntheticTrace } from './synthetic.js';

const ctx = { processes: SYNTHETIC_PROCESSES, engine: 'sim' as const, title: 'synthetic' };
const parse = (text: string) => JSON.parse(text) as ChromeDoc;

test('a crash-shaped trace converts to a valid Chrome trace with names, spans, instants and a counter', () => {
  const doc = parse(chromeTraceJson(syntheticTrace(60), ctx));
  assert.deepEqual(chromeTraceProblems(doc), []);
  const ev = doc.traceEvents;
  const names = ev.filter((e) => e.ph === 'M').map((e) => (e.args as { name: string }).name);
  assert.ok(names.includes('pid 1001 app (key 0x1234, shmid 1)'), names.join(' | '));
  assert.ok(names.includes('pid 1002 other (key 0x1234, shmid 1)'));
  assert.ok(names.includes('tid 2 (ulwp 0xfef40400)'));
  const holds = ev.filter((e) => e.ph === 'B' && e.cat === 'hold');
  assert.equal(holds.length, 61, 'one lock-held span per acquisition');
  assert.ok(ev.some((e) => e.ph === 'B' && e.cat === 'spin'));
  assert.ok(ev.some((e) => e.ph === 'B' && e.cat === 'parked'));
  const signal = ev.find((e) => e.ph === 'i' && e.cat === 'signal');
  assert.equal(signal?.name, 'SIGSEGV in mutex_trylock_adaptive at 0xfef40000');
  assert.equal(signal?.pid, 1002);
  assert.ok(ev.some((e) => e.ph === 'i' && e.cat === 'core_dump' && e.pid === 1002));
  assert.ok(ev.some((e) => e.ph === 'i' && e.cat === 'watchpoint'));
  assert.ok(ev.some((e) => e.ph === 'i' && e.cat === 'switch'));
  const counter = ev.filter((e) => e.ph === 'C' && e.name === 'shared counter').map((e) => (e.args as { value: number }).value);
  assert.equal(counter.length, 60);
  assert.deepEqual(counter, [...counter].sort((a, b) => a - b));
  assert.equal(doc.otherData?.truncated, false);
});

test('the crashed process keeps no span open after its core dump', () => {
  const doc = parse(chromeTraceJson(syntheticTrace(10), ctx));
  const dump = doc.traceEvents.find((e) => e.cat === 'core_dump')!;
  const after = doc.traceEvents.filter((e) => e.pid === 1002 && e.ph === 'B' && (e.ts as number) > (dump.ts as number));
  assert.deepEqual(after, []);
});

test('the cap stops a huge trace early, closes every span and says so', () => {
  const chunks = [...chromeTraceChunks(syntheticTrace(20_000), ctx, { maxEvents: 5_000 })];
  assert.ok(chunks.length > 3, 'streamed in several chunks');
  const doc = parse(chunks.join(''));
  assert.deepEqual(chromeTraceProblems(doc), []);
  assert.ok(doc.traceEvents.length <= 5_000, `${doc.traceEvents.length} events`);
  assert.equal(doc.otherData?.truncated, true);
  assert.ok(doc.traceEvents.some((e) => String(e.name).startsWith('trace truncated at event')));
});

test('any sequence of trace events gives balanced, properly nested spans (property)', () => {
  const event = fc.record({
    op: fc.constantFrom(...TRACE_OPS), pid: fc.constantFrom(1001, 1002), tid: fc.constantFrom(1, 2),
    cpu: fc.constantFrom(0, 1), dt: fc.nat(3),
  });
  fc.assert(fc.property(fc.array(event, { maxLength: 200 }), (raw) => {
    let t = 0;
    const events: TraceEvent[] = raw.map((r, seq) => ({ seq, t: (t += r.dt), cpu: r.cpu, pid: r.pid, tid: r.tid, op: r.op }));
    const doc = parse(chromeTraceJson(events, {}));
    assert.deepEqual(chromeTraceProblems(doc), []);
  }), { numRuns: 300 });
});

test('native traces are scaled from nanoseconds to microseconds', () => {
  const events: TraceEvent[] = [
    { seq: 0, t: 1_000, cpu: 0, pid: 7, tid: 1, op: 'lock' },
    { seq: 1, t: 5_000, cpu: 0, pid: 7, tid: 1, op: 'acquired' },
    { seq: 2, t: 9_000, cpu: 0, pid: 7, tid: 1, op: 'unlock' },
  ];
  const doc = parse(chromeTraceJson(events, { engine: 'native' }));
  const hold = doc.traceEvents.filter((e) => e.cat === 'hold').map((e) => e.ts);
  assert.deepEqual(hold, [5, 9]);
});
