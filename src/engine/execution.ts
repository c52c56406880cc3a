// One run of the simulator as it stands when the machine stops: what the result, the verdict
// and the explorer read. A module of its own so that verdict.ts and verdicts/* can name it
// without importing sim.ts, which imports them.
import type { Machine, StopReason } from './machine/machine.js';
import type { MutexProgram, PlatformDefinition } from './platforms/platform.js';
import type { Spec } from './spec.js';
import type { CoreSnapshots } from './tools/core.js';
import type { Watchpoints } from './tools/watchpoints.js';
import type { World } from './world.js';
import type { WorkloadStats } from './workload.js';
import type { FaultInjector } from './faults.js';

export interface Execution {
  spec: Spec;
  platform: PlatformDefinition;
  machine: Machine;
  world: World;
  workload: WorkloadStats;
  watchpoints: Watchpoints | null;
  cores: CoreSnapshots;
  /** The platform's mutex program itself (its EDEADLK returns, recoveries). */
  mutex: MutexProgram;
  /** The platform's mutex wrapped by the fault injector (kills, EOWNERDEAD recoveries). */
  faults: FaultInjector;
  stop: StopReason;
}
