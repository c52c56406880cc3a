// RFC 9457 problem details, as every error response of the API is shaped (errors.ts).
import { Type } from 'typebox';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the kind of problem' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String({ description: 'the request path' }),
  code: Type.String({ description: 'the same kind, as a short code (invalid_spec, queue_full, ...)' }),
  errors: Type.Optional(Type.Array(Type.Object({
    field: Type.String({ description: 'the field as people write it, e.g. processes[1].key' }),
    message: Type.String({ description: 'what is wrong and what the field accepts (allowed values, the form in words, "did you mean ...?")' }),
  }, { additionalProperties: false }))),
}, { additionalProperties: true, description: 'application/problem+json (RFC 9457)' });

/** Response entry for a problem status: the problem+json media type, for OpenAPI and the serializer. */
export const problem = (description: string, examples?: Record<string, { summary: string; value: unknown }>) =>
  ({ description, content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema, ...(examples ? { examples } : {}) } } });
