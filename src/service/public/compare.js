// Two experiments side by side (#/compare/{a}/{b}): first what differs between their specs and
// outcomes, then each one's verdict, picture and key figures in its own column. Opened after
// "Run the fix" (the crash beside its fixed twin) or from the list's compare boxes; a column
// whose experiment is still running follows it live and is redrawn when it finishes.
import { api, watchExperiment } from './api.js';
import { badge, code, h, table, TERMINAL, valueView } from './dom.js';
import { exitText } from './evidence.js';
import { backLink, picture } from './detail.js';
import { progressView } from './progress.js';
import { verdictCard } from './verdict.js';

/** {"processes[0].threads": 2, ...}: every leaf of a spec by its path; `sharing` restates mutexType. */
function leaves(value, path = '', out = new Map()) {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (path === '' && k === 'sharing') continue;
      leaves(v, Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
    }
  } else out.set(path, value);
  return out;
}

function differences(a, b) {
  const la = leaves(a.spec ?? {}); const lb = leaves(b.spec ?? {});
  const rows = [...new Set([...la.keys(), ...lb.keys()])].filter((k) => la.get(k) !== lb.get(k))
    .map((k) => [code(k), valueView(la.get(k)), valueView(lb.get(k))]);
  const oa = a.result?.verdict?.outcome; const ob = b.result?.verdict?.outcome;
  rows.push([h('strong', {}, 'outcome'), oa ? badge(oa) : badge(a.status), ob ? badge(ob) : badge(b.status)]);
  return table(['', `left (${a.id.slice(0, 8)})`, `right (${b.id.slice(0, 8)})`], rows, { caption: 'what differs', className: 'differences', rowHeaders: true });
}

function figures(x) {
  const r = x.result;
  if (!r) return null;
  return table(['', 'value'], [
    ['counter at the end', `${r.counter?.final} of ${r.counter?.expected} performed (${r.counter?.lostUpdates} lost)`],
    ['most holders at once', r.mutualExclusion?.maxHolders],
    ...(r.processes ?? []).map((p) => [`pid ${p.pid} (${p.program})`, exitText(p.exit)]),
    ...(r.exploration ? [['schedules by outcome', Object.entries(r.exploration.outcomes ?? {}).map(([o, n]) => `${o.replaceAll('_', ' ')} ${n}`).join(', ')]] : []),
  ], { caption: 'key figures', rowHeaders: true, className: 'kv' });
}

function column(x, side, progress) {
  if (TERMINAL.has(x.status)) progress.finish(x); else progress.update(x.status, x.progress);
  return h('section', { class: 'compare-column', id: `compare-${side}`, 'data-id': x.id, 'aria-labelledby': `compare-${side}-title` },
      h('h3', { id: `compare-${side}-title` }, side === 'a' ? 'Left: ' : 'Right: ', h('a', { href: `#/experiments/${x.id}` }, code(x.id.slice(0, 8))), ' ', badge(x.status)),
      h('p', { class: 'meta' }, [x.spec?.platform, x.spec?.mutexType, `seed ${x.spec?.seed}`].join(' · ')),
      progress.el,
      x.result ? verdictCard(x.result.verdict, { idPrefix: `verdict-${side}`, heading: 'h4' })
        : x.error ? h('p', { class: 'error' }, `${x.error.code}: ${x.error.message}`)
          : h('p', { class: 'card' }, `${x.status}: the verdict appears here when it finishes.`),
      x.result ? picture(x.id, { width: 640, idSuffix: `-${side}` }) : null,
      figures(x));
}

export function showCompare(view, a, b, { listHash }) {
  const stops = [];
  let stopped = false;
  // one bar per side for the life of the view: the watchers below keep updating the same ones
  const bars = { a: progressView('compare-a'), b: progressView('compare-b') };
  async function render(first) {
    let xa; let xb;
    try { [xa, xb] = await Promise.all([a, b].map((id) => api(`/experiments/${encodeURIComponent(id)}`))); } catch (err) {
      if (!stopped) view.replaceChildren(backLink(listHash), h('h2', { id: 'compare-title', tabindex: '-1' }, 'Side by side'), h('p', { class: 'error' }, `Cannot load both experiments: ${err.message}`));
      if (first) view.querySelector('#compare-title').focus();
      return;
    }
    if (stopped) return;
    const left = column(xa, 'a', bars.a); const right = column(xb, 'b', bars.b);
    const focusedId = view.contains(document.activeElement) ? document.activeElement.id : undefined;
    view.replaceChildren(backLink(listHash),
      h('h2', { id: 'compare-title', tabindex: '-1' }, 'Side by side'),
      h('section', { class: 'card', 'aria-labelledby': 'differs-title' }, h('h3', { id: 'differs-title' }, 'What differs'), differences(xa, xb)),
      h('div', { class: 'compare' }, left, right));
    if (first) view.querySelector('#compare-title').focus();
    else if (focusedId) view.querySelector(`#${CSS.escape(focusedId)}`)?.focus();
    if (first) {
      for (const [x, bar] of [[xa, bars.a], [xb, bars.b]]) {
        if (TERMINAL.has(x.status)) continue;
        stops.push(watchExperiment(x.id, (ev) => {
          if (['queued', 'running', 'progress'].includes(ev.event)) bar.update(ev.data.status || ev.event, ev.data.progress);
          else if (!stopped) render(false);
        }));
      }
    }
  }
  render(true);
  return () => { stopped = true; for (const s of stops) s(); };
}
