// The progress of a running experiment, as GET /experiments/{id} and the SSE progress event show it.
import { Type } from 'typebox';

export const ProgressSchema = Type.Object({
  kind: Type.String({ description: 'what is counted: "exploration" (schedules), "repetitions" (runs of a repeat or compare), "run" (simulated steps of one long run, of an estimate it may pass)' }),
  engine: Type.Optional(Type.String({ description: 'repetitions: sim or native' })),
  side: Type.Optional(Type.String({ description: 'compare: "native" runs first, then the "model"' })),
  strategy: Type.Optional(Type.String({ description: 'exploration: random, pct or dfs' })),
  done: Type.Integer({ description: 'units done (schedules, runs or steps)' }),
  steps: Type.Optional(Type.Integer({ description: 'run: simulated steps so far (= done)' })),
  planned: Type.Integer({ description: 'units planned' }),
  failures: Type.Optional(Type.Integer({ description: 'exploration: failing schedules so far; repetitions: runs not ok so far' })),
  chunks: Type.Optional(Type.Integer({ description: 'chunked exploration: chunks that reported' })),
  elapsedMs: Type.Optional(Type.Number({ description: 'since the run started' })),
}, { additionalProperties: true, description: 'how far a running experiment is; engines may add figures' });
