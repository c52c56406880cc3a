// The exploration panel: how many schedules ended in each outcome (a histogram), the failure
// rate as the result states it, and one counterexample per outcome with a Replay button.
// Counterexamples come from `exploration.counterexamples` (one shrunk schedule per outcome
// class) when the result has them; older results only have `firstFailures` (a token per
// outcome) and one `shrunk` schedule, and those are shown instead, labelled as such.
import { badge, h, OUTCOMES, pct, plural, valueView } from './dom.js';

function rateText(fr) {
  if (fr === null || fr === undefined) return undefined;
  if (typeof fr !== 'object') return String(fr);
  const parts = [];
  if (typeof fr.estimate === 'number') parts.push(pct(fr.estimate));
  if (typeof fr.low === 'number' && typeof fr.high === 'number') {
    parts.push(`(${fr.confidence ? `${Math.round(fr.confidence * 100)}% ` : ''}interval ${pct(fr.low)} to ${pct(fr.high)}${fr.method ? `, ${fr.method}` : ''})`);
  } else if (typeof fr.upper === 'number') parts.push(`(at most ${pct(fr.upper)})`);
  else if (fr.exact || fr.sampling === 'enumerated') parts.push('(exact count over the schedules enumerated)');
  for (const k of ['statement', 'text', 'note', 'guarantee']) if (typeof fr[k] === 'string') parts.push(`: ${fr[k]}`);
  return parts.join(' ');
}

/** [{outcome, preemptions, steps, token, source}] for every failing outcome found. */
export function counterexamples(x) {
  const rows = [];
  const ce = x.counterexamples;
  if (ce && typeof ce === 'object') {
    const list = Array.isArray(ce) ? ce : Object.entries(ce).map(([outcome, c]) => ({ outcome, ...c }));
    for (const c of list) if (c && c.token) rows.push({ ...c, source: 'shrunk' });
  } else {
    const first = x.firstFailures ?? {};
    const shrunk = x.shrunk;
    for (const [outcome, f] of Object.entries(first)) {
      if (shrunk?.outcome === outcome) rows.push({ ...shrunk, outcome, source: 'shrunk' });
      else if (f?.token) {
        // firstFailure (singular) carries the figures of the very first one
        const figures = x.firstFailure?.token === f.token ? x.firstFailure : f;
        rows.push({ outcome, token: f.token, preemptions: figures.preemptions, steps: figures.steps, schedule: f.schedule, source: 'first found' });
      }
    }
    if (shrunk?.token && !rows.some((r) => r.outcome === shrunk.outcome)) rows.push({ ...shrunk, source: 'shrunk' });
  }
  return rows.sort((a, b) => OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome));
}

function histogram(x) {
  const counts = Object.entries(x.outcomes ?? {}).filter(([, n]) => n > 0)
    .sort(([a], [b]) => OUTCOMES.indexOf(a) - OUTCOMES.indexOf(b));
  const total = counts.reduce((s, [, n]) => s + n, 0) || 1;
  const max = Math.max(1, ...counts.map(([, n]) => n));
  return h('table', { class: 'histogram', id: 'outcome-histogram' },
    h('caption', {}, `Outcomes of ${plural(total, 'schedule')}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'outcome'), h('th', { scope: 'col' }, 'schedules'), h('th', { scope: 'col' }, 'share'))),
    h('tbody', {}, counts.map(([outcome, n]) => h('tr', { 'data-outcome': outcome },
      h('th', { scope: 'row' }, badge(outcome)),
      h('td', { class: 'num' }, n.toLocaleString()),
      h('td', { class: 'bar-cell' }, h('span', { class: `bar ${outcome}`, style: `width: ${(80 * n) / max}%` }), h('span', { class: 'bar-text' }, pct(n / total)))))));
}

/** The panel; `onReplay(token, button)` submits a replay (the caller opens the new experiment). */
export function explorationPanel(x, { onReplay }) {
  const facts = [
    ['strategy', [x.strategy, x.maxPreemptions !== undefined ? ` (at most ${plural(x.maxPreemptions, 'preemption')})` : '', x.depth !== undefined ? ` (depth ${x.depth})` : '']],
    ['schedules', `${(x.schedules ?? 0).toLocaleString()}${x.planned !== undefined ? ` of ${x.planned.toLocaleString()} planned` : ''}`],
    ['coverage', x.exhausted ? 'exhausted: every schedule within the bound was run' : x.stoppedBy ? `stopped by ${x.stoppedBy}` : 'not exhausted'],
    ['failure rate', rateText(x.failureRate)],
    x.minimalPreemptions !== undefined && x.minimalPreemptions !== null ? ['fewest preemptions to fail', `${x.minimalPreemptions}${x.minimalPreemptionsProven ? ' (proven minimal)' : ''}`] : null,
  ].filter((f) => f && f[1] !== undefined);
  const rows = counterexamples(x);
  const replayButton = (c) => h('button', {
    type: 'button', class: 'small', 'data-token': c.token, 'aria-label': `Replay the ${c.outcome.replaceAll('_', ' ')} counterexample`,
    onclick: (ev) => onReplay(c.token, ev.currentTarget),
  }, 'Replay');
  const { counterexamples: _c, firstFailures: _f, shrunk: _s, outcomes: _o, ...rest } = x;
  return h('section', { class: 'card exploration', id: 'exploration', 'aria-labelledby': 'exploration-title' },
    h('h3', { id: 'exploration-title' }, 'Exploration'),
    h('div', { class: 'grid2' },
      h('table', { class: 'kv' }, h('tbody', {}, facts.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v))))),
      histogram(x)),
    h('h4', {}, 'Counterexamples, one per outcome'),
    rows.length === 0 ? h('p', { class: 'hint' }, 'No schedule failed: nothing to replay.')
      : h('table', { id: 'counterexamples' },
        h('thead', {}, h('tr', {}, ['outcome', 'preemptions', 'steps', 'how it was found', 'replay token', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map((c) => h('tr', { 'data-outcome': c.outcome },
          h('th', { scope: 'row' }, badge(c.outcome)),
          h('td', { class: 'num' }, c.preemptions ?? '—'), h('td', { class: 'num' }, c.steps ?? '—'),
          h('td', {}, c.source === 'shrunk' ? 'shrunk (fewest preemptions, then steps)' : `first found${c.schedule !== undefined ? ` (schedule ${c.schedule})` : ''}, not shrunk`),
          h('td', {}, h('code', { class: 'token' }, c.token)),
          h('td', {}, replayButton(c)))))),
    h('details', {}, h('summary', {}, 'Every figure of the exploration'), valueView(rest)));
}
