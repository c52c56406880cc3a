// Issue 12, item 13: the log stays structured through a Redis outage. `mutexlab start` (API and
// worker) runs against a private redis-server that the test kills and brings back: every line on
// stdout and stderr is JSON (nothing raw from BullMQ or ioredis), each 503 is a warning without a
// stack, and the connection errors are a few warnings, not one stack per reconnect attempt.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import { freePort } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUTAGE_MS = 6000;

// AOF with fsync on every write, as docker-compose.yml runs Redis: the Redis that comes back (same
// dir) holds what the killed one had, so the log shows the outage, not a Redis that lost its data.
async function privateRedis(t: TestContext, port: number, dir = mkdtempSync(join(tmpdir(), 'mutexlab-logs-'))): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
  t.after(() => { if (redis.exitCode === null) redis.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
  Object.assign(redis, { dataDir: dir });
  for (let i = 0; i < 100; i++) {
    if (String(spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout).trim() === 'PONG') return redis;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the private redis-server did not start');
}

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const submit = (url: string) => fetch(`${url}/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'solaris10-crash' }) });

test('a Redis outage leaves a structured log: 503s are warnings without a stack, no raw text', { skip: spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0 && 'no redis-server' }, async (t) => {
  const redisPort = await freePort();
  const redis = await privateRedis(t, redisPort);
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/mutexlab', 'start'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}`, QUEUE_PREFIX: 'test-logs', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '500' },
  });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const url = `http://127.0.0.1:${port}`;
  await until('the API answers', 60_000, async () => (await fetch(`${url}/readyz`)).ok);
  assert.equal((await submit(url)).status, 202);

  redis.kill('SIGKILL');
  await once(redis, 'exit');
  const outageStart = Date.now();
  const refused: Response[] = [];
  while (Date.now() - outageStart < OUTAGE_MS) {
    refused.push(await submit(url), await fetch(`${url}/experiments`));
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(refused.length >= 10);
  for (const res of refused) {
    assert.equal(res.status, 503, await res.text());
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  }

  await privateRedis(t, redisPort, (redis as ChildProcess & { dataDir: string }).dataDir); // the same port and data: the connections find it again
  await until('the API recovers', 30_000, async () => (await fetch(`${url}/readyz`)).ok);
  await until('a POST is accepted again', 30_000, async () => (await submit(url)).status === 202);
  child.kill('SIGTERM');
  await once(child, 'exit');

  const raw = [...stdout.split('\n'), ...stderr.split('\n')].filter((l) => l.trim() !== '');
  const notJson = raw.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
  assert.deepEqual(notJson.slice(0, 5), [], `${notJson.length} lines of raw text in the log`);
  const lines = raw.map((l) => JSON.parse(l) as { level: number; msg: string; code?: string; err?: unknown; source?: string });
  const outage = lines.filter((l) => l.code === 'redis_unavailable');
  assert.ok(outage.length >= refused.length, `every 503 is logged (${outage.length} lines for ${refused.length})`);
  for (const l of outage) {
    assert.equal(l.level, 40, `a 503 is a warning: ${JSON.stringify(l)}`);
    assert.equal(l.err, undefined);
    assert.doesNotMatch(JSON.stringify(l), /\n\s+at /, 'no stack');
  }
  const connection = lines.filter((l) => l.source !== undefined);
  const bySource = new Map<string, number>();
  for (const l of connection) bySource.set(l.source!, (bySource.get(l.source!) ?? 0) + 1);
  t.diagnostic(`${lines.length} log lines; ${refused.length} requests refused; connection reports by source: ${JSON.stringify(Object.fromEntries(bySource))}`);
  assert.ok(connection.length > 0, 'the outage is reported by the connections');
  for (const [source, n] of bySource) assert.ok(n <= Math.ceil(OUTAGE_MS / 10_000) + 3, `${source}: ${n} reports in a ${OUTAGE_MS / 1000} s outage`);
  for (const l of connection) assert.equal(l.err, undefined, `a connection error is reported without its stack: ${JSON.stringify(l)}`);
  assert.deepEqual(lines.filter((l) => l.level >= 50).map((l) => l.msg), [], 'nothing at error level: an outage is expected');
});
