// The fault story follows values through the owner word, whatever the platform: the store it
// names is the one the faulting load saw, even when the value is spelled differently or stored
// again after the load; no preemption is claimed where the storer kept its CPU.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSpec } from '../../src/engine/spec.js';
import type { TraceEvent, TraceOp } from '../../src/engine/trace.js';
import { runExperiment } from '../../src/runner/run.js';
import { contextFromResult } from '../../src/viz/context.js';
import { buildTimelineModel } from '../../src/viz/timeline-model.js';

test('glibc on 2 CPUs: pid 1001 stores its TID in __owner, pid 1002 reads it and aborts; no preemption in between', async () => {
  const checked = validateSpec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', cpus: 2, iterations: 100, seed: 7 }, () => 7);
  assert.ok(checked.ok);
  const { result, trace } = await runExperiment(checked.spec, { trace: true });
  assert.equal(result.verdict.outcome, 'crash');
  const m = buildTimelineModel(trace, contextFromResult(result));
  const story = m.story;
  assert.ok(story && story.kind === 'fault');
  assert.equal(story.fault.signal, 'SIGABRT');
  assert.equal(story.read.field, '__owner');
  assert.ok(story.store, 'the store is found');
  assert.notEqual(story.store.pid, story.read.pid);
  assert.equal(story.store.value, story.read.value);
  assert.deepEqual(story.preemptions, [], 'both ran on their own CPU');
  assert.equal(m.lanes.find((l) => l.pid === story.store!.pid)?.ownerId, story.store.value, 'the storer is known by its TID');
});

test('the store named is the one the load saw: not a later store of the same value, and found when spelled differently', () => {
  let seq = 0;
  const ev = (t: number, pid: number, tid: number, op: TraceOp, extra: Partial<TraceEvent> = {}): TraceEvent => ({ seq: seq++, t, cpu: 0, pid, tid, op, ...extra });
  const events = [
    ev(1, 1, 1, 'write', { field: '__owner', value: 1001 }),
    ev(2, 2, 1, 'read', { field: '__owner', value: '0x3e9' }),
    ev(3, 1, 2, 'write', { field: '__owner', value: 1001 }), // after the load: not the cause
    ev(4, 2, 1, 'signal', { value: 'SIGABRT' }),
  ];
  const story = buildTimelineModel(events, { platform: 'glibc-2.36' }).story;
  assert.ok(story && story.kind === 'fault');
  assert.equal(story.store?.seq, 0);
  assert.deepEqual([story.store?.pid, story.store?.tid], [1, 1]);
});

test('a fault with no load of the owner word has no story to tell (no panel, no arrow)', () => {
  const events: TraceEvent[] = [
    { seq: 0, t: 0, cpu: 0, pid: 1, tid: 1, op: 'lock' },
    { seq: 1, t: 5, cpu: 0, pid: 1, tid: 1, op: 'signal', value: 'SIGKILL' },
  ];
  assert.equal(buildTimelineModel(events, {}).story, undefined);
});
