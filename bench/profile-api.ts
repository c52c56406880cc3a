// bench:profile-api: where the API's CPU goes under POST load, for whoever next tries to bring
// POST /experiments closer to a do-nothing route (bench:api part 1).
//   1. a private redis-server on a free port (the load queues tens of thousands of experiments,
//      no worker runs them, and the shared Redis must not fill up)
//   2. the API alone in a child process under `node --cpu-prof` (bench/profile-api-server.ts),
//      so the profile holds the API's main thread and nothing of the load generator
//   3. autocannon from this process: PROFILE_WARMUP seconds (2) not counted, then PROFILE_SECONDS
//      (10) at PROFILE_CONNECTIONS (50) of the same tiny POST as bench:api
//   4. SIGTERM to the API, which writes its profile; the summary (cpuprofile-summary.ts) says
//      where the busy time went per POST; the file opens in Chrome DevTools (Performance tab)
// Run: npm run bench:profile-api
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { formatSummary, summarise, type CpuProfile } from './cpuprofile-summary.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const WARMUP = env('PROFILE_WARMUP', 2);
const SECONDS = env('PROFILE_SECONDS', 10);
const CONNECTIONS = env('PROFILE_CONNECTIONS', 50);
const TINY = { mutexType: 'USYNC_PROCESS', processCount: 1, key: '0x1234', iterations: 1, tools: { watchpoint: false, core: false, pmap: false } };
const out = (line: string) => process.stdout.write(line + '\n');

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Waits until a redis-server answers PING on this port (it takes a moment to start). */
async function redisAnswers(port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      await probe.quit();
      return;
    } catch (err) {
      probe.disconnect();
      if (attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await once(child, 'exit');
}

const dir = mkdtempSync(join(tmpdir(), 'mutexlab-profile-'));
const redisPort = await freePort();
const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
let api: ChildProcess | undefined;
// whatever happens, neither child outlives this process
process.on('exit', () => { for (const c of [redis, api]) if (c && c.exitCode === null) c.kill('SIGKILL'); });
try {
  await redisAnswers(redisPort);

  const server = fileURLToPath(new URL('./profile-api-server.js', import.meta.url));
  api = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, server], {
    env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, QUEUE_PREFIX: '{profile}' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    api!.stdout!.on('data', (chunk: Buffer) => { const m = /listening (\d+)/.exec(chunk.toString()); if (m) resolve(Number(m[1])); });
    api!.once('exit', (code) => reject(new Error(`the API exited (${code}) before it listened`)));
  });
  const load = (seconds: number) => autocannon({
    url: `http://127.0.0.1:${port}/experiments`, method: 'POST', connections: CONNECTIONS, duration: seconds,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(TINY),
  });
  const warm = await load(WARMUP);
  const run = await load(SECONDS);
  const ops = warm.requests.total + run.requests.total;
  await stop(api, 'SIGTERM');
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${dir}`);
  const summary = summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  out(`bench:profile-api  node ${process.version}  ${CONNECTIONS} connections  warm-up ${WARMUP} s + ${SECONDS} s`);
  out(`POST /experiments ${Math.round(run.requests.average)}/s (non-2xx ${run.non2xx}); the profile covers warm-up and load: ${ops} POSTs in all`);
  for (const line of formatSummary(summary, 25, ops)) out(line);
  out(`profile: ${join(dir, file)}`);
} finally {
  if (api) await stop(api, 'SIGKILL');
  await stop(redis, 'SIGTERM');
}
