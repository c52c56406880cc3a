// The only place the API listens. createServer builds the fastify instance (logger, request
// ids) around app.ts; listen() starts it; closing is left to the caller's signal handling.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import app from './app.js';
import type { Config } from '../jobs/config.js';
import { frameworkProblem } from './errors.js';

export function createServer(config: Config, logger: Logger): FastifyInstance {
  const server = Fastify({
    loggerInstance: logger,
    requestIdHeader: 'x-request-id',
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkProblem,
  });
  // a callback hook, not an async one: it runs for every response, and an async hook costs a
  // promise and a microtask turn each time for one header
  server.addHook('onSend', (request, reply, payload, done) => { reply.header('x-request-id', request.id); done(null, payload); });
  server.register(app, { config });
  return server as unknown as FastifyInstance;
}

export async function listen(server: FastifyInstance, config: Config): Promise<string> {
  return server.listen({ port: config.port, host: config.host });
}
