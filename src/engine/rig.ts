// A machine kept for many runs of one spec. An exploration runs thousands of schedules of
// the same processes, and building them afresh each time (layouts, address spaces, thread
// structures, the memory buffer, the machine's arrays) made garbage collection take about
// half of the explorer's time. The rig builds the world once, keeps a copy of its memory as
// set-up left it, and before each run puts those bytes back and resets the machine, its
// processes and threads. The platform's mutex program is kept too when it can reset itself;
// the workload and the tools are attached anew (they are small and hold per-run state). A run on the rig is the run `execute` does from scratch:
// same spec + seed + scheduler = same execution (test/engine/rig.test.ts checks the results).
import { Machine } from './machine/machine.js';
import type { MutexProgram, PlatformDefinition } from './platforms/platform.js';
import { RandomScheduler } from './schedulers/random.js';
import type { Scheduler } from './schedulers/scheduler.js';
import { execute, platformFor, runOn, type Execution } from './sim.js';
import type { Spec } from './spec.js';
import { buildWorld, type World } from './world.js';

export class SimRig {
  private readonly platform: PlatformDefinition;
  private readonly machine: Machine;
  private readonly world: World;
  /** Memory right after set-up; null when the arena spilled (then every run is built afresh). */
  private readonly image: Uint8Array | null;
  private mutex: MutexProgram | null = null;

  /** Runs of `spec` without a trace; only the seed and the scheduler change from run to run. */
  constructor(readonly spec: Spec) {
    this.platform = platformFor(spec);
    this.machine = new Machine(spec.cpus, spec.limits.maxSteps, new RandomScheduler(spec.seed), spec.seed);
    this.world = buildWorld(this.machine, spec, this.platform);
    this.image = this.world.arena.spilled ? null : this.world.arena.snapshot();
  }

  /**
   * One run with `seed` under `scheduler`. The execution it returns (machine, world, tools) is
   * the rig's own and is overwritten by the next call: read what you need before that.
   */
  execute(seed: number, scheduler: Scheduler): Execution {
    // The execution names a spec object of its own (results keep it as result.spec, so it must
    // not change later), while the run's set-up reads the rig's: only the seed differs, and the
    // machine has it already. Every run then passes one object through the hot code.
    const spec = seed === this.spec.seed ? this.spec : { ...this.spec, seed };
    if (this.image === null) return execute(spec, { scheduler });
    this.world.arena.restore(this.image);
    const m = this.machine;
    m.reset(scheduler, seed);
    // Created after the reset, as execute() creates it after set-up; kept if it can forget a run.
    let mutex = this.mutex;
    if (mutex?.reset) mutex.reset();
    else this.mutex = mutex = this.platform.create(m, this.spec);
    const exec = runOn(this.spec, this.platform, m, this.world, mutex);
    exec.spec = spec;
    return exec;
  }
}
