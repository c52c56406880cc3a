// What the API does with experiments, apart from HTTP: validate a body into a spec, record it,
// queue it, cancel it. Routes stay thin; tests and the benchmark can call this directly.
import { createHash, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import canonicalize from 'canonicalize';
import { platformFor, UnsupportedSpecError } from '../../engine/sim.js';
import { validateSpec, type Spec } from '../../engine/spec.js';
import { applyPreset, listPresets } from '../../runner/presets.js';
import { chooseSeed } from '../../runner/seed.js';
import { Problem } from '../errors.js';
import type { EventHub } from '../../jobs/events.js';
import { Admission } from '../../jobs/admission.js';
import type { QueuedJob } from '../../jobs/queue.js';
import { specFromReplay } from './replay.js';
import { chunksOf, enqueueExperiment, EXPLORE_CHUNK_SCHEDULES } from '../../jobs/explore-flow.js';
import { TERMINAL, type ExperimentRecord, type ExperimentStore } from '../../jobs/store.js';

export interface SubmitOptions { idempotencyKey?: string }

/** How stale the stored-trace total may be when a POST checks TRACE_STORE_MAX_BYTES. */
const STORAGE_READ_EVERY_MS = 1000;
export interface Submitted { id: string; created: boolean }

/** JSON in RFC 8785 canonical form (sorted keys), so two bodies that differ only in member order hash alike. */
const canonical = (value: unknown): string => canonicalize(value) ?? '';

/** What a body asks for: a spec, and the replay token when it is {"replay": TOKEN}. */
export interface Submission { spec: Spec; replay?: string }

/** A request body -> a normalised spec, or a Problem naming every bad field at once. */
export function specFromBody(body: unknown): Submission {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Problem('invalid_spec', 'the body must be a JSON object: a spec or {"preset": NAME}', { errors: [{ field: '(body)', message: 'must be a JSON object' }] });
  }
  if ('replay' in body) return specFromReplay(body as Record<string, unknown>);
  let input: unknown = body;
  if ('preset' in body) {
    const name = (body as { preset: unknown }).preset;
    if (typeof name !== 'string') {
      throw new Problem('invalid_spec', 'preset must be a string', { errors: [{ field: 'preset', message: 'must be a string naming a preset' }] });
    }
    input = applyPreset(body as Record<string, unknown>);
    if (input === undefined) {
      const names = listPresets().map((p) => p.name);
      throw new Problem('unknown_preset', `no preset "${name}"; known: ${names.join(', ')}`, { errors: [{ field: 'preset', message: `must be one of ${names.join(', ')}` }] });
    }
  }
  const checked = validateSpec(input, chooseSeed);
  if (!checked.ok) {
    const errors = checked.errors;
    throw new Problem('invalid_spec', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
  }
  if (checked.spec.engine === 'sim') {
    // Valid in general but not on this platform (e.g. a robust USYNC_THREAD mutex, which Solaris 9/10's
    // mutex_init refuses): refused here, before queueing, as the CLI refuses it with exit 2.
    try { platformFor(checked.spec); } catch (err) {
      if (!(err instanceof UnsupportedSpecError)) throw err;
      throw new Problem('invalid_spec', `${err.field} ${err.message}`, { errors: [{ field: err.field, message: err.message }] });
    }
  }
  return { spec: checked.spec };
}

export class ExperimentService {
  /** Group commit of plain submissions (admission.ts). */
  readonly admission: Admission;

  constructor(
    readonly store: ExperimentStore,
    readonly queue: Queue<QueuedJob>,
    readonly hub: EventHub,
    private readonly maxQueued: number,
    private readonly traceStoreMaxBytes = 0,
    private readonly exploreChunk = EXPLORE_CHUNK_SCHEDULES,
  ) {
    this.admission = new Admission(store, queue, maxQueued);
  }

  /** The stored-trace total as last read: read at most once a second, not once per POST. */
  private traceBytes = { value: 0, readAt: 0 };
  /**
   * The read on its way, shared by every POST that finds the total stale meanwhile: one GET
   * instead of one per POST, and those POSTs go on together when it answers, so they still
   * share one admission flush (each on its own reply, they were split over several).
   */
  private traceBytesRead: Promise<void> | undefined;

  private async checkStorage(): Promise<void> {
    if (this.traceStoreMaxBytes <= 0) return;
    if (Date.now() - this.traceBytes.readAt > STORAGE_READ_EVERY_MS) {
      this.traceBytesRead ??= this.store.storedTraceBytes()
        .then((value) => { this.traceBytes = { value, readAt: Date.now() }; })
        .finally(() => { this.traceBytesRead = undefined; });
      await this.traceBytesRead;
    }
    if (this.traceBytes.value >= this.traceStoreMaxBytes) {
      throw new Problem('storage_full', `stored traces take ${this.traceBytes.value} bytes, TRACE_STORE_MAX_BYTES is ${this.traceStoreMaxBytes}; space comes back as experiments expire (RESULT_TTL) or are deleted`, { retryAfter: 60 });
    }
  }

  async submit(body: unknown, opts: SubmitOptions = {}): Promise<Submitted> {
    const { spec, replay } = specFromBody(body);
    await this.checkStorage();
    const id = randomUUID();
    const idempotencyKey = opts.idempotencyKey;
    if (!idempotencyKey && !replay && !chunksOf(spec, this.exploreChunk)) {
      // the common case, batched with whatever else is being submitted right now
      if (await this.admission.admit(id, spec) === 'full') throw this.queueFull();
      return { id, created: true };
    }
    const bodyHash = idempotencyKey ? createHash('sha256').update(canonical(body)).digest('hex') : undefined;
    const created = await this.store.create(id, spec, { maxQueued: this.maxQueued, idempotencyKey, bodyHash, ...(replay ? { replay } : {}) });
    switch (created.kind) {
      case 'full':
        throw this.queueFull();
      case 'idempotency_mismatch':
        throw new Problem('idempotency_mismatch', `Idempotency-Key "${idempotencyKey}" was first used with another body (experiment ${created.id})`);
      case 'idempotency_in_flight':
        throw new Problem('idempotency_in_flight', `the first request with Idempotency-Key "${idempotencyKey}" is still being queued`, { retryAfter: 1 });
      case 'existing':
        return { id: created.id, created: false };
    }
    try {
      await enqueueExperiment(this.queue, id, spec, this.exploreChunk);
    } catch (err) {
      // not awaited: while Redis does not answer it would add two command timeouts to this
      // request's wait; if it fails, the reaper queues the record (and answers its key) instead
      void this.store.abandon(id, idempotencyKey).catch(() => {});
      throw err;
    }
    if (idempotencyKey) await this.store.confirmQueued(id, idempotencyKey, bodyHash);
    return { id, created: true };
  }

  private queueFull(): Problem {
    return new Problem('queue_full', `more than MAX_QUEUED (${this.maxQueued}) experiments are waiting; try again later`, { retryAfter: 10 });
  }

  /** Waits up to `ms` for the experiment to finish; true if it did. */
  waitForFinish(id: string, ms: number): Promise<boolean> {
    return this.hub.waitForFinish(id, ms, async () => {
      const version = await this.store.get(id);
      return version === undefined || TERMINAL.has(version.status);
    });
  }

  /**
   * Cancels a queued or running experiment (a running engine is stopped by its worker, which
   * hears it on the cancel channel), or deletes a finished one. Undefined when unknown.
   */
  async cancelOrDelete(id: string): Promise<'cancelled' | 'deleted' | undefined> {
    const cancelled = await this.store.cancel(id);
    if (cancelled.kind === 'gone') return undefined;
    if (cancelled.kind === 'cancelled') {
      // a waiting job is removed outright; an active one is locked and is stopped by its worker
      if (cancelled.previous === 'queued') await this.queue.remove(id).catch(() => 0);
      return 'cancelled';
    }
    return (await this.store.delete(id)) ? 'deleted' : undefined;
  }
}

export function links(id: string) {
  return { self: `/experiments/${id}`, trace: `/experiments/${id}/trace` };
}

function iso(ms: number): string;
function iso(ms: number | null): string | null;
function iso(ms: number | null): string | null { return ms === null ? null : new Date(ms).toISOString(); }

/** The record as GET /experiments/{id} shows it. */
export function representation(record: ExperimentRecord) {
  return {
    id: record.id,
    status: record.status,
    spec: record.spec,
    ...(record.replay ? { replay: record.replay } : {}),
    queuedAt: iso(record.queuedAt),
    startedAt: iso(record.startedAt),
    finishedAt: iso(record.finishedAt),
    progress: record.progress,
    attempts: record.attempts,
    result: record.result,
    error: record.error,
    trace: record.trace,
    links: links(record.id),
  };
}
