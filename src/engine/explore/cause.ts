// The plain-language cause of a failing exploration, told from the SHRUNK schedule: its few
// preemptions (who was switched out, holding what, doing what) and the few events that made
// the failure (the read of the owner, the dereference, the signal; or the second holder; or
// who sleeps where), not the thousands of steps around them.
import type { Execution } from '../sim.js';
import type { Outcome } from '../outcome.js';
import type { Trace } from '../machine/trace-buffer.js';
import type { TraceEvent } from '../trace.js';

const who = (e: { pid: number; tid: number }) => `pid ${e.pid} tid ${e.tid}`;

function fnOf(e: TraceEvent): string { return e.note ? ` in ${e.note.split(':')[0]}` : ''; }

/** One event in words (the subject is left out: "read mutex_owner = 0x8240000 in mutex_trylock_adaptive"). */
export function describeEvent(e: TraceEvent): string {
  switch (e.op) {
    case 'read': case 'owner_read': return `read ${e.field ?? e.addr} = ${String(e.value)}${fnOf(e)}`;
    case 'write': return `wrote ${e.field ?? e.addr} = ${String(e.value)}${e.old !== undefined ? ` (was ${String(e.old)})` : ''}${fnOf(e)}`;
    case 'deref': return `dereferenced ${e.addr}${e.field ? ` (${e.field})` : ''} in its own address space${fnOf(e)}`;
    case 'acquired': return 'acquired the mutex';
    case 'cs_enter': return `entered the critical section (${String(e.value)} inside)`;
    case 'cs_exit': return 'left the critical section';
    case 'lock': return 'called mutex_lock';
    case 'unlock': return 'called mutex_unlock';
    case 'spin': return `began to spin${fnOf(e)}`;
    case 'park': return `went to sleep (${e.note ?? 'lwp_park'})`;
    case 'unpark': return `woke tid ${String(e.value)}`;
    case 'signal': { // note: "function: SIGNAL: what it was doing"
      const [fn, sig, ...what] = (e.note ?? '').split(': ');
      return sig ? `died of ${sig} in ${fn}${what.length ? ` (${what.join(': ')})` : ''}` : `died of ${e.note ?? 'a signal'}`;
    }
    default: return e.op;
  }
}

type Holding = 'locking' | 'holding' | 'unlocking' | 'outside';

function holdingText(h: Holding): string {
  return h === 'holding' ? 'while it held the mutex' : h === 'unlocking' ? 'while it was releasing the mutex' : h === 'locking' ? 'while it was inside mutex_lock' : 'outside the mutex';
}

export interface Preemption { t: number; from: number; to: number }

export function preemptionsOf(points: readonly number[]): Preemption[] {
  const out: Preemption[] = [];
  for (let i = 0; i < points.length; i += 3) out.push({ t: points[i]!, from: points[i + 1]!, to: points[i + 2]! });
  return out;
}

/**
 * The story of the shrunk run. `preemptions` come from the recorder (virtual time and global
 * thread ids); the trace must be the run's full trace.
 */
export function shrunkCause(exec: Execution, trace: Trace, outcome: Outcome, preemptions: readonly Preemption[]): string {
  const threads = exec.machine.threads;
  const ident = (g: number) => { const t = threads[g]; return t ? `pid ${t.proc.pid} tid ${t.tid}` : `thread ${g}`; };
  const state = new Map<string, Holding>();
  const last = new Map<string, TraceEvent>();
  const parts: string[] = [];
  let p = 0;
  let signal: TraceEvent | null = null;
  let secondHolder: TraceEvent | null = null;
  const before = new Map<string, TraceEvent[]>();
  const tell = (pre: Preemption) => {
    const key = ident(pre.from);
    const doing = last.get(key);
    parts.push(`at t=${pre.t} the scheduler preempted ${key} ${holdingText(state.get(key) ?? 'outside')}${doing ? ` (its last step: ${describeEvent(doing)}, t=${doing.t})` : ''} and ran ${ident(pre.to)}`);
  };
  for (const e of trace) {
    while (p < preemptions.length && (e.t > preemptions[p]!.t || (e.op === 'switch' && e.t === preemptions[p]!.t))) tell(preemptions[p++]!);
    if (e.cpu < 0 && e.op !== 'signal' && e.op !== 'exit') continue; // set-up events
    const key = who(e);
    if (e.op === 'lock') state.set(key, 'locking');
    else if (e.op === 'acquired') state.set(key, 'holding');
    else if (e.op === 'unlock') state.set(key, 'unlocking');
    else if (e.op === 'cs_enter' && typeof e.value === 'number' && e.value > 1 && !secondHolder) secondHolder = e;
    if (e.op === 'signal' && !signal) { signal = e; break; }
    if (e.op !== 'watchpoint' && e.op !== 'switch') {
      last.set(key, e);
      const recent = before.get(key) ?? [];
      recent.push(e);
      if (recent.length > 3) recent.shift();
      before.set(key, recent);
    }
    if (secondHolder && outcome === 'mutual_exclusion_violation') break;
  }
  while (p < preemptions.length) tell(preemptions[p++]!);
  const head = preemptions.length === 0
    ? 'The failure needs no preemption at all: every thread ran until it blocked or finished.'
    : `The smallest failing schedule found needs ${preemptions.length === 1 ? 'one preemption' : `${preemptions.length} preemptions`}: ${parts.join('; ')}.`;
  let tail = '';
  if (outcome === 'crash' && signal) {
    const key = who(signal);
    const steps = (before.get(key) ?? []).filter((e) => e.op !== 'signal').slice(-2).map((e) => `${describeEvent(e)} (t=${e.t})`);
    tail = ` Then ${key} ${steps.length ? steps.join(', then ') + ', and ' : ''}${describeEvent(signal)} (t=${signal.t}).`;
  } else if (outcome === 'mutual_exclusion_violation' && secondHolder) {
    tail = ` Then ${who(secondHolder)} entered the critical section at t=${secondHolder.t} while another thread was still inside it.`;
  } else if (outcome === 'hang') {
    const blocked = exec.machine.blocked().map((t) => `pid ${t.proc.pid} tid ${t.tid} in ${t.waitingIn}`);
    if (blocked.length) tail = ` In the end nobody could run: ${blocked.join('; ')}.`;
  }
  return head + tail + ' Every other choice is the default one: the running thread keeps the CPU until it blocks or exits.';
}
