// RFC 9457 problem details, as every error response of the API is shaped (errors.ts).
import { Type } from 'typebox';

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the kind of problem' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String({ description: 'the request path' }),
  code: Type.String({ description: 'the same kind, as a short code (invalid_spec, queue_full, ...)' }),
  errors: Type.Optional(Type.Array(Type.Object({
    field: Type.String({ description: 'the field as people write it, e.g. processes[1].key' }),
    message: Type.String(),
  }))),
}, { description: 'application/problem+json (RFC 9457)' });

/** Response entry for a problem status, for the OpenAPI document. */
export const problem = (description: string) => ({ ...ProblemSchema, description });
