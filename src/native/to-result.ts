// ProbeReport + spec -> the contract's Result (verdict aside) and the trace events. Numbers come
// from the probe's evidence; where a figure is derived rather than measured, the result says so.
import type { Evidence, Mapping, ProcessExit, ProcessReport, Result } from '../engine/result.js';
import type { Spec } from '../engine/spec.js';
import type { TraceEvent, TraceOp } from '../engine/trace.js';
import type { MuslMutexWords, MutexWords, ProbeProcess, ProbeReport } from './probe-output.js';

/**
 * glibc stores __owner once when a lock succeeds and once in unlock (nptl/pthread_mutex_{lock,unlock}.c);
 * musl has no owner field, and the musl probe watches _m_lock, which the CAS that takes a NORMAL
 * mutex and the swap that releases it store once each (more when a waiter sets 0x80000000).
 */
const OWNER_STORES_PER_ACQUISITION = 2;

/** The glibc assertion line (or any other line a dying process wrote) for the exit record. */
function lastWords(p: ProbeProcess): string | undefined {
  return p.stderr.find((l) => l.includes('Assertion')) ?? p.stderr.at(-1);
}

function processExit(p: ProbeProcess, report: ProbeReport): ProcessExit {
  const e = p.exit;
  if (!e || e.kind === 'unknown') return { kind: 'killed', reason: 'limit' };
  if (e.killed === 'fault') return { kind: 'killed', reason: 'fault' };
  if (e.killed === 'timeout') return { kind: 'killed', reason: 'timeout' };
  if (e.killed === 'hang') {
    // in words, as the simulator says where a thread waits: "TID 1234 in futex_do_wait (kernel wait channel, state S)"
    const where = report.blocked.filter((b) => b.index === p.index).map((b) => `TID ${b.tid} in ${b.wchan} (kernel wait channel, state ${b.state})`);
    return { kind: 'hung', waitingIn: where.length > 0 ? where.join('; ') : 'unknown: no blocked thread was left to inspect' };
  }
  if (e.kind === 'exited') return { kind: 'exited', code: e.code ?? 0 };
  const exit: ProcessExit = { kind: 'signaled', signal: e.signal ?? 'UNKNOWN' };
  const message = lastWords(p);
  if (message !== undefined) {
    exit.message = message;
    const fn = /: (\w+): Assertion/.exec(message);
    if (fn) exit.function = fn[1];
  }
  return exit;
}

function mappingKind(perms: string, name: string): Mapping['kind'] {
  if (name.startsWith('/SYSV')) return 'shm';
  if (name === '[heap]') return 'heap';
  if (name === '[stack]') return 'stack';
  if (name === '' || name.startsWith('[')) return 'anon';
  return perms.includes('x') ? 'text' : 'data';
}

/** musl's slots under their pthread_impl.h names. */
export function muslWordsEvidence(m: MuslMutexWords | undefined): Record<string, number | string> | null {
  if (!m) return null;
  return { _m_type: m.type, _m_lock: m.lock, _m_waiters: m.waiters, _m_count: m.count, _m_prev: m.prev, _m_next: m.next };
}

/** How the probe learnt the version of its libc, for the result to say. */
const VERSION_SOURCES = {
  glibc: 'gnu_get_libc_version(), called by the probe at run time (the host\'s shared libc.so.6)',
  musl: 'musl\'s own __libc_version string (src/internal/version.c, the version its loader prints), read from the libc.a statically linked into the probe when it was built; musl has no gnu_get_libc_version',
} as const;

export function mutexWordsEvidence(m: MutexWords | undefined): Record<string, number | string> | null {
  if (!m) return null;
  return { __lock: m.lock, __count: m.count, __owner: m.owner, __nusers: m.nusers, __kind: m.kind, __spins: m.spins, __elision: m.elision, '__list.__prev': m.listPrev, '__list.__next': m.listNext };
}

function watchpoints(report: ProbeReport): Evidence['watchpoints'] {
  const musl = report.libc.name === 'musl';
  const field = musl ? 'lockword' : 'owner';
  const stores = (p: ProbeProcess): number => (p.watch?.available ? p.watch.fired : p.acquisitions * OWNER_STORES_PER_ACQUISITION);
  const total = report.processes.reduce((sum, p) => sum + stores(p), 0);
  return report.processes.filter((p) => p.watch).map((p) => {
    const w = p.watch!;
    const own = stores(p);
    return w.available
      ? {
          pid: p.pid, field, address: w.address, fired: w.fired, ownWrites: own, foreignWrites: total - own, available: true,
          note: 'measured by a hardware watchpoint: every watched store trapped into the kernel, which slows the run and can change its interleavings; leave tools.watchpoint off to see the race undisturbed',
        }
      : {
          pid: p.pid, field, address: w.address, fired: 0, ownWrites: own, foreignWrites: total - own, available: false,
          note: `hardware watchpoint unavailable on this host (${w.reason}${w.errno ? `, errno ${w.errno}` : ''}); ownWrites and foreignWrites are derived from acquisitions (${musl ? 'musl stores _m_lock at least twice' : 'glibc stores __owner twice'} per lock/unlock cycle), not measured`,
        };
  });
}

export type PartialResult = Omit<Result, 'verdict'>;

export function toResult(spec: Spec, report: ProbeReport, delivered: number, engineMs: number): PartialResult {
  const processes: ProcessReport[] = report.processes.map((p) => ({
    index: p.index, pid: p.pid, program: spec.processes[p.index]?.program ?? 'app', key: spec.key, shmid: p.shmid, attachAddress: p.attach,
    threads: p.threads.map((t) => ({ tid: t.tid, acquisitions: t.completed })),
    acquisitions: p.acquisitions,
    exit: processExit(p, report),
  }));
  const creator = report.processes.find((p) => p.creator);
  const crashed = report.processes.find((p) => p.exit?.kind === 'signaled' && p.exit.killed === 'none');
  const words = report.libc.name === 'musl' ? muslWordsEvidence(report.muslMutex) : mutexWordsEvidence(report.mutex);
  const final = report.counter.valid ? report.counter.final : 0;
  const evidence: Evidence = {
    mutex: {
      key: report.sandbox.key, shmid: report.segment?.shmid ?? creator?.shmid ?? -1, offset: 0, type: spec.mutexType,
      initializedBy: report.segment?.initializedBy ?? creator?.pid ?? 0,
      attribute: spec.sharing.posix, robust: spec.robust, words,
    },
    // No core file is written (RLIMIT_CORE 0); the words are the segment as the supervisor read it after everyone was gone.
    core: crashed && words ? { pid: crashed.pid, signal: crashed.exit!.signal ?? 'UNKNOWN', mutex: words, source: 'segment snapshot after every process ended' } : null,
    watchpoints: watchpoints(report),
    pmap: report.processes.map((p) => ({
      pid: p.pid,
      mappings: p.maps.map((m) => {
        const mapping: Mapping = { start: m.start, end: m.end, kind: mappingKind(m.perms, m.name) };
        if (m.name) mapping.name = m.name;
        if (mapping.kind === 'shm') { mapping.key = report.sandbox.key; mapping.shmid = p.shmid; }
        return mapping;
      }),
    })),
    sandbox: {
      ipcNamespace: report.sandbox.ipc === 'namespace', pidNamespace: report.sandbox.pidns === 'namespace', mountNamespace: report.sandbox.mountns === 'namespace',
      scheduler: report.sandbox.sched === 'rr' ? 'SCHED_RR (experiment and supervisor at priority 1)' : 'SCHED_OTHER',
      // the probe's interleave: every thread calls sched_yield after every Nth unlock (0: never)
      yieldEvery: Number(report.config.yield_every ?? 0),
      // how far apart the processes first ran after the release (child.c: start_together waits
      // for the last, so this is the wake-up latency the run absorbed before anyone locked)
      startSpreadNs: startSpread(report),
      isolation: report.sandbox.ipc === 'namespace' ? 'ipc+pid namespaces' : 'unique key on the host',
      key: report.sandbox.key, requestedKey: report.sandbox.requested, cpus: report.sandbox.cpus,
      rlimits: { addressSpace: report.sandbox.rlimitAs, cpuSeconds: report.sandbox.rlimitCpu, processes: report.sandbox.rlimitNproc, core: 0 },
      namespaceError: report.sandbox.nsErrno,
    },
    libc: { name: report.libc.name, version: report.libc.version, versionFrom: VERSION_SOURCES[report.libc.name] },
    ...(report.libc.name === 'glibc' ? { glibc: report.glibc } : {}),
    // the injected faults: taken or not, and who was left to meet the dead owner (probe.c: fault record)
    faults: report.processes.filter((p) => p.fault).map((p) => ({ process: p.index, pid: p.pid, taken: p.fault!.taken, survivorsWithWork: p.fault!.survivors })),
    cycles: { planned: report.counter.planned, completed: report.counter.completed },
    blocked: report.blocked.map((b) => ({ pid: b.pid, tid: b.tid, state: b.state, wchan: b.wchan })),
    recoveries: report.processes.flatMap((p) => p.recoveries.map((r) => ({ ...r, index: p.index }))),
    stderr: report.processes.filter((p) => p.stderr.length > 0).map((p) => ({ pid: p.pid, lines: p.stderr })),
    end: report.end.status,
  };
  return {
    spec, engine: 'native', platform: 'host', seed: spec.seed,
    processes,
    counter: { expected: report.counter.completed, final, lostUpdates: Math.max(0, report.counter.completed - final) },
    mutualExclusion: { maxHolders: report.exclusion.maxHolders, violations: report.exclusion.violations },
    evidence,
    stats: { steps: report.counter.completed, contextSwitches: 0, engineMs, probeMs: report.end.elapsedNs / 1e6 },
    trace: { events: delivered, truncated: report.rings.dropped > 0 },
  };
}

const RING_OPS: Record<string, { op: TraceOp; field?: string; note?: string }> = {
  acquired: { op: 'acquired' },
  read: { op: 'read', field: 'counter' },
  write: { op: 'write', field: 'counter' },
  unlock: { op: 'unlock' },
  owner_died: { op: 'acquired', note: 'EOWNERDEAD: the previous owner died holding the mutex' },
  consistent: { op: 'write', field: 'mutex', note: 'pthread_mutex_consistent' },
  lock_error: { op: 'lock', note: 'pthread_mutex_lock failed' },
};

function startSpread(report: ProbeReport): number {
  const starts = report.processes.map((p) => p.running).filter((t) => t > 0);
  return starts.length === 0 ? 0 : Math.max(...starts) - Math.min(...starts);
}

/** Setup, ring and exit records merged in time order, numbered. */
export function traceEvents(report: ProbeReport): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const p of report.processes) {
    for (const s of p.setup) {
      const e: TraceEvent = { seq: 0, t: s.t, cpu: -1, pid: p.pid, tid: p.pid, op: s.op };
      if (s.addr) e.addr = s.addr;
      if (s.shmid !== undefined) e.value = s.shmid;
      events.push(e);
    }
    if (p.exit && p.exit.kind !== 'unknown') {
      events.push(p.exit.kind === 'signaled'
        ? { seq: 0, t: p.exit.t, cpu: -1, pid: p.pid, tid: p.pid, op: 'signal', value: p.exit.signal ?? 'UNKNOWN', note: p.exit.killed !== 'none' ? `killed by the supervisor (${p.exit.killed})` : lastWords(p) ?? '' }
        : { seq: 0, t: p.exit.t, cpu: -1, pid: p.pid, tid: p.pid, op: 'exit', value: p.exit.code ?? 0 });
    }
  }
  for (const r of report.events) {
    const m = RING_OPS[r.op] ?? { op: 'lock' as TraceOp, note: r.op };
    const e: TraceEvent = { seq: 0, t: r.t, cpu: r.cpu, pid: r.pid, tid: r.tid, op: m.op };
    if (r.op === 'acquired') e.holders = r.value;
    else if (r.op === 'owner_died') e.value = '0x' + (r.value >>> 0).toString(16);
    else if (r.op !== 'unlock') e.value = r.value;
    if (m.field) e.field = m.field;
    if (m.note) e.note = m.note;
    events.push(e);
  }
  events.sort((a, b) => a.t - b.t); // stable: ring order is kept at equal times
  events.forEach((e, seq) => { e.seq = seq; });
  return events;
}
