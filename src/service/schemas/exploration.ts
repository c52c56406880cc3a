// result.exploration (src/engine/explore/exploration.ts) as a TypeBox schema; see result.ts.
import { Type } from 'typebox';
import { FAILURE_OUTCOMES, OUTCOMES } from '../../engine/outcome.js';
import { STRATEGIES } from '../../engine/spec.js';

const closed = { additionalProperties: false } as const;
/** One string out of a list, as `enum` (Swagger UI offers the values; `const` branches would each be an enum of one). */
const literals = (values: readonly string[], description: string) => Type.Enum([...values], { type: 'string', description });
const outcome = () => literals(OUTCOMES, 'outcome');
/** One optional member per outcome (a Record over an enum would become patternProperties). */
const perOutcome = <T extends ReturnType<typeof Type.Object> | ReturnType<typeof Type.Integer>>(value: () => T, description: string) =>
  Type.Object(Object.fromEntries(OUTCOMES.map((o) => [o, Type.Optional(value())])), { ...closed, description });

const token = () => Type.String({ pattern: '^mlx1\\.[A-Za-z0-9_-]+$', description: 'a replay token: POST {"replay": TOKEN} or `mutexlab replay TOKEN` runs it again' });

const SampledRateSchema = Type.Object({
  method: Type.Literal('wilson'),
  sampling: Type.Literal('random', { description: 'random/pct: independent samples' }),
  estimate: Type.Number({ description: 'failures / schedules' }),
  low: Type.Number(), high: Type.Number(), confidence: Type.Number({ description: 'Wilson score interval' }),
  upperBound: Type.Optional(Type.Number({ description: 'zero failures: exact one-sided upper bound 1 - 0.05^(1/n)' })),
  ruleOfThree: Type.Optional(Type.Number({ description: 'zero failures: 3/n' })),
}, { ...closed, description: 'random/pct: an estimate with its 95% interval' });

const CountedRateSchema = Type.Object({
  method: Type.Literal('count'),
  sampling: Type.Literal('enumerated', { description: 'dfs: a count over the schedules enumerated, not a sample' }),
  failures: Type.Integer(), schedules: Type.Integer(),
  fraction: Type.Number({ description: 'failures / schedules, exact over the schedules run' }),
  exhausted: Type.Boolean({ description: 'the schedules run are the whole bounded space' }),
}, { ...closed, description: 'dfs: exact counts, no interval' });

export const FailureRateSchema = Type.Union([SampledRateSchema, CountedRateSchema], { description: 'random/pct: Wilson interval; dfs: exact counts' });

const failureOutcome = () => literals(FAILURE_OUTCOMES, 'failing outcome');
const counterexampleFields = {
  outcome: failureOutcome(), token: token(),
  preemptions: Type.Integer(), preemptionsProven: Type.Boolean({ description: 'every smaller preemption bound was searched to the end without this outcome' }),
  steps: Type.Integer({ description: 'steps up to and including the failing one' }),
  failureAt: Type.Integer({ description: 'virtual time t of the failure' }),
  runSteps: Type.Integer({ description: 'steps of the whole run, the aftermath included' }),
  decisions: Type.Integer(), choices: Type.Integer(),
  foundAt: Type.Integer({ description: 'index of the failing schedule it was shrunk from' }),
  minimiseRuns: Type.Integer(),
};
const CounterexampleSchema = () => Type.Object(counterexampleFields, { ...closed, description: 'a shrunk failing schedule of one outcome' });

export const ExplorationSchema = Type.Object({
  strategy: literals(STRATEGIES, 'how schedules were chosen'),
  schedules: Type.Integer({ description: 'schedules run' }),
  planned: Type.Integer({ description: 'schedules asked for' }),
  exhausted: Type.Optional(Type.Boolean({ description: 'dfs: the bounded space was covered completely' })),
  provenWithinBound: Type.Optional(Type.Boolean({ description: 'dfs, exhausted without a failure: no schedule within the preemption bound fails' })),
  maxPreemptions: Type.Optional(Type.Integer()),
  depth: Type.Optional(Type.Integer()),
  target: Type.Optional(failureOutcome()),
  stoppedBy: literals(['exhausted', 'schedules', 'time', 'cancelled'], 'what stopped it'),
  outcomes: perOutcome(() => Type.Integer(), 'schedules per outcome'),
  failures: Type.Integer(),
  failureRate: FailureRateSchema,
  pct: Type.Optional(Type.Object({ threads: Type.Integer(), steps: Type.Integer(), depth: Type.Integer(), perRun: Type.Number(), missBound: Type.Number() }, { ...closed, description: 'pct\'s guarantee' })),
  firstFailure: Type.Union([Type.Object({
    schedule: Type.Integer(), outcome: outcome(), seed: Type.Integer(), preemptions: Type.Integer(), steps: Type.Integer(), token: token(),
  }, closed), Type.Null()]),
  firstFailures: Type.Optional(perOutcome(() => Type.Object({ schedule: Type.Integer(), token: token() }, closed), 'the first failing schedule of each failing outcome')),
  counterexamples: Type.Object(Object.fromEntries(FAILURE_OUTCOMES.map((o) => [o, Type.Optional(CounterexampleSchema())])), { ...closed, description: 'one shrunk counterexample per failing outcome found' }),
  minimalPreemptions: Type.Union([Type.Integer(), Type.Null()]),
  minimalPreemptionsProven: Type.Boolean(),
  shrunk: Type.Union([Type.Object({
    ...counterexampleFields,
    trace: Type.Object({ events: Type.Integer(), truncated: Type.Boolean() }, closed),
  }, { ...closed, description: 'the counterexample the result shows (explore.target\'s, else the most severe); the result\'s processes, evidence and trace are this run\'s' }), Type.Null()]),
  repeatRuns: Type.Optional(Type.Integer()),
  minimiseRuns: Type.Integer(),
  steps: Type.Number({ description: 'simulated steps over all schedules' }),
  chunks: Type.Integer(),
}, { ...closed, description: 'what many schedules say about the spec' });
