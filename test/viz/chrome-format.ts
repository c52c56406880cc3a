// A checker for the Chrome Trace Event Format as Perfetto and chrome://tracing read it: the
// fields every event needs, B/E balance per thread (E closes the innermost B, never below
// zero, nothing left open), timestamps that do not go back on a track, and names for every
// process and thread that has events. Returns the problems found (empty = valid).
export interface ChromeDoc { traceEvents: Record<string, unknown>[]; otherData?: Record<string, unknown> }

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'M', 's', 't', 'f']);

export function chromeTraceProblems(doc: ChromeDoc): string[] {
  const problems: string[] = [];
  if (!Array.isArray(doc.traceEvents)) return ['traceEvents is not an array'];
  const stacks = new Map<string, { name: string; ts: number }[]>();
  const lastTs = new Map<string, number>();
  const processNames = new Set<number>();
  const threadNames = new Set<string>();
  const used = new Set<string>();
  const flows = new Map<string, string[]>();
  for (const [i, e] of doc.traceEvents.entries()) {
    const where = `event ${i} (${JSON.stringify(e).slice(0, 80)})`;
    if (typeof e.ph !== 'string' || !PHASES.has(e.ph)) { problems.push(`${where}: bad ph`); continue; }
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`${where}: bad ts`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) problems.push(`${where}: pid/tid not integers`);
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${where}: no name`);
    const track = `${e.pid}/${e.tid}`;
    if (e.ph === 'M') {
      const name = (e.args as { name?: unknown } | undefined)?.name;
      if (e.name === 'process_name') { if (typeof name === 'string' && name) processNames.add(e.pid as number); else problems.push(`${where}: process_name without args.name`); }
      if (e.name === 'thread_name') { if (typeof name === 'string' && name) threadNames.add(track); else problems.push(`${where}: thread_name without args.name`); }
      continue;
    }
    if (e.ph === 'i' && e.s !== undefined && !['g', 'p', 't'].includes(e.s as string)) problems.push(`${where}: bad instant scope`);
    if (e.ph === 'C' && (typeof e.args !== 'object' || Object.values(e.args as object).some((v) => typeof v !== 'number'))) problems.push(`${where}: counter args must be numbers`);
    if (e.ph === 'B' || e.ph === 'E') {
      used.add(track);
      const prev = lastTs.get(track) ?? 0;
      if ((e.ts as number) < prev) problems.push(`${where}: ts goes back on track ${track}`);
      lastTs.set(track, e.ts as number);
      const stack = stacks.get(track) ?? [];
      stacks.set(track, stack);
      if (e.ph === 'B') stack.push({ name: e.name as string, ts: e.ts as number });
      else {
        const open = stack.pop();
        if (!open) problems.push(`${where}: E without B on ${track}`);
        else if (open.name !== e.name) problems.push(`${where}: E "${String(e.name)}" closes "${open.name}" on ${track}`);
      }
    }
    if (e.ph === 'i') used.add(track);
    if (e.ph === 's' || e.ph === 't' || e.ph === 'f') {
      used.add(track);
      if (e.id === undefined) problems.push(`${where}: flow event without id`);
      flows.set(String(e.id), [...(flows.get(String(e.id)) ?? []), e.ph as string]);
    }
  }
  for (const [id, phases] of flows) if (phases[0] !== 's' || phases[phases.length - 1] !== 'f') problems.push(`flow ${id} does not run from s to f: ${phases.join(' ')}`);
  for (const [track, stack] of stacks) if (stack.length) problems.push(`track ${track} ends with ${stack.length} open spans (${stack.map((s) => s.name).join(', ')})`);
  for (const track of used) {
    if (!threadNames.has(track)) problems.push(`track ${track} has events but no thread_name`);
    if (!processNames.has(Number(track.split('/')[0]))) problems.push(`process ${track.split('/')[0]} has events but no process_name`);
  }
  return problems;
}
