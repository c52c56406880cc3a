// The list of simulated platforms. Adding one (glibc-2.33, glibc-2.36, ...) = one file plus one line here.
import type { Platform } from '../spec.js';
import type { PlatformDefinition } from './platform.js';
import { solaris10 } from './solaris10.js';
import { solaris9 } from './solaris9.js';
import { illumos } from './illumos.js';
import { glibc233, glibc236 } from './glibc.js';
import { musl12 } from './musl.js';

const PLATFORMS: PlatformDefinition[] = [solaris10, solaris9, illumos, glibc233, glibc236, musl12];

const byName = new Map<string, PlatformDefinition>(PLATFORMS.map((p) => [p.name, p]));

export function findPlatform(name: Platform | 'host'): PlatformDefinition | undefined { return byName.get(name); }
export function simulatedPlatforms(): Platform[] { return PLATFORMS.map((p) => p.name); }
