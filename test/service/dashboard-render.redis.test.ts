// The dashboard's pieces in real Chromium, as the API serves them: verdict terms as focusable
// tooltips, both shapes of an exploration's counterexamples, the progress shapes, and Replay
// from a real dfs exploration of the story opening a run that ends the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboard, focused } from './dashboard-page.js';
import { post } from './helpers.js';

test('dashboard pieces: terms become tooltips, counterexamples of either shape, every progress shape', { timeout: 60_000 }, async (t) => {
  const { base, page, pageErrors } = await dashboard(t);
  await page.goto(`${base}/`);
  await page.waitForSelector('#live.on');

  const terms = await page.evaluate(async () => {
    const { verdictCard } = await import(`${(globalThis as any).location.origin}/dashboard/verdict.js`);
    const doc = (globalThis as any).document;
    const card = verdictCard({
      outcome: 'crash',
      summary: 'pid 1002 died in mutex_trylock_adaptive: the address lies in the ulwp_t of pid 1001, another ulwp_t.',
      cause: 'The adaptive spin read the owner; a spin in another place.',
      fix: 'Use USYNC_PROCESS.',
      terms: [{ term: 'ulwp_t', meaning: 'the thread structure of libc' }, { term: 'spin', meaning: 'busy-waiting' }, { term: 'adaptive spin', meaning: 'spinning while the owner runs' }],
    }, { idPrefix: 'tv' });
    doc.body.append(card);
    const spans = [...card.querySelectorAll('.term')];
    const first = spans[0];
    first.focus();
    const tip = (globalThis as any).getComputedStyle(first, '::after').content;
    const described = doc.getElementById(first.getAttribute('aria-describedby'))?.textContent;
    const plain = verdictCard({ outcome: 'ok', summary: 'fine: no ulwp_t here', cause: '', fix: '' }, { idPrefix: 'tp' });
    return { texts: spans.map((s: any) => s.textContent), tip, described, tabindex: first.getAttribute('tabindex'), plainTerms: plain.querySelectorAll('.term').length, glossary: card.querySelectorAll('.glossary dt').length };
  });
  // the first use of each term only; "adaptive spin" is matched whole, and "spin" at its own first use after it
  assert.deepEqual(terms.texts, ['ulwp_t', 'adaptive spin', 'spin']);
  assert.equal(terms.tip, '"the thread structure of libc"', 'the meaning shows when the word has focus');
  assert.equal(terms.described, 'the thread structure of libc');
  assert.equal(terms.tabindex, '0', 'reachable by Tab');
  assert.equal(terms.glossary, 3);
  assert.equal(terms.plainTerms, 0, 'no terms: plain text');

  const panels = await page.evaluate(async () => {
    const { explorationPanel, counterexamples } = await import(`${(globalThis as any).location.origin}/dashboard/exploration.js`);
    const replayed: string[] = [];
    const perOutcome = { strategy: 'dfs', schedules: 10, planned: 10, exhausted: true, outcomes: { ok: 4, hang: 2, crash: 4 },
      counterexamples: { hang: { token: 'mlx1.HANG', preemptions: 2, steps: 40 }, crash: { token: 'mlx1.CRASH', preemptions: 1, steps: 37 } } };
    const legacy = { strategy: 'random', schedules: 10, outcomes: { ok: 7, crash: 2, hang: 1 }, firstFailure: { outcome: 'hang', token: 'mlx1.H', preemptions: 3, steps: 900, schedule: 1 },
      firstFailures: { hang: { schedule: 1, token: 'mlx1.H' }, crash: { schedule: 4, token: 'mlx1.C' } }, shrunk: { outcome: 'crash', token: 'mlx1.S', preemptions: 1, steps: 50 } };
    const panel = explorationPanel(perOutcome, { onReplay: (token: string) => replayed.push(token) });
    (globalThis as any).document.body.append(panel);
    const rows = [...panel.querySelectorAll('#counterexamples tbody tr')].map((tr: any) => tr.innerText.replace(/\s+/g, ' ').trim());
    const buttons = [...panel.querySelectorAll('#counterexamples button')];
    for (const b of buttons) (b as any).click();
    const histogram = [...panel.querySelectorAll('#outcome-histogram tbody tr')].map((tr: any) => tr.dataset.outcome);
    return { rows, labels: buttons.map((b: any) => b.getAttribute('aria-label')), replayed, histogram, legacy: counterexamples(legacy) };
  });
  assert.match(panels.rows[0]!, /^crash 1 37 shrunk .* mlx1\.CRASH Replay$/);
  assert.match(panels.rows[1]!, /^hang 2 40 shrunk .* mlx1\.HANG Replay$/);
  assert.deepEqual(panels.labels, ['Replay the crash counterexample', 'Replay the hang counterexample']);
  assert.deepEqual(panels.replayed, ['mlx1.CRASH', 'mlx1.HANG']);
  assert.deepEqual(panels.histogram, ['ok', 'crash', 'hang'], 'outcomes in their usual order');
  assert.deepEqual(panels.legacy.map((c: any) => [c.outcome, c.token, c.source, c.preemptions]), [['crash', 'mlx1.S', 'shrunk', 1], ['hang', 'mlx1.H', 'first found', 3]],
    'without counterexamples: the shrunk one for its outcome, the first found for the others');

  const shapes = await page.evaluate(async () => {
    const { describeProgress } = await import(`${(globalThis as any).location.origin}/dashboard/progress.js`);
    return [
      describeProgress({ kind: 'exploration', strategy: 'pct', done: 1280, planned: 5000, failures: 3, elapsedMs: 2500 }),
      describeProgress({ kind: 'run', steps: 300000, estimatedSteps: 1200000, elapsedMs: 800 }),
      describeProgress({ kind: 'run', cycles: 250, plannedCycles: 1000 }),
      describeProgress({ kind: 'something', phase: 'warming up' }),
      describeProgress(null),
    ];
  });
  assert.deepEqual(shapes[0], { value: 1280, max: 5000, label: '1280 of 5000 schedules, 25%, 3 failing, 2.5 s' });
  assert.equal(shapes[1].value, 300000); assert.equal(shapes[1].max, 1200000); assert.match(shapes[1].label, /of about 1,200,000 steps, 25%/);
  assert.equal(shapes[2].max, 1000); assert.match(shapes[2].label, /250 of 1,000 cycles/);
  assert.equal(shapes[3].max, undefined, 'an unknown shape: an indeterminate bar'); assert.match(shapes[3].label, /phase warming up/);
  assert.equal(shapes[4], null);
  assert.deepEqual(pageErrors, []);
});

test('dashboard: Replay of a dfs counterexample opens a run that ends the same way', { timeout: 120_000 }, async (t) => {
  const { app, base, page, pageErrors } = await dashboard(t);
  const res = await post(app, { preset: 'solaris10-crash', explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 200 } }, { query: '?wait=30' });
  assert.equal(res.statusCode, 200, res.body);
  const exploration = res.json();
  await page.goto(`${base}/#/experiments/${exploration.id}`);
  await page.waitForSelector('#counterexamples');
  const outcomes = await page.locator('#counterexamples tbody tr').evaluateAll((trs) => trs.map((tr: any) => tr.dataset.outcome));
  assert.ok(outcomes.includes('crash') && outcomes.includes('hang'), `a counterexample per outcome: ${outcomes}`);
  for (const outcome of ['crash', 'hang']) {
    await page.goto(`${base}/#/experiments/${exploration.id}`);
    const button = page.locator(`#counterexamples tr[data-outcome="${outcome}"] button`);
    await button.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((from: string) => { const h = (globalThis as any).location.hash; return h.startsWith('#/experiments/') && !h.endsWith(from); }, exploration.id);
    await page.waitForSelector('#verdict', { timeout: 30_000 });
    assert.equal(await focused(page), 'detail-title');
    assert.equal(await page.locator('#verdict').getAttribute('class'), `card verdict ${outcome}`, `the ${outcome} token replays to a ${outcome}`);
    assert.match(await page.locator('.meta').innerText(), /replay of mlx1\./);
  }
  assert.deepEqual(pageErrors, []);
});
