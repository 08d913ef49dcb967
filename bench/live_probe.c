// SPDX-License-Identifier: MIT
/*
 * live_probe.c - the measuring loops of bench/cost_probe.c, shared with
 * the live-kernel runner (live_probe.h says what each measures).
 *
 * Moved here from cost_probe.c unchanged in method: the same loops, the
 * same two-thread experiments, the same "best of runs".  What changed is
 * that the CPUs are parameters and errors are returned, not fatal.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "live_probe.h"

#define MAX_RUNS	256

int fx_probe_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double fx_probe_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

long fx_probe_futex(uint32_t *uaddr, int op, uint32_t val,
		    const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

double fx_probe_best(double (*fn)(void *arg), void *arg, int runs,
		     double *median)
{
	double v[MAX_RUNS], m;

	if (runs < 1)
		runs = 1;
	if (runs > MAX_RUNS)
		runs = MAX_RUNS;
	fn(arg);			/* warm up */
	for (int i = 0; i < runs; i++)
		v[i] = fn(arg);
	m = fx_probe_median(v, runs);
	if (median)
		*median = m;
	return v[0];			/* sorted by fx_probe_median() */
}

double fx_probe_getppid(long n)
{
	return FX_PROBE_TIMED_LOOP(n, syscall(SYS_getppid));
}

double fx_probe_wake_empty(uint32_t *word, int op, long n)
{
	return FX_PROBE_TIMED_LOOP(n, fx_probe_futex(word, op, 1, NULL));
}

/* start a thread pinned to @cpu from its first instruction */
static int start_pinned(pthread_t *t, int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int ret;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_attr_init(&attr);
	if (ret)
		return -ret;
	ret = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!ret)
		ret = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -ret;
}

/* ---- cache-line ping-pong ---- */

static _Alignas(FX_PROBE_LINE) _Atomic uint32_t pp_flag;
static long pp_n;

static void *pp_peer(void *arg)
{
	(void)arg;
	for (long i = 0; i < pp_n; i++) {
		while (atomic_load_explicit(&pp_flag, memory_order_acquire) !=
		       (uint32_t)(2 * i + 1))
			;
		atomic_store_explicit(&pp_flag, (uint32_t)(2 * i + 2),
				      memory_order_release);
	}
	return NULL;
}

int fx_probe_pingpong(int cpu_a, int cpu_b, long n, double *ns)
{
	pthread_t t;
	uint64_t t0;
	int ret;

	ret = fx_probe_pin(cpu_a);
	if (ret)
		return ret;
	pp_n = n;
	atomic_store(&pp_flag, 0);
	ret = start_pinned(&t, cpu_b, pp_peer, NULL);
	if (ret)
		return ret;
	t0 = fx_probe_now_ns();
	for (long i = 0; i < pp_n; i++) {
		while (atomic_load_explicit(&pp_flag, memory_order_acquire) !=
		       (uint32_t)(2 * i))
			;
		atomic_store_explicit(&pp_flag, (uint32_t)(2 * i + 1),
				      memory_order_release);
	}
	while (atomic_load(&pp_flag) != (uint32_t)(2 * pp_n))
		;
	t0 = fx_probe_now_ns() - t0;
	pthread_join(t, NULL);
	*ns = (double)t0 / (double)(2 * pp_n);
	return 0;
}

/* ---- sched_yield ping-pong on one CPU ---- */

static _Atomic int yield_stop;

static void *yield_peer(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&yield_stop, memory_order_relaxed))
		sched_yield();
	return NULL;
}

int fx_probe_yield(int cpu, long n, double *ns, double *switches)
{
	pthread_t t;
	struct rusage r0, r1;
	int ret;

	ret = fx_probe_pin(cpu);
	if (ret)
		return ret;
	atomic_store(&yield_stop, 0);
	ret = start_pinned(&t, cpu, yield_peer, NULL);
	if (ret)
		return ret;
	usleep(1000);
	getrusage(RUSAGE_THREAD, &r0);
	*ns = FX_PROBE_TIMED_LOOP(n, sched_yield());
	getrusage(RUSAGE_THREAD, &r1);
	atomic_store(&yield_stop, 1);
	pthread_join(t, NULL);
	/* each of our yields switches to the peer, each of its back to us */
	if (switches)
		*switches = (double)(r1.ru_nvcsw - r0.ru_nvcsw +
				     r1.ru_nivcsw - r0.ru_nivcsw) / (double)n;
	return 0;
}

/*
 * ---- wake-up latency ----
 *
 * A waiter on the wakee CPU sleeps in FUTEX_WAIT_PRIVATE; the waker spins
 * for a while (so the wakee CPU reaches its idle state, or the spinner
 * runs there), then times one FUTEX_WAKE_PRIVATE.  The waiter stamps its
 * return to user space.  Both clocks are CLOCK_MONOTONIC.
 */
static _Alignas(FX_PROBE_LINE) uint32_t wk_word;
static _Alignas(FX_PROBE_LINE) _Atomic uint64_t wk_seq;	/* waker's round */
static _Alignas(FX_PROBE_LINE) _Atomic uint64_t wk_back;	/* waiter's round */
static _Alignas(FX_PROBE_LINE) _Atomic uint64_t wk_t1;	/* waiter's stamp */
static _Alignas(FX_PROBE_LINE) _Atomic uint64_t spin_count;
static _Atomic int wk_stop, wk_done, spin_stop, spin_idle;

static void *waiter(void *arg)
{
	uint64_t seen = 0;

	(void)arg;
	while (!atomic_load(&wk_stop)) {
		atomic_store(&wk_back, seen);
		fx_probe_futex(&wk_word, FUTEX_WAIT_PRIVATE, 0, NULL);
		uint64_t t = fx_probe_now_ns();
		uint64_t s = atomic_load(&wk_seq);

		if (s != seen) {
			atomic_store(&wk_t1, t);
			seen = s;
		}
	}
	atomic_store(&wk_done, 1);
	return NULL;
}

static void *idle_spinner(void *arg)
{
	struct sched_param sp = { 0 };
	uint64_t n = 0;

	(void)arg;
	atomic_store(&spin_idle,
		     pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp) == 0);
	while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
		n++;
	atomic_store(&spin_count, n);
	return NULL;
}

static void spin_for(uint64_t ns)
{
	uint64_t end = fx_probe_now_ns() + ns;

	while (fx_probe_now_ns() < end)
		;
}

int fx_probe_wake(int waker_cpu, int wakee_cpu, bool busy, uint64_t gap_ns,
		  double *w1, double *lat, int n,
		  struct fx_probe_wake_info *info)
{
	pthread_t tw, ts;
	int got = 0, tries = 0, ret;

	ret = fx_probe_pin(waker_cpu);
	if (ret)
		return ret;
	atomic_store(&wk_stop, 0);
	atomic_store(&wk_done, 0);
	atomic_store(&spin_stop, 0);
	atomic_store(&spin_idle, 0);
	atomic_store(&spin_count, 0);
	atomic_store(&wk_seq, 0);
	atomic_store(&wk_back, 0);
	wk_word = 0;
	ret = start_pinned(&tw, wakee_cpu, waiter, NULL);
	if (ret)
		return ret;
	if (busy) {
		ret = start_pinned(&ts, wakee_cpu, idle_spinner, NULL);
		if (ret)
			busy = false;	/* reported below, after the cleanup */
	}
	usleep(10000);
	while (!ret && got < n && tries < 4 * n) {
		uint64_t round = (uint64_t)got + 1, t0, t1;
		long r;

		tries++;
		/* the waiter is back at its FUTEX_WAIT for this round */
		while (atomic_load(&wk_back) != round - 1)
			;
		spin_for(gap_ns);	/* the wakee CPU idles or spins */
		atomic_store(&wk_seq, round);
		t0 = fx_probe_now_ns();
		r = fx_probe_futex(&wk_word, FUTEX_WAKE_PRIVATE, 1, NULL);
		t1 = fx_probe_now_ns();
		if (r != 1) {		/* not queued yet: try again */
			atomic_store(&wk_seq, round - 1);
			continue;
		}
		while (atomic_load(&wk_back) != round)
			;
		w1[got] = (double)(t1 - t0);
		lat[got] = (double)(atomic_load(&wk_t1) - t0);
		got++;
	}
	atomic_store(&wk_stop, 1);
	atomic_store(&wk_seq, (uint64_t)-1);
	while (!atomic_load(&wk_done)) {
		fx_probe_futex(&wk_word, FUTEX_WAKE_PRIVATE, 1, NULL);
		usleep(100);
	}
	pthread_join(tw, NULL);
	atomic_store(&spin_stop, 1);
	if (busy)
		pthread_join(ts, NULL);
	if (info) {
		info->tries = tries;
		info->spinner_idle = busy && atomic_load(&spin_idle);
		info->spins = atomic_load(&spin_count);
	}
	return ret ? ret : got;
}
