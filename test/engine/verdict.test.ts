// Verdicts from the run: the tids, CPU facts, lock paths and counters the sentences state are
// the ones the trace and the evidence of that run show; the fix speaks the platform's API;
// verdict.terms explains exactly the platform terms the text uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/engine/sim.js';
import type { Result } from '../../src/engine/result.js';
import { spec } from './helpers.js';

const text = (r: Result) => `${r.verdict.summary} ${r.verdict.cause} ${r.verdict.fix}`;

test('a crash verdict names the pid and tid the trace shows at the fault, and the ulwp_t owner it read', () => {
  for (const seed of [1, 7, 12]) {
    const { result: r, trace } = simulate(spec({ preset: 'solaris10-crash', seed }), { trace: true });
    assert.equal(r.verdict.outcome, 'crash');
    const signal = [...trace].find((e) => e.op === 'signal')!;
    const program = r.processes.find((p) => p.pid === signal.pid)!.program;
    assert.match(r.verdict.summary, new RegExp(`pid ${signal.pid}, ${program}\\) died of SIGSEGV in mutex_trylock_adaptive \\(tid ${signal.tid}\\)`));
    assert.match(r.verdict.cause, new RegExp(`pid ${signal.pid} tid ${signal.tid} was reading ul_schedctl`));
    const atFault = r.evidence.mutexAtFault as Record<string, unknown>;
    assert.match(r.verdict.cause, new RegExp(`owner ${String(atFault.owner)}`));
  }
});

test('CPU facts come from the run: the uniprocessor remark only where an adaptive spin crashed on 1 CPU', () => {
  const crash = simulate(spec({ preset: 'solaris10-crash', seed: 7 })).result;
  assert.match(crash.verdict.cause, /The run has 1 CPU/);
  for (const input of [
    { preset: 'solaris10-fixed', seed: 7 },
    { preset: 'solaris9-same-code', seed: 7 },
    { platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', cpus: 1, seed: 1 },
  ]) {
    const r = simulate(spec(input)).result;
    assert.doesNotMatch(text(r), /1 CPU|number of CPUs/, JSON.stringify(input));
  }
});

test('glibc: the lock path the verdict describes is the one the run took, not the platform name', () => {
  // 2.36, one thread per process, 1 CPU: the plain-store path ran; the verdict must not claim a compare-and-swap excluded
  const one = simulate(spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', cpus: 1, seed: 1 })).result;
  const plain = one.evidence.plainLocks as { pid: number; locks: number }[];
  assert.ok(plain.length > 0);
  for (const p of plain) assert.match(one.verdict.cause, new RegExp(`pid ${p.pid} took it ${p.locks} times? with a plain load`));
  assert.doesNotMatch(one.verdict.cause, /compare-and-swap/);
  // 2.36 with two threads per process: no plain-store lock happened, and the verdict says so
  const two = simulate(spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', threadsPerProcess: 2, cpus: 1, seed: 1 })).result;
  assert.equal(two.evidence.plainLocks, undefined);
  assert.equal(two.verdict.outcome, 'hang');
  assert.doesNotMatch(two.verdict.cause, /plain load/);
  assert.match(two.verdict.cause, /atomic compare-and-swap/);
});

test('glibc: the TID the dying process found in __owner is the thread whose __owner store the trace shows', () => {
  let checked = 0;
  for (let seed = 1; seed <= 12 && checked < 2; seed++) {
    const { result: r, trace } = simulate(spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, key: '0x1234', iterations: 2000, cpus: 2, seed }), { trace: true });
    if (r.verdict.outcome !== 'crash') continue;
    const events = [...trace];
    const signal = events.find((e) => e.op === 'signal')!;
    const seen = Number((r.evidence.mutexAtFault as Record<string, unknown>).__owner);
    const store = events.filter((e) => e.seq < signal.seq && e.op === 'write' && e.field === '__owner' && e.value === seen).at(-1)!;
    assert.match(r.verdict.cause, new RegExp(`held TID ${seen}, thread ${store.tid} of pid ${store.pid},`));
    checked++;
  }
  assert.ok(checked > 0);
});

test('the fix is written in the platform\'s own API first', () => {
  const sol = simulate(spec({ preset: 'solaris10-crash', seed: 1 })).result;
  assert.match(sol.verdict.fix, /^Initialise the mutex process-shared in pid 1001, the creator of key 0x1234: mutex_init\(&m, USYNC_PROCESS, NULL\)/);
  const glibc = simulate(spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', seed: 1 })).result;
  assert.match(glibc.verdict.fix, /: pthread_mutexattr_init\(&attr\); pthread_mutexattr_setpshared\(&attr, PTHREAD_PROCESS_SHARED\); pthread_mutex_init\(&m, &attr\)/);
  assert.doesNotMatch(text(glibc), /USYNC|[^_]mutex_init\(&m/);
});

test('counts per segment: with IPC_PRIVATE each segment\'s counter is reported on its own', () => {
  const r = simulate(spec({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 2, key: 'IPC_PRIVATE', iterations: 100, seed: 1 })).result;
  assert.equal(r.counter.final, 200);
  assert.doesNotMatch(text(r), /reads 200/);
  assert.match(r.verdict.summary, /key IPC_PRIVATE \(shmid 1\) reads 100 and key IPC_PRIVATE \(shmid 2\) reads 100/);
  assert.match(r.verdict.cause, /Pid 1002 \(app\) used key IPC_PRIVATE, segment shmid 2: it shares no memory, mutex or counter with pid 1001/);
});

test('the sharing attribute is named once, in the platform\'s spelling', () => {
  const sol = simulate(spec({ preset: 'solaris10-crash', seed: 1 })).result;
  assert.match(sol.verdict.cause, /initialised it USYNC_THREAD \(process-private\)\./);
  assert.doesNotMatch(text(sol), /USYNC_THREAD \/ PTHREAD_PROCESS_PRIVATE|process-private: USYNC_THREAD/);
  const glibc = simulate(spec({ platform: 'glibc-2.36', mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', seed: 1 })).result;
  assert.match(glibc.verdict.cause, /initialised it PTHREAD_PROCESS_PRIVATE \(process-private\)\./);
});

test('EDEADLK returns the run recorded are in the verdict, with the twin whose ulwp_t address it was', () => {
  const s = spec({ platform: 'solaris10', mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', seed: 1, processes: [{ program: 'app', threads: 1 }, { program: 'app', threads: 1 }] });
  const r = simulate(s).result;
  const errors = r.evidence.lockErrors as { pid: number; tid: number; t: number }[];
  assert.ok(errors.length > 0);
  const first = errors[0]!;
  assert.match(r.verdict.cause, new RegExp(`Pid ${first.pid} tid ${first.tid} got EDEADLK from mutex_lock ${errors.filter((e) => e.pid === first.pid).length} times? \\(first at t=${first.t}\\)`));
  assert.match(r.verdict.cause, /the same program, no ASLR/);
});

test('verdict.terms explains exactly the glossary terms the text uses', () => {
  const runs = [
    simulate(spec({ preset: 'solaris10-crash', seed: 7 })).result,
    simulate(spec({ preset: 'solaris10-fixed', seed: 7 })).result,
    simulate(spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', seed: 1 })).result,
  ];
  for (const r of runs) {
    const terms = r.verdict.terms!;
    assert.ok(terms.length > 0);
    for (const t of terms) {
      assert.ok(text(r).includes(t.term), `${t.term} is used`);
      assert.ok(t.meaning.length > 10 && !t.meaning.includes('\n'), 'one line');
    }
  }
  const [crash, fixed, glibc] = runs.map((r) => r!.verdict.terms!.map((t) => t.term));
  for (const t of ['ulwp_t', 'ul_schedctl', 'mutex_trylock_adaptive', 'SIGSEGV', 'watchpoint']) assert.ok(crash!.includes(t), t);
  assert.ok(!fixed!.includes('ulwp_t') && !fixed!.includes('futex'));
  for (const t of ['futex', 'TID']) assert.ok(glibc!.includes(t), t);
  assert.ok(!glibc!.includes('ulwp_t'));
});
