/*
 * Throughput baseline for bench/native: one process, one thread, a PTHREAD_PROCESS_SHARED mutex
 * in a private mapping, N x (lock / counter++ / unlock), no evidence, no rings. Prints
 * `lockloop iterations=N ns=T ns_per_cycle=X counter=C`.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10000000;
  struct { pthread_mutex_t m; volatile long counter; } *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s == MAP_FAILED) return 1;
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->m, &a);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++) {
    pthread_mutex_lock(&s->m);
    s->counter = s->counter + 1;
    pthread_mutex_unlock(&s->m);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
  printf("lockloop iterations=%ld ns=%.0f ns_per_cycle=%.2f counter=%ld\n", n, ns, ns / (double)n, s->counter);
  return 0;
}
