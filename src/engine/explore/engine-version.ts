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
  'solaris10 thread seed 1': '65294cb2 8eba4b36',
  'solaris10 thread seed 2': 'c17a57db ba251969',
  'solaris10 process 2 cpus': 'ebc84f2e 915662cf',
  'solaris10 robust kill': '4e354206 ce49e230',
  'solaris9 thread': '2ffe5054 97887658',
  'illumos thread': 'a9c25529 5c9958c3',
  'illumos robust kill': 'ae66a470 5da7dcd8',
  'solaris9 lost wake-up hang': 'cebd1976 6734a4db',
  'illumos queue hang': '53dd2245 90626d1c',
  'solaris10 holder killed hang': '9c97e7fd 61fa3005',
  'solaris9 holder killed hang': '3ab1d6d0 cceb51dc',
  'illumos holder killed hang': '68f917ce 10ee4967',
  'glibc-2.36 private': 'c943f1ef 0ba2422d',
  'glibc-2.33 robust kill': '810ac98b b77118bf',
  // added with the musl-1.2 platform (no bump: no earlier output or token changed)
  'musl-1.2 private': '6a5e0985 16352ac6',
  'musl-1.2 robust kill': 'b37cdc13 7b40dfd0',
  'random 300': '1e8614d9',
  'pct 100 depth 2': '12c59d96',
  'dfs bound 1': 'e314fd33 d7a96461 ae83b8a1',
};
