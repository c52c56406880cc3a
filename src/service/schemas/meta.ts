// Shapes of the small read-only endpoints: presets, limits, stats, health.
import { Type } from 'typebox';

export const PresetListSchema = Type.Array(Type.Object({
  name: Type.String(), description: Type.String(), spec: Type.Unknown({ description: 'the spec the preset runs' }),
}));

export const LimitsResponseSchema = Type.Record(Type.String(), Type.Object({
  field: Type.String(), default: Type.Number(), minimum: Type.Number(), maximum: Type.Number(), unit: Type.String(), description: Type.String(),
}), { description: 'every limit a spec can meet, with its default and maximum (above the maximum is a 400)' });

export const StatsSchema = Type.Object({
  experiments: Type.Object({ byStatus: Type.Record(Type.String(), Type.Integer()), byOutcome: Type.Record(Type.String(), Type.Integer()) }),
  queue: Type.Object({ waiting: Type.Integer(), active: Type.Integer(), delayed: Type.Integer(), completed: Type.Integer(), failed: Type.Integer() }, {
    description: 'BullMQ jobs by state. A job carries one experiment, or a group of small simulations submitted together; experiments.byStatus counts experiments.',
  }),
  workers: Type.Integer({ description: 'worker connections live on the queue' }),
});

export const HealthSchema = Type.Object({ status: Type.String() });
