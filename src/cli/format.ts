// `mutexlab run --format json|ndjson|chrome|svg`: what goes to stdout. json (default) is the
// result; ndjson the trace, one event per line; chrome the trace as Chrome Trace Event JSON
// (Perfetto, chrome://tracing); svg the timeline picture. Written in pieces, so a long trace
// never sits in memory twice.
import { writeSync } from 'node:fs';
import type { Result } from '../engine/result.js';
import type { TraceEvent } from '../engine/trace.js';
import { chromeTraceChunks } from '../viz/chrome.js';
import { contextFromResult } from '../viz/context.js';
import { timelineSvg } from '../viz/svg.js';

export const OUTPUT_FORMATS = ['json', 'ndjson', 'chrome', 'svg'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const FORMAT_HELP = '  --format F      what goes to stdout: json (the result, default), ndjson (the trace),\n'
  + '                  chrome (Chrome Trace Event JSON for ui.perfetto.dev), svg (the timeline)\n';

export const isOutputFormat = (v: string): v is OutputFormat => (OUTPUT_FORMATS as readonly string[]).includes(v);

/** Only json can do without the trace. */
export const formatNeedsTrace = (f: OutputFormat | undefined): boolean => f !== undefined && f !== 'json';

/** Writes synchronously to fd 1 so a large output is complete before the process exits. */
function write(text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      // a non-blocking pipe that is full: wait for the reader and try again
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

export function writeOutput(format: OutputFormat, result: Result, trace: Iterable<TraceEvent>): void {
  switch (format) {
    case 'json':
      write(JSON.stringify(result, null, 2) + '\n');
      return;
    case 'ndjson': {
      let lines: string[] = [];
      for (const e of trace) {
        lines.push(JSON.stringify(e));
        if (lines.length === 4096) { write(lines.join('\n') + '\n'); lines = []; }
      }
      if (lines.length) write(lines.join('\n') + '\n');
      return;
    }
    case 'chrome':
      for (const chunk of chromeTraceChunks(trace, contextFromResult(result))) write(chunk);
      return;
    case 'svg':
      write(timelineSvg(trace, contextFromResult(result)) + '\n');
      return;
  }
}
