// The simulator's version as replay tokens record it. Bump it whenever a change to the
// machine, a platform's step program or a scheduler's default policy can change which thread
// runs at a decision point or what the trace says: old tokens are then refused, not misread.
export const ENGINE_VERSION = 'sim-2';

/**
 * What this engine version produces for the fixed cases of test/engine/engine-version.test.ts
 * (FNV-1a hashes of traces, results and exploration reports). That test fails when the output
 * changes; its message says what to do: bump ENGINE_VERSION, then paste the new fingerprint here.
 */
export const ENGINE_FINGERPRINT: Readonly<Record<string, string>> = {
  'solaris10 thread seed 1': '65294cb2 5d082148',
  'solaris10 thread seed 2': 'c17a57db e6afaacb',
  'solaris10 process 2 cpus': 'ebc84f2e fd2ab7f3',
  'solaris10 robust kill': '4e354206 37fa0d96',
  'solaris9 thread': '2ffe5054 fa3396c8',
  'illumos thread': 'a9c25529 156b3c7b',
  'illumos robust kill': 'ae66a470 c33493d9',
  'solaris9 lost wake-up hang': 'cebd1976 03199ba7',
  'illumos queue hang': '53dd2245 15ddeefc',
  'solaris10 holder killed hang': '9c97e7fd 6242c7ab',
  'solaris9 holder killed hang': '3ab1d6d0 924810d2',
  'illumos holder killed hang': '68f917ce 0c85e0df',
  'glibc-2.36 private': 'c943f1ef f023429e',
  'glibc-2.33 robust kill': '810ac98b 76c54476',
  'random 300': '1e8614d9',
  'pct 100 depth 2': '12c59d96',
  'dfs bound 1': 'e314fd33 f7cba1c7 92315a14',
};
