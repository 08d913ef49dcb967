/* SPDX-License-Identifier: MIT */
/*
 * primopt.h - what the user-space primitive workloads share (mutex,
 * condvar, barrier, rwlock, semaphore, pi-mutex, noisy-neighbour):
 *
 *   fx_popt_*   a small table-driven option parser whose errors read
 *               "NAME: -t 'x' is not a number (expected ...)"
 *   fx_lll_*    glibc's lowlevellock (Drepper's "mutex 3") as a
 *               sub-state-machine that a workload's step function runs
 *               inside its own: lll_lock, lll_cond_lock, lll_unlock
 *   fx_prim_mloop_*  a thread looping lock, work, unlock, pause
 *   fx_prim_*   thread placement, per-thread tallies, the summary line
 *
 * A step function composes with a running fx_lll_op like this:
 *
 *	for (;;) {
 *		if (fx_lll_busy(&t->lll) && fx_lll_step(&t->lll, th, act))
 *			return;			// the lock op set the action
 *		switch (t->state) { ... }	// set an action and return,
 *	}					// or start an op and continue
 *
 * Each call of fx_lll_step() sets exactly one action (one atomic or one
 * futex call), reading the result of the previous one from th->uval or
 * th->ret, until the operation is complete; then it returns false and
 * sets nothing.
 */
#ifndef FX_PRIMOPT_H
#define FX_PRIMOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "des/des.h"
#include "stats.h"

/* ---- options ---- */
enum fx_popt_type {
	FX_POPT_UINT,		/* unsigned in [min, max] */
	FX_POPT_NS,		/* uint64_t ns; "250", "250ns", "2us", "1ms" */
	FX_POPT_SEC,		/* uint64_t ns; plain numbers are seconds:
				   "0.005", "5ms", "2s" */
	FX_POPT_BOOL,		/* bool set to true; takes no value */
	FX_POPT_CHOICE,		/* unsigned index into @choices */
};

struct fx_popt {
	char sname;			/* 't', or 0 for long-only */
	const char *lname;		/* "threads", or NULL */
	enum fx_popt_type type;
	void *dst;			/* unsigned, uint64_t or bool */
	uint64_t min, max;		/* UINT, NS, SEC: the valid range */
	const char *const *choices;	/* CHOICE: NULL-terminated names */
	const char *expect;		/* "a thread count 1..4096" */
};

/* table entries */
#define FX_POPT_COUNT(c, l, dst, lo, hi, what)				\
	{ c, l, FX_POPT_UINT, dst, lo, hi, NULL, what }
#define FX_POPT_TIME(c, l, dst, what)					\
	{ c, l, FX_POPT_NS, dst, 0, 1000000000, NULL,			\
	  what " of 0..1s, in ns or with a unit (500, 2us)" }
#define FX_POPT_FLAG(c, l, dst)						\
	{ c, l, FX_POPT_BOOL, dst, 0, 0, NULL, "no value" }
#define FX_POPT_ONEOF(c, l, dst, names, what)				\
	{ c, l, FX_POPT_CHOICE, dst, 0, 0, names, what }

/* The options every primitive has: -t, -r, -s. */
struct fx_prim_common {
	unsigned threads;		/* -t; 0: the workload's default */
	uint64_t run_ns;		/* -r */
	bool silent;			/* -s */
};

#define FX_PRIM_RUNTIME_NS	10000000ull	/* -r's default: 10 ms */

#define FX_POPT_COMMON(c, tmin)						\
	FX_POPT_COUNT('t', "threads", &(c)->threads, tmin, 4096,	\
		      "a thread count " #tmin "..4096"),		\
	{ 'r', "runtime", FX_POPT_SEC, &(c)->run_ns, 1000,		\
	  3600000000000ull, NULL,					\
	  "a simulated run time of 1us..1h, in s or with a unit (0.01, 5ms)" }, \
	FX_POPT_FLAG('s', "silent", &(c)->silent)

/* usage lines: -t (@tdef: its default), then -r and -s */
#define FX_PRIM_USAGE_THREADS(tdef)					\
	"  -t, --threads N   threads, thread i pinned to CPU i % ncpus\n"	\
	"                    (default: " tdef ";\n"			\
	"                    futexsim run --threads overrides)\n"
#define FX_PRIM_USAGE_RS						\
	"  -r, --runtime S   simulated seconds, or with a unit (0.002, 2ms);\n" \
	"                    threads stop at their first free moment after\n" \
	"                    it (default 0.01)\n"				\
	"  -s, --silent      no summary lines\n"

/* FX_POPT_PARSE - fx_popt_parse() of a whole array @tab */
#define FX_POPT_PARSE(name, tab, argc, argv, err, errlen)		\
	fx_popt_parse(name, tab, sizeof(tab) / sizeof((tab)[0]), argc,	\
		      argv, err, errlen)

/**
 * fx_popt_parse - parse @argv[1..] against @tab
 * @name:   the workload's name, which every message starts with
 * @tab:    the options; @n entries
 * @argc/@argv: argv[0] is the workload name
 * @err:    "NAME: what was wrong (expected ...)"
 *
 * Accepts "-t 4", "-t4", "--threads 4" and "--threads=4".
 *
 * Return: 0, or -EINVAL with @err set.
 */
int fx_popt_parse(const char *name, const struct fx_popt *tab, unsigned n,
		  int argc, char **argv, char *err, size_t errlen);

/* ---- the lowlevellock sub-state-machine ---- */

/* Counters of one lock (or of all locks of a workload). */
struct fx_lll_stats {
	uint64_t acquired;	/* lock operations completed */
	uint64_t contended;	/* of those, the first cmpxchg failed */
	uint64_t futex_wait;	/* FUTEX_WAIT calls */
	uint64_t wait_eagain;	/* of those, -EAGAIN: the word had changed */
	uint64_t futex_wake;	/* FUTEX_WAKE calls by unlock */
	uint64_t woken;		/* tasks they woke */
	uint64_t bad_word;	/* word values other than 0, 1, 2 seen */
	struct fx_qhist *wait_lat;	/* optional: contended acquisitions,
					   failed cmpxchg -> lock held, ns */
};

enum fx_lll_kind {
	FX_LLL_LOCK,		/* lll_lock: cmpxchg 0 -> 1 */
	FX_LLL_COND_LOCK,	/* lll_cond_lock: cmpxchg 0 -> 2 (after a
				   condvar wait: other waiters may be queued) */
	FX_LLL_UNLOCK,		/* lll_unlock: xchg 0, wake 1 if it was 2 */
	FX_LLL_UNLOCK_DEC,	/* Drepper's unlock: fetch_sub 1; if it was
				   not 1: store 0, wake 1 */
};

struct fx_lll_op {
	uint64_t addr;			/* the lock word */
	struct fx_lll_stats *stats;	/* may be NULL */
	unsigned flags;			/* FX_PRIVATE_FLAG or 0 */
	uint64_t t0;			/* when the first cmpxchg failed */
	uint8_t kind;			/* enum fx_lll_kind */
	uint8_t st;			/* 0: idle */
};

/**
 * fx_lll_start - begin a lowlevellock operation
 * @op:    the thread's op slot (must be idle)
 * @kind:  FX_LLL_*
 * @addr:  the lock word
 * @flags: FX_PRIVATE_FLAG for a process-private lock, else 0
 * @stats: counters to update, or NULL
 */
void fx_lll_start(struct fx_lll_op *op, enum fx_lll_kind kind, uint64_t addr,
		  unsigned flags, struct fx_lll_stats *stats);

/**
 * fx_lll_step - run @op one action further
 * @op: a busy op
 * @th: the thread (th->uval / th->ret hold the last action's result)
 * @act: the action to set
 *
 * Return: true when @act was set; false when the operation is complete
 * (the lock is held, or released), @act untouched and @op idle.
 */
bool fx_lll_step(struct fx_lll_op *op, struct fx_des_thread *th,
		 struct fx_des_act *act);

static inline bool fx_lll_busy(const struct fx_lll_op *op)
{
	return op->st != 0;
}

/* ---- a lock/unlock loop (mutex.c, noisy_neighbour.c's victim) ---- */

/*
 * struct fx_prim_mloop - a thread that loops: lll_lock, stay -c ns in
 * the critical section, lll_unlock, compute -o ns; it checks the clock
 * only with the lock released and exits after @end_ns.  Mutual exclusion
 * is checked from outside the model through *@occ.
 */
struct fx_prim_mloop {
	struct fx_lll_op lll;
	uint64_t addr;			/* the lock word */
	unsigned flags;			/* FX_PRIVATE_FLAG or 0 */
	bool dec;			/* unlock by fetch_sub (Drepper) */
	uint64_t cs_ns, out_ns, end_ns;
	struct fx_lll_stats *stats;	/* the lock's counters, or NULL */
	unsigned *occ;			/* the lock's occupancy */
	uint64_t *violations;		/* entries that found *occ != 0 */
	uint64_t mark_ns;		/* ops_after counts from here */
	uint8_t st;			/* 0: about to lock */
	uint64_t ops;			/* lock + unlock pairs done */
	uint64_t ops_after;		/* of those, done at >= mark_ns */
};

/* fx_prim_mloop_step - the step function's body for an mloop thread */
void fx_prim_mloop_step(struct fx_prim_mloop *m, struct fx_des_thread *th,
			struct fx_des_act *act);

/* ---- helpers ---- */

/**
 * fx_prim_threads - the thread count of a run
 * @des: simulation; @override: futexsim run --threads (0: none)
 * @c: the options; @per_cpu: threads per CPU when -t was not given
 */
unsigned fx_prim_threads(const struct fx_des *des, unsigned override,
			 const struct fx_prim_common *c, unsigned per_cpu);

/**
 * fx_prim_proc_alloc - a new process of @des and @size bytes of its heap
 * @des: simulation; @size: bytes, cache-line aligned
 * @p: out, the process; @base: out, the address of the bytes
 *
 * Return: 0, or a negative errno.
 */
int fx_prim_proc_alloc(struct fx_des *des, uint64_t size,
		       struct fx_des_proc **p, uint64_t *base);

/* fx_prim_cpu - CPU for thread @i placed round-robin on [first, first+n) */
int fx_prim_cpu(const struct fx_des *des, unsigned i, unsigned first,
		unsigned n);

/* A min/max/sum over threads. */
struct fx_prim_tally {
	uint64_t n, sum, min, max;
};

void fx_prim_tally_add(struct fx_prim_tally *t, uint64_t v);

/**
 * fx_prim_summary - the first line every primitive's report prints:
 * "NAME: N threads: X ops in T ms (R ops/s), per thread min/avg/max"
 * @out: stream; @name: workload name; @des: the finished simulation
 * @ops: per-thread operation counts
 */
void fx_prim_summary(FILE *out, const char *name, struct fx_des *des,
		     const struct fx_prim_tally *ops);

/* fx_lll_stats_add - add @src's counters to @dst's (not wait_lat) */
void fx_lll_stats_add(struct fx_lll_stats *dst,
		      const struct fx_lll_stats *src);

/* fx_prim_lll_print - the futex side of a set of lowlevellocks */
void fx_prim_lll_print(FILE *out, const char *what,
		       const struct fx_lll_stats *s);

/*
 * fx_prim_done - the loop condition of every primitive's thread: the
 * simulated run time @end_ns has passed
 */
static inline bool fx_prim_done(const struct fx_des_thread *th,
				uint64_t end_ns)
{
	return fx_des_now(th->des) >= end_ns;
}

#endif /* FX_PRIMOPT_H */
