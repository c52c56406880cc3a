// Interned trace names (fields and functions) of the Solaris platforms, looked up once per run.
import type { Machine } from '../machine/machine.js';

export class SolarisNames {
  readonly f_type: number; readonly f_lockw: number; readonly f_lockword: number; readonly f_waiters: number;
  readonly f_owner: number; readonly f_ownerpid: number; readonly f_spinners: number;
  readonly f_ul_schedctl: number; readonly f_sc_state: number;
  readonly mutex_lock: number; readonly set_lock_byte: number; readonly mutex_trylock_adaptive: number;
  readonly mutex_lock_queue: number; readonly mutex_trylock_process: number; readonly mutex_lock_kernel: number;
  readonly lwp_mutex_timedlock: number; readonly mutex_unlock: number; readonly mutex_unlock_queue: number;
  readonly mutex_wakeup: number; readonly mutex_unlock_process: number; readonly lwp_mutex_wakeup: number;

  constructor(m: Machine) {
    const k = (s: string) => m.name(s);
    this.f_type = k('mutex_type'); this.f_lockw = k('mutex_lockw'); this.f_lockword = k('mutex_lockword');
    this.f_waiters = k('mutex_waiters'); this.f_owner = k('mutex_owner'); this.f_ownerpid = k('mutex_ownerpid');
    this.f_spinners = k('mutex_spinners'); this.f_ul_schedctl = k('ul_schedctl'); this.f_sc_state = k('sc_state');
    this.mutex_lock = k('mutex_lock'); this.set_lock_byte = k('set_lock_byte'); this.mutex_trylock_adaptive = k('mutex_trylock_adaptive');
    this.mutex_lock_queue = k('mutex_lock_queue'); this.mutex_trylock_process = k('mutex_trylock_process');
    this.mutex_lock_kernel = k('mutex_lock_kernel'); this.lwp_mutex_timedlock = k('lwp_mutex_timedlock');
    this.mutex_unlock = k('mutex_unlock'); this.mutex_unlock_queue = k('mutex_unlock_queue'); this.mutex_wakeup = k('mutex_wakeup');
    this.mutex_unlock_process = k('mutex_unlock_process'); this.lwp_mutex_wakeup = k('lwp_mutex_wakeup');
  }
}
