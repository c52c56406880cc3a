// Issue 14 on real processes: `repeat` as one probe invocation, its distribution, faults that meet
// someone (or say that nobody was left), and the early hang rule. Each test is a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { OUTCOMES } from '../../src/engine/outcome.js';
import { DEFAULT_PROBE_PATH } from '../../src/native/probe-command.js';
import { parseProbeOutput, RepetitionSplitter } from '../../src/native/probe-output.js';
import type { Distribution } from '../../src/engine/distribution.js';
import { runRepeat } from '../../src/runner/repeat-run.js';
import { nativeSpec } from './helpers.js';

const ASSERTION = "Assertion `mutex->__data.__owner == 0' failed.";

// The shares of this shape drift with the host (crash 3 to 60 in 100 between batches taken
// minutes apart: README, "What the model still lacks"), so at the worst share seen about one
// batch in 20 has no crash. Every batch must be a well-formed distribution; the glibc
// assertion must come up in one of at most three batches.
test('repeat 100, PRIVATE 4 x 1 x 1000 on 2 CPUs: >= 2 outcome classes, the glibc assertion among them, an example each', async () => {
  const batches: string[] = [];
  let out;
  for (let attempt = 1; attempt <= 3; attempt++) {
    out = await runRepeat(nativeSpec({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 1000, cpus: 2, repeat: 100 }));
    const d = out.distribution;
    batches.push(JSON.stringify(d.outcomes));
    assert.equal(d.runs, 100);
    assert.equal(d.stoppedBy, 'done');
    assert.equal(Object.values(d.outcomes).reduce((a, b) => a + b, 0), 100);
    assert.ok(OUTCOMES.filter((o) => d.outcomes[o] > 0).length >= 2, `classes: ${JSON.stringify(d.outcomes)}`);
    for (const o of OUTCOMES) {
      assert.equal(Boolean(d.examples[o]), d.outcomes[o] > 0, `an example exactly for every outcome seen (${o})`);
      const obs = d.observation[o];
      assert.equal(obs.positive, d.outcomes[o]);
      assert.equal(obs.negative, 100 - d.outcomes[o]);
      assert.equal(obs.observed, d.outcomes[o] === 0 ? 'never' : d.outcomes[o] === 100 ? 'always' : 'sometimes');
      if (d.examples[o]) assert.equal(d.examples[o]!.result.verdict.outcome, o);
    }
    if (d.outcomes.crash > 0) break;
  }
  const d = out!.distribution;
  assert.ok(d.outcomes.crash > 0, `no crash in ${batches.length} batches of 100: ${batches.join(' ')}`);
  const crash = d.examples.crash!;
  assert.ok(crash.result.processes.some((p) => p.exit.kind === 'signaled' && p.exit.signal === 'SIGABRT' && (p.exit.message ?? '').includes(ASSERTION)), 'the crash example is the glibc assertion');
  assert.ok(crash.trace.length > 0, 'the example carries its trace');
  assert.equal(d.shown, 'crash', 'the most severe outcome is shown');
  assert.equal(out!.result.verdict.outcome, 'crash');
  assert.equal(out!.result.spec.repeat, 100);
  assert.deepEqual(d.libc, { name: 'glibc', version: crash.result.evidence.glibc });
});

const killShape = { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 1000, cpus: 2, repeat: 100, faults: [{ kill: 2, whileHolding: true, afterAcquisitions: 500 }] };

/**
 * The share of `outcome` over batches of 100 of `spec`, judged against `percent`: one batch, and
 * a second when the first falls short, so that the figure is the rate of 200 runs rather than the
 * luck of 100. Every run must be `outcome` or an ok whose summary says nobody was left.
 */
async function shareOf(spec: Record<string, unknown>, outcome: 'owner_died' | 'hang', percent: number) {
  const batches: Distribution[] = [];
  let seen = 0;
  for (let n = 1; n <= 2; n++) {
    const d = (await runRepeat(nativeSpec(spec))).distribution;
    batches.push(d);
    seen += d.outcomes[outcome];
    assert.equal(d.outcomes[outcome] + d.outcomes.ok, 100, JSON.stringify(d.outcomes));
    const missed = d.examples.ok?.result;
    if (missed) assert.match(missed.verdict.summary, /nobody was left to meet the dead owner/);
    if (seen >= percent * n) break;
  }
  assert.ok(seen >= percent * batches.length, `${outcome} ${seen} of ${100 * batches.length}: ${batches.map((b) => JSON.stringify(b.outcomes)).join(' ')}`);
  return batches.at(-1)!;
}

// Issue 14's acceptance 4. It was a declared TODO (93 of 100 in one CI run): in the misses the
// processes had started one after another (a woken process's first run came later than a whole
// run of the others) and the victim's 500th acquisition came after the others had finished. The
// probe now starts everyone together (child.c: start_together); measured since at load 1.5-5.5,
// 100 runs each: 100, 100, 98; on an idle host 100, 98, 97, 99, 98, 99; within a full test run 93
// (the misses are the victim's share of the lock, below the others': the result then says that
// nobody was left). 100 runs cannot tell 95% from 93%, so a short batch is followed by a second.
test('robust, 3 processes on 2 CPUs, process 2 killed holding at its 500th acquisition: owner_died in >= 95% of runs', async () => {
  const robust = await shareOf({ ...killShape, robust: true }, 'owner_died', 95);
  const died = robust.examples.owner_died!.result;
  assert.equal(typeof (died.evidence.sandbox as { startSpreadNs?: number }).startSpreadNs, 'number', 'the start spread is in the evidence');
});

// The same without robust: measured 99, 99, 98 hangs of 100 (the rest: nobody was left).
test('not robust, the same kill: a hang in >= 95% of runs, the rest "nobody was left"; a hang has a survivor asleep in futex wait', async () => {
  const plain = await shareOf(killShape, 'hang', 95);
  const hang = plain.examples.hang!.result;
  assert.ok((hang.evidence.faults as { survivorsWithWork: number }[])[0]!.survivorsWithWork > 0, 'the survivors had work when the owner died');
  assert.ok(hang.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)), 'a survivor sleeps in futex wait');
});

// Killed just after releasing the mutex, the victim holds nothing; a private mutex still
// hangs now and then (lost wake-ups: 6 of 50 in one batch, 28 to 41 of 50 in another hour). That
// hang is not the dead owner's, and the verdict used to say "killed while holding it" all the
// same. Now and then the victim itself hangs before its 3rd acquisition (one CI run's example):
// then the fault never fired and the verdict must say that instead. Every batch's example is
// checked against its own evidence; one with the kill taken must come up in at most 4 batches.
test('a hang after a kill that left the mutex free is told as the lost wake-up it is, not as the dead owner', async () => {
  const batches: string[] = [];
  let taken;
  for (let attempt = 1; attempt <= 4 && !taken; attempt++) {
    const d = (await runRepeat(nativeSpec({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 1000, cpus: 2, repeat: 50, faults: [{ kill: 1, whileHolding: false, afterAcquisitions: 3 }] }))).distribution;
    batches.push(JSON.stringify(d.outcomes));
    const hang = d.examples.hang?.result;
    if (!hang) continue;
    assert.doesNotMatch(hang.verdict.cause, /killed while holding/, hang.verdict.cause);
    assert.match(hang.verdict.cause, /private futex|FUTEX_PRIVATE/, 'the lost wake-up is the story');
    const fault = (hang.evidence.faults as { process: number; taken: boolean }[]).find((f) => f.process === 1)!;
    const victim = hang.processes[1]!;
    if (fault.taken) {
      taken = hang;
      assert.match(hang.verdict.cause, /Process 1 \(pid \d+\) was killed by the fault just after releasing the mutex, and at the end the mutex names none of its threads: this hang is not the dead owner's\./);
      assert.doesNotMatch(hang.verdict.cause, /never fired/);
    } else {
      batches.push(`(example: fault not taken, process 1 made ${victim.acquisitions})`);
      assert.ok(victim.acquisitions < 3);
      assert.ok(hang.verdict.cause.includes(`The injected fault on process 1 (pid ${victim.pid}) never fired: it made ${victim.acquisitions === 1 ? '1 acquisition' : `${victim.acquisitions} acquisitions`} of the mutex, short of the 3 after which it was to be killed.`), hang.verdict.cause);
      assert.doesNotMatch(hang.verdict.cause, /was killed by the fault/);
    }
  }
  assert.ok(taken, `no hang with the kill taken in ${batches.length} batches of 50: ${batches.join(' ')}`);
});

// Process 0 dies holding a mutex nothing recovers at its first acquisition, so process 2 sleeps
// before its 1000th and its own fault never fires. Measured: 100 of 100 runs (this spec with repeat 100,
// run once by hand). The verdict tells the dead owner's hang and the fault that never came.
test('a fault whose process hung first never fires, and the verdict says so with its count', async () => {
  const d = (await runRepeat(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 1000, cpus: 2, repeat: 10, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 1 }, { kill: 2, whileHolding: false, afterAcquisitions: 1000 }] }))).distribution;
  assert.equal(d.outcomes.hang, 10, JSON.stringify(d.outcomes));
  const r = d.examples.hang!.result;
  const p2 = r.processes[2]!;
  assert.deepEqual((r.evidence.faults as { process: number; taken: boolean }[]).map((f) => [f.process, f.taken]), [[0, true], [2, false]]);
  assert.match(r.verdict.cause, /Process 0 \(pid \d+\) was killed while holding it/);
  assert.ok(r.verdict.cause.includes(`The injected fault on process 2 (pid ${p2.pid}) never fired: it made ${p2.acquisitions} acquisitions of the mutex, short of the 1000 after which it was to be killed.`), r.verdict.cause);
});

test('a kill with nobody left to meet the dead owner says so plainly', async () => {
  const d = (await runRepeat(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 1, iterations: 100, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 100 }], repeat: 3 }))).distribution;
  assert.deepEqual(d.outcomes.ok, 3);
  const r = d.examples.ok!.result;
  assert.deepEqual((r.evidence.faults as unknown[])[0], { process: 0, pid: r.processes[0]!.pid, taken: true, survivorsWithWork: 0 });
  assert.match(r.verdict.summary, /nobody was left to meet the dead owner/);
});

test('the probe with repeat=N: one sandbox, then per repetition new processes, a new segment and a new mutex', () => {
  const text = execFileSync(DEFAULT_PROBE_PATH, ['type=shared', 'processes=4', 'iterations=500', 'cpus=2', 'watch=none', 'repeat=5'], { encoding: 'utf8' });
  assert.equal(text.match(/^sandbox /gm)?.length, 1, 'the sandbox is set up once');
  assert.match(text, /yield_every=8/, '4 processes on 2 CPUs under SCHED_RR interleave');
  const reps: string[] = [];
  const splitter = new RepetitionSplitter((_i, t) => reps.push(t));
  for (let i = 0; i < text.length; i += 777) splitter.push(text.slice(i, i + 777)); // arbitrary chunk borders
  assert.equal(reps.length, 5);
  const creators = new Set<number>();
  for (const rep of reps) {
    const r = parseProbeOutput(rep);
    assert.equal(r.end.status, 'done');
    assert.equal(r.counter.final, 2000, 'a fresh counter each time: 4 x 500');
    assert.equal(r.mutex?.lock, '0x0');
    creators.add(r.segment!.initializedBy);
  }
  assert.equal(creators.size, 5, 'every repetition initialised its own mutex, in a new process');
});

test('the early hang rule: a lost owner is a hang in well under hang_ms, decided by settle_ms', () => {
  const t = performance.now();
  const text = execFileSync(DEFAULT_PROBE_PATH, ['type=shared', 'processes=3', 'iterations=1000', 'cpus=2', 'watch=none', 'fault=0:1:1', 'hang_ms=5000', 'repeat=5'], { encoding: 'utf8' });
  const ms = performance.now() - t;
  const ends = text.match(/^end .*$/gm) ?? [];
  assert.equal(ends.length, 5);
  // A repetition whose victim took its first lock after the others had finished ends done
  // (nobody was left to wait: the fault record says so); every hang must be the early rule's.
  const hangs = ends.filter((e) => /status=hang/.test(e));
  for (const e of hangs) assert.match(e, /settled=1/);
  assert.ok(hangs.length >= 3, `hangs in ${hangs.length} of 5: ${ends.join(' | ')}`);
  assert.ok(ms < 5000, `5 hangs took ${ms.toFixed(0)} ms: the 5 s hang_ms was not waited for`);
});

test('repeat with libc musl runs the musl probe every time, and compare takes the musl-1.2 model', async () => {
  const out = await runRepeat(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 2000, cpus: 2, repeat: 5, libc: 'musl' }));
  assert.equal(out.distribution.runs, 5);
  assert.equal(out.distribution.outcomes.ok, 5);
  for (const ex of Object.values(out.distribution.examples)) assert.equal((ex!.result.evidence.libc as { name: string }).name, 'musl');
  assert.equal(out.distribution.libc?.name, 'musl');
  const { runCompare } = await import('../../src/runner/compare-run.js');
  const cmp = await runCompare(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 500, cpus: 2, repeat: 5, libc: 'musl', compare: true }));
  assert.equal(cmp.comparison.model.platform, 'musl-1.2');
  assert.equal(cmp.comparison.verdict, 'agree', cmp.comparison.summary);
});
