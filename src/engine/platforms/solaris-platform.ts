// The platform definition the three Solaris-family platforms share: the same 24-byte mutex_t,
// fields, magic, snapshot and robust model; they differ in name, title, how mutex_type spells
// a robust mutex, and the step program `create` returns.
import type { Machine } from '../machine/machine.js';
import type { Platform, Spec } from '../spec.js';
import type { MutexProgram, PlatformDefinition } from './platform.js';
import { MUTEX_MAGIC, MUTEX_SIZE, SOLARIS_FIELDS, solarisInit, solarisSnapshot, type RobustSpelling } from './solaris-mutex.js';
import { solarisRobustModel } from './solaris-robust.js';

export function solarisPlatform(name: Platform, title: string, spelling: RobustSpelling, create: (m: Machine, spec: Spec) => MutexProgram): PlatformDefinition {
  return {
    name,
    title,
    mutexSize: MUTEX_SIZE,
    fields: SOLARIS_FIELDS,
    magic: MUTEX_MAGIC,
    ownerField: { name: 'owner', meaning: "the owning thread's ulwp_t address" },
    init: (seg, offset, type, robust) => solarisInit(seg, offset, type, robust ? spelling : null),
    create,
    snapshot: solarisSnapshot,
    robust: solarisRobustModel(name, spelling),
  };
}
