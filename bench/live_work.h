/* SPDX-License-Identifier: MIT */
/*
 * live_work.h - perf bench futex's scenarios and the runner's own
 * experiments, run on the live kernel (make bench; docs/bench-live.md).
 *
 * Each function runs in the calling process, which it changes (threads,
 * prctl(PR_FUTEX_HASH), mlockall): call it in a child of its own
 * (fx_live_in_child()).  They follow perf's sources
 * (tools/perf/bench/futex-*.c) and the simulator's versions
 * (workloads/perf_*.c), so simulated and measured figures compare:
 *
 *   fx_live_tput()    hash: T threads loop FUTEX_WAIT(word, 1234) over
 *                     their F words (EAGAIN at once), counting in a local
 *                     variable, no per-operation timing, until a flag
 *                     flips after the runtime (perf -t -f -r -S);
 *                     lock_pi: FUTEX_LOCK_PI, usleep(1), FUTEX_UNLOCK_PI
 *                     (perf -t -r -M -S); futex2: futex_wait (EAGAIN) +
 *                     futex_wake (nobody) with FUTEX2_NUMA / FUTEX2_MPOL
 *   fx_live_rounds()  wake, wake-parallel, requeue: T threads block on
 *                     one futex, the main thread (or W waker threads)
 *                     times how long waking / requeueing them takes
 *   fx_live_chain()   FUTEX_WAKE on a key whose private-hash bucket holds
 *                     L waiters of other keys
 *
 * Worker i is pinned to cpu[i % ncpu] as perf pins it; perf's main
 * thread and wake-parallel's wakers are not pinned.  Return: 0 or a
 * negative errno with @err saying what failed; no figure is made up.
 */
#ifndef FX_LIVE_WORK_H
#define FX_LIVE_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum fx_live_tput_kind {
	FX_LIVE_HASH,		/* perf bench futex hash */
	FX_LIVE_LOCK_PI,	/* perf bench futex lock-pi */
	FX_LIVE_FUTEX2,		/* futex2 wait/wake pairs (the numa benchmark) */
};

enum fx_live_numa_mode {
	FX_LIVE_NUMA_PLAIN,	/* FUTEX2_PRIVATE: the process-private hash */
	FX_LIVE_NUMA_NUMA,	/* + FUTEX2_NUMA, node word FUTEX_NO_NODE */
	FX_LIVE_NUMA_MPOL,	/* + FUTEX2_MPOL, words MPOL_PREFERRED on the
				 * worker's node */
};

struct fx_live_tput_cfg {
	enum fx_live_tput_kind kind;
	unsigned nthreads;	/* -t */
	unsigned nfutexes;	/* -f: per thread (hash, futex2) */
	bool shared;		/* -S: no FUTEX_PRIVATE_FLAG */
	bool multi;		/* -M: lock_pi, a lock per thread */
	bool mlockall;		/* -m */
	enum fx_live_numa_mode numa;	/* futex2 */
	int slots;		/* -b: >= 0 SET_SLOTS before the threads */
	double runtime_s;	/* -r */
	const int *cpu;		/* worker i on cpu[i % ncpu] */
	unsigned ncpu;
	const int *cpu_numa;	/* libnuma node of each CPU id (mpol) */
};

struct fx_live_tput_res {
	double ops_per_s;	/* sum over threads of ops / own run time */
	double ops_per_s_thread;	/* its mean per thread: perf's figure */
	double elapsed_s;	/* start gate to the last thread's end */
	uint64_t ops;
	uint64_t unexpected;	/* a return other than the expected one */
	int slots;		/* GET_SLOTS while every thread runs */
};

int fx_live_tput(const struct fx_live_tput_cfg *c, struct fx_live_tput_res *r,
		 char *err, size_t errlen);

enum fx_live_round_kind {
	FX_LIVE_WAKE,		/* perf bench futex wake */
	FX_LIVE_WAKE_PARALLEL,	/* perf bench futex wake-parallel */
	FX_LIVE_REQUEUE,	/* perf bench futex requeue */
};

struct fx_live_round_cfg {
	enum fx_live_round_kind kind;
	unsigned nthreads;	/* -t: blocked threads */
	unsigned nwake;		/* wake -w: per call; wake-parallel -w: wakers */
	unsigned nrequeue;	/* requeue -q (or T for -B) */
	bool pi;		/* requeue -p */
	bool shared;		/* -S */
	bool mlockall;		/* -m */
	int slots;		/* -b */
	unsigned rounds_min;	/* at least this many rounds ... */
	unsigned rounds_max;	/* ... at most this many ... */
	double budget_s;	/* ... and none begun after this long */
	uint64_t settle_ns;	/* sleep once all are queued (perf: 100 ms) */
	bool stamp;		/* wake: stamp each call for the latencies */
	bool fresh;		/* perf's lifecycle: the threads (and wakers)
				 * are created for each round and exit after
				 * it; else created once and reused */
	const int *cpu;
	unsigned ncpu;
};

struct fx_live_round_res {
	double ms;		/* mean timed section (perf's figure) */
	unsigned rounds;
	double lat_p50, lat_p90, lat_p99;	/* ns, wake with stamp */
	unsigned nlat;		/* latencies behind them */
	unsigned order_errors;	/* wakees that returned before the call
				 * that should have woken them began */
	unsigned warnings;	/* perf's "couldn't wakeup all tasks" */
	unsigned waiter_errors;	/* requeue -p: a wait that failed */
	int slots;
};

int fx_live_rounds(const struct fx_live_round_cfg *c,
		   struct fx_live_round_res *r, char *err, size_t errlen);

struct fx_live_chain_cfg {
	unsigned chain;		/* foreign waiters in the key's bucket */
	int cpu;		/* the waking thread's CPU */
	int waiter_cpu;		/* the foreign waiters' CPU, -1: any */
	int runs;		/* best of this many runs ... */
	long loops;		/* ... of this many FUTEX_WAKEs */
};

struct fx_live_chain_res {
	double wake_ns;		/* best run */
	double wake_ns_median;	/* median run */
	int slots;		/* GET_SLOTS: 2 */
};

int fx_live_chain(const struct fx_live_chain_cfg *c,
		  struct fx_live_chain_res *r, char *err, size_t errlen);

/**
 * fx_live_private_bucket - the bucket of the private futex at @addr in a
 * process-private hash of @slots slots (a power of two): jhash2 over the
 * page address's two words, initval the offset in the page, & (slots - 1),
 * computed with the simulator's jhash2 (sim/hashers/jhash2.c)
 * Return: the bucket, or -ENOENT if the registry has no jhash2.
 */
int fx_live_private_bucket(uintptr_t addr, unsigned slots);

/* fx_live_quantile - nearest-rank @q-quantile of @v[0..n-1] (sorts @v) */
double fx_live_quantile(double *v, size_t n, double q);

#ifdef __cplusplus
}
#endif

#endif /* FX_LIVE_WORK_H */
