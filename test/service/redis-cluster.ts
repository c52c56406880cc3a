// A private Redis Cluster for the tests that must prove the service on one: three
// `redis-server --cluster-enabled yes` processes on free ports of their own (client port and
// cluster-bus port each, so nothing depends on port + 10000 being free), joined with
// `redis-cli --cluster create` into three masters of a third of the slots each, and stopped by
// pid. Never the shared Redis on 6379. A few seconds to start (redis-cli waits for the join).
import { randomBytes } from 'node:crypto';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './helpers.js';

const READY_WITHIN_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why a cluster cannot be started here, or false when it can. */
export const noCluster: string | false = ['redis-server', 'redis-cli'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0)
  ? 'redis-server or redis-cli is not installed' : false;

// whatever happens to a test, no server it started outlives the test process
const running = new Set<ChildProcess>();
process.on('exit', () => { for (const c of running) if (c.exitCode === null && c.signalCode === null) { try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ } } });

export interface RedisCluster {
  nodes: { host: string; port: number }[];
  /** The environment that points an installation at it (REDIS_CLUSTER_NODES). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `count` distinct ports nobody listens on. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function server(dir: string, port: number, busPort: number): Promise<ChildProcess> {
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
    '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    if (output.includes('Ready to accept connections')) return child;
  }
  throw new Error(`redis-server on port ${port} exited before it was ready: ${output.slice(-500)}`);
}

/** Every node reports cluster_state:ok (slots all assigned and every node agrees). */
async function untilClusterOk(ports: number[]): Promise<void> {
  const clients = ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 }));
  try {
    const deadline = Date.now() + READY_WITHIN_MS;
    for (;;) {
      const states = await Promise.all(clients.map((c) => c.cluster('INFO').then((info) => /cluster_state:ok/.test(String(info)), () => false)));
      if (states.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`the cluster on ports ${ports.join(', ')} did not reach cluster_state:ok within ${READY_WITHIN_MS} ms`);
      await sleep(50);
    }
  } finally { for (const c of clients) c.disconnect(); }
}

export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mutexlab-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(async (c) => {
      if (c.exitCode === null && c.signalCode === null) { process.kill(c.pid!, 'SIGTERM'); await once(c, 'exit'); }
      running.delete(c);
    }));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await freePorts(2 * size);
    const clientPorts = ports.slice(0, size);
    children.push(...await Promise.all(clientPorts.map((port, i) => server(dir, port, ports[size + i]!))));
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...clientPorts.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: READY_WITHIN_MS });
    await untilClusterOk(clientPorts);
    const nodes = clientPorts.map((port) => ({ host: '127.0.0.1', port }));
    return { nodes, env: { REDIS_CLUSTER_NODES: nodes.map((n) => `${n.host}:${n.port}`).join(',') }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One Redis a parametrised test runs against; env() is what testConfig needs on top, with a fresh prefix. */
export interface RedisCase { name: string; skip: string | false; env(): Promise<Record<string, string>> }

/**
 * The shared single Redis and a private 3-node cluster, for tests that must hold on both. The
 * cluster starts when a test first asks for it and is shared by the tests of the file (each
 * under its own hash-tagged prefix); the file stops it with `after(() => redises.stop())`.
 */
export function redisCases(): { cases: RedisCase[]; stop(): Promise<void> } {
  let cluster: Promise<RedisCluster> | undefined;
  return {
    cases: [
      { name: 'a single Redis', skip: false, env: async () => ({}) },
      {
        name: 'a 3-node Redis Cluster',
        skip: noCluster,
        env: async () => ({
          ...(await (cluster ??= startRedisCluster())).env,
          QUEUE_PREFIX: `{test-${randomBytes(5).toString('hex')}}`,
          // nothing answers there: a part that still used REDIS_URL would fail instead of passing on 6379
          REDIS_URL: 'redis://127.0.0.1:1',
        }),
      },
    ],
    stop: async () => { if (cluster) await (await cluster).stop(); },
  };
}

/**
 * Where the keys under `prefix` are: per node of the cluster, how many, and the slots they hash
 * to. Asked of each node alone (KEYS is fine on a private test cluster).
 */
export async function keysByNode(nodes: readonly { host: string; port: number }[], prefix: string): Promise<{ port: number; keys: string[]; slots: number[] }[]> {
  return Promise.all(nodes.map(async ({ host, port }) => {
    const node = new Redis({ host, port, maxRetriesPerRequest: 1 });
    try {
      const keys = await node.keys(`${prefix}*`);
      const slots = await Promise.all(keys.map((k) => node.cluster('KEYSLOT', k) as Promise<number>));
      return { port, keys, slots: [...new Set(slots)] };
    } finally { node.disconnect(); }
  }));
}
