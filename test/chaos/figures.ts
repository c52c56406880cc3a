// What a chaos run ends with, read from Redis itself (the records and their event streams), not
// from what the scenario believes happened: accepted, completed, failed (by reason), cancelled,
// lost (accepted and never finished), duplicated (more than one result stored or more than one
// finishing event), and recovery times: from a worker's SIGKILL to the moment each experiment it
// was running started again elsewhere (or ended).
import { Redis } from 'ioredis';

export interface Kill { at: number; pid: number }

export interface Figures {
  accepted: number; completed: number; failed: number; cancelled: number; lost: number; duplicated: number;
  failedBy: Record<string, number>; interrupted: number; recoveryMs: { p50: number | null; max: number | null };
  lostIds: string[];
}

const FINISHING = new Set(['completed', 'failed', 'cancelled']);
const ms = (streamId: string) => Number(streamId.split('-')[0]);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export async function figures(url: string, prefix: string, accepted: readonly string[], kills: readonly Kill[] = []): Promise<Figures> {
  const redis = new Redis(url);
  try {
    const f: Figures = { accepted: accepted.length, completed: 0, failed: 0, cancelled: 0, lost: 0, duplicated: 0, failedBy: {}, interrupted: 0, recoveryMs: { p50: null, max: null }, lostIds: [] };
    const recoveries: number[] = [];
    for (const id of accepted) {
      const [[, status], [, error], [, results]] = (await redis.pipeline().hget(`${prefix}:x:${id}`, 'status').hget(`${prefix}:x:${id}`, 'error').hget(`${prefix}:x:${id}`, 'results').exec())! as [unknown, string | null][];
      const events = (await redis.xrange(`${prefix}:x:${id}:events`, '-', '+')).map(([sid, fields]) => {
        const o: Record<string, string> = {};
        for (let i = 0; i < fields.length; i += 2) o[fields[i]!] = fields[i + 1]!;
        return { t: ms(sid), ...o } as { t: number; event: string; worker?: string };
      });
      if (status === 'completed') f.completed++;
      else if (status === 'failed') { f.failed++; const code = error ? (JSON.parse(error) as { code: string }).code : 'unknown'; f.failedBy[code] = (f.failedBy[code] ?? 0) + 1; }
      else if (status === 'cancelled') f.cancelled++;
      else { f.lost++; f.lostIds.push(id); }
      if (Number(results ?? 0) > 1 || events.filter((e) => FINISHING.has(e.event)).length > 1) f.duplicated++;
      for (const k of kills) {
        // running on the killed worker at the kill: its last 'running' before the kill was there, and nothing ended it since
        const before = events.filter((e) => e.t <= k.at);
        const lastRun = before.filter((e) => e.event === 'running').at(-1);
        if (!lastRun || !lastRun.worker?.includes(`:${k.pid}:`)) continue;
        if (before.some((e) => e.t >= lastRun.t && FINISHING.has(e.event))) continue;
        const next = events.find((e) => e.t > k.at && (e.event === 'running' || FINISHING.has(e.event)));
        f.interrupted++;
        if (next) recoveries.push(next.t - k.at);
      }
    }
    recoveries.sort((a, b) => a - b);
    f.recoveryMs = { p50: percentile(recoveries, 0.5), max: recoveries.at(-1) ?? null };
    return f;
  } finally {
    redis.disconnect();
  }
}

/** One line per figure, for the CI log and the note. */
export function printFigures(scenario: string, f: Figures, extra: Record<string, unknown> = {}): void {
  const line = { scenario, accepted: f.accepted, completed: f.completed, failed: f.failed, failedBy: f.failedBy, cancelled: f.cancelled,
    lost: f.lost, duplicated: f.duplicated, interrupted: f.interrupted, recoveryP50Ms: f.recoveryMs.p50, recoveryMaxMs: f.recoveryMs.max, ...extra };
  process.stdout.write(`CHAOS ${JSON.stringify(line)}\n`);
}
