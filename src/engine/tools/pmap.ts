// pmap(1) of every simulated process: its mappings, the System V segment shown with its key and shmid.
import type { Machine } from '../machine/machine.js';
import type { Evidence } from '../result.js';

export function pmap(m: Machine): Evidence['pmap'] {
  return m.processes.map((p) => ({ pid: p.pid, mappings: p.space.report() }));
}
