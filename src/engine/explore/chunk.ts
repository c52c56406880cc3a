// Runs a range of an exploration's schedules and counts what happened. A chunk is the unit a
// worker runs; its report is small plain data, and mergeReports() of the chunks of [0, N) is
// the same whatever the split (counts add up, the first failure is the lowest index).
// The caller drives it in batches (runBatch) so that it can report progress and stop at a
// time budget: the engine itself has no clock.
import { SimRig } from '../rig.js';
import { outcomeOf } from '../verdict.js';
import { DfsScheduler } from '../schedulers/dfs.js';
import type { Schedule } from '../schedulers/replay.js';
import type { Outcome } from '../outcome.js';
import type { Spec, Strategy } from '../spec.js';
import { RecordingScheduler } from './recorder.js';
import { scheduleSeed, schedulerFor, type ExplorePlan } from './plan.js';

export interface FailureRecord {
  /** Index of the schedule in the exploration. */
  index: number;
  outcome: Outcome;
  /** The seed that run used (the spec's seed for dfs). */
  seed: number;
  schedule: Schedule;
  preemptions: number;
  steps: number;
}

export interface ChunkReport {
  strategy: Strategy;
  from: number;
  /** Exclusive end of the range asked for. */
  to: number;
  /** Schedules actually run (fewer than to - from when stopped early or a dfs space ran out). */
  ran: number;
  outcomes: Partial<Record<Outcome, number>>;
  failures: number;
  /** Simulated steps over all runs. */
  steps: number;
  /** The failing schedule of lowest index (its `steps` are the whole run's; finish.ts measures the steps to the failure). */
  firstFailure: FailureRecord | null;
  /** The first failure of each failing outcome (the lowest index per outcome). */
  firstByOutcome: Partial<Record<Outcome, FailureRecord>>;
  /** dfs only: the bounded space was covered completely. */
  exhausted: boolean;
  /** dfs only: runs that repeated a schedule of a lower preemption bound (run to find the way, not counted). */
  repeatRuns: number;
  /** Stopped before the end of its range by the caller: the time budget or a cancel (null: it ran its range, or the dfs space ran out). */
  stoppedBy: ChunkStop | null;
}

export type ChunkStop = 'time' | 'cancelled';

export class ChunkRunner {
  private next: number;
  private readonly report: ChunkReport;
  // dfs: iterative preemption bounding (CHESS). Round b runs the depth-first search bounded by
  // b preemptions and counts only the schedules with exactly b: those with fewer were counted
  // in an earlier round (they are run again, because a stateless search learns its way by running).
  private bound = 0;
  private dfs: DfsScheduler | null;
  private dfsRecorder: RecordingScheduler | null;
  /** Every schedule runs on one machine, reset between runs (no trace is kept here). */
  private readonly rig: SimRig;

  constructor(private readonly spec: Spec, private readonly plan: ExplorePlan, from: number, to: number) {
    if (plan.strategy === 'dfs' && from !== 0) throw new Error('dfs explorations run as one chunk (their schedules are not addressed by index)');
    this.next = from;
    this.report = { strategy: plan.strategy, from, to, ran: 0, outcomes: {}, failures: 0, steps: 0, firstFailure: null, firstByOutcome: {}, exhausted: false, repeatRuns: 0, stoppedBy: null };
    this.dfs = plan.strategy === 'dfs' ? new DfsScheduler(0) : null;
    this.dfsRecorder = this.dfs ? new RecordingScheduler(this.dfs) : null;
    this.rig = new SimRig(spec);
  }

  get done(): boolean { return this.next >= this.report.to || this.report.exhausted || this.report.stoppedBy !== null; }
  get ran(): number { return this.report.ran; }
  get failures(): number { return this.report.failures; }

  /** Run up to `n` more schedules; returns whether the chunk is finished. */
  runBatch(n: number): boolean {
    const end = Math.min(this.report.to, this.next + n);
    while (this.next < end && !this.report.exhausted) {
      if (this.dfs) this.runDfs(); else this.runIndexed();
      this.next++;
    }
    return this.done;
  }

  /** Stop early (the caller's time budget ran out, or the run was cancelled); the report says what was covered. */
  stop(reason: ChunkStop): void { if (!this.done) this.report.stoppedBy = reason; }

  result(): ChunkReport { return { ...this.report, outcomes: { ...this.report.outcomes }, firstByOutcome: { ...this.report.firstByOutcome } }; }

  /** Count a run; true when it is the first failure of its outcome in this chunk (then call noteFailure). */
  private count(outcome: Outcome, steps: number): boolean {
    const r = this.report;
    r.ran++;
    r.steps += steps;
    r.outcomes[outcome] = (r.outcomes[outcome] ?? 0) + 1;
    if (outcome === 'ok') return false;
    r.failures++;
    return r.firstByOutcome[outcome] === undefined;
  }

  private noteFailure(f: FailureRecord): void {
    this.report.firstByOutcome[f.outcome] = f;
    if (this.report.firstFailure === null) this.report.firstFailure = f;
  }

  private runIndexed(): void {
    const i = this.next;
    const seed = scheduleSeed(this.spec.seed, i);
    const exec = this.rig.execute(seed, schedulerFor(this.plan, seed));
    const outcome = outcomeOf(exec);
    if (!this.count(outcome, exec.machine.steps)) return;
    // First failure of its kind in this chunk: run it again, recorded (runs are deterministic).
    const rec = new RecordingScheduler(schedulerFor(this.plan, seed));
    const replayed = this.rig.execute(seed, rec);
    this.noteFailure({ index: i, outcome, seed, schedule: rec.schedule(), preemptions: rec.preemptions, steps: replayed.machine.steps });
  }

  /** One counted dfs schedule (after as many repeat runs as the search needs to reach it). */
  private runDfs(): void {
    for (;;) {
      const rec = this.dfsRecorder!;
      const exec = this.rig.execute(this.spec.seed, rec);
      const counted = rec.preemptions === this.bound;
      if (counted) {
        const outcome = outcomeOf(exec);
        if (this.count(outcome, exec.machine.steps)) {
          this.noteFailure({ index: this.next, outcome, seed: this.spec.seed, schedule: rec.schedule(), preemptions: rec.preemptions, steps: exec.machine.steps });
        }
      } else this.report.repeatRuns++;
      if (!this.dfs!.advance()) {
        if (this.bound === this.plan.maxPreemptions) { this.report.exhausted = true; return; }
        this.bound++;
        this.dfs = new DfsScheduler(this.bound);
        this.dfsRecorder = new RecordingScheduler(this.dfs);
      }
      if (counted) return;
    }
  }
}

/** Merge chunk reports (any order, any split) into one report over their union. */
export function mergeReports(reports: readonly ChunkReport[]): ChunkReport {
  if (reports.length === 0) throw new Error('mergeReports: no reports');
  const sorted = [...reports].sort((a, b) => a.from - b.from);
  const out: ChunkReport = { strategy: sorted[0]!.strategy, from: sorted[0]!.from, to: sorted[sorted.length - 1]!.to, ran: 0, outcomes: {}, failures: 0, steps: 0, firstFailure: null, firstByOutcome: {}, exhausted: false, repeatRuns: 0, stoppedBy: null };
  for (const r of sorted) {
    out.ran += r.ran;
    out.failures += r.failures;
    out.steps += r.steps;
    for (const [k, v] of Object.entries(r.outcomes) as [Outcome, number][]) out.outcomes[k] = (out.outcomes[k] ?? 0) + v;
    if (r.firstFailure && (out.firstFailure === null || r.firstFailure.index < out.firstFailure.index)) out.firstFailure = r.firstFailure;
    for (const f of Object.values(r.firstByOutcome)) {
      const have = out.firstByOutcome[f.outcome];
      if (!have || f.index < have.index) out.firstByOutcome[f.outcome] = f;
    }
    out.repeatRuns += r.repeatRuns;
    // A cancel says more than a time budget: it is what the user did.
    if (r.stoppedBy && out.stoppedBy !== 'cancelled') out.stoppedBy = r.stoppedBy;
    out.exhausted ||= r.exhausted;
  }
  // Canonical key order, so that merged reports compare equal as JSON whatever the split.
  const sortKeys = <T>(o: Partial<Record<Outcome, T>>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) as Partial<Record<Outcome, T>>;
  out.outcomes = sortKeys(out.outcomes);
  out.firstByOutcome = sortKeys(out.firstByOutcome);
  return out;
}

/** Split [0, n) into `parts` contiguous chunks of near-equal size. */
export function splitRange(n: number, parts: number): { from: number; to: number }[] {
  const k = Math.max(1, Math.min(parts, n));
  const out = [];
  for (let i = 0; i < k; i++) out.push({ from: Math.floor((i * n) / k), to: Math.floor(((i + 1) * n) / k) });
  return out;
}
