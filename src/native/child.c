/*
 * One experiment process: find the segment with shmget(key) and attach it itself, initialise the
 * mutex if it created the segment (the others wait for the creator's SEG_READY), then run
 * `threads` threads of lock / read counter / write counter+1 / unlock.
 *
 * With one thread the loop runs on the main thread and no pthread is ever created: glibc keeps
 * __libc_single_threaded set, which is exactly the condition of its single-threaded fast path
 * (plain stores to __lock for a private mutex) that the experiment is about.
 */
#include "probe.h"
#include "libc.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct worker {
  const struct probe_config *cfg;
  struct evidence_region *ev;
  struct ring_event *rings;
  struct experiment_segment *seg;
  int process, thread;
  int cpu; /* where the thread last ran, refreshed once per cycle outside the critical section */
};

static void record(struct worker *w, int tid, uint64_t t, int op, int64_t value) {
  if (!w->cfg->trace) return;
  struct thread_evidence *te = &w->ev->thread[w->process][w->thread];
  unsigned long n = atomic_load_explicit(&te->events, memory_order_relaxed);
  struct ring_event *e = ring_of(w->rings, w->cfg->ring_size, w->process, w->thread) + (n % (unsigned long)w->cfg->ring_size);
  e->t_ns = t;
  e->pid = atomic_load_explicit(&w->ev->proc[w->process].pid, memory_order_relaxed);
  e->tid = tid;
  e->op = op;
  e->cpu = w->cpu;
  e->value = value;
  atomic_store_explicit(&te->events, n + 1, memory_order_release);
}

static void record_cycle(struct worker *w, int tid, uint64_t tick_acquired, uint64_t tick_unlocked, int inside, long value, int unlocked) {
  if (!w->cfg->trace) return;
  record(w, tid, tick_acquired, OP_ACQUIRED, inside);
  record(w, tid, tick_acquired, OP_READ, value);
  record(w, tid, tick_acquired, OP_WRITE, value + 1);
  if (unlocked) record(w, tid, tick_unlocked, OP_UNLOCK, 0);
}

/* Other processes that still have work to do on the mutex: not finished (done or dead) and short
 * of their planned cycles. Those that have not begun count: they will lock it. */
static int survivors_with_work(const struct probe_config *cfg, struct evidence_region *ev, int self) {
  int n = 0;
  for (int q = 0; q < cfg->processes; q++) {
    if (q == self || atomic_load(&ev->proc[q].finished)) continue;
    long done = 0;
    for (int t = 0; t < cfg->threads; t++) done += ev->thread[q][t].completed;
    n += done < cfg->iterations * cfg->threads;
  }
  return n;
}

static const struct fault *fault_for(const struct probe_config *cfg, int process) {
  for (int i = 0; i < cfg->nfaults; i++)
    if (cfg->faults[i].process == process) return &cfg->faults[i];
  return NULL;
}

/* The victim of a fault stops here until the supervisor's SIGKILL arrives. */
static void park_forever(struct process_evidence *pe) {
  atomic_store(&pe->fault_parked, 1);
  for (;;) pause();
}

/*
 * The release wakes every process at once, but a woken process first runs when the kernel gets
 * round to it: on this VM we measured a woken task waiting longer than a whole 1000-cycle run
 * (about 165 us uncontended), so in 1-2 runs of 100 the processes ran one after another and never
 * met at the mutex at all (a kill then met nobody). So each process, once it runs, waits here
 * until every released process has run too. It spins with sched_yield rather than sleeping:
 * a second futex wake would bring back the very latency it removes, and yielding lets a process
 * queued on the same CPU take its turn. The spin is bounded (START_WAIT_NS) so a process that
 * never comes cannot keep SCHED_RR spinners from the kernel's own threads for long; the result
 * reports how far apart the starts were either way. The same idea as litmus7's user-mode
 * barrier between iterations.
 */
#define START_WAIT_NS 50000000ull
static void start_together(struct evidence_region *ev, struct process_evidence *pe) {
  pe->t_running = ticks();
  atomic_fetch_add(&ev->running, 1);
  uint64_t give_up = now_ns() + START_WAIT_NS;
  while (atomic_load(&ev->running) < ev->released && now_ns() < give_up) sched_yield();
}

static void *run_cycles(void *arg) {
  struct worker *w = arg;
  const struct probe_config *cfg = w->cfg;
  struct evidence_region *ev = w->ev;
  struct process_evidence *pe = &ev->proc[w->process];
  struct thread_evidence *te = &ev->thread[w->process][w->thread];
  const struct fault *fault = fault_for(cfg, w->process);
  int tid = gettid();
  atomic_store(&te->tid, tid);

  for (long i = 0; i < cfg->iterations; i++) {
    if (cfg->trace && (i & 63) == 0) w->cpu = sched_getcpu();
    uint64_t tick_lock = cfg->trace ? ticks() : 0;
    int rc = pthread_mutex_lock(&w->seg->mutex);
    if (rc == EOWNERDEAD) {
      /* The previous owner died holding it: the kernel's robust-list walk marked it. */
      uint64_t t = ticks();
      int lock_word = mutex_lock_word(&w->seg->mutex);
      int crc = pthread_mutex_consistent(&w->seg->mutex);
      int k = atomic_fetch_add(&pe->recoveries, 1);
      if (k < 4) pe->recovery[k] = (struct recovery){ .pid = pe->pid, .tid = tid, .t_ns = t, .lock_word = lock_word, .consistent_rc = crc };
      record(w, tid, t, OP_OWNER_DIED, lock_word);
      record(w, tid, t, OP_CONSISTENT, crc);
    } else if (rc != 0) {
      te->lock_error = rc;
      record(w, tid, ticks(), OP_LOCK_ERROR, rc);
      break;
    }
    /* Inside the critical section only what the evidence needs and cheaply: a longer section
     * would change the very race under study (fewer overlapping lock attempts). Timestamps are
     * not even read here: acquired/read/write carry the time the lock call began, and all
     * events are written to the ring after the unlock. */
    uint64_t tick_acquired = tick_lock;
    int inside = atomic_fetch_add(&ev->holders, 1) + 1;
    if (inside > 1) atomic_fetch_add(&ev->violations, 1);
    int max = atomic_load_explicit(&ev->max_holders, memory_order_relaxed);
    while (inside > max && !atomic_compare_exchange_weak(&ev->max_holders, &max, inside)) {}
    long value = w->seg->counter; /* the critical section: read ... */
    w->seg->counter = value + 1;  /* ... and write back, deliberately not atomic */
    te->completed++;
    long acquired = atomic_fetch_add(&pe->acquisitions, 1) + 1;
    int fault_now = fault && acquired >= fault->after && atomic_exchange(&pe->fault_claimed, 1) == 0;
    if (fault_now) {
      pe->fault_survivors = survivors_with_work(cfg, ev, w->process);
      atomic_store(&pe->fault_taken, 1);
    }
    atomic_fetch_sub(&ev->holders, 1); /* a parked victim counts as outside: nobody may enter while it lives */
    if (fault_now && fault->while_holding) {
      record_cycle(w, tid, tick_acquired, tick_acquired, inside, value, 0);
      park_forever(pe);
    }
    pthread_mutex_unlock(&w->seg->mutex);
    record_cycle(w, tid, tick_acquired, cfg->trace ? ticks() : 0, inside, value, 1);
    atomic_fetch_add_explicit(&ev->progress, 1, memory_order_relaxed);
    if (fault_now) park_forever(pe);
    /* interleave= in probe.c: outside the critical section, so a holder is never the one to yield */
    if (cfg->yield_every > 0 && (i + 1) % cfg->yield_every == 0) sched_yield();
  }
  return NULL;
}

static int init_mutex(const struct probe_config *cfg, struct experiment_segment *seg) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, cfg->shared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE);
  if (cfg->robust) pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  int rc = pthread_mutex_init(&seg->mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  return rc;
}

void child_main(const struct probe_config *cfg, struct evidence_region *ev, struct ring_event *rings, int index, int stderr_fd, int preset_shmid, pid_t supervisor_pid, int ready_fd) {
  struct process_evidence *pe = &ev->proc[index];
  if (die_with_parent(supervisor_pid) != 0) _exit(74); /* probe.c: die_with_parent */
  dup2(stderr_fd, STDERR_FILENO);
  if (stderr_fd != STDERR_FILENO) close(stderr_fd);
  atomic_store(&pe->pid, getpid());
  if (cfg->realtime) set_round_robin(); /* as the supervisor */

  pe->t_shmget = ticks();
  int shmid = preset_shmid, creator = 0;
  if (shmid < 0) {
    shmid = shmget(cfg->key, SEGMENT_SIZE, IPC_CREAT | IPC_EXCL | 0600);
    if (shmid >= 0) creator = 1;
    else if (errno == EEXIST) shmid = shmget(cfg->key, SEGMENT_SIZE, 0600);
  } else {
    creator = index == 0; /* IPC_PRIVATE: the supervisor made it; process 0 initialises */
  }
  if (shmid < 0) { fprintf(stderr, "probe child %d: shmget: %s\n", index, strerror(errno)); _exit(70); }
  pe->shmid = shmid;
  pe->creator = creator;
  pe->t_shmat = ticks();
  struct experiment_segment *seg = shmat(shmid, NULL, 0);
  if (seg == (void *)-1) { fprintf(stderr, "probe child %d: shmat: %s\n", index, strerror(errno)); _exit(71); }
  pe->attach_address = (uintptr_t)seg;

  if (creator) {
    atomic_store(&seg->state, SEG_INITIALISING);
    int rc = init_mutex(cfg, seg);
    if (rc != 0) { fprintf(stderr, "probe child %d: pthread_mutex_init: %s\n", index, strerror(rc)); _exit(72); }
    seg->initialized_by = getpid();
    pe->t_init = ticks();
    atomic_store_explicit(&seg->state, SEG_READY, memory_order_release);
  } else {
    /* Lost the creation race: the segment exists, the mutex may not be initialised yet.
     * Sleep rather than spin: a SCHED_RR spinner would starve the kernel's own threads. */
    while (atomic_load_explicit(&seg->state, memory_order_acquire) != SEG_READY) nanosleep(&(struct timespec){ 0, 20000 }, NULL);
  }
  atomic_store(&pe->ready, 1);
  if (ready_fd >= 0 && write(ready_fd, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0) { /* the supervisor polls anyway */ }
  while (!atomic_load_explicit(&ev->go, memory_order_acquire)) syscall(SYS_futex, &ev->go, FUTEX_WAIT, 0, NULL, NULL, 0);
  start_together(ev, pe);

  struct worker workers[MAX_THREADS];
  for (int t = 0; t < cfg->threads; t++)
    workers[t] = (struct worker){ .cfg = cfg, .ev = ev, .rings = rings, .seg = seg, .process = index, .thread = t };
  if (cfg->threads == 1) {
    run_cycles(&workers[0]);
  } else {
    pthread_t th[MAX_THREADS];
    for (int t = 0; t < cfg->threads; t++) {
      int rc = pthread_create(&th[t], NULL, run_cycles, &workers[t]);
      if (rc != 0) { fprintf(stderr, "probe child %d: pthread_create: %s\n", index, strerror(rc)); _exit(73); }
    }
    for (int t = 0; t < cfg->threads; t++) pthread_join(th[t], NULL);
  }
  atomic_store(&pe->finished, 1);
  shmdt(seg);
  _exit(0);
}
