// Issue 12 item 8 (acceptance 6): a worker SIGKILLed during a native run leaves no probe process
// behind within 1 s. The probe's launcher, its supervisor (init of its own PID namespace when the
// host permits) and every experiment process ask for SIGKILL when their parent dies.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { build, poll, post, REAL_RUNNER, testConfig } from '../service/helpers.js';
import { processesInGroups } from '../native/helpers.js';

const WORKER = fileURLToPath(new URL('./fixtures/worker-process.js', import.meta.url));

/** Members of these groups that still run: a zombie has exited and only waits for its reaper (the
 * orphaned launcher's is the host's PID 1, which reaps at its own pace). */
function alive(groups: Set<number>): number[] {
  return processesInGroups(groups).filter((pid) => {
    try { const s = readFileSync(`/proc/${pid}/stat`, 'latin1'); return s[s.lastIndexOf(')') + 2] !== 'Z'; } catch { return false; }
  });
}

/** Process groups led by a direct child of `parent` (the probe runs detached: its pid is its group). */
function probeGroupsOf(parent: number): Set<number> {
  const groups = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      if (ppid === parent && pgid === Number(entry)) groups.add(pgid);
    } catch { /* gone */ }
  }
  return groups;
}

test('a worker SIGKILLed during a native run leaves no probe process within 1 s', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, WORKER_CONCURRENCY: '1' });
  const app = await build(t, config);
  const child: ChildProcess = spawn(process.execPath, [WORKER], {
    env: { ...process.env, REDIS_URL: config.redisUrl, QUEUE_PREFIX: config.prefix, MUTEXLAB_RUNNER: REAL_RUNNER, WORKER_CONCURRENCY: '1', LOG_LEVEL: process.env.TEST_WORKER_LOG ?? 'silent' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  // a correct mutex, 128 threads contending for it, 640M cycles: it runs until its 60 s budget unless something stops it
  const res = await post(app, { engine: 'native', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 16, threadsPerProcess: 8, key: '0x1234', iterations: 5_000_000, cpus: 2, limits: { timeoutMs: 60_000 } });
  assert.equal(res.statusCode, 202, res.body);
  await poll(app, res.json().id, (r) => r.status === 'running', 30_000);

  // launcher + supervisor + 16 experiment processes (at least the supervisor and one child)
  let groups = new Set<number>();
  for (let waited = 0; waited < 15_000; waited += 20) {
    groups = probeGroupsOf(child.pid!);
    if (groups.size > 0 && processesInGroups(groups).length >= 3) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const before = processesInGroups(groups);
  assert.ok(before.length >= 3, `the probe is running (${before.length} processes in groups ${[...groups]})`);

  child.kill('SIGKILL');
  await once(child, 'exit');
  const killedAt = performance.now();
  let left = alive(groups);
  while (left.length > 0 && performance.now() - killedAt < 1_000) {
    await new Promise((r) => setTimeout(r, 10));
    left = alive(groups);
  }
  const ms = Math.round(performance.now() - killedAt);
  // whatever the outcome, take nothing with us into the next test
  for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  assert.deepEqual(left, [], `probe processes still alive ${ms} ms after the worker died (${before.length} before)`);
  if (process.env.TEST_TIMING) process.stderr.write(`probe gone ${ms} ms after the worker's SIGKILL\n`);
});
