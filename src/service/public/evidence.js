// The evidence of a result as tables a person reads: processes and threads, the counter, the
// mutex words (at the end of the run beside the core's copy), the core, watchpoints, pmap, and
// any other evidence an engine adds (native: sandbox, wait channels...), rendered generically.
import { code, h, table, valueView, words } from './dom.js';

export function exitText(e) {
  if (!e) return '—';
  switch (e.kind) {
    case 'exited': return `exited ${e.code}`;
    case 'signaled': return `${e.signal}${e.function ? ` in ${e.function}` : ''}${e.faultAddress ? ` at ${e.faultAddress}` : ''}`;
    case 'hung': return `hung in ${e.waitingIn}`;
    case 'killed': return `killed (${e.reason})`;
    default: return Object.values(e).join(' ');
  }
}

const section = (title, ...body) => h('section', { class: 'evidence-part' }, h('h4', {}, title), ...body);
const none = (text) => h('p', { class: 'hint' }, text);

function processes(r) {
  return section('Processes', table(['pid', 'program', 'key', 'shmid', 'attached at', 'acquisitions', 'exit'],
    (r.processes ?? []).map((p) => [String(p.pid), p.program, code(p.key), p.shmid, code(p.attachAddress), p.acquisitions, exitText(p.exit)]),
    { caption: 'processes', rowHeaders: true, className: 'processes' }));
}

function threads(r) {
  const rows = (r.processes ?? []).flatMap((p) => (p.threads ?? []).map((t) => [`${p.pid}`, t.tid, t.ulwp ? code(t.ulwp) : '—', t.acquisitions ?? '—', exitText(t.exit)]));
  return section('Threads', table(['pid', 'tid', 'thread structure (ulwp_t)', 'acquisitions', 'exit'], rows, { caption: 'threads', className: 'threads' }));
}

function counter(r) {
  const c = r.counter ?? {}; const m = r.mutualExclusion ?? {}; const s = r.stats ?? {};
  const rows = [
    ['increments planned', c.planned], ['increments performed', c.expected], ['counter at the end', c.final], ['lost updates', c.lostUpdates],
    ['most holders at once', m.maxHolders], ['mutual exclusion violations', m.violations],
    ['steps', s.steps], ['context switches', s.contextSwitches], ['seed', r.seed],
  ].filter(([, v]) => v !== undefined);
  return section('Counter and mutual exclusion', table(['', 'value'], rows, { caption: 'counter', rowHeaders: true, className: 'kv counter' }));
}

function mutex(ev) {
  const m = ev.mutex;
  if (!m) return null;
  const { final, ...about } = m;
  const coreWords = ev.core?.mutex;
  const fields = [...new Set([...Object.keys(final ?? {}), ...Object.keys(coreWords ?? {})])];
  const wordsTable = fields.length ? table(['field', 'at the end of the run', ...(coreWords ? [`in the core of pid ${ev.core.pid}`] : [])],
    fields.map((f) => {
      const differs = coreWords && final && String(coreWords[f]) !== String(final[f]);
      return [f, valueView(final?.[f]), ...(coreWords ? [h('span', { class: differs ? 'differs' : undefined }, valueView(coreWords[f]))] : [])];
    }), { caption: 'mutex words', rowHeaders: true, className: 'mutex-words' }) : null;
  return section('The mutex', valueView(about), wordsTable ? h('h5', {}, 'Its words') : null, wordsTable);
}

function core(ev) {
  if (!ev.core) return section('Core dump', none('No core dump.'));
  const { mutex: _m, ...rest } = ev.core;
  return section('Core dump', valueView(rest));
}

function watchpoints(ev) {
  const w = ev.watchpoints ?? [];
  if (!w.length) return section('Watchpoints', none('No watchpoints.'));
  return section('Watchpoints', table(['pid', 'field', 'address', 'fired', 'own writes', 'writes by other processes (invisible to it)', ...(w.some((x) => x.note) ? ['note'] : [])],
    w.map((x) => [x.pid, x.field, code(x.address), x.available === false ? 'not available' : x.fired, x.ownWrites, x.foreignWrites, ...(w.some((y) => y.note) ? [x.note ?? ''] : [])]),
    { caption: 'watchpoints', className: 'watchpoints' }));
}

function pmap(ev) {
  const p = ev.pmap ?? [];
  if (!p.length) return section('pmap', none('No pmap.'));
  return section('pmap (address space of each process)', table(['pid', 'start', 'end', 'kind', 'name'],
    p.flatMap((x) => x.mappings.map((m) => [x.pid, code(m.start), code(m.end), m.kind, m.name ?? (m.key ? `key ${m.key}, shmid ${m.shmid}` : '')])),
    { caption: 'pmap', className: 'pmap' }));
}

const KNOWN = new Set(['mutex', 'core', 'watchpoints', 'pmap']);

export function evidenceView(r) {
  const ev = r.evidence ?? {};
  const others = Object.entries(ev).filter(([k]) => !KNOWN.has(k)).map(([k, v]) => section(words(k), valueView(v)));
  return h('section', { class: 'evidence', id: 'evidence', 'aria-labelledby': 'evidence-title' },
    h('h3', { id: 'evidence-title' }, 'Evidence'),
    h('div', { class: 'grid2' }, processes(r), counter(r)),
    threads(r),
    h('div', { class: 'grid2' }, mutex(ev), h('div', {}, core(ev), watchpoints(ev))),
    others, pmap(ev));
}
