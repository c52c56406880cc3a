// The list view (#/ and #/?outcome=crash&...): the submit form, filters, one page of
// experiments at a time (newest first, the API's cursor paging), live updates through the
// global event stream, and compare boxes to set two experiments side by side.
import { api, postExperiment, sse } from './api.js';
import { $, badge, code, h, OUTCOMES, when } from './dom.js';
import { progressView } from './progress.js';

// The filters GET /experiments takes, with the values it accepts (src/service/schemas/experiment.ts).
export const FILTERS = {
  status: ['queued', 'running', 'completed', 'failed', 'cancelled'],
  outcome: OUTCOMES,
  platform: ['solaris10', 'solaris9', 'illumos', 'glibc-2.33', 'glibc-2.36', 'musl-1.2', 'host'],
  mutexType: ['USYNC_THREAD', 'USYNC_PROCESS', 'PTHREAD_PROCESS_PRIVATE', 'PTHREAD_PROCESS_SHARED'],
  engine: ['sim', 'native'],
};
const PAGE_SIZE = 20;

const state = { filters: {}, cursors: [undefined], page: 0, next: null, loaded: false };
const rowBars = new Map(); // id -> progressView of a queued/running row
const selected = new Set(); // ids ticked for "compare", across pages
const rowsCache = new Map(); // id -> last summary seen (the list items plus live progress)

/** The hash of the list as it is now (filters only: a page is not a place worth linking to). */
export function listHash() {
  const q = new URLSearchParams(Object.entries(state.filters)).toString();
  return q ? `#/?${q}` : '#/';
}

// ---- submit form ---------------------------------------------------------------------------
let presets = [];
async function loadPresets() {
  presets = await api('/presets');
  const select = $('#preset');
  select.replaceChildren(...presets.map((p) => h('option', { value: p.name }, p.name)), h('option', { value: '' }, '(your own spec)'));
  select.addEventListener('change', showPreset);
  showPreset();
}
function showPreset() {
  const p = presets.find((x) => x.name === $('#preset').value);
  $('#preset-description').textContent = p?.description ?? 'Write a spec (its fields are in the API docs).';
  if (p) $('#spec').value = JSON.stringify(p.spec, null, 2);
}

function clearSubmitError() {
  const box = $('#submit-error');
  box.hidden = true; box.textContent = '';
  $('#spec').removeAttribute('aria-invalid');
}
function showSubmitError(text) {
  const box = $('#submit-error');
  box.textContent = text; box.hidden = false;
  $('#spec').setAttribute('aria-invalid', 'true');
}

async function submit(ev) {
  ev.preventDefault();
  clearSubmitError(); // a stale error never survives the next submission
  let body;
  try { body = JSON.parse($('#spec').value); } catch (err) { showSubmitError(`The spec is not valid JSON: ${err.message}`); return; }
  const seed = $('#seed').value.trim();
  if (seed !== '') body.seed = Number(seed);
  $('#submit').disabled = true;
  try {
    const accepted = await postExperiment(body);
    location.hash = `#/experiments/${accepted.id}`; // Run opens the new experiment
  } catch (err) {
    const fields = err.problem?.errors?.map((e) => `• ${e.field}: ${e.message}`).join('\n');
    showSubmitError(`${err.message}${fields ? `\n${fields}` : ''}`);
  } finally { $('#submit').disabled = false; }
}

// ---- filters and paging --------------------------------------------------------------------
function buildFilters() {
  const form = $('#filters');
  for (const [name, values] of Object.entries(FILTERS)) {
    form.querySelector(`select[name="${name}"]`).replaceChildren(h('option', { value: '' }, 'any'), ...values.map((v) => h('option', { value: v }, v.replaceAll('_', ' '))));
  }
  form.addEventListener('change', () => applyFilters(new FormData(form)));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); applyFilters(new FormData(form)); });
  form.addEventListener('reset', () => setTimeout(() => applyFilters(new FormData(form))));
  $('#newer').addEventListener('click', () => { if (state.page > 0) { state.page--; loadPage({ focus: '#newer' }); } });
  $('#older').addEventListener('click', () => { if (state.next) { state.cursors[state.page + 1] = state.next; state.page++; loadPage({ focus: '#older' }); } });
}
function applyFilters(data) {
  const q = new URLSearchParams([...data.entries()].filter(([, v]) => v !== ''));
  location.hash = q.toString() ? `#/?${q}` : '#/';
}

function showCompareButton() {
  const button = $('#compare-selected');
  button.disabled = selected.size !== 2;
  button.textContent = selected.size === 2 ? 'Compare the two ticked' : `Compare: tick two (${selected.size} ticked)`;
}

// ---- rows ----------------------------------------------------------------------------------

function row(item) {
  const id = item.id;
  const box = h('input', { type: 'checkbox', class: 'pick', id: `pick-${id}`, 'aria-label': `compare ${id.slice(0, 8)}`, checked: selected.has(id) });
  box.addEventListener('change', () => { if (box.checked) selected.add(id); else selected.delete(id); showCompareButton(); });
  let bar = null;
  if (item.status === 'queued' || item.status === 'running') {
    bar = rowBars.get(id) ?? progressView(`row-${id}`);
    rowBars.set(id, bar);
    bar.update(item.status, item.progress);
  } else rowBars.delete(id);
  const tr = h('tr', { 'data-id': id, 'data-status': item.status, 'data-outcome': item.outcome ?? '' },
    h('td', {}, box),
    h('td', {}, h('a', { href: `#/experiments/${id}`, id: `open-${id}` }, code(id.slice(0, 8)))),
    h('td', {}, badge(item.status), bar?.el),
    h('td', {}, item.outcome ? badge(item.outcome) : '', item.summary ? h('div', { class: 'summary', title: item.summary }, item.summary) : ''),
    h('td', {}, item.platform ?? ''), h('td', {}, item.mutexType ?? ''), h('td', {}, item.engine ?? ''), h('td', { class: 'when' }, when(item.queuedAt)));
  tr.addEventListener('click', (ev) => { if (!ev.target.closest('a, input, button')) location.hash = `#/experiments/${id}`; });
  return tr;
}

/** Replaces or adds rows, keeping focus on the same control when its row is redrawn. */
function putRows(items, { replaceAll = false, prepend = false } = {}) {
  const tbody = $('#experiments tbody');
  const focusedId = tbody.contains(document.activeElement) ? document.activeElement.id : undefined;
  if (replaceAll) tbody.replaceChildren(...items.map(row));
  else {
    for (const item of items) {
      const old = tbody.querySelector(`tr[data-id="${CSS.escape(item.id)}"]`);
      if (old) old.replaceWith(row(item)); else if (prepend) tbody.prepend(row(item)); else tbody.append(row(item));
    }
  }
  if (focusedId) document.getElementById(focusedId)?.focus();
  $('#empty').hidden = tbody.children.length > 0;
  $('#empty').textContent = Object.keys(state.filters).length ? 'No experiment matches these filters.' : 'No experiments yet: run one.';
}

async function loadPage({ focus } = {}) {
  const q = new URLSearchParams({ ...state.filters, limit: String(PAGE_SIZE) });
  const cursor = state.cursors[state.page];
  if (cursor) q.set('cursor', cursor);
  $('#list-status').textContent = 'loading…';
  try {
    const page = await api(`/experiments?${q}`);
    state.next = page.next;
    // the list items carry no progress: keep what the live stream last said about running ones
    const items = page.items.map((i) => ({ ...rowsCache.get(i.id), ...i }));
    for (const i of items) rowsCache.set(i.id, i);
    putRows(items, { replaceAll: true });
    $('#page-label').textContent = `page ${state.page + 1}`;
    $('#newer').disabled = state.page === 0;
    $('#older').disabled = !state.next;
    $('#list-status').textContent = `${page.items.length} shown`;
    if (focus && document.querySelector(focus)?.disabled) $('#experiments-title').focus();
  } catch (err) {
    $('#list-status').textContent = '';
    $('#empty').textContent = `Cannot list experiments: ${err.message}`; $('#empty').hidden = false;
  }
}
let reloadTimer;
/** Many new experiments can arrive at once: one reload of the first page for a burst of them. */
function reloadFirstPageSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => { if (state.page === 0 && !$('#list-view').hidden) loadPage(); }, 250);
}

async function refreshRow(id) {
  try {
    const x = await api(`/experiments/${encodeURIComponent(id)}`);
    const item = { id, status: x.status, outcome: x.result?.verdict?.outcome ?? null, summary: x.result?.verdict?.summary ?? x.error?.message ?? null,
      platform: x.spec?.platform, mutexType: x.spec?.mutexType, engine: x.spec?.engine, queuedAt: x.queuedAt, progress: x.progress };
    rowsCache.set(id, item);
    if ($(`#experiments tr[data-id="${CSS.escape(id)}"]`)) putRows([item]);
  } catch { /* deleted meanwhile */ }
}

// ---- live ----------------------------------------------------------------------------------
let stopLive;
export function startLive() {
  stopLive?.();
  const live = $('#live');
  stopLive = sse('/events', (ev) => {
    const d = ev.data;
    const shown = $(`#experiments tr[data-id="${CSS.escape(d.id)}"]`);
    if (ev.event === 'deleted') { shown?.remove(); return; }
    if (!shown) { if (state.page === 0 && (ev.event === 'queued' || ev.event === 'completed')) reloadFirstPageSoon(); return; }
    const item = { ...rowsCache.get(d.id), id: d.id, status: d.status || rowsCache.get(d.id)?.status };
    if (d.progress) item.progress = d.progress;
    if (d.outcome) item.outcome = d.outcome;
    rowsCache.set(d.id, item);
    if (ev.event === 'progress' && rowBars.has(d.id)) rowBars.get(d.id).update('running', d.progress);
    else if (['completed', 'failed', 'cancelled'].includes(ev.event)) refreshRow(d.id);
    else putRows([item]);
  }, {
    onOpen: () => { live.textContent = 'live'; live.classList.add('on'); if (state.loaded) loadPage(); },
    onEnd: () => { live.textContent = 'reconnecting'; live.classList.remove('on'); },
  });
}

/** Shows the list for the hash's filters; paging restarts when the filters change. */
export function showList(query) {
  const filters = Object.fromEntries([...new URLSearchParams(query)].filter(([k, v]) => k in FILTERS && v !== ''));
  const form = $('#filters');
  for (const name of Object.keys(FILTERS)) form.querySelector(`select[name="${name}"]`).value = filters[name] ?? '';
  const changed = JSON.stringify(filters) !== JSON.stringify(state.filters);
  if (changed || !state.loaded) {
    state.filters = filters; state.cursors = [undefined]; state.page = 0; state.loaded = true;
    loadPage();
  } else if (state.page === 0) loadPage(); // back from a detail: show what changed meanwhile
}

export function initList() {
  $('#submit-form').addEventListener('submit', submit);
  // Ctrl+Enter (or Cmd+Enter) in the spec runs it; Enter alone is a new line there
  $('#spec').addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); $('#submit-form').requestSubmit(); } });
  $('#compare-selected').addEventListener('click', () => { if (selected.size === 2) { const [a, b] = [...selected]; location.hash = `#/compare/${a}/${b}`; } });
  buildFilters();
  showCompareButton();
  loadPresets().catch((err) => { $('#preset-description').textContent = `Cannot load presets: ${err.message}`; });
  startLive();
}
