/* What the supervisor learns about a run, filled by supervise.c and printed by report.c. */
#ifndef MUTEXLAB_SUPERVISOR_H
#define MUTEXLAB_SUPERVISOR_H

#include "probe.h"

#define STDERR_KEEP 4096
#define MAX_BLOCKED 64

enum end_reason { END_DONE = 0, END_HANG, END_TIMEOUT };
enum kill_reason { KILLED_NONE = 0, KILLED_FAULT, KILLED_HANG, KILLED_TIMEOUT };

struct watch_result {
  int requested, available, err;
  uintptr_t address;
  long long fired;
  int fd;
};

#define MAX_MAPPINGS 48

struct mapping { uintptr_t start, end; char perms[5]; char name[96]; };

struct child_result {
  pid_t pid;
  int reaped, status;
  enum kill_reason killed;
  uint64_t t_exit;
  int stderr_fd;
  int stderr_eof;   /* the write end is closed: polling it again would return at once, forever */
  char stderr_text[STDERR_KEEP];
  size_t stderr_len;
  struct watch_result watch;
  struct mapping maps[MAX_MAPPINGS];
  int nmaps;
};

struct blocked_thread { int process; pid_t pid, tid; char state; char wchan[64]; };

struct run_result {
  uint64_t t0;                      /* now_ns() at start: trace time 0 */
  struct clock_pair start, finish;  /* ticks() against now_ns(), to convert ring times */
  enum end_reason end;
  int started;          /* children were released (go) */
  int segment_shmid;
  struct experiment_segment snapshot; /* the mutex words after everyone is gone */
  int snapshot_valid;
  struct child_result child[MAX_PROCESSES];
  struct blocked_thread blocked[MAX_BLOCKED];
  int nblocked;
  int settled;          /* the hang was decided by the early rule (settle_ms), not hang_ms */
};

int supervise(const struct probe_config *cfg, struct evidence_region *ev, struct ring_event *rings, struct run_result *rr);
void report(const struct probe_config *cfg, const struct evidence_region *ev, const struct ring_event *rings, const struct run_result *rr);

#endif
