// Reads the probe's line format (documented at the top of probe.c) into a typed report. This is
// the only place that knows the format; everything else works on ProbeReport.

export interface ProbeSetup { op: 'shmget' | 'shmat' | 'mutex_init'; t: number; shmid?: number; addr?: string }
export interface ProbeThread { n: number; tid: number; completed: number; events: number; lockError: number }
export interface ProbeMapping { start: string; end: string; perms: string; name: string }
export type ProbeWatch =
  | { pid: number; address: string; available: true; fired: number }
  | { pid: number; address: string; available: false; errno: number; reason: string };
export interface ProbeExit {
  pid: number; t: number;
  kind: 'exited' | 'signaled' | 'unknown';
  code?: number; signal?: string;
  /** Who killed it, if the supervisor did: a fault, hang detection, the wall-clock budget. */
  killed: 'none' | 'fault' | 'hang' | 'timeout';
}
export interface ProbeRecovery { pid: number; tid: number; t: number; lockWord: string; consistentRc: number }

export interface ProbeProcess {
  index: number; pid: number; shmid: number; attach: string; creator: boolean; ready: boolean;
  acquisitions: number; recoveries: ProbeRecovery[];
  /** ns since the supervisor started when it first ran after the release (0: never ran) */
  running: number;
  setup: ProbeSetup[]; threads: ProbeThread[]; maps: ProbeMapping[];
  watch?: ProbeWatch; exit?: ProbeExit; stderr: string[];
  /** A fault named this process: whether it was taken, and how many others still had work then. */
  fault?: { taken: boolean; survivors: number };
}

export interface ProbeBlocked { index: number; pid: number; tid: number; state: string; wchan: string }
export interface ProbeEvent { t: number; cpu: number; pid: number; tid: number; op: string; value: number }
export interface MutexWords { lock: string; count: number; owner: number; nusers: number; kind: string; spins: number; elision: number; listPrev: string; listNext: string }
/** musl's pthread_mutex_t slots, as src/internal/pthread_impl.h names them (_m_type, _m_lock, ...). */
export interface MuslMutexWords { type: string; lock: string; waiters: number; count: number; prev: string; next: string }

export interface ProbeReport {
  version: number; glibc: string; supervisorPid: number;
  /** The C library the probe was linked with, and its version as the probe read it (probe.c, libc.c). */
  libc: { name: 'glibc' | 'musl'; version: string };
  sandbox: { ipc: string; pidns: string; mountns: string; sched: string; key: string; requested: string; cpus: number[]; rlimitAs: number; rlimitCpu: number; rlimitNproc: number; nsErrno: string | null };
  config: Record<string, string>;
  processes: ProbeProcess[];
  blocked: ProbeBlocked[];
  segment?: { shmid: number; size: number; offset: number; initializedBy: number; state: number };
  mutex?: MutexWords;
  /** The mutex words of a musl probe (its `mutex` record has libc=musl). */
  muslMutex?: MuslMutexWords;
  counter: { final: number; completed: number; planned: number; valid: boolean };
  exclusion: { maxHolders: number; violations: number };
  events: ProbeEvent[];
  rings: { kept: number; dropped: number; size: number };
  end: { status: 'done' | 'hang' | 'timeout'; elapsedNs: number; started: boolean };
}

export class ProbeOutputError extends Error {
  constructor(message: string, readonly line?: number) { super(line === undefined ? message : `probe output line ${line}: ${message}`); }
}

type Fields = Record<string, string>;

/** `name k=v k=v ... [text=rest of line]` */
function splitRecord(line: string): { name: string; fields: Fields } {
  const space = line.indexOf(' ');
  const name = space < 0 ? line : line.slice(0, space);
  const fields: Fields = {};
  let rest = space < 0 ? '' : line.slice(space + 1);
  while (rest.length > 0) {
    if (rest.startsWith('text=')) { fields.text = rest.slice(5); break; }
    const next = rest.indexOf(' ');
    const token = next < 0 ? rest : rest.slice(0, next);
    const eq = token.indexOf('=');
    if (eq > 0) fields[token.slice(0, eq)] = token.slice(eq + 1);
    rest = next < 0 ? '' : rest.slice(next + 1);
  }
  return { name, fields };
}

export function parseProbeOutput(text: string): ProbeReport {
  const report: Partial<ProbeReport> & { processes: ProbeProcess[]; blocked: ProbeBlocked[]; events: ProbeEvent[] } = { processes: [], blocked: [], events: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const { name, fields: f } = splitRecord(line);
    const num = (k: string): number => {
      const v = f[k];
      const n = v === undefined ? NaN : Number(v);
      if (!Number.isFinite(n)) throw new ProbeOutputError(`record "${name}" has no number "${k}"`, i + 1);
      return n;
    };
    const proc = (): ProbeProcess => {
      const p = report.processes[num('index')];
      if (!p) throw new ProbeOutputError(`record "${name}" names process ${f.index} before its process record`, i + 1);
      return p;
    };
    switch (name) {
      case 'error': throw new ProbeOutputError(`probe refused: ${f.text ?? line}`, i + 1);
      case 'probe':
        report.version = num('version'); report.supervisorPid = num('supervisor_pid');
        // a probe from before the musl build wrote only glibc=
        report.libc = { name: f.libc === 'musl' ? 'musl' : 'glibc', version: f.libc_version ?? f.glibc ?? 'unknown' };
        report.glibc = f.glibc ?? (report.libc.name === 'glibc' ? report.libc.version : 'none');
        break;
      case 'sandbox':
        report.sandbox = {
          ipc: f.ipc, pidns: f.pidns, mountns: f.mountns, sched: f.sched ?? 'other', key: f.key, requested: f.requested,
          cpus: (f.cpus ?? '').split(',').filter((c) => c !== '').map(Number),
          rlimitAs: num('rlimit_as'), rlimitCpu: num('rlimit_cpu'), rlimitNproc: num('rlimit_nproc'),
          nsErrno: f.ns_errno && f.ns_errno !== '-' ? f.ns_errno : null,
        };
        break;
      case 'config': report.config = f; break;
      case 'process':
        report.processes[num('index')] = {
          index: num('index'), pid: num('pid'), shmid: num('shmid'), attach: f.attach, creator: f.creator === '1', ready: f.ready === '1',
          acquisitions: num('acquisitions'), recoveries: [], running: Number(f.running ?? 0), setup: [], threads: [], maps: [], stderr: [],
        };
        break;
      case 'setup': {
        const s: ProbeSetup = { op: f.op as ProbeSetup['op'], t: num('t') };
        if (f.shmid !== undefined) s.shmid = num('shmid');
        if (f.addr !== undefined) s.addr = f.addr;
        proc().setup.push(s);
        break;
      }
      case 'thread': proc().threads.push({ n: num('n'), tid: num('tid'), completed: num('completed'), events: num('events'), lockError: num('lock_error') }); break;
      case 'map': proc().maps.push({ start: f.start, end: f.end, perms: f.perms, name: f.name === '-' ? '' : f.name }); break;
      case 'watch':
        proc().watch = f.available === '1'
          ? { pid: num('pid'), address: f.address, available: true, fired: num('fired') }
          : { pid: num('pid'), address: f.address, available: false, errno: num('errno'), reason: f.reason };
        break;
      case 'exit': {
        const e: ProbeExit = { pid: num('pid'), t: f.t === undefined ? 0 : num('t'), kind: f.kind as ProbeExit['kind'], killed: (f.killed ?? 'none') as ProbeExit['killed'] };
        if (f.code !== undefined) e.code = num('code');
        if (f.signal !== undefined) e.signal = f.signal;
        proc().exit = e;
        break;
      }
      case 'recovery': proc().recoveries.push({ pid: num('pid'), tid: num('tid'), t: num('t'), lockWord: f.lock_word, consistentRc: num('consistent_rc') }); break;
      case 'stderr': proc().stderr.push(f.text ?? ''); break;
      case 'fault': proc().fault = { taken: f.taken === '1', survivors: num('survivors') }; break;
      case 'blocked': report.blocked.push({ index: num('index'), pid: num('pid'), tid: num('tid'), state: f.state, wchan: f.wchan }); break;
      case 'segment': report.segment = { shmid: num('shmid'), size: num('size'), offset: num('offset'), initializedBy: num('initialized_by'), state: num('state') }; break;
      case 'mutex':
        if (f.libc === 'musl') {
          report.muslMutex = { type: f.type, lock: f.lock, waiters: num('waiters'), count: num('count'), prev: f.prev, next: f.next };
          break;
        }
        report.mutex = { lock: f.lock, count: num('count'), owner: num('owner'), nusers: num('nusers'), kind: f.kind, spins: num('spins'), elision: num('elision'), listPrev: f.list_prev, listNext: f.list_next };
        break;
      case 'counter': report.counter = { final: num('final'), completed: num('completed'), planned: num('planned'), valid: f.valid === '1' }; break;
      case 'exclusion': report.exclusion = { maxHolders: num('max_holders'), violations: num('violations') }; break;
      case 'event': report.events.push({ t: num('t'), cpu: num('cpu'), pid: num('pid'), tid: num('tid'), op: f.op, value: num('value') }); break;
      case 'rings': report.rings = { kept: num('kept'), dropped: num('dropped'), size: num('size') }; break;
      case 'end':
        if (f.status === 'supervisor_died') throw new ProbeOutputError(`the probe's supervisor died of ${f.signal}`, i + 1);
        report.end = { status: f.status as ProbeReport['end']['status'], elapsedNs: num('elapsed_ns'), started: f.started === '1' };
        break;
      default: break; // records added by a newer probe are ignored
    }
  }
  if (!report.end) throw new ProbeOutputError('output ended without an "end" record: the probe did not finish');
  for (const field of ['version', 'sandbox', 'config', 'counter', 'exclusion', 'rings'] as const) {
    if (report[field] === undefined) throw new ProbeOutputError(`output has no "${field}" record`);
  }
  return report as ProbeReport;
}

/** The sandbox line comes first: read it even from the output of a probe that was killed. */
export function peekSandbox(text: string): { ipc: string; key: string } | null {
  const line = text.split('\n').find((l) => l.startsWith('sandbox '));
  if (!line) return null;
  const { fields } = splitRecord(line);
  return { ipc: fields.ipc, key: fields.key };
}

/**
 * The output of a probe run with repeat=N arrives as a header (probe, sandbox, config) and then,
 * per repetition, a `repetition index=k` line and its records up to its `end` line. Fed chunks
 * of stdout in order, this hands out each repetition, as a text parseProbeOutput reads, as soon
 * as its `end` line is complete.
 */
export class RepetitionSplitter {
  private header = '';
  private inHeader = true;
  private current: string[] = [];
  private partial = '';
  constructor(private readonly onRepetition: (index: number, text: string) => void) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private index = -1;
  private line(line: string): void {
    if (line.startsWith('repetition ')) {
      this.inHeader = false;
      this.index = Number(/index=(\d+)/.exec(line)?.[1] ?? this.index + 1);
      this.current = [];
      return;
    }
    if (line.startsWith('error ')) { this.current.push(line); this.emit(); return; }
    if (this.inHeader) {
      if (line.startsWith('probe ') || line.startsWith('sandbox ') || line.startsWith('config ')) { this.header += line + '\n'; return; }
      this.inHeader = false; // repeat=1: no repetition line
      this.index = 0;
    }
    this.current.push(line);
    if (line.startsWith('end ')) this.emit();
  }

  private emit(): void {
    this.onRepetition(this.index, this.header + this.current.join('\n') + '\n');
    this.current = [];
  }

  /** What came after the last complete repetition (a probe killed mid-repetition). */
  rest(): string { return this.current.length > 0 || this.partial ? this.header + this.current.join('\n') + this.partial : ''; }
}
