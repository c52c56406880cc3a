// Request and response shapes of /experiments. The spec itself is the engine's SpecSchema (one
// source of truth); these wrap it for HTTP and give Swagger UI worked examples.
import { Type } from 'typebox';
import { ENGINES, MUTEX_TYPES, OUTCOMES_LIST, PLATFORMS_LIST, SpecSchema } from './spec-ref.js';
import { WAIT_MAX_SECONDS } from '../../jobs/config.js';
import { NormalisedSpecSchema } from './normalised-spec.js';
import { ProgressSchema } from './progress.js';
import { ResultSchema } from './result.js';

const literals = (values: readonly string[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });

export const StatusSchema = literals(['queued', 'running', 'completed', 'failed', 'cancelled'], 'experiment status');

export const PresetRequestSchema = Type.Object({
  preset: Type.String({ description: 'name of a preset (GET /presets); other members override its spec one level deep', examples: ['solaris10-crash'] }),
}, { additionalProperties: true, description: 'a preset by name, with optional overrides' });

export const ReplayRequestSchema = Type.Object({
  replay: Type.String({ description: 'a replay token (mlx1.…) from an exploration result: replays that schedule, same result and trace bytes' }),
  spec: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'optional: refuse the token unless it was recorded for this spec' })),
}, { additionalProperties: false, description: 'replay a recorded schedule' });

export const CreateBodySchema = Type.Union([{ ...SpecSchema, $id: undefined }, PresetRequestSchema, ReplayRequestSchema], {
  description: 'an experiment spec (see the contract), {"preset": NAME, ...overrides}, or {"replay": TOKEN}',
  examples: [
    { preset: 'solaris10-crash' },
    { preset: 'solaris10-crash', seed: 7 },
    { mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', platform: 'solaris10', processes: [{ program: 'app', threads: 2 }, { program: 'other' }] },
    { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 4, key: '0x1234', platform: 'glibc-2.36', iterations: 1000, cpus: 2 },
  ],
});

export const CreateQuerySchema = Type.Object({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: WAIT_MAX_SECONDS, description: `seconds to wait for the verdict (at most ${WAIT_MAX_SECONDS}); 200 with the result if it finishes in time, else the 202. A convenience: poll or use events for real work` })),
});

export const IdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });

export const LinksSchema = Type.Object({ self: Type.String(), trace: Type.String() });

export const AcceptedSchema = Type.Object({
  id: Type.String(), status: StatusSchema, links: LinksSchema,
}, { description: 'accepted; poll links.self' });

export const ExperimentSchema = Type.Object({
  id: Type.String(),
  status: StatusSchema,
  spec: NormalisedSpecSchema,
  queuedAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  progress: Type.Union([ProgressSchema, Type.Null()], { description: 'how far a running experiment is, else null' }),
  attempts: Type.Integer({ description: 'times a worker started it (more than 1 after a retry or a recovered worker)' }),
  result: Type.Union([ResultSchema, Type.Null()], { description: 'the result (docs/contract.md), when completed; else null' }),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()], { description: 'why it failed (e.g. timeout, engine_error), when failed' }),
  trace: Type.Union([Type.Object({ events: Type.Integer(), stored: Type.Integer(), truncated: Type.Boolean(), bytes: Type.Integer() }), Type.Null()]),
  links: LinksSchema,
});

export const ListQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 64, description: 'opaque; the `next` of the previous page' })),
  status: Type.Optional(StatusSchema),
  outcome: Type.Optional(literals(OUTCOMES_LIST, 'verdict outcome')),
  platform: Type.Optional(literals([...PLATFORMS_LIST, 'host'], 'platform')),
  mutexType: Type.Optional(literals(MUTEX_TYPES, 'mutex type as given')),
  engine: Type.Optional(literals(ENGINES, 'engine')),
});

export const SummarySchema = Type.Object({
  id: Type.String(), status: StatusSchema, outcome: Type.Union([Type.String(), Type.Null()]),
  platform: Type.String(), mutexType: Type.String(), engine: Type.String(),
  summary: Type.Union([Type.String(), Type.Null()], { description: 'the verdict summary, when completed' }),
  queuedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  links: Type.Object({ self: Type.String() }),
});

export const ListSchema = Type.Object({
  items: Type.Array(SummarySchema),
  next: Type.Union([Type.String(), Type.Null()], { description: 'cursor of the next page; null on the last' }),
  links: Type.Object({ next: Type.Union([Type.String(), Type.Null()]) }),
});
