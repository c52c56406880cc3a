// The OpenAPI document, generated from the routes' TypeBox schemas, and Swagger UI at /docs.
// Registered before the routes so that every route is collected.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { documentResponses } from '../../schemas/responses.js';

export const OPENAPI_INFO = {
  title: 'mutexlab',
  description: 'Run shared-memory mutex experiments on a simulated machine or with real processes, and read the verdict. '
    + 'POST /experiments answers 202 at once; poll the Location. Errors are application/problem+json (RFC 9457).',
  version: '0.1.0',
};

export default fp(async (app) => {
  app.addHook('onRoute', documentResponses); // every status an operation can return, with its media type
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'one of API_KEYS, when the server sets any' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'experiments', description: 'submit, follow, list, cancel experiments' },
        { name: 'reference', description: 'presets and limits' },
        { name: 'operations', description: 'health and statistics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { tryItOutEnabled: true }, uiHooks: {} });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}, { name: 'swagger' });
