// The probe's line format, read by the one module that knows it; checked on a real probe run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DEFAULT_PROBE_PATH } from '../../src/native/probe-command.js';
import { parseProbeOutput, ProbeOutputError } from '../../src/native/probe-output.js';
import { nativeEngine } from '../../src/native/engine.js';
import { TRACE_OPS, type TraceEvent } from '../../src/engine/trace.js';
import { nativeSpec } from './helpers.js';

test('a real probe run parses into processes, threads, mutex words and time-ordered events', () => {
  const out = execFileSync(DEFAULT_PROBE_PATH, ['type=shared', 'processes=2', 'threads=2', 'iterations=50', 'ring=16', 'key=0xbeef'], { encoding: 'utf8' });
  const r = parseProbeOutput(out);
  assert.equal(r.processes.length, 2);
  assert.equal(r.sandbox.requested, '0xbeef');
  assert.ok(r.processes.every((p) => p.threads.length === 2 && p.exit?.kind === 'exited' && /^0x[0-9a-f]+$/.test(p.attach)));
  assert.equal(r.processes.filter((p) => p.creator).length, 1, 'exactly one process created and initialised the segment');
  assert.equal(r.counter.final, 200);
  assert.equal(r.mutex?.kind, '0x80');
  assert.equal(r.events.length, 4 * 16, 'the last 16 events of each of 4 threads');
  assert.equal(r.rings.kept, 4 * 16);
  for (let i = 1; i < r.events.length; i++) assert.ok(r.events[i].t >= r.events[i - 1].t);
  assert.equal(r.end.status, 'done');
});

test('stderr text keeps its spaces; a truncated output is an error, not a result', () => {
  const text = ['probe version=1 glibc=2.36 supervisor_pid=1', 'sandbox ipc=host pidns=host mountns=host sched=other key=0x1 requested=0x1 cpus=0 rlimit_as=1 rlimit_cpu=1 rlimit_nproc=1 ns_errno=EPERM',
    'config type=private', 'process index=0 pid=9 shmid=3 attach=0x7f00 creator=1 ready=1 acquisitions=0 recoveries=0', 'stderr index=0 text=a: b: Assertion `x == 0\' failed.'].join('\n');
  assert.throws(() => parseProbeOutput(text), ProbeOutputError);
  const r = parseProbeOutput(text + '\ncounter final=0 completed=0 planned=1 valid=0\nexclusion max_holders=0 violations=0\nrings kept=0 dropped=0 size=1\nend status=done elapsed_ns=5 started=0\n');
  assert.deepEqual(r.processes[0].stderr, ["a: b: Assertion `x == 0' failed."]);
  assert.equal(r.sandbox.nsErrno, 'EPERM');
  assert.throws(() => parseProbeOutput('error text=unknown argument:bogus\n'), /unknown argument/);
});

test('onEvent receives contract trace events in seq order with ns times', async () => {
  const events: TraceEvent[] = [];
  const r = await nativeEngine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 100 }), { onEvent: (e) => events.push(e) });
  assert.equal(r.trace.events, events.length);
  assert.ok(events.length > 0);
  events.forEach((e, i) => {
    assert.equal(e.seq, i);
    assert.ok((TRACE_OPS as readonly string[]).includes(e.op), e.op);
    if (i > 0) assert.ok(e.t >= events[i - 1].t);
  });
  for (const op of ['shmget', 'shmat', 'mutex_init', 'acquired', 'read', 'write', 'unlock', 'exit']) assert.ok(events.some((e) => e.op === op), op);
});
