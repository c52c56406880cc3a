// Issue 13: the native picture, from a real probe run (real processes), shows the lock calls
// the rings kept (magnified: they fill a few microseconds of a run that lasts until the
// supervisor ends it), the thread left blocked in the kernel, and the fatal signals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { validateSpec } from '../../src/engine/spec.js';
import { runExperiment } from '../../src/runner/run.js';
import { contextFromResult } from '../../src/viz/context.js';
import { timelineSvg } from '../../src/viz/svg.js';
import { bands, launchChromium, renderSvg, sampleSvg } from './chromium.js';

let browser: Awaited<ReturnType<typeof launchChromium>>;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('native: holds from the rings, the thread left blocked in the kernel, and the fatal signals, in Linux words', async () => {
  // process 1 is killed while it holds the mutex: process 0 blocks on it until the supervisor gives up
  const checked = validateSpec({
    engine: 'native', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', iterations: 500,
    faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 50 }],
  }, () => 7);
  assert.ok(checked.ok, JSON.stringify(checked));
  const { result, trace } = await runExperiment(checked.spec, { trace: true });
  const events = [...trace];
  const ctx = contextFromResult(result);
  const signals = events.filter((e) => e.op === 'signal');
  assert.ok(signals.length >= 1, 'the supervisor killed someone');
  const blocked = ctx.blocked ?? [];
  const svg = timelineSvg(events, ctx);

  assert.equal((svg.match(/<g class="lane-row"/g) ?? []).length, 2, 'a lane per thread');
  assert.match(svg, /TID \d+/);
  assert.doesNotMatch(svg, /ulwp|sleep queue|mutex_owner/);
  assert.match(svg, /not recorded natively/, 'the owner row says why it is empty');
  assert.equal((svg.match(/<g class="crash"/g) ?? []).length, signals.length, 'every fatal signal marked');
  assert.match(svg, /SIGKILL \(killed by the supervisor \(fault\)\)/);
  const panel = svg.slice(svg.indexOf('<g class="inset">'));
  assert.ok(svg.includes('<g class="inset">'), 'the rings\' lock calls are magnified');
  const holds = (panel.match(/<rect class="hold"/g) ?? []).length;
  assert.ok(holds >= 10, `${holds} lock-held bars in the panel`);
  assert.match(svg, /in pthread_mutex_lock or holding \(the probe times the call, not the acquisition\)/);

  const px = await renderSvg(browser.context, svg, 'timeline-native.png');
  assert.ok(px.crashRed > 50, `fatal signal markers: ${px.crashRed} red pixels`);
  const panelTop = Number(/<g class="inset"><rect x="4" y="([\d.]+)"/.exec(svg)![1]);
  assert.ok(bands(px.holdGreenRows).some(([a, b]) => a > panelTop && b - a >= 8), 'lock-held green in the panel');
  if (blocked.length > 0) {
    // the blocked thread's lane is purple (asleep in the kernel) just before the end
    const b = blocked[0]!;
    const group = svg.slice(svg.indexOf(`<g class="process" data-pid="${b.pid}"`));
    const next = group.indexOf('<g class="process"', 1);
    const scope = group.slice(0, next > 0 ? next : group.indexOf('<g class="crash"'));
    // the wait that reaches furthest right: a thread may enter the kernel more than once (a
    // first wait of a pixel or so, then the last one), and "just before the end" is the last
    const parked = [...scope.matchAll(/<rect class="parked" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)]
      .map((m) => m.slice(1).map(Number) as [number, number, number])
      .sort((p, q) => (q[0] + q[2]) - (p[0] + p[2]))[0];
    assert.ok(parked, `a kernel wait drawn for TID ${b.tid}`);
    const [x, y, w] = parked;
    const [s] = await sampleSvg(browser.context, svg, [[x + w * 0.9, y + 6]]);
    assert.ok(Math.abs(s!.center[0] - 0x7e) < 20 && Math.abs(s!.center[2] - 0xc2) < 20, `purple: ${s!.center}`);
    const caption = [...svg.matchAll(/class="caption">([^<]*)</g)].map((m) => m[1]).join(' ');
    assert.match(caption, new RegExp(`TID ${b.tid} of pid ${b.pid} was found blocked in ${b.wchan}`));
  }
});
