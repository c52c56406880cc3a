// Status events. The store's scripts write every change of an experiment twice, atomically with
// the change: XADD to the experiment's own stream P:x:{id}:events (ids replayable, e.g. as SSE
// Last-Event-ID) and PUBLISH on P:events (live fan-out: one event per message, or, from the
// scripts that change many experiments at once, {"batch": [event, ...]}). The one exception is
// the first event, 'queued' at creation: it is only published, with the fixed id
// QUEUED_STREAM_ID, because the record itself says when it was queued. Creating a stream per
// submission was a third of the Redis time a POST cost (XADD of a new key and its EXPIRE,
// 19 of 59 us); the stream now starts with the next event (record.lua, emit).
// This class is the live side for one process: one subscriber connection, any number of
// in-process listeners keyed by experiment id.
import { EventEmitter } from 'node:events';
import type { RedisClient } from './redis.js';

export interface ExperimentEvent {
  id: string;
  event: 'queued' | 'running' | 'progress' | 'completed' | 'failed' | 'cancelled' | 'deleted';
  status: string;
  streamId: string;
  [extra: string]: string;
}

/** The id of the 'queued' event that opens every experiment's events: below every id a stream gives out. */
export const QUEUED_STREAM_ID = '0-1';

const FINISHING = new Set(['completed', 'failed', 'cancelled', 'deleted']);

export class EventHub {
  private readonly emitter = new EventEmitter();
  private started: Promise<unknown> | undefined;
  /** Listeners registered through on(); while there are none, published events are not parsed. */
  private listeners = 0;

  constructor(private readonly subscriber: RedisClient, private readonly channel: string) {
    this.emitter.setMaxListeners(0);
    subscriber.on('message', (ch: string, message: string) => {
      if (ch !== this.channel) return;
      // Every flush of POSTs publishes its 'queued' batch, and this process hears all of them:
      // nobody here follows an experiment (no ?wait, no event stream open), so none is parsed.
      if (this.listeners === 0) return;
      let parsed: ExperimentEvent | { batch: ExperimentEvent[] };
      try { parsed = JSON.parse(message) as ExperimentEvent | { batch: ExperimentEvent[] }; } catch { return; }
      // the store's *_MANY scripts publish the events of many experiments as one message
      if (Array.isArray(parsed.batch)) for (const event of parsed.batch) this.deliver(event);
      else this.deliver(parsed as ExperimentEvent);
    });
  }

  private deliver(event: ExperimentEvent): void {
    this.emitter.emit(event.id, event);
    this.emitter.emit('*', event);
  }

  start(): Promise<unknown> {
    this.started ??= this.subscriber.subscribe(this.channel);
    return this.started;
  }

  /** Calls `listener` for every event of experiment `id` (or of all, with '*'); returns the unsubscribe. */
  on(id: string, listener: (e: ExperimentEvent) => void): () => void {
    this.emitter.on(id, listener);
    this.listeners++;
    let on = true;
    return () => {
      if (!on) return; // an unsubscribe called twice must not count twice
      on = false;
      this.listeners--;
      this.emitter.off(id, listener);
    };
  }

  /**
   * Resolves with the finishing event, or undefined after `ms`. Subscribe first, then check the
   * record (`alreadyFinished`), so an event between the two cannot be missed.
   */
  async waitForFinish(id: string, ms: number, alreadyFinished: () => Promise<boolean>): Promise<boolean> {
    await this.start();
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (value: boolean) => { if (!done) { done = true; clearTimeout(timer); off(); resolve(value); } };
      const off = this.on(id, (e) => { if (FINISHING.has(e.event)) finish(true); });
      const timer = setTimeout(() => finish(false), ms);
      alreadyFinished().then((yes) => { if (yes) finish(true); }, () => finish(false));
    });
  }
}
