// Helpers for the dashboard tests: the real API and worker on a test prefix, the page in real
// Chromium (test/viz/chromium.ts), and the few reads of the page every test needs.
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium } from '../viz/chromium.js';
import { build, REAL_RUNNER, testConfig, worker } from './helpers.js';

export async function dashboard(t: TestContext, env: Record<string, string> = {}) {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, ...env });
  const app = await build(t, config);
  await worker(t, config);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  return { app, base, page, pageErrors, config };
}

/** The ids of the rows on the page now, top to bottom. */
export const rowIds = (page: Page): Promise<string[]> =>
  page.locator('#experiments tbody tr').evaluateAll((trs) => trs.map((tr: any) => tr.dataset.id as string));

/** Waits until the list shows page `n` (1-based), loaded; returns its row ids. */
export async function waitForPage(page: Page, n: number): Promise<string[]> {
  await page.waitForFunction((want: string) => {
    const doc = (globalThis as any).document;
    return doc.querySelector('#page-label')?.textContent === want && !/loading/.test(doc.querySelector('#list-status')?.textContent ?? '');
  }, `page ${n}`);
  return rowIds(page);
}

/** The id of the element that has focus, or its tag when it has none. */
export const focused = (page: Page): Promise<string> =>
  page.evaluate(() => { const el = (globalThis as any).document.activeElement; return el?.id || el?.tagName?.toLowerCase() || ''; });
