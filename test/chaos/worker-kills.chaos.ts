// Chaos scenario 1 (issue 12, acceptance 1): mixed experiments, short and long (8 processes,
// 20000 iterations), while workers are SIGKILLed one after another and replaced. Every
// accepted experiment must finish exactly once; recovery after a kill within 10 s (p50) with the
// shipped lock and stall settings. CHAOS_SIZE=full is the acceptance size (300 experiments, 32
// kills); the default is the CI size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { install, startRedis } from './cluster.js';
import { figures, printFigures, type Kill } from './figures.js';

const FULL = process.env.CHAOS_SIZE === 'full';
const EXPERIMENTS = FULL ? 300 : 80;
const KILLS = FULL ? 32 : 8;
const KILL_EVERY_MS = 2_000;
const WORKERS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spec(i: number): Record<string, unknown> {
  if (i % 10 === 9) return { mutexType: 'USYNC_PROCESS', processCount: 8, key: '0x1234', iterations: 20_000 + (i % 7) * 1000 }; // long
  if (i % 10 >= 7) return { mutexType: 'USYNC_PROCESS', processCount: 4, key: '0x1234', iterations: 3_000 };                     // medium
  return { preset: i % 2 ? 'solaris10-crash' : 'solaris10-fixed' };                                                            // small
}

test(`worker SIGKILLs: ${EXPERIMENTS} mixed experiments, ${KILLS} kills`, { timeout: FULL ? 900_000 : 300_000 }, async (t) => {
  const redis = await startRedis();
  const inst = await install(redis);
  t.after(async () => { await inst.close(); await redis.stop(); });
  await inst.startApi();
  for (let i = 0; i < WORKERS; i++) inst.startWorker();

  const accepted: string[] = [];
  const kills: Kill[] = [];
  const api = `http://127.0.0.1:${inst.apiPort}`;
  const submitting = (async () => {
    // spread over the kills, so that kills meet running work of every kind
    const perTick = Math.ceil(EXPERIMENTS / (KILLS * (KILL_EVERY_MS / 250)));
    for (let i = 0; i < EXPERIMENTS;) {
      const batch = Array.from({ length: Math.min(perTick, EXPERIMENTS - i) }, (_, j) => spec(i + j));
      i += batch.length;
      const answers = await Promise.all(batch.map((body) => fetch(`${api}/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })));
      for (const res of answers) {
        const text = await res.text();
        assert.equal(res.status, 202, text);
        accepted.push((JSON.parse(text) as { id: string }).id);
      }
      await sleep(250);
    }
  })();
  let submitFailed = false;
  submitting.catch(() => { submitFailed = true; });
  for (let k = 0; k < KILLS && !submitFailed; k++) {
    await sleep(KILL_EVERY_MS);
    const alive = inst.workers.filter((w) => w.alive);
    const victim = alive[Math.floor(Math.random() * alive.length)]!;
    kills.push({ at: Date.now(), pid: victim.pid });
    await victim.kill();
    inst.startWorker(); // replaced at once, as an orchestrator would
  }
  await submitting;

  // everything accepted must end; give the last recoveries and the long runs time
  const deadline = Date.now() + (FULL ? 300_000 : 120_000);
  let f = await figures(redis.url, inst.prefix, accepted, kills);
  while (f.lost > 0 && Date.now() < deadline) { await sleep(1000); f = await figures(redis.url, inst.prefix, accepted, kills); }
  printFigures('worker-kills', f, { kills: kills.length, size: FULL ? 'full' : 'ci' });
  assert.equal(f.accepted, EXPERIMENTS);
  assert.equal(f.lost, 0, `never finished: ${f.lostIds.slice(0, 10).join(' ')}`);
  assert.equal(f.duplicated, 0);
  assert.ok(f.interrupted > 0, 'the kills met running experiments');
  assert.ok(f.recoveryMs.p50! <= 10_000, `recovery p50 ${f.recoveryMs.p50} ms`);
});
