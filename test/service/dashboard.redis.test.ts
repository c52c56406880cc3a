// Acceptance 1 of issue 6: the dashboard in real Chromium against the real API, worker, engine
// and Redis. Submit the solaris10-crash preset with the keyboard, see the crash verdict arrive
// without a reload (SSE), open the detail view, find the timeline. Screenshots: test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, launchChromium } from '../viz/chromium.js';
import { build, REAL_RUNNER, testConfig, worker } from './helpers.js';

test('dashboard: submit solaris10-crash, the crash verdict appears live, the detail view shows the timeline', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  await worker(t, config);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  let navigations = 0;
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations++; });

  await page.goto(`${base}/`);
  assert.equal(await page.title(), 'mutexlab');
  await page.waitForSelector('#preset option[value="solaris10-crash"]', { state: 'attached' });
  await page.waitForSelector('#live.on');
  const loads = navigations;

  // keyboard only: choose the preset, then submit the form with Enter on the button
  await page.focus('#preset');
  await page.selectOption('#preset', 'solaris10-crash');
  assert.match(await page.inputValue('#spec'), /"USYNC_THREAD"/);
  // pin the seed (typed into the spec, as a user would): seed 1 crashes, ~1.6% of random seeds do not
  const typed = JSON.parse(await page.inputValue('#spec'));
  await page.fill('#spec', JSON.stringify({ ...typed, seed: 1 }, null, 2));
  await page.focus('#submit');
  await page.keyboard.press('Enter');

  const row = page.locator('#experiments tr[data-outcome="crash"]');
  await row.waitFor({ timeout: 20_000 });
  assert.equal(navigations, loads, 'the verdict arrived without a reload');
  assert.match(await row.innerText(), /crash/);
  assert.match(await row.innerText(), /SIGSEGV/);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-list.png'), fullPage: true });

  // open the detail view from the keyboard: Tab to the row's link, Enter
  await row.locator('a').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#verdict');
  assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.id), 'detail-title', 'focus moves to the opened view');
  const verdict = await page.locator('#verdict').innerText();
  assert.match(verdict, /crash/);
  assert.match(verdict, /SIGSEGV in mutex_trylock_adaptive/);
  assert.match(verdict, /Fix:/);
  assert.match(verdict, /USYNC_PROCESS/);
  await page.waitForFunction(() => {
    const img = (globalThis as any).document.querySelector('#timeline');
    return img && img.complete && img.naturalWidth > 600;
  }, undefined, { timeout: 10_000 });
  const links = await page.locator('.downloads a').evaluateAll((as) => as.map((a: any) => a.getAttribute('href')));
  assert.ok(links.some((h: string) => h.endsWith('/trace')), 'NDJSON link');
  assert.ok(links.some((h: string) => h.endsWith('/trace?format=chrome')), 'Chrome trace link');
  assert.ok((await page.locator('table').count()) >= 2, 'evidence tables');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-detail.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});
