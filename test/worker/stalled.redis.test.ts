// Acceptance 3: a worker SIGKILLed during an experiment does not lose it. With short lock
// settings, a second worker recovers the stalled job, finishes it, and exactly one result is
// stored (one `completed` event, results = 1, attempts = 2).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { build, finished, poll, post, testConfig } from '../service/helpers.js';
import { SLOW_ASYNC } from './fixtures/misbehaving-runner.js';
import { MAX_STALLS } from '../../src/worker/worker.js';

const WORKER = fileURLToPath(new URL('./fixtures/worker-process.js', import.meta.url));

test('a SIGKILLed worker: another worker finishes the experiment, once', async (t) => {
  const env = { WORKER_LOCK_MS: '1000', WORKER_STALLED_MS: '500', WORKER_CONCURRENCY: '1' };
  const config = testConfig(env);
  const app = await build(t, config);
  const children: ChildProcess[] = [];
  t.after(() => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); });
  const startWorker = () => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, MUTEXLAB_RUNNER: config.runner!, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return child;
  };

  const t0 = Date.now(); const lap = (m: string) => process.env.TEST_TIMING && process.stderr.write(`${m} ${Date.now() - t0}\n`);
  const first = startWorker();
  const { id } = (await post(app, { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', seed: SLOW_ASYNC, iterations: 1500 })).json();
  await poll(app, id, (r) => r.status === 'running', 15_000);
  lap("running"); first.kill("SIGKILL");
  await once(first, 'exit');

  lap('killed'); const second = startWorker();
  let logs = '';
  second.stdout!.on('data', (d) => { logs += d; });
  const { record } = await poll(app, id, finished, 20_000); lap('finished');
  assert.equal(record.status, 'completed');
  assert.equal(record.attempts, 2, 'started twice: once by the killed worker, once by the one that finished');
  assert.equal(record.result.verdict.outcome, 'ok');

  const redis = new Redis(config.redisUrl);
  t.after(() => redis.disconnect());
  assert.equal(await redis.hget(`${config.prefix}:x:${id}`, 'results'), '1', 'exactly one result stored');
  const events = await redis.xrange(`${config.prefix}:x:${id}:events`, '-', '+');
  assert.equal(events.filter(([, f]) => f[1] === 'completed').length, 1);
  assert.ok(logs.split('\n').filter((l) => l.includes('"msg":"experiment completed"')).every((l) => JSON.parse(l).experimentId === id), 'worker lines carry the experiment id');
  second.kill('SIGTERM');
  await once(second, 'exit'); lap('closed');
  assert.equal(second.exitCode, 0, 'a SIGTERM closes the worker gracefully');
});

// Issue 12 item 1: a job that stalls more often than MAX_STALLS is failed by BullMQ as an
// UnrecoverableError on the next worker, before any processor runs. Its record must end as
// failed/worker_lost with a finishing event, not stay `running` until RESULT_TTL.
test('an experiment whose workers keep dying ends as failed with worker_lost, once', async (t) => {
  const env = { WORKER_LOCK_MS: '1000', WORKER_STALLED_MS: '500', WORKER_CONCURRENCY: '1' };
  const config = testConfig(env);
  const app = await build(t, config);
  const children: ChildProcess[] = [];
  t.after(() => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
  const startWorker = () => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, MUTEXLAB_RUNNER: config.runner!, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };
  // long enough that every worker dies mid-run
  const { id } = (await post(app, { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', seed: SLOW_ASYNC, iterations: 60_000, limits: { timeoutMs: 120_000 } })).json();
  for (let run = 1; run <= MAX_STALLS + 1; run++) {
    const w = startWorker();
    await poll(app, id, (r) => r.status === 'running' && r.attempts === run, 30_000);
    w.kill('SIGKILL');
    await once(w, 'exit');
  }
  startWorker(); // the healthy worker that meets the job after its last stall
  const { record } = await poll(app, id, finished, 30_000);
  assert.equal(record.status, 'failed');
  assert.equal(record.error.code, 'worker_lost');
  assert.equal(record.attempts, MAX_STALLS + 1, 'never run a fourth time');
  const redis = new Redis(config.redisUrl);
  t.after(() => redis.disconnect());
  const events = await redis.xrange(`${config.prefix}:x:${id}:events`, '-', '+');
  assert.equal(events.filter(([, f]) => f[1] === 'failed').length, 1, 'one finishing event');
});
