// One experiment (#/experiments/{id}), in the order a newcomer reads it: the verdict, the
// picture of the run, what to do next (run the fix, compare), the exploration, then the
// evidence, downloads and the spec. While it is queued or running, its own event stream moves
// the progress bar; when it finishes the view is drawn again with the result.
import { api, fetchBlob, postExperiment, watchExperiment } from './api.js';
import { badge, code, duration, h, TERMINAL, when } from './dom.js';
import { evidenceView } from './evidence.js';
import { explorationPanel } from './exploration.js';
import { distributionPanel } from './distribution.js';
import { fixedSpecBody, fixedType, fixOf, rememberFix } from './fix.js';
import { progressView } from './progress.js';
import { verdictCard } from './verdict.js';

export const backLink = (listHash) => h('a', { class: 'back', href: listHash || '#/' }, '← all experiments');

/** Submits a replay token and opens the experiment it makes. */
export async function replay(token, button) {
  button.disabled = true;
  try {
    const accepted = await postExperiment({ replay: token });
    location.hash = `#/experiments/${accepted.id}`;
  } catch (err) {
    button.disabled = false;
    button.after(h('span', { class: 'error inline', role: 'alert' }, `Replay refused: ${err.message}`));
  }
}

/** POSTs the fixed twin of `record`, remembers it, and opens the two side by side. */
export async function runFix(record, button, errorBox) {
  errorBox.hidden = true; errorBox.textContent = '';
  button.disabled = true;
  try {
    const accepted = await postExperiment(fixedSpecBody(record.spec));
    rememberFix(record.id, accepted.id);
    location.hash = `#/compare/${record.id}/${accepted.id}`;
  } catch (err) {
    button.disabled = false;
    const fields = err.problem?.errors?.map((e) => `• ${e.field}: ${e.message}`).join('\n');
    errorBox.textContent = `The fix was not accepted: ${err.message}${fields ? `\n${fields}` : ''}`;
    errorBox.hidden = false;
  }
}

/** The run's timeline picture, fetched (so an API key goes along) and shown as an image. */
export function picture(id, { width, idSuffix = '' } = {}) {
  const img = h('img', { id: `timeline${idSuffix}`, alt: `Timeline of experiment ${id.slice(0, 8)}: a lane per thread, when each held or waited for the mutex, and where the run went wrong` });
  const open = h('a', { class: 'hint', hidden: true, target: '_blank', rel: 'noopener' }, 'open the picture on its own');
  fetchBlob(`/experiments/${id}/timeline.svg${width ? `?width=${width}` : ''}`)
    .then((url) => { img.src = url; open.href = url; open.hidden = false; }, (err) => { img.alt = `No picture: ${err.message}`; img.replaceWith(h('p', { class: 'hint' }, img.alt)); });
  return h('figure', { class: 'timeline' }, h('div', { class: 'scroll' }, img), h('figcaption', {}, open));
}

function meta(x) {
  const s = x.spec ?? {};
  return h('p', { class: 'meta' },
    [s.platform, s.mutexType, s.engine === 'native' ? 'real processes' : 'simulated', `${s.processCount} processes`, `${s.cpus} CPU${s.cpus === 1 ? '' : 's'}`, `seed ${s.seed ?? x.result?.seed ?? '—'}`]
      .filter(Boolean).join(' · '),
    h('br'), 'queued ', when(x.queuedAt),
    x.finishedAt ? [' · finished ', when(x.finishedAt), ` (${duration(x.startedAt ?? x.queuedAt, x.finishedAt)})`] : null,
    // the token a replay ran: a member of the record (or, in records written before, of the spec)
    (x.replay ?? s.replay) ? [h('br'), 'replay of ', code(`${(x.replay ?? s.replay).slice(0, 24)}…`)] : null);
}

function actions(x) {
  const parts = [];
  const errorBox = h('div', { class: 'error', role: 'alert', hidden: true, id: 'fix-error' });
  const to = fixedType(x.spec);
  if (to) {
    const button = h('button', { type: 'button', id: 'run-fix', onclick: () => runFix(x, button, errorBox) }, `Run the fix: the same run with ${to}`);
    parts.push(button);
  }
  const twin = fixOf(x.id);
  if (twin) parts.push(h('a', { class: 'button-link', href: `#/compare/${x.id}/${twin}`, id: 'compare-fix' }, 'Compare with its fixed twin'));
  const other = h('input', { id: 'compare-with', name: 'compare-with', placeholder: 'experiment id', size: 38, required: true, pattern: '[A-Za-z0-9_-]+' });
  parts.push(h('form', { class: 'inline-form', onsubmit: (ev) => { ev.preventDefault(); location.hash = `#/compare/${x.id}/${other.value.trim()}`; } },
    h('label', { for: 'compare-with' }, 'Compare with'), other, h('button', { type: 'submit', class: 'secondary' }, 'Compare')));
  return h('div', { class: 'actions', id: 'actions' }, parts, errorBox);
}

/** Shows experiment `id` in `view` until the returned stop function is called. */
export function showDetail(view, id, { listHash }) {
  let stopWatch = () => {};
  let stopped = false;
  const progress = progressView('detail');

  async function render(first) {
    let x;
    try { x = await api(`/experiments/${encodeURIComponent(id)}`); } catch (err) {
      if (!stopped) view.replaceChildren(backLink(listHash), h('h2', { id: 'detail-title', tabindex: '-1' }, 'Experiment not shown'), h('p', { class: 'error' }, `Cannot load experiment ${id}: ${err.message}`));
      return;
    }
    if (stopped) return;
    const r = x.result;
    const parts = [backLink(listHash),
      h('h2', { id: 'detail-title', tabindex: '-1' }, 'Experiment ', code(id.slice(0, 8)), ' ', h('span', { id: 'detail-status' }, badge(x.status))),
      meta(x), progress.el];
    if (TERMINAL.has(x.status)) progress.finish(x); else progress.update(x.status, x.progress);
    if (r) parts.push(verdictCard(r.verdict));
    else if (x.error) parts.push(h('div', { class: 'card' }, h('p', { class: 'error' }, `${x.error.code}: ${x.error.message}`)));
    else parts.push(h('div', { class: 'card', id: 'pending' }, h('p', {}, `The experiment is ${x.status}; the verdict appears here when it finishes.`)));
    parts.push(actions(x));
    if (r) {
      parts.push(h('h3', {}, 'The picture'), picture(id));
      if (r.exploration) parts.push(explorationPanel(r.exploration, { onReplay: replay }));
      if (r.distribution) parts.push(distributionPanel(r));
      parts.push(evidenceView(r));
      parts.push(h('h3', {}, 'Downloads'), h('div', { class: 'downloads' },
        h('a', { href: `/experiments/${id}/trace`, download: `mutexlab-${id}.ndjson`, 'data-fetch': '1' }, 'Trace (NDJSON)'),
        h('a', { href: `/experiments/${id}/trace?format=chrome`, download: `mutexlab-${id}.chrome.json`, 'data-fetch': '1' }, 'Chrome trace (open in ui.perfetto.dev)'),
        h('a', { href: `/experiments/${id}/timeline.svg`, download: `mutexlab-${id}.svg`, 'data-fetch': '1' }, 'Timeline (SVG)')));
    }
    parts.push(h('details', { class: 'spec' }, h('summary', {}, 'The spec as the service ran it'), h('pre', { class: 'card mono' }, JSON.stringify(x.spec, null, 2))));

    // keep the reader's place when the view is redrawn: refocus the element that had focus
    const focusedId = view.contains(document.activeElement) ? document.activeElement.id : undefined;
    view.replaceChildren(...parts);
    if (first) view.querySelector('#detail-title').focus();
    else if (focusedId) view.querySelector(`#${CSS.escape(focusedId)}`)?.focus();

    if (first && !TERMINAL.has(x.status)) {
      stopWatch = watchExperiment(id, (ev) => {
        if (ev.event === 'progress' || ev.event === 'running' || ev.event === 'queued') {
          progress.update(ev.data.status || ev.event, ev.data.progress);
          view.querySelector('#detail-status')?.replaceChildren(badge(ev.data.status || ev.event));
        } else render(false);
      });
    }
  }
  render(true);
  return () => { stopped = true; stopWatch(); };
}
