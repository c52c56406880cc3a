// The distribution of a repeated run, and a native/model comparison: a histogram of outcomes with
// litmus7's always / sometimes / never per outcome, and for compare the native and the model
// histograms side by side, the verdict, and the evidence of the first native run of any class the
// model never produced. Shapes: src/engine/distribution.ts (docs/contract.md "Distributions").
import { badge, h, OUTCOMES, pct, plural } from './dom.js';

/** One histogram table: a row per outcome with runs > 0 (or named in `always`), its bar and observation. */
export function outcomeHistogram(d, { id, caption, always = [], flag }) {
  const rows = OUTCOMES.filter((o) => (d?.outcomes?.[o] ?? 0) > 0 || always.includes(o));
  const runs = d?.runs ?? 0;
  const max = Math.max(1, ...rows.map((o) => d?.outcomes?.[o] ?? 0));
  return h('table', { class: 'histogram', id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['outcome', 'runs', 'share', 'observed'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((o) => {
      const n = d?.outcomes?.[o] ?? 0;
      const obs = d?.observation?.[o];
      return h('tr', { 'data-outcome': o, ...(flag?.(o) ? { 'data-flag': 'not-in-model' } : {}) },
        h('th', { scope: 'row' }, badge(o)),
        h('td', { class: 'num' }, n.toLocaleString()),
        h('td', { class: 'bar-cell' }, h('span', { class: `bar ${o}`, style: `width: ${(80 * n) / max}%` }), h('span', { class: 'bar-text' }, runs ? pct(n / runs) : '—')),
        h('td', {}, obs ? `${obs.observed} (${obs.positive}/${obs.positive + obs.negative})` : 'never'));
    })));
}

function facts(d) {
  const rows = [
    ['runs', `${d.runs} of ${d.planned}${d.stoppedBy !== 'done' ? `, stopped by ${d.stoppedBy === 'time' ? 'the time budget' : 'a cancel'}` : ''}`],
    ['engine', d.engine === 'native' ? `native, ${d.libc ? `${d.libc.name} ${d.libc.version}` : 'host libc'}` : `sim, ${d.platform}${d.seeds ? `, seeds ${d.seeds.first} to ${d.seeds.last}` : ''}`],
    ['wall time', `${(d.wallMs / 1000).toFixed(2)} s (${d.runsPerSecond} runs/s)`],
    ['shown above', `the first ${d.shown.replaceAll('_', ' ')} run (run ${d.examples?.[d.shown]?.run ?? '?'})`],
  ];
  return h('table', { class: 'kv' }, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}

function examples(d, label) {
  const list = OUTCOMES.filter((o) => d.examples?.[o]).map((o) => [o, d.examples[o]]);
  return h('details', { class: 'examples' }, h('summary', {}, `${label}: the first run of each outcome`),
    h('ul', {}, list.map(([o, e]) => h('li', { 'data-outcome': o }, badge(o), ` run ${e.run}${d.engine === 'sim' ? ` (seed ${e.seed})` : ''}: ${e.result.verdict.summary}`))));
}

/** The panel for result.distribution (repeat) or result.comparison (compare). */
export function distributionPanel(r) {
  const c = r.comparison;
  const d = r.distribution;
  if (!c) {
    return h('section', { class: 'card distribution', id: 'distribution', 'aria-labelledby': 'distribution-title' },
      h('h3', { id: 'distribution-title' }, `Distribution of ${plural(d.runs, 'run')}`),
      h('div', { class: 'grid2' }, facts(d), outcomeHistogram(d, { id: 'distribution-histogram', caption: `Outcomes of ${plural(d.runs, 'run')}` })),
      examples(d, 'Examples'));
  }
  const model = c.model.distribution;
  const seen = OUTCOMES.filter((o) => (d?.outcomes?.[o] ?? 0) > 0 || (model?.outcomes?.[o] ?? 0) > 0);
  const notInModel = (o) => model && (d?.outcomes?.[o] ?? 0) > 0 && (model.outcomes?.[o] ?? 0) === 0;
  const dis = c.disagreement;
  return h('section', { class: 'card comparison', id: 'comparison', 'aria-labelledby': 'comparison-title' },
    h('h3', { id: 'comparison-title' }, 'Native runs beside the model'),
    h('p', { id: 'comparison-verdict', class: `comparison-verdict ${c.verdict}` }, badge(c.verdict === 'agree' ? 'ok' : 'crash', c.verdict.replaceAll('_', ' ')), ' ', c.summary),
    h('div', { class: 'grid2 side-by-side' },
      outcomeHistogram(d, { id: 'native-histogram', caption: `Native: ${c.native.libc.name} ${c.native.libc.version}, ${plural(c.native.runs, 'run')}`, always: seen, flag: notInModel }),
      model ? outcomeHistogram(model, { id: 'model-histogram', caption: `Model: ${c.model.platform}, ${plural(c.model.runs, 'run')}`, always: seen })
        : h('p', { id: 'model-histogram', class: 'hint' }, `No model: ${c.model.reason}`)),
    h('p', { class: 'hint' }, `Model chosen because ${c.model.reason}. "Allowed by the model" means produced in its runs.`),
    dis ? h('div', { id: 'disagreement', class: 'card' },
      h('h4', {}, 'Observed natively, never produced by the model: ', badge(dis.outcome)),
      h('p', {}, `${dis.native} of ${c.native.runs} native runs; the first (run ${dis.example.run}): ${dis.example.summary}`),
      h('p', { class: 'hint' }, dis.example.cause),
      h('details', {}, h('summary', {}, 'Its evidence'), h('pre', { class: 'mono' }, JSON.stringify(dis.example.evidence, null, 2)))) : '',
    examples(d, 'Native examples'),
    model ? examples(model, 'Model examples') : '');
}
