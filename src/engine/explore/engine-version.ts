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
  'solaris10 thread seed 1': '485b9ae9 65182d39',
  'solaris10 thread seed 2': '9c432a2b a8ed2fc4',
  'solaris10 process 2 cpus': '5b75e155 5ccda787',
  'solaris10 robust kill': '898bab68 7720c27c',
  'solaris9 thread': '50c19780 b521f4fd',
  'illumos thread': '5b7844c1 2aad085b',
  'illumos robust kill': '81075db4 d61e1525',
  'solaris9 lost wake-up hang': 'cb14d4ed 729f85a5',
  'illumos queue hang': '9504b0b9 927a47bb',
  'solaris10 holder killed hang': 'ee3f6a2d 895c50f1',
  'solaris9 holder killed hang': '057ce740 5f66a456',
  'illumos holder killed hang': '367c988d 83636806',
  'glibc-2.36 private': 'c44c4edc a3e7abd8',
  'glibc-2.33 robust kill': '6f1f7853 ee88e827',
  'random 300': '1e8614d9',
  'pct 100 depth 2': '12c59d96',
  'dfs bound 1': 'e314fd33 847994f3 406017f1',
};
