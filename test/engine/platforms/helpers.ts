// Spec builder and small trace readers shared by the glibc platform and fault tests.
import { validateSpec, type Spec } from '../../../src/engine/spec.js';
import { simulate, type SimRun } from '../../../src/engine/sim.js';
import type { TraceEvent } from '../../../src/engine/trace.js';

export function simSpec(input: Record<string, unknown>): Spec {
  const v = validateSpec({ key: '0x1234', platform: 'glibc-2.36', ...input }, () => 1);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

export function run(input: Record<string, unknown>, trace = false): SimRun {
  return simulate(simSpec(input), { trace });
}

export function events(r: SimRun): TraceEvent[] { return [...r.trace]; }

/** Accesses to a mutex field, as "op field value <- old (note)". */
export function accesses(r: SimRun, field: string): TraceEvent[] {
  return events(r).filter((e) => e.field === field && (e.op === 'read' || e.op === 'write'));
}
