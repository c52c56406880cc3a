// EventHub (src/jobs/events.ts) parses what is published only while something in the process
// listens. These check that skipping costs no event anyone asked for: a listener added after a
// quiet stretch hears the next event, and an unsubscribe called twice does not make the hub
// believe nobody listens while someone still does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventHub, type ExperimentEvent } from '../../src/jobs/events.js';
import { connectRedis, whenReady } from '../../src/jobs/redis.js';
import { cleanUp, testConfig } from '../service/helpers.js';

test('EventHub: events reach the listeners there are, before and after a stretch with none', async (t) => {
  const config = testConfig();
  const publisher = connectRedis(config, 'worker', 'test-events');
  const subscriber = connectRedis(config, 'subscriber', 'test-events');
  t.after(async () => { publisher.disconnect(); subscriber.disconnect(); await cleanUp(config); });
  await whenReady(publisher, 10_000);
  const channel = `${config.prefix}:events`;
  const hub = new EventHub(subscriber, channel);
  await hub.start();
  const event = (id: string, n: number): ExperimentEvent => ({ id, event: 'progress', status: 'running', streamId: `${n}-0` });
  // one message per event and one batch (the *_MANY scripts' form)
  const publish = (events: ExperimentEvent[]) => publisher.publish(channel, JSON.stringify(events.length === 1 ? events[0] : { batch: events }));
  const heard = (id: string, listen: (l: (e: ExperimentEvent) => void) => () => void, send: () => Promise<unknown>) =>
    new Promise<{ event: ExperimentEvent; off: () => void }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no event for ${id}`)), 5000);
      const off = listen((e) => { if (e.id === id) { clearTimeout(timer); resolve({ event: e, off }); } });
      void send();
    });

  await publish([event('nobody', 1)]); // nobody listens: not parsed, nothing to deliver
  const first = await heard('a', (l) => hub.on('a', l), () => publish([event('a', 2)]));
  assert.equal(first.event.streamId, '2-0');
  first.off();
  first.off(); // twice: must count once

  // the only listener now: had the double unsubscribe counted twice, the hub would skip this
  const second = await heard('b', (l) => hub.on('b', l), () => publish([event('b', 3)]));
  assert.equal(second.event.streamId, '3-0', 'heard after the double unsubscribe');
  const all: ExperimentEvent[] = [];
  const offAll = hub.on('*', (e) => all.push(e));
  const third = await heard('d', (l) => hub.on('d', l), () => publish([event('c', 4), event('d', 5)]));
  assert.deepEqual(all.map((e) => e.id), ['c', 'd'], 'a batch reaches the catch-all listener in order');
  second.off(); third.off();
  offAll();
});
