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
  'solaris10 thread seed 1': '65294cb2 d89eff5c',
  'solaris10 thread seed 2': 'c17a57db 5f10ef93',
  'solaris10 process 2 cpus': 'ebc84f2e c4aa8c07',
  'solaris10 robust kill': 'fd9428ee d5caa7d0',
  'solaris9 thread': '2ffe5054 c4ee6070',
  'illumos thread': 'a9c25529 62872927',
  'illumos robust kill': 'ae66a470 55200401',
  'solaris9 lost wake-up hang': 'b2240a1c 8d01d3f6',
  'illumos queue hang': '53dd2245 9c874ed4',
  'solaris10 holder killed hang': '9c97e7fd 180920e7',
  'solaris9 holder killed hang': '3ab1d6d0 b1f95c6e',
  'illumos holder killed hang': '68f917ce 00e0e737',
  'glibc-2.36 private': 'c943f1ef 9ffff4c6',
  'glibc-2.33 robust kill': '810ac98b 7bce44ba',
  'random 300': '1e8614d9',
  'pct 100 depth 2': '12c59d96',
  'dfs bound 1': 'e314fd33 f7cba1c7 fe26cfc0',
};
