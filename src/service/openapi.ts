// The OpenAPI document as the server serves it, for `npm run openapi` (writes
// openapi/openapi.json) and the drift test. Built without listening; Redis need not be up.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { readConfig } from '../jobs/config.js';
import { paths } from '../runner/paths.js';
import { createServer } from './server.js';

export const OPENAPI_FILE = paths.openapi;

export async function generateOpenApi(): Promise<unknown> {
  // the document does not depend on the environment: auth and rate limits are hooks, not routes
  const server = createServer(readConfig({ QUEUE_PREFIX: 'openapi', LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
  await server.ready();
  const res = await server.inject({ url: '/openapi.json' });
  await server.close();
  return res.json();
}

export const formatOpenApi = (doc: unknown) => JSON.stringify(doc, null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, formatOpenApi(await generateOpenApi()));
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
