/*
 * Shared declarations of the native probe (see probe.c for the input/output format).
 *
 * Two kinds of shared memory are involved:
 *  - the EXPERIMENT segment: the System V segment every child finds with shmget(key) and attaches
 *    itself. It holds the pthread_mutex_t under test (at offset 0, as the result reports), the
 *    counter the critical section increments and the initialisation handshake.
 *  - the EVIDENCE region: an anonymous MAP_SHARED mapping the supervisor makes before fork. It is
 *    not part of the experiment; it exists so that what each child saw survives the child's death
 *    (SIGABRT from the glibc assertion, SIGKILL from a fault or from hang detection).
 */
#ifndef MUTEXLAB_PROBE_H
#define MUTEXLAB_PROBE_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define PROBE_FORMAT_VERSION 1
#define MAX_PROCESSES 16
#define MAX_THREADS 8
#define MAX_FAULTS 16
#define SEGMENT_SIZE 4096

/* initialisation handshake states in the experiment segment */
enum { SEG_UNINITIALISED = 0, SEG_INITIALISING = 1, SEG_READY = 2 };

struct experiment_segment {
  pthread_mutex_t mutex; /* offset 0: the object under test */
  _Atomic int state;     /* SEG_*: the creator publishes SEG_READY after pthread_mutex_init */
  int initialized_by;    /* pid of the creator */
  volatile long counter; /* incremented with plain loads and stores inside the critical section */
};

/* ops of the per-thread event rings (names follow the trace contract) */
enum ring_op { OP_ACQUIRED = 1, OP_READ, OP_WRITE, OP_UNLOCK, OP_OWNER_DIED, OP_CONSISTENT, OP_LOCK_ERROR };

struct ring_event {
  uint64_t t_ns; /* ticks() when written; report.c converts to ns since the supervisor started */
  int32_t pid, tid;
  int32_t op, cpu;
  int64_t value; /* op-specific: holders inside for acquired, counter for read/write, errno for errors */
};

struct thread_evidence {
  _Atomic int tid;
  volatile long completed;     /* increments this thread finished (read + write done) */
  _Atomic unsigned long events; /* events ever written; ring index = events % ring_size */
  volatile int lock_error;      /* errno-style code of a failed pthread_mutex_lock, 0 if none */
};

struct recovery {
  int pid, tid;
  uint64_t t_ns;      /* ticks() */
  int lock_word;      /* __lock right after EOWNERDEAD came back */
  int consistent_rc;  /* return of pthread_mutex_consistent */
};

struct process_evidence {
  _Atomic int pid;
  int shmid;
  int creator;
  uintptr_t attach_address;
  uint64_t t_shmget, t_shmat, t_init; /* ticks() */
  _Atomic int ready;       /* attached and saw an initialised mutex */
  uint64_t t_running;      /* ticks() when it first ran after the release (child.c: start_together) */
  _Atomic long acquisitions;
  _Atomic int fault_claimed;  /* a thread of this process took the fault */
  _Atomic int fault_parked;   /* the victim is parked (holding the mutex if whileHolding) */
  _Atomic int recoveries;
  struct recovery recovery[4];
  _Atomic int finished;       /* its loops are done (set by the child) or it is gone (set at reap) */
  _Atomic int fault_taken;    /* the fault point was reached */
  int fault_survivors;        /* other processes that still had work on the mutex at the fault */
};

struct fault { int process; long after; int while_holding; };

struct evidence_region {
  _Atomic int go;          /* the supervisor releases all children at once */
  int released;            /* how many children were ready at the release */
  _Atomic int running;     /* how many of them have run since (child.c: start_together) */
  _Atomic int holders;     /* threads currently inside the critical section */
  _Atomic int max_holders;
  _Atomic long violations; /* entries that found another holder already inside */
  _Atomic unsigned long progress; /* bumped on every completed cycle: the hang detector watches it */
  struct process_evidence proc[MAX_PROCESSES];
  struct thread_evidence thread[MAX_PROCESSES][MAX_THREADS];
  /* rings follow: MAX_PROCESSES * MAX_THREADS * ring_size events */
};

struct probe_config {
  key_t key;          /* key actually used (unique fallback may differ from the requested one) */
  key_t requested_key;
  int ipc_private;
  int shared;         /* PTHREAD_PROCESS_SHARED */
  int robust;
  int processes, threads;
  long iterations;
  int cpus;
  long timeout_ms, hang_ms;
  int watch;          /* -1 all, -2 none, else process index */
  int ring_size;
  int trace;          /* 0: do not write rings (benchmarks) */
  int isolate;        /* 1: try namespaces, 0: host namespaces with a unique key */
  int realtime;       /* children SCHED_RR 1, supervisor SCHED_RR 2 (set when the host allows it) */
  int nfaults;
  struct fault faults[MAX_FAULTS];
  int repeat;         /* repetitions of the whole experiment in this invocation (fresh segment each) */
  long settle_ms;     /* quiet this long with every thread asleep, twice in a row = hang (early) */
  int yield_every;    /* sched_yield after every Nth unlock (0: never); see interleave= in probe.c */
  int cpus_taken;     /* CPUs actually pinned to */
};

/* child.c */
void child_main(const struct probe_config *cfg, struct evidence_region *ev, struct ring_event *rings, int index, int stderr_fd, int preset_shmid, pid_t supervisor_pid, int ready_fd);

static inline struct ring_event *ring_of(struct ring_event *rings, int ring_size, int p, int t) {
  return rings + ((size_t)p * MAX_THREADS + (size_t)t) * (size_t)ring_size;
}

/* CLOCK_MONOTONIC in ns: the supervisor's clock and the children's, so it lives with both. */
static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Die (SIGKILL) when the process that forked us dies; returns -1 if it already has (see probe.c). */
int die_with_parent(pid_t parent);

/* A cheap timestamp for the critical section: the TSC on x86 (a few ns, no syscall, no vDSO
 * call), converted to CLOCK_MONOTONIC ns by the supervisor from two reference pairs. */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t ticks(void) { return __rdtsc(); }
#else
static inline uint64_t ticks(void) { return now_ns(); }
#endif

struct clock_pair { uint64_t ticks, ns; };

#endif
