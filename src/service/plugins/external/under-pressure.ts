// Load shedding through @fastify/under-pressure: while the event loop lags more than
// MAX_EVENT_LOOP_DELAY_MS, or the heap holds more than MAX_HEAP_USED_MB, requests answer
// 503 problem+json (`overloaded`, Retry-After) before any work is done for them, and /readyz says
// not ready, so a load balancer sends its traffic elsewhere. Liveness and metrics keep answering:
// they are how an operator sees the pressure (mutexlab_nodejs_eventloop_lag_seconds, heap).
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { Problem } from '../../errors.js';

/** Answered even under pressure (readyz reports the pressure itself, see routes/health.ts). */
const NEVER_SHED = new Set(['/healthz', '/readyz', '/metrics']);
const RETRY_AFTER_S = 5;

export const pressureDetail = (type: string, value: number | undefined): string =>
  type === 'heapUsedBytes' ? `the heap holds ${Math.round((value ?? 0) / 2 ** 20)} MB (MAX_HEAP_USED_MB)`
    : type === 'eventLoopDelay' ? `the event loop lags ${Math.round(value ?? 0)} ms (MAX_EVENT_LOOP_DELAY_MS)`
      : `the server is under pressure (${type})`;

export default fp(async (app) => {
  const { maxEventLoopDelayMs, maxHeapUsedMb } = app.config;
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs, // 0: not checked
    maxHeapUsedBytes: maxHeapUsedMb * 2 ** 20,
    retryAfter: RETRY_AFTER_S,
    pressureHandler: (request, _reply, type, value) => {
      if (NEVER_SHED.has(request.routeOptions.url ?? '')) return undefined; // carry on
      // a rejected promise reaches the error handler: the one problem+json writer
      return Promise.reject(new Problem('overloaded', `${pressureDetail(type, value)}; try again shortly`, { retryAfter: RETRY_AFTER_S }));
    },
  });
}, { name: 'under-pressure' });
