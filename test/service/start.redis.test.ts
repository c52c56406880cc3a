// `npm start` (bin/mutexlab start): API and worker in one process, a private redis-server when
// nothing answers at REDIS_URL, a graceful exit on SIGTERM. Also: docker-compose.yml is valid.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { deleteKeys, freePort, REDIS_URL } from './helpers.js';
import { noCluster, startRedisCluster } from './redis-cluster.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));


async function startAndUse(t: import('node:test').TestContext, redisUrl: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const prefix = env.QUEUE_PREFIX ?? `test-start-${port}`;
  const child = spawn(process.execPath, ['bin/mutexlab', 'start'], {
    cwd: ROOT, env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout!.on('data', (d) => { logs += d; });
  child.stderr!.on('data', (d) => { logs += d; });
  t.after(async () => { if (child.exitCode === null) child.kill('SIGKILL'); await deleteKeys(redisUrl, prefix); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) { // up to ~40 s: start-up takes 10+ s on a loaded 2-core machine
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await fetch(`${url}/experiments?wait=10`, { method: 'POST', body: JSON.stringify({ preset: 'solaris10-crash', seed: 1 }), headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 200, logs);
  const body = await res.json() as { status: string; result: { verdict: { outcome: string } } };
  assert.equal(body.status, 'completed');
  child.kill('SIGTERM');
  await once(child, 'exit');
  assert.equal(child.exitCode, 0, logs);
  const lines = logs.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.ok(lines.filter((l) => l.req || l.res).every((l) => l.requestId), 'request lines carry the request id');
  assert.ok(lines.filter((l) => /^experiment (running|completed)$/.test(l.msg)).every((l) => l.experimentId), 'worker lines carry the experiment id');
  return { logs, body };
}

test('npm start: API and worker in one command against REDIS_URL; SIGTERM exits 0', async (t) => {
  const { body } = await startAndUse(t, REDIS_URL);
  assert.ok(['crash', 'hang'].includes(body.result.verdict.outcome));
});

test('npm start on a Redis Cluster (REDIS_CLUSTER_NODES); REDIS_URL is not used', { skip: noCluster }, async (t) => {
  const cluster = await startRedisCluster();
  t.after(() => cluster.stop());
  // REDIS_URL names a port nobody listens on: no private redis-server may start, nothing may use it
  const { body, logs } = await startAndUse(t, 'redis://127.0.0.1:1', { ...cluster.env, QUEUE_PREFIX: `{test-start-${cluster.nodes[0]!.port}}` });
  assert.equal(body.status, 'completed');
  assert.doesNotMatch(logs, /private redis-server/);
});

test('npm start with nothing at REDIS_URL starts a private redis-server and says so', { skip: (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0 && 'no redis-server') }, async (t) => {
  const redisPort = await freePort();
  const { logs } = await startAndUse(t, `redis://127.0.0.1:${redisPort}`);
  assert.match(logs, /started a private redis-server/);
  const after = spawnSync('redis-cli', ['-p', String(redisPort), 'ping']);
  assert.notEqual(String(after.stdout).trim(), 'PONG', 'the private Redis stops with mutexlab');
});

test('start exits with a message naming REDIS_URL when Redis is elsewhere and down', async () => {
  const res = spawnSync(process.execPath, ['bin/mutexlab', 'start'], { cwd: ROOT, env: { ...process.env, REDIS_URL: 'redis://192.0.2.1:6379' }, encoding: 'utf8', timeout: 15_000 });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /REDIS_URL=redis:\/\/192\.0\.2\.1:6379/);
});

test('docker-compose.yml is valid', { skip: spawnSync('sh', ['-c', 'command -v docker-compose']).status !== 0 && 'docker-compose is not installed' }, () => {
  const res = spawnSync('docker-compose', ['config', '-q'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  const services = spawnSync('docker-compose', ['config', '--services'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n').sort();
  assert.deepEqual(services, ['api', 'redis', 'worker']);
});
