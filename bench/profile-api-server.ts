// The API alone, for bench/profile-api.ts: started by it under `node --cpu-prof` against the
// private Redis it names in REDIS_URL. Prints `listening PORT` once it answers; on SIGTERM it
// closes and exits 0, which is when V8 writes the CPU profile.
import { pino } from 'pino';
import { readConfig } from '../src/jobs/config.js';
import { createServer } from '../src/service/server.js';

const config = readConfig({ ...process.env, LOG_LEVEL: 'silent', MAX_QUEUED: '0', PORT: '0', RATE_LIMIT: '', API_KEYS: '' });
const server = createServer(config, pino({ level: 'silent' }));
await server.listen({ port: 0, host: '127.0.0.1' });
const address = server.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
