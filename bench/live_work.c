// SPDX-License-Identifier: MIT
/*
 * live_work.c - perf bench futex's scenarios on the live kernel, and the
 * chain-walk experiment (live_work.h).
 *
 * The measured loops are perf's: a thread-local operation counter, a
 * "done" flag read once per pass, no clock inside the loop (hash,
 * lock-pi); two clock reads around the timed wake or requeue loop (wake,
 * wake-parallel, requeue).  What differs from perf is around them:
 *
 *   - The blocked threads of wake, wake-parallel and requeue are created
 *     once and reused across rounds; between rounds each waits on a gate
 *     word of its own.  perf creates them afresh each round.
 *   - perf sleeps 100 ms and hopes every thread is blocked.  Here the main
 *     thread checks it: each thread raises a flag just before its futex
 *     call, and the main thread then waits for /proc to show it asleep.
 *     Then it sleeps settle_ns (perf_compare passes perf's 100 ms).
 *   - wake with stamp: the threads are queued one after the other, so
 *     their order in the bucket (FIFO among equal priorities) is known,
 *     and with it which call woke which thread: each wake call is stamped
 *     just before it enters the kernel, each woken thread stamps its
 *     return to user space (CLOCK_MONOTONIC, one clock on every CPU).
 *   - Times keep nanoseconds; perf's gettimeofday() keeps microseconds.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hashers/hasher.h"
#include "live_probe.h"
#include "live_sys.h"
#include "live_work.h"

#define LINE		64
#define ASLEEP_NS	(5ull * 1000000000ull)	/* a thread must block by then */
#define GATE_EXIT	UINT32_MAX

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double fx_live_quantile(double *v, size_t n, double q)
{
	size_t rank;

	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	rank = (size_t)ceil(q * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* common setup of a benchmark process: -m, then -b before any thread */
static int proc_setup(bool lock, int slots, char *err, size_t errlen)
{
	int r;

	if (lock && mlockall(MCL_CURRENT | MCL_FUTURE)) {
		r = -errno;
		snprintf(err, errlen, "mlockall: %s", strerror(errno));
		return r;
	}
	if (slots >= 0) {
		r = fx_live_slots_set((unsigned)slots);
		if (r) {
			snprintf(err, errlen, "prctl(PR_FUTEX_HASH, SET_SLOTS, %d): %s",
				 slots, strerror(-r));
			return r;
		}
	}
	return 0;
}

/* ==== throughput: hash, lock-pi, futex2 pairs ==== */

struct tput;

struct tput_worker {
	_Alignas(LINE) pthread_t th;
	uint32_t *futex;	/* hash, futex2: the array; lock-pi: the lock */
	size_t size;		/* futex2: bytes mapped */
	unsigned long ops;
	uint64_t unexpected;
	uint64_t t_end;
	struct tput *t;
};

struct tput {
	const struct fx_live_tput_cfg *c;
	pthread_mutex_t lock;		/* perf's thread_lock ... */
	pthread_cond_t parent, worker;	/* ... thread_parent, thread_worker */
	unsigned starting;
	bool go;
	int flag;			/* FUTEX_PRIVATE_FLAG or 0 */
	unsigned flags2;		/* futex2 flags */
	_Alignas(LINE) _Atomic bool done;
	_Alignas(LINE) uint32_t lock_word;	/* lock-pi without -M */
};

/* perf's start: announce, the last one signals the parent, wait for go */
static void tput_enter(struct tput *t)
{
	pthread_mutex_lock(&t->lock);
	if (--t->starting == 0)
		pthread_cond_signal(&t->parent);
	while (!t->go)
		pthread_cond_wait(&t->worker, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

static void *hash_worker(void *arg)
{
	struct tput_worker *w = arg;
	struct tput *t = w->t;
	const unsigned n = t->c->nfutexes;
	const int op = FUTEX_WAIT | t->flag;
	unsigned long ops = 0;	/* local: no cache-line bouncing */
	uint64_t bad = 0;

	tput_enter(t);
	do {
		for (unsigned i = 0; i < n; i++, ops++) {
			/* fails with EAGAIN at once: the hash and the
			 * bucket lock are measured, never a sleep */
			if (syscall(SYS_futex, &w->futex[i], op, 1234, NULL,
				    NULL, 0) != -1 || errno != EAGAIN)
				bad++;
		}
	} while (!atomic_load_explicit(&t->done, memory_order_relaxed));
	w->t_end = fx_probe_now_ns();
	w->ops = ops;
	w->unexpected = bad;
	return NULL;
}

static void *lock_pi_worker(void *arg)
{
	struct tput_worker *w = arg;
	struct tput *t = w->t;
	unsigned long ops = 0;
	uint64_t bad = 0;

	tput_enter(t);
	do {
again:
		if (syscall(SYS_futex, w->futex, FUTEX_LOCK_PI | t->flag, 0,
			    NULL, NULL, 0)) {
			bad++;
			if (atomic_load_explicit(&t->done, memory_order_relaxed))
				break;
			goto again;
		}
		usleep(1);
		if (syscall(SYS_futex, w->futex, FUTEX_UNLOCK_PI | t->flag, 0,
			    NULL, NULL, 0))
			bad++;
		ops++;
	} while (!atomic_load_explicit(&t->done, memory_order_relaxed));
	w->t_end = fx_probe_now_ns();
	w->ops = ops;
	w->unexpected = bad;
	return NULL;
}

static void *futex2_worker(void *arg)
{
	struct tput_worker *w = arg;
	struct tput *t = w->t;
	const unsigned n = t->c->nfutexes, fl = t->flags2;
	unsigned long ops = 0;
	uint64_t bad = 0;

	tput_enter(t);
	do {
		for (unsigned i = 0; i < n; i++, ops++) {
			uint32_t *f = &w->futex[2 * i];	/* { value, node } */

			if (syscall(FX_LIVE_NR_FUTEX_WAIT, f, 1ul,
				    FX_LIVE_FUTEX2_MASK_ANY, fl, NULL,
				    CLOCK_MONOTONIC) != -1 || errno != EAGAIN)
				bad++;
			if (syscall(FX_LIVE_NR_FUTEX_WAKE, f,
				    FX_LIVE_FUTEX2_MASK_ANY, 1, fl) != 0)
				bad++;
		}
	} while (!atomic_load_explicit(&t->done, memory_order_relaxed));
	w->t_end = fx_probe_now_ns();
	w->ops = ops;
	w->unexpected = bad;
	return NULL;
}

static int tput_memory(struct tput *t, struct tput_worker *w, unsigned i,
		       char *err, size_t errlen)
{
	const struct fx_live_tput_cfg *c = t->c;
	int cpu = c->cpu[i % c->ncpu], node = -1;

	switch (c->kind) {
	case FX_LIVE_HASH:
		/* perf: calloc(nfutexes, sizeof(u32)) per worker */
		w->futex = calloc(c->nfutexes, sizeof(uint32_t));
		break;
	case FX_LIVE_LOCK_PI:
		w->futex = c->multi ? calloc(1, sizeof(uint32_t)) : &t->lock_word;
		break;
	case FX_LIVE_FUTEX2:
		if (c->numa == FX_LIVE_NUMA_MPOL)
			node = c->cpu_numa ? c->cpu_numa[cpu] : 0;
		w->size = (size_t)c->nfutexes * 8;
		w->size = (w->size + 4095) & ~(size_t)4095;
		w->futex = fx_live_alloc(w->size, node, err, errlen);
		if (!w->futex)
			return -ENOMEM;
		for (unsigned k = 0; k < c->nfutexes; k++)
			w->futex[2 * k + 1] = FX_LIVE_FUTEX_NO_NODE;
		return 0;
	}
	if (!w->futex) {
		snprintf(err, errlen, "calloc: out of memory");
		return -ENOMEM;
	}
	return 0;
}

static void tput_free(struct tput *t, struct tput_worker *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (t->c->kind == FX_LIVE_FUTEX2)
			fx_live_free(w[i].futex, w[i].size);
		else if (w[i].futex != &t->lock_word)
			free(w[i].futex);
	}
	free(w);
}

int fx_live_tput(const struct fx_live_tput_cfg *c, struct fx_live_tput_res *r,
		 char *err, size_t errlen)
{
	void *(*fn)(void *) = c->kind == FX_LIVE_HASH ? hash_worker :
			      c->kind == FX_LIVE_LOCK_PI ? lock_pi_worker :
			      futex2_worker;
	struct tput t = { .c = c };
	struct tput_worker *w;
	unsigned i, started = 0;
	uint64_t t0, tmax = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!c->nthreads || !c->ncpu || (c->kind != FX_LIVE_LOCK_PI && !c->nfutexes)) {
		snprintf(err, errlen, "threads, CPUs and futexes must be positive");
		return -EINVAL;
	}
	ret = proc_setup(c->mlockall, c->slots, err, errlen);
	if (ret)
		return ret;
	t.flag = c->shared ? 0 : FUTEX_PRIVATE_FLAG;
	t.flags2 = FX_LIVE_FUTEX2_SIZE_U32 |
		   (c->shared ? 0 : FX_LIVE_FUTEX2_PRIVATE) |
		   (c->numa != FX_LIVE_NUMA_PLAIN ? FX_LIVE_FUTEX2_NUMA : 0) |
		   (c->numa == FX_LIVE_NUMA_MPOL ? FX_LIVE_FUTEX2_MPOL : 0);
	pthread_mutex_init(&t.lock, NULL);
	pthread_cond_init(&t.parent, NULL);
	pthread_cond_init(&t.worker, NULL);
	w = calloc(c->nthreads, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "calloc: out of memory");
		return -ENOMEM;
	}
	t.starting = c->nthreads;
	for (i = 0; i < c->nthreads; i++) {
		w[i].t = &t;
		ret = tput_memory(&t, &w[i], i, err, errlen);
		if (ret)
			break;
		ret = fx_live_thread_start(&w[i].th, c->cpu[i % c->ncpu], fn, &w[i]);
		if (ret) {
			snprintf(err, errlen, "thread %u on CPU %d: %s", i,
				 c->cpu[i % c->ncpu], strerror(-ret));
			break;
		}
		started++;
	}
	pthread_mutex_lock(&t.lock);
	if (ret)		/* let the started ones through, then stop */
		t.starting = 0;
	while (t.starting)
		pthread_cond_wait(&t.parent, &t.lock);
	t0 = fx_probe_now_ns();
	t.go = true;
	pthread_cond_broadcast(&t.worker);
	pthread_mutex_unlock(&t.lock);
	if (!ret) {
		sleep_ns((uint64_t)(c->runtime_s * 1e9));
		r->slots = fx_live_slots_get();
	}
	atomic_store(&t.done, true);
	for (i = 0; i < started; i++)
		pthread_join(w[i].th, NULL);
	if (!ret) {
		for (i = 0; i < c->nthreads; i++) {
			double secs = (double)(w[i].t_end - t0) / 1e9;

			r->ops += w[i].ops;
			r->unexpected += w[i].unexpected;
			r->ops_per_s += (double)w[i].ops / secs;
			if (w[i].t_end - t0 > tmax)
				tmax = w[i].t_end - t0;
		}
		r->ops_per_s_thread = r->ops_per_s / c->nthreads;
		r->elapsed_s = (double)tmax / 1e9;
		if (r->unexpected) {
			snprintf(err, errlen, "%llu unexpected futex returns "
				 "(perf: \"Non-expected futex return call\")",
				 (unsigned long long)r->unexpected);
			ret = -EPROTO;
		}
	}
	tput_free(&t, w, c->nthreads);
	return ret;
}

/* ==== rounds: wake, wake-parallel, requeue ==== */

struct rounds;

/* one blocked thread, on a line of its own */
struct rslot {
	_Alignas(LINE) _Atomic uint32_t gate;	/* rounds opened for it */
	_Atomic uint32_t in;		/* rounds it entered */
	_Atomic pid_t tid;
	uint64_t t_ret;			/* return to user space, stamp */
	long ret;
	int err;
	pthread_t th;
	struct rounds *rd;
};

struct waker {
	_Alignas(LINE) pthread_t th;
	struct rounds *rd;
	uint64_t *ns;			/* [rounds_max] its call's time */
	unsigned *woken;		/* [rounds_max] */
};

struct rounds {
	const struct fx_live_round_cfg *c;
	/* perf's "static u_int32_t futex1 = 0, futex2 = 0;": adjacent */
	_Alignas(LINE) uint32_t futex1, futex2;
	_Alignas(LINE) _Atomic uint32_t finished;	/* thread-rounds done */
	_Alignas(LINE) _Atomic uint32_t wdone;		/* waker-rounds done */
	_Atomic bool wexit;
	unsigned round;
	int flag;
	unsigned per_waker;		/* wake-parallel: T / W */
	struct rslot *s;
	struct waker *wk;
	pthread_barrier_t bar;
	_Atomic unsigned waiter_errors;
	/* fresh: perf's start handshake, threads_starting under a mutex */
	pthread_mutex_t lock;
	pthread_cond_t parent, worker;
	unsigned starting;
	bool go;
};

static void futex_wake_all(uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* wake everyone on the benchmark's word @w, with its flag (-S or not) */
static void wake_word(struct rounds *rd, uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE | rd->flag, INT_MAX, NULL, NULL, 0);
}

/* wait until *@w >= @target (a word others increment, then wake) */
static void wait_count(_Atomic uint32_t *w, uint32_t target)
{
	uint32_t v;

	while ((v = atomic_load(w)) < target)
		syscall(SYS_futex, (uint32_t *)w, FUTEX_WAIT_PRIVATE, v, NULL,
			NULL, 0);
}

/* add one to *@w and wake its waiter when it reaches @target */
static void arrive(_Atomic uint32_t *w, uint32_t target)
{
	if (atomic_fetch_add(w, 1) + 1 == target)
		futex_wake_all((uint32_t *)w);
}

static void block_once(struct rounds *rd, struct rslot *s)
{
	const struct fx_live_round_cfg *c = rd->c;
	long ret;

	if (c->kind == FX_LIVE_REQUEUE && c->pi) {
		for (;;) {
			ret = syscall(SYS_futex, &rd->futex1,
				      FUTEX_WAIT_REQUEUE_PI | rd->flag, 0, NULL,
				      &rd->futex2, 0);
			if (!ret) {
				/* we own futex2: hand it to the next one */
				if (syscall(SYS_futex, &rd->futex2,
					    FUTEX_UNLOCK_PI | rd->flag, 0, NULL,
					    NULL, 0))
					atomic_fetch_add(&rd->waiter_errors, 1);
				break;
			}
			if (errno != EAGAIN) {	/* perf: warnx, break */
				atomic_fetch_add(&rd->waiter_errors, 1);
				break;
			}
		}
		s->ret = ret;
		return;
	}
	ret = syscall(SYS_futex, &rd->futex1, FUTEX_WAIT | rd->flag, 0, NULL,
		      NULL, 0);
	if (c->stamp)
		s->t_ret = fx_probe_now_ns();
	s->ret = ret;
	s->err = ret ? errno : 0;
}

static void *blocked_thread(void *arg)
{
	struct rslot *s = arg;
	struct rounds *rd = s->rd;
	const uint32_t n = rd->c->nthreads;

	atomic_store(&s->tid, fx_live_gettid());
	if (rd->c->fresh) {		/* perf's: one round, then exit */
		uint32_t r = rd->round;

		pthread_mutex_lock(&rd->lock);
		if (--rd->starting == 0)
			pthread_cond_signal(&rd->parent);
		while (!rd->go)
			pthread_cond_wait(&rd->worker, &rd->lock);
		pthread_mutex_unlock(&rd->lock);
		atomic_store(&s->in, r + 1);
		block_once(rd, s);
		arrive(&rd->finished, (r + 1) * n);
		return NULL;
	}
	for (uint32_t r = 0;; r++) {
		uint32_t g;

		while ((g = atomic_load(&s->gate)) == r)
			syscall(SYS_futex, (uint32_t *)&s->gate,
				FUTEX_WAIT_PRIVATE, r, NULL, NULL, 0);
		if (g == GATE_EXIT)
			break;
		atomic_store(&s->in, r + 1);	/* next: block on futex1 */
		block_once(rd, s);
		arrive(&rd->finished, (r + 1) * n);
	}
	return NULL;
}

static void *waker_thread(void *arg)
{
	struct waker *wk = arg;
	struct rounds *rd = wk->rd;
	const uint32_t nw = rd->c->nwake;

	for (uint32_t r = rd->c->fresh ? rd->round : 0;; r++) {
		uint64_t t0, t1;
		long ret;

		pthread_barrier_wait(&rd->bar);
		if (atomic_load(&rd->wexit))
			break;
		t0 = fx_probe_now_ns();
		ret = syscall(SYS_futex, &rd->futex1, FUTEX_WAKE | rd->flag,
			      rd->per_waker, NULL, NULL, 0);
		t1 = fx_probe_now_ns();
		wk->ns[r] = t1 - t0;
		wk->woken[r] = ret > 0 ? (unsigned)ret : 0;
		arrive(&rd->wdone, (r + 1) * nw);
		if (rd->c->fresh)
			break;		/* perf's wakers: one call each */
	}
	return NULL;
}

static void gate_open(struct rslot *s, uint32_t v)
{
	atomic_store(&s->gate, v);
	futex_wake_all((uint32_t *)&s->gate);
}

/* wait for thread @k to enter round @r and sleep in its futex call */
static int queued(struct rounds *rd, unsigned k, uint32_t r, char *err,
		  size_t errlen)
{
	struct rslot *s = &rd->s[k];
	uint64_t end = fx_probe_now_ns() + ASLEEP_NS;
	int ret;

	while (atomic_load(&s->in) != r + 1) {
		if (fx_probe_now_ns() > end) {
			snprintf(err, errlen, "thread %u did not start round %u", k, r);
			return -ETIMEDOUT;
		}
		sched_yield();
	}
	ret = fx_live_wait_asleep(atomic_load(&s->tid), ASLEEP_NS);
	if (ret)
		snprintf(err, errlen, "thread %u did not block in round %u: %s",
			 k, r, strerror(-ret));
	return ret;
}

/* the latencies of one wake round, from the stamps (queue order = k) */
static void wake_latencies(struct rounds *rd, const uint64_t *t0,
			   const unsigned *woke, unsigned calls, double *lat,
			   unsigned *nlat, unsigned *order_errors)
{
	unsigned k = 0;

	for (unsigned j = 0; j < calls; j++)
		for (unsigned m = 0; m < woke[j] && k < rd->c->nthreads; m++, k++) {
			uint64_t t = rd->s[k].t_ret;

			if (t < t0[j])
				(*order_errors)++;
			else
				lat[(*nlat)++] = (double)(t - t0[j]);
		}
}

/* create the blocked threads, thread k pinned to cpu[k % ncpu] */
static int start_blocked(struct rounds *rd, unsigned *started, char *err,
			 size_t errlen)
{
	const struct fx_live_round_cfg *c = rd->c;

	for (unsigned k = 0; k < c->nthreads; k++) {
		int ret = fx_live_thread_start(&rd->s[k].th, c->cpu[k % c->ncpu],
					       blocked_thread, &rd->s[k]);

		if (ret) {
			snprintf(err, errlen, "thread %u on CPU %d: %s", k,
				 c->cpu[k % c->ncpu], strerror(-ret));
			return ret;
		}
		(*started)++;
	}
	return 0;
}

/* create wake-parallel's wakers: "let the scheduler decide", unpinned */
static int start_wakers(struct rounds *rd, unsigned *started, char *err,
			size_t errlen)
{
	for (unsigned k = 0; k < rd->c->nwake; k++) {
		int ret = fx_live_thread_start(&rd->wk[k].th, -1, waker_thread,
					       &rd->wk[k]);

		if (ret) {
			snprintf(err, errlen, "waker %u: %s", k, strerror(-ret));
			return ret;
		}
		(*started)++;
	}
	return 0;
}

int fx_live_rounds(const struct fx_live_round_cfg *c,
		   struct fx_live_round_res *res, char *err, size_t errlen)
{
	struct rounds rd = { .c = c };
	const unsigned n = c->nthreads;
	unsigned k, started = 0, wstarted = 0, calls_cap = n + 64;
	uint64_t *t0 = NULL, begin, sum_ns = 0, timed = 0;
	unsigned *woke = NULL;
	double *lat = NULL;
	bool bar = false;
	uint32_t r;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!n || !c->ncpu || !c->rounds_min || c->rounds_max < c->rounds_min ||
	    (c->kind == FX_LIVE_WAKE && !c->nwake) ||
	    (c->kind == FX_LIVE_REQUEUE && !c->nrequeue) ||
	    (c->kind == FX_LIVE_WAKE_PARALLEL &&
	     (!c->nwake || c->nwake > n || n % c->nwake))) {
		snprintf(err, errlen, "bad parameters (threads %u, -w %u, -q %u, "
			 "rounds %u..%u; wake-parallel: threads a multiple of wakers)",
			 n, c->nwake, c->nrequeue, c->rounds_min, c->rounds_max);
		return -EINVAL;
	}
	ret = proc_setup(c->mlockall, c->slots, err, errlen);
	if (ret)
		return ret;
	rd.flag = c->shared ? 0 : FUTEX_PRIVATE_FLAG;
	pthread_mutex_init(&rd.lock, NULL);
	pthread_cond_init(&rd.parent, NULL);
	pthread_cond_init(&rd.worker, NULL);
	rd.s = aligned_alloc(LINE, sizeof(*rd.s) * n);
	if (c->kind == FX_LIVE_WAKE && c->stamp) {
		t0 = calloc(calls_cap, sizeof(*t0));
		woke = calloc(calls_cap, sizeof(*woke));
		lat = calloc((size_t)n * c->rounds_max, sizeof(*lat));
	}
	if (!rd.s || (c->kind == FX_LIVE_WAKE && c->stamp && (!t0 || !woke || !lat))) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	memset(rd.s, 0, sizeof(*rd.s) * n);
	for (k = 0; k < n; k++)
		rd.s[k].rd = &rd;
	if (!c->fresh) {
		ret = start_blocked(&rd, &started, err, errlen);
		if (ret)
			goto out;
	}
	if (c->kind == FX_LIVE_WAKE_PARALLEL) {
		rd.per_waker = n / c->nwake;
		rd.wk = aligned_alloc(LINE, sizeof(*rd.wk) * c->nwake);
		if (!rd.wk || pthread_barrier_init(&rd.bar, NULL, c->nwake + 1)) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
			goto out;
		}
		bar = true;
		memset(rd.wk, 0, sizeof(*rd.wk) * c->nwake);
		for (k = 0; k < c->nwake; k++) {
			rd.wk[k].rd = &rd;
			rd.wk[k].ns = calloc(c->rounds_max, sizeof(uint64_t));
			rd.wk[k].woken = calloc(c->rounds_max, sizeof(unsigned));
			if (!rd.wk[k].ns || !rd.wk[k].woken) {
				snprintf(err, errlen, "out of memory");
				ret = -ENOMEM;
				goto out;
			}
		}
		if (!c->fresh) {
			ret = start_wakers(&rd, &wstarted, err, errlen);
			if (ret)
				goto out;
		}
	}

	begin = fx_probe_now_ns();
	for (r = 0; r < c->rounds_max; r++) {
		bool seq = c->kind == FX_LIVE_WAKE && c->stamp;
		uint64_t a, b;
		unsigned calls = 0, done = 0;
		long ret2;

		if (r >= c->rounds_min &&
		    (double)(fx_probe_now_ns() - begin) / 1e9 >= c->budget_s)
			break;
		rd.round = r;
		if (c->fresh) {		/* perf: create, launch, block */
			rd.starting = n;
			rd.go = false;
			ret = start_blocked(&rd, &started, err, errlen);
			pthread_mutex_lock(&rd.lock);
			if (ret)
				rd.starting = 0;
			while (rd.starting)
				pthread_cond_wait(&rd.parent, &rd.lock);
			rd.go = true;
			pthread_cond_broadcast(&rd.worker);
			pthread_mutex_unlock(&rd.lock);
			if (ret)
				goto out;
		}
		/* open the round; with stamps one thread after the other,
		 * so that the bucket holds them in index order */
		for (k = 0; k < n; k++) {
			if (!seq)
				gate_open(&rd.s[k], r + 1);
			else {
				gate_open(&rd.s[k], r + 1);
				ret = queued(&rd, k, r, err, errlen);
				if (ret)
					goto out;
			}
		}
		/* fresh: perf's order, sleep first; then make sure of it */
		if (c->fresh && c->settle_ns)
			sleep_ns(c->settle_ns);
		for (k = 0; !seq && k < n; k++) {
			ret = queued(&rd, k, r, err, errlen);
			if (ret)
				goto out;
		}
		if (r == 0)
			res->slots = fx_live_slots_get();
		if (!c->fresh && c->settle_ns)
			sleep_ns(c->settle_ns);

		switch (c->kind) {
		case FX_LIVE_WAKE:
			a = fx_probe_now_ns();
			if (c->stamp) {
				while (done < n && calls < calls_cap) {
					t0[calls] = fx_probe_now_ns();
					ret2 = syscall(SYS_futex, &rd.futex1,
						       FUTEX_WAKE | rd.flag,
						       c->nwake, NULL, NULL, 0);
					if (ret2 < 0)
						break;
					woke[calls++] = (unsigned)ret2;
					done += (unsigned)ret2;
				}
			} else {
				while (done < n && calls < calls_cap) {
					ret2 = syscall(SYS_futex, &rd.futex1,
						       FUTEX_WAKE | rd.flag,
						       c->nwake, NULL, NULL, 0);
					if (ret2 < 0)
						break;
					calls++;
					done += (unsigned)ret2;
				}
			}
			b = fx_probe_now_ns();
			if (done < n) {
				snprintf(err, errlen, "round %u: %u wake calls woke %u "
					 "of %u threads", r, calls, done, n);
				ret = -EPROTO;
				goto out;
			}
			sum_ns += b - a;
			timed++;
			wait_count(&rd.finished, (r + 1) * n);
			if (c->stamp)
				wake_latencies(&rd, t0, woke, calls, lat,
					       &res->nlat, &res->order_errors);
			break;
		case FX_LIVE_WAKE_PARALLEL:
			/* perf creates its wakers now, after the settle */
			if (c->fresh) {
				ret = start_wakers(&rd, &wstarted, err, errlen);
				if (ret)
					goto out;
			}
			pthread_barrier_wait(&rd.bar);
			wait_count(&rd.wdone, (r + 1) * c->nwake);
			for (k = 0; k < c->nwake; k++) {
				sum_ns += rd.wk[k].ns[r];
				timed++;
				done += rd.wk[k].woken[r];
				if (rd.wk[k].woken[r] != rd.per_waker)
					res->warnings++;
			}
			/* a straggler would block the round for good */
			while (done < n &&
			       atomic_load(&rd.finished) < (r + 1) * n) {
				wake_word(&rd, &rd.futex1);
				sched_yield();
			}
			wait_count(&rd.finished, (r + 1) * n);
			break;
		case FX_LIVE_REQUEUE:
			a = fx_probe_now_ns();
			while (done < n) {
				if (c->pi)
					ret2 = syscall(SYS_futex, &rd.futex1,
						       FUTEX_CMP_REQUEUE_PI | rd.flag,
						       1, (unsigned long)c->nrequeue,
						       &rd.futex2, 0);
				else
					ret2 = syscall(SYS_futex, &rd.futex1,
						       FUTEX_CMP_REQUEUE | rd.flag,
						       0, (unsigned long)c->nrequeue,
						       &rd.futex2, 0);
				if (ret2 < 0) {
					ret = -errno;
					snprintf(err, errlen, "couldn't requeue from "
						 "futex1 to futex2: %s", strerror(errno));
					goto out;
				}
				done += (unsigned)ret2;
			}
			b = fx_probe_now_ns();
			sum_ns += b - a;
			timed++;
			if (!c->pi) {
				/* everybody is on futex2: wake them */
				ret2 = syscall(SYS_futex, &rd.futex2,
					       FUTEX_WAKE | rd.flag, done, NULL,
					       NULL, 0);
				if (ret2 != (long)n)
					res->warnings++;
				while (ret2 != (long)n &&
				       atomic_load(&rd.finished) < (r + 1) * n) {
					wake_word(&rd, &rd.futex2);
					sched_yield();
				}
			}
			wait_count(&rd.finished, (r + 1) * n);
			break;
		}
		res->rounds++;
		if (c->fresh) {		/* perf: pthread_join() them all */
			for (k = 0; k < started; k++)
				pthread_join(rd.s[k].th, NULL);
			started = 0;
			for (k = 0; k < wstarted; k++)
				pthread_join(rd.wk[k].th, NULL);
			wstarted = 0;
		}
	}
	res->ms = timed ? (double)sum_ns / (double)timed / 1e6 : NAN;
	res->waiter_errors = atomic_load(&rd.waiter_errors);
	if (lat && res->nlat) {
		res->lat_p50 = fx_live_quantile(lat, res->nlat, 0.50);
		res->lat_p90 = fx_live_quantile(lat, res->nlat, 0.90);
		res->lat_p99 = fx_live_quantile(lat, res->nlat, 0.99);
	}
	if (res->waiter_errors) {
		snprintf(err, errlen, "%u waits or unlocks failed", res->waiter_errors);
		ret = -EPROTO;
	}
out:
	/* let every thread out: gates, barrier, futex1 */
	for (k = 0; k < started; k++)
		gate_open(&rd.s[k], GATE_EXIT);
	if (ret && started) {
		for (int spin = 0; spin < 1000; spin++) {
			wake_word(&rd, &rd.futex1);
			wake_word(&rd, &rd.futex2);
			usleep(100);
		}
	}
	for (k = 0; k < started; k++)
		pthread_join(rd.s[k].th, NULL);
	if (wstarted) {
		atomic_store(&rd.wexit, true);
		pthread_barrier_wait(&rd.bar);
		for (k = 0; k < wstarted; k++)
			pthread_join(rd.wk[k].th, NULL);
	}
	if (bar)
		pthread_barrier_destroy(&rd.bar);
	if (rd.wk)
		for (k = 0; k < c->nwake; k++) {
			free(rd.wk[k].ns);
			free(rd.wk[k].woken);
		}
	free(rd.wk);
	free(rd.s);
	free(t0);
	free(woke);
	free(lat);
	return ret;
}

/* ==== chain walk ==== */

int fx_live_private_bucket(uintptr_t addr, unsigned slots)
{
	const struct fx_hasher *jh = fx_hasher_find("jhash2");
	uint64_t page = (uint64_t)addr & ~(uint64_t)4095;
	uint32_t words[2] = { (uint32_t)page, (uint32_t)(page >> 32) };

	if (!jh)
		return -ENOENT;
	/* the kernel: jhash2(&key.private.address, 2, key.both.offset) */
	return (int)(jh->hash_key(words, 2, (uint32_t)(addr & 4095), 0) &
		     (slots - 1));
}

struct chain_waiter {
	_Alignas(LINE) uint32_t *word;
	_Atomic int in;
	_Atomic pid_t tid;
	pthread_t th;
};

static void *chain_thread(void *arg)
{
	struct chain_waiter *w = arg;

	atomic_store(&w->tid, fx_live_gettid());
	atomic_store(&w->in, 1);
	while (__atomic_load_n(w->word, __ATOMIC_ACQUIRE) == 0)
		syscall(SYS_futex, w->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

struct chain_run {
	uint32_t *key;
	long loops;
};

static double chain_loop(void *arg)
{
	struct chain_run *cr = arg;

	return fx_probe_wake_empty(cr->key, FUTEX_WAKE_PRIVATE, cr->loops);
}

int fx_live_chain(const struct fx_live_chain_cfg *c,
		  struct fx_live_chain_res *r, char *err, size_t errlen)
{
	const size_t size = 2 * 4096;
	struct chain_waiter *w = NULL;
	struct chain_run cr = { .loops = c->loops };
	unsigned placed = 0, started = 0, k;
	uint32_t *area;
	int bk, ret;

	memset(r, 0, sizeof(*r));
	ret = fx_probe_pin(c->cpu);
	if (ret) {
		snprintf(err, errlen, "pin to CPU %d: %s", c->cpu, strerror(-ret));
		return ret;
	}
	/* the smallest private hash: 2 slots, one of them K's */
	ret = fx_live_slots_set(2);
	if (ret) {
		snprintf(err, errlen, "prctl(PR_FUTEX_HASH, SET_SLOTS, 2): %s",
			 strerror(-ret));
		return ret;
	}
	r->slots = fx_live_slots_get();
	if (r->slots != 2) {
		snprintf(err, errlen, "GET_SLOTS is %d after SET_SLOTS 2", r->slots);
		return -EPROTO;
	}
	area = fx_live_alloc(size, -1, err, errlen);
	if (!area)
		return -ENOMEM;
	cr.key = &area[64];		/* K: offset 0x100 of the first page */
	bk = fx_live_private_bucket((uintptr_t)cr.key, 2);
	if (bk < 0) {
		snprintf(err, errlen, "no jhash2 in the hasher registry");
		ret = bk;
		goto out;
	}
	w = aligned_alloc(LINE, sizeof(*w) * (c->chain ? c->chain : 1));
	if (!w) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memset(w, 0, sizeof(*w) * (c->chain ? c->chain : 1));
	/* other words of the two pages whose bucket is K's */
	for (k = 1; k < size / 4 && placed < c->chain; k++) {
		uint32_t *p = &area[k];

		if (p != cr.key && fx_live_private_bucket((uintptr_t)p, 2) == bk)
			w[placed++].word = p;
	}
	if (placed < c->chain) {
		snprintf(err, errlen, "only %u words of two pages share K's bucket",
			 placed);
		ret = -ENOSPC;
		goto out;
	}
	for (k = 0; k < c->chain; k++) {
		ret = fx_live_thread_start(&w[k].th, c->waiter_cpu, chain_thread, &w[k]);
		if (ret) {
			snprintf(err, errlen, "waiter %u: %s", k, strerror(-ret));
			goto out;
		}
		started++;
	}
	for (k = 0; k < c->chain; k++) {
		while (!atomic_load(&w[k].in))
			sched_yield();
		ret = fx_live_wait_asleep(atomic_load(&w[k].tid), ASLEEP_NS);
		if (ret) {
			snprintf(err, errlen, "waiter %u did not block: %s", k,
				 strerror(-ret));
			goto out;
		}
	}
	r->wake_ns = fx_probe_best(chain_loop, &cr, c->runs, &r->wake_ns_median);
out:
	for (k = 0; k < started; k++) {
		__atomic_store_n(w[k].word, 1, __ATOMIC_RELEASE);
		syscall(SYS_futex, w[k].word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	for (k = 0; k < started; k++)
		pthread_join(w[k].th, NULL);
	free(w);
	fx_live_free(area, size);
	return ret;
}
