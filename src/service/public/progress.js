// A progress bar for a queued or running experiment, fed by the record's `progress` (GET or the
// SSE `progress` events). Explorations report schedules done of planned; a long single run
// reports steps (or lock cycles) done of an estimate. A shape we do not know still shows: as an
// indeterminate bar with its figures in words, so a new kind of progress is never invisible.
import { h, plural } from './dom.js';

const seconds = (ms) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : undefined);
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

// pairs of (done, of) member names a single run's progress may use, most specific first
const RUN_PAIRS = [['steps', 'estimatedSteps'], ['steps', 'stepsEstimate'], ['steps', 'estimate'], ['steps', 'plannedSteps'], ['steps', 'planned'],
  ['cycles', 'plannedCycles'], ['cycles', 'planned'], ['done', 'planned'], ['done', 'total']];

/** progress -> { value, max (undefined: indeterminate), label } or null when there is none. */
export function describeProgress(p) {
  if (!p || typeof p !== 'object') return null;
  const extra = (parts) => parts.filter(Boolean).join(', ');
  if (p.kind === 'exploration' && num(p.done) !== undefined) {
    const max = num(p.planned);
    return {
      value: p.done, max,
      label: extra([`${p.done}${max ? ` of ${max}` : ''} schedules`, max ? `${Math.floor((100 * p.done) / max)}%` : '',
        num(p.failures) !== undefined ? `${p.failures} failing` : '', p.chunks ? plural(p.chunks, 'chunk') : '', seconds(p.elapsedMs)]),
    };
  }
  if (p.kind === 'repetitions' && num(p.done) !== undefined) {
    const max = num(p.planned);
    const what = p.side === 'model' ? 'model runs' : p.engine === 'native' ? 'native runs' : 'runs';
    return {
      value: p.done, max,
      label: extra([`${p.done}${max ? ` of ${max}` : ''} ${what}`, max ? `${Math.floor((100 * p.done) / max)}%` : '',
        num(p.failures) !== undefined ? `${p.failures} not ok` : '', seconds(p.elapsedMs)]),
    };
  }
  for (const [doneKey, ofKey] of RUN_PAIRS) {
    const done = num(p[doneKey]); const of = num(p[ofKey]);
    if (done !== undefined && of !== undefined && of > 0) {
      const unit = doneKey === 'done' ? '' : ` ${doneKey}`;
      const estimated = /estimate/i.test(ofKey) || p.estimated === true;
      return {
        value: Math.min(done, of), max: of,
        label: extra([`${done.toLocaleString()} of ${estimated ? 'about ' : ''}${of.toLocaleString()}${unit}`, `${Math.min(100, Math.floor((100 * done) / of))}%`, seconds(p.elapsedMs)]),
      };
    }
  }
  const figures = Object.entries(p).filter(([, v]) => typeof v === 'number' || typeof v === 'string').map(([k, v]) => `${k} ${v}`);
  return { value: undefined, max: undefined, label: figures.join(', ') || 'working' };
}

/** A labelled <progress>; update() keeps the same elements, so focus and screen readers stay put. */
export function progressView(idPrefix) {
  const labelId = `${idPrefix}-progress-label`;
  const bar = h('progress', { id: `${idPrefix}-progress`, 'aria-labelledby': labelId });
  const label = h('span', { id: labelId, class: 'progress-label' });
  const el = h('div', { class: 'progress', hidden: true }, bar, label);
  function show(value, max, text, state) {
    el.hidden = false;
    el.dataset.state = state;
    if (max === undefined || value === undefined) { bar.removeAttribute('value'); bar.removeAttribute('max'); } else { bar.max = max; bar.value = value; }
    label.textContent = text;
  }
  return {
    el,
    /** From a record's status and progress, while it is not finished. */
    update(status, progress) {
      if (status === 'queued') return show(undefined, undefined, 'queued: waiting for a worker', 'queued');
      const d = describeProgress(progress);
      if (!d) return show(undefined, undefined, 'running', 'running');
      show(d.value, d.max, `running: ${d.label}`, 'running');
    },
    /** From the finished record: explorations keep the bar at what they covered. */
    finish(record) {
      const x = record.result?.exploration;
      if (x && num(x.schedules) !== undefined) {
        const max = num(x.planned) ?? x.schedules;
        // 'schedules' (the planned count was reached) needs no words: the bar is full
        const why = x.exhausted ? 'the whole bounded space' : { time: 'stopped by the time budget', cancelled: 'cancelled' }[x.stoppedBy] ?? '';
        return show(x.schedules, max, `${record.status}: ${x.schedules} of ${max} schedules${why ? ` (${why})` : ''}`, 'done');
      }
      el.hidden = true;
    },
  };
}
