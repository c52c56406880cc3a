// The result of one experiment (src/engine/result.ts) as TypeBox schemas: the OpenAPI document
// shows them, and fastify's serializer writes responses from them. Objects are closed where the
// engine's type is closed, so test/service/result-schema.test.ts fails when a field is added to
// the engine without being added here (a serializer would otherwise drop it); the evidence and
// the mutex snapshots are open by design (each platform and engine adds its own findings).
import { Type } from 'typebox';
import { OUTCOMES } from '../../engine/result.js';
import { ExplorationSchema } from './exploration.js';
import { comparisonSchema, distributionSchema } from './distribution.js';
import { NormalisedSpecSchema } from './normalised-spec.js';

const closed = { additionalProperties: false } as const;
/** One string out of a list, as `enum` (Swagger UI offers the values; `const` branches would each be an enum of one). */
const literals = (values: readonly string[], description: string) => Type.Enum([...values], { type: 'string', description });
const Hex = (description: string) => Type.String({ pattern: '^0x[0-9a-f]+$', description: `${description} (lower-case hex with 0x)` });

export const OutcomeSchema = literals(OUTCOMES, 'what happened: ok, crash (a process died of a signal), mutual_exclusion_violation (two holders at once or lost updates), hang (no progress, everyone waiting), owner_died (a holder died and a robust mutex reported it), limit_exceeded (the step or time budget ran out first)');

export const TermSchema = Type.Object({
  term: Type.String({ description: 'a platform term the verdict uses, e.g. ulwp_t' }),
  meaning: Type.String({ description: 'what it means, in one line' }),
}, closed);

export const VerdictSchema = Type.Object({
  outcome: OutcomeSchema,
  summary: Type.String({ description: 'what happened, in one sentence' }),
  cause: Type.String({ description: 'why, from the evidence' }),
  fix: Type.String({ description: 'what to change, in the platform\'s own API first' }),
  terms: Type.Optional(Type.Array(TermSchema, { description: 'a short glossary of the platform terms the text uses' })),
}, { ...closed, description: 'the verdict: outcome, summary, cause, fix' });

export const ProcessExitSchema = Type.Union([
  Type.Object({ kind: Type.Literal('exited'), code: Type.Integer() }, closed),
  Type.Object({
    kind: Type.Literal('signaled'), signal: Type.String({ description: 'e.g. SIGSEGV, SIGABRT' }),
    function: Type.Optional(Type.String({ description: 'the function it died in' })),
    faultAddress: Type.Optional(Hex('the address it faulted on')),
    message: Type.Optional(Type.String({ description: 'e.g. the glibc assertion line' })),
  }, closed),
  Type.Object({ kind: Type.Literal('hung'), waitingIn: Type.String({ description: 'where it waits: a function or wait channel' }) }, closed),
  Type.Object({ kind: Type.Literal('killed'), reason: literals(['fault', 'timeout', 'limit'], 'an injected fault, the time budget, the step budget') }, closed),
], { description: 'how a process or thread ended' });

export const ThreadReportSchema = Type.Object({
  tid: Type.Integer(),
  ulwp: Type.Optional(Hex('Solaris: address of its ulwp_t (thread structure)')),
  acquisitions: Type.Optional(Type.Integer({ description: 'times it acquired the mutex' })),
  exit: Type.Optional(ProcessExitSchema),
}, closed);

export const ProcessReportSchema = Type.Object({
  index: Type.Integer({ description: 'position in spec.processes' }),
  pid: Type.Integer(),
  program: Type.String(),
  key: Type.String({ description: 'the System V key it attached with' }),
  shmid: Type.Integer({ description: 'the segment it attached' }),
  attachAddress: Hex('where the segment is mapped in this process'),
  threads: Type.Array(ThreadReportSchema),
  acquisitions: Type.Integer(),
  exit: ProcessExitSchema,
}, closed);

const MutexSnapshotSchema = Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: 'the mutex words by field name, as the platform lays them out' });

export const MappingSchema = Type.Object({
  start: Hex('first address'), end: Hex('end address'),
  kind: literals(['text', 'data', 'heap', 'stack', 'ulwp', 'shm', 'anon'], 'what the mapping holds'),
  name: Type.Optional(Type.String()), key: Type.Optional(Type.String()), shmid: Type.Optional(Type.Integer()),
}, closed);

export const WatchpointReportSchema = Type.Object({
  pid: Type.Integer(), field: Type.String({ description: 'the mutex field watched' }), address: Hex('its address in this process'),
  fired: Type.Integer({ description: 'stores seen' }),
  ownWrites: Type.Integer({ description: 'stores by this process' }),
  foreignWrites: Type.Integer({ description: 'stores by other processes: a private mutex shared by processes shows them' }),
  kernelWrites: Type.Optional(Type.Integer({ description: 'stores the kernel made for the process (lwp_mutex_*), which a watchpoint does not see' })),
  available: Type.Optional(Type.Boolean({ description: 'native: false when the host delivers no watchpoint traps (the counts are then derived)' })),
  note: Type.Optional(Type.String()),
}, closed);

export const EvidenceSchema = Type.Object({
  mutex: Type.Union([Type.Object({
    key: Type.String(), shmid: Type.Integer(), offset: Type.Integer({ description: 'offset of the mutex in the segment' }),
    type: Type.String({ description: 'the mutex type as initialised' }), magic: Type.Optional(Hex('the magic word')),
    initializedBy: Type.Integer({ description: 'pid that initialised it' }),
  }, { additionalProperties: true, description: 'the mutex and its segment; platforms add their own words (final, sharedBy, ...)' }), Type.Null({ description: 'a run stopped at limits.timeoutMs left no evidence' })]),
  core: Type.Union([Type.Object({
    pid: Type.Integer(), signal: Type.String(), mutex: MutexSnapshotSchema,
  }, { additionalProperties: true, description: 'the core dump of the process that died: the mutex words in it' }), Type.Null()]),
  watchpoints: Type.Array(WatchpointReportSchema),
  pmap: Type.Array(Type.Object({ pid: Type.Integer(), mappings: Type.Array(MappingSchema) }, closed)),
}, { additionalProperties: true, description: 'what the run left behind; open: each platform and engine adds its findings (mutexAtFault, switchesBeforeFault, recoveries, faults, sandbox, glibc, blocked, ...)' });

const runResultFields = {
  spec: NormalisedSpecSchema,
  engine: literals(['sim', 'native'], 'the engine that ran it'),
  platform: Type.String({ description: 'the simulated platform, or "host" for native' }),
  seed: Type.Integer(),
  verdict: VerdictSchema,
  processes: Type.Array(ProcessReportSchema),
  counter: Type.Object({
    expected: Type.Integer({ description: 'increments actually performed' }),
    final: Type.Integer({ description: 'the shared counter at the end' }),
    lostUpdates: Type.Integer({ description: 'expected - final' }),
    planned: Type.Optional(Type.Integer({ description: 'threads x iterations (sim)' })),
  }, closed),
  mutualExclusion: Type.Object({ maxHolders: Type.Integer(), violations: Type.Integer() }, closed),
  evidence: EvidenceSchema,
  stats: Type.Object({ steps: Type.Number(), contextSwitches: Type.Number(), engineMs: Type.Number() }, { additionalProperties: Type.Number(), description: 'figures of the run; engines add their own (virtualTime, decisions, probeMs)' }),
  trace: Type.Object({
    events: Type.Integer({ description: 'events the run produced' }), truncated: Type.Boolean(),
    stored: Type.Optional(Type.Integer({ description: 'events kept (a run stopped at the time budget keeps none)' })),
  }, closed),
  exploration: Type.Optional(ExplorationSchema),
};

/**
 * One run's result, as a repeat's examples hold it: the same members as the result itself (minus
 * distribution and comparison), left open here rather than spelt out again for every example of
 * every outcome (which made the OpenAPI document 20 times larger); the serializer writes it whole.
 */
export const RunResultSchema = Type.Object({
  spec: Type.Object({}, { additionalProperties: true, description: 'the run\'s normalised spec: the repeat\'s spec with this run\'s seed and without repeat' }),
  engine: runResultFields.engine, platform: runResultFields.platform, seed: runResultFields.seed, verdict: VerdictSchema,
}, { additionalProperties: true, description: 'the result of one run: every member of the result (see the result schema), without distribution and comparison' });
export const DistributionSchema = distributionSchema(RunResultSchema);

export const ResultSchema = Type.Object({
  ...runResultFields,
  distribution: Type.Optional(DistributionSchema),
  comparison: Type.Optional(comparisonSchema(DistributionSchema)),
}, { ...closed, description: 'the result of one experiment (docs/contract.md)' });
