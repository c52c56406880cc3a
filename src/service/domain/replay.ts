// POST /experiments {"replay": TOKEN}: the experiment a replay token recorded. The token holds
// the spec; the record keeps the token beside it (its own field `replay`), so the worker asks its
// engine thread for a replay of that schedule instead of a new run. A refused token (damaged,
// another engine version, or another spec than the one sent beside it) is a 400 naming `replay`.
import { decodeToken, checkTokenSpec } from '../../engine/explore/index.js';
import { validateSpec, type Spec } from '../../engine/spec.js';
import { Problem } from '../errors.js';

export interface ReplaySubmission { spec: Spec; replay: string }

const refuse = (field: string, message: string) => new Problem('invalid_spec', `${field} ${message}`, { errors: [{ field, message }] });

export function specFromReplay(body: Record<string, unknown>): ReplaySubmission {
  const { replay, spec, ...rest } = body;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw refuse(extra[0]!, 'is not allowed beside "replay" (the token holds the spec; send {"replay": TOKEN} or {"replay": TOKEN, "spec": SPEC})');
  if (typeof replay !== 'string' || replay.length === 0 || replay.length > 100_000) throw refuse('replay', 'must be a replay token string (mlx1.…) from an exploration result');
  const d = decodeToken(replay);
  if (!d.ok) throw refuse('replay', d.reason);
  if (spec !== undefined) {
    const v = validateSpec(spec, () => d.token.seed);
    if (!v.ok) throw new Problem('invalid_spec', v.errors.map((e) => `spec.${e.field} ${e.message}`).join('; '), { errors: v.errors.map((e) => ({ field: `spec.${e.field}`, message: e.message })) });
    const wrong = checkTokenSpec(d.token, v.spec);
    if (wrong) throw refuse('replay', wrong);
  }
  return { spec: d.token.spec, replay };
}
