/*
 * bench:stalls: how often a CPU of this host stops running a busy thread, and for how long:
 * timer interrupts, other interrupts, and on a virtual machine the host descheduling the vCPU.
 * A thread pinned to each CPU in turn reads the clock in a tight loop for SECONDS; any gap
 * between two reads longer than GAP_NS is a stall. Prints, per CPU, the stalls per second and
 * their length (median, 90th percentile, mean). The simulator's interrupt model is derived from
 * these figures (src/engine/machine/interrupts.ts): a holder stalled inside its critical section
 * is what lets a real waiter's FUTEX_WAIT find the lock still held.
 * The native probe runs SCHED_RR: run it the same way (chrt -r 1) to see what the probe sees.
 *   npm run bench:stalls
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { SECONDS = 2, GAP_NS = 1000, MAX_STALLS = 200000 };

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  static double gaps[MAX_STALLS];
  int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
  for (int cpu = 0; cpu < cpus; cpu++) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) continue;
    int n = 0;
    double start = now_ns(), last = start, end = start + SECONDS * 1e9, sum = 0;
    while (last < end) {
      double t = now_ns();
      if (t - last > GAP_NS && n < MAX_STALLS) { gaps[n++] = t - last; sum += t - last; }
      last = t;
    }
    qsort(gaps, (size_t)n, sizeof gaps[0], cmp);
#define P(q) (n ? gaps[(int)((n - 1) * (q))] : 0)
    printf("cpu %d: %.0f stalls/s over %.0f ns, %.2f%% of the time; length p10 %.0f, p25 %.0f, p50 %.0f, p75 %.0f, p90 %.0f, p99 %.0f, max %.0f ns\n",
           cpu, n / (double)SECONDS, (double)GAP_NS, 100 * sum / (SECONDS * 1e9), P(0.1), P(0.25), P(0.5), P(0.75), P(0.9), P(0.99), P(1.0));
  }
  return 0;
}
