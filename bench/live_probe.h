/* SPDX-License-Identifier: MIT */
/*
 * live_probe.h - the measuring loops of bench/cost_probe.c, shared with
 * the live-kernel runner (bench/live_bench.cc, make bench).
 *
 * Plain C on Linux, no part of libfutexsim and no dependency beyond libc
 * and pthreads, so cost_probe stays a two-file build:
 *
 *	gcc -O2 -o build/cost_probe bench/cost_probe.c bench/live_probe.c -lpthread
 *
 * Loops return ns per operation for one run; fx_probe_best() turns runs
 * into a figure (the best of N after a warm-up: interference only ever
 * adds time).  Wake-ups are single events, one sample each.  The
 * two-thread experiments use static state: one experiment at a time per
 * process.  Functions return 0 or a negative errno; none exits.
 */
#ifndef FX_LIVE_PROBE_H
#define FX_LIVE_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FX_PROBE_LINE	64

/* fx_probe_now_ns - CLOCK_MONOTONIC in ns (one clock on every CPU) */
static inline uint64_t fx_probe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * FX_PROBE_TIMED_LOOP - ns per iteration of @body run @n times, timed as
 * a whole (two clock reads per run, none per iteration)
 */
#define FX_PROBE_TIMED_LOOP(n, body)					\
	({								\
		uint64_t t0_ = fx_probe_now_ns();			\
		for (long i_ = 0; i_ < (n); i_++) {			\
			body;						\
		}							\
		(double)(fx_probe_now_ns() - t0_) / (double)(n);	\
	})

/**
 * fx_probe_pin - pin the calling thread to @cpu
 * Return: 0 or a negative errno (the CPU is offline or not allowed).
 */
int fx_probe_pin(int cpu);

/* fx_probe_median - median of @v[0..n-1]; sorts @v in place */
double fx_probe_median(double *v, int n);

/* fx_probe_futex - the futex(2) system call; -1 and errno on error */
long fx_probe_futex(uint32_t *uaddr, int op, uint32_t val,
		    const struct timespec *ts);

/**
 * fx_probe_best - the best of @runs runs of a loop, after one warm-up run
 * @fn:     one run; returns ns per operation
 * @arg:    passed to @fn
 * @runs:   1 or more
 * @median: if not NULL, the median of the runs
 *
 * Return: the smallest figure of the runs.
 */
double fx_probe_best(double (*fn)(void *arg), void *arg, int runs,
		     double *median);

/* fx_probe_getppid - ns per SYS_getppid round trip over @n calls */
double fx_probe_getppid(long n);

/**
 * fx_probe_wake_empty - ns per FUTEX_WAKE that finds nobody
 * @word: the futex word
 * @op:   FUTEX_WAKE or FUTEX_WAKE_PRIVATE
 * @n:    calls
 */
double fx_probe_wake_empty(uint32_t *word, int op, long n);

/**
 * fx_probe_pingpong - one cache line bounced between two pinned threads
 * @cpu_a: the calling thread is pinned here (and stays pinned)
 * @cpu_b: a peer thread is pinned here
 * @n:     round trips
 * @ns:    ns per transfer: half a round trip
 *
 * Return: 0 or a negative errno (pinning, thread creation).
 */
int fx_probe_pingpong(int cpu_a, int cpu_b, long n, double *ns);

/**
 * fx_probe_yield - sched_yield ping-pong of two threads on one CPU
 * @cpu:      both threads are pinned here (the caller stays pinned)
 * @n:        yields of the calling thread
 * @ns:       ns per iteration: our yield, the peer's yield and two switches
 * @switches: context switches of the caller per yield (1 when each yield
 *            switches to the peer); may be NULL
 *
 * Return: 0 or a negative errno.
 */
int fx_probe_yield(int cpu, long n, double *ns, double *switches);

/* What fx_probe_wake() saw besides its samples. */
struct fx_probe_wake_info {
	int tries;		/* wakes issued (a miss is retried) */
	bool spinner_idle;	/* busy: the spinner runs as SCHED_IDLE */
	uint64_t spins;		/* busy: the spinner's loop count */
};

/**
 * fx_probe_wake - wake-up latency into an idle or a busy CPU
 * @waker_cpu: the calling thread is pinned here (and stays pinned)
 * @wakee_cpu: a waiter sleeps here in FUTEX_WAIT_PRIVATE
 * @busy:      also run a SCHED_IDLE spinner on @wakee_cpu, so that the
 *             waiter preempts a running task instead of waking an idle CPU
 * @gap_ns:    the waker spins this long before each wake (300000 in
 *             cost_probe), so the wakee CPU reaches its idle state
 * @w1:        per sample: the waker's FUTEX_WAKE_PRIVATE call, ns
 * @lat:       per sample: from just before that call to the waiter's
 *             return to user space (CLOCK_MONOTONIC stamps), ns
 * @n:         samples wanted
 * @info:      may be NULL
 *
 * Return: the samples taken (up to @n; a wake that found the waiter not
 * yet queued is retried, at most 4n tries), or a negative errno.
 */
int fx_probe_wake(int waker_cpu, int wakee_cpu, bool busy, uint64_t gap_ns,
		  double *w1, double *lat, int n,
		  struct fx_probe_wake_info *info);

#ifdef __cplusplus
}
#endif

#endif /* FX_LIVE_PROBE_H */
