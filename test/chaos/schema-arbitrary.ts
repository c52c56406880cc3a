// fast-check arbitraries from the JSON Schemas of openapi/openapi.json: values the document
// calls valid (anyOf, enum, objects with their required members, integer and string bounds,
// patterns through fc.stringMatching) and, beside them, values it does not. Our own because the
// one library for JSON Schema -> fast-check (json-schema-fast-check) is a 0.0.x release; the
// subset our document uses is small.
import fc from 'fast-check';

export type Schema = Record<string, any>;

/** Strings a parser might trip on: prototype names, numbers beyond range, encodings, control text. */
export const NASTY_STRINGS = ['', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'null', 'undefined', 'NaN', 'Infinity', '-1', '0', '1e309',
  '18446744073709551616', '99999999999999999999999999', '0x10', '1.5', '[]', '{}', '%', '%00', '%zz', '..', '../../etc/passwd', '\u0000', 'é', '💥', 'a'.repeat(5000)];

const NASTY_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[[]]]], { __proto__: { polluted: 1 } }, { constructor: { prototype: {} } }, ...NASTY_STRINGS];

/** A value that the schema accepts (as far as this subset can tell). */
export function validOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((s: Schema) => validOf(s, depth)));
  switch (schema.type) {
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'integer': return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number': return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'string': {
      const min = schema.minLength ?? 0, max = Math.min(schema.maxLength ?? 40, 200);
      const base = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.string({ minLength: min, maxLength: max });
      return base.filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    }
    case 'array': {
      if (depth > 3) return fc.constant([]);
      return fc.array(validOf(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    }
    case 'object': {
      const properties: Record<string, Schema> = schema.properties ?? {};
      if (depth > 3) return fc.constant({});
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, s] of Object.entries(properties)) shape[name] = validOf(s, depth + 1);
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k: string) => k in shape) });
    }
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value the schema should refuse, or at least one from outside what it describes. */
export function invalidOf(schema: Schema): fc.Arbitrary<unknown> {
  const out: fc.Arbitrary<unknown>[] = [fc.constantFrom(...NASTY_VALUES), fc.jsonValue({ maxDepth: 3 })];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) out.push(fc.integer({ min: -1e9, max: schema.minimum - 1 }));
    if (schema.maximum !== undefined) out.push(fc.integer({ min: schema.maximum + 1, max: 2 ** 53 }));
    out.push(fc.double());
  }
  if (schema.type === 'string' && schema.maxLength !== undefined) out.push(fc.string({ minLength: schema.maxLength + 1, maxLength: schema.maxLength + 20 }));
  return fc.oneof(...out);
}

/** Mostly valid, sometimes not: what a careless or hostile client sends. */
export const anyOf = (schema: Schema): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: validOf(schema) }, { weight: 2, arbitrary: invalidOf(schema) });

/** A valid object with some members replaced, removed or added (the nastiest bodies are near-valid). */
export function mutated(schema: Schema, base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const names = Object.keys((schema.anyOf?.[0] ?? schema).properties ?? {});
  const mutation = fc.record({
    name: fc.oneof(fc.constantFrom(...(names.length ? names : ['x'])), fc.constantFrom('__proto__', 'constructor', 'preset', 'extra'), fc.string({ maxLength: 8 })),
    value: fc.oneof(fc.constantFrom<unknown>(undefined), fc.constantFrom(...NASTY_VALUES), fc.jsonValue({ maxDepth: 2 })),
  });
  return fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, mutations]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    // JSON text is what goes on the wire: a "__proto__" member must be an own member there too
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(value));
    for (const { name, value: v } of mutations) {
      if (v === undefined) delete copy[name];
      else Object.defineProperty(copy, name, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  });
}
