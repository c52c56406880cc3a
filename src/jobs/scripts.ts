// The Lua scripts that change experiment records, one file each in lua/ (each file's header
// names its KEYS and ARGV). Each runs atomically in Redis, so a status change, its index entries
// and its event are never seen apart, and a result is stored at most once even when two workers
// finish the same experiment (stalled-job recovery). Every key a script touches is built in
// TypeScript (keys.ts) and passed as KEYS, so the scripts run on Redis Cluster too when the
// prefix holds a hash tag (config.ts).
//
// Shared pieces live in lua/includes/ and are pulled in with a line `--- @include "includes/x"`,
// the convention BullMQ's commands use; each is included once per script, where it is first
// named. Our own expander (a dozen lines) rather than BullMQ's: its loader is internal to
// BullMQ and not exported for other scripts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../runner/paths.js';

/** Where the .lua files are: copied next to the compiled modules by `npm run build`. */
export const LUA_DIR = join(paths.distSrc, 'jobs', 'lua');

const INCLUDE = /^--- @include "([\w/-]+)"\s*$/gm;

/** A script's text with its includes expanded in place (each once, in the order first named). */
export function expandScript(name: string, read: (name: string) => string = (n) => readFileSync(join(LUA_DIR, `${n}.lua`), 'utf8')): string {
  const seen = new Set<string>();
  const expand = (file: string): string => read(file).replace(INCLUDE, (_line, included: string) => {
    if (seen.has(included)) return '';
    seen.add(included);
    return expand(included);
  });
  return expand(name);
}

/** Script name (as the store calls it) -> its file in lua/. */
export const SCRIPTS = {
  CREATE: 'create',
  CREATE_MANY: 'create-many',
  CONFIRM: 'confirm',
  BEGIN: 'begin',
  BEGIN_MANY: 'begin-many',
  COMPLETE: 'complete',
  COMPLETE_MANY: 'complete-many',
  FAIL: 'fail',
  REQUEUE: 'requeue',
  PROGRESS: 'progress',
  CHUNK_PROGRESS: 'chunk-progress',
  CANCEL: 'cancel',
  DELETE: 'delete',
} as const;

export type ScriptName = keyof typeof SCRIPTS;

let loaded: Record<ScriptName, string> | undefined;

/** Every script's expanded text, read once per process. */
export function scripts(): Record<ScriptName, string> {
  loaded ??= Object.fromEntries(Object.entries(SCRIPTS).map(([name, file]) => [name, expandScript(file)])) as Record<ScriptName, string>;
  return loaded;
}
