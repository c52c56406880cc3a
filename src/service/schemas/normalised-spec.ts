// The normalised spec (src/engine/spec.ts `Spec`) as GET /experiments/{id} shows it. It is the
// input schema with the members validateSpec always fills in made required, so whatever GET shows
// can be POSTed back (the same experiment: test/service/round-trip.redis.test.ts).
import { Type } from 'typebox';
import { SpecSchema } from '../../engine/spec.js';

/** Members every normalised spec has (explore only when asked for; replay only on a replay). */
const ALWAYS = ['mutexType', 'sharing', 'processCount', 'key', 'engine', 'platform', 'threadsPerProcess', 'iterations', 'cpus', 'seed', 'processes', 'robust', 'faults', 'tools', 'limits'];

export const NormalisedSpecSchema = Type.Object({
  ...SpecSchema.properties,
  replay: Type.Optional(Type.String({ description: 'replays only: the token whose schedule this experiment replays' })),
}, {
  additionalProperties: false,
  description: 'the normalised spec: every default filled in, the seed chosen, the sharing attribute in both vocabularies; POST it back for the same experiment',
});
(NormalisedSpecSchema as { required?: string[] }).required = ALWAYS.filter((name) => name in SpecSchema.properties);
