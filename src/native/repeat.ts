// N real runs of one native spec in ONE probe invocation (probe.c: repeat=N): the sandbox is set up
// once and the experiment's processes are forked again for every repetition, each with a fresh
// segment and mutex, so a repetition costs little more than its processes. Repetitions are parsed
// as their `end` line arrives and handed to the caller one by one (progress, and keeping only the
// examples the distribution wants: a result with its trace is ~100 KB).
import type { Result } from '../engine/result.js';
import type { Spec } from '../engine/spec.js';
import type { TraceEvent } from '../engine/trace.js';
import { existsSync } from 'node:fs';
import { MuslProbeMissingError, probeArguments, probePathFor, type ProbeTuning } from './probe-command.js';
import { parseProbeOutput, ProbeOutputError, RepetitionSplitter } from './probe-output.js';
import { runProbe } from './run-probe.js';
import { toResult, traceEvents } from './to-result.js';
import { nativeVerdict } from './verdict.js';

/** The probe's own bound on repeat= (probe.c). */
export const PROBE_MAX_REPEAT = 1000;

/** trace(): built on demand, since only the first run of each outcome keeps one. */
export interface Repetition { index: number; result: Result; trace: () => TraceEvent[] }

export interface RepeatOptions {
  signal?: AbortSignal;
  /** performance.now() after which no new repetition is awaited: the probe is stopped and what finished is kept. */
  deadline?: number;
  probePath?: string;
  tuning: ProbeTuning;
  onProbeGroup?: (pgid: number) => void;
  onRepetition: (r: Repetition) => void;
}

export interface RepeatSummary { runs: number; stoppedBy: 'done' | 'time' | 'cancelled'; wallMs: number }

export async function runNativeRepetitions(spec: Spec, n: number, options: RepeatOptions): Promise<RepeatSummary> {
  if (spec.engine !== 'native') throw new Error(`native repetitions were given a spec for engine "${spec.engine}"`);
  if (n < 1 || n > PROBE_MAX_REPEAT) throw new RangeError(`repeat must be 1..${PROBE_MAX_REPEAT}`);
  const started = performance.now();
  const args = [...probeArguments(spec, options.tuning), `repeat=${n}`];
  // One stop for both: the caller's abort, and our own deadline (which keeps what finished).
  const stop = new AbortController();
  let stoppedBy: RepeatSummary['stoppedBy'] = 'done';
  const onAbort = () => { stoppedBy = 'cancelled'; stop.abort(); };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = options.deadline !== undefined
    ? setTimeout(() => { if (stoppedBy === 'done') stoppedBy = 'time'; stop.abort(); }, Math.max(0, options.deadline - started))
    : undefined;
  let runs = 0;
  let failure: Error | undefined;
  const splitter = new RepetitionSplitter((index, text) => {
    if (failure) return;
    try {
      const report = parseProbeOutput(text);
      // traceEvents' count without building it: setups, exits and ring events (to-result.ts)
      const count = report.events.length + report.processes.reduce((n, p) => n + p.setup.length + (p.exit && p.exit.kind !== 'unknown' ? 1 : 0), 0);
      const partial = toResult(spec, report, count, 0);
      partial.stats.engineMs = report.end.elapsedNs / 1e6;
      runs++;
      options.onRepetition({ index, result: { ...partial, verdict: nativeVerdict(partial) }, trace: () => traceEvents(report) });
    } catch (e) {
      failure = e as Error;
      stop.abort();
    }
  });
  // Every repetition may use its whole limits.timeoutMs: the backstop covers them all.
  const budget = spec.limits.timeoutMs * n;
  try {
    // the probe of the spec's libc (build/probe or build/probe-musl), as the single-run engine picks it
    const probePath = options.probePath ?? probePathFor(spec.libc);
    if (spec.libc === 'musl' && !existsSync(probePath)) throw new MuslProbeMissingError(probePath);
    const run = await runProbe(probePath, args, budget, stop.signal, options.onProbeGroup, (chunk) => splitter.push(chunk));
    if (!failure && runs < n) {
      const why = run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`;
      throw new ProbeOutputError(`the probe stopped after ${runs} of ${n} repetitions (${why}${run.stderr ? `, stderr: ${run.stderr.trim().slice(0, 500)}` : ''})`);
    }
  } catch (e) {
    if ((e as Error).name !== 'AbortError' || failure) throw failure ?? e;
    if (stoppedBy === 'done') throw e;
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  return { runs, stoppedBy, wallMs: performance.now() - started };
}
