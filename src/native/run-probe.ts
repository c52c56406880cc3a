// Runs the probe as its own process group and returns its stdout. The probe enforces the
// experiment's budget itself; this side adds a backstop timer and AbortSignal handling, both of
// which kill the whole group, and removes the segment if the probe could not (host IPC only).
import { execFile, spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { peekSandbox } from './probe-output.js';

export interface ProbeRun { stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null; wallMs: number }

/** Beyond the probe's own timeout, give it this long to report before the group is killed. */
const BACKSTOP_GRACE_MS = 3_000;

export class ProbeAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() { super('the native experiment was aborted; its processes were killed and its segment removed'); }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** SIGKILL is delivered at once but exiting takes a moment: resolve when no member is left (bounded). */
async function groupGone(pid: number | undefined, boundMs = 2_000): Promise<void> {
  if (pid === undefined) return;
  for (let waited = 0; waited < boundMs; waited += 5) {
    try { process.kill(-pid, 0); } catch { return; }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Only a probe in the host IPC namespace can leave a segment behind (a namespace dies with it). */
function removeLeftoverSegment(stdout: string): Promise<void> {
  const sandbox = peekSandbox(stdout);
  if (!sandbox || sandbox.ipc !== 'host' || !sandbox.key.startsWith('0x')) return Promise.resolve();
  return new Promise((resolve) => execFile('ipcrm', ['-M', sandbox.key], () => resolve()));
}

/** onStdout: every chunk of stdout as it arrives (repetitions are parsed as they finish). */
export function runProbe(probePath: string, args: string[], timeoutMs: number, signal?: AbortSignal, onSpawn?: (pgid: number) => void, onStdout?: (chunk: string) => void): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new ProbeAbortedError()); return; }
    const started = performance.now();
    const child = spawn(probePath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) onSpawn?.(child.pid); // detached: its pid is the group every probe process is in
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let aborted = false;
    let backstopFired = false;
    // Streamed, only the head is kept: the sandbox line, for removing a leftover segment.
    const decoder = new StringDecoder('utf8');
    let kept = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (!onStdout || kept < 4096) { out.push(b); kept += b.length; }
      onStdout?.(decoder.write(b));
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const backstop = setTimeout(() => { backstopFired = true; killGroup(child.pid); }, timeoutMs + BACKSTOP_GRACE_MS);
    const onAbort = () => { aborted = true; killGroup(child.pid); };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => { clearTimeout(backstop); signal?.removeEventListener('abort', onAbort); reject(e); });
    child.on('close', (code, sig) => {
      clearTimeout(backstop);
      signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      const run = { stdout, stderr: Buffer.concat(err).toString('utf8'), code, signal: sig, wallMs: performance.now() - started };
      // The launcher may die first; make sure nothing of the group survives it.
      if (aborted || backstopFired || sig !== null) killGroup(child.pid);
      const cleanup = aborted || backstopFired || code !== 0
        ? groupGone(child.pid).then(() => removeLeftoverSegment(stdout))
        : Promise.resolve();
      void cleanup.then(() => (aborted ? reject(new ProbeAbortedError()) : resolve(run)));
    });
  });
}
