/*
 * Prints a finished run in the probe's line format (documented in probe.c): one record per line,
 * `name key=value ...`, values without spaces, except `text=` which is always last and runs to
 * the end of the line.
 */
#include "supervisor.h"
#include "libc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* ns since the supervisor started, from a ticks() value (linear between the two reference pairs) */
static unsigned long long rel_ns(const struct run_result *rr, uint64_t t) {
  if (t <= rr->start.ticks) return 0;
  if (rr->finish.ticks <= rr->start.ticks) return t - rr->start.ticks; /* ticks() is already ns */
  long double scale = (long double)(rr->finish.ns - rr->start.ns) / (long double)(rr->finish.ticks - rr->start.ticks);
  return (unsigned long long)((long double)(t - rr->start.ticks) * scale);
}

static const char *op_name(int op) {
  switch (op) {
    case OP_ACQUIRED: return "acquired";
    case OP_READ: return "read";
    case OP_WRITE: return "write";
    case OP_UNLOCK: return "unlock";
    case OP_OWNER_DIED: return "owner_died";
    case OP_CONSISTENT: return "consistent";
    case OP_LOCK_ERROR: return "lock_error";
    default: return "unknown";
  }
}

static const char *kill_reason(enum kill_reason k) {
  switch (k) {
    case KILLED_FAULT: return "fault";
    case KILLED_HANG: return "hang";
    case KILLED_TIMEOUT: return "timeout";
    default: return "none";
  }
}

static int by_time(const void *a, const void *b) {
  const struct ring_event *x = a, *y = b;
  if (x->t_ns != y->t_ns) return x->t_ns < y->t_ns ? -1 : 1;
  if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
  return x->op - y->op; /* acquired < read < write < unlock at one instant */
}

static void print_text_lines(int index, const char *text, size_t len) {
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && text[i] != '\n') continue;
    if (i > start) {
      printf("stderr index=%d text=", index);
      for (size_t k = start; k < i; k++) putchar((unsigned char)text[k] < 0x20 ? '?' : text[k]);
      putchar('\n');
    }
    start = i + 1;
  }
}

static void print_events(const struct probe_config *cfg, const struct evidence_region *ev, const struct ring_event *rings, const struct run_result *rr) {
  size_t kept = 0, dropped = 0;
  for (int p = 0; p < cfg->processes; p++)
    for (int t = 0; t < cfg->threads; t++) {
      unsigned long n = ev->thread[p][t].events;
      kept += n < (unsigned long)cfg->ring_size ? n : (unsigned long)cfg->ring_size;
      dropped += n > (unsigned long)cfg->ring_size ? n - (unsigned long)cfg->ring_size : 0;
    }
  struct ring_event *all = malloc((kept + 1) * sizeof *all);
  size_t k = 0;
  for (int p = 0; all && p < cfg->processes; p++)
    for (int t = 0; t < cfg->threads; t++) {
      unsigned long n = ev->thread[p][t].events, first = n > (unsigned long)cfg->ring_size ? n - (unsigned long)cfg->ring_size : 0;
      const struct ring_event *ring = ring_of((struct ring_event *)rings, cfg->ring_size, p, t);
      for (unsigned long e = first; e < n; e++) all[k++] = ring[e % (unsigned long)cfg->ring_size];
    }
  if (all) qsort(all, k, sizeof *all, by_time);
  for (size_t i = 0; i < k; i++) {
    const struct ring_event *e = &all[i];
    printf("event t=%llu cpu=%d pid=%d tid=%d op=%s value=%lld\n", rel_ns(rr, e->t_ns), e->cpu, e->pid, e->tid, op_name(e->op), (long long)e->value);
  }
  free(all);
  printf("rings kept=%zu dropped=%zu size=%d\n", kept, dropped, cfg->ring_size);
}

void report(const struct probe_config *cfg, const struct evidence_region *ev, const struct ring_event *rings, const struct run_result *rr) {
  long long completed = 0;
  for (int i = 0; i < cfg->processes; i++) {
    const struct process_evidence *pe = &ev->proc[i];
    const struct child_result *c = &rr->child[i];
    int pid = c->pid;
    unsigned long long rel = 0;
    printf("process index=%d pid=%d shmid=%d attach=0x%lx creator=%d ready=%d acquisitions=%ld recoveries=%d running=%llu\n",
           i, pid, pe->t_shmat ? pe->shmid : -1, (unsigned long)pe->attach_address, pe->creator, pe->ready, pe->acquisitions, pe->recoveries,
           pe->t_running ? rel_ns(rr, pe->t_running) : 0ull);
    if (pe->t_shmget) printf("setup index=%d pid=%d op=shmget t=%llu shmid=%d\n", i, pid, rel_ns(rr, pe->t_shmget), pe->shmid);
    if (pe->t_shmat) printf("setup index=%d pid=%d op=shmat t=%llu addr=0x%lx\n", i, pid, rel_ns(rr, pe->t_shmat), (unsigned long)pe->attach_address);
    if (pe->t_init) printf("setup index=%d pid=%d op=mutex_init t=%llu addr=0x%lx\n", i, pid, rel_ns(rr, pe->t_init), (unsigned long)pe->attach_address);
    for (int t = 0; t < cfg->threads; t++) {
      const struct thread_evidence *te = &ev->thread[i][t];
      completed += te->completed;
      printf("thread index=%d n=%d tid=%d completed=%ld events=%lu lock_error=%d\n", i, t, te->tid, te->completed, te->events, te->lock_error);
    }
    for (int m = 0; m < c->nmaps; m++)
      printf("map index=%d start=0x%lx end=0x%lx perms=%s name=%s\n", i, (unsigned long)c->maps[m].start, (unsigned long)c->maps[m].end, c->maps[m].perms, c->maps[m].name[0] ? c->maps[m].name : "-");
    if (c->watch.requested) {
      if (c->watch.available)
        printf("watch index=%d pid=%d address=0x%lx available=1 fired=%lld\n", i, pid, (unsigned long)c->watch.address, c->watch.fired);
      else
        printf("watch index=%d pid=%d address=0x%lx available=0 errno=%d reason=%s\n", i, pid, (unsigned long)c->watch.address, c->watch.err,
               c->watch.err == 0 ? "armed_but_never_fired" : errno_name(c->watch.err) ? errno_name(c->watch.err) : "unknown");
    }
    if (c->t_exit) rel = c->t_exit - rr->t0;
    if (!c->reaped) printf("exit index=%d pid=%d kind=unknown\n", i, pid);
    else if (WIFEXITED(c->status)) printf("exit index=%d pid=%d t=%llu kind=exited code=%d killed=%s\n", i, pid, rel, WEXITSTATUS(c->status), kill_reason(c->killed));
    else if (WIFSIGNALED(c->status)) printf("exit index=%d pid=%d t=%llu kind=signaled signal=SIG%s killed=%s\n", i, pid, rel, signal_abbrev(WTERMSIG(c->status)) ? signal_abbrev(WTERMSIG(c->status)) : "UNKNOWN", kill_reason(c->killed));
    for (int r = 0; r < pe->recoveries && r < 4; r++) {
      const struct recovery *rc = &pe->recovery[r];
      printf("recovery index=%d pid=%d tid=%d t=%llu lock_word=0x%x consistent_rc=%d\n", i, rc->pid, rc->tid, rel_ns(rr, rc->t_ns), (unsigned)rc->lock_word, rc->consistent_rc);
    }
    print_text_lines(i, c->stderr_text, c->stderr_len);
    for (int f = 0; f < cfg->nfaults; f++)
      if (cfg->faults[f].process == i) { printf("fault index=%d taken=%d survivors=%d\n", i, pe->fault_taken, pe->fault_survivors); break; }
  }
  for (int b = 0; b < rr->nblocked; b++) {
    const struct blocked_thread *bt = &rr->blocked[b];
    printf("blocked index=%d pid=%d tid=%d state=%c wchan=%s\n", bt->process, bt->pid, bt->tid, bt->state, bt->wchan);
  }
  if (rr->snapshot_valid) {
    printf("segment shmid=%d size=%d offset=0 initialized_by=%d state=%d\n", rr->segment_shmid, SEGMENT_SIZE, rr->snapshot.initialized_by, rr->snapshot.state);
    print_mutex_words(&rr->snapshot.mutex);
  }
  printf("counter final=%ld completed=%lld planned=%lld valid=%d\n", rr->snapshot_valid ? rr->snapshot.counter : 0L, completed,
         (long long)cfg->processes * cfg->threads * cfg->iterations, rr->snapshot_valid);
  printf("exclusion max_holders=%d violations=%ld\n", ev->max_holders, ev->violations);
  print_events(cfg, ev, rings, rr);
  const char *status = rr->end == END_HANG ? "hang" : rr->end == END_TIMEOUT ? "timeout" : "done";
  printf("end status=%s elapsed_ns=%llu started=%d settled=%d\n", status, (unsigned long long)(now_ns() - rr->t0), rr->started, rr->settled);
  fflush(stdout);
}
