// A small Server-Sent Events reader over node:http for tests: it parses the wire format
// (id/event/data lines, comments, blank-line dispatch) so the tests check what a browser's
// EventSource would receive, and it can drop the connection at any point.
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent { id?: string; event: string; data: any }

export class SseConnection {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingMessage['headers'] = {};
  ended = false;
  private req: ClientRequest;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    let resolveOpen!: () => void;
    let rejectOpen!: (e: Error) => void;
    this.opened = new Promise((res, rej) => { resolveOpen = res; rejectOpen = rej; });
    this.req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      resolveOpen();
      res.setEncoding('utf8');
      let buffer = '';
      let current: Partial<SseEvent> & { dataLines?: string[] } = {};
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (current.dataLines) {
              const text = current.dataLines.join('\n');
              this.events.push({ id: current.id, event: current.event ?? 'message', data: safeJson(text) });
            }
            current = {};
            this.notify();
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
            this.notify();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'data') (current.dataLines ??= []).push(value);
          }
        }
      });
      res.on('end', () => { this.ended = true; this.notify(); });
      res.on('error', () => { this.ended = true; this.notify(); });
    });
    this.req.on('error', (e) => { this.ended = true; rejectOpen(e); this.notify(); });
    this.req.end();
  }

  /** Resolves once `until` holds for what was received, or rejects after `ms`. */
  async waitFor(until: (c: SseConnection) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!until(this)) {
      if (Date.now() > deadline) throw new Error(`SSE: condition not met after ${ms} ms; got ${JSON.stringify(this.events.map((e) => e.event))}, ended=${this.ended}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }

  /** Drops the connection like a network failure would. */
  drop(): void { this.req.destroy(); }

  private notify(): void { for (const w of this.waiters.splice(0)) w(); }
}

function safeJson(text: string): any { try { return JSON.parse(text); } catch { return text; } }
