// result.distribution and result.comparison (src/engine/distribution.ts) as TypeBox schemas; see result.ts.
// An example's result is a run's result (no distribution of its own), so it takes the run schema.
import { Type, type TSchema } from 'typebox';
import { OUTCOMES } from '../../engine/outcome.js';

const closed = { additionalProperties: false } as const;
const literals = (values: readonly string[], description: string) => Type.Enum([...values], { type: 'string', description });
/** Keyed by outcome name: one schema for the values (spelt out per outcome, the document grew by a third). */
const perOutcome = (value: () => TSchema, description: string, _optional: boolean) =>
  Type.Record(Type.String(), value(), { description: `${description}; keys: ${OUTCOMES.join(', ')}` });

const LibcSchema = () => Type.Object({ name: Type.String({ description: 'glibc, musl, ...' }), version: Type.String() }, closed);

const ObservationSchema = () => Type.Object({
  observed: literals(['always', 'sometimes', 'never'], 'as litmus7\'s Observation line: always = every run, never = no run'),
  positive: Type.Integer({ description: 'runs with this outcome' }),
  negative: Type.Integer({ description: 'runs without it' }),
}, closed);

/** A loose trace event (docs/contract.md "Trace"): the full schema lives with the NDJSON endpoint. */
const TraceEventSchema = () => Type.Object({ seq: Type.Integer(), t: Type.Number(), op: Type.String() }, { additionalProperties: true });

export function distributionSchema(runResult: TSchema) {
  const ExampleSchema = () => Type.Object({
    run: Type.Integer({ description: 'which run (0-based) first produced the outcome' }),
    seed: Type.Integer({ description: 'its seed (sim: spec.seed + run)' }),
    result: runResult,
    trace: Type.Array(TraceEventSchema(), { description: 'its trace: the last events (at most 1000)' }),
    traceTruncated: Type.Boolean(),
  }, closed);
  return Type.Object({
    engine: literals(['sim', 'native'], 'the engine of these runs'),
    platform: Type.String({ description: 'the simulated platform, or "host"' }),
    libc: Type.Optional(LibcSchema()),
    planned: Type.Integer({ description: 'spec.repeat' }),
    runs: Type.Integer({ description: 'runs that finished' }),
    stoppedBy: literals(['done', 'time', 'cancelled'], 'done: every planned run; time: the repeat budget (GET /limits repeatTimeMs); cancelled'),
    seeds: Type.Optional(Type.Object({ first: Type.Integer(), last: Type.Integer() }, { ...closed, description: 'sim: the seeds run' })),
    outcomes: perOutcome(() => Type.Integer(), 'runs per outcome, zero included', false),
    observation: perOutcome(ObservationSchema, 'per outcome: always / sometimes / never, with counts', false),
    examples: perOutcome(ExampleSchema, 'the first run of every outcome observed, in full', true),
    shown: literals(OUTCOMES, 'the outcome whose first run the result\'s top level shows (the most severe observed)'),
    wallMs: Type.Number(),
    runsPerSecond: Type.Number(),
  }, { ...closed, description: 'repeat: the outcomes of all the runs (docs/contract.md "Distributions")' });
}

export function comparisonSchema(distribution: TSchema) {
  const ClassSchema = Type.Object({
    outcome: literals(OUTCOMES, 'the outcome class'),
    native: Type.Integer(), model: Type.Integer(),
    observedNatively: Type.Boolean(),
    allowedByModel: Type.Boolean({ description: 'produced by the model in its runs' }),
  }, closed);
  const DisagreementSchema = Type.Object({
    outcome: literals(OUTCOMES, 'a class observed natively that the model never produced'),
    native: Type.Integer(), model: Type.Integer(),
    example: Type.Object({
      run: Type.Integer(), summary: Type.String(), cause: Type.String(),
      evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'processes, counter, mutualExclusion, mutex words, blocked threads, recoveries' }),
    }, closed),
  }, closed);
  return Type.Object({
    verdict: literals(['agree', 'disagree', 'no_model'], 'agree: every class observed natively is produced by the model'),
    summary: Type.String(),
    native: Type.Object({ platform: Type.String(), libc: LibcSchema(), runs: Type.Integer() }, closed),
    model: Type.Object({
      platform: Type.Union([Type.String(), Type.Null()], { description: 'the simulated platform for that libc and version' }),
      reason: Type.String({ description: 'why that platform' }),
      runs: Type.Integer(),
      distribution: Type.Union([distribution, Type.Null()]),
    }, closed),
    classes: Type.Array(ClassSchema),
    disagreement: Type.Union([DisagreementSchema, Type.Null()], { description: 'the first disagreement' }),
    disagreements: Type.Array(DisagreementSchema),
  }, { ...closed, description: 'compare: the native runs beside the model\'s (docs/contract.md "Compare")' });
}
