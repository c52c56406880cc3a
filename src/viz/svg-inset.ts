// The magnified panel under the overview: the few ticks that explain a fault, drawn at full
// resolution from the fault story (fault-story.ts). One lane per thread that did anything in
// the window; on them the owner-word store, the CPU switch that took the storer away, the
// faulting thread's load of the owner word, and the fault; an arrow carries the stored value
// from the store to the load. A caption says the same in one sentence.
import { processLabel, threadLabel, wordKey } from './context.js';
import type { ActivityWindow, FaultStory, Magnified } from './fault-story.js';
import { CRASH_COLOR, LINK_COLOR, STATE_COLORS, escapeXml, formatAt, formatAxisAt, niceStep, num, wrap } from './svg-kit.js';
import { groups, ownerOf, type Layout } from './svg.js';
import { traceTimeOf, type TimelineModel } from './timeline-model.js';
import { vocabulary } from './vocabulary.js';

/** Vertical room between the overview's axis and the panel, for the bracket's connectors. */
export const INSET_GAP = 26;
const LANE_H = 46;
const BAR_Y = 17;
const BAR_H = 12;

export function renderInset(m: TimelineModel, story: Magnified, L: Layout, y0: number, colorOfPid: Map<number, string>): { svg: string; height: number } {
  const { from, to } = story.window;
  const xOf = (t: number) => L.x0 + ((t - from) / Math.max(1e-9, to - from)) * L.plotW;
  const keyOf = (pid: number, tid: number) => `${pid}/${tid}`;
  const storeKey = story.kind === 'fault' && story.store ? keyOf(story.store.pid, story.store.tid) : undefined;
  const readKey = story.kind === 'fault' ? keyOf(story.read.pid, story.read.tid) : '';
  const involved = new Set<string>([...(readKey ? [readKey] : []), ...(storeKey ? [storeKey] : []), ...story.spans.map((s) => s.key), ...story.marks.map((mk) => mk.key)]);
  const lanes = groups(m).flatMap((g) => g.lanes).filter((l) => involved.has(keyOf(l.pid, l.tid)));

  const parts: string[] = ['<g class="inset">'];
  const caption = wrap(story.kind === 'fault' ? captionOf(m, story) : activityCaption(m, story), Math.floor((L.width - 24) / 6.9));
  const atFrom = traceTimeOf(m, from) ?? from;
  const atTo = traceTimeOf(m, to) ?? to;
  parts.push(`<rect x="4" y="${y0}" width="${L.width - 8}" height="0" fill="none" class="inset-frame"/>`);
  parts.push(`<text x="12" y="${y0 + 16}" class="heading">${escapeXml(`Magnified: ${formatAt(m.ctx, atFrom)} to ${formatAt(m.ctx, atTo)}, ${story.kind === 'fault' ? `the steps that led to the ${story.fault.signal}` : 'the lock calls the probe\'s rings kept'}`)}${story.complete ? '' : ' (the window is longer than the picture keeps at full detail; its start may be incomplete)'}</text>`);
  caption.forEach((line, i) => parts.push(`<text x="12" y="${y0 + 34 + 16 * i}" class="caption">${escapeXml(line)}</text>`));
  let y = y0 + 34 + 16 * caption.length;
  const laneTop = y;
  parts.push(`<rect x="${L.x0}" y="${laneTop}" width="${num(L.plotW)}" height="${lanes.length * LANE_H}" fill="#f5f7f8"/>`);
  const laneY = new Map<string, number>();
  for (const l of lanes) {
    const k = keyOf(l.pid, l.tid);
    laneY.set(k, y);
    const color = colorOfPid.get(l.pid) ?? '#455a64';
    parts.push(`<g class="inset-lane" data-pid="${l.pid}" data-tid="${l.tid}">`,
      `<rect x="4" y="${y + 4}" width="4" height="${LANE_H - 8}" fill="${color}"/>`,
      `<text x="14" y="${y + 17}" class="lane" font-weight="bold" fill="${color}">${escapeXml(`pid ${l.pid}`)}<title>${escapeXml(processLabel(m.ctx, l.pid))}</title></text>`,
      `<text x="14" y="${y + 31}" class="lane">${escapeXml(threadLabel(m.ctx, l.pid, l.tid, l.ownerId))}</text>`);
    for (const lg of m.laneGaps.filter((x) => x.pid === l.pid && x.tid === l.tid && x.to > from)) {
      const x1 = xOf(Math.max(from, lg.from));
      parts.push(`<rect class="lane-gap" x="${num(x1)}" y="${y + BAR_Y - 4}" width="${num(Math.max(1, xOf(Math.min(to, lg.to)) - x1))}" height="${BAR_H + 8}" fill="url(#gap)"><title>earlier lock calls overwritten in this thread's ring</title></rect>`);
    }
    for (const s of story.spans.filter((x) => x.key === k)) {
      const x1 = xOf(s.from);
      parts.push(`<rect class="${s.state}" x="${num(x1)}" y="${y + BAR_Y}" width="${num(Math.max(1, xOf(s.to) - x1))}" height="${BAR_H}" fill="${STATE_COLORS[s.state]}"/>`);
    }
    for (const mk of story.marks.filter((x) => x.key === k)) {
      const x = num(xOf(mk.t));
      if (mk.kind === 'switch') parts.push(`<line class="switch" x1="${x}" y1="${y + BAR_Y - 5}" x2="${x}" y2="${y + BAR_Y}" stroke="#263238" stroke-width="1.5"/>`);
    }
    // a dark strip under the bar while the thread runs on a CPU: a holder without it is off its CPU
    for (const r of story.running.filter((x) => x.key === k)) {
      const x1 = xOf(r.from);
      parts.push(`<rect class="on-cpu" data-cpu="${r.cpu}" x="${num(x1)}" y="${y + BAR_Y + BAR_H + 2}" width="${num(Math.max(1, xOf(r.to) - x1))}" height="3" fill="#37474f"/>`);
    }
    parts.push('</g>');
    y += LANE_H;
  }
  const mid = (k: string) => (laneY.get(k) ?? laneTop) + BAR_Y + BAR_H / 2;
  const bottom = (k: string) => (laneY.get(k) ?? laneTop) + BAR_Y + BAR_H + 9;
  const vocab = vocabulary(m.ctx);
  const right = L.x0 + L.plotW;
  // Numbered badges on the picture, explained in a key under the axis: labels in the lanes
  // would collide whenever two steps fall a tick apart.
  const key: { n: number; text: string; color: string }[] = [];
  const badge = (x: number, yy: number, text: string, color = LINK_COLOR) => {
    const n = key.length + 1;
    key.push({ n, text, color });
    return `<g class="badge" data-n="${n}"><circle cx="${num(x)}" cy="${num(yy)}" r="7.5" fill="${color}"/><text x="${num(x)}" y="${num(yy + 4)}" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff">${n}</text></g>`;
  };

  if (story.kind === 'fault') {
  // the store, and the switch that took the storer off its CPU
  const xr = xOf(story.read.t);
  const yr = mid(readKey);
  if (story.store && storeKey) {
    const s = story.store;
    const xs = xOf(s.t);
    const ys = mid(storeKey);
    const color = colorOfPid.get(s.pid) ?? '#455a64';
    const who = ownerOf(m, s.value);
    parts.push(`<g class="owner-store" data-seq="${s.seq}" data-pid="${s.pid}" data-tid="${s.tid}" data-value="${escapeXml(s.value)}"><title>${escapeXml(`seq ${s.seq}: pid ${s.pid} tid ${s.tid} stores ${s.field} = ${s.value} (${formatAt(m.ctx, s.at)})`)}</title>`,
      `<path d="M${num(xs)} ${num(ys - 9)} l9 9 l-9 9 l-9 -9 z" fill="${color}" stroke="${LINK_COLOR}" stroke-width="1.5"/>`,
      badge(xs - 18, ys, `pid ${s.pid} tid ${s.tid} stores ${s.field} = ${s.value}${who ? ` (the ${vocab.ownerId} of ${who})` : ''} at ${formatAt(m.ctx, s.at)}`, color), '</g>');
    const p = story.preemptions[0];
    if (p) {
      const xp = xOf(p.t);
      const to = p.to.split('/');
      parts.push(`<g class="preemption" data-cpu="${p.cpu}"><line x1="${num(xp)}" y1="${ys - 10}" x2="${num(xp)}" y2="${ys + 10}" stroke="#263238" stroke-width="2.5"/>`,
        badge(Math.max(xp, xs + 16), bottom(storeKey), `pid ${s.pid} tid ${s.tid} is switched off CPU ${p.cpu} at ${formatAt(m.ctx, p.at)}: pid ${to[0]} tid ${to[1]} runs`, '#263238'), '</g>');
    }
    // the arrow: the stored value travels through the shared owner word to the reader
    // Leaves the diamond towards the reader's lane and enters the read circle from that side,
    // so it runs between the lanes instead of along a bar.
    const up = yr < ys ? -1 : 1;
    const y1 = ys + up * 9;
    const y2 = yr - up * 8.5;
    const yb = (y1 + y2) / 2;
    parts.push(`<g class="causal-arrow" data-store-seq="${s.seq}" data-read-seq="${story.read.seq}"><title>${escapeXml(`the value pid ${s.pid} tid ${s.tid} stored (${s.value}) is the value pid ${story.read.pid} tid ${story.read.tid} read`)}</title>`,
      `<path d="M${num(xs)} ${num(y1)} C${num(xs)} ${num(yb)} ${num(xr)} ${num(yb)} ${num(xr)} ${num(y2)}" fill="none" stroke="${LINK_COLOR}" stroke-width="2.5" marker-end="url(#arrowhead)"/>`, '</g>');
  }
  // the load that faulted, and the fault
  const r = story.read;
  parts.push(`<g class="owner-read" data-seq="${r.seq}" data-pid="${r.pid}" data-tid="${r.tid}" data-value="${escapeXml(r.value)}"><title>${escapeXml(`seq ${r.seq}: pid ${r.pid} tid ${r.tid} reads ${r.field} = ${r.value} (${formatAt(m.ctx, r.at)})`)}</title>`,
    `<circle cx="${num(xr)}" cy="${num(yr)}" r="6.5" fill="#ffffff" stroke="${LINK_COLOR}" stroke-width="2.5"/>`,
    badge(xr - 18, yr, `pid ${r.pid} tid ${r.tid} reads ${r.field} = ${r.value} at ${formatAt(m.ctx, r.at)}${story.store && story.store.pid !== r.pid ? `: a value from pid ${story.store.pid}` : ''}`), '</g>');
  const f = story.fault;
  const fk = keyOf(f.pid, f.tid);
  let xf = xOf(f.t);
  if (fk === readKey && Math.abs(xf - xr) < 16) xf = xr + 16; // same tick as the load: side by side
  const yf = mid(fk);
  parts.push(`<g class="fault" data-seq="${f.seq}" data-signal="${escapeXml(f.signal)}"><title>${escapeXml(faultText(m, story))}</title>`,
    `<circle cx="${num(xf)}" cy="${num(yf)}" r="8" fill="${CRASH_COLOR}" stroke="#ffffff" stroke-width="1.5"/>`,
    `<path d="M${num(xf - 4)} ${num(yf - 4)} l8 8 m0 -8 l-8 8" stroke="#ffffff" stroke-width="2.2"/>`,
    badge(xf, bottom(fk), `pid ${f.pid} tid ${f.tid} takes ${faultText(m, story)}`, CRASH_COLOR), '</g>');
  }

  // the panel's own axis, in the trace's time
  const axisY = laneTop + lanes.length * LANE_H + 4;
  parts.push(`<line x1="${L.x0}" y1="${axisY}" x2="${num(right)}" y2="${axisY}" stroke="#90a4ae"/>`);
  const step = Math.max(m.ctx.engine === 'native' ? 1e-9 : 1, niceStep((to - from) / 10));
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const at = traceTimeOf(m, t);
    if (at === undefined) continue;
    parts.push(`<line x1="${num(xOf(t))}" y1="${axisY}" x2="${num(xOf(t))}" y2="${axisY + 5}" stroke="#90a4ae"/><text x="${num(xOf(t))}" y="${axisY + 17}" text-anchor="middle" class="small">${escapeXml(formatAxisAt(m.ctx, at, step))}</text>`);
  }
  let ky = axisY + 40;
  for (const k of key) {
    parts.push(`<g class="key" data-n="${k.n}"><circle cx="${L.x0 + 8}" cy="${ky - 4}" r="7.5" fill="${k.color}"/><text x="${L.x0 + 8}" y="${ky}" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff">${k.n}</text>`,
      `<text x="${L.x0 + 22}" y="${ky}" class="note">${escapeXml(k.text)}</text></g>`);
    ky += 19;
  }
  const height = ky - y0;
  parts[1] = `<rect x="4" y="${y0}" width="${L.width - 8}" height="${height}" fill="none" stroke="#b0bec5" class="inset-frame"/>`;
  parts.push('</g>');
  return { svg: parts.join(''), height };
}

function faultText(m: TimelineModel, story: FaultStory): string {
  const f = story.fault;
  const d = story.deref;
  const through = d ? `, loading ${d.field ?? 'a word'}${d.addr ? ` at ${d.addr}` : ''} through that value` : '';
  return `${f.signal}${f.function ? ` in ${f.function}` : ''}${through} (${formatAt(m.ctx, f.at)})`;
}

/** The panel in one sentence, in the platform's words. */
function captionOf(m: TimelineModel, story: FaultStory): string {
  const vocab = vocabulary(m.ctx);
  const r = story.read;
  const reader = `pid ${r.pid} tid ${r.tid}`;
  const fault = `took ${faultText(m, story)}`;
  if (!story.store) {
    return `${reader} read ${r.field} = ${r.value} (${formatAt(m.ctx, r.at)}), a value no store in this trace explains, and ${fault}.`;
  }
  const s = story.store;
  const storer = `pid ${s.pid} tid ${s.tid}`;
  const lane = m.lanes.find((l) => l.pid === s.pid && l.tid === s.tid);
  const own = lane?.ownerId !== undefined && wordKey(lane.ownerId) === wordKey(s.value);
  const what = own ? `its own ${vocab.ownerId} ${s.value}` : `the value ${s.value}`;
  const p = story.preemptions[0];
  const preempted = p ? ` and was switched off CPU ${p.cpu} (${formatAt(m.ctx, p.at)})` : '';
  const other = s.pid !== r.pid ? `, in another process,` : '';
  return `Dark strip under a bar: the thread runs on a CPU. The arrow: ${storer} stored ${what} in ${s.field} (${formatAt(m.ctx, s.at)})${preempted}; ${reader}${other} read that value from the shared mutex (${formatAt(m.ctx, r.at)}) and ${fault}.`;
}

/** The native panel in a sentence: what a bar is, and who was left waiting. */
function activityCaption(m: TimelineModel, story: ActivityWindow): string {
  const threads = new Set(story.spans.map((s) => s.key)).size;
  const blocked = (m.ctx.blocked ?? []).map((b) => `TID ${b.tid} of pid ${b.pid} was found blocked in ${b.wchan}`);
  const overwritten = m.laneGaps.length > 0 ? ' Hatched: earlier calls, overwritten in the thread\'s ring.' : '';
  return `The overview squeezes these lock calls into a sliver: ${threads} threads, each bar one pthread_mutex_lock call until its pthread_mutex_unlock (the probe stamps the call, not the moment the mutex was taken, so a bar is the wait and the hold together).${overwritten}`
    + (blocked.length > 0 ? ` After its last call here, ${blocked.join('; ')} until the supervisor killed it.` : '');
}
