// `mutexlab start` (npm start): the API and one worker in one process. When nothing answers at
// REDIS_URL and it points at this machine, a private redis-server is started for the session
// (if one is on the PATH); otherwise it says how to get Redis and exits. A Redis Cluster
// (REDIS_CLUSTER_NODES) is never started here: it must answer, or `start` exits.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import type { Config } from '../jobs/config.js';
import { redisWhere } from '../jobs/redis.js';
import { createLogger } from '../service/logger.js';
import { commandArgs } from './args.js';
import { configOrExit, serve, serviceHelp } from './serve.js';

export const START_HELP = serviceHelp('start', 'Runs the API and one worker in one process (npm start). When nothing answers at REDIS_URL\n'
  + 'and it points at this machine, a private redis-server runs for the session (its data goes when it stops).',
  ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'QUEUE_PREFIX', 'PORT', 'HOST', 'API_KEYS', 'RATE_LIMIT', 'CORS_ORIGINS', 'WORKER_CONCURRENCY', 'LOG_LEVEL']);

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  try { await probe.connect(); await probe.ping(); return true; } catch { return false; } finally { probe.disconnect(); }
}

/** The cluster answers: its slot map was read from a seed node and a node answers PING. */
async function clusterAnswers(config: Config): Promise<boolean> {
  const probe = new Cluster(config.redisClusterNodes, { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: { connectTimeout: 1000, maxRetriesPerRequest: 0 } });
  probe.on('error', () => {});
  try { await probe.connect(); await probe.ping(); return true; } catch { return false; } finally { probe.disconnect(); }
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export async function startCommand(args: string[]): Promise<number> {
  const parsed = commandArgs('start', args, START_HELP, {});
  if (typeof parsed === 'number') return parsed;
  const config = configOrExit();
  if (typeof config === 'number') return config;
  const logger = createLogger(config, 'start');
  let privateRedis: ChildProcess | undefined;
  let dataDir: string | undefined;
  if (config.redisClusterNodes.length > 0) {
    if (!(await clusterAnswers(config))) {
      process.stderr.write(`mutexlab: no Redis Cluster answers at ${redisWhere(config)}.\n`);
      return 1;
    }
  } else if (!(await answers(config.redisUrl))) {
    const url = new URL(config.redisUrl);
    const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);
    if (!local || !onPath('redis-server')) {
      process.stderr.write(`mutexlab: no Redis answers at REDIS_URL=${config.redisUrl}.\n`
        + 'Start one (e.g. `redis-server --appendonly yes`, `apt-get install redis-server`, or `docker compose up redis`)\n'
        + 'or set REDIS_URL to a Redis that is running.\n');
      return 1;
    }
    dataDir = mkdtempSync(join(tmpdir(), 'mutexlab-redis-'));
    const port = url.port || '6379';
    privateRedis = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    logger.warn({ port, dir: dataDir }, `nothing answered at ${config.redisUrl}: started a private redis-server for this session (its data goes when mutexlab stops)`);
    for (let i = 0; i < 50 && !(await answers(config.redisUrl)); i++) await new Promise((r) => setTimeout(r, 100));
  }
  const stopRedis = async () => {
    if (!privateRedis) return;
    privateRedis.kill('SIGTERM');
    await new Promise((r) => privateRedis!.once('exit', r));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return serve(config, { api: true, worker: true }, logger, stopRedis);
}
