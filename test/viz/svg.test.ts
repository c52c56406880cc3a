import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { timelineSvg } from '../../src/viz/svg.js';
import { bands, launchChromium, renderSvg } from './chromium.js';
import { SYNTHETIC_PROCESSES, syntheticTrace } from './synthetic.js';

const ctx = { processes: SYNTHETIC_PROCESSES, engine: 'sim' as const, title: 'synthetic crash' };
let browser: Awaited<ReturnType<typeof launchChromium>>;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

test('the timeline has a lane per thread grouped by process, the owner row, the crash and a legend; no script', () => {
  const svg = timelineSvg(syntheticTrace(30), ctx);
  assert.equal((svg.match(/<g class="process"/g) ?? []).length, 2);
  assert.equal((svg.match(/<g class="lane-row"/g) ?? []).length, 3);
  assert.match(svg, /pid 1001 app \(key 0x1234, shmid 1\)/);
  assert.match(svg, /tid 2 \(ulwp 0xfef40400\)/);
  assert.match(svg, /SIGSEGV in mutex_trylock_adaptive fault address 0xfef40000 \(pid 1002 tid 1\)/);
  assert.match(svg, /0xfef40000 = ulwp of pid 1001 tid 1/);
  assert.match(svg, /class="legend"/);
  assert.match(svg, /class="spin"/);
  assert.match(svg, /class="parked"/);
  assert.match(svg, /class="switch"/);
  assert.doesNotMatch(svg, /<script|onload=|javascript:/i);
});

test('10 to 100 000 events stay a picture of bounded size (aggregation)', () => {
  const small = timelineSvg(syntheticTrace(1), ctx);
  const big = timelineSvg(syntheticTrace(8_000), ctx); // ~100 000 events
  assert.ok(small.length < 40_000, `small ${small.length}`);
  assert.ok(big.length < 150_000, `big ${big.length} bytes`);
  assert.match(big, /aggregated: one column/);
  assert.match(big, /SIGSEGV/);
});

test('the synthetic timeline renders in Chromium: three lanes with lock-held bars and the red crash marker', async () => {
  const svg = timelineSvg(syntheticTrace(30), ctx);
  const px = await renderSvg(browser.context, svg, 'timeline-synthetic.png');
  assert.ok(px.nonWhite > px.width * px.height * 0.05, `only ${px.nonWhite} non-white pixels`);
  assert.ok(px.crashRed > 50, `crash marker: ${px.crashRed} red pixels`);
  // Lane bars are BAR_H tall: three in the overview, above the magnified panel (which has
  // lock-held bars of its own, as has the legend).
  const panelTop = Number(/<g class="inset"><rect x="4" y="([\d.]+)"/.exec(svg)?.[1]);
  assert.ok(panelTop > 0, 'the synthetic crash has a magnified panel');
  const green = bands(px.holdGreenRows).filter(([a, b]) => b - a >= 8);
  assert.equal(green.filter(([, b]) => b < panelTop).length, 3, JSON.stringify(green));
  assert.ok(green.some(([a]) => a > panelTop), 'lock-held bars in the panel too');
});
