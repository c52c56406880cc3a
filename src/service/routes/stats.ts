// /stats: counts by status and outcome (from the record indexes), queue depth, live workers.
import type { FastifyPluginAsync } from 'fastify';
import { OUTCOMES } from '../../engine/result.js';
import { StatsSchema } from '../schemas/meta.js';

const stats: FastifyPluginAsync = async (app) => {
  app.get('', {
    schema: { tags: ['operations'], summary: 'Counts by status and outcome, queue depth, live workers', response: { 200: StatsSchema } },
  }, async () => {
    const { store, queue } = app.experiments;
    const [byStatus, byOutcome, counts, workers] = await Promise.all([
      store.countsByStatus(), store.countsByOutcome(OUTCOMES),
      queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'), queue.getWorkersCount(),
    ]);
    return {
      experiments: { byStatus, byOutcome },
      queue: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, completed: counts.completed ?? 0, failed: counts.failed ?? 0 },
      workers,
    };
  });
};
export default stats;
