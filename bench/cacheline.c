/*
 * bench:cacheline: what sharing a cache line between two CPUs costs on this host, the figures
 * a model of memory timing would be derived from (see src/engine/machine/syscall-cost.ts and
 * the note on issue 14; the simulator does not use them yet):
 *  - one-way transfer: two threads on CPUs 0 and 1 hand a flag back and forth; a round trip
 *    moves the line twice, so half of it is how long a store takes to become visible on the
 *    other CPU when that CPU had the line last;
 *  - a contended atomic read-modify-write: both threads fetch_add the same word.
 * Each figure is also printed in uncontended lock/unlock cycles of a pthread mutex (the
 * simulator counts such a cycle as 10 steps).
 *   npm run bench:cacheline
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

enum { ROUNDS = 2000000, ADDS = 4000000 };
static _Alignas(64) atomic_int flag;
static _Alignas(64) atomic_long word;
static atomic_int started;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *pong(void *arg) {
  (void)arg;
  pin(1);
  for (int i = 0; i < ROUNDS; i++) {
    while (atomic_load_explicit(&flag, memory_order_acquire) != 1) {}
    atomic_store_explicit(&flag, 0, memory_order_release);
  }
  return NULL;
}

static void *adder(void *arg) {
  pin((int)(long)arg);
  atomic_fetch_add(&started, 1);
  while (atomic_load(&started) < 2) {}
  for (int i = 0; i < ADDS; i++) atomic_fetch_add(&word, 1);
  return NULL;
}

int main(void) {
  pin(0);
  static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  static volatile long counter;
  double best_cycle = 1e18, best_trip = 1e18, best_add = 1e18;
  for (int round = 0; round < 3; round++) {
    double t0 = now_ns();
    for (int i = 0; i < 2000000; i++) { pthread_mutex_lock(&m); counter++; pthread_mutex_unlock(&m); }
    double cycle = (now_ns() - t0) / 2000000;
    if (cycle < best_cycle) best_cycle = cycle;

    pthread_t th;
    atomic_store(&flag, 0);
    pthread_create(&th, NULL, pong, NULL);
    t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++) {
      atomic_store_explicit(&flag, 1, memory_order_release);
      while (atomic_load_explicit(&flag, memory_order_acquire) != 0) {}
    }
    double trip = (now_ns() - t0) / ROUNDS;
    pthread_join(th, NULL);
    if (trip < best_trip) best_trip = trip;

    pthread_t a, b;
    atomic_store(&started, 0);
    t0 = now_ns();
    pthread_create(&a, NULL, adder, (void *)0L);
    pthread_create(&b, NULL, adder, (void *)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    double add = (now_ns() - t0) / (2.0 * ADDS);
    if (add < best_add) best_add = add;
  }
  printf("lock/unlock cycle %.1f ns; cache line one-way transfer %.1f ns (%.1f cycles); contended atomic add %.1f ns (%.1f cycles)\n",
         best_cycle, best_trip / 2, best_trip / 2 / best_cycle, best_add, best_add / best_cycle);
  return 0;
}
