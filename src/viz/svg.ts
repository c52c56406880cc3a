// Trace events -> one SVG picture of the run (pure SVG: no script, no external fonts or images).
//
// From top to bottom: a title, the mutex_owner word over time (coloured by the process whose
// thread it points at), the crash label, one lane per thread grouped under its process
// (program, pid, key), a time axis and a legend. Each lane shows lock-held bars, spin and
// parked segments, CPU switch-ins as ticks above the bar and watchpoint hits below it; the
// lanes of a dead process are hatched from its death on; a fatal signal is a red line with its
// signal, function and fault address; events a stored trace lost are a grey hatched gap.
// When the trace shows how the fault came about (fault-story.ts), a bracket marks that window
// and a magnified panel under the overview draws it tick by tick, with an arrow from the store
// of the owner word to the load that faulted (svg-inset.ts). Words follow the platform
// (vocabulary.ts).
//
// Dense traces are aggregated: time is cut into at most one column per pixel and a column
// shows the state that filled most of it, paler when it filled less. So 10 events and 100 000
// events both give a picture of about the same size.
import type { TraceEvent } from '../engine/trace.js';
import { BIN_COUNT } from './bins.js';
import { findProcess, ownerName, processLabel, threadLabel, type VizContext } from './context.js';
import { renderInset, INSET_GAP } from './svg-inset.js';
import {
  CRASH_COLOR, GAP_LINE, STALL_COLOR, LINK_COLOR, PROCESS_COLORS, STATE_COLORS, SVG_DEFS, escapeXml, formatAt, formatTime, niceStep, num, stateStyle, wrap,
} from './svg-kit.js';
import { LANE_STATES, MARK_STALL, MARK_SWITCH, MARK_WATCHPOINT, buildTimelineModel, buildTimelineModelAsync, traceTimeOf, type LaneModel, type TimelineModel } from './timeline-model.js';
import { vocabulary, type Family } from './vocabulary.js';

export { escapeXml } from './svg-kit.js';

export interface SvgOptions { width?: number }

const LABEL_W = 262;
const CRASH_LINE = 15;
const MAX_CRASH_LABELS = 4;
const LANE_H = 22;
const BAR_H = 12;
const GROUP_H = 20;

export function timelineSvg(events: Iterable<TraceEvent>, ctx: VizContext = {}, options: SvgOptions = {}): string {
  return renderTimeline(buildTimelineModel(events, ctx), options);
}

export async function timelineSvgAsync(events: AsyncIterable<TraceEvent>, ctx: VizContext = {}, options: SvgOptions = {}): Promise<string> {
  return renderTimeline(await buildTimelineModelAsync(events, ctx), options);
}

export interface Layout {
  width: number; x0: number; plotW: number; span: number; bins: number; columns: number;
  xOfBin(b: number): number; xOfT(t: number): number; colBins(j: number): [number, number];
}

function layout(m: TimelineModel, width: number): Layout {
  const binWidth = m.lanes[0]?.bins.width ?? m.owner.width;
  const bins = Math.min(BIN_COUNT, Math.floor((m.end - m.origin) / binWidth) + 1);
  const x0 = LABEL_W + 12;
  const plotW = width - x0 - 24;
  const span = bins * binWidth;
  const columns = Math.max(1, Math.min(bins, Math.floor(plotW)));
  return {
    width, x0, plotW, span, bins, columns,
    xOfBin: (b) => x0 + (b / bins) * plotW,
    xOfT: (t) => x0 + Math.min(1, Math.max(0, (t - m.origin) / span)) * plotW,
    colBins: (j) => [Math.floor((j * bins) / columns), Math.floor(((j + 1) * bins) / columns)],
  };
}

/** Lanes grouped per process: processes in the result's order (by program), unknown ones after. */
export function groups(m: TimelineModel): { pid: number; lanes: LaneModel[] }[] {
  const byPid = new Map<number, LaneModel[]>();
  for (const l of m.lanes) byPid.set(l.pid, [...(byPid.get(l.pid) ?? []), l]);
  const known = (m.ctx.processes ?? []).slice().sort((a, b) => (a.program === b.program ? a.index - b.index : programRank(m, a.program) - programRank(m, b.program)));
  const order = [...known.map((p) => p.pid), ...[...byPid.keys()].filter((pid) => !findProcess(m.ctx, pid)).sort((a, b) => a - b)];
  return order.filter((pid) => byPid.has(pid)).map((pid) => ({ pid, lanes: byPid.get(pid)!.sort((a, b) => a.tid - b.tid) }));
}
const programRank = (m: TimelineModel, program: string) => (m.ctx.processes ?? []).findIndex((p) => p.program === program);

export function renderTimeline(m: TimelineModel, options: SvgOptions = {}): string {
  const L = layout(m, Math.max(600, options.width ?? 1200));
  const gs = groups(m);
  const colorOfPid = new Map(gs.map((g, i) => [g.pid, PROCESS_COLORS[i % PROCESS_COLORS.length]!]));
  const out: string[] = [];
  const ownerY = 58;
  const crashY = 92;
  // one label line per crash (up to MAX_CRASH_LABELS), so labels of close crashes do not overlap
  let y = 112 + CRASH_LINE * (Math.min(m.crashes.length, MAX_CRASH_LABELS + 1) - 1);
  const laneTop = y;
  const lanesSvg: string[] = [];
  const laneY = new Map<string, number>();
  for (const g of gs) {
    const color = colorOfPid.get(g.pid)!;
    lanesSvg.push(`<g class="process" data-pid="${g.pid}">`);
    lanesSvg.push(`<rect x="4" y="${y}" width="4" height="${GROUP_H + g.lanes.length * LANE_H - 4}" fill="${color}"/>`);
    lanesSvg.push(`<text x="14" y="${y + 14}" class="group" fill="${color}">${escapeXml(processLabel(m.ctx, g.pid))}</text>`);
    y += GROUP_H;
    for (const l of g.lanes) {
      laneY.set(`${l.pid}/${l.tid}`, y);
      lanesSvg.push(renderLane(l, L, y, m));
      y += LANE_H;
    }
    for (const lg of m.laneGaps.filter((x) => x.pid === g.pid)) {
      const ly = laneY.get(`${lg.pid}/${lg.tid}`)!;
      const x = L.xOfT(lg.from);
      lanesSvg.push(`<rect class="lane-gap" x="${num(x)}" y="${ly + 3}" width="${num(Math.max(2, L.xOfT(lg.to) - x))}" height="${LANE_H - 6}" fill="url(#gap)"><title>TID ${lg.tid}: earlier lock calls overwritten in its ring (the ring keeps the latest)</title></rect>`);
    }
    for (const d of m.deaths.filter((x) => x.pid === g.pid)) {
      const x = L.xOfT(d.t);
      const top = y - g.lanes.length * LANE_H;
      lanesSvg.push(`<rect class="dead" x="${num(x)}" y="${top}" width="${num(Math.max(0, L.x0 + L.plotW - x))}" height="${g.lanes.length * LANE_H}" fill="url(#dead)"><title>pid ${g.pid} gone (${d.how})</title></rect>`);
    }
    lanesSvg.push('</g>');
    y += 6;
  }
  const laneBottom = y;
  const axisY = y + 4;
  const gapNotes = m.gaps.length > 0 ? 16 * Math.min(m.gaps.length, 3) : 0;
  const insetY = axisY + 30 + gapNotes;
  const inset = m.story ? renderInset(m, m.story, L, insetY + INSET_GAP, colorOfPid) : undefined;
  const legendY = inset ? insetY + INSET_GAP + inset.height + 24 : axisY + 34 + gapNotes;
  const legend = renderLegend(m, L, legendY);
  const height = legendY + legend.height;

  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${height}" viewBox="0 0 ${L.width} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="11">`);
  out.push(SVG_DEFS);
  out.push(`<rect width="${L.width}" height="${height}" fill="#ffffff"/>`);
  out.push(renderHeader(m, L));
  // Where the trace has no owner word to draw, say so rather than draw an empty row.
  const unrecorded = UNRECORDED_OWNER[vocabulary(m.ctx).family];
  out.push(unrecorded
    ? `<text x="12" y="${ownerY + 13}" font-weight="bold" fill="#37474f">${unrecorded.label}</text><text x="${L.x0}" y="${ownerY + 13}" class="small">${unrecorded.note}</text>`
    : renderOwnerRow(m, L, ownerY, colorOfPid));
  out.push(`<rect x="${L.x0}" y="${laneTop - 4}" width="${num(L.plotW)}" height="${laneBottom - laneTop}" fill="#f5f7f8"/>`);
  out.push(...lanesSvg);
  out.push(renderGaps(m, L, ownerY, laneBottom, axisY + 30));
  out.push(renderCrashes(m, L, crashY, laneY, laneBottom));
  out.push(renderAxis(m, L, axisY));
  if (inset && m.story) {
    out.push(renderBracket(m, L, laneTop - 4, laneBottom, axisY, insetY + INSET_GAP));
    out.push(inset.svg);
  }
  out.push(legend.svg);
  out.push('</svg>');
  return out.join('\n');
}

function renderHeader(m: TimelineModel, L: Layout): string {
  const processes = new Set(m.lanes.map((l) => l.pid)).size;
  const perColumn = L.span / L.columns;
  const density = m.aggregated ? ` · aggregated: one column ≈ ${formatTime(m.ctx, perColumn)}` : '';
  const missing = m.gaps.reduce((n, g) => n + g.missing, 0);
  const gaps = m.gaps.length > 0 ? ` · ${missing} events not stored (grey hatched gap)`
    : !m.ctx.inputTruncated ? ''
    : m.ctx.engine === 'native' ? ' · the rings kept only each thread\'s latest lock calls (earlier ones were overwritten)'
    : ' · trace truncated by the engine (later events not recorded)';
  const title = m.ctx.title ?? 'mutexlab timeline';
  const traced = traceTimeOf(m, m.end) ?? m.end;
  return `<text x="12" y="22" font-size="16" font-weight="bold" fill="#263238">${escapeXml(title)}</text>` +
    `<text x="12" y="40" class="small">${m.events} events · ${m.lanes.length} threads in ${processes} processes · ${escapeXml(formatTime(m.ctx, traced - m.origin))} traced${escapeXml(density)}${escapeXml(gaps)}</text>`;
}

/**
 * Each gap: a hatched band over the owner row and every lane, and a line under the axis that
 * says how many events are missing and which stretch of time they covered.
 */
function renderGaps(m: TimelineModel, L: Layout, top: number, bottom: number, noteY: number): string {
  const parts: string[] = [];
  for (const [i, g] of m.gaps.entries()) {
    const x1 = L.xOfT(g.from);
    const w = Math.max(6, L.xOfT(g.to) - x1);
    const text = `gap: ${g.missing} events not stored between ${formatAt(m.ctx, g.atFrom)} and ${formatAt(m.ctx, g.atTo)} (the stored trace keeps its first and last halves); nothing is drawn across it`;
    parts.push(`<g class="gap" data-missing="${g.missing}"><title>${escapeXml(text)}</title>`,
      `<rect x="${num(x1)}" y="${top}" width="${num(w)}" height="${bottom - top}" fill="url(#gap)" stroke="${GAP_LINE}"/>`,
      i < 3 ? `<text x="${L.x0}" y="${noteY + 12 + 16 * i}" class="note">${escapeXml(text)}</text>` : '', '</g>');
  }
  return parts.join('');
}

/** Marks the magnified window on the overview and joins it to the panel below. */
function renderBracket(m: TimelineModel, L: Layout, top: number, bottom: number, axisY: number, panelY: number): string {
  const w = m.story!.window;
  const x1 = L.xOfT(w.from);
  const x2 = Math.max(x1 + 4, L.xOfT(w.to));
  const right = L.x0 + L.plotW;
  return `<g class="bracket"><rect x="${num(x1 - 1)}" y="${top}" width="${num(x2 - x1 + 2)}" height="${bottom - top}" fill="none" stroke="${LINK_COLOR}" stroke-width="1.5"/>`
    + `<line x1="${num(x1 - 1)}" y1="${axisY}" x2="${L.x0}" y2="${panelY}" stroke="${LINK_COLOR}" stroke-width="1" stroke-dasharray="3 3"/>`
    + `<line x1="${num(x2 + 1)}" y1="${axisY}" x2="${num(right)}" y2="${panelY}" stroke="${LINK_COLOR}" stroke-width="1" stroke-dasharray="3 3"/></g>`;
}

function renderLane(l: LaneModel, L: Layout, y: number, m: TimelineModel): string {
  const parts = [`<g class="lane-row" data-tid="${l.tid}"><text x="22" y="${y + 15}" class="lane">${escapeXml(threadLabel(m.ctx, l.pid, l.tid, l.ownerId))}</text>`];
  const barY = y + (LANE_H - BAR_H) / 2;
  let run: { state: number; level: number; from: number } | undefined;
  const flush = (to: number) => {
    if (!run || run.state < 0) return;
    const st = { color: STATE_COLORS[LANE_STATES[run.state]!] };
    const x = L.xOfBin(L.colBins(run.from)[0]);
    const w = Math.max(0.6, L.xOfBin(L.colBins(to - 1)[1]) - x);
    parts.push(`<rect class="${LANE_STATES[run.state]}" x="${num(x)}" y="${barY}" width="${num(w)}" height="${BAR_H}" fill="${st.color}"${run.level < 1 ? ` fill-opacity="${run.level}"` : ''}/>`);
  };
  const switchCols: number[] = [];
  const watchCols: number[] = [];
  const stallCols: number[] = [];
  for (let j = 0; j < L.columns; j++) {
    const [b0, b1] = L.colBins(j);
    let best = -1; let bestCov = 0; let switches = 0; let watch = 0; let stalls = 0;
    for (let s = 0; s < LANE_STATES.length; s++) {
      let cov = 0;
      for (let b = b0; b < b1; b++) cov += l.bins.coverageOf(s, b);
      if (cov > bestCov) { best = s; bestCov = cov; }
    }
    for (let b = b0; b < b1; b++) { switches += l.bins.marksOf(MARK_SWITCH, b); watch += l.bins.marksOf(MARK_WATCHPOINT, b); stalls += l.bins.marksOf(MARK_STALL, b); }
    const frac = bestCov / Math.max(1e-9, (b1 - b0) * l.bins.width);
    const state = frac < 0.02 ? -1 : best;
    const level = frac >= 0.75 ? 1 : frac >= 0.4 ? 0.7 : 0.45;
    if (!run || run.state !== state || run.level !== level) { flush(j); run = { state, level, from: j }; }
    if (switches > 0) switchCols.push(j);
    if (watch > 0) watchCols.push(j);
    if (stalls > 0) stallCols.push(j);
  }
  flush(L.columns);
  const ticks = [
    ...markRuns(switchCols, L, barY - 4, 'switch', '#263238', 1),
    ...markRuns(watchCols, L, barY + BAR_H, 'watchpoint', '#00838f', 1.5),
    ...markRuns(stallCols, L, barY - 4, 'stall', STALL_COLOR, 2),
  ];
  parts.push(...ticks, '</g>');
  return parts.join('');
}

/**
 * Ticks at the given columns; three or more neighbouring columns become one band, so a dense
 * trace gives a few rectangles instead of a line per pixel.
 */
function markRuns(cols: number[], L: Layout, y: number, cls: string, color: string, strokeWidth: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < cols.length;) {
    let k = i;
    while (k + 1 < cols.length && cols[k + 1] === cols[k]! + 1) k++;
    const x = L.xOfBin(L.colBins(cols[i]!)[0]);
    if (k - i >= 2) {
      const w = L.xOfBin(L.colBins(cols[k]!)[1]) - x;
      out.push(`<rect class="${cls}" x="${num(x)}" y="${y}" width="${num(w)}" height="4" fill="${color}" fill-opacity="0.55"/>`);
    } else {
      for (let c = i; c <= k; c++) {
        const cx = num(L.xOfBin(L.colBins(cols[c]!)[0]));
        out.push(`<line class="${cls}" x1="${cx}" y1="${y}" x2="${cx}" y2="${y + 4}" stroke="${color}" stroke-width="${strokeWidth}"/>`);
      }
    }
    i = k + 1;
  }
  return out;
}

/** The owner row's words where the trace records no owner word, by vocabulary family. */
const UNRECORDED_OWNER: Partial<Record<Family, { label: string; note: string }>> = {
  native: { label: '__owner', note: "not recorded natively: the probe's rings hold lock calls (acquired, counter read and write, unlock), not stores to the mutex words" },
  musl: { label: 'owner', note: "not recorded by musl: a normal mutex's _m_lock holds EBUSY (16) while held, not who holds it; the lanes show the holder" },
};

function renderOwnerRow(m: TimelineModel, L: Layout, y: number, colorOfPid: Map<number, string>): string {
  const vocab = vocabulary(m.ctx);
  const parts = [`<text x="12" y="${y + 13}" font-weight="bold" fill="#37474f">${vocab.ownerWord}</text>`,
    `<rect x="${L.x0}" y="${y}" width="${num(L.plotW)}" height="18" fill="#eceff1"/>`];
  let current: string | undefined;
  let run: { value: string; from: number; busy: boolean } | undefined;
  const flush = (to: number) => {
    if (!run) return;
    const x = L.xOfBin(L.colBins(run.from)[0]);
    const w = L.xOfBin(L.colBins(to - 1)[1]) - x;
    if (run.busy) {
      parts.push(`<rect class="owner busy" x="${num(x)}" y="${y}" width="${num(Math.max(0.6, w))}" height="18" fill="#90a4ae"><title>${vocab.ownerWord} changed many times here</title></rect>`);
      return;
    }
    const free = /^(0x0+|0)$/i.test(run.value);
    const who = free ? undefined : ownerOf(m, run.value);
    const pid = who ? Number(/pid (\d+)/.exec(who)?.[1]) : undefined;
    const fill = free ? '#ffffff' : pid !== undefined ? colorOfPid.get(pid) ?? '#455a64' : '#455a64';
    const label = free ? `${run.value} (free)` : who ? `${run.value} = ${vocab.threadId} of ${who}` : run.value;
    parts.push(`<rect class="owner" x="${num(x)}" y="${y}" width="${num(Math.max(0.6, w))}" height="18" fill="${fill}"${run.busy ? ' fill-opacity="0.6"' : ''}><title>${escapeXml(label)}</title></rect>`);
    if (w > label.length * 6.2 + 6) parts.push(`<text x="${num(x + 3)}" y="${y + 13}" font-size="10" fill="${free ? '#546e7a' : '#ffffff'}">${escapeXml(label)}</text>`);
  };
  for (let j = 0; j < L.columns; j++) {
    const [b0, b1] = L.colBins(j);
    let changes = 0;
    for (let b = b0; b < b1; b++) {
      const v = m.owner.valueAt(b);
      if (v !== undefined) current = normalizeWord(v);
      changes += m.owner.changesAt(b);
    }
    if (current === undefined) continue;
    // Columns where the word changed more than twice are drawn as one grey band: no single
    // value describes them.
    const busy = changes > 2;
    if (!run || run.busy !== busy || (!busy && run.value !== current)) { flush(j); run = { value: current, from: j, busy }; }
  }
  flush(L.columns);
  return parts.join('');
}

const normalizeWord = (v: string) => (/^\d+$/.test(v) ? '0x' + Number(v).toString(16) : v.toLowerCase());

/**
 * Which thread an owner value names: a ulwp_t address the result lists (Solaris), else the
 * thread that stored that value when it took the mutex (its TID on Linux), from the trace.
 */
export function ownerOf(m: TimelineModel, value: string): string | undefined {
  const named = ownerName(m.ctx, value);
  if (named) return named;
  const key = wordKeyOf(value);
  const l = m.lanes.find((x) => x.ownerId !== undefined && wordKeyOf(x.ownerId) === key);
  return l ? `pid ${l.pid} tid ${l.tid}` : undefined;
}
const wordKeyOf = (v: string) => (/^0x[0-9a-f]+$/i.test(v) ? String(Number.parseInt(v, 16)) : /^\d+$/.test(v) ? String(Number(v)) : v.toLowerCase());

function renderCrashes(m: TimelineModel, L: Layout, y: number, laneY: Map<string, number>, bottom: number): string {
  const parts: string[] = [];
  for (const [i, c] of m.crashes.entries()) {
    const x = L.xOfT(c.t);
    const text = [c.signal, c.function && `in ${c.function}`, c.faultAddress && `fault address ${c.faultAddress}`, c.reason && `(${c.reason})`, `(pid ${c.pid} tid ${c.tid})`].filter(Boolean).join(' ');
    const ly = laneY.get(`${c.pid}/${c.tid}`) ?? bottom - LANE_H;
    const anchor = x + 6 + text.length * 7.4 > L.x0 + L.plotW && x > L.x0 + L.plotW / 3 ? 'end' : 'start';
    const tx = anchor === 'end' ? x - 6 : x + 6;
    const labelY = y + 8 + CRASH_LINE * Math.min(i, MAX_CRASH_LABELS);
    const label = i < MAX_CRASH_LABELS ? text : i === MAX_CRASH_LABELS ? `and ${m.crashes.length - MAX_CRASH_LABELS} more fatal signals` : '';
    parts.push(`<g class="crash" data-signal="${escapeXml(c.signal)}"><title>${escapeXml(text)}</title>`,
      `<line x1="${num(x)}" y1="${labelY - 12}" x2="${num(x)}" y2="${bottom}" stroke="${CRASH_COLOR}" stroke-width="2" stroke-dasharray="5 3"/>`,
      `<circle cx="${num(x)}" cy="${ly + LANE_H / 2}" r="7" fill="${CRASH_COLOR}" stroke="#ffffff" stroke-width="1.5"/>`,
      `<path d="M${num(x - 3.5)} ${ly + LANE_H / 2 - 3.5} l7 7 m0 -7 l-7 7" stroke="#ffffff" stroke-width="2"/>`,
      label ? `<text x="${num(tx)}" y="${labelY}" text-anchor="${anchor}" class="crash">${escapeXml(label)}</text>` : '', '</g>');
  }
  return parts.join('');
}

function renderAxis(m: TimelineModel, L: Layout, y: number): string {
  const parts = [`<line x1="${L.x0}" y1="${y}" x2="${num(L.x0 + L.plotW)}" y2="${y}" stroke="#90a4ae"/>`];
  const step = niceStep(L.span / 8);
  for (let v = 0; v <= L.span + 1e-9; v += step) {
    const x = L.x0 + (v / L.span) * L.plotW;
    // Labels give trace time (a gap squeezes its stretch); none inside a gap.
    const at = traceTimeOf(m, m.origin + v);
    if (at === undefined) continue;
    parts.push(`<line x1="${num(x)}" y1="${y}" x2="${num(x)}" y2="${y + 5}" stroke="#90a4ae"/><text x="${num(x)}" y="${y + 17}" text-anchor="middle" class="small">${escapeXml(formatTime(m.ctx, at - m.origin))}</text>`);
  }
  return parts.join('');
}

function renderLegend(m: TimelineModel, L: Layout, y0: number): { svg: string; height: number } {
  const style = stateStyle(m.ctx);
  const vocab = vocabulary(m.ctx);
  let y = y0;
  const parts: string[] = [`<g class="legend"><text x="12" y="${y + 10}" font-weight="bold" fill="#37474f">legend</text>`];
  let x = L.x0;
  const item = (swatch: string, label: string) => {
    if (x + 26 + label.length * 6.3 > L.width) { x = L.x0; y += 20; }
    parts.push(swatch.replace(/\{x\}/g, String(x)).replace(/\{y(\+\d+)?\}/g, (_m, d: string | undefined) => String(y + Number(d ?? 0))), `<text x="${x + 18}" y="${y + 10}" fill="#37474f">${escapeXml(label)}</text>`);
    x += 26 + label.length * 6.3;
  };
  const newRow = () => { x = L.x0; y += 20; };
  // only the states the picture shows (the lock-held colour always, as the reference)
  const shown = new Set<string>(['hold', ...(m.story?.spans ?? []).map((s) => s.state)]);
  for (const l of m.lanes) {
    for (const [i, s] of LANE_STATES.entries()) {
      if (shown.has(s)) continue;
      for (let b = 0; b < l.bins.used; b++) if (l.bins.coverageOf(i, b) > 0) { shown.add(s); break; }
    }
  }
  for (const s of LANE_STATES) if (shown.has(s)) item(`<rect x="{x}" y="{y}" width="14" height="12" fill="${style[s].color}"/>`, style[s].label);
  newRow();
  item(`<line x1="{x}" y1="{y}" x2="{x}" y2="{y+6}" stroke="#263238" transform="translate(7 0)"/>`, 'switched onto a CPU');
  item(`<line x1="{x}" y1="{y+6}" x2="{x}" y2="{y+12}" stroke="#00838f" stroke-width="1.5" transform="translate(7 0)"/>`, 'watchpoint hit');
  if (m.lanes.some((l) => l.bins.hasMark(MARK_STALL))) {
    item(`<line x1="{x}" y1="{y}" x2="{x}" y2="{y+6}" stroke="${STALL_COLOR}" stroke-width="2" transform="translate(7 0)"/>`, 'its CPU stalled (interrupt, host)');
  }
  item(`<circle cx="{x}" cy="{y+6}" r="6" fill="${CRASH_COLOR}" transform="translate(7 0)"/>`, 'fatal signal');
  item(`<rect x="{x}" y="{y}" width="14" height="12" fill="url(#dead)" stroke="#9e9e9e"/>`, 'process gone');
  if (m.gaps.length > 0 || m.ctx.inputTruncated) item(`<rect x="{x}" y="{y}" width="14" height="12" fill="url(#gap)" stroke="${GAP_LINE}"/>`, 'events not stored (gap)');
  newRow();
  const owner = vocab.family === 'solaris' ? `${vocab.ownerWord} 0 (free); coloured = ulwp_t of a thread of that process` : `${vocab.ownerWord} 0 (free); coloured = TID of a thread of that process`;
  if (vocab.family !== 'native' && vocab.family !== 'musl') item(`<rect x="{x}" y="{y}" width="14" height="12" fill="#ffffff" stroke="#90a4ae"/>`, owner);
  if (m.aggregated && vocab.family !== 'native' && vocab.family !== 'musl') item(`<rect x="{x}" y="{y}" width="14" height="12" fill="#90a4ae"/>`, 'owner changing often');
  if (m.aggregated) item(`<rect x="{x}" y="{y}" width="14" height="12" fill="${style.hold.color}" fill-opacity="0.45"/>`, 'paler = the state filled part of the column');
  if (m.story) {
    newRow();
    item(`<rect x="{x}" y="{y}" width="14" height="12" fill="none" stroke="${LINK_COLOR}" stroke-width="1.5"/>`, 'window magnified below');
  }
  if (m.story?.kind === 'fault') {
    item(`<path d="M{x} {y+6} l14 0" stroke="${LINK_COLOR}" stroke-width="2" marker-end="url(#arrowhead)"/>`, `the value stored in ${vocab.ownerWord} travels to the thread that read it`);
  }
  const unit = m.ctx.engine === 'native' ? 'wall-clock time' : 'simulated ticks';
  const text = `time in ${unit} since the first event; one lane per thread, grouped by process (program, pid, System V key)`
    + (vocab.family === 'native' ? '; the probe records each lock call, not the moment it returned, so a bar is the wait and the hold together' : '');
  const lines = wrap(text, Math.floor((L.width - L.x0 - 12) / 5.6));
  lines.forEach((line, i) => parts.push(`<text x="${L.x0}" y="${y + 32 + 14 * i}" class="small">${escapeXml(line)}</text>`));
  parts.push('</g>');
  return { svg: parts.join(''), height: y + 34 + 14 * lines.length - y0 };
}
