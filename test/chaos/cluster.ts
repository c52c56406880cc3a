// The chaos suite's installation: a PRIVATE redis-server on a free port in its own temp dir
// (never the shared one on 6379: these tests kill and stop it), and the API and workers as real
// child processes of `bin/mutexlab`, each addressed by pid so a scenario can SIGKILL, SIGSTOP and
// SIGCONT exactly what it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from '../service/helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Whatever happens to a scenario, nothing it started outlives the test process.
const started = new Set<ChildProcess>();
process.on('exit', () => { for (const c of started) if (c.exitCode === null && c.signalCode === null) { try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ } } });

/** A child process we started, signalled by its pid only. */
export class Proc {
  readonly exited: Promise<void>;
  constructor(readonly name: string, readonly child: ChildProcess) {
    started.add(child);
    this.exited = once(child, 'exit').then(() => undefined);
  }
  get pid(): number { return this.child.pid!; }
  get alive(): boolean { return this.child.exitCode === null && this.child.signalCode === null; }
  signal(sig: NodeJS.Signals): void { if (this.alive) process.kill(this.pid, sig); }
  async kill(): Promise<void> { if (this.alive) { this.signal('SIGKILL'); await this.exited; } }
}

export interface PrivateRedis { port: number; url: string; dir: string; proc: Proc; restart(): Promise<void>; stop(): Promise<void> }

/** redis-server on a free port, AOF on (everysec) when asked, data in its own temp dir. */
export async function startRedis(opts: { aof?: boolean; fsync?: 'always' | 'everysec' } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mutexlab-chaos-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction',
    '--appendonly', opts.aof ? 'yes' : 'no', '--appendfsync', opts.fsync ?? 'everysec'];
  const self: PrivateRedis = {
    port, dir, url: `redis://127.0.0.1:${port}`,
    proc: undefined as unknown as Proc,
    async restart() {
      self.proc = new Proc('redis', spawn('redis-server', args, { stdio: 'ignore' }));
      await waitForRedis(self.url);
    },
    async stop() { self.proc.signal('SIGCONT'); await self.proc.kill(); rmSync(dir, { recursive: true, force: true }); },
  };
  await self.restart();
  return self;
}

async function waitForRedis(url: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try { await r.connect(); if (await r.ping() === 'PONG') return; } catch { /* not yet */ } finally { r.disconnect(); }
    if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer within ${ms} ms`);
    await sleep(50);
  }
}

export interface Installation {
  redis: PrivateRedis;
  prefix: string;
  env: Record<string, string>;
  apiPort: number;
  api?: Proc;
  workers: Proc[];
  startApi(): Promise<Proc>;
  startWorker(): Proc;
  close(): Promise<void>;
}

/** Everything of one scenario; `env` adds or overrides variables of every process. */
export async function install(redis: PrivateRedis, env: Record<string, string> = {}): Promise<Installation> {
  const apiPort = await freePort();
  const prefix = `chaos-${process.pid}`;
  const base = { ...process.env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, PORT: String(apiPort), LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'fatal', ...env };
  const run = (role: string) => new Proc(role, spawn(process.execPath, [BIN, role], { env: base, stdio: ['ignore', 'inherit', 'inherit'] }));
  const inst: Installation = {
    redis, prefix, env: base as Record<string, string>, apiPort, workers: [],
    async startApi() {
      inst.api = run('api');
      const deadline = Date.now() + 20_000;
      for (;;) {
        try { if ((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).ok) return inst.api; } catch { /* not listening yet */ }
        if (!inst.api.alive) throw new Error('the API exited before it listened');
        if (Date.now() > deadline) throw new Error('the API did not listen within 20 s');
        await sleep(50);
      }
    },
    startWorker() { const w = run('worker'); inst.workers.push(w); return w; },
    async close() {
      await Promise.all([inst.api?.kill(), ...inst.workers.map((w) => w.kill())]);
    },
  };
  return inst;
}
