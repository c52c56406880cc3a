// npm run bench:viz: sizes and conversion times of the pictures. The solaris10-crash preset
// (the Chrome trace must stay under 2 MB) and a synthetic 100 000-event trace (aggregation).
import { performance } from 'node:perf_hooks';
import { validateSpec } from '../src/engine/spec.js';
import { applyPreset } from '../src/runner/presets.js';
import { runExperiment } from '../src/runner/run.js';
import { chromeTraceJson } from '../src/viz/chrome.js';
import { contextFromResult } from '../src/viz/context.js';
import { timelineSvg } from '../src/viz/svg.js';
import { SYNTHETIC_PROCESSES, syntheticTrace } from '../test/viz/synthetic.js';

function measure(label: string, events: () => Iterable<import('../src/engine/trace.js').TraceEvent>, ctx: Parameters<typeof chromeTraceJson>[1]) {
  const count = [...events()].length;
  let t0 = performance.now();
  const chrome = chromeTraceJson(events(), ctx);
  const chromeMs = performance.now() - t0;
  t0 = performance.now();
  const svg = timelineSvg(events(), ctx);
  const svgMs = performance.now() - t0;
  console.log(`${label}: ${count} trace events -> Chrome trace ${(chrome.length / 1024).toFixed(1)} KiB in ${chromeMs.toFixed(0)} ms, `
    + `SVG ${(svg.length / 1024).toFixed(1)} KiB in ${svgMs.toFixed(0)} ms`);
}

const checked = validateSpec(applyPreset({ preset: 'solaris10-crash', seed: 7 }), () => 7);
if (!checked.ok) throw new Error('preset invalid');
const { result, trace } = await runExperiment(checked.spec, { trace: true });
const events = [...trace];
measure('solaris10-crash seed 7', () => events, contextFromResult(result));
measure('synthetic, 8000 cycles', () => syntheticTrace(8_000), { processes: SYNTHETIC_PROCESSES, engine: 'sim' });
measure('synthetic, 80000 cycles', () => syntheticTrace(80_000), { processes: SYNTHETIC_PROCESSES, engine: 'sim' });
