// Issue 4, acceptance 6: 200 experiments (crashing, hanging, clean, in a namespace and on the
// host IPC namespace) leave no segment in `ipcs -m` and no process; an abort kills the group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNativeEngine } from '../../src/native/engine.js';
import { hostSegmentKeys, nativeSpec, probeProcesses } from './helpers.js';

const SHAPES = [
  { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 20_000, cpus: 2 },                        // crash or violation
  { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2, iterations: 20_000, cpus: 2 },  // usually hang
  { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 2_000, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 10 }] }, // hang
  { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 2_000 },                                   // ok
];

test('200 mixed experiments leave no segment and no process behind', async () => {
  const before = hostSegmentKeys();
  const isolated = createNativeEngine({ hangMs: 40 });
  const onHost = createNativeEngine({ hangMs: 40, isolate: false });
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const engine = i % 4 === 3 ? onHost : isolated; // every fourth on the host IPC namespace, unique key
    const r = await engine.run(nativeSpec(SHAPES[i % SHAPES.length]));
    outcomes.set(r.verdict.outcome, (outcomes.get(r.verdict.outcome) ?? 0) + 1);
    if (i % 4 === 3) assert.equal((r.evidence.sandbox as { ipcNamespace: boolean }).ipcNamespace, false);
  }
  assert.ok((outcomes.get('ok') ?? 0) >= 40, `outcomes ${JSON.stringify([...outcomes])}`);
  assert.ok((outcomes.get('hang') ?? 0) >= 40, `outcomes ${JSON.stringify([...outcomes])}`);
  assert.ok((outcomes.get('crash') ?? 0) + (outcomes.get('mutual_exclusion_violation') ?? 0) > 0, `outcomes ${JSON.stringify([...outcomes])}`);
  assert.deepEqual(hostSegmentKeys(), before, 'ipcs -m lists the same segments as before');
  assert.deepEqual(probeProcesses(), []);
});

test('aborting a run kills the whole group and rejects with AbortError', async () => {
  const before = hostSegmentKeys();
  // A run that cannot end by itself for a minute: its holder is killed, the others sleep in futex wait.
  const engine = createNativeEngine({ isolate: false, hangMs: 60_000 });
  const controller = new AbortController();
  const spec = nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 1_000_000, cpus: 2, limits: { timeoutMs: 60_000 }, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 1 }] });
  const running = engine.run(spec, { signal: controller.signal });
  // the supervisor and the two sleeping processes (slow to appear on a loaded host)
  for (let waited = 0; probeProcesses().length < 3 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(probeProcesses().length >= 3, 'supervisor and experiment processes are running');
  controller.abort();
  await assert.rejects(running, { name: 'AbortError' });
  assert.deepEqual(probeProcesses(), []);
  assert.deepEqual(hostSegmentKeys(), before);
});
