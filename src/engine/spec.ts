// The experiment spec: one TypeBox schema shared by the CLI, the API (and its OpenAPI
// document) and the worker, plus the checks a schema cannot express. validateSpec turns
// user input into a normalised Spec or a list of errors that each name a field; it is
// pure (the caller passes in how to choose a seed when the user gave none).
import { Type, type Static } from 'typebox';
// Compile from typebox/schema (and Errors, in spec-errors.ts) spares the CLI the ~300 modules
// of typebox/value (clone, convert, create, ...) that validation never uses.
import { Compile } from 'typebox/schema';
import { LIMITS, type LimitName } from './limits.js';
import { FAILURE_OUTCOMES, type FailureOutcome } from './outcome.js';
import { findPlatform } from './platforms/index.js';
import { LIBC_MODEL, LIBCS, type Libc } from './libc.js';
import { describeSchemaErrors, type FieldError } from './spec-errors.js';

export const MUTEX_TYPES = ['USYNC_THREAD', 'USYNC_PROCESS', 'PTHREAD_PROCESS_PRIVATE', 'PTHREAD_PROCESS_SHARED'] as const;
export const ENGINES = ['sim', 'native'] as const;
export const PLATFORMS = ['solaris10', 'solaris9', 'illumos', 'glibc-2.33', 'glibc-2.36', 'musl-1.2'] as const;
export const STRATEGIES = ['random', 'pct', 'dfs'] as const;
export const SCHEDULING = ['time-sharing', 'round-robin'] as const;
export const WATCH_FIELDS = ['owner', 'lockword', 'ownerpid'] as const;

export type MutexType = (typeof MUTEX_TYPES)[number];
export type EngineKind = (typeof ENGINES)[number];
export type Platform = (typeof PLATFORMS)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type Scheduling = (typeof SCHEDULING)[number];
export type WatchField = (typeof WATCH_FIELDS)[number];

const oneOf = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)) as any, { description }) as unknown as ReturnType<typeof Type.String>;

/** A System V key as users write it: "0x1234", a number, or "IPC_PRIVATE". */
export const KeySchema = Type.Union([
  Type.String({ pattern: '^0[xX][0-9a-fA-F]{1,8}$', description: 'a hex string like "0x1234"' }),
  Type.Integer({ minimum: 0, maximum: 0xffffffff, description: 'a number from 0 to 4294967295' }),
  Type.Literal('IPC_PRIVATE', { description: '"IPC_PRIVATE" (a new segment per process)' }),
], { description: 'System V key every process passes to shmget: a hex string like "0x1234", a number, or "IPC_PRIVATE"', examples: ['0x1234'] });

const limit = (name: LimitName, description: string) =>
  Type.Integer({ minimum: LIMITS[name].minimum, maximum: LIMITS[name].maximum, description: `${description} (default ${LIMITS[name].default}, maximum ${LIMITS[name].maximum})` });

export const WorkSchema = Type.Object({
  outside: Type.Optional(limit('workOutside', 'steps of work between unlock and the next lock')),
  inside: Type.Optional(limit('workInside', 'steps of work inside the critical section, holding the mutex')),
  spread: Type.Optional(limit('workSpread', 'percentage by which every work period and kernel sleep varies (seeded, per thread)')),
  blockInside: Type.Optional(limit('workBlockInside', 'ticks the holder sleeps in the kernel inside every critical section (a system call holding the lock); 0 = never')),
  yieldEvery: Type.Optional(limit('workYieldEvery', 'sched_yield after every Nth unlock, outside the critical section; 0 = never')),
}, { additionalProperties: false, description: 'sim only: the timing of the workload, in steps of the simulated machine; under time-sharing the time slice is a fixed multiple of the resulting lock cycle' });

export const ProcessOverrideSchema = Type.Object({
  index: Type.Optional(Type.Integer({ minimum: 0, maximum: 63, description: 'the entry\'s position, as the normalised spec shows it; when sent it must equal the position' })),
  key: Type.Optional(KeySchema),
  threads: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, description: 'threads in this process' })),
  program: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'a program name of 1 to 64 letters, digits, "_", "." or "-"; processes of the same program share an address-space layout' })),
  work: Type.Optional(WorkSchema),
}, { additionalProperties: false });

export const FaultSchema = Type.Object({
  kill: Type.Integer({ minimum: 0, maximum: 63, description: 'index of the process to kill' }),
  whileHolding: Type.Optional(Type.Boolean({ description: 'kill it while it holds the mutex' })),
  afterAcquisitions: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'after this many acquisitions by that process' })),
}, { additionalProperties: false });

export const ToolsSchema = Type.Object({
  watchpoint: Type.Optional(Type.Union([
    Type.Object({
      process: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 63 }), Type.Literal('all')], { description: 'process index, or "all" (default)' })),
      field: Type.Optional(oneOf(WATCH_FIELDS, 'mutex field to watch (default owner)')),
    }, { additionalProperties: false }),
    Type.Literal(false),
  ], { description: 'watch stores to a mutex field per process; default {"process": "all", "field": "owner"} for engine sim, false for engine native (a hardware watchpoint traps on every store and slows a native run a hundredfold)' })),
  core: Type.Optional(Type.Boolean({ description: 'core snapshot of the mutex when a process dumps core' })),
  pmap: Type.Optional(Type.Boolean({ description: 'pmap of every process' })),
}, { additionalProperties: false });

export const ExploreSchema = Type.Object({
  strategy: oneOf(STRATEGIES, 'how schedules are chosen'),
  schedules: Type.Optional(limit('exploreSchedules', 'schedules to run at most')),
  depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'pct: bug depth d (d-1 priority change points)' })),
  maxPreemptions: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'dfs: preemption bound' })),
  timeMs: Type.Optional(limit('exploreTimeMs', 'wall-clock budget of the exploration in milliseconds')),
  target: Type.Optional(oneOf(FAILURE_OUTCOMES, 'the failure to explain: its shrunk counterexample becomes the result (default: the most severe found)')),
}, { additionalProperties: false });

export const LimitsSchema = Type.Object({
  maxSteps: Type.Optional(limit('maxSteps', 'simulated steps before the run stops as limit_exceeded')),
  timeoutMs: Type.Optional(limit('timeoutMs', 'wall-clock budget of the run in milliseconds')),
}, { additionalProperties: false });

/** The sharing attribute in both vocabularies, as the normalised spec shows it. */
export const SharingSchema = Type.Object({
  solaris: oneOf(['USYNC_THREAD', 'USYNC_PROCESS'], 'Solaris spelling'),
  posix: oneOf(['PTHREAD_PROCESS_PRIVATE', 'PTHREAD_PROCESS_SHARED'], 'POSIX spelling'),
  shared: Type.Boolean({ description: 'true when process-shared' }),
}, { additionalProperties: false, description: 'the sharing attribute of mutexType in both vocabularies (the normalised spec shows it; when sent it must agree with mutexType)' });

export const SpecSchema = Type.Object({
  mutexType: oneOf(MUTEX_TYPES, 'how the mutex is initialised; USYNC_THREAD = PTHREAD_PROCESS_PRIVATE, USYNC_PROCESS = PTHREAD_PROCESS_SHARED'),
  sharing: Type.Optional(SharingSchema),
  processCount: Type.Integer({ minimum: 1, maximum: 64, description: 'number of processes' }),
  key: KeySchema,
  engine: Type.Optional(oneOf(ENGINES, 'sim (simulated machine, default) or native (real processes on the worker host)')),
  platform: Type.Optional(oneOf([...PLATFORMS, 'host'], 'whose mutex implementation is modelled (engine sim; default solaris10); "host" is the native engine\'s, as its normalised spec shows it')),
  libc: Type.Optional(oneOf(LIBCS, 'engine native only: the C library the probe is linked with, "glibc" (the host\'s, default) or "musl" (a static musl build); the simulator models them as platforms "glibc-2.36" and "musl-1.2"')),
  threadsPerProcess: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, description: 'threads in every process (default 1)' })),
  iterations: Type.Optional(limit('iterations', 'lock / critical section / unlock cycles per thread')),
  cpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'simulated CPUs (default 1); native: host CPUs the processes are pinned to (default 2: the glibc failures need processes running truly in parallel)' })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff, description: 'scheduler seed; chosen and reported when absent' })),
  processes: Type.Optional(Type.Array(ProcessOverrideSchema, { maxItems: 64, description: 'per-process overrides; length must equal processCount' })),
  robust: Type.Optional(Type.Boolean({ description: 'robust mutex: owner death is recoverable (default false)' })),
  faults: Type.Optional(Type.Array(FaultSchema, { maxItems: 16, description: 'faults to inject' })),
  tools: Type.Optional(ToolsSchema),
  explore: Type.Optional(ExploreSchema),
  limits: Type.Optional(LimitsSchema),
  work: Type.Optional(WorkSchema),
  scheduling: Type.Optional(oneOf(SCHEDULING, 'sim only: the kernel\'s scheduling class. time-sharing (default): slices of a few dozen lock cycles, and a thread woken from a sleep preempts the running one (Solaris TS, Linux CFS); round-robin: Linux SCHED_RR as the native probe runs, 100 ms slices (longer than any run), a run queue per CPU (a CPU takes the threads last on it and pulls from another CPU only when it has none), a woken thread waits at the tail, the next thread is the head')),
  repeat: Type.Optional(limit('repeat', 'run the experiment this many times and report the distribution of outcomes (native: N real runs in one probe invocation; sim: seeds seed, seed+1, ...)')),
  compare: Type.Optional(Type.Boolean({ description: 'engine native: run the spec natively `repeat` times and on the simulator\'s model of the host libc as many times (seeds), and report the two side by side' })),
}, { additionalProperties: false, $id: 'ExperimentSpec' });

export type SpecInput = Static<typeof SpecSchema>;

/** A System V key in its normalised spelling. */
export type SysvKey = string; // "0x00001234" style is NOT used: "0x1234" (lower-case, no padding) or "IPC_PRIVATE"

export interface WorkTiming { outside: number; inside: number; spread: number; blockInside: number; /** present only when not 0 */ yieldEvery?: number }

/** One process: its key, threads, program and its workload's timing (validateSpec always fills it; absent = spec.work). */
export interface ProcessSpec { index: number; key: SysvKey; threads: number; program: string; work?: WorkTiming }

/** The spec after validation: every default filled in, both spellings of the sharing attribute. */
export interface Spec {
  mutexType: MutexType;
  /** The same attribute in both vocabularies. */
  sharing: { solaris: 'USYNC_THREAD' | 'USYNC_PROCESS'; posix: 'PTHREAD_PROCESS_PRIVATE' | 'PTHREAD_PROCESS_SHARED'; shared: boolean };
  processCount: number;
  key: SysvKey;
  engine: EngineKind;
  platform: Platform | 'host';
  /** Native only: the C library of the probe (always present in a native normalised spec). */
  libc?: Libc;
  threadsPerProcess: number;
  iterations: number;
  cpus: number;
  seed: number;
  processes: ProcessSpec[];
  robust: boolean;
  faults: { kill: number; whileHolding: boolean; afterAcquisitions: number }[];
  tools: { watchpoint: { process: number | 'all'; field: WatchField } | false; core: boolean; pmap: boolean };
  explore?: { strategy: Strategy; schedules: number; depth: number; maxPreemptions: number; timeMs: number; target?: FailureOutcome };
  limits: { maxSteps: number; timeoutMs: number };
  /** The workload's timing (sim): steps of work outside / inside the critical section, spread %, kernel sleep ticks inside. */
  work: WorkTiming;
  /** The kernel's scheduling class (sim); present only when round-robin, time-sharing otherwise. */
  scheduling?: 'round-robin';
  /** Runs for a distribution (present only when asked for, or filled in by compare). */
  repeat?: number;
  /** Native against the model of the host libc (present only when true). */
  compare?: true;
}

export type { FieldError };
export type Validation = { ok: true; spec: Spec } | { ok: false; errors: FieldError[] };

export function normaliseKey(key: string | number): SysvKey {
  if (key === 'IPC_PRIVATE' || key === 0) return 'IPC_PRIVATE';
  const n = typeof key === 'number' ? key : parseInt(key.slice(2), 16);
  return n === 0 ? 'IPC_PRIVATE' : '0x' + n.toString(16);
}

let compiled: ReturnType<typeof Compile<typeof SpecSchema>> | undefined;
/** SpecSchema compiled once (about 10 ms), on first use, so a CLI that never validates pays nothing. */
function specCheck() { return (compiled ??= Compile(SpecSchema)); }

/**
 * Validate and normalise a spec. `chooseSeed` is called only when the input has no seed,
 * so the engine stays free of randomness; callers pass crypto-backed seeds.
 */
export function validateSpec(input: unknown, chooseSeed: () => number): Validation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  // The compiled check is ~50x cheaper than the error walker; the walker (whose messages users
  // see) runs only for input the check refuses.
  const schemaErrors = specCheck().Check(input) ? [] : describeSchemaErrors(SpecSchema, input);
  // The checks a schema cannot express run on the members the schema passed, and the platform's
  // refusals on the spec those members make, so one answer names every bad field at once.
  const s = withoutMembers(input as Record<string, unknown>, schemaErrors) as SpecInput;
  const errors = [...schemaErrors, ...crossFieldErrors(s, input as Record<string, unknown>)];
  const complete = s.mutexType !== undefined && s.processCount !== undefined && s.key !== undefined;
  const spec = complete ? normalise(s, s.seed ?? 0) : undefined;
  if (spec) for (const refusal of platformRefusals(spec)) if (!errors.some((e) => e.field === refusal.field)) errors.push(refusal);
  if (errors.length > 0 || !spec) return { ok: false, errors };
  if (s.seed === undefined) spec.seed = chooseSeed() >>> 0;
  return { ok: true, spec };
}

/** The input without the top-level members an error names ("processes[1].key" -> processes). */
function withoutMembers(input: Record<string, unknown>, errors: FieldError[]): Record<string, unknown> {
  if (errors.length === 0) return input;
  const bad = new Set(errors.map((e) => e.field.split(/[.[]/)[0]!));
  return Object.fromEntries(Object.entries(input).filter(([name]) => !bad.has(name)));
}

/** What a platform refuses although the schema allows it (e.g. a robust USYNC_THREAD mutex on Solaris 10). */
function platformRefusals(spec: Spec): FieldError[] {
  if (spec.engine !== 'sim') return [];
  const platform = findPlatform(spec.platform);
  if (!platform) return [{ field: 'platform', message: `"${spec.platform}" is not modelled by the simulator` }];
  const refused = platform.robust.unsupported(spec);
  return refused ? [refused] : [];
}

const defaultIterations = (engine: EngineKind) => (engine === 'native' ? LIMITS.nativeIterations.default : LIMITS.iterations.default);

/**
 * Checks between fields. `s` holds only members that passed the schema, so each check first
 * looks that what it reads is there.
 */
function crossFieldErrors(s: Partial<SpecInput>, raw: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const engine = (s.engine ?? 'sim') as EngineKind;
  const count = s.processCount;
  if (engine === 'native' && s.platform !== undefined && s.platform !== 'host') {
    errors.push({ field: 'platform', message: 'applies to engine "sim" only; native runs on the host (omit platform, or "host")' });
  }
  if (engine === 'sim' && s.libc !== undefined) {
    errors.push({ field: 'libc', message: `applies to engine "native" only; the simulator models ${s.libc} as platform "${LIBC_MODEL[s.libc as Libc]}" (use "platform": "${LIBC_MODEL[s.libc as Libc]}", or "engine": "native")` });
  }
  if (engine === 'sim' && s.platform === 'host') {
    errors.push({ field: 'platform', message: 'is "host" only for engine "native"; the simulator models one of ' + PLATFORMS.map((p) => `"${p}"`).join(', ') });
  }
  if (s.sharing !== undefined && s.mutexType !== undefined) {
    const shared = s.mutexType === 'USYNC_PROCESS' || s.mutexType === 'PTHREAD_PROCESS_SHARED';
    const agrees = s.sharing.shared === shared && s.sharing.solaris === (shared ? 'USYNC_PROCESS' : 'USYNC_THREAD')
      && s.sharing.posix === (shared ? 'PTHREAD_PROCESS_SHARED' : 'PTHREAD_PROCESS_PRIVATE');
    if (!agrees) errors.push({ field: 'sharing', message: `must agree with mutexType ${s.mutexType} (it is derived from it; omit it)` });
  }
  for (const [i, o] of (s.processes ?? []).entries()) {
    if (o.index !== undefined && o.index !== i) errors.push({ field: `processes[${i}].index`, message: `must be ${i}, the entry's position (or be left out)` });
  }
  if (count !== undefined) {
    // the length counts even when an entry is bad (and `s` lost the member for it)
    const entries = Array.isArray(raw.processes) ? raw.processes.length : undefined;
    if (entries !== undefined && entries !== count) {
      errors.push({ field: 'processes', message: `has ${entries} entries but processCount is ${count}` });
    }
    const iterations = s.iterations ?? defaultIterations(engine);
    for (const [i, f] of (s.faults ?? []).entries()) {
      if (f.kill >= count) {
        errors.push({ field: `faults[${i}].kill`, message: `must be a process index below processCount (${count})` });
        continue;
      }
      // a fault its process can never reach would run the experiment without the fault asked for
      const most = iterations * (s.processes?.[f.kill]?.threads ?? s.threadsPerProcess ?? 1);
      if ((f.afterAcquisitions ?? 0) > most) {
        errors.push({ field: `faults[${i}].afterAcquisitions`, message: `must be at most ${most}: process ${f.kill} makes only that many acquisitions (iterations x its threads), so the fault could never fire` });
      }
    }
    const wp = s.tools?.watchpoint;
    if (wp && typeof wp.process === 'number' && wp.process >= count) {
      errors.push({ field: 'tools.watchpoint.process', message: `must be a process index below processCount (${count})` });
    }
  }
  if (engine === 'native') {
    for (const name of ['nativeIterations', 'nativeThreads', 'nativeProcesses'] as const) {
      const value = name === 'nativeIterations' ? s.iterations : name === 'nativeThreads' ? s.threadsPerProcess : s.processCount;
      if (value !== undefined && value > LIMITS[name].maximum) {
        errors.push({ field: LIMITS[name].field, message: `must be <= ${LIMITS[name].maximum} for engine "native"` });
      }
    }
    if (s.explore) errors.push({ field: 'explore', message: 'applies to engine "sim" only' });
    if (s.scheduling !== undefined) errors.push({ field: 'scheduling', message: 'applies to engine "sim" only: the native probe runs its processes under SCHED_RR (the model of that is "round-robin")' });
  }
  if (s.compare === true && engine !== 'native') errors.push({ field: 'compare', message: 'needs engine "native": it runs the spec natively and on the simulator\'s model of the host libc' });
  if (s.repeat !== undefined && s.explore) errors.push({ field: 'repeat', message: 'does not combine with explore: an exploration already runs many schedules (explore.schedules) and reports their outcome counts' });
  if (engine === 'native') {
    // `work` is not refused here: the presets carry the story's timing, and a preset run natively (or
    // a normalised spec POSTed back) must be accepted. The native probe runs its own tight loop and
    // ignores it; docs/contract.md says so.
    // The probe runs one segment and one thread count for every process; per-process variants are sim-only.
    for (const [i, o] of (s.processes ?? []).entries()) {
      if (o.key !== undefined && s.key !== undefined && normaliseKey(o.key) !== normaliseKey(s.key)) errors.push({ field: `processes[${i}].key`, message: 'must equal key for engine "native" (one segment per native run)' });
      if (o.threads !== undefined && o.threads !== (s.threadsPerProcess ?? 1)) errors.push({ field: `processes[${i}].threads`, message: 'must equal threadsPerProcess for engine "native"' });
    }
  }
  return errors;
}

/** The spec with every default filled in, from input whose members passed the schema. */
function normalise(s: SpecInput, seed: number): Spec {
  const engine = (s.engine ?? 'sim') as EngineKind;
  const shared = s.mutexType === 'USYNC_PROCESS' || s.mutexType === 'PTHREAD_PROCESS_SHARED';
  const threadsPerProcess = s.threadsPerProcess ?? 1;
  const key = normaliseKey(s.key);
  const work: WorkTiming = {
    outside: s.work?.outside ?? LIMITS.workOutside.default,
    inside: s.work?.inside ?? LIMITS.workInside.default,
    spread: s.work?.spread ?? LIMITS.workSpread.default,
    blockInside: s.work?.blockInside ?? LIMITS.workBlockInside.default,
    // only when asked for, so that the normalised spec of every other run is unchanged
    ...(s.work?.yieldEvery ? { yieldEvery: s.work.yieldEvery } : {}),
  };
  const processes: ProcessSpec[] = [];
  for (let index = 0; index < s.processCount; index++) {
    const o = s.processes?.[index];
    processes.push({
      index,
      key: o?.key !== undefined ? normaliseKey(o.key) : key,
      threads: o?.threads ?? threadsPerProcess,
      program: o?.program ?? 'app',
      work: { ...work, ...o?.work },
    });
  }
  const watch = s.tools?.watchpoint;
  const spec: Spec = {
    mutexType: s.mutexType as MutexType,
    sharing: shared
      ? { solaris: 'USYNC_PROCESS', posix: 'PTHREAD_PROCESS_SHARED', shared: true }
      : { solaris: 'USYNC_THREAD', posix: 'PTHREAD_PROCESS_PRIVATE', shared: false },
    processCount: s.processCount,
    key,
    engine,
    platform: engine === 'native' ? 'host' : ((s.platform ?? 'solaris10') as Platform),
    ...(engine === 'native' ? { libc: (s.libc ?? 'glibc') as Libc } : {}),
    threadsPerProcess,
    iterations: s.iterations ?? defaultIterations(engine),
    // Native runs default to 2 CPUs: on one CPU the processes of a native run take turns and the
    // glibc 2.34+ assertion the user came to see almost never shows.
    cpus: s.cpus ?? (engine === 'native' ? 2 : 1),
    seed,
    processes,
    robust: s.robust ?? false,
    faults: (s.faults ?? []).map((f) => ({ kill: f.kill, whileHolding: f.whileHolding ?? false, afterAcquisitions: f.afterAcquisitions ?? 0 })),
    tools: {
      // Native runs watch nothing unless asked: where hardware watchpoints work, every watched
      // store traps into the kernel (measured on a 2-vCPU VM: 4 x 50000 SHARED cycles took 33 ms
      // unwatched, 4.3 s watched), which slows the run a hundredfold and changes the race it
      // shows (the glibc 2.36 PRIVATE case went from the assertion to lost wake-ups). A simulated
      // watchpoint costs the simulated machine nothing.
      watchpoint: watch === false || (watch === undefined && engine === 'native') ? false
        : { process: watch?.process ?? 'all', field: (watch?.field ?? 'owner') as WatchField },
      core: s.tools?.core ?? true,
      pmap: s.tools?.pmap ?? true,
    },
    limits: {
      maxSteps: s.limits?.maxSteps ?? LIMITS.maxSteps.default,
      timeoutMs: s.limits?.timeoutMs ?? (engine === 'native' ? LIMITS.nativeTimeoutMs.default : LIMITS.timeoutMs.default),
    },
    work,
  };
  if (s.scheduling === 'round-robin') spec.scheduling = 'round-robin';
  // Only when asked for, so that the normalised spec of a single run is unchanged.
  if (s.repeat !== undefined || s.compare === true) spec.repeat = s.repeat ?? LIMITS.repeat.default;
  if (s.compare === true) spec.compare = true;
  if (s.explore) {
    spec.explore = {
      strategy: s.explore.strategy as Strategy,
      schedules: s.explore.schedules ?? LIMITS.exploreSchedules.default,
      depth: s.explore.depth ?? 2,
      maxPreemptions: s.explore.maxPreemptions ?? 2,
      timeMs: s.explore.timeMs ?? LIMITS.exploreTimeMs.default,
      // Only when asked for, so that the normalised spec of an untargeted exploration is unchanged.
      ...(s.explore.target !== undefined ? { target: s.explore.target as FailureOutcome } : {}),
    };
  }
  return spec;
}
