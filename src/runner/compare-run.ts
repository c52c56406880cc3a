// `compare: true` (and `mutexlab compare SPEC`): the spec run natively `repeat` times and on the
// simulator's model of the same libc as many times (seeds spec.seed, +1, ...), side by side, as
// herdtools7's mcompare7 sets a model's allowed outcomes beside the hardware's observed ones.
// `agree` when every outcome class observed natively is one the model produced; otherwise each
// class the model never produced is a disagreement, with the first native run's evidence.
import { performance } from 'node:perf_hooks';
import type { Comparison, ComparisonClass, Disagreement, Distribution } from '../engine/distribution.js';
import { LIMITS } from '../engine/limits.js';
import { OUTCOMES } from '../engine/outcome.js';
import type { Spec } from '../engine/spec.js';
import { modelFor } from './libc-models.js';
import { libcOf, runRepeat, type RepeatOutput, type RepeatRunOptions } from './repeat-run.js';

// Steps a lock cycle may take in the model: about 17 uncontended on the glibc models, plus the
// probe's own work (PROBE_WORK), plus, when contended, a FUTEX_WAIT and a FUTEX_WAKE of about
// 560 steps each (machine/syscall-cost.ts).
const STEPS_PER_CYCLE = 1200;

/**
 * The probe's own work around the mutex (src/native/child.c, run_cycles, with its trace on as
 * the native engine runs it), counted the way the simulator counts a step, one memory
 * operation each, from the code rather than fitted to an outcome:
 * - inside the critical section, beyond the counter's read and write: the evidence's
 *   holders++, max_holders load, acquisitions++ and holders--: 4;
 * - outside it: four ring records of about 9 memory operations each (record(): the index, six
 *   fields, the pid load, the index store): 36; two rdtsc reads (tick_lock and the unlock's
 *   time) of about 10 ns, 14 steps each (syscall-cost.ts STEP_NS): 28; progress++: 1. 65 in all.
 */
export const PROBE_WORK = { inside: 4, outside: 65, spread: 0 } as const;

/** How the native runs were scheduled, as their evidence says (sandbox.scheduler, sandbox.yieldEvery). */
export interface NativeScheduling { roundRobin: boolean; yieldEvery: number }

export function nativeScheduling(result: { evidence: Record<string, unknown> }): NativeScheduling {
  const sandbox = (result.evidence.sandbox ?? {}) as { scheduler?: string; yieldEvery?: number };
  return { roundRobin: (sandbox.scheduler ?? '').startsWith('SCHED_RR'), yieldEvery: sandbox.yieldEvery ?? 0 };
}

/**
 * The model's version of a native spec: the same program (the probe's loop, with its
 * sched_yield every Nth unlock) under the same scheduling class (SCHED_RR is modelled as
 * "round-robin") on the simulated platform.
 */
export function modelSpec(spec: Spec, platform: Spec['platform'], sched: NativeScheduling = { roundRobin: false, yieldEvery: 0 }): Spec {
  const { libc: _libc, compare: _compare, ...rest } = spec as Spec & { libc?: string };
  const work = { ...spec.work, ...PROBE_WORK, ...(sched.yieldEvery > 0 ? { yieldEvery: sched.yieldEvery } : {}) };
  return {
    ...rest, engine: 'sim', platform, work,
    processes: spec.processes.map((p) => ({ ...p, work })),
    ...(sched.roundRobin ? { scheduling: 'round-robin' as const } : {}),
    // what the simulator would have filled in for a sim spec; the watchpoints cost it nothing
    tools: { ...spec.tools, watchpoint: { process: 'all', field: 'owner' } },
    // Enough simulated steps for every planned cycle (STEPS_PER_CYCLE): the model must not stop
    // as limit_exceeded where the native runs finish (seen with 2 x 2 x 100000).
    limits: {
      maxSteps: Math.min(LIMITS.maxSteps.maximum, Math.max(spec.limits.maxSteps, STEPS_PER_CYCLE * spec.processCount * spec.threadsPerProcess * spec.iterations)),
      timeoutMs: LIMITS.timeoutMs.default,
    },
  };
}

export function compareDistributions(native: Distribution, model: Distribution | null, choice: { platform: string | null; reason: string }, libc: { name: string; version: string }): Comparison {
  const classes: ComparisonClass[] = OUTCOMES.filter((o) => native.outcomes[o] > 0 || (model?.outcomes[o] ?? 0) > 0).map((o) => ({
    outcome: o, native: native.outcomes[o], model: model?.outcomes[o] ?? 0,
    observedNatively: native.outcomes[o] > 0, allowedByModel: (model?.outcomes[o] ?? 0) > 0,
  }));
  const disagreements: Disagreement[] = model ? classes.filter((c) => c.observedNatively && !c.allowedByModel).map((c) => {
    const ex = native.examples[c.outcome]!;
    const e = ex.result.evidence as Record<string, unknown>;
    const evidence: Record<string, unknown> = {
      processes: ex.result.processes.map((p) => ({ index: p.index, pid: p.pid, acquisitions: p.acquisitions, exit: p.exit })),
      counter: ex.result.counter, mutualExclusion: ex.result.mutualExclusion,
      mutex: (e.mutex as Record<string, unknown> | undefined)?.words ?? null,
      blocked: e.blocked ?? [], recoveries: e.recoveries ?? [],
    };
    return { outcome: c.outcome, native: c.native, model: c.model, example: { run: ex.run, summary: ex.result.verdict.summary, cause: ex.result.verdict.cause, evidence } };
  }) : [];
  const nativeWords = classes.filter((c) => c.observedNatively).map((c) => `${c.outcome} ${c.native}`).join(', ');
  const modelWords = model ? classes.filter((c) => c.allowedByModel).map((c) => `${c.outcome} ${c.model}`).join(', ') : '';
  const verdict: Comparison['verdict'] = !model ? 'no_model' : disagreements.length === 0 ? 'agree' : 'disagree';
  const summary = !model
    ? `no model to compare with: ${choice.reason}; native ${native.runs} runs: ${nativeWords}`
    : verdict === 'agree'
      ? `agree: every outcome observed in ${native.runs} native runs on ${libc.name} ${libc.version} (${nativeWords}) is produced by the ${choice.platform} model in ${model.runs} runs (${modelWords})`
      : `disagree: ${disagreements.map((d) => `${d.outcome} (${d.native} of ${native.runs} native runs)`).join(', ')} never produced by the ${choice.platform} model in ${model.runs} runs (${modelWords}); the first native ${disagreements[0]!.outcome}: ${disagreements[0]!.example.summary}`;
  return {
    verdict, summary,
    native: { platform: native.platform, libc, runs: native.runs },
    model: { platform: choice.platform, reason: choice.reason, runs: model?.runs ?? 0, distribution: model },
    classes, disagreement: disagreements[0] ?? null, disagreements,
  };
}

export async function runCompare(spec: Spec, options: Omit<RepeatRunOptions, 'side' | 'deadline'> = {}): Promise<RepeatOutput & { comparison: Comparison }> {
  if (spec.engine !== 'native') throw new Error('compare runs a native spec against its model');
  const started = performance.now();
  const deadline = started + LIMITS.repeatTimeMs.default;
  const native = await runRepeat(spec, { ...options, side: 'native', deadline });
  const libc = native.distribution.libc ?? libcOf(native.result);
  const choice = modelFor(libc);
  let model: RepeatOutput | null = null;
  if (choice.platform && !options.signal?.aborted) {
    model = await runRepeat({ ...modelSpec(spec, choice.platform, nativeScheduling(native.result)), repeat: spec.repeat ?? LIMITS.repeat.default }, { ...options, side: 'model', deadline });
  }
  const comparison = compareDistributions(native.distribution, model?.distribution ?? null, choice, libc);
  const result = { ...native.result, comparison };
  result.stats = { ...result.stats, engineMs: Math.round((performance.now() - started) * 1000) / 1000 };
  return { ...native, result, comparison };
}
