// Server-Sent Events over a hijacked fastify reply: the headers fastify's hooks set (CORS,
// request id) are carried over, then `retry`, events with `id`, and heartbeat comments keep
// proxies from closing an idle stream. The caller ends it or the client goes away.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Heartbeat period: a comment line every so often (SSE_HEARTBEAT_MS, default 15 s; read per stream). */
export const heartbeatMs = (): number => (Number(process.env.SSE_HEARTBEAT_MS) > 0 ? Number(process.env.SSE_HEARTBEAT_MS) : 15_000);
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

export function openSse(request: FastifyRequest, reply: FastifyReply, registry?: Set<SseStream>): SseStream {
  reply.hijack();
  const raw = reply.raw;
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
  let closed = false;
  const listeners: (() => void)[] = [];
  const heartbeat = setInterval(() => { if (!closed) raw.write(`: heartbeat ${new Date().toISOString()}\n\n`); }, heartbeatMs());
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const l of listeners) l();
  };
  request.raw.on('close', close);
  raw.on('close', close);
  const stream: SseStream = {
    get closed() { return closed; },
    send({ id, event, data }) {
      if (closed) return;
      // data must not contain raw newlines: JSON.stringify never emits them
      raw.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text) { if (!closed) raw.write(`: ${text.replace(/\n/g, ' ')}\n\n`); },
    end() { if (!closed) { close(); raw.end(); } },
    onClose(listener) { listeners.push(listener); },
  };
  if (registry) { registry.add(stream); listeners.push(() => registry.delete(stream)); }
  return stream;
}

/** Redis stream ids ("ms-seq") in order; false for anything else. */
export const isStreamId = (s: string): boolean => /^\d{1,20}-\d{1,20}$/.test(s);

export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am < bm ? -1 : am > bm ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}
