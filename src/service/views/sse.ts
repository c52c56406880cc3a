// Server-Sent Events over a hijacked fastify reply: the headers fastify's hooks set (CORS,
// request id) are carried over, then `retry`, events with `id`, and heartbeat comments keep
// proxies from closing an idle stream. The caller ends it or the client goes away.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How long a client waits before reconnecting, told to EventSource with `retry:`. */
export const RETRY_MS = 2_000;

export interface SseStream {
  send(event: { id?: string; event: string; data: unknown }): void;
  comment(text: string): void;
  end(): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

/**
 * The streams a route plugin has open, ended when the app closes: a hijacked stream is never
 * idle, so without this the server's close would wait for every dashboard to go away.
 */
export function sseRegistry(app: FastifyInstance): Set<SseStream> {
  const open = new Set<SseStream>();
  app.addHook('preClose', async () => { for (const s of open) s.end(); });
  return open;
}

/** Streams open in this process, all apps together (the SSE tests count them). */
let openCount = 0;
export const openSseStreams = (): number => openCount;

/**
 * True when the client has already gone: a route awaits Redis before it opens its stream, and a
 * client that left meanwhile has had its 'close' event already, so listening for it is too late.
 */
function clientGone(request: FastifyRequest, reply: FastifyReply): boolean {
  const socket = request.raw.socket as { destroyed?: boolean } | null;
  return reply.raw.destroyed || reply.raw.writableEnded || socket === null || socket.destroyed === true;
}

/** What a client that has already gone gets: nothing to send to, and cleanup runs at once. */
const CLOSED_STREAM: SseStream = { closed: true, send() {}, comment() {}, end() {}, onClose(listener) { listener(); } };

/**
 * Opens the stream, or returns one already closed (no timer, no listener, not registered) when
 * the client left before it could open. Whatever closes it (the client, end(), the app closing)
 * runs the onClose listeners once, stops the heartbeat and drops it from the registry.
 */
export function openSse(request: FastifyRequest, reply: FastifyReply, registry?: Set<SseStream>): SseStream {
  reply.hijack();
  const raw = reply.raw;
  if (clientGone(request, reply)) { raw.destroy(); return CLOSED_STREAM; }
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string | number | string[];
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  raw.write(`retry: ${RETRY_MS}\n\n`);
  openCount++;
  let closed = false;
  const listeners: (() => void)[] = [];
  const heartbeat = setInterval(() => { if (!closed) raw.write(`: heartbeat ${new Date().toISOString()}\n\n`); }, request.server.config.sseHeartbeatMs); // SSE_HEARTBEAT_MS
  const close = () => {
    if (closed) return;
    closed = true;
    openCount--;
    clearInterval(heartbeat);
    raw.off('close', close);
    registry?.delete(stream);
    for (const l of listeners.splice(0)) l();
  };
  const stream: SseStream = {
    get closed() { return closed; },
    send({ id, event, data }) {
      if (closed) return;
      // data must not contain raw newlines: JSON.stringify never emits them
      raw.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text) { if (!closed) raw.write(`: ${text.replace(/\n/g, ' ')}\n\n`); },
    end() { if (!closed) { close(); raw.end(); } },
    // a listener added after the close runs at once, so a caller's cleanup is never skipped
    onClose(listener) { if (closed) listener(); else listeners.push(listener); },
  };
  // the response's 'close' comes however the connection ends (client gone, end(), socket error)
  raw.on('close', close);
  registry?.add(stream);
  return stream;
}

const U64_MAX = 2n ** 64n - 1n;

/**
 * Redis stream ids ("ms-seq", each part a 64-bit unsigned integer) that can start an exclusive
 * range; false for anything else. Redis answers a part of 2^64 or more, and an exclusive range
 * from the greatest id, with an error, so those are refused here (a 400, not a 500); none of
 * them can be an id a stream gave out.
 */
export const isStreamId = (s: string): boolean => {
  const m = /^(\d{1,20})-(\d{1,20})$/.exec(s);
  if (m === null) return false;
  const [ms, seq] = [BigInt(m[1]!), BigInt(m[2]!)];
  return ms <= U64_MAX && seq <= U64_MAX && !(ms === U64_MAX && seq === U64_MAX);
};

export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am < bm ? -1 : am > bm ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}
