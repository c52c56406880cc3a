// --trace FILE for the commands that run the simulator (run, replay): the whole trace as NDJSON,
// written in blocks so a multi-million-event trace never becomes one string.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TraceEvent } from '../engine/trace.js';

export function writeTrace(file: string, trace: Iterable<TraceEvent>): void {
  const fd = openSync(file, 'w');
  try {
    let chunk: string[] = [];
    for (const e of trace) {
      chunk.push(JSON.stringify(e));
      if (chunk.length === 4096) { writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}
