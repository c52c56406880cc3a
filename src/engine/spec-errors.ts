// Schema errors in the words a user understands. TypeBox reports a bad enum as one "must be equal
// to constant" per allowed value, a pattern as the regular expression, and stops after 8 errors;
// this turns its report into one message per field that says what the field accepts (the allowed
// values, a pattern in plain words from the schema's description, a number's range), what was
// sent, and "did you mean ...?" for a near-miss field name or enum value.
import { Errors as schemaErrors } from 'typebox/schema';
import { Settings } from 'typebox/system';

export interface FieldError { field: string; message: string }

type Json = Record<string, any>;

/** "/processes/1/key" -> "processes[1].key": the way people write a field. */
export function fieldName(instancePath: string): string {
  if (instancePath === '') return '(body)';
  return instancePath.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

/** The sub-schema a JSON pointer such as "#/properties/tools/anyOf/0" names. */
function schemaAt(root: Json, pointer: string): Json | undefined {
  let node: any = root;
  for (const part of pointer.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? node : undefined;
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * "USYNC_THRAED" is one slip away from "USYNC_THREAD", where plain Levenshtein counts two.
 * Hand-written because the one packaged implementation we have (fast-levenshtein) counts
 * transpositions as two edits and is only a transitive dependency of the linter.
 */
function distance(a: string, b: string): number {
  a = a.toLowerCase(); b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a third of the word's length (at least one edit), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const dist = distance(word, c);
    if (dist < bestDistance) { best = c; bestDistance = dist; }
  }
  return best;
}

const quote = (v: unknown) => JSON.stringify(v);

/** What a schema accepts, as a phrase: "one of "a", "b"", "a whole number from 1 to 64", its description. */
export function describeAccepted(schema: Json): string {
  if ('const' in schema) return quote(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(quote).join(', ')}`;
  if (Array.isArray(schema.anyOf)) {
    const alternatives = schema.anyOf as Json[];
    if (alternatives.every((a) => 'const' in a)) return `one of ${alternatives.map((a) => quote(a.const)).join(', ')}`;
    const phrases = alternatives.map(describeAccepted);
    return phrases.length <= 2 ? phrases.join(' or ') : `${phrases.slice(0, -1).join(', ')}, or ${phrases.at(-1)}`;
  }
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const what = schema.type === 'integer' ? 'a whole number' : 'a number';
      if (schema.minimum !== undefined && schema.maximum !== undefined) return `${what} from ${schema.minimum} to ${schema.maximum}`;
      if (schema.minimum !== undefined) return `${what} of at least ${schema.minimum}`;
      if (schema.maximum !== undefined) return `${what} of at most ${schema.maximum}`;
      return what;
    }
    case 'boolean': return 'true or false';
    case 'string':
      // a pattern is never shown as a regular expression: the schema's description says it in words
      // (its first clause: "a program name of ...; processes of the same program ..." -> the form only)
      if (schema.pattern !== undefined || schema.format !== undefined) return (schema.description as string | undefined)?.split('; ')[0] ?? 'a string in the documented form';
      if (schema.maxLength !== undefined) return `a string of ${schema.minLength ?? 0} to ${schema.maxLength} characters`;
      return 'a string';
    case 'array': return schema.maxItems !== undefined ? `a list of at most ${schema.maxItems} entries` : 'a list';
    case 'object': {
      const members = Object.keys(schema.properties ?? {});
      return members.length > 0 && members.length <= 4 ? `an object with ${members.join(', ')}` : 'an object';
    }
    case 'null': return 'null';
  }
  return schema.description ?? 'a valid value';
}

/** The value as the user sent it, short. */
function sent(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return ` (got ${text.length > 40 ? text.slice(0, 37) + '...' : text})`;
}

function valueAt(input: unknown, instancePath: string): unknown {
  let node: any = input;
  for (const part of instancePath.split('/').filter(Boolean)) node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}

/** The schema a field's value must match, given the pointer of the keyword that failed on it. */
function fieldSchema(root: Json, schemaPath: string, keyword: string): Json | undefined {
  // "#/properties/cpus/minimum" -> "#/properties/cpus"; "#/properties/key/anyOf/0" (a branch) is
  // handled by the anyOf that encloses it
  const path = schemaPath.endsWith(`/${keyword}`) ? schemaPath.slice(0, -keyword.length - 1) : schemaPath;
  return schemaAt(root, path);
}

/**
 * True when the error is one alternative of a union failing on the union's own value
 * ("#/properties/key/anyOf/0", "#/properties/key/anyOf/1/pattern"), not an error deeper inside
 * the value that a branch found ("#/properties/tools/properties/watchpoint/anyOf/0/properties/field").
 */
function isBranchFailure(schemaPath: string): boolean {
  const at = schemaPath.search(/\/anyOf\/\d+(?!.*\/anyOf\/\d+)/);
  if (at < 0) return false;
  const rest = schemaPath.slice(at).replace(/^\/anyOf\/\d+/, '');
  return !/\/(properties|items|prefixItems|additionalProperties|patternProperties)(\/|$)/.test(rest);
}

/**
 * Every field the schema refuses, once each, in words. Nested errors win over the union that
 * contains them (tools.watchpoint.field, not "tools.watchpoint must be an object or false").
 */
export function describeSchemaErrors(schema: Json, input: unknown): FieldError[] {
  // TypeBox stops collecting after Settings.maxErrors (8): one bad enum alone makes 6. The body is
  // bounded (bodyLimit, maxItems), so collect them all; Errors is synchronous, so restoring the
  // setting afterwards cannot race another validation.
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 10_000 });
  let raw;
  try { raw = schemaErrors({}, schema, input)[1]; } finally { Settings.Set({ maxErrors: previous }); }

  const byField = new Map<string, FieldError>();
  const unionFields = new Set<string>();
  const set = (field: string, message: string, fromUnion = false) => {
    if (fromUnion) unionFields.add(field);
    if (!byField.has(field)) byField.set(field, { field, message });
  };
  for (const e of raw) {
    const params = e.params as Json;
    if (e.keyword === 'boolean') continue; // reported again as additionalProperties
    if (e.keyword === 'additionalProperties') {
      const known = Object.keys(schemaAt(schema, e.schemaPath)?.properties ?? {});
      for (const name of params.additionalProperties ?? []) {
        const guess = didYouMean(name, known);
        set(fieldName(`${e.instancePath}/${name}`), `is not a known field${guess ? `; did you mean "${guess}"?` : ''}`);
      }
      continue;
    }
    if (e.keyword === 'required') { // one error per missing field, named, rather than "(body)"
      for (const name of params.requiredProperties ?? []) set(fieldName(`${e.instancePath}/${name}`), 'is required');
      continue;
    }
    const field = fieldName(e.instancePath);
    if (isBranchFailure(e.schemaPath)) continue; // one alternative of a union missed: the union's own error sums them up
    const value = valueAt(input, e.instancePath);
    const accepted = fieldSchema(schema, e.schemaPath, e.keyword);
    if (!accepted) { set(field, e.message); continue; }
    let message = `must be ${describeAccepted(accepted)}${sent(value)}`;
    if (e.keyword === 'maxItems' || e.keyword === 'minItems') message = `must have ${e.keyword === 'maxItems' ? 'at most' : 'at least'} ${params.limit ?? accepted[e.keyword]} entries`;
    if (e.keyword === 'anyOf' && typeof value === 'string') {
      const consts = ((accepted.anyOf ?? []) as Json[]).filter((a) => typeof a.const === 'string').map((a) => a.const as string);
      const guess = didYouMean(value, consts);
      if (guess) message += `; did you mean "${guess}"?`;
    }
    set(field, message, e.keyword === 'anyOf');
  }
  // a union's summary gives way to the errors found inside the branch that fits the value
  const fields = [...byField.keys()];
  for (const f of unionFields) {
    if (fields.some((g) => g !== f && (g.startsWith(f + '.') || g.startsWith(f + '[')))) byField.delete(f);
  }
  return [...byField.values()];
}
