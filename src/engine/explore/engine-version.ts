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
  'solaris10 thread seed 1': 'ff25a0b8 5b0f2026',
  'solaris10 thread seed 2': '818b68ec 9b9aa3db',
  'solaris10 process 2 cpus': 'ebc84f2e 254c5e4f',
  'solaris10 robust kill': 'fd9428ee 95932a6c',
  'solaris9 thread': '2ffe5054 e00ab2b8',
  'illumos thread': '0ea92eec 825b49af',
  'illumos robust kill': '446c7e80 93375e07',
  'solaris9 lost wake-up hang': 'b2240a1c aa68e61a',
  'illumos queue hang': '645f221c 29cea230',
  'solaris10 holder killed hang': '9c97e7fd 2966e42f',
  'solaris9 holder killed hang': '3ab1d6d0 c89177ce',
  'illumos holder killed hang': '507138b4 1de7e5d1',
  'glibc-2.36 private': 'c943f1ef 98c6baef',
  'glibc-2.33 robust kill': '810ac98b a8e3ee15',
  'random 300': 'dc0c6279',
  'pct 100 depth 2': '8669e630',
  'dfs bound 1': 'b56ad4b1 2c02029b 31c62dbd',
};
