// What the overview and the magnified panel of the SVG timeline share: colours (chosen for at
// least 3:1 against the white page, as WCAG asks of graphics), state styles in the platform's
// words, escaping and number formatting, and time labels.
import type { VizContext } from './context.js';
import { vocabulary, type LaneState } from './vocabulary.js';

export const STATE_COLORS: Record<LaneState, string> = {
  hold: '#2e7d32',
  release: '#8d6e63',
  spin: '#e65100',
  wait: '#b7860b',
  parked: '#7e57c2',
};

export function stateStyle(ctx: VizContext): Record<LaneState, { color: string; label: string }> {
  const v = vocabulary(ctx);
  const style = (s: LaneState) => ({ color: STATE_COLORS[s], label: v.states[s] });
  return { hold: style('hold'), release: style('release'), spin: style('spin'), wait: style('wait'), parked: style('parked') };
}

export const PROCESS_COLORS = ['#1565c0', '#00838f', '#ad1457', '#5d4037', '#283593', '#558b2f', '#6a1b9a', '#c62828'];
export const CRASH_COLOR = '#d50000';
/** A CPU stall's tick above a lane (an interrupt, the VM's host): amber, apart from the states' colours. */
export const STALL_COLOR = '#ff8f00';
/** The causal arrow (store -> read) and the window bracket: near-black, apart from every state colour. */
export const LINK_COLOR = '#212121';
export const GAP_FILL = '#cfd8dc';
export const GAP_LINE = '#78909c';

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const num = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Pattern and marker definitions both panels use. */
export const SVG_DEFS = '<defs>'
  + '<pattern id="dead" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fafafa" fill-opacity="0.6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9e9e9e" stroke-width="2"/></pattern>'
  + `<pattern id="gap" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="8" height="8" fill="${GAP_FILL}"/><line x1="0" y1="0" x2="0" y2="8" stroke="${GAP_LINE}" stroke-width="2"/></pattern>`
  + `<marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${LINK_COLOR}"/></marker>`
  + '<style>.group{font-weight:bold;font-size:12px}.lane{fill:#37474f}.small{font-size:10px;fill:#546e7a}.crash{fill:#d50000;font-weight:bold;font-size:12px}'
  + '.note{font-size:11px;fill:#263238}.caption{font-size:12px;fill:#263238}.heading{font-size:13px;font-weight:bold;fill:#263238}</style>'
  + '</defs>';

/** A duration or time in the trace's own unit: ticks (sim) or wall-clock time (native). */
export function formatTime(ctx: VizContext, v: number): string {
  if (ctx.engine !== 'native') return `${Math.round(v * 100) / 100} ticks`;
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} s`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} µs`;
  return `${Math.round(v)} ns`;
}

/** A moment, as the captions name it: "t=12460" (sim ticks) or "t=1.20 ms" (native). */
export function formatAt(ctx: VizContext, t: number): string {
  return ctx.engine === 'native' ? `t=${formatTime(ctx, t)}` : `t=${Math.round(t * 100) / 100}`;
}

/** An axis label: as many decimals as the step between labels needs (a 5 µs step under 10.7 ms). */
export function formatAxisAt(ctx: VizContext, t: number, step: number): string {
  if (ctx.engine !== 'native') return formatAt(ctx, t);
  const [unit, scale] = t >= 1e9 ? ['s', 1e9] : t >= 1e6 ? ['ms', 1e6] : t >= 1e3 ? ['µs', 1e3] : ['ns', 1];
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / scale) - 1e-9)));
  return `t=${(t / scale).toFixed(decimals)} ${unit}`;
}

export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** Greedy word wrap for SVG text (no layout engine): about `chars` characters a line. */
export function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > chars) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
