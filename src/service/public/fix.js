// "Run the fix": the same experiment with the mutex initialised process-shared. Everything else
// (platform, processes, key, seed, exploration) stays, so the two runs differ in one attribute
// and can be set side by side.

const FIXED = { USYNC_THREAD: 'USYNC_PROCESS', PTHREAD_PROCESS_PRIVATE: 'PTHREAD_PROCESS_SHARED' };

/** The attribute the fix sets, or undefined when the mutex is already process-shared. */
export const fixedType = (spec) => FIXED[spec?.mutexType];

/**
 * The body to POST for the fixed twin of a normalised spec. GET returns members the spec schema
 * does not take back (`sharing`, derived from mutexType; `processes[].index`, the position):
 * they are dropped, and the rest is sent as it was, the seed included.
 */
export function fixedSpecBody(spec) {
  const to = fixedType(spec);
  if (!to) return undefined;
  const { sharing: _sharing, ...rest } = spec;
  const body = structuredClone(rest);
  body.mutexType = to;
  if (Array.isArray(body.processes)) body.processes = body.processes.map(({ index: _index, ...p }) => p);
  return body;
}

/** Where each experiment's fixed twin is, for this browser tab: detail -> "compare with its fix". */
const KEY = 'mutexlab.fixes';
export function rememberFix(originalId, fixedId) {
  const all = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
  all[originalId] = fixedId;
  sessionStorage.setItem(KEY, JSON.stringify(all));
}
export const fixOf = (originalId) => JSON.parse(sessionStorage.getItem(KEY) ?? '{}')[originalId];
