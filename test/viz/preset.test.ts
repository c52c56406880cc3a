// Acceptance 2 and 3 of issue 6 on the real thing: the solaris10-crash preset run by the real
// simulator, its Chrome trace checked against the format, its SVG rendered by Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { validateSpec } from '../../src/engine/spec.js';
import { applyPreset } from '../../src/runner/presets.js';
import { runExperiment } from '../../src/runner/run.js';
import { chromeTraceJson } from '../../src/viz/chrome.js';
import { contextFromResult } from '../../src/viz/context.js';
import { timelineSvg } from '../../src/viz/svg.js';
import { chromeTraceProblems, type ChromeDoc } from './chrome-format.js';
import { bands, launchChromium, renderSvg } from './chromium.js';

async function crashRun() {
  const checked = validateSpec(applyPreset({ preset: 'solaris10-crash', seed: 7 }), () => 7);
  assert.ok(checked.ok);
  const { result, trace } = await runExperiment(checked.spec, { trace: true });
  assert.equal(result.verdict.outcome, 'crash');
  return { result, events: [...trace] };
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('acceptance 2: the Chrome trace of solaris10-crash is valid (ph, ts, pid, tid, B/E per thread, names) and under 2 MB', async () => {
  const { result, events } = await crashRun();
  const text = chromeTraceJson(events, contextFromResult(result));
  assert.ok(text.length < 2 * 1024 * 1024, `${text.length} bytes`);
  const doc = JSON.parse(text) as ChromeDoc;
  assert.deepEqual(chromeTraceProblems(doc), []);
  const meta = doc.traceEvents.filter((e) => e.ph === 'M');
  const processNames = meta.filter((e) => e.name === 'process_name').map((e) => (e.args as { name: string }).name);
  const threadNames = meta.filter((e) => e.name === 'thread_name' && e.pid !== 0);
  for (const p of result.processes) {
    assert.ok(processNames.some((n) => n.startsWith(`pid ${p.pid} ${p.program}`)), `${p.pid} named: ${processNames.join(' | ')}`);
  }
  assert.equal(threadNames.length, 3, 'three threads named');
  assert.ok(doc.traceEvents.some((e) => e.ph === 'B' && e.cat === 'hold'), 'lock-held spans');
  assert.ok(doc.traceEvents.some((e) => e.ph === 'B' && e.cat === 'spin'), 'spin spans');
  assert.ok(doc.traceEvents.some((e) => e.ph === 'i' && e.cat === 'signal' && /SIGSEGV in mutex_trylock_adaptive/.test(String(e.name))));
  assert.ok(doc.traceEvents.some((e) => e.ph === 'i' && e.cat === 'core_dump'));
  assert.ok(doc.traceEvents.some((e) => e.ph === 'C' && e.name === 'shared counter'));
});

test('acceptance 3: the SVG of solaris10-crash renders in Chromium with lanes for 3 threads in 2 processes and the crash marker', async () => {
  const { result, events } = await crashRun();
  const svg = timelineSvg(events, contextFromResult(result));
  assert.equal((svg.match(/<g class="process"/g) ?? []).length, 2, 'two process groups');
  assert.equal((svg.match(/<g class="lane-row"/g) ?? []).length, 3, 'three lanes');
  assert.match(svg, /<g class="crash" data-signal="SIGSEGV"/);
  const px = await renderSvg(browser.context, svg, 'timeline-solaris10-crash.png');
  assert.ok(px.nonWhite > px.width * px.height * 0.05, `not blank: ${px.nonWhite} of ${px.width * px.height} pixels`);
  assert.ok(px.crashRed > 50, `crash marker drawn: ${px.crashRed} red pixels`);
  // lanes as the picture shows them: bands of lock-held / spin / park colour (the two threads
  // of pid 1001, plus the legend's swatches at the bottom) and the crash marker on a third lane
  const laneBands = bands(px.stateRows).filter(([a, b]) => b - a >= 8);
  assert.ok(laneBands.length >= 3, `lane bands: ${JSON.stringify(laneBands)}`);
  const [lane1, lane2] = laneBands as [[number, number], [number, number]];
  const marker = bands(px.redRows).filter(([a, b]) => b - a >= 10).find(([a]) => a > lane2[1]);
  assert.ok(marker, `a crash marker below both lanes of pid 1001 (lanes ${JSON.stringify([lane1, lane2])}, red ${JSON.stringify(bands(px.redRows))})`);
});
