// The verdict card: what happened, why, the fix. When the result carries `verdict.terms`
// ([{term, meaning}], the platform words the text uses), the first use of each word becomes a
// focusable tooltip and the card ends with a short glossary, so a reader with no Solaris
// background can look up ulwp_t or lwpchan without leaving the page.
import { badge, h } from './dom.js';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits `text` into strings and term elements; `seen` keeps one tooltip per term per card. */
function withTerms(text, terms, seen, idPrefix) {
  if (!text || terms.length === 0) return [text ?? ''];
  const pattern = new RegExp(`(?<![A-Za-z0-9_])(${terms.map((t) => escape(t.term)).join('|')})(?![A-Za-z0-9_])`, 'gi');
  const out = [];
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    const i = terms.findIndex((t) => t.term.toLowerCase() === m[0].toLowerCase());
    if (i < 0 || seen.has(i)) continue;
    seen.add(i);
    out.push(text.slice(at, m.index));
    out.push(h('span', { class: 'term', tabindex: '0', 'data-term': terms[i].term, 'data-meaning': terms[i].meaning, 'aria-describedby': `${idPrefix}-term-${i}` }, m[0]));
    at = m.index + m[0].length;
  }
  out.push(text.slice(at));
  return out;
}

export function verdictCard(verdict, { idPrefix = 'verdict', heading = 'h3' } = {}) {
  // longest first, so "adaptive spin" wins over "spin"
  const terms = (Array.isArray(verdict.terms) ? verdict.terms : []).filter((t) => t && t.term && t.meaning)
    .sort((a, b) => b.term.length - a.term.length);
  const seen = new Set();
  const line = (label, text) => h('p', {}, h('strong', {}, `${label}: `), withTerms(text, terms, seen, idPrefix));
  const glossary = terms.length ? h('details', { class: 'glossary' }, h('summary', {}, `Words used above (${terms.length})`),
    h('dl', {}, [...terms].sort((a, b) => a.term.localeCompare(b.term)).map((t) => [
      h('dt', {}, t.term), h('dd', { id: `${idPrefix}-term-${terms.indexOf(t)}` }, t.meaning)]))) : null;
  return h('section', { class: `card verdict ${verdict.outcome}`, id: idPrefix, 'aria-labelledby': `${idPrefix}-title` },
    h(heading, { id: `${idPrefix}-title` }, 'Verdict ', badge(verdict.outcome)),
    h('div', { class: 'verdict-summary' }, line('What happened', verdict.summary)),
    verdict.cause ? line('Why', verdict.cause) : null,
    verdict.fix ? line('Fix', verdict.fix) : null,
    glossary);
}
