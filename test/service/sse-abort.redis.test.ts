// Issue 12, item 4: SSE clients that leave before their stream opens (while the route still
// awaits Redis) or at any moment after leave nothing behind: no open stream in the registry, no
// heartbeat timer, no event-hub listener. 600 clients per case, over real sockets.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../src/service/server.js';
import { openSseStreams } from '../../src/service/views/sse.js';
import { deleteKeys, post, silent, testConfig } from './helpers.js';

const CLIENTS = 600;
const BATCH = 50;
const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 20 };

interface Leftovers { streams: number; timers: number; hubListeners: number }

function leftovers(app: FastifyInstance, id: string): Leftovers {
  const emitter = app.experiments.hub['emitter'];  // private member: the count is what we measure
  return {
    streams: openSseStreams(),
    timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length,
    hubListeners: emitter.listenerCount(id) + emitter.listenerCount('*'),
  };
}

/** Waits until nothing is left above `base` (a leak never drains, so it fails after `ms`). */
async function drained(app: FastifyInstance, id: string, base: Leftovers, ms = 10_000): Promise<Leftovers> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = leftovers(app, id);
    if ((now.streams <= base.streams && now.timers <= base.timers && now.hubListeners <= base.hubListeners) || Date.now() > deadline) return now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The app, listening. With `holdUntilGone`, a preHandler hook keeps each SSE request from
 * reaching its route until the client's socket has closed, and says when it has the request:
 * so every client is certain to leave before its stream opens.
 */
async function listening(t: TestContext, holdUntilGone: boolean) {
  const config = testConfig({ SSE_HEARTBEAT_MS: '60000' });
  const app = createServer(config, silent);
  // the routes' instance (app.ts is encapsulated), caught from the first request
  let inner: FastifyInstance | undefined;
  app.addHook('onRequest', async (request) => { inner ??= request.server; });
  const arrived = new EventEmitter();
  arrived.setMaxListeners(0);
  let held = 0;
  if (holdUntilGone) {
    app.addHook('preHandler', async (request) => {
      if (!request.url.includes('events')) return;
      const socket = request.raw.socket;
      arrived.emit(String(request.headers['x-client']));
      if (!socket.destroyed) await once(socket, 'close');
      held++;
    });
  }
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => { await app.close(); await deleteKeys(config.redisUrl, config.prefix); });
  return { app, base, arrived, held: () => held, inner: () => inner! };
}

/** One client: sends the request and drops the connection when `leave` resolves. */
function client(url: string, n: number, leave: (req: ReturnType<typeof httpRequest>) => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream', 'x-client': String(n) }, agent: false });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.end();
    leave(req).then(() => req.destroy(), () => req.destroy());
  });
}

async function crowd(urls: string[], leave: (req: ReturnType<typeof httpRequest>, n: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < CLIENTS; start += BATCH) {
    const batch: Promise<void>[] = [];
    for (let n = start; n < Math.min(CLIENTS, start + BATCH); n++) batch.push(client(urls[n % urls.length]!, n, (req) => leave(req, n)));
    await Promise.all(batch);
  }
}

test(`${CLIENTS} SSE clients that leave before their stream opens leave no stream, timer or listener`, async (t) => {
  const { app: outer, base, arrived, held, inner } = await listening(t, true);
  const id = (await post(outer, spec)).json().id;
  const app = inner();
  const before = leftovers(app, id);
  const heapBefore = process.memoryUsage().heapUsed;
  await crowd([`${base}/experiments/${id}/events`, `${base}/events`], (_req, n) => once(arrived, String(n)).then(() => {}));
  // every request reached the server, and every one was let through only after its client left
  const deadline = Date.now() + 10_000;
  while (held() < CLIENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(held(), CLIENTS);
  const after = await drained(app, id, before);
  t.diagnostic(`before ${JSON.stringify(before)}, after ${JSON.stringify(after)}, heap ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB more (not collected)`);
  assert.equal(after.streams, before.streams, 'no stream stays registered');
  assert.ok(after.timers <= before.timers, `no heartbeat timer stays (${after.timers} timers, ${before.timers} before)`);
  assert.equal(after.hubListeners, before.hubListeners, 'no event-hub listener stays');
});

test(`${CLIENTS} SSE clients that leave at any moment (before, while or after it opens) leave nothing`, async (t) => {
  const { app: outer, base, inner } = await listening(t, false);
  const id = (await post(outer, spec)).json().id;
  const app = inner();
  const before = leftovers(app, id);
  let opened = 0;
  await crowd([`${base}/experiments/${id}/events`, `${base}/events`], (req, n) => new Promise((resolve) => {
    // a spread of moments: at once, after a few ms, or once the stream is open
    if (n % 3 === 0) { setImmediate(resolve); return; }
    if (n % 3 === 1) { setTimeout(resolve, n % 7); return; }
    req.on('response', (res) => { if (res.statusCode === 200) opened++; resolve(); });
  }));
  const after = await drained(app, id, before);
  t.diagnostic(`${opened} streams opened before their client left; before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
  assert.ok(opened >= CLIENTS / 3 - 5, `most of the third that waits saw its stream open (${opened})`);
  assert.equal(after.streams, before.streams);
  assert.ok(after.timers <= before.timers, `no heartbeat timer stays (${after.timers} timers, ${before.timers} before)`);
  assert.equal(after.hubListeners, before.hubListeners);
});
