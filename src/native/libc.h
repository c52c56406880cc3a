/*
 * What differs between the two C libraries the probe is built against: the host's glibc
 * (build/probe) and musl (build/probe-musl, `musl-gcc -static`, built with -DPROBE_LIBC_MUSL).
 * Everything else in the probe is plain POSIX and Linux and compiles unchanged for both.
 *
 * The pthread_mutex_t of the two libraries has the same size (40 bytes on x86_64) and nothing
 * else in common:
 *   glibc  struct __pthread_mutex_s: __lock, __count, __owner (TID), __nusers, __kind, ...
 *   musl   a union of int[10] / void *[5]; src/internal/pthread_impl.h names the slots:
 *          _m_type = __i[0], _m_lock = __vi[1], _m_waiters = __vi[2], _m_count = __i[5],
 *          _m_prev = __p[3], _m_next = __p[4].
 */
#ifndef MUTEXLAB_LIBC_H
#define MUTEXLAB_LIBC_H

#include <pthread.h>
#include <stddef.h>

#ifdef PROBE_LIBC_MUSL
/* musl keeps no owner field for a normal mutex: _m_lock is the word every lock and unlock stores. */
#define MUTEX_WATCH_OFFSET (sizeof(int))
#else
#define MUTEX_WATCH_OFFSET offsetof(pthread_mutex_t, __data.__owner)
#endif

/* "glibc=2.36 libc=glibc libc_version=2.36" or "libc=musl libc_version=1.2.3": the probe record's fields. */
const char *libc_identity(void);

/* The lock word (glibc __lock, musl _m_lock). */
int mutex_lock_word(const pthread_mutex_t *m);

/* The `mutex` record of the probe's output, in the library's own field names. */
void print_mutex_words(const pthread_mutex_t *m);

/* SCHED_RR priority 1 for the calling process (still single-threaded when called); 0 on success. */
int set_round_robin(void);

/* "ABRT" for SIGABRT; NULL when unknown (musl has no sigabbrev_np). */
const char *signal_abbrev(int sig);

/* "EPERM" for EPERM; NULL when unknown (musl has no strerrorname_np). */
const char *errno_name(int err);

#endif
