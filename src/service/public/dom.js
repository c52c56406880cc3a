// Small DOM helpers shared by the views: an element builder, badges, dates, tables, and a
// readable rendering of any JSON value (nested objects become tables, not JSON text).

export const $ = (sel, root = document) => root.querySelector(sel);

/** Builds an element: h('td', {class: 'x', onclick: f}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const OUTCOMES = ['ok', 'crash', 'mutual_exclusion_violation', 'hang', 'owner_died', 'limit_exceeded'];
export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export const badge = (value, label = value) => h('span', { class: `badge ${value ?? ''}` }, (label ?? '—').replaceAll('_', ' '));

// A date and a time, always: lists span days, and a bare time was ambiguous.
const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export function when(iso) {
  if (!iso) return h('span', { class: 'hint' }, '—');
  return h('time', { datetime: iso, title: iso }, dateFormat.format(new Date(iso)));
}
export function duration(fromIso, toIso) {
  if (!fromIso || !toIso) return '';
  const ms = new Date(toIso) - new Date(fromIso);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
export const pct = (x, digits = 1) => `${(x * 100).toFixed(digits)}%`;
export const code = (text) => h('code', {}, text);
const HEX = /^0x[0-9a-f]+$/i;

/** A table with a header row; `caption` names it for screen readers; `rowHeaders`: first cells are <th>. */
export function table(headers, rows, { caption, className, rowHeaders = false } = {}) {
  const cell = (c, i) => (rowHeaders && i === 0 ? h('th', { scope: 'row' }, c ?? '—') : h('td', {}, c ?? '—'));
  return h('table', { class: className },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map(cell)))));
}

/** Field names as words: "foreignWrites" -> "foreign writes"; snake_case and hex stay as they are. */
export function words(key) {
  if (/_/.test(key) || /^[A-Z0-9_]+$/.test(key)) return key;
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * Any JSON value as something a person reads: scalars as text (addresses in monospace), arrays
 * of scalars as a list, arrays of objects as a table with one column per key, objects as a
 * two-column table. Used for evidence the dashboard has no dedicated view for (native extras).
 */
export function valueView(value, depth = 0) {
  if (value === null || value === undefined) return h('span', { class: 'hint' }, '—');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return HEX.test(value) ? code(value) : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'hint' }, 'none');
    if (value.every((v) => v === null || typeof v !== 'object')) return value.map((v) => (typeof v === 'string' && HEX.test(v) ? code(v) : String(v))).flatMap((x, i) => (i ? [', ', x] : [x]));
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v)))];
      return table(keys.map(words), value.map((v) => keys.map((k) => valueView(v[k], depth + 1))), { className: 'nested' });
    }
    return h('ol', {}, value.map((v) => h('li', {}, valueView(v, depth + 1))));
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return h('span', { class: 'hint' }, 'none');
  return h('table', { class: depth ? 'kv nested' : 'kv' }, h('tbody', {}, entries.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, words(k)), h('td', {}, valueView(v, depth + 1))))));
}
