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
  'solaris10 thread seed 1': '485b9ae9 f4b25553',
  'solaris10 thread seed 2': '9c432a2b 388d9c1e',
  'solaris10 process 2 cpus': '5b75e155 e6b3adb3',
  'solaris10 robust kill': '898bab68 4557466a',
  'solaris9 thread': '50c19780 9813b295',
  'illumos thread': '5b7844c1 e1c75783',
  'illumos robust kill': '81075db4 466881b0',
  'solaris9 lost wake-up hang': 'cb14d4ed 80504c2d',
  'illumos queue hang': '9504b0b9 53957c7f',
  'solaris10 holder killed hang': 'ee3f6a2d f6636803',
  'solaris9 holder killed hang': '057ce740 7628c854',
  'illumos holder killed hang': '367c988d f86b947e',
  'glibc-2.36 private': 'c44c4edc 59616ea4',
  'glibc-2.33 robust kill': '6f1f7853 271e7718',
  'random 300': '1e8614d9',
  'pct 100 depth 2': '12c59d96',
  'dfs bound 1': 'e314fd33 08e2be8c 5208b0d7',
};
