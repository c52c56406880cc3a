// Issue 4, acceptance 6: 200 experiments (crashing, hanging, clean, in a namespace and on the
// host IPC namespace) leave no segment in `ipcs -m` and no process; an abort kills the group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNativeEngine } from '../../src/native/engine.js';
import { hostSegmentKeys, nativeSpec, processesInGroups } from './helpers.js';

const SHAPES = [
  { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 20_000, cpus: 2 },                        // crash or violation
  { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2, iterations: 20_000, cpus: 2 },  // usually hang
  { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 20_000, cpus: 2, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 10 }] }, // hang
  { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 2_000 },                                   // ok
];

// Other people's programs may create segments and run probes meanwhile: look for OUR keys and
// OUR process groups only.
test('200 mixed experiments leave no segment and no process behind', async () => {
  const groups = new Set<number>();
  const hostKeys = new Set<string>();
  const isolated = createNativeEngine({ hangMs: 40, onProbeGroup: (g) => groups.add(g) });
  const onHost = createNativeEngine({ hangMs: 40, isolate: false, onProbeGroup: (g) => groups.add(g) });
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 200; i++) {
    const engine = i % 4 === 3 ? onHost : isolated; // every fourth on the host IPC namespace, unique key
    const r = await engine.run(nativeSpec(SHAPES[i % SHAPES.length]));
    outcomes.set(r.verdict.outcome, (outcomes.get(r.verdict.outcome) ?? 0) + 1);
    if (i % 4 === 3) {
      const sandbox = r.evidence.sandbox as { ipcNamespace: boolean; key: string };
      assert.equal(sandbox.ipcNamespace, false);
      hostKeys.add(sandbox.key);
    }
  }
  assert.equal(groups.size, 200);
  assert.equal(hostKeys.size, 50, 'every host run had a key of its own');
  assert.ok((outcomes.get('ok') ?? 0) >= 40, `outcomes ${JSON.stringify([...outcomes])}`);
  assert.ok((outcomes.get('hang') ?? 0) >= 40, `outcomes ${JSON.stringify([...outcomes])}`);
  assert.ok((outcomes.get('crash') ?? 0) + (outcomes.get('mutual_exclusion_violation') ?? 0) > 0, `outcomes ${JSON.stringify([...outcomes])}`);
  assert.deepEqual(hostSegmentKeys().filter((k) => hostKeys.has(k)), [], 'ipcs -m lists none of our keys');
  assert.deepEqual(processesInGroups(groups), []);
});

test('aborting a run kills the whole group and rejects with AbortError', async () => {
  const groups = new Set<number>();
  // A run that cannot end by itself for a minute: its holder is killed, the others sleep in futex wait.
  const engine = createNativeEngine({ isolate: false, hangMs: 60_000, settleMs: 60_000, onProbeGroup: (g) => groups.add(g) });
  const controller = new AbortController();
  const spec = nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 1_000_000, cpus: 2, limits: { timeoutMs: 60_000 }, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 1 }] });
  const running = engine.run(spec, { signal: controller.signal });
  // the supervisor and the two sleeping processes (slow to appear on a loaded host)
  for (let waited = 0; processesInGroups(groups).length < 3 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(processesInGroups(groups).length >= 3, 'supervisor and experiment processes are running');
  const key = '0x' + (0x4d000000 | ([...groups][0] & 0xffffff)).toString(16); // the probe's host-namespace key
  controller.abort();
  await assert.rejects(running, { name: 'AbortError' });
  assert.deepEqual(processesInGroups(groups), []);
  assert.ok(!hostSegmentKeys().includes(key), `no segment with key ${key}`);
});
