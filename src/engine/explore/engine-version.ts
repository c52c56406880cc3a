// The simulator's version as replay tokens record it. Bump it whenever a change to the
// machine, a platform's step program or a scheduler's default policy can change which thread
// runs at a decision point or what the trace says: old tokens are then refused, not misread.
export const ENGINE_VERSION = 'sim-5';

/**
 * What this engine version produces for the fixed cases of test/engine/engine-version.test.ts
 * (FNV-1a hashes of traces, results and exploration reports). That test fails when the output
 * changes; its message says what to do: bump ENGINE_VERSION, then paste the new fingerprint here.
 */
export const ENGINE_FINGERPRINT: Readonly<Record<string, string>> = {
  'solaris10 thread seed 1': '65294cb2 e78ce33c',
  'solaris10 thread seed 2': 'c17a57db 6818e5ad',
  'solaris10 process 2 cpus': 'ebc84f2e 8b438a75',
  'solaris10 robust kill': '4e354206 f705e552',
  'solaris9 thread': '2ffe5054 51ce9068',
  'illumos thread': 'a9c25529 d0a79681',
  'illumos robust kill': 'ae66a470 b15a7605',
  'solaris9 lost wake-up hang': 'cebd1976 409c8f11',
  'illumos queue hang': '53dd2245 74e78218',
  'solaris10 holder killed hang': '9c97e7fd 74ae2b84',
  'solaris9 holder killed hang': '3ab1d6d0 9c9fb38c',
  'illumos holder killed hang': '68f917ce 3918d927',
  'glibc-2.36 private': '67063f20 075f2cf4',
  'glibc-2.33 robust kill': 'e4ae96a9 c89c3a01',
  // added with the musl-1.2 platform (no bump then); sim-3 changed the glibc and musl lines only
  // (futex system calls take time; the Solaris and illumos models make no system call of that
  // kind); every result hash moved with the default limits.maxSteps (2M -> 20M, in result.spec)
  'musl-1.2 private': '8db2da51 2066d0fe',
  'musl-1.2 robust kill': '4d8c631a 3e24c13c',
  // sim-4: sched_yield takes its measured time (syscall-cost.ts) and round-robin's run queues
  // are per CPU; only runs that yield or run round-robin changed
  // sim-5: the kill record says who held the mutex at the death (heldBy, acquisitionsAtDeath)
  // and the fault verdicts read it; only the results of runs with a kill changed, no trace.
  // Since: the fault verdicts' cause and fix open with a capital (results of kill runs only)
  'glibc-2.36 probe program': '9b3db066 66f5f6cd',
  'random 300': '1e8614d9',
  'pct 100 depth 2': '12c59d96',
  'dfs bound 1': 'e314fd33 d7a96461 118180b9',
};
