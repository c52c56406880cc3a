// result.exploration (src/engine/explore/exploration.ts) as a TypeBox schema; see result.ts.
import { Type } from 'typebox';
import { OUTCOMES } from '../../engine/result.js';
import { STRATEGIES } from '../../engine/spec.js';

const closed = { additionalProperties: false } as const;
const literals = (values: readonly string[], description: string) => Type.Union(values.map((v) => Type.Literal(v)), { description });
const outcome = () => literals(OUTCOMES, 'outcome');
/** One optional member per outcome (a Record over an enum would become patternProperties). */
const perOutcome = <T extends ReturnType<typeof Type.Object> | ReturnType<typeof Type.Integer>>(value: () => T, description: string) =>
  Type.Object(Object.fromEntries(OUTCOMES.map((o) => [o, Type.Optional(value())])), { ...closed, description });

const token = () => Type.String({ pattern: '^mlx1\\.[A-Za-z0-9_-]+$', description: 'a replay token: POST {"replay": TOKEN} or `mutexlab replay TOKEN` runs it again' });

export const FailureRateSchema = Type.Object({
  estimate: Type.Number(), low: Type.Number(), high: Type.Number(), confidence: Type.Number(),
  method: Type.Literal('wilson'),
  sampling: literals(['random', 'enumerated'], 'random/pct: independent samples; dfs: a count over enumerated schedules'),
  upperBound: Type.Optional(Type.Number({ description: 'zero failures: exact one-sided upper bound 1 - 0.05^(1/n)' })),
  ruleOfThree: Type.Optional(Type.Number({ description: 'zero failures: 3/n' })),
}, closed);

export const ExplorationSchema = Type.Object({
  strategy: literals(STRATEGIES, 'how schedules were chosen'),
  schedules: Type.Integer({ description: 'schedules run' }),
  planned: Type.Integer({ description: 'schedules asked for' }),
  exhausted: Type.Optional(Type.Boolean({ description: 'dfs: the bounded space was covered completely' })),
  maxPreemptions: Type.Optional(Type.Integer()),
  depth: Type.Optional(Type.Integer()),
  stoppedBy: Type.Union([literals(['time', 'exhausted', 'schedules'], 'what stopped it'), Type.Null()]),
  outcomes: perOutcome(() => Type.Integer(), 'schedules per outcome'),
  failures: Type.Integer(),
  failureRate: FailureRateSchema,
  pct: Type.Optional(Type.Object({ threads: Type.Integer(), steps: Type.Integer(), depth: Type.Integer(), perRun: Type.Number(), missBound: Type.Number() }, { ...closed, description: 'pct\'s guarantee' })),
  firstFailure: Type.Union([Type.Object({
    schedule: Type.Integer(), outcome: outcome(), seed: Type.Integer(), preemptions: Type.Integer(), steps: Type.Integer(), token: token(),
  }, closed), Type.Null()]),
  firstFailures: Type.Optional(perOutcome(() => Type.Object({ schedule: Type.Integer(), token: token() }, closed), 'the first failing schedule of each failing outcome')),
  minimalPreemptions: Type.Union([Type.Integer(), Type.Null()]),
  minimalPreemptionsProven: Type.Boolean(),
  shrunk: Type.Union([Type.Object({
    token: token(), preemptions: Type.Integer(), steps: Type.Integer(), outcome: outcome(), decisions: Type.Integer(), choices: Type.Integer(),
    trace: Type.Object({ events: Type.Integer(), truncated: Type.Boolean() }, closed),
  }, { ...closed, description: 'the shrunk counterexample; the result\'s processes, evidence and trace are this run\'s' }), Type.Null()]),
  repeatRuns: Type.Optional(Type.Integer()),
  minimiseRuns: Type.Integer(),
  steps: Type.Number({ description: 'simulated steps over all schedules' }),
  chunks: Type.Integer(),
}, { ...closed, description: 'what many schedules say about the spec' });
