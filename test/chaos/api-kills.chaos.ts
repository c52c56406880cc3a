// Chaos scenario 2 (issue 12, acceptance 2): the API is SIGKILLed 5 times (and restarted at
// once, as an orchestrator would) while concurrent loops POST experiments, half of them with an
// Idempotency-Key that they retry, whatever the answer (refused connection, 409, 503), until
// they get the experiment. Must hold: every 202 completes; every record in Redis ends, so none
// stays queued without a job (the reaper repairs what a kill between the record and its job
// left); each key maps to one experiment and its retry gets it within a bounded time, never an
// endless 409. CHAOS_SIZE=full runs 40 loops (the campaign), the CI size 16.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { install, startRedis } from './cluster.js';
import { figures, printFigures } from './figures.js';
import { STATUSES } from '../../src/jobs/keys.js';

const FULL = process.env.CHAOS_SIZE === 'full';
const LOOPS = FULL ? 40 : 16;
const KILLS = 5;
const UP_MS = 2_000; // how long the API serves between kills
/** A key must be answered with its experiment within this, 409s and restarts included. */
const KEY_ANSWER_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SPEC = { preset: 'solaris10-fixed' };

test(`API SIGKILLs: ${KILLS} kills under ${LOOPS} concurrent POST loops, with and without Idempotency-Key`, { timeout: 300_000 }, async (t) => {
  const redis = await startRedis();
  const inst = await install(redis);
  t.after(async () => { await inst.close(); await redis.stop(); });
  await inst.startApi();
  inst.startWorker(); inst.startWorker();
  const api = `http://127.0.0.1:${inst.apiPort}`;

  const accepted = new Set<string>();
  const acceptedAt: number[] = [];
  const byKey = new Map<string, Set<string>>();
  const keyWaits: number[] = [];
  const unanswered: string[] = [];
  const statuses: Record<string, number> = {};
  let stop = false;
  const postOnce = async (key?: string): Promise<{ status: number; id?: string; retryAfter?: number }> => {
    try {
      const res = await fetch(`${api}/experiments`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(SPEC), signal: AbortSignal.timeout(15_000) });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const body = await res.json() as { id?: string };
      return { status: res.status, id: body.id, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
    } catch {
      statuses.connection = (statuses.connection ?? 0) + 1;
      return { status: 0 };
    }
  };
  const loop = async (n: number) => {
    for (let i = 0; !stop; i++) {
      if (n % 2 === 0) {
        // without a key: a request the kill cut off is not retried (its fate is unknown to the client)
        const sent = Date.now();
        const r = await postOnce();
        if (r.status === 202 && r.id) { accepted.add(r.id); acceptedAt.push(sent); }
        if (r.status === 0) await sleep(100);
        continue;
      }
      const key = `chaos-${n}-${i}`;
      const ids = new Set<string>();
      byKey.set(key, ids);
      const since = Date.now();
      for (;;) {
        const r = await postOnce(key);
        if ((r.status === 202 || r.status === 200) && r.id) { ids.add(r.id); accepted.add(r.id); break; }
        if (Date.now() - since > KEY_ANSWER_MS) { unanswered.push(key); break; }
        await sleep(r.status === 409 || r.status === 503 ? (r.retryAfter || 1) * 1000 : 100);
      }
      keyWaits.push(Date.now() - since);
    }
  };
  const loops = Array.from({ length: LOOPS }, (_, n) => loop(n));
  const downtimes: number[] = [];
  const killedAt: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    await sleep(UP_MS);
    const at = Date.now();
    killedAt.push(at);
    await inst.api!.kill();
    await inst.startApi();
    downtimes.push(Date.now() - at);
  }
  await sleep(UP_MS);
  stop = true;
  await Promise.all(loops);

  // every record in Redis (accepted or not: a kill may have cut the answer off) must end
  const r = new Redis(redis.url);
  // every record is in exactly one status index
  const all = (await Promise.all(STATUSES.map((s) => r.zrange(`${inst.prefix}:idx:status:${s}`, '0', '-1')))).flat();
  r.disconnect();
  const deadline = Date.now() + 120_000;
  let f = await figures(redis.url, inst.prefix, all);
  while (f.lost > 0 && Date.now() < deadline) { await sleep(1000); f = await figures(redis.url, inst.prefix, all); }
  const ofAccepted = await figures(redis.url, inst.prefix, [...accepted]);
  // recovery: from each kill to the first POST sent after it that was accepted (restart included)
  const recoveries = killedAt.map((k) => (acceptedAt.find((a) => a > k) ?? NaN) - k).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  ofAccepted.recoveryMs = { p50: recoveries[Math.floor((recoveries.length - 1) / 2)] ?? null, max: recoveries.at(-1) ?? null };
  const keysWithTwo = [...byKey.values()].filter((s) => s.size > 1).length;
  keyWaits.sort((a, b) => a - b);
  printFigures('api-kills', ofAccepted, {
    kills: KILLS, loops: LOOPS, records: f.accepted, recordsLost: f.lost, keys: byKey.size, keysUnanswered: unanswered.length, keysWithTwoExperiments: keysWithTwo,
    keyAnswerP50Ms: keyWaits[Math.floor(keyWaits.length / 2)] ?? null, keyAnswerMaxMs: keyWaits.at(-1) ?? null,
    apiDowntimeMaxMs: Math.max(...downtimes), answers: statuses, size: FULL ? 'full' : 'ci',
  });
  assert.ok(ofAccepted.accepted > 0);
  assert.equal(ofAccepted.lost, 0, `accepted and never finished: ${ofAccepted.lostIds.slice(0, 5).join(' ')}`);
  assert.equal(f.lost, 0, `records that never ended (queued without a job?): ${f.lostIds.slice(0, 5).join(' ')}`);
  assert.equal(ofAccepted.duplicated, 0);
  assert.equal(keysWithTwo, 0, 'one Idempotency-Key, one experiment');
  assert.deepEqual(unanswered, [], 'every retried key got its experiment');
});
