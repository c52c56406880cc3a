// /limits: every limit a spec can meet, its default and its maximum (read from the one table).
import type { FastifyPluginAsync } from 'fastify';
import { LIMITS } from '../../engine/limits.js';
import { LimitsResponseSchema } from '../schemas/meta.js';

const limits: FastifyPluginAsync = async (app) => {
  app.get('', {
    schema: { tags: ['reference'], summary: 'Limits with their defaults and maximums', response: { 200: LimitsResponseSchema } },
  }, async () => LIMITS);
};
export default limits;
