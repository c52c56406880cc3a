// The simulator's version as replay tokens record it. Bump it whenever a change to the
// machine, a platform's step program or a scheduler's default policy can change which thread
// runs at a decision point or what the trace says: old tokens are then refused, not misread.
export const ENGINE_VERSION = 'sim-1';
