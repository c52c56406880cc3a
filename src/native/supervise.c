/*
 * The supervisor: forks the experiment processes, releases them together, watches them (stderr,
 * exit status, progress, faults, the wall-clock budget), and collects what cannot be read
 * afterwards: each process's memory map while it is alive, each blocked thread's wait channel
 * before a hung group is killed, the watchpoint counters and the mutex words at the end.
 */
#include "supervisor.h"
#include "libc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_MS 10

static int open_owner_watchpoint(pid_t pid, uintptr_t address, int *err) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.type = PERF_TYPE_BREAKPOINT;
  attr.size = sizeof attr;
  attr.bp_type = HW_BREAKPOINT_W;
  attr.bp_addr = address;
  attr.bp_len = HW_BREAKPOINT_LEN_4;
  attr.inherit = 1; /* the process's threads are created after this: count their stores too */
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  int fd = (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
  *err = fd < 0 ? errno : 0;
  return fd;
}

/*
 * Some hypervisors accept a breakpoint event but never deliver the debug exception (no debug
 * register virtualisation): the counter stays 0 and would look like "no stores". Prove the
 * watchpoint fires on a store of our own before trusting it for the experiment.
 */
static volatile int calibration_word;
static int watchpoints_fire(int *err) {
  int fd = open_owner_watchpoint(0, (uintptr_t)&calibration_word, err);
  if (fd < 0) return 0;
  for (int i = 0; i < 3; i++) calibration_word = i;
  long long count = 0;
  if (read(fd, &count, sizeof count) != (ssize_t)sizeof count) count = 0;
  close(fd);
  return count == 3;
}

static void read_maps(pid_t pid, struct child_result *c) {
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (c->nmaps < MAX_MAPPINGS && fgets(line, sizeof line, f)) {
    struct mapping *m = &c->maps[c->nmaps];
    unsigned long start, end;
    char perms[8] = "", name[256] = "";
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255[^\n]", &start, &end, perms, name) < 3) continue;
    m->start = start; m->end = end;
    snprintf(m->perms, sizeof m->perms, "%s", perms);
    snprintf(m->name, sizeof m->name, "%s", name);
    c->nmaps++;
  }
  fclose(f);
}

static void drain_stderr(struct child_result *c) {
  char buf[1024];
  for (;;) {
    if (c->stderr_eof) return;
    ssize_t n = read(c->stderr_fd, buf, sizeof buf);
    if (n == 0) c->stderr_eof = 1;
    if (n <= 0) return;
    size_t room = STDERR_KEEP - 1 - c->stderr_len;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(c->stderr_text + c->stderr_len, buf, take);
    c->stderr_len += take;
  }
}

static void read_wait_channels(const struct probe_config *cfg, struct run_result *rr) {
  for (int i = 0; i < cfg->processes; i++) {
    struct child_result *c = &rr->child[i];
    if (c->reaped) continue;
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", c->pid);
    DIR *d = opendir(dir);
    if (!d) continue;
    struct dirent *de;
    while ((de = readdir(d)) && rr->nblocked < MAX_BLOCKED) {
      if (de->d_name[0] == '.') continue;
      struct blocked_thread *b = &rr->blocked[rr->nblocked];
      b->process = i; b->pid = c->pid; b->tid = atoi(de->d_name); b->state = '?';
      char path[128], buf[512];
      snprintf(path, sizeof path, "/proc/%d/task/%d/wchan", c->pid, b->tid);
      FILE *f = fopen(path, "r");
      if (f) { if (!fgets(b->wchan, sizeof b->wchan, f)) b->wchan[0] = 0; fclose(f); }
      if (b->wchan[0] == 0 || strcmp(b->wchan, "0") == 0) snprintf(b->wchan, sizeof b->wchan, "-");
      snprintf(path, sizeof path, "/proc/%d/task/%d/stat", c->pid, b->tid);
      f = fopen(path, "r");
      if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = 0;
        char *close_paren = strrchr(buf, ')');
        if (close_paren && close_paren[1] == ' ') b->state = close_paren[2];
        fclose(f);
      }
      rr->nblocked++;
    }
    closedir(d);
  }
}

static int index_of(const struct run_result *rr, int n, pid_t pid) {
  for (int i = 0; i < n; i++) if (rr->child[i].pid == pid) return i;
  return -1;
}

static int reap(const struct probe_config *cfg, struct evidence_region *ev, struct run_result *rr, int options) {
  int alive = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, options);
    if (pid <= 0) break;
    int i = index_of(rr, cfg->processes, pid);
    if (i < 0) continue; /* as pid 1 of a namespace we may inherit strays: reap and ignore */
    rr->child[i].reaped = 1;
    atomic_store(&ev->proc[i].finished, 1); /* a dead process has no more work on the mutex */
    rr->child[i].status = status;
    rr->child[i].t_exit = now_ns();
  }
  for (int i = 0; i < cfg->processes; i++) alive += !rr->child[i].reaped;
  return alive;
}

/* All children attached (or died trying): arm the watchpoints, keep our own attachment for the
 * final snapshot, mark the segment for removal, and release everyone at once. */
static void start_experiment(const struct probe_config *cfg, struct evidence_region *ev, struct run_result *rr, struct experiment_segment **snap, int fires, int calibration_err) {
  int shmid = rr->segment_shmid;
  for (int i = 0; i < cfg->processes; i++) {
    struct child_result *c = &rr->child[i];
    struct process_evidence *pe = &ev->proc[i];
    if (shmid < 0 && atomic_load(&pe->ready)) shmid = pe->shmid;
    if (c->reaped || !atomic_load(&pe->ready)) continue;
    read_maps(c->pid, c);
    if (cfg->watch == -1 || cfg->watch == i) {
      c->watch.requested = 1;
      c->watch.address = pe->attach_address + MUTEX_WATCH_OFFSET;
      if (fires) {
        c->watch.fd = open_owner_watchpoint(c->pid, c->watch.address, &c->watch.err);
        c->watch.available = c->watch.fd >= 0;
      } else {
        c->watch.err = calibration_err; /* 0: armed but silent */
      }
    }
  }
  rr->segment_shmid = shmid;
  if (shmid >= 0) {
    void *p = shmat(shmid, NULL, SHM_RDONLY);
    if (p != (void *)-1) *snap = p;
    shmctl(shmid, IPC_RMID, NULL); /* gone once the last process detaches, whatever happens next */
  }
  rr->started = 1;
  ev->released = 0;
  for (int i = 0; i < cfg->processes; i++) ev->released += !rr->child[i].reaped && atomic_load(&ev->proc[i].ready);
  atomic_store_explicit(&ev->go, 1, memory_order_release);
  syscall(SYS_futex, &ev->go, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int supervise(const struct probe_config *cfg, struct evidence_region *ev, struct ring_event *rings, struct run_result *rr) {
  rr->t0 = now_ns();
  rr->start = (struct clock_pair){ ticks(), rr->t0 };
  rr->segment_shmid = -1;
  int preset_shmid = -1;
  if (cfg->ipc_private) {
    preset_shmid = shmget(IPC_PRIVATE, SEGMENT_SIZE, IPC_CREAT | 0600);
    if (preset_shmid < 0) { fprintf(stderr, "probe: shmget(IPC_PRIVATE): %s\n", strerror(errno)); return -1; }
    rr->segment_shmid = preset_shmid;
  } else if (shmget(cfg->key, 0, 0) >= 0) {
    fprintf(stderr, "probe: key 0x%x is already in use on this host\n", (unsigned)cfg->key);
    return -1;
  }
  /* before any SCHED_RR child exists: closing a perf event can wait for kernel threads */
  int calibration_err = 0, fires = cfg->watch != -2 && watchpoints_fire(&calibration_err);
  fflush(stdout);
  fflush(stderr);
  /* Each child writes here once it is ready, so the release does not wait for the next poll
   * timeout (10 ms, most of a short repetition's cost when only the timeout woke us). */
  int ready_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  pid_t supervisor_pid = getpid();
  for (int i = 0; i < cfg->processes; i++) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) { fprintf(stderr, "probe: fork: %s\n", strerror(errno)); return -1; }
    if (pid == 0) {
      close(fds[0]);
      for (int j = 0; j < i; j++) close(rr->child[j].stderr_fd);
      child_main(cfg, ev, rings, i, fds[1], preset_shmid, supervisor_pid, ready_fd);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    rr->child[i].pid = pid;
    rr->child[i].stderr_fd = fds[0];
    rr->child[i].watch.fd = -1;
  }

  struct experiment_segment *snap = NULL;
  unsigned long last_progress = ~0ul;
  uint64_t last_change = now_ns();
  int settling = 0; /* the previous check found everyone asleep without progress */
  uint64_t next_settle_check = 0;
  for (;;) {
    struct pollfd pfd[MAX_PROCESSES + 1];
    /* a pipe at EOF is left out, or poll would return at once forever: a busy supervisor at
     * real-time priority would starve the very exit it is waiting for */
    for (int i = 0; i < cfg->processes; i++) pfd[i] = (struct pollfd){ .fd = rr->child[i].stderr_eof ? -1 : rr->child[i].stderr_fd, .events = POLLIN };
    pfd[cfg->processes] = (struct pollfd){ .fd = rr->started ? -1 : ready_fd, .events = POLLIN };
    int wait_ms = POLL_MS;
    if (rr->started && cfg->settle_ms < wait_ms) wait_ms = (int)cfg->settle_ms;
    if (settling) wait_ms = 2; /* everyone was asleep: the second look need not wait long */
    poll(pfd, (nfds_t)cfg->processes + 1, wait_ms);
    uint64_t drained;
    if (ready_fd >= 0 && read(ready_fd, &drained, sizeof drained) < 0) { /* nothing to drain */ }
    for (int i = 0; i < cfg->processes; i++) drain_stderr(&rr->child[i]);
    int alive = reap(cfg, ev, rr, WNOHANG);
    if (alive == 0) break;

    unsigned long progress = atomic_load(&ev->progress);
    int ready = 0, waiting = 0;
    for (int i = 0; i < cfg->processes; i++) {
      ready += atomic_load(&ev->proc[i].ready);
      waiting += !rr->child[i].reaped && !atomic_load(&ev->proc[i].ready);
      if (!rr->child[i].reaped && rr->child[i].killed == KILLED_NONE && atomic_load(&ev->proc[i].fault_parked)) {
        kill(rr->child[i].pid, SIGKILL);
        rr->child[i].killed = KILLED_FAULT;
      }
    }
    if (!rr->started && waiting == 0) start_experiment(cfg, ev, rr, &snap, fires, calibration_err);
    progress += (unsigned long)ready;
    uint64_t t = now_ns();
    if (progress != last_progress) { last_progress = progress; last_change = t; settling = 0; }
    if ((t - rr->t0) / 1000000 >= (uint64_t)cfg->timeout_ms) { rr->end = END_TIMEOUT; break; }
    if (rr->started && (t - last_change) / 1000000 >= (uint64_t)cfg->settle_ms && t >= next_settle_check) {
      /* The early hang rule (settle_ms in probe.c): everyone asleep, twice, with no progress
       * and no fault kill pending in between. */
      rr->nblocked = 0;
      read_wait_channels(cfg, rr);
      int awake = 0;
      for (int b = 0; b < rr->nblocked; b++) awake += rr->blocked[b].state == 'R' || rr->blocked[b].state == 'D';
      for (int i = 0; i < cfg->processes; i++)
        awake += !rr->child[i].reaped && atomic_load(&ev->proc[i].fault_parked) && rr->child[i].killed == KILLED_NONE;
      if (awake == 0 && rr->nblocked > 0 && settling) { rr->end = END_HANG; rr->settled = 1; break; }
      settling = awake == 0 && rr->nblocked > 0;
      rr->nblocked = 0;
      /* asleep: confirm after the next poll; someone awake: look again settle_ms later */
      next_settle_check = settling ? 0 : t + (uint64_t)cfg->settle_ms * 1000000;
    }
    if ((t - last_change) / 1000000 >= (uint64_t)cfg->hang_ms) {
      /* A hang is every remaining thread asleep in the kernel. A runnable thread without
       * progress is being kept off the CPU (host load, real-time throttling) or spinning:
       * look again later, and let the wall-clock budget decide if it never moves. */
      rr->nblocked = 0;
      read_wait_channels(cfg, rr);
      int runnable = 0;
      for (int b = 0; b < rr->nblocked; b++) runnable += rr->blocked[b].state == 'R';
      if (runnable == 0) { rr->end = END_HANG; break; }
      rr->nblocked = 0;
      last_change = t - (uint64_t)cfg->hang_ms * 1000000 / 2;
    }
  }

  if (rr->end == END_TIMEOUT) read_wait_channels(cfg, rr);
  if (rr->end != END_DONE) {
    for (int i = 0; i < cfg->processes; i++) {
      if (rr->child[i].reaped) continue;
      kill(rr->child[i].pid, SIGKILL);
      if (rr->child[i].killed == KILLED_NONE) rr->child[i].killed = rr->end == END_HANG ? KILLED_HANG : KILLED_TIMEOUT;
    }
    while (reap(cfg, ev, rr, 0) > 0) {}
  }
  if (ready_fd >= 0) close(ready_fd);
  for (int i = 0; i < cfg->processes; i++) {
    struct child_result *c = &rr->child[i];
    drain_stderr(c);
    close(c->stderr_fd);
    if (c->watch.fd >= 0) {
      long long count = 0;
      if (read(c->watch.fd, &count, sizeof count) == (ssize_t)sizeof count) c->watch.fired = count;
      close(c->watch.fd);
    }
  }
  rr->finish = (struct clock_pair){ ticks(), now_ns() };
  if (snap) {
    rr->snapshot = *snap;
    rr->snapshot_valid = 1;
    shmdt(snap);
  } else {
    /* never started: remove whatever the children created */
    int shmid = rr->segment_shmid;
    for (int i = 0; shmid < 0 && i < cfg->processes; i++) if (ev->proc[i].t_shmat) shmid = ev->proc[i].shmid;
    if (shmid < 0 && !cfg->ipc_private) shmid = shmget(cfg->key, 0, 0);
    if (shmid >= 0) shmctl(shmid, IPC_RMID, NULL);
  }
  return 0;
}
