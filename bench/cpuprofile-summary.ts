// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and says where the busy time went:
// by function (self time) and by where the code lives (a package of node_modules, a folder of
// ours, Node's internals, native frames). Used by bench/profile-api.ts; kept apart so any
// other profile can be read the same way (`node dist/bench/cpuprofile-summary.js FILE`).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface Share { name: string; us: number }
export interface ProfileSummary { busyUs: number; idleUs: number; byFunction: Share[]; byPlace: Share[] }

/** Where a frame's code lives: "bullmq", "src/jobs", "node:internal/…", or "(native)". */
function placeOf(url: string): string {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/dist\/((?:src|bench)\/[^/]+)/.exec(url);
  if (ours) return ours[1]!.replace(/\.js$/, '');
  return url.startsWith('node:') ? url.split('/').slice(0, 2).join('/') : url;
}

const short = (url: string) => url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '');

export function summarise(profile: CpuProfile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === '(idle)') { idleUs += us; continue; }
    busyUs += us;
    const fn = `${frame.functionName || '(anonymous)'}${frame.url ? ` ${short(frame.url)}:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const place = frame.url ? placeOf(frame.url) : frame.functionName.startsWith('(') ? frame.functionName : '(native)';
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
  return { busyUs, idleUs, byFunction: sorted(byFunction), byPlace: sorted(byPlace) };
}

/** The summary as lines: shares of busy time, and microseconds per operation when `ops` is given. */
export function formatSummary(s: ProfileSummary, top = 25, ops = 0): string[] {
  const line = ({ name, us }: Share) => `${((100 * us) / s.busyUs).toFixed(1).padStart(5)}%${ops > 0 ? ` ${(us / ops).toFixed(2).padStart(7)} us/op` : ''}  ${name}`;
  return [
    `busy ${(s.busyUs / 1e6).toFixed(2)} s, idle ${(s.idleUs / 1e6).toFixed(2)} s${ops > 0 ? `; ${(s.busyUs / ops).toFixed(1)} us of busy main thread per op over ${ops} ops` : ''}`,
    `-- by function (self time), top ${top}`,
    ...s.byFunction.slice(0, top).map(line),
    '-- by where the code lives',
    ...s.byPlace.slice(0, 15).map(line),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/bench/cpuprofile-summary.js FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(formatSummary(summarise(profile), Number(process.argv[3] ?? 25)).join('\n') + '\n');
}
