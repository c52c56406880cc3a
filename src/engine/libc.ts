// The C libraries a native run can use, and the simulator platform that models each. The native
// probe is built twice (src/native/Makefile): against the host's glibc, and statically against
// musl. A native result and a simulated one are compared through this table.
import type { Platform } from './spec.js';

export const LIBCS = ['glibc', 'musl'] as const;
export type Libc = (typeof LIBCS)[number];

/**
 * The model of each native libc. glibc: the host's is 2.36 (Debian 12), and the glibc-2.36 model
 * has the 2.34+ single-threaded path this host runs; musl: Debian 12 ships 1.2.3, whose mutex
 * code is the same through 1.2.5.
 */
export const LIBC_MODEL: Readonly<Record<Libc, Platform>> = { glibc: 'glibc-2.36', musl: 'musl-1.2' };
