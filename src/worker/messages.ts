// Messages between a worker and its engine threads (sandbox.ts <-> engine-thread.ts).
import type { Spec } from '../engine/spec.js';

export type ToEngine =
  | { type: 'run'; spec: Spec; traceMaxEvents: number }
  /** Several small experiments (specs as JSON text, as the store keeps them: cheaper to pass than objects) back to back: one 'item' or 'error' each, then 'batchDone'. */
  | { type: 'runMany'; specs: string[]; traceMaxEvents: number }
  | { type: 'abort'; reason: string };

export type FromEngine =
  | { type: 'ready' }
  | { type: 'progress'; progress: unknown }
  | { type: 'result'; index?: number; result: { verdict: { outcome: string; summary: string }; trace?: unknown; [member: string]: unknown }; traceGzip: Uint8Array; trace: { events: number; stored: number; truncated: boolean } }
  /** One experiment of a runMany: the result as JSON text, which costs less to pass than an object tree. */
  | { type: 'item'; index: number; verdict: { outcome: string; summary: string }; resultJson: string; traceGzip: Uint8Array; trace: { events: number; stored: number; truncated: boolean } }
  | { type: 'error'; index?: number; name: string; message: string }
  | { type: 'batchDone' };
