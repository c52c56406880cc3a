// A stored trace (gzip NDJSON in Redis, read in chunks by the store) as an async iterable of
// trace events, for the converters in src/viz: decompressed and split into lines as it streams,
// so a picture of a long trace never holds the whole text.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { TraceEvent } from '../../engine/trace.js';

export async function* traceEvents(gzip: Readable): AsyncGenerator<TraceEvent> {
  const gunzip = createGunzip();
  gzip.on('error', (err) => gunzip.destroy(err));
  const lines = createInterface({ input: gzip.pipe(gunzip), crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line) yield JSON.parse(line) as TraceEvent;
  } finally {
    lines.close();
    gzip.destroy();
  }
}
