// Chaos scenario 3 (issue 12, acceptance 3): Redis stops answering (SIGSTOP for 30 s: a hung
// host keeps its sockets open, so nothing fails by itself), then Redis dies (SIGKILL) and comes
// back from its AOF. Meanwhile loops POST experiments and GET records, lists and /stats.
// Must hold: no request waits longer than REQUEST_BOUND_MS (README "Failure and recovery");
// every 503 carries Retry-After; afterwards every accepted experiment completes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { install, startRedis, type Installation } from './cluster.js';
import { figures, printFigures } from './figures.js';

/** The documented bound: two Redis round trips of COMMAND_TIMEOUT_MS (2 s) each, plus slack for a loaded machine. */
const REQUEST_BOUND_MS = 5_000;
const STOP_MS = Number(process.env.CHAOS_REDIS_STOP_MS ?? 30_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Traffic { accepted: string[]; acceptedAt: number[]; slowest: number; slowestWhat: string; answers: Record<string, number>; noRetryAfter: number; stop(): Promise<void> }

/** POST and GET loops against the API, every request timed. */
function traffic(inst: Installation, loops = 6): Traffic {
  const api = `http://127.0.0.1:${inst.apiPort}`;
  const t: Traffic = { accepted: [], acceptedAt: [], slowest: 0, slowestWhat: '', answers: {}, noRetryAfter: 0, stop: async () => {} };
  let stopping = false;
  const call = async (what: string, url: string, init?: RequestInit) => {
    const started = Date.now();
    let status = 'connection';
    let id: string | undefined;
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
      status = String(res.status);
      if (res.status === 503 && !res.headers.get('retry-after')) t.noRetryAfter++;
      const body = await res.text();
      if (res.status === 202) id = (JSON.parse(body) as { id: string }).id;
    } catch { /* counted as a connection failure */ }
    const ms = Date.now() - started;
    if (ms > t.slowest) { t.slowest = ms; t.slowestWhat = `${what} ${status}`; }
    t.answers[`${what} ${status}`] = (t.answers[`${what} ${status}`] ?? 0) + 1;
    return id;
  };
  const post = () => call('POST', `${api}/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset: 'solaris10-crash' }) });
  const loop = async (n: number) => {
    while (!stopping) {
      if (n % 2 === 0) { const id = await post(); if (id) { t.accepted.push(id); t.acceptedAt.push(Date.now()); } }
      else {
        const last = t.accepted.at(-1);
        await call('GET', last ? `${api}/experiments/${last}` : `${api}/stats`);
        await call('GET', `${api}/experiments?limit=5`);
        await call('GET', `${api}/stats`);
      }
      await sleep(100);
    }
  };
  const all = Array.from({ length: loops }, (_, n) => loop(n));
  t.stop = async () => { stopping = true; await Promise.all(all); };
  return t;
}

/** From the moment Redis is back to the first experiment accepted after it. */
function recovery(load: Traffic, backAt: number): { p50: number | null; max: number | null } {
  const first = load.acceptedAt.find((at) => at >= backAt);
  const ms = first === undefined ? null : first - backAt;
  return { p50: ms, max: ms };
}

async function settle(url: string, prefix: string, accepted: string[], ms = 120_000) {
  const deadline = Date.now() + ms;
  let f = await figures(url, prefix, accepted);
  while (f.lost > 0 && Date.now() < deadline) { await sleep(1000); f = await figures(url, prefix, accepted); }
  return f;
}

test(`Redis SIGSTOP for ${STOP_MS / 1000} s: every request answered within ${REQUEST_BOUND_MS} ms, 503s with Retry-After, everything accepted completes`, { timeout: 300_000 }, async (t) => {
  const redis = await startRedis({ aof: true });
  const inst = await install(redis);
  t.after(async () => { await inst.close(); await redis.stop(); });
  await inst.startApi();
  inst.startWorker();
  const load = traffic(inst);
  await sleep(3_000);
  const stoppedAt = Date.now();
  redis.proc.signal('SIGSTOP');
  await sleep(STOP_MS);
  redis.proc.signal('SIGCONT');
  const contAt = Date.now();
  await sleep(5_000);
  await load.stop();
  const f = await settle(redis.url, inst.prefix, load.accepted);
  f.recoveryMs = recovery(load, contAt);
  printFigures('redis-sigstop', f, { stopMs: contAt - stoppedAt, slowestRequestMs: load.slowest, slowest: load.slowestWhat, boundMs: REQUEST_BOUND_MS, answers: load.answers, size: STOP_MS === 30_000 ? 'full' : 'ci' });
  assert.ok(load.slowest <= REQUEST_BOUND_MS, `a request waited ${load.slowest} ms (${load.slowestWhat})`);
  assert.ok((load.answers['POST 503'] ?? 0) > 0, 'the outage was met by requests');
  assert.equal(load.noRetryAfter, 0, '503 without Retry-After');
  assert.deepEqual(Object.keys(load.answers).filter((a) => / 5\d\d$/.test(a) && !a.endsWith(' 503')), [], 'no 500s');
  assert.ok(f.accepted > 0);
  assert.equal(f.lost, 0, `accepted and never finished: ${f.lostIds.slice(0, 5).join(' ')}`);
  assert.equal(f.duplicated, 0);
});

test('Redis SIGKILL with AOF (appendfsync always), restarted 3 s later: everything accepted completes', { timeout: 300_000 }, async (t) => {
  const redis = await startRedis({ aof: true, fsync: 'always' });
  const inst = await install(redis);
  t.after(async () => { await inst.close(); await redis.stop(); });
  await inst.startApi();
  inst.startWorker();
  const load = traffic(inst);
  await sleep(3_000);
  const killedAt = Date.now();
  await redis.proc.kill();
  await sleep(3_000);
  await redis.restart();
  const backAt = Date.now();
  const backAfter = backAt - killedAt;
  await sleep(5_000);
  await load.stop();
  const f = await settle(redis.url, inst.prefix, load.accepted);
  f.recoveryMs = recovery(load, backAt);
  printFigures('redis-sigkill-aof', f, { downMs: backAfter, slowestRequestMs: load.slowest, slowest: load.slowestWhat, answers: load.answers });
  assert.ok(load.slowest <= REQUEST_BOUND_MS, `a request waited ${load.slowest} ms (${load.slowestWhat})`);
  assert.equal(load.noRetryAfter, 0, '503 without Retry-After');
  assert.deepEqual(Object.keys(load.answers).filter((a) => / 5\d\d$/.test(a) && !a.endsWith(' 503')), [], 'no 500s');
  assert.ok(f.accepted > 0);
  assert.equal(f.lost, 0, `accepted and never finished: ${f.lostIds.slice(0, 5).join(' ')}`);
  assert.equal(f.duplicated, 0);
});
