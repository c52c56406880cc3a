// Validation of query, params and headers by TypeBox; a body whose schema is only documentation
// (POST /experiments: validateSpec reports every field at once) passes through untouched.
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import { Compile } from 'typebox/compile';

/**
 * TypeBox's validator, converting only what needs it. The provider's compiler runs Value.Convert
 * (a walk and copy of the value, e.g. every header of the request) before each check, although
 * most values already pass as they came (no query at all, headers that are strings): those are
 * checked once and taken as they are, and only a value that fails (?wait=10 is the string "10")
 * goes through convert-then-check, with the same result and errors as before.
 */
export const typeBoxValidator: FastifySchemaCompiler<any> = (route) => {
  const check = Compile(route.schema);
  const convertAndCheck = TypeBoxValidatorCompiler(route);
  return (value: unknown) => (check.Check(value) ? { value } : convertAndCheck(value));
};

export const passBodyThrough: FastifySchemaCompiler<any> = (route) =>
  route.httpPart === 'body' ? (value: unknown) => ({ value }) : typeBoxValidator(route);
