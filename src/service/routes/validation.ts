// Validation of query, params and headers by TypeBox; a body whose schema is only documentation
// (POST /experiments: validateSpec reports every field at once) passes through untouched.
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';

export const passBodyThrough: FastifySchemaCompiler<any> = (route) =>
  route.httpPart === 'body' ? (value: unknown) => ({ value }) : TypeBoxValidatorCompiler(route);
