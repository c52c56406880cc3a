// Request and response shapes of /experiments. The spec itself is the engine's SpecSchema (one
// source of truth); these wrap it for HTTP and give Swagger UI worked examples.
import { Type } from 'typebox';
import { ENGINES, MUTEX_TYPES, OUTCOMES_LIST, PLATFORMS_LIST, SpecSchema } from './spec-ref.js';
import { WAIT_MAX_SECONDS } from '../../jobs/config.js';
import { listPresets } from '../../runner/presets.js';
import { validateSpec } from '../../engine/spec.js';
import { NormalisedSpecSchema } from './normalised-spec.js';
import { ProgressSchema } from './progress.js';
import { ResultSchema } from './result.js';

const literals = (values: readonly string[], description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });

export const StatusSchema = literals(['queued', 'running', 'completed', 'failed', 'cancelled'], 'experiment status');

const specMembers = { ...SpecSchema.properties };

export const PresetRequestSchema = Type.Object({
  preset: literals(listPresets().map((p) => p.name), 'name of a preset (GET /presets); the other members override its spec one level deep'),
  ...Object.fromEntries(Object.entries(specMembers).map(([name, schema]) => [name, Type.Optional(schema)])),
}, { additionalProperties: false, description: 'a preset by name, with optional overrides of its spec' });

const TokenSchema = Type.String({ pattern: '^mlx1\\.[A-Za-z0-9_-]+$', maxLength: 100_000, description: 'a replay token (mlx1.…) from an exploration result: replays that schedule, same result and trace bytes' });

export const ReplayRequestSchema = Type.Object({
  replay: TokenSchema,
  spec: Type.Optional({ ...SpecSchema, $id: undefined, description: 'optional: refuse the token unless it was recorded for this spec' }),
}, { additionalProperties: false, description: 'replay a recorded schedule' });

/** A spec, or the normalised spec GET shows (for a replay it carries the token as `replay`). */
const SpecRequestSchema = Type.Object({
  ...specMembers,
  replay: Type.Optional({ ...TokenSchema, description: 'a replay token recorded for this spec: POSTing back the spec GET shows for a replay replays it again' }),
}, { additionalProperties: false, description: 'an experiment spec (docs/contract.md); the normalised spec GET shows is accepted back' });

/** Worked examples for Swagger UI, by name. */
const CREATE_EXAMPLES = {
  'the-story': { summary: 'The 2005 story: USYNC_THREAD shared by two programs on Solaris 10 (crash)', value: { preset: 'solaris10-crash' } },
  'the-story-seed-7': { summary: 'The story with a fixed seed (the same bytes every time)', value: { preset: 'solaris10-crash', seed: 7 } },
  'the-fix': { summary: 'The same two programs with the mutex initialised USYNC_PROCESS (ok)', value: { preset: 'solaris10-fixed' } },
  'spec-by-hand': { summary: 'The story written out: two programs, three threads, one key', value: { mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', platform: 'solaris10', processes: [{ program: 'app', threads: 2 }, { program: 'other' }] } },
  'glibc-shared': { summary: 'A process-shared mutex on glibc 2.36 with 4 processes on 2 CPUs (ok)', value: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 4, key: '0x1234', platform: 'glibc-2.36', iterations: 1000, cpus: 2 } },
  'explore-dfs': { summary: 'Many schedules: depth-first search up to 2 preemptions, one shrunk counterexample per outcome', value: { preset: 'solaris10-crash', explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 200 } } },
  'native-glibc': { summary: 'Real processes on the worker host: a private glibc mutex shared by 2 processes', value: { engine: 'native', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', iterations: 20000 } },
};

export const CreateBodySchema = Type.Union([SpecRequestSchema, PresetRequestSchema, ReplayRequestSchema], {
  description: 'an experiment spec (docs/contract.md), {"preset": NAME, ...overrides}, or {"replay": TOKEN}',
  'x-examples': CREATE_EXAMPLES,
});

/** The 400 a spec with several bad fields gets, computed by validateSpec itself, so it cannot go stale. */
function invalidSpecExample() {
  const body = { mutexType: 'USYNC_THRAED', processCount: 2, key: '1234', cpus: -1, iterations: 1.5, platform: 'solaris11', mutexTyp: 'x' };
  const v = validateSpec(body, () => 0);
  const errors = v.ok ? [] : v.errors;
  return {
    'five-bad-fields': {
      summary: `${JSON.stringify(body)}: every bad field named at once`,
      value: {
        type: 'https://mutexlab.dev/problems/invalid_spec', title: 'The experiment spec is invalid', status: 400,
        detail: errors.map((e) => `${e.field} ${e.message}`).join('; '), instance: '/experiments', code: 'invalid_spec', errors,
      },
    },
  };
}
export const INVALID_SPEC_EXAMPLES = invalidSpecExample();

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
  replay: Type.Optional({ ...TokenSchema, description: 'replays only: the token whose schedule this experiment replays; POST {...spec, replay} to replay it again' }),
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
