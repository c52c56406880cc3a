// Issue 12, item 12: every command answers --help (exit 0) without starting anything, refuses an
// unknown option (exit 2, naming it), and `mutexlab --version` says the version. Real child
// processes of bin/mutexlab. REDIS_URL points at a TCP listener that counts connections: a
// command that started its service would connect to it (and hang there, waiting for a reply).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
const COMMANDS = ['run', 'replay', 'api', 'worker', 'start'];

/** A listener standing in for Redis: it accepts and never answers, and counts who came. */
async function silentRedis() {
  const sockets: Socket[] = [];
  const server = createServer((s) => { sockets.push(s); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { url: `redis://127.0.0.1:${port}`, connections: () => sockets.length, close: () => { for (const s of sockets) s.destroy(); server.close(); } };
}

interface Exit { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

function cli(args: string[], redisUrl: string, timeoutMs = 8000): Promise<Exit> & { kill: () => void } {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, REDIS_URL: redisUrl, QUEUE_PREFIX: `test-cli-${process.pid}`, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Exit>((resolve) => child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - started }); }));
  return Object.assign(done, { kill: () => child.kill('SIGKILL') });
}

test('--help and -h on every command print its usage, exit 0 and start nothing', async (t) => {
  const redis = await silentRedis();
  t.after(redis.close);
  for (const command of COMMANDS) {
    for (const flag of command === 'worker' ? ['--help', '-h'] : ['--help']) {
      const r = await cli([command, flag], redis.url);
      assert.equal(r.signal, null, `${command} ${flag} was still running after 8 s: it started something`);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: mutexlab ${command}`), `${command} ${flag}`);
      assert.equal(r.stderr, '', `${command} ${flag} logged: ${r.stderr}`);
    }
  }
  // --help wins wherever it stands, even beside options the command does not know
  const mixed = await cli(['worker', '--bogus', '--help'], redis.url);
  assert.equal(mixed.code, 0);
  assert.equal(redis.connections(), 0, 'nothing connected to REDIS_URL');
});

test('the service commands name the variables they read in their help', async (t) => {
  const redis = await silentRedis();
  t.after(redis.close);
  const api = await cli(['api', '--help'], redis.url);
  for (const v of ['REDIS_URL', 'PORT', 'API_KEYS', 'RATE_LIMIT', 'CORS_ORIGINS']) assert.match(api.stdout, new RegExp(v));
  const worker = await cli(['worker', '--help'], redis.url);
  for (const v of ['REDIS_URL', 'WORKER_CONCURRENCY']) assert.match(worker.stdout, new RegExp(v));
});

test('an unknown option or argument exits 2 naming it, before anything starts', async (t) => {
  const redis = await silentRedis();
  t.after(redis.close);
  for (const command of COMMANDS) {
    const r = await cli([command, '--frobnicate'], redis.url);
    assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`mutexlab ${command}: .*--frobnicate`), command);
    assert.equal(r.stdout, '');
  }
  const extra = await cli(['worker', 'extra'], redis.url);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /'extra'/);
  const missing = await cli(['run', '--seed'], redis.url);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--seed/);
  const top = await cli(['--frobnicate'], redis.url);
  assert.equal(top.code, 2);
  assert.match(top.stderr, /unknown option --frobnicate/);
  const none = await cli([], redis.url);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage: mutexlab/);
  assert.equal(redis.connections(), 0, 'nothing connected to REDIS_URL');
});

test('--version prints the package version and the engine version', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await cli([flag], 'redis://127.0.0.1:1');
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^mutexlab ${PACKAGE.version.replace(/\./g, '\\.')} \\(engine [\\w.-]+\\)\\n$`));
  }
});

test('worker without --help does connect to REDIS_URL (the listener above would see it)', async (t) => {
  // the counter-check of the tests above: the same listener does see a worker that starts
  const redis = await silentRedis();
  t.after(redis.close);
  const r = cli(['worker'], redis.url, 10_000);
  const deadline = Date.now() + 10_000;
  while (redis.connections() === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 25));
  assert.ok(redis.connections() > 0, 'the worker connected');
  r.kill();
  const exit = await r;
  assert.equal(exit.signal, 'SIGKILL', `it was still running, waiting for Redis (${exit.code} ${exit.stderr})`);
});
