// Group commit sends a flush's records (CREATE_MANY) and its jobs (BullMQ) together, without
// waiting for the first answer (src/jobs/admission.ts, "Order matters"). That is only safe
// because both go over one connection, whose commands Redis runs in the order they arrive. This
// watches the wire with MONITOR, on a private redis-server so that no other test's commands
// are in the way, and checks both halves of that: one client sent them, records first.
// What it catches: records sent on another connection, or only after something was awaited.
// What it cannot: swapping the two calls in flush() alone, since BullMQ awaits inside add()
// before it sends (tried: the test still passes), so the order of the calls is argued in
// admission.ts, not proved here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Proc, startRedis } from '../chaos/cluster.js';
import { build, post, testConfig } from '../service/helpers.js';

interface Seen { args: string[]; source: string }

/**
 * `redis-cli monitor` as a child process: each line it prints is one command as Redis ran it,
 * `<time> [<db> <client address>] "<arg>" "<arg>" ...`, in the order Redis ran them.
 */
async function watch(port: number): Promise<{ seen: Seen[]; stop(): Promise<void> }> {
  const proc = new Proc('monitor', spawn('redis-cli', ['-p', String(port), 'monitor'], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const seen: Seen[] = [];
  const lines = createInterface({ input: proc.child.stdout! });
  const ready = once(lines, 'line'); // "OK": the monitor is attached
  lines.on('line', (line) => {
    const m = /^\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
    if (m) seen.push({ source: m[1]!, args: [...m[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]!) });
  });
  await ready;
  return { seen, stop: () => proc.kill() };
}

test('a flush writes its records before its jobs exist, over the one connection it sends both on', async (t) => {
  const redis = await startRedis();
  const monitor = await watch(redis.port);
  const config = testConfig({ REDIS_URL: redis.url });
  const app = await build(t, config);
  // node:test runs after-hooks in the order they were added: the app (build's hook) closes first
  t.after(async () => { await monitor.stop(); await redis.stop(); });

  const body = (seed: number, iterations = 3) => ({ mutexType: 'USYNC_PROCESS', processCount: 1, key: '0x1234', iterations, seed });
  // a group (three small ones together), a job of its own (too many lock cycles to share), one alone
  const together = await Promise.all([body(1), body(2), body(3), body(4, 5000)].map((b) => post(app, b)));
  const alone = await post(app, body(5));
  const ids = [...together, alone].map((r) => { assert.equal(r.statusCode, 202, r.body); return r.json().id as string; });
  await new Promise((resolve) => setTimeout(resolve, 200)); // MONITOR lines trail the replies

  const scripts = monitor.seen.filter((s) => /^eval(sha)?$/i.test(s.args[0] ?? ''));
  const isRecords = (s: Seen) => s.args.includes(`${config.prefix}:seq`);
  const isJobs = (s: Seen) => !isRecords(s) && s.args.some((a) => a.startsWith(`${config.prefix}:experiments:`));
  for (const id of ids) {
    const records = scripts.findIndex((s) => isRecords(s) && s.args.includes(id));
    const jobs = scripts.findIndex((s) => isJobs(s) && s.args.some((a) => a.includes(id)));
    assert.ok(records >= 0, `the records script named ${id}`);
    assert.ok(jobs >= 0, `a BullMQ job script carried ${id}`);
    assert.ok(records < jobs, `${id}: records (script ${records}) before its job (script ${jobs})`);
    assert.equal(scripts[jobs]!.source, scripts[records]!.source, `${id}: the job went over the records' connection`);
  }
});
