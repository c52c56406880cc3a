// Real Chromium (Debian's /usr/bin/chromium) through playwright-core, with a fresh profile,
// for tests that must see what a user sees. Screenshots go to test-artifacts/ (gitignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url)); // dist/test/viz -> repo
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A persistent context on a throw-away --user-data-dir; close() also removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'mutexlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return { context, async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

export interface PixelStats {
  width: number; height: number; nonWhite: number; crashRed: number;
  /** Rows with the exact lock-held green (full-strength bars, legend swatch). */
  holdGreenRows: number[];
  /** Rows with any lane-state colour (green, paler green, orange, purple) right of the labels. */
  stateRows: number[];
  /** Rows with the crash marker's red. */
  redRows: number[];
}

/**
 * Draws the SVG as an image (so it must be well-formed XML and any script would not run),
 * saves a PNG screenshot and measures the pixels in the page: how many are not white, how
 * many are the crash marker's red, and which rows contain the lock-held green.
 */
export async function renderSvg(context: BrowserContext, svg: string, pngName: string): Promise<PixelStats> {
  return withSvgPage(context, svg, async (page) => {
    const stats = await page.evaluate(() => {
      // Runs in the page; the project compiles without the DOM lib, hence `any`.
      const canvas = (globalThis as any).document.getElementById('canvas');
      const g = canvas.getContext('2d');
      const data: Uint8ClampedArray = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let nonWhite = 0; let crashRed = 0;
      const green = new Set<number>();
      const state = new Set<number>();
      const red = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i]!, gr = data[i + 1]!, b = data[i + 2]!;
        if (r < 245 || gr < 245 || b < 245) nonWhite++;
        const row = Math.floor(i / 4 / canvas.width);
        const col = (i / 4) % canvas.width;
        if (r > 190 && gr < 40 && b < 40) { crashRed++; red.add(row); }
        const greenish = gr > r + 25 && gr > b + 25;
        const orange = r > 200 && gr > 80 && gr < 190 && b < 80;
        const purple = b > gr + 60 && r > gr + 20;
        if (col > 270 && (greenish || orange || purple)) state.add(row);
        if (Math.abs(r - 0x2e) < 12 && Math.abs(gr - 0x7d) < 12 && Math.abs(b - 0x32) < 12) green.add(Math.floor(i / 4 / canvas.width));
      }
      const sorted = (x: Set<number>) => [...x].sort((a, b) => a - b);
      return { width: canvas.width as number, height: canvas.height as number, nonWhite, crashRed, holdGreenRows: sorted(green), stateRows: sorted(state), redRows: sorted(red) };
    });
    await page.locator('#svg').screenshot({ path: join(ARTIFACTS, pngName) });
    return stats;
  });
}

/**
 * A page holding the SVG as an image (so it must be well-formed XML and any script would not
 * run) and drawn onto a hidden canvas#canvas, for `use` to read pixels from. One loader for
 * both readers: the functions passed to page.evaluate run in the page and cannot share code.
 */
async function withSvgPage<T>(context: BrowserContext, svg: string, use: (page: Page) => Promise<T>): Promise<T> {
  const page = await context.newPage();
  try {
    await page.setContent('<html><body style="margin:0;background:#fff"><img id="svg"><canvas id="canvas" style="display:none"></canvas></body></html>');
    await page.evaluate(async (text: string) => {
      const doc = (globalThis as any).document;
      const img = doc.getElementById('svg');
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve();
        img.onerror = () => reject(new Error('the SVG did not load as an image'));
        img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
      });
      const canvas = doc.getElementById('canvas');
      canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
      canvas.getContext('2d').drawImage(img, 0, 0);
    }, svg);
    return await use(page);
  } finally {
    await page.close();
  }
}

/** Groups consecutive row numbers into bands: one band per lane with green in it. */
export function bands(rows: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && r <= last[1] + 1) last[1] = r; else out.push([r, r]);
  }
  return out;
}

export type Rgb = [number, number, number];
export interface PixelSample { center: Rgb; darkest: Rgb; reddest: Rgb }

/**
 * The colours Chromium painted at given points of the SVG (SVG units = image pixels): the
 * pixel itself, and the darkest and the most crash-red pixel within 2 px (strokes are
 * anti-aliased, so a thin line is found near its exact coordinate, not always on it).
 */
export async function sampleSvg(context: BrowserContext, svg: string, points: [number, number][]): Promise<PixelSample[]> {
  return withSvgPage(context, svg, (page) => page.evaluate((pts: [number, number][]) => {
      const g = (globalThis as any).document.getElementById('canvas').getContext('2d');
      return pts.map(([x, y]) => {
        const at = (px: number, py: number): [number, number, number] => {
          const d = g.getImageData(Math.round(px), Math.round(py), 1, 1).data;
          return [d[0], d[1], d[2]];
        };
        let darkest = at(x, y); let reddest = darkest;
        for (let dx = -2; dx <= 2; dx++) {
          for (let dy = -2; dy <= 2; dy++) {
            const c = at(x + dx, y + dy);
            if (c[0] + c[1] + c[2] < darkest[0] + darkest[1] + darkest[2]) darkest = c;
            if (c[0] - c[1] - c[2] > reddest[0] - reddest[1] - reddest[2]) reddest = c;
          }
        }
        return { center: at(x, y), darkest, reddest };
      });
    }, points));
}
