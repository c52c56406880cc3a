// A synthetic trace shaped like the solaris10-crash story (3 threads in 2 processes, lock /
// spin / park / critical section / unlock, owner stores, a SIGSEGV and a core dump), for
// converter tests that must not depend on the engine's scheduling. `cycles` scales it up.
import type { ProcessReport } from '../../src/engine/result.js';
import type { TraceEvent, TraceOp } from '../../src/engine/trace.js';

export const SYNTHETIC_PROCESSES: ProcessReport[] = [
  { index: 0, pid: 1001, program: 'app', key: '0x1234', shmid: 1, attachAddress: '0xfe000000', acquisitions: 0,
    threads: [{ tid: 1, ulwp: '0xfef40000' }, { tid: 2, ulwp: '0xfef40400' }], exit: { kind: 'exited', code: 0 } },
  { index: 1, pid: 1002, program: 'other', key: '0x1234', shmid: 1, attachAddress: '0xfd000000', acquisitions: 0,
    threads: [{ tid: 1, ulwp: '0xfdf40000' }],
    exit: { kind: 'signaled', signal: 'SIGSEGV', function: 'mutex_trylock_adaptive', faultAddress: '0xfef40000' } },
];

export function* syntheticTrace(cycles: number, crash = true): Generator<TraceEvent> {
  let seq = 0;
  let t = 0;
  let counter = 0;
  const ev = (pid: number, tid: number, op: TraceOp, extra: Partial<TraceEvent> = {}): TraceEvent =>
    ({ seq: seq++, t: t++, cpu: 0, pid, tid, op, ...extra });
  const threads = [[1001, 1, '0xfef40000'], [1001, 2, '0xfef40400'], [1002, 1, '0xfdf40000']] as const;
  yield ev(1001, 1, 'shmget', { value: 1 });
  yield ev(1001, 1, 'shmat', { addr: '0xfe000000' });
  yield ev(1001, 1, 'mutex_init', { addr: '0xfe000000' });
  yield ev(1002, 1, 'shmget', { value: 1 });
  yield ev(1002, 1, 'shmat', { addr: '0xfd000000' });
  for (let i = 0; i < cycles; i++) {
    const [pid, tid, ulwp] = threads[i % 3]!;
    yield ev(pid, tid, 'switch');
    yield ev(pid, tid, 'lock');
    if (i % 5 === 1) { yield ev(pid, tid, 'spin'); yield ev(pid, tid, 'owner_read', { value: '0x0' }); }
    if (i % 7 === 2) { yield ev(pid, tid, 'park'); yield ev(pid, tid, 'unpark'); }
    yield ev(pid, tid, 'acquired');
    yield ev(pid, tid, 'write', { field: 'owner', value: ulwp });
    yield ev(pid, tid, 'cs_enter');
    yield ev(pid, tid, 'read', { field: 'counter', value: counter });
    yield ev(pid, tid, 'write', { field: 'counter', value: ++counter });
    if (i % 4 === 0) yield ev(pid, tid, 'watchpoint', { field: 'owner', value: ulwp });
    yield ev(pid, tid, 'cs_exit');
    yield ev(pid, tid, 'write', { field: 'owner', value: '0x0' });
    yield ev(pid, tid, 'unlock');
  }
  if (crash) {
    yield ev(1001, 1, 'lock');
    yield ev(1001, 1, 'acquired');
    yield ev(1001, 1, 'write', { field: 'owner', value: '0xfef40000' });
    yield ev(1001, 1, 'cs_enter');
    yield ev(1002, 1, 'switch');
    yield ev(1002, 1, 'lock');
    yield ev(1002, 1, 'spin');
    yield ev(1002, 1, 'owner_read', { value: '0xfef40000' });
    yield ev(1002, 1, 'deref', { addr: '0xfef40000' });
    yield ev(1002, 1, 'signal', { value: 'SIGSEGV', addr: '0xfef40000', note: 'mutex_trylock_adaptive' });
    yield ev(1002, 1, 'core_dump');
    yield ev(1002, 1, 'exit');
    yield ev(1001, 1, 'cs_exit');
    yield ev(1001, 1, 'unlock');
  }
}
