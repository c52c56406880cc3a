// Acceptance 6 of issue 13, in real Chromium against the real API, worker, engine and Redis:
// the dashboard pages through 60 experiments, filters them by outcome, follows a running
// exploration's progress bar to the end, runs the fix of a crash and shows the two side by
// side (and any two ticked in the list). Driven from the keyboard where a user would be.
// Screenshots: test-artifacts/dashboard-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS } from '../viz/chromium.js';
import { dashboard, focused, waitForPage } from './dashboard-page.js';
import { finished, poll, post } from './helpers.js';

test('dashboard: 60 experiments paged and filtered, an exploration followed to the end, the fix of a crash side by side', { timeout: 240_000 }, async (t) => {
  const { app, base, page, pageErrors } = await dashboard(t);

  // 20 crashes (the story, seed 1 crashes) and 40 fixed runs, submitted together
  const specs = [...Array.from({ length: 20 }, () => ({ preset: 'solaris10-crash', seed: 1 })),
    ...Array.from({ length: 40 }, (_, i) => ({ preset: 'solaris10-fixed', seed: i + 1 }))];
  const ids = (await Promise.all(specs.map((s) => post(app, s)))).map((res) => { assert.equal(res.statusCode, 202, res.body); return res.json().id as string; });
  const records = await Promise.all(ids.map((id) => poll(app, id, finished, 60_000).then((p) => p.record)));
  const crashes = new Set(records.filter((r) => r.result?.verdict.outcome === 'crash').map((r) => r.id as string));
  assert.equal(crashes.size, 20, 'the 20 story runs crashed');
  assert.equal(records.filter((r) => r.result?.verdict.outcome === 'ok').length, 40);

  await page.goto(`${base}/`);
  await page.waitForSelector('#live.on');

  // ---- paging: Older until it is disabled, every experiment exactly once ----------------------
  const pages: string[][] = [await waitForPage(page, 1)];
  assert.equal(pages[0]!.length, 20, 'a page holds 20');
  const year = String(new Date().getFullYear());
  const firstTime = page.locator('#experiments tbody tr td.when time').first();
  assert.match(await firstTime.getAttribute('datetime') ?? '', /^\d{4}-\d\d-\d\dT/);
  assert.ok((await firstTime.innerText()).includes(year), `the time shows its date: ${await firstTime.innerText()}`);
  await page.focus('#older');
  while (!(await page.locator('#older').isDisabled())) {
    await page.keyboard.press('Enter');
    pages.push(await waitForPage(page, pages.length + 1));
    if (await page.locator('#older').isDisabled()) break;
    assert.equal(await focused(page), 'older', 'focus stays on Older while there are more pages');
  }
  const seen = pages.flat();
  assert.equal(seen.length, 60, `pages of ${pages.map((p) => p.length).join(', ')}`);
  assert.deepEqual(new Set(seen), new Set(ids), 'every experiment once, none twice');
  assert.ok(pages.length >= 3);
  // and back one page: the same rows as before
  await page.click('#newer');
  assert.deepEqual(await waitForPage(page, pages.length - 1), pages[pages.length - 2]);

  // ---- filter by outcome -----------------------------------------------------------------------
  await page.focus('select[name="outcome"]');
  await page.selectOption('select[name="outcome"]', 'crash');
  await page.waitForFunction(() => (globalThis as any).location.hash === '#/?outcome=crash');
  const crashPage = await waitForPage(page, 1);
  assert.equal(crashPage.length, 20);
  assert.deepEqual(new Set(crashPage), crashes, 'the crash filter shows the 20 crashes and nothing else');
  assert.deepEqual([...new Set(await page.locator('#experiments tbody tr').evaluateAll((trs) => trs.map((tr: any) => tr.dataset.outcome)))], ['crash']);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-filtered.png'), fullPage: true });
  await page.click('#filters button[type="reset"]');
  await page.waitForFunction(() => (globalThis as any).location.hash === '#/');
  assert.equal((await waitForPage(page, 1)).length, 20);

  // ---- a running exploration's progress bar, followed to the end -------------------------------
  const exploration = { preset: 'solaris10-fixed', iterations: 300, explore: { strategy: 'random', schedules: 2000 } };
  await page.selectOption('#preset', '');
  await page.fill('#spec', JSON.stringify(exploration, null, 2));
  await page.focus('#spec');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => /^#\/experiments\//.test((globalThis as any).location.hash));
  const explorationId = (await page.evaluate(() => (globalThis as any).location.hash as string)).split('/')[2]!;
  assert.ok(!ids.includes(explorationId), 'Run opened the new experiment');
  const samples = await page.evaluate(async () => {
    const doc = (globalThis as any).document;
    const out: { value: number; max: number; position: number; label: string }[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const bar = doc.querySelector('#detail-progress');
      if (bar) {
        const s = { value: bar.value, max: bar.max, position: bar.position, label: doc.querySelector('#detail-progress-label').textContent };
        if (JSON.stringify(s) !== JSON.stringify(out.at(-1))) out.push(s);
      }
      if (doc.querySelector('#verdict') && doc.querySelector('#exploration')) return out;
      await new Promise((r) => setTimeout(r, 40));
    }
    throw new Error(`no verdict after 120 s; bar went ${JSON.stringify(out)}`);
  });
  const running = samples.filter((s) => s.position > 0 && s.position < 1);
  assert.ok(running.length >= 2, `the bar moved while it ran: ${JSON.stringify(samples)}`);
  for (let i = 1; i < running.length; i++) assert.ok(running[i]!.value >= running[i - 1]!.value, 'the bar never goes back');
  for (const s of running) assert.match(s.label, /^running: \d+ of 2000 schedules/);
  const last = samples.at(-1)!;
  assert.equal(last.max, 2000); assert.equal(last.value, 2000);
  assert.match(last.label, /^completed: 2000 of 2000 schedules/);
  assert.equal(await page.locator('#outcome-histogram tr[data-outcome="ok"] td.num').innerText(), '2,000');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-exploration.png'), fullPage: true });

  // ---- run the fix of a crash: the two side by side -------------------------------------------
  await page.goto(`${base}/#/?outcome=crash`);
  const [crashId] = await waitForPage(page, 1);
  await page.focus(`#open-${crashId}`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#verdict.crash');
  assert.equal(await focused(page), 'detail-title', 'focus moves to the opened experiment');
  await page.focus('#run-fix');
  assert.match(await page.locator('#run-fix').innerText(), /USYNC_PROCESS/);
  await page.keyboard.press('Enter');
  await page.waitForFunction((a: string) => (globalThis as any).location.hash.startsWith(`#/compare/${a}/`), crashId);
  const fixedId = (await page.evaluate(() => (globalThis as any).location.hash as string)).split('/')[3]!;
  await page.waitForSelector('#compare-a .verdict.crash');
  await page.waitForSelector('#compare-b .verdict.ok', { timeout: 30_000 });
  assert.equal(await focused(page), 'compare-title');
  const differences = await page.locator('table.differences tbody').innerText();
  assert.match(differences, /mutexType\s+USYNC_THREAD\s+USYNC_PROCESS/);
  assert.match(differences, /outcome\s+crash\s+ok/);
  assert.doesNotMatch(differences, /seed/, 'the fix keeps the seed: one attribute differs');
  const fixed = (await app.inject({ url: `/experiments/${fixedId}` })).json();
  assert.equal(fixed.spec.mutexType, 'USYNC_PROCESS');
  assert.equal(fixed.spec.seed, 1);
  assert.equal(fixed.result.verdict.outcome, 'ok');
  for (const side of ['a', 'b']) {
    await page.waitForFunction((s: string) => { const img = (globalThis as any).document.querySelector(`#timeline-${s}`); return img?.complete && img.naturalWidth >= 600; }, side, { timeout: 15_000 });
  }
  const [left, right] = await Promise.all(['#compare-a', '#compare-b'].map((s) => page.locator(s).boundingBox()));
  assert.ok(left && right && Math.abs(left.y - right.y) < 2 && right.x >= left.x + left.width, 'the columns sit side by side');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-side-by-side.png'), fullPage: true });

  // the detail of the crash now links to its fixed twin
  await page.goto(`${base}/#/experiments/${crashId}`);
  await page.waitForSelector('#compare-fix');
  assert.equal(await page.locator('#compare-fix').getAttribute('href'), `#/compare/${crashId}/${fixedId}`);

  // ---- any two, ticked in the list -------------------------------------------------------------
  await page.goto(`${base}/`);
  const top = await waitForPage(page, 1);
  const [a, b] = [top[2]!, top[5]!];
  await page.focus(`#pick-${a}`); await page.keyboard.press('Space');
  assert.ok(await page.locator('#compare-selected').isDisabled(), 'one ticked is not a pair');
  await page.focus(`#pick-${b}`); await page.keyboard.press('Space');
  await page.focus('#compare-selected'); await page.keyboard.press('Enter');
  await page.waitForFunction((want: string) => (globalThis as any).location.hash === want, `#/compare/${a}/${b}`);
  assert.equal(await page.locator('#compare-a').getAttribute('data-id'), a);
  assert.equal(await page.locator('#compare-b').getAttribute('data-id'), b);
  assert.deepEqual(pageErrors, []);
});
