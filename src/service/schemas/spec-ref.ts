// The engine's spec schema and enumerations, re-exported for the HTTP schemas.
export { SpecSchema, ENGINES, MUTEX_TYPES, PLATFORMS as PLATFORMS_LIST } from '../../engine/spec.js';
export { OUTCOMES as OUTCOMES_LIST } from '../../engine/result.js';
