// Group commit (src/jobs/admission.ts) and group jobs (src/worker/group.ts), against
// the real Redis: experiments submitted together share one BullMQ job, and each still ends
// exactly as it would alone: its own result, engine errors, timeouts and crashes contained to
// the member that had them, cancels honoured, MAX_QUEUED applied per experiment, and a group
// whose worker is killed or shut down finishes elsewhere with one result per experiment.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { build, finished, poll, post, queueOf, testConfig, worker } from '../service/helpers.js';
import { EXITS, RUNAWAY, SLOW_ASYNC, THROWS } from './fixtures/misbehaving-runner.js';

const WORKER = fileURLToPath(new URL('./fixtures/worker-process.js', import.meta.url));
const spec = (seed: number, extra: object = {}) => ({ mutexType: 'USYNC_PROCESS', processCount: 1, key: '0x1234', iterations: 3, seed, ...extra });

/** POSTs all bodies in the same turn of the event loop, so they reach the same flush. */
async function postTogether(app: FastifyInstance, bodies: object[]): Promise<string[]> {
  const replies = await Promise.all(bodies.map((b) => post(app, b)));
  for (const r of replies) assert.equal(r.statusCode, 202, r.body);
  return replies.map((r) => r.json().id as string);
}

async function waitingJobs(queue: Awaited<ReturnType<typeof queueOf>>) {
  const jobs = await queue.getJobs(['waiting']);
  return jobs.map((j) => j.data as { id?: string; ids?: string[] });
}

test('experiments submitted together share one job; each gets its own result, once', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const queue = await queueOf(t, config);
  const seeds = Array.from({ length: 20 }, (_, i) => 100 + i);
  const ids = await postTogether(app, seeds.map((s) => spec(s)));

  const jobs = await waitingJobs(queue);
  const grouped = jobs.flatMap((j) => j.ids ?? []);
  assert.ok(jobs.length < ids.length, `20 experiments in ${jobs.length} jobs`);
  assert.ok(jobs.some((j) => (j.ids?.length ?? 0) >= 2), 'at least one job carries a group');
  assert.deepEqual([...grouped, ...jobs.flatMap((j) => (j.id ? [j.id] : []))].sort(), [...ids].sort(), 'every experiment is in exactly one job');

  await worker(t, config);
  const redis = new Redis(config.redisUrl);
  t.after(() => redis.disconnect());
  for (const [i, id] of ids.entries()) {
    const { record } = await poll(app, id, finished);
    assert.equal(record.status, 'completed');
    assert.equal(record.spec.seed, seeds[i], 'the result is this experiment\'s, not a neighbour\'s');
    assert.equal(record.result.spec.seed, seeds[i]);
    assert.ok(record.startedAt && record.finishedAt && record.startedAt >= record.queuedAt);
    assert.equal(await redis.hget(`${config.prefix}:x:${id}`, 'results'), '1');
    const trace = await app.inject({ url: `/experiments/${id}/trace` });
    assert.equal(trace.body.trim().split('\n').length, 3, 'its own trace of 3 events');
  }
  // COMPLETE_MANY sums the /metrics counters of a window before writing them: still one per experiment
  const metrics = (await app.inject({ url: '/metrics' })).body.split('\n');
  const sample = (prefix: string) => metrics.filter((l) => l.startsWith(prefix)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  assert.equal(sample('mutexlab_experiments_total{status="completed",outcome="ok"'), 20);
  assert.equal(sample('mutexlab_experiment_duration_seconds_count{engine="sim"}'), 20);
  assert.equal(sample('mutexlab_queue_depth'), 0);
});

test('a burst is spread over group jobs of at most 64 experiments and 20000 lock cycles; big ones go alone', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const queue = await queueOf(t, config);
  const tiny = await postTogether(app, Array.from({ length: 70 }, (_, i) => spec(300 + i))); // 3 cycles each
  const medium = await postTogether(app, Array.from({ length: 12 }, (_, i) => spec(400 + i, { processCount: 2, iterations: 1000 }))); // 2000 each
  const big = await postTogether(app, [spec(500, { processCount: 2, iterations: 1001 })]); // 2002: alone
  const jobs = await waitingJobs(queue);
  const groups = jobs.filter((j) => j.ids).map((j) => j.ids!);
  const inGroups = (ids: string[]) => groups.filter((g) => g.some((id) => ids.includes(id)));
  assert.ok(inGroups(tiny).length >= 2 && inGroups(tiny).every((g) => g.length <= 64), `tiny: ${inGroups(tiny).map((g) => g.length)}`);
  assert.ok(inGroups(medium).length >= 2 && inGroups(medium).every((g) => g.length <= 10), `medium: ${inGroups(medium).map((g) => g.length)}`);
  assert.ok(jobs.some((j) => j.id === big[0]), 'a simulation over 2000 cycles has a job of its own');
  assert.equal(jobs.reduce((n, j) => n + (j.ids?.length ?? 1), 0), 83, 'every experiment in exactly one job');
});

test('a group contains its misbehaving members: error, timeout and crash end only their own experiment', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const queue = await queueOf(t, config);
  const bodies = [spec(11), spec(THROWS), spec(12), spec(RUNAWAY, { limits: { timeoutMs: 300 } }), spec(13), spec(EXITS), spec(14)];
  const ids = await postTogether(app, bodies);
  assert.ok((await waitingJobs(queue)).some((j) => (j.ids?.length ?? 0) === bodies.length), 'all seven in one group job');

  await worker(t, config);
  const records = [];
  for (const id of ids) records.push((await poll(app, id, finished, 20_000)).record);
  const ending = records.map((r) => r.status === 'completed' ? r.result.verdict.outcome : `${r.status}:${r.error?.code}`);
  assert.deepEqual(ending, ['ok', 'failed:engine_error', 'ok', 'limit_exceeded', 'ok', 'failed:engine_crashed', 'ok']);
});

test('a member cancelled while queued is never run; MAX_QUEUED refuses per experiment within one flush', async (t) => {
  const config = testConfig({ MAX_QUEUED: '4' });
  const app = await build(t, config);
  const replies = await Promise.all(Array.from({ length: 7 }, (_, i) => post(app, spec(200 + i))));
  const accepted = replies.filter((r) => r.statusCode === 202).map((r) => r.json().id as string);
  const refused = replies.filter((r) => r.statusCode === 503);
  assert.equal(accepted.length, 4, 'MAX_QUEUED=4 admits four of seven submitted together');
  assert.equal(refused.length, 3);
  assert.equal(refused[0]!.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.ok(refused[0]!.headers['retry-after']);

  const victim = accepted[1]!;
  assert.equal((await app.inject({ method: 'DELETE', url: `/experiments/${victim}` })).statusCode, 202);
  await worker(t, config);
  for (const id of accepted) {
    const { record } = await poll(app, id, finished);
    if (id === victim) {
      assert.equal(record.status, 'cancelled');
      assert.equal(record.result, null);
      assert.equal(record.attempts, 0, 'never started');
    } else {
      assert.equal(record.status, 'completed');
    }
  }
});

test('MAX_QUEUED: the jobs of refused experiments are taken back; a flush leaves only jobs that carry an admitted one', async (t) => {
  const config = testConfig({ MAX_QUEUED: '3' });
  const app = await build(t, config);
  const queue = await queueOf(t, config);
  // more lock cycles than a group takes (GROUPABLE_CYCLES): a job each, sent with the records
  const big = (seed: number) => spec(seed, { iterations: 5000 });
  const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => post(app, big(300 + i))));
  const accepted = replies.filter((r) => r.statusCode === 202).map((r) => r.json().id as string);
  assert.equal(accepted.length, 3, replies.map((r) => r.statusCode).join(','));
  const waiting = await waitingJobs(queue);
  assert.deepEqual(waiting.map((j) => j.id).sort(), [...accepted].sort(), 'one job per admitted experiment, none for the refused');
});

function spawnWorker(env: Record<string, string>, children: ChildProcess[]): ChildProcess {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

test('a group whose worker is SIGKILLed or shut down mid-way finishes on another worker, one result each', async (t) => {
  const lock = { WORKER_LOCK_MS: '1000', WORKER_STALLED_MS: '500', WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '100' };
  const config = testConfig(lock);
  const app = await build(t, config);
  const env = { ...lock, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, MUTEXLAB_RUNNER: config.runner! };
  const children: ChildProcess[] = [];
  t.after(() => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); });
  const redis = new Redis(config.redisUrl);
  t.after(() => redis.disconnect());
  const statuses = async (ids: string[]) => Promise.all(ids.map((id) => redis.hget(`${config.prefix}:x:${id}`, 'status')));

  // 80 members of ~40 ms each (iterations = ms for SLOW_ASYNC): three windows, over three seconds
  const ids = await postTogether(app, Array.from({ length: 80 }, () => spec(SLOW_ASYNC, { iterations: 40 })));

  // 1. SIGKILL while the first window runs: its members are left "running" until the stalled job is recovered
  const first = spawnWorker(env, children);
  await poll(app, ids[0]!, (r) => r.status === 'running', 15_000);
  first.kill('SIGKILL');
  await once(first, 'exit');
  assert.ok((await statuses(ids)).includes('queued'), 'later windows were never started');

  // 2. a second worker recovers the job; SIGTERM it mid-way: it hands the group back
  const second = spawnWorker(env, children);
  await poll(app, ids[40]!, (r) => r.status === 'running' || finished(r), 20_000);
  second.kill('SIGTERM');
  await once(second, 'exit');
  assert.equal(second.exitCode, 0, 'a graceful close');
  const afterShutdown = await statuses(ids);
  assert.ok(!afterShutdown.includes('running'), `nothing left marked running: ${afterShutdown.join(',')}`);

  // 3. a third worker finishes whatever is left
  spawnWorker(env, children);
  for (const id of ids) {
    const { record } = await poll(app, id, finished, 30_000);
    assert.equal(record.status, 'completed');
    assert.equal(await redis.hget(`${config.prefix}:x:${id}`, 'results'), '1', `exactly one result for ${id}`);
  }
  const restarted = (await Promise.all(ids.map((id) => redis.hget(`${config.prefix}:x:${id}`, 'attempts')))).filter((a) => Number(a) > 1);
  assert.ok(restarted.length >= 1, 'the killed window\'s members were started again');
});
