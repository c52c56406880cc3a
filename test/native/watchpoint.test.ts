// Native watchpoints are opt-in: where the hypervisor delivers debug exceptions, every watched
// store traps into the kernel and a run slows a hundredfold (src/engine/spec.ts). Asked for, a
// watchpoint reports what it measured, or says plainly that its counts are derived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNativeEngine } from '../../src/native/engine.js';
import { validateSpec } from '../../src/engine/spec.js';
import { nativeSpec } from './helpers.js';

const engine = createNativeEngine({ hangMs: 150 });

test('a native spec watches nothing by default; a simulated one watches owner in every process', () => {
  assert.equal(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2 }).tools.watchpoint, false);
  const sim = validateSpec({ mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234' }, () => 7);
  assert.ok(sim.ok);
  assert.deepEqual(sim.spec.tools.watchpoint, { process: 'all', field: 'owner' });
});

test('native: no watchpoint evidence unless asked; asked, one entry per process, measured or labelled derived', async () => {
  const plain = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 1000 }));
  assert.equal(plain.verdict.outcome, 'ok');
  assert.deepEqual(plain.evidence.watchpoints, []);

  const watched = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 1000, tools: { watchpoint: { process: 'all' } } }));
  assert.equal(watched.verdict.outcome, 'ok');
  const w = watched.evidence.watchpoints as { pid: number; available: boolean; fired: number; ownWrites: number; foreignWrites: number; note: string }[];
  assert.equal(w.length, 2);
  for (const entry of w) {
    // glibc stores __owner twice per lock/unlock cycle: 1000 cycles each, 2000 own stores each
    assert.equal(entry.ownWrites, 2000);
    assert.equal(entry.foreignWrites, 2000);
    if (entry.available) {
      assert.equal(entry.fired, entry.ownWrites);
      assert.match(entry.note, /trapped into the kernel/);
    } else {
      assert.equal(entry.fired, 0);
      assert.match(entry.note, /derived from acquisitions/);
    }
  }
});
