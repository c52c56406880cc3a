// bench:api, all against the same Redis (REDIS_URL, default 127.0.0.1:6379)
// under a throw-away key prefix:
//   1. POST /experiments rate (autocannon, in a worker thread) beside raw queue.add from one
//      process at the same number of requests in flight (information)
//      Also measured, as the ceiling any HTTP front has on this machine: a fastify route that
//      answers 202 and does nothing else (no plugins), driven the same way:
//      POST / that route                                               target ratio >= 0.5
//      POSTs in flight together are admitted by group commit (src/jobs/admission.ts): the line says how many
//      BullMQ jobs carried how many experiments.
//   2. completed tiny experiments/s (real engine, sandboxed) beside BullMQ no-op jobs/s at the
//      same worker concurrency                                         target ratio >= 0.5
//      Both rates run from the first completion to the last, so neither counts its start-up
//      (connections; for the experiment worker also its warm engine threads). Measured twice:
//      submitted in bursts of 100 concurrent POSTs (they share group jobs) and one POST at a
//      time (a job each, the path of anything submitted alone).
//   Every rate is followed by its CPU cost per operation: this process (API or client, worker,
//   and autocannon's thread, whichever ran) and Redis (INFO cpu), so the ratios can be read
//   against what each side spent on a machine whose cores they share.
//   3. p50 / p99 from POST to verdict for the solaris10-crash preset (POST ?wait=10, one at a
//      time, over HTTP)                                                target p50 <= 20 ms
//      ?wait is answered when the worker's `completed` event arrives over Redis pub/sub: no
//      polling. The medians of the record's own timestamps split it into POST -> started,
//      started -> finished (engine, trace, store) and finished -> answer.
// Environment: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (50), BENCH_JOBS (20000; short runs
// measure V8's JIT warm-up more than the steady state), BENCH_ALONE_JOBS (4000),
// BENCH_LATENCY_SAMPLES (200), WORKER_CONCURRENCY (2), BENCH_PARTS (default 1,2,3), BENCH_ROUNDS
// (3: on a 2-core machine the baselines alone move by a third from run to run, so parts 1 and 2
// measure both sides of each ratio ROUNDS times, alternating, and report every round and the
// median ratio).
// Run: npm run bench:api (builds first); BENCH_PARTS=2 node dist/bench/api.js for one part.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { readConfig } from '../src/jobs/config.js';
import { openQueue } from '../src/jobs/queue.js';
import { createServer } from '../src/service/server.js';
import { startWorker } from '../src/worker/worker.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = env('BENCH_SECONDS', 5);
const CONNECTIONS = env('BENCH_CONNECTIONS', 50);
const JOBS = env('BENCH_JOBS', 20000);
/** One POST at a time is slow to queue; its rate settles on fewer. */
const ALONE_JOBS = Math.min(JOBS, env('BENCH_ALONE_JOBS', 4000));
const SAMPLES = env('BENCH_LATENCY_SAMPLES', 200);
/** Each pair of part 1 and 2 is measured this many times, alternating; the ratio reported is the median. */
const ROUNDS = env('BENCH_ROUNDS', 3);
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(',').map((p) => p.trim()));
const prefix = `bench-${randomBytes(4).toString('hex')}`;
const config = readConfig({ ...process.env, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent', MAX_QUEUED: '0', PORT: '0', RATE_LIMIT: '', API_KEYS: '' });
const silent = pino({ level: 'silent' });
const TINY = { mutexType: 'USYNC_PROCESS', processCount: 1, key: '0x1234', iterations: 1, tools: { watchpoint: false, core: false, pmap: false } };
const out = (line: string) => process.stdout.write(line + '\n');

/** CPU spent between start() and per(ops): this process (all its threads) and Redis, in us per op. */
async function cpuMeter(redis: Redis) {
  const redisCpu = async () => {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  };
  const node0 = process.cpuUsage();
  const redis0 = await redisCpu();
  return {
    async per(ops: number): Promise<string> {
      const node = process.cpuUsage(node0);
      const redisSeconds = (await redisCpu()) - redis0;
      const us = (seconds: number) => ((seconds * 1e6) / ops).toFixed(0);
      return `CPU per op: this process ${us((node.user + node.system) / 1e6)} us, Redis ${us(redisSeconds)} us`;
    },
  };
}

async function cleanup(redis: Redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Raw queue.add from one process, CONNECTIONS adds in flight, for SECONDS. */
async function rawAddRate(redis: Redis): Promise<{ rate: number; cpu: string }> {
  const queue = new Queue('raw-add', { connection: redis, prefix });
  let added = 0;
  const meter = await cpuMeter(redis);
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < deadline) { await queue.add('run', { id: randomBytes(8).toString('hex') }); added++; }
  }));
  const rate = added / ((performance.now() - started) / 1000);
  const cpu = await meter.per(added);
  await queue.obliterate({ force: true });
  await queue.close();
  return { rate, cpu };
}

/** The same load against a fastify route that only answers 202: what HTTP alone costs here. */
async function bareHttpRate(redis: Redis): Promise<{ rate: number; cpu: string }> {
  const bare = Fastify({ logger: false });
  bare.post('/experiments', async (_request, reply) => reply.code(202).send({ id: 'x', status: 'queued' }));
  const url = await bare.listen({ port: 0, host: '127.0.0.1' });
  const { rate, cpu } = await postRate(url, redis);
  await bare.close();
  return { rate, cpu };
}

async function postRate(url: string, redis: Redis, seconds = SECONDS): Promise<{ rate: number; non2xx: number; total: number; cpu: string }> {
  const meter = await cpuMeter(redis);
  const result = await autocannon({
    url: `${url}/experiments`, method: 'POST', connections: CONNECTIONS, duration: seconds, workers: 1,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(TINY),
  });
  const total = result.requests.total;
  return { rate: total / (result.duration), non2xx: result.non2xx + result.errors, total, cpu: await meter.per(total) };
}

async function noopRate(redis: Redis, concurrency: number): Promise<{ rate: number; cpu: string }> {
  const queue = new Queue('noop', { connection: redis, prefix });
  await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: true } })));
  let done = 0;
  let first = 0;
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const meter = await cpuMeter(redis);
  const worker = new Worker('noop', async () => {}, { connection, prefix, concurrency });
  await new Promise<void>((resolve) => {
    worker.on('completed', () => {
      if (++done === 1) first = performance.now();
      if (done === JOBS) resolve();
    });
  });
  const rate = (JOBS - 1) / ((performance.now() - first) / 1000);
  const cpu = await meter.per(JOBS);
  await worker.close();
  connection.disconnect(); // a connection handed to a Worker is the caller's to close
  await queue.obliterate({ force: true });
  await queue.close();
  return { rate, cpu };
}

/**
 * Queues JOBS tiny experiments through the service code the API uses (POSTs `burst` at a time,
 * so a burst shares group jobs), then times the worker from its first completion to its last.
 */
async function experimentRate(redis: Redis, burst: number, count: number): Promise<{ rate: number; cpu: string; jobs: number }> {
  const server = createServer({ ...config, port: 0 }, silent);
  await server.ready();
  const ids: string[] = [];
  for (let i = 0; i < count; i += burst) {
    const batch = await Promise.all(Array.from({ length: Math.min(burst, count - i) }, () =>
      server.inject({ method: 'POST', url: '/experiments', payload: TINY })));
    ids.push(...batch.map((r) => r.json().id as string));
  }
  const jobs = (await openQueue(redis, prefix).getJobCounts('waiting')).waiting ?? 0;
  const sub = redis.duplicate();
  let done = 0;
  let first = 0;
  const allDone = new Promise<void>((resolve) => {
    sub.on('message', (_c: string, m: string) => {
      const message = JSON.parse(m) as { event?: string; batch?: { event: string }[] };
      for (const e of message.batch ?? [message]) {
        if (e.event !== 'completed') continue;
        if (++done === 1) first = performance.now();
        if (done === ids.length) resolve();
      }
    });
  });
  await sub.subscribe(`${prefix}:events`);
  const meter = await cpuMeter(redis);
  const worker = await startWorker(config, silent);
  await allDone;
  const rate = (ids.length - 1) / ((performance.now() - first) / 1000);
  const cpu = await meter.per(ids.length);
  await worker.close();
  await server.close();
  sub.disconnect();
  await openQueue(redis, prefix).obliterate({ force: true });
  await cleanup(redis);
  return { rate, cpu, jobs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Stages { toStart: number[]; run: number[]; toAnswer: number[] }

async function latency(url: string): Promise<{ p50: number; p99: number; outcomes: Set<string>; stages: Stages }> {
  const samples: number[] = [];
  const outcomes = new Set<string>();
  const stages: Stages = { toStart: [], run: [], toAnswer: [] };
  for (let i = 0; i < SAMPLES + 10; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/experiments?wait=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'solaris10-crash' }) });
    const body = await res.json() as { result?: { verdict: { outcome: string } }; queuedAt: string; startedAt: string; finishedAt: string };
    const ms = performance.now() - started;
    const answered = Date.now();
    if (res.status !== 200) throw new Error(`POST ?wait answered ${res.status}`);
    outcomes.add(body.result!.verdict.outcome);
    if (i < 10) continue; // the first few warm the threads and the JIT
    samples.push(ms);
    const [queued, begun, finished] = [body.queuedAt, body.startedAt, body.finishedAt].map((t) => Date.parse(t));
    stages.toStart.push(begun! - queued!); stages.run.push(finished! - begun!); stages.toAnswer.push(answered - finished!);
  }
  samples.sort((a, b) => a - b);
  for (const list of [stages.toStart, stages.run, stages.toAnswer]) list.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), outcomes, stages };
}

const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
try {
  out(`bench:api  redis ${config.redisUrl}  prefix ${prefix}  node ${process.version}  ${SECONDS}s  ${CONNECTIONS} in flight  ${JOBS} jobs  worker concurrency ${config.workerConcurrency}  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const server = createServer(config, silent);
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  if (PARTS.has('1')) {
    const ratios: number[] = [];
    const ofBare: number[] = [];
    // One discarded round first: the API's POST path is compiled by V8 during its first seconds
    // of load, while every do-nothing route is a few lines that are hot at once, so an unwarmed
    // first round compared JIT warm-up with steady state (0.28 then 0.37 and 0.58 in one run).
    const warm = await postRate(address, redis, 2);
    out(`1.0 warm-up (discarded): POST /experiments ${warm.rate.toFixed(0)}/s for 2 s`);
    await openQueue(redis, prefix).obliterate({ force: true });
    await cleanup(redis);
    for (let round = 1; round <= ROUNDS; round++) {
      const load = loadavg()[0]!.toFixed(2);
      const raw = await rawAddRate(redis);
      const post = await postRate(address, redis);
      const experiments = await redis.zcard(`${prefix}:idx:status:queued`); // no worker runs in part 1
      const jobs = (await openQueue(redis, prefix).getJobCounts('waiting')).waiting ?? 0;
      const bare = await bareHttpRate(redis);
      ratios.push(post.rate / raw.rate);
      ofBare.push(post.rate / bare.rate);
      out(`1.${round} (load average ${load}) POST /experiments ${post.rate.toFixed(0)}/s (non-2xx ${post.non2xx})   raw queue.add ${raw.rate.toFixed(0)}/s   ratio ${(post.rate / raw.rate).toFixed(2)}`);
      out(`    POST: ${post.cpu} (API + autocannon); ${experiments} experiments in ${jobs} BullMQ jobs (group commit, ${(experiments / Math.max(1, jobs)).toFixed(1)} per job)`);
      out(`    raw queue.add: ${raw.cpu}`);
      out(`    HTTP ceiling: a do-nothing fastify route ${bare.rate.toFixed(0)}/s = ${(bare.rate / raw.rate).toFixed(2)} of raw queue.add; POST reaches ${(post.rate / bare.rate).toFixed(2)} of it; ${bare.cpu}`);
      await openQueue(redis, prefix).obliterate({ force: true });
      await cleanup(redis);
    }
    out(`1. POST /experiments / raw queue.add: median ratio ${median(ratios).toFixed(2)} of ${ROUNDS} (information; was target >= 0.8)`);
    out(`1. POST /experiments / do-nothing fastify route: median ratio ${median(ofBare).toFixed(2)} of ${ROUNDS} (target >= 0.5)`);
  }

  if (PARTS.has('2')) {
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const noop = await noopRate(redis, config.workerConcurrency);
      const grouped = await experimentRate(redis, 100, JOBS);
      ratios.push(grouped.rate / noop.rate);
      out(`2.${round} tiny experiments ${grouped.rate.toFixed(0)}/s completed   BullMQ no-op ${noop.rate.toFixed(0)}/s   ratio ${(grouped.rate / noop.rate).toFixed(2)}`);
      out(`    submitted 100 at a time: ${JOBS} experiments in ${grouped.jobs} jobs; ${grouped.cpu}; BullMQ no-op: ${noop.cpu}`);
    }
    const alone = await experimentRate(redis, 1, ALONE_JOBS);
    out(`    submitted one at a time (a job each, ${ALONE_JOBS}): ${alone.rate.toFixed(0)}/s; ${alone.cpu}`);
    out(`2. tiny experiments / BullMQ no-op: median ratio ${median(ratios).toFixed(2)} of ${ROUNDS} (target >= 0.5)`);
  }

  if (PARTS.has('3')) {
    const worker = await startWorker(config, silent);
    const lat = await latency(address);
    const median = (list: number[]) => percentile(list, 50).toFixed(0);
    out(`3. solaris10-crash POST -> verdict   p50 ${lat.p50.toFixed(1)} ms   p99 ${lat.p99.toFixed(1)} ms   (${SAMPLES} sequential, POST ?wait=10, outcome ${[...lat.outcomes].join(',')}; target p50 <= 20 ms)`);
    out(`   medians from the record's timestamps (ms resolution): POST -> started ${median(lat.stages.toStart)} ms, started -> finished ${median(lat.stages.run)} ms, finished -> answer read ${median(lat.stages.toAnswer)} ms`);
    await worker.close();
  }
  await server.close();
} finally {
  await cleanup(redis);
  redis.disconnect();
}
