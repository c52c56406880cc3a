// The compare panel in real Chromium: a real compare (native processes beside the glibc model, run
// by the real worker) shows the two histograms side by side with the verdict; a disagreement (the
// panel fed a comparison the model disagrees with) flags the class and shows the native evidence.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS } from '../viz/chromium.js';
import { dashboard } from './dashboard-page.js';
import { post } from './helpers.js';

test('dashboard: a compare shows the native and the model histograms side by side', { timeout: 120_000 }, async (t) => {
  const { app, base, page, pageErrors } = await dashboard(t);
  const res = await post(app, { engine: 'native', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', iterations: 200, compare: true, repeat: 10, seed: 1 }, { query: '?wait=30' });
  assert.equal(res.statusCode, 200, res.body);
  const x = res.json();
  assert.equal(x.result.comparison.verdict, 'agree', x.result.comparison.summary);
  await page.goto(`${base}/#/experiments/${x.id}`);
  await page.waitForSelector('#comparison', { timeout: 10_000 }).catch(async (e) => { throw new Error(`${e.message}\n${pageErrors.join('\n')}\n${(await page.locator('main').innerText()).slice(0, 800)}`); });
  const view = await page.evaluate(() => {
    const doc = (globalThis as any).document;
    const rows = (id: string) => [...doc.querySelectorAll(`#${id} tbody tr`)].map((tr: any) => [tr.dataset.outcome, tr.querySelector('td.num').textContent]);
    const a = doc.querySelector('#native-histogram').getBoundingClientRect();
    const b = doc.querySelector('#model-histogram').getBoundingClientRect();
    return { native: rows('native-histogram'), model: rows('model-histogram'), verdict: doc.querySelector('#comparison-verdict').textContent, sideBySide: Math.abs(a.top - b.top) < 5 && b.left > a.left };
  });
  assert.deepEqual(view.native, [['ok', '10']]);
  assert.deepEqual(view.model, [['ok', '10']]);
  assert.match(view.verdict, /^agree/);
  assert.ok(view.sideBySide, 'the two histograms sit side by side');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-compare.png'), fullPage: true });

  const flagged = await page.evaluate(async (comparison: any) => {
    const { distributionPanel } = await import(`${(globalThis as any).location.origin}/dashboard/distribution.js`);
    const native = comparison.model.distribution;
    const outcomes = { ...native.outcomes, ok: 7, hang: 3 };
    const observation = { ...native.observation, hang: { observed: 'sometimes', positive: 3, negative: 7 } };
    const example = { ...native.examples.ok, run: 4, result: { ...native.examples.ok.result, verdict: { ...native.examples.ok.result.verdict, outcome: 'hang', summary: 'hang: TID 9 sleeps in futex_do_wait' } } };
    const d = { ...native, engine: 'native', outcomes, observation, examples: { ...native.examples, hang: example } };
    const disagreement = { outcome: 'hang', native: 3, model: 0, example: { run: 4, summary: 'hang: TID 9 sleeps in futex_do_wait', cause: 'a lost wake-up', evidence: { blocked: [{ tid: 9, wchan: 'futex_do_wait' }] } } };
    const panel = distributionPanel({ distribution: d, comparison: { ...comparison, verdict: 'disagree', summary: 'disagree: hang', disagreement, disagreements: [disagreement] } });
    (globalThis as any).document.body.append(panel);
    return {
      flagged: [...panel.querySelectorAll('#native-histogram tr[data-flag="not-in-model"]')].map((tr: any) => tr.dataset.outcome),
      disagreement: panel.querySelector('#disagreement')?.textContent ?? '',
      modelRows: [...panel.querySelectorAll('#model-histogram tbody tr')].map((tr: any) => [tr.dataset.outcome, tr.querySelector('td.num').textContent]),
    };
  }, x.result.comparison);
  assert.deepEqual(flagged.flagged, ['hang'], 'the class the model never produced is flagged');
  assert.match(flagged.disagreement, /futex_do_wait/);
  assert.deepEqual(flagged.modelRows, [['ok', '10'], ['hang', '0']], 'the model\'s side shows the class with 0');
  assert.deepEqual(pageErrors, []);
});
