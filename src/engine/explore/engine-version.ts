// The simulator's version as replay tokens record it. Bump it whenever a change to the
// machine, a platform's step program or a scheduler's default policy can change which thread
// runs at a decision point or what the trace says: old tokens are then refused, not misread.
export const ENGINE_VERSION = 'sim-1';

/**
 * What this engine version produces for the fixed cases of test/engine/engine-version.test.ts
 * (FNV-1a hashes of traces, results and exploration reports). That test fails when the output
 * changes; its message says what to do: bump ENGINE_VERSION, then paste the new fingerprint here.
 */
export const ENGINE_FINGERPRINT: Readonly<Record<string, string>> = {
  'solaris10 thread seed 1': 'e1643043 528bac61',
  'solaris10 thread seed 2': 'e5d9f93c b39f5d86',
  'solaris10 process 2 cpus': '5b75e155 367173c3',
  'solaris10 robust kill': '898bab68 b6a2634e',
  'solaris9 thread': '50c19780 6e48910d',
  'illumos thread': 'b27c638d 121c1aa6',
  'illumos robust kill': 'a835814f e88ff324',
  'solaris9 lost wake-up hang': 'cb14d4ed a813a501',
  'illumos queue hang': '3de8b1e7 3dc370ee',
  'solaris10 holder killed hang': 'ee3f6a2d 7026a1e7',
  'solaris9 holder killed hang': '057ce740 f8154e74',
  'illumos holder killed hang': '189ce5e6 53a5e289',
  'glibc-2.36 private': 'c44c4edc 37a40a89',
  'glibc-2.33 robust kill': '6f1f7853 c93cf259',
  'random 300': 'dc0c6279',
  'pct 100 depth 2': '8669e630',
  'dfs bound 1': 'b56ad4b1 cc22dcac aaff2dad',
};
