// The exploration panel: how many schedules ended in each outcome (a histogram), the failure
// rate as the result states it, and one counterexample per outcome with a Replay button.
// Counterexamples come from `exploration.counterexamples` (one shrunk schedule per outcome
// class) when the result has them; older results only have `firstFailures` (a token per
// outcome) and one `shrunk` schedule, and those are shown instead, labelled as such.
import { badge, h, OUTCOMES, pct, plural, valueView } from './dom.js';

/** The failure rate as the result states it: an exact count (dfs) or an estimate with its interval (random, pct). */
function rateText(fr) {
  if (fr === null || fr === undefined) return undefined;
  if (typeof fr !== 'object') return String(fr);
  if (fr.method === 'count') {
    return `${fr.failures} of ${fr.schedules} schedules failed (${pct(fr.fraction)}): an exact count over the schedules ${fr.exhausted ? 'of the whole bounded space' : 'enumerated, not an estimate'}`;
  }
  const parts = [];
  if (typeof fr.estimate === 'number') parts.push(pct(fr.estimate));
  else if (typeof fr.fraction === 'number') parts.push(`${pct(fr.fraction)}, ${fr.failures} of ${fr.schedules}`); // dfs: an exact count
  if (typeof fr.low === 'number' && typeof fr.high === 'number') {
    parts.push(`(${fr.confidence ? `${Math.round(fr.confidence * 100)}% ` : ''}interval ${pct(fr.low)} to ${pct(fr.high)}${fr.method ? `, ${fr.method}` : ''})`);
  }
  if (typeof fr.upperBound === 'number') parts.push(`; with no failure, at most ${pct(fr.upperBound, 2)} (95% upper bound)`);
  return parts.join(' ');
}

/** pct's guarantee in words (Burckhardt et al. 2010). */
function pctText(g) {
  if (!g || typeof g.perRun !== 'number') return undefined;
  return `one run finds a given bug of depth ${g.depth} with probability at least ${g.perRun.toExponential(2)}; the chance of missing it in every run is at most ${pct(g.missBound, 2)}`;
}

/** [{outcome, preemptions, steps, token, source}] for every failing outcome found. */
export function counterexamples(x) {
  const rows = [];
  const ce = x.counterexamples;
  if (ce && typeof ce === 'object') {
    const list = Array.isArray(ce) ? ce : Object.entries(ce).map(([outcome, c]) => ({ outcome, ...c }));
    for (const c of list) if (c && c.token) rows.push({ ...c, schedule: c.foundAt, source: 'shrunk' });
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

const STOPPED = { schedules: 'the schedule cap (explore.schedules)', time: 'the time budget (explore.timeMs)', cancelled: 'a cancel', exhausted: 'running out of schedules' };

/** The panel; `onReplay(token, button)` submits a replay (the caller opens the new experiment). */
export function explorationPanel(x, { onReplay }) {
  const facts = [
    ['strategy', [x.strategy, x.maxPreemptions !== undefined ? ` (at most ${plural(x.maxPreemptions, 'preemption')})` : '', x.depth !== undefined ? ` (depth ${x.depth})` : '']],
    ['schedules', `${(x.schedules ?? 0).toLocaleString()}${x.planned !== undefined ? ` of ${x.planned.toLocaleString()} planned` : ''}`],
    ['coverage', x.exhausted ? `exhausted: every schedule within the bound was run${x.provenWithinBound ? '; proven: none fails within the bound' : ''}`
      : x.stoppedBy ? `stopped by ${STOPPED[x.stoppedBy] ?? x.stoppedBy}` : 'not exhausted'],
    ['failure rate', rateText(x.failureRate)],
    x.pct ? ['pct guarantee', pctText(x.pct)] : null,
    x.target ? ['target', x.target.replaceAll('_', ' ')] : null,
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
        h('thead', {}, h('tr', {}, ['outcome', 'preemptions', 'steps to the failure', 'how it was found', 'replay token', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map((c) => h('tr', { 'data-outcome': c.outcome },
          h('th', { scope: 'row' }, badge(c.outcome)),
          h('td', { class: 'num' }, c.preemptions ?? '—', c.preemptionsProven ? h('span', { class: 'hint', title: 'every smaller preemption bound was searched without this outcome' }, ' (fewest)') : ''),
          h('td', { class: 'num' }, c.steps ?? '—', c.failureAt !== undefined ? h('span', { class: 'hint' }, ` (t=${c.failureAt})`) : ''),
          h('td', {}, c.source === 'shrunk' ? `shrunk${c.schedule !== undefined ? ` from schedule ${c.schedule}` : ''}` : `first found${c.schedule !== undefined ? ` (schedule ${c.schedule})` : ''}, not shrunk`,
            c.token === x.shrunk?.token ? h('strong', { class: 'shown' }, '; the verdict and picture above are this run') : ''),
          h('td', {}, h('code', { class: 'token' }, c.token)),
          h('td', {}, replayButton(c)))))),
    h('details', {}, h('summary', {}, 'Every figure of the exploration'), valueView(rest)));
}
