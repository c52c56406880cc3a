// The mutexlab dashboard: plain browser JavaScript (no build step), talking to the same API
// that serves it. Views: the list (submit form + recent experiments, live through SSE) and the
// detail of one experiment (#/experiments/{id}). Everything is reachable by keyboard: rows are
// links, the form is a form, focus moves to the view that opens.

const $ = (sel, root = document) => root.querySelector(sel);
const keyInput = $('#api-key');
keyInput.value = localStorage.getItem('mutexlab.apiKey') ?? '';
keyInput.addEventListener('change', () => { localStorage.setItem('mutexlab.apiKey', keyInput.value.trim()); startLiveList(); loadList(); });
const authHeaders = () => (keyInput.value.trim() ? { authorization: `Bearer ${keyInput.value.trim()}` } : {});

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...authHeaders(), ...(init.headers ?? {}) } });
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error(body?.detail ?? `${res.status} ${res.statusText}`);
    err.problem = body; err.status = res.status;
    throw err;
  }
  return body;
}

/** Builds an element: h('td', {class: 'x'}, 'text', child, ...). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}
const badge = (value, label = value) => h('span', { class: `badge ${value ?? ''}` }, label ?? '—');
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');

// ---- submit form -------------------------------------------------------------------------
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
  $('#preset-description').textContent = p?.description ?? 'Write a spec (see the API docs for its fields).';
  if (p) $('#spec').value = JSON.stringify(p.spec, null, 2);
}

$('#submit-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const errorBox = $('#submit-error');
  errorBox.hidden = true;
  let body;
  try { body = JSON.parse($('#spec').value); } catch (err) { return showError(`The spec is not valid JSON: ${err.message}`); }
  const seed = $('#seed').value.trim();
  if (seed !== '') body.seed = Number(seed);
  $('#submit').disabled = true;
  try {
    const accepted = await api('/experiments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    upsertRow({ id: accepted.id, status: accepted.status ?? 'queued', queuedAt: new Date().toISOString(), platform: body.platform ?? 'solaris10', mutexType: body.mutexType });
    watchExperiment(accepted.id);
  } catch (err) {
    const fields = err.problem?.errors?.map((e) => `• ${e.field}: ${e.message}`).join('\n');
    showError(`${err.message}${fields ? `\n${fields}` : ''}`);
  } finally { $('#submit').disabled = false; }
  function showError(text) { errorBox.textContent = text; errorBox.hidden = false; errorBox.focus?.(); }
});

// ---- recent experiments, live ------------------------------------------------------------
const rows = new Map();
function upsertRow(x) {
  const tbody = $('#experiments tbody');
  const prev = rows.get(x.id) ?? {};
  const e = { ...prev, ...Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) };
  rows.set(x.id, e);
  const link = h('a', { href: `#/experiments/${e.id}` }, h('code', {}, e.id.slice(0, 8)));
  const tr = h('tr', { 'data-id': e.id, 'data-status': e.status, 'data-outcome': e.outcome ?? '' },
    h('td', {}, link),
    h('td', {}, badge(e.status)),
    h('td', {}, e.outcome ? badge(e.outcome) : '', e.summary ? h('div', { class: 'summary' }, e.summary) : ''),
    h('td', {}, e.platform ?? ''), h('td', {}, e.mutexType ?? ''), h('td', {}, time(e.queuedAt)));
  tr.addEventListener('click', (ev) => { if (ev.target.tagName !== 'A') location.hash = `#/experiments/${e.id}`; });
  const old = tbody.querySelector(`tr[data-id="${CSS.escape(e.id)}"]`);
  if (old) old.replaceWith(tr); else tbody.prepend(tr);
  $('#empty').hidden = rows.size > 0;
}

async function loadList() {
  try {
    const page = await api('/experiments?limit=25');
    for (const item of [...page.items].reverse()) upsertRow({ ...item, summary: item.summary ?? undefined });
    $('#empty').hidden = rows.size > 0;
  } catch (err) { $('#empty').textContent = `Cannot list experiments: ${err.message}`; $('#empty').hidden = false; }
}

/** Reads an SSE stream with fetch (so the API key header goes along); reconnects with Last-Event-ID. */
function sse(path, onEvent, { onOpen, onEnd } = {}) {
  const controller = new AbortController();
  let lastId;
  (async function connect(attempt) {
    try {
      const res = await fetch(path, { headers: { accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
      if (res.status === 204 || !res.ok) { onEnd?.(res.status); return; }
      onOpen?.();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
          const ev = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':'); const field = line.slice(0, i); const val = line.slice(i + 1).replace(/^ /, '');
            if (field === 'id') { ev.id = val; lastId = val; } else if (field === 'event') ev.event = val; else if (field === 'data') ev.data += val;
          }
          if (ev.data) onEvent({ ...ev, data: JSON.parse(ev.data) });
        }
      }
      if (onEnd?.(200) === 'stop') return;
    } catch (err) { if (controller.signal.aborted) return; }
    setTimeout(() => connect(attempt + 1), Math.min(2000 * (attempt + 1), 10000));
  })(0);
  return () => controller.abort();
}

let stopLiveList;
function startLiveList() {
  stopLiveList?.();
  const live = $('#live');
  stopLiveList = sse('/events', (ev) => {
    const d = ev.data;
    // exploration progress: show what the engine reports (e.g. schedules run so far)
    const progress = ev.event === 'progress' && d.progress ? `progress: ${Object.entries(d.progress).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')}` : undefined;
    upsertRow({ id: d.id, status: d.status || undefined, outcome: d.outcome, summary: progress });
    if (['completed', 'failed', 'cancelled'].includes(ev.event)) refreshRow(d.id);
    if (current === d.id) renderDetail(d.id);
  }, {
    onOpen: () => { live.textContent = 'live'; live.classList.add('on'); loadList(); },
    onEnd: () => { live.textContent = 'reconnecting'; live.classList.remove('on'); },
  });
}
async function refreshRow(id) {
  try {
    const x = await api(`/experiments/${id}`);
    upsertRow({ id, status: x.status, outcome: x.result?.verdict?.outcome, summary: x.result?.verdict?.summary ?? x.error?.message, platform: x.spec?.platform, mutexType: x.spec?.mutexType, queuedAt: x.queuedAt });
  } catch { /* gone */ }
}
/** Per-experiment stream: resumes without loss even when the global one dropped an event. */
function watchExperiment(id) {
  const stop = sse(`/experiments/${id}/events`, (ev) => {
    upsertRow({ id, status: ev.data.status || undefined, outcome: ev.data.outcome });
    if (['completed', 'failed', 'cancelled', 'deleted'].includes(ev.event)) { refreshRow(id); stop(); }
  }, { onEnd: (status) => (status === 204 ? 'stop' : undefined) });
}

// ---- detail view ---------------------------------------------------------------------------
let current = null;
const objectUrls = [];
async function fetchBlob(path) {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const url = URL.createObjectURL(await res.blob());
  objectUrls.push(url);
  return url;
}
function table(headers, rowsData) {
  return h('table', {}, h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rowsData.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? '—'))))));
}
const exitText = (e) => !e ? '—' : e.kind === 'exited' ? `exited ${e.code}` : e.kind === 'signaled' ? `${e.signal}${e.function ? ` in ${e.function}` : ''}${e.faultAddress ? ` at ${e.faultAddress}` : ''}` : e.kind === 'hung' ? `hung in ${e.waitingIn}` : `killed (${e.reason})`;
function replayToken(result) {
  const seen = new Set();
  const walk = (v, key) => {
    if (typeof v === 'string' && /replay|token/i.test(key ?? '')) return v;
    if (!v || typeof v !== 'object' || seen.has(v)) return undefined;
    seen.add(v);
    for (const [k, x] of Object.entries(v)) { const found = walk(x, k); if (found) return found; }
    return undefined;
  };
  return walk(result?.replay, 'replay') ?? walk(result?.exploration, 'exploration');
}

async function renderDetail(id) {
  const view = $('#detail-view');
  let x;
  try { x = await api(`/experiments/${id}`); } catch (err) {
    view.replaceChildren(h('a', { class: 'back', href: '#/' }, '← all experiments'), h('p', { class: 'error' }, `Cannot load experiment ${id}: ${err.message}`));
    return;
  }
  if (current !== id) return;
  const r = x.result;
  const v = r?.verdict;
  const parts = [h('a', { class: 'back', href: '#/' }, '← all experiments'),
    h('h2', { id: 'detail-title', tabindex: '-1' }, `Experiment `, h('code', {}, id), ' ', badge(x.status))];
  if (!r) {
    parts.push(h('div', { class: 'card' }, x.error ? h('p', { class: 'error' }, `${x.error.code}: ${x.error.message}`) : h('p', {}, `The experiment is ${x.status}; this page updates when it finishes.`)));
  } else {
    parts.push(h('section', { class: `card verdict ${v.outcome}`, 'aria-labelledby': 'verdict-title', id: 'verdict' },
      h('h3', { id: 'verdict-title' }, 'Verdict ', badge(v.outcome)),
      h('p', { class: 'verdict-summary' }, h('strong', {}, 'What happened: '), v.summary),
      h('p', {}, h('strong', {}, 'Why: '), v.cause),
      h('p', {}, h('strong', {}, 'Fix: '), v.fix)));
    const token = replayToken(r);
    const downloads = h('div', { class: 'downloads' },
      h('a', { href: `/experiments/${id}/trace`, download: `mutexlab-${id}.ndjson`, 'data-fetch': '1' }, 'Trace (NDJSON)'),
      h('a', { href: `/experiments/${id}/trace?format=chrome`, download: `mutexlab-${id}.chrome.json`, 'data-fetch': '1' }, 'Chrome trace (open in ui.perfetto.dev)'),
      h('a', { href: `/experiments/${id}/timeline.svg`, download: `mutexlab-${id}.svg`, 'data-fetch': '1' }, 'Timeline (SVG)'),
      token ? h('span', {}, 'Replay token: ', h('span', { class: 'token', id: 'replay-token' }, token)) : '');
    const img = h('img', { id: 'timeline', alt: `Timeline of experiment ${id}: one lane per thread, lock-held bars, spins, parks and the crash marker` });
    parts.push(h('h3', {}, 'Timeline'), h('div', { class: 'timeline' }, img), h('h3', {}, 'Downloads'), downloads);
    fetchBlob(`/experiments/${id}/timeline.svg`).then((url) => { img.src = url; }, (err) => { img.alt = `timeline unavailable: ${err.message}`; });
    parts.push(h('h3', {}, 'Processes'), table(['index', 'pid', 'program', 'key', 'shmid', 'attach address', 'threads (tid: ulwp)', 'acquisitions', 'exit'],
      r.processes.map((p) => [p.index, p.pid, p.program, h('code', {}, p.key), p.shmid, h('code', {}, p.attachAddress), p.threads.map((t) => `${t.tid}${t.ulwp ? `: ${t.ulwp}` : ''}`).join(', '), p.acquisitions, exitText(p.exit)])));
    const ev = r.evidence ?? {};
    const mutex = ev.mutex ?? {};
    parts.push(h('div', { class: 'grid2' },
      h('section', {}, h('h3', {}, 'The mutex'), h('dl', { class: 'kv' }, Object.entries(mutex).flatMap(([k, val]) => [h('dt', {}, k), h('dd', { class: 'mono' }, typeof val === 'object' ? JSON.stringify(val) : String(val))]))),
      h('section', {}, h('h3', {}, 'Counter and mutual exclusion'), h('dl', { class: 'kv' },
        h('dt', {}, 'counter expected'), h('dd', {}, r.counter?.expected), h('dt', {}, 'counter final'), h('dd', {}, r.counter?.final),
        h('dt', {}, 'lost updates'), h('dd', {}, r.counter?.lostUpdates), h('dt', {}, 'max holders'), h('dd', {}, r.mutualExclusion?.maxHolders),
        h('dt', {}, 'violations'), h('dd', {}, r.mutualExclusion?.violations), h('dt', {}, 'steps'), h('dd', {}, r.stats?.steps),
        h('dt', {}, 'context switches'), h('dd', {}, r.stats?.contextSwitches), h('dt', {}, 'seed'), h('dd', {}, r.seed)))));
    parts.push(h('h3', {}, 'Core dump'), ev.core ? table(['pid', 'signal', 'mutex as the core saw it'], [[ev.core.pid, ev.core.signal, h('code', {}, JSON.stringify(ev.core.mutex))]]) : h('p', { class: 'hint' }, 'No core dump.'));
    parts.push(h('h3', {}, 'Watchpoints'), (ev.watchpoints ?? []).length ? table(['pid', 'field', 'address', 'fired', 'own writes', 'foreign writes (invisible to it)'],
      ev.watchpoints.map((w) => [w.pid, w.field, h('code', {}, w.address), w.fired, w.ownWrites, w.foreignWrites])) : h('p', { class: 'hint' }, 'No watchpoints.'));
    parts.push(h('h3', {}, 'pmap'), (ev.pmap ?? []).length ? table(['pid', 'start', 'end', 'kind', 'name / key'],
      ev.pmap.flatMap((p) => p.mappings.map((m) => [p.pid, h('code', {}, m.start), h('code', {}, m.end), m.kind, m.name ?? (m.key ? `key ${m.key} shmid ${m.shmid}` : '')]))) : h('p', { class: 'hint' }, 'No pmap.'));
  }
  parts.push(h('h3', {}, 'Spec'), h('pre', { class: 'card mono' }, JSON.stringify(x.spec, null, 2)));
  const focusTitle = !view.querySelector('#detail-title');
  view.replaceChildren(...parts);
  if (focusTitle) $('#detail-title').focus();
}

// downloads go through fetch so the API key travels along
document.addEventListener('click', async (ev) => {
  const a = ev.target.closest?.('a[data-fetch]');
  if (!a || !keyInput.value.trim()) return;
  ev.preventDefault();
  const url = await fetchBlob(a.getAttribute('href'));
  const tmp = h('a', { href: url, download: a.getAttribute('download') });
  document.body.append(tmp); tmp.click(); tmp.remove();
});

// ---- routing -------------------------------------------------------------------------------
function route() {
  const m = /^#\/experiments\/([A-Za-z0-9_-]+)/.exec(location.hash);
  for (const u of objectUrls.splice(0)) URL.revokeObjectURL(u);
  current = m ? m[1] : null;
  $('#list-view').hidden = Boolean(current);
  $('#detail-view').hidden = !current;
  if (current) { $('#detail-view').replaceChildren(h('p', {}, 'Loading…')); renderDetail(current); } else $('#main').focus();
}
window.addEventListener('hashchange', route);
loadPresets().catch((err) => { $('#preset-description').textContent = `Cannot load presets: ${err.message}`; });
loadList();
startLiveList();
route();
