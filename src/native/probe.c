/*
 * mutexlab native probe: real processes sharing a real System V segment that holds a real
 * pthread mutex, run in a sandbox, with the evidence printed as lines.
 *
 * INPUT: arguments `name=value` (all optional; defaults in brackets)
 *   key=0x1234 | IPC_PRIVATE   System V key every process passes to shmget [0x1234]
 *   type=private | shared      pshared attribute of the mutex [private]
 *   robust=0 | 1               PTHREAD_MUTEX_ROBUST [0]
 *   processes=N  threads=N     1..16 processes, 1..8 threads each [2, 1]
 *   iterations=N               lock / read / write+1 / unlock cycles per thread [1000]
 *   cpus=N                     pin the whole run to the first N allowed CPUs [all]
 *   timeout_ms=N               hard wall-clock budget; the group is killed beyond [15000]
 *   hang_ms=N                  no progress for this long = hang: wait channels read, group killed [500]
 *   fault=P:N:H                SIGKILL process P after its Nth acquisition; H=1 while it holds
 *                              the mutex, H=0 just after it unlocked (repeatable)
 *   watch=all | none | P       hardware watchpoint on __owner for every process / none / process P [all]
 *   ring=N                     events kept per thread, the last N [256]
 *   trace=1 | 0                0 writes no events (benchmarks) [1]
 *   isolate=auto | ipc | none  auto: own IPC + PID + mount namespace when the host permits; ipc: only
 *                              the IPC namespace (cheaper: no /proc mount to tear down);
 *                              none (or refused): host namespaces, key made unique [auto]
 *   sched=rr | other           rr: experiment processes and the supervisor SCHED_RR priority 1,
 *                              so unrelated load on the host does not preempt a holder in the
 *                              middle of the experiment. The supervisor is NOT above the children:
 *                              at priority 2 its 10 ms polls preempted holders mid-critical-section,
 *                              and a single-threaded glibc 2.36 process that then saw the lock held
 *                              slept for good (about 1 run in 5 hung instead of asserting);
 *                              falls back to other (SCHED_OTHER) where refused [rr]
 *   interleave=auto | N        every thread calls sched_yield() after every Nth unlock (0: never).
 *                              auto: 8 when SCHED_RR is in force and there are more threads than
 *                              pinned CPUs, else 0. Without it, SCHED_RR (100 ms slices, and an
 *                              equal-priority task never preempts another) runs an oversubscribed
 *                              experiment in batches: the first `cpus` processes finish before the
 *                              others ever run, so nobody contends with them and a fault meets no
 *                              one. Yielding outside the critical section keeps every process in
 *                              the race for the whole run without ever preempting a holder [auto]
 *   repeat=N                   run the whole experiment N times in this one invocation, 1..1000: the
 *                              sandbox is set up once, the processes are forked again and the
 *                              segment and mutex made fresh for every repetition [1]
 *   settle_ms=N                early hang: no progress for N ms and every remaining thread asleep
 *                              (no thread runnable), seen twice in a row (the second look 2 ms on). Nothing left
 *                              could wake such a group (a mutex waiter is woken only by another
 *                              experiment thread or by a dying owner's robust list, and both are
 *                              runnable while they do it), so it need not wait for hang_ms [10]
 *
 * OUTPUT (stdout): one record per line, `record name=value ...`; values never contain spaces
 * except `text=`, which is always last and runs to the end of the line. Records, in order:
 *   probe     version glibc supervisor_pid
 *   sandbox   ipc=namespace|host pidns=namespace|host mountns=namespace|host sched=rr|other key requested cpus
 *             rlimit_as rlimit_cpu rlimit_nproc [ns_errno]
 *   config    type robust processes threads iterations timeout_ms hang_ms watch ring trace ipc_private
 *             repeat settle_ms yield_every
 *   then, once per repetition (repeat=1: once, without the `repetition` line):
 *   repetition index                                               (repeat > 1: starts repetition k)
 *   per process i:
 *     process   index pid shmid attach creator ready acquisitions recoveries running (ns when it first ran after the release; 0: never)
 *     setup     index pid op=shmget|shmat|mutex_init t [shmid|addr]
 *     thread    index n tid completed events lock_error          (one per thread)
 *     map       index start end perms name                        (its /proc/PID/maps at start)
 *     watch     index pid address available=1 fired | available=0 errno reason (errno 0 with
 *               reason=armed_but_never_fired: the host accepted a breakpoint that never fires)
 *     exit      index pid t kind=exited code | kind=signaled signal; killed=none|fault|hang|timeout
 *     recovery  index pid tid t lock_word consistent_rc           (EOWNERDEAD seen and repaired)
 *     stderr    index text=...                                    (one per line the process wrote)
 *     fault     index taken=0|1 survivors                        (a fault names it: survivors = other
 *                                                                 processes that still had work then)
 *   blocked   index pid tid state wchan                           (hang/timeout: every live thread)
 *   segment   shmid size offset initialized_by state              (when the run started)
 *   mutex     lock count owner nusers kind spins elision list_prev list_next
 *   counter   final completed planned valid
 *   exclusion max_holders violations
 *   event     t cpu pid tid op value                                  (ring contents, sorted by t)
 *   rings     kept dropped size
 *   end       status=done|hang|timeout elapsed_ns started [settled=1: the early hang rule decided]
 * `t` is nanoseconds of CLOCK_MONOTONIC since the supervisor started; pids and tids are as the
 * experiment's processes see them (their own PID namespace when pidns=namespace), which is also
 * what glibc stores in __owner. On a usage error the probe prints `error text=...` and exits 2.
 */
#include "supervisor.h"
#include "libc.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static _Noreturn void usage_error(const char *what, const char *arg) {
  printf("error text=%s:%s\n", what, arg);
  exit(2);
}

static long number(const char *arg, const char *value, long min, long max) {
  char *end;
  errno = 0;
  long n = strtol(value, &end, 0);
  if (errno || *end || n < min || n > max) usage_error("out of range or not a number", arg);
  return n;
}

static void parse(int argc, char **argv, struct probe_config *cfg) {
  *cfg = (struct probe_config){ .key = 0x1234, .processes = 2, .threads = 1, .iterations = 1000, .cpus = 0,
                                .timeout_ms = 15000, .hang_ms = 500, .watch = -1, .ring_size = 256, .trace = 1, .isolate = 1, .realtime = 1,
                                .repeat = 1, .settle_ms = 10, .yield_every = -1 };
  for (int i = 1; i < argc; i++) {
    char *arg = argv[i], *eq = strchr(arg, '=');
    if (!eq) usage_error("expected name=value", arg);
    *eq = 0;
    const char *v = eq + 1;
    if (!strcmp(arg, "key")) {
      if (!strcmp(v, "IPC_PRIVATE")) cfg->ipc_private = 1;
      else cfg->key = (key_t)(unsigned)number(arg, v, 1, 0xffffffffL);
    } else if (!strcmp(arg, "type")) {
      if (strcmp(v, "private") && strcmp(v, "shared")) usage_error("type must be private or shared", v);
      cfg->shared = !strcmp(v, "shared");
    } else if (!strcmp(arg, "robust")) cfg->robust = (int)number(arg, v, 0, 1);
    else if (!strcmp(arg, "processes")) cfg->processes = (int)number(arg, v, 1, MAX_PROCESSES);
    else if (!strcmp(arg, "threads")) cfg->threads = (int)number(arg, v, 1, MAX_THREADS);
    else if (!strcmp(arg, "iterations")) cfg->iterations = number(arg, v, 0, 100000000L);
    else if (!strcmp(arg, "cpus")) cfg->cpus = (int)number(arg, v, 1, CPU_SETSIZE);
    else if (!strcmp(arg, "timeout_ms")) cfg->timeout_ms = number(arg, v, 1, 3600000L);
    else if (!strcmp(arg, "hang_ms")) cfg->hang_ms = number(arg, v, 1, 3600000L);
    else if (!strcmp(arg, "ring")) cfg->ring_size = (int)number(arg, v, 1, 65536);
    else if (!strcmp(arg, "trace")) cfg->trace = (int)number(arg, v, 0, 1);
    else if (!strcmp(arg, "repeat")) cfg->repeat = (int)number(arg, v, 1, 1000);
    else if (!strcmp(arg, "settle_ms")) cfg->settle_ms = number(arg, v, 1, 3600000L);
    else if (!strcmp(arg, "interleave")) cfg->yield_every = !strcmp(v, "auto") ? -1 : (int)number(arg, v, 0, 1000000);
    else if (!strcmp(arg, "sched")) {
      if (strcmp(v, "rr") && strcmp(v, "other")) usage_error("sched must be rr or other", v);
      cfg->realtime = !strcmp(v, "rr");
    } else if (!strcmp(arg, "isolate")) {
      if (strcmp(v, "auto") && strcmp(v, "none") && strcmp(v, "ipc")) usage_error("isolate must be auto, ipc or none", v);
      cfg->isolate = !strcmp(v, "auto") ? 1 : !strcmp(v, "ipc") ? 2 : 0;
    } else if (!strcmp(arg, "watch")) {
      cfg->watch = !strcmp(v, "all") ? -1 : !strcmp(v, "none") ? -2 : (int)number(arg, v, 0, MAX_PROCESSES - 1);
    } else if (!strcmp(arg, "fault")) {
      struct fault f;
      char tail;
      if (cfg->nfaults == MAX_FAULTS || sscanf(v, "%d:%ld:%d%c", &f.process, &f.after, &f.while_holding, &tail) != 3) usage_error("fault must be P:N:H", v);
      cfg->faults[cfg->nfaults++] = f;
    } else usage_error("unknown argument", arg);
  }
  for (int i = 0; i < cfg->nfaults; i++)
    if (cfg->faults[i].process >= cfg->processes) usage_error("fault names a process beyond processes", "fault");
  if (cfg->watch >= cfg->processes) usage_error("watch names a process beyond processes", "watch");
  cfg->requested_key = cfg->key;
}

/*
 * Every process of a run dies with the one that started it. The worker that spawns the probe can
 * be SIGKILLed (OOM, an operator, a crash); its job then runs again on another worker, and a probe
 * left behind would keep running real processes at SCHED_RR until its own timeout. So each level
 * asks the kernel for SIGKILL when its parent dies: the launcher (parent: the worker's thread that
 * spawned it), the supervisor (parent: the launcher) and every experiment process (parent: the
 * supervisor). In a PID namespace the supervisor is its init, and the kernel kills the whole
 * namespace with it. The signal comes when the parent THREAD exits; the worker spawns from an
 * engine thread that lives as long as the run. A parent that died before prctl is caught by
 * comparing getppid() afterwards (the orphan is then reparented), or for the supervisor in its
 * own PID namespace, by a pipe (enter_sandbox).
 */
int die_with_parent(pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
  return getppid() == parent ? 0 : -1;
}

struct sandbox { int ipc_ns, pid_ns, mount_ns, ns_errno, taken; char cpus[256]; struct rlimit as, cpu, nproc; };

/* Pin to the first N CPUs we are allowed on; children inherit the mask. */
static void pin(const struct probe_config *cfg, struct sandbox *sb) {
  cpu_set_t allowed, chosen;
  CPU_ZERO(&chosen);
  sched_getaffinity(0, sizeof allowed, &allowed);
  int taken = 0;
  size_t len = 0;
  sb->cpus[0] = 0;
  for (int c = 0; c < CPU_SETSIZE && (cfg->cpus == 0 || taken < cfg->cpus); c++) {
    if (!CPU_ISSET(c, &allowed)) continue;
    CPU_SET(c, &chosen);
    taken++;
    sb->taken = taken;
    if (len < sizeof sb->cpus - 8) len += (size_t)snprintf(sb->cpus + len, sizeof sb->cpus - len, "%s%d", len ? "," : "", c);
  }
  sched_setaffinity(0, sizeof chosen, &chosen);
}

static void limit_resources(const struct probe_config *cfg, struct sandbox *sb) {
  rlim_t cpu_s = (rlim_t)(cfg->timeout_ms / 1000 + 2);
  sb->as = (struct rlimit){ 1ul << 30, 1ul << 30 };   /* thread stacks and the rings fit easily */
  sb->cpu = (struct rlimit){ cpu_s, cpu_s };           /* a second line of defence behind timeout_ms */
  sb->nproc = (struct rlimit){ 4096, 4096 };           /* root is exempt; it bounds unprivileged runs */
  struct rlimit no_core = { 0, 0 };                    /* an abort must not litter core files */
  setrlimit(RLIMIT_AS, &sb->as);
  setrlimit(RLIMIT_CPU, &sb->cpu);
  setrlimit(RLIMIT_NPROC, &sb->nproc);
  setrlimit(RLIMIT_CORE, &no_core);
}

/*
 * Own IPC namespace: the user's key cannot meet another segment and every segment dies with the
 * namespace. Own PID namespace: the supervisor is its init, so if it is killed the kernel kills
 * every experiment process. Own mount namespace: to mount a /proc that shows those pids.
 * Returns 1 in the process that should supervise; the launcher waits and exits with its status.
 */
static int enter_sandbox(struct probe_config *cfg, struct sandbox *sb) {
  if (cfg->isolate) {
    if (cfg->isolate == 1 && unshare(CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS) == 0) sb->ipc_ns = sb->pid_ns = sb->mount_ns = 1;
    else {
      sb->ns_errno = errno;
      if (unshare(CLONE_NEWIPC) == 0) sb->ipc_ns = 1;
    }
  }
  if (!sb->ipc_ns && !cfg->ipc_private) cfg->key = (key_t)(0x4d000000u | ((unsigned)getpid() & 0xffffffu)); /* 'M' + launcher pid */
  if (!sb->pid_ns) return 1;
  fflush(stdout);
  /* The supervisor's parent lives outside its PID namespace, where getppid() reads 0: it learns
   * that the launcher died before prctl from a pipe whose only write end the launcher holds. */
  int alive[2];
  if (pipe(alive) != 0) { printf("error text=pipe:%s\n", strerror(errno)); exit(1); }
  pid_t supervisor = fork();
  if (supervisor < 0) { printf("error text=fork:%s\n", strerror(errno)); exit(1); }
  if (supervisor == 0) {
    close(alive[1]);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || poll(&(struct pollfd){ .fd = alive[0], .events = POLLIN }, 1, 0) != 0) _exit(1);
    close(alive[0]);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 || mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
      sb->mount_ns = 0; /* the host /proc shows other pids: wait channels would be read wrongly */
      sb->ns_errno = errno;
    }
    return 1;
  }
  close(alive[0]); /* alive[1] stays open until the launcher exits */
  int status;
  while (waitpid(supervisor, &status, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(status)) {
    printf("end status=supervisor_died signal=SIG%s\n", signal_abbrev(WTERMSIG(status)) ? signal_abbrev(WTERMSIG(status)) : "UNKNOWN");
    exit(1);
  }
  exit(WEXITSTATUS(status));
}

int main(int argc, char **argv) {
  struct probe_config cfg;
  /* the launcher's parent is whoever exec'd us: nothing to compare with but the value at entry */
  if (die_with_parent(getppid()) != 0) return 1;
  parse(argc, argv, &cfg);
  struct sandbox sb = {0};
  pin(&cfg, &sb);
  enter_sandbox(&cfg, &sb);
  limit_resources(&cfg, &sb);
  /* same priority as the children: see sched= above */
  if (cfg.realtime && set_round_robin() != 0) cfg.realtime = 0;
  cfg.cpus_taken = sb.taken;
  if (cfg.yield_every < 0) cfg.yield_every = cfg.realtime && cfg.processes * cfg.threads > sb.taken ? 8 : 0;

  size_t rings_bytes = (size_t)MAX_PROCESSES * MAX_THREADS * (size_t)cfg.ring_size * sizeof(struct ring_event);
  size_t bytes = sizeof(struct evidence_region) + rings_bytes;
  struct evidence_region *ev = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (ev == MAP_FAILED) { printf("error text=mmap:%s\n", strerror(errno)); return 1; }
  struct ring_event *rings = (struct ring_event *)(ev + 1);

  printf("probe version=%d %s supervisor_pid=%d\n", PROBE_FORMAT_VERSION, libc_identity(), getpid());
  char key[16], requested[16];
  if (cfg.ipc_private) snprintf(key, sizeof key, "IPC_PRIVATE"), snprintf(requested, sizeof requested, "IPC_PRIVATE");
  else snprintf(key, sizeof key, "0x%x", (unsigned)cfg.key), snprintf(requested, sizeof requested, "0x%x", (unsigned)cfg.requested_key);
  printf("sandbox ipc=%s pidns=%s mountns=%s sched=%s key=%s requested=%s cpus=%s rlimit_as=%lu rlimit_cpu=%lu rlimit_nproc=%lu ns_errno=%s\n",
         sb.ipc_ns ? "namespace" : "host", sb.pid_ns ? "namespace" : "host", sb.mount_ns ? "namespace" : "host",
         cfg.realtime ? "rr" : "other", key, requested, sb.cpus,
         (unsigned long)sb.as.rlim_cur, (unsigned long)sb.cpu.rlim_cur, (unsigned long)sb.nproc.rlim_cur,
         sb.ns_errno ? (errno_name(sb.ns_errno) ? errno_name(sb.ns_errno) : "unknown") : "-");
  printf("config type=%s robust=%d processes=%d threads=%d iterations=%ld timeout_ms=%ld hang_ms=%ld watch=%d ring=%d trace=%d ipc_private=%d repeat=%d settle_ms=%ld yield_every=%d\n",
         cfg.shared ? "shared" : "private", cfg.robust, cfg.processes, cfg.threads, cfg.iterations, cfg.timeout_ms, cfg.hang_ms,
         cfg.watch, cfg.ring_size, cfg.trace, cfg.ipc_private, cfg.repeat, cfg.settle_ms, cfg.yield_every);

  /* Every repetition starts from nothing: zeroed evidence, a fresh run_result, a new segment (the
   * last one was removed with IPC_RMID) and so a new mutex; only the sandbox is kept. */
  static struct run_result rr;
  for (int k = 0; k < cfg.repeat; k++) {
    memset(ev, 0, bytes);
    memset(&rr, 0, sizeof rr);
    if (cfg.repeat > 1) printf("repetition index=%d\n", k);
    if (supervise(&cfg, ev, rings, &rr) != 0) {
      printf("error text=supervisor_setup_failed\n");
      return 1;
    }
    report(&cfg, ev, rings, &rr);
  }
  munmap(ev, bytes);
  return 0;
}
