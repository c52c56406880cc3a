/*
 * bench:yield: what sched_yield(2) costs on this host, the figure behind the simulator's
 * SCHED_YIELD_* step counts (src/engine/machine/syscall-cost.ts). The native probe calls
 * sched_yield after every 8th unlock when its processes outnumber the CPUs; a yield that hands
 * the CPU to another process is a system call plus a switch of address space, and it is where
 * most of such a run's time goes (8 lock cycles take ~60 ns).
 *   alone:   one SCHED_RR process, nobody else ready on its CPU: the call returns to the caller
 *   switch:  two SCHED_RR processes pinned to one CPU, ping-ponging by sched_yield: every call
 *            is a switch to the other process (time per yield = wall time / both processes' yields)
 * Besides the best means it prints the quantiles of single calls (alone: each call's duration;
 * switch: half of the time a process was away, which is its own yield and the other's), the
 * spread the simulator draws each yield's cost from.
 * Needs SCHED_RR (root); falls back to SCHED_OTHER and says so.
 *   npm run bench:yield
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static const char *realtime(void) {
  struct sched_param sp = { .sched_priority = 1 };
  return sched_setscheduler(0, SCHED_RR, &sp) == 0 ? "SCHED_RR" : "SCHED_OTHER";
}

static void yields(long n) { for (long i = 0; i < n; i++) sched_yield(); }

/* n timed yields; sample k is the call's duration divided by `share` */
static void timed_yields(double *sample, long n, double share) {
  for (long i = 0; i < n; i++) {
    double t0 = now_ns();
    sched_yield();
    sample[i] = (now_ns() - t0) / share;
  }
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void quantiles(const char *what, double *sample, long n) {
  static const double q[] = { 0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1 };
  qsort(sample, (size_t)n, sizeof *sample, by_value);
  printf("%s quantiles (ns):", what);
  for (unsigned i = 0; i < sizeof q / sizeof *q; i++) printf(" p%g=%.0f", q[i] * 100, sample[(long)(q[i] * (double)(n - 1))]);
  printf("\n");
}

int main(void) {
  enum { N = 200000 };
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  sched_setaffinity(0, sizeof one, &one);
  const char *policy = realtime();
  double best_alone = 1e18, best_switch = 1e18;
  for (int round = 0; round < 5; round++) {
    double t0 = now_ns();
    yields(N);
    double alone = (now_ns() - t0) / N;
    t0 = now_ns();
    pid_t other = fork(); /* inherits the pinning and the policy */
    if (other == 0) { yields(N); _exit(0); }
    yields(N);
    waitpid(other, NULL, 0);
    double sw = (now_ns() - t0) / (2.0 * N);
    if (alone < best_alone) best_alone = alone;
    if (sw < best_switch) best_switch = sw;
    printf("round %d: alone %.0f ns, switch to another process %.0f ns\n", round, alone, sw);
  }
  printf("bench:yield (%s, cpu 0): best alone %.0f ns, best with a switch %.0f ns per sched_yield\n", policy, best_alone, best_switch);
  enum { M = 100000 };
  double *alone = malloc(M * sizeof *alone);
  double *sw = mmap(NULL, 2 * M * sizeof *sw, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  timed_yields(alone, M, 1);
  quantiles("alone      ", alone, M);
  pid_t other = fork();
  if (other == 0) { timed_yields(sw + M, M, 2); _exit(0); }
  timed_yields(sw, M, 2);
  waitpid(other, NULL, 0);
  quantiles("with switch", sw, 2 * M);
  return 0;
}
