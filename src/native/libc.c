/* The library-specific parts of the probe; see libc.h. */
#define _GNU_SOURCE
#include "libc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef PROBE_LIBC_MUSL
/*
 * musl has no gnu_get_libc_version. Its own version string is __libc_version
 * (src/internal/version.c), the text its dynamic loader prints as "Version 1.2.3". The symbol is
 * internal (hidden visibility), which still resolves in a static link: this reads the version
 * of the very libc.a this binary was linked with, not of whatever musl is installed now.
 */
extern const char __libc_version[];

const char *libc_identity(void) {
  static char text[64];
  snprintf(text, sizeof text, "libc=musl libc_version=%s", __libc_version);
  return text;
}

int mutex_lock_word(const pthread_mutex_t *m) { return m->__u.__vi[1]; }

void print_mutex_words(const pthread_mutex_t *m) {
  printf("mutex libc=musl type=0x%x lock=0x%x waiters=%d count=%d prev=0x%lx next=0x%lx\n",
         (unsigned)m->__u.__i[0], (unsigned)m->__u.__vi[1], m->__u.__vi[2], m->__u.__i[5],
         (unsigned long)m->__u.__p[3], (unsigned long)m->__u.__p[4]);
}
#else
#include <gnu/libc-version.h>

const char *libc_identity(void) {
  static char text[96];
  const char *v = gnu_get_libc_version();
  snprintf(text, sizeof text, "glibc=%s libc=glibc libc_version=%s", v, v);
  return text;
}

int mutex_lock_word(const pthread_mutex_t *m) { return m->__data.__lock; }

void print_mutex_words(const pthread_mutex_t *pm) {
  const struct __pthread_mutex_s *m = &pm->__data;
  printf("mutex lock=0x%x count=%u owner=%d nusers=%u kind=0x%x spins=%d elision=%d list_prev=0x%lx list_next=0x%lx\n",
         (unsigned)m->__lock, m->__count, m->__owner, m->__nusers, (unsigned)m->__kind, m->__spins, m->__elision,
         (unsigned long)m->__list.__prev, (unsigned long)m->__list.__next);
}
#endif

/*
 * musl's sched_setscheduler always fails with ENOSYS (src/sched/sched_setscheduler.c): Linux's
 * system call sets one thread's policy, not a process's as POSIX means, and musl refuses to
 * pretend. The probe calls this before any second thread exists, where the two are the same
 * thing, so the musl build makes the system call itself (threads and forks inherit the policy).
 */
int set_round_robin(void) {
  struct sched_param p = { .sched_priority = 1 };
#ifdef PROBE_LIBC_MUSL
  return syscall(SYS_sched_setscheduler, 0, SCHED_RR, &p) == 0 ? 0 : -1;
#else
  return sched_setscheduler(0, SCHED_RR, &p);
#endif
}

/* glibc names them itself (2.32+); for musl, a table of the standard signals. */
const char *signal_abbrev(int sig) {
#ifndef PROBE_LIBC_MUSL
  return sigabbrev_np(sig);
#endif
  static const struct { int sig; const char *name; } names[] = {
    { SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" }, { SIGTRAP, "TRAP" },
    { SIGABRT, "ABRT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" }, { SIGKILL, "KILL" }, { SIGUSR1, "USR1" },
    { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" }, { SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" },
    { SIGSTKFLT, "STKFLT" }, { SIGCHLD, "CHLD" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" },
    { SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" }, { SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
    { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" }, { SIGIO, "IO" }, { SIGPWR, "PWR" },
    { SIGSYS, "SYS" },
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].sig == sig) return names[i].name;
  return NULL;
}

/* glibc names them itself (2.32+); for musl, the errnos the probe reports (namespace and
 * perf_event_open refusals) and a few more. */
const char *errno_name(int err) {
#ifndef PROBE_LIBC_MUSL
  return strerrorname_np(err);
#endif
  static const struct { int err; const char *name; } names[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" }, { EIO, "EIO" },
    { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
    { EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
    { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOSPC, "ENOSPC" }, { ENOSYS, "ENOSYS" },
    { EOPNOTSUPP, "EOPNOTSUPP" }, { EUSERS, "EUSERS" },
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].err == err) return names[i].name;
  return NULL;
}
