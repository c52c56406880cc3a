// The HTTP application as a fastify plugin: it never listens (server.ts does), so tests drive it
// with inject. Order matters: allowed-methods, compress and swagger before the routes they
// follow (each watches routes being added); rate limits before auth, so that wrong keys are
// counted too (the limiter is a route-level onRequest hook, auth a preParsing one).
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../jobs/config.js';
import { installErrorHandlers } from './errors.js';
import { typeBoxValidator } from './routes/validation.js';
import experimentsService from './plugins/app/experiments.js';
import allowedMethods from './plugins/app/allowed-methods.js';
import auth from './plugins/app/auth.js';
import compress from './plugins/external/compress.js';
import cors from './plugins/external/cors.js';
import rateLimit from './plugins/external/rate-limit.js';
import underPressure from './plugins/external/under-pressure.js';
import redis from './plugins/external/redis.js';
import swagger from './plugins/external/swagger.js';
import experimentRoutes from './routes/experiments/experiment.js';
import experimentsRoutes from './routes/experiments/index.js';
import traceRoutes from './routes/experiments/trace.js';
import health from './routes/health.js';
import limits from './routes/limits.js';
import presets from './routes/presets.js';
import stats from './routes/stats.js';
import './types.js';
// pictures, live events, metrics, dashboard
import allEvents from './routes/events.js';
import experimentEvents from './routes/experiments/events.js';
import timeline from './routes/experiments/timeline.js';
import metrics from './routes/metrics.js';
import dashboard from './routes/dashboard.js';

export interface AppOptions { config: Config }

/** Routes, one file per concern; the prefix is the URL folder. Add new ones here. */
export const ROUTES: { plugin: FastifyPluginAsync; prefix: string }[] = [
  { plugin: health, prefix: '' },
  { plugin: experimentsRoutes, prefix: '/experiments' },
  { plugin: experimentRoutes, prefix: '/experiments' },
  { plugin: traceRoutes, prefix: '/experiments' },
  { plugin: presets, prefix: '/presets' },
  { plugin: limits, prefix: '/limits' },
  { plugin: stats, prefix: '/stats' },
  { plugin: experimentEvents, prefix: '/experiments' },
  { plugin: timeline, prefix: '/experiments' },
  { plugin: allEvents, prefix: '/events' },
  { plugin: metrics, prefix: '/metrics' },
  { plugin: dashboard, prefix: '' },
];

const app: FastifyPluginAsync<AppOptions> = async (fastify, { config }) => {
  fastify.decorate('config', config);
  // Responses go through fastify's schema serializer (fast-json-stringify, compiled from each
  // route's response schemas): faster than JSON.stringify, and nothing leaves that the contract
  // does not name. Schemas that carry open objects say additionalProperties: true on purpose.
  fastify.setValidatorCompiler(typeBoxValidator);
  // JSON bodies only (see errors.ts, unsupported_media_type): fastify also parses text/plain
  fastify.removeContentTypeParser('text/plain');
  installErrorHandlers(fastify);
  await fastify.register(redis);
  await fastify.register(underPressure);
  await fastify.register(allowedMethods);
  await fastify.register(compress);
  await fastify.register(cors);
  await fastify.register(swagger);
  await fastify.register(rateLimit);
  await fastify.register(auth);
  await fastify.register(experimentsService);
  for (const { plugin, prefix } of ROUTES) await fastify.register(plugin, { prefix });
};

export default app;
