/* SPDX-License-Identifier: MIT */
/*
 * primopt.h - what the user-space primitive workloads share (mutex,
 * condvar, barrier, rwlock, semaphore, pi-mutex, noisy-neighbour):
 *
 *   fx_popt_*   a small table-driven option parser whose errors read
 *               "NAME: -t 'x' is not a number (expected ...)"
 *   fx_prim_opts_*, fx_prim_setup_run, fx_prim_spawn, fx_prim_end_ns
 *               a workload's life: its options, the state of the last
 *               setup() (run state and per-thread states), its threads
 *   fx_lll_*    glibc's lowlevellock (Drepper's "mutex 3") as a
 *               sub-state-machine that a workload's step function runs
 *               inside its own: lll_lock, lll_cond_lock, lll_unlock
 *   fx_prim_mloop_*  a thread looping lock, work, unlock, pause
 *   fx_prim_*   step helpers (stop, think, count an operation), thread
 *               placement, per-thread tallies, the summary line
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

/*
 * The options every primitive has: -t, -r, -s; and the state of the last
 * setup(), which report() reads.  The first member of every primitive's
 * options (fx_prim_opts_new(), fx_prim_opts_free()).
 */
struct fx_prim_common {
	unsigned threads;		/* -t; 0: the workload's default */
	uint64_t run_ns;		/* -r */
	bool silent;			/* -s */
	void *run;			/* the last setup()'s state, or NULL */
	void (*run_fini)(void *run);	/* frees what @run holds (not @run
					   itself); NULL: nothing */
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

/* ---- a workload's options, run state and threads ---- */

/**
 * fx_prim_opts_new - the start of a primitive's parse(): its options,
 * zeroed but for -r's default
 * @size:     bytes of its options, whose first member is a struct
 *            fx_prim_common
 * @run_fini: frees what its run state holds besides itself, or NULL
 *
 * Return: the options, or NULL (out of memory).
 */
void *fx_prim_opts_new(size_t size, void (*run_fini)(void *run));

/**
 * fx_prim_opts_done - the end of a primitive's parse()
 * @opts: from fx_prim_opts_new(), the options parsed
 * @rc:   0, or the error that parsing or checking them met
 * @out:  parse()'s @opts, set to @opts when @rc is 0
 *
 * Return: @rc.  When it is not 0, @opts is freed and @out left alone.
 */
int fx_prim_opts_done(void *opts, int rc, void **out);

/**
 * fx_prim_opts_free - a primitive's free()
 * @opts: from fx_prim_opts_new(), or NULL
 *
 * Frees the state of the last setup() (c->run_fini, then the state) and
 * the options.
 */
void fx_prim_opts_free(void *opts);

/**
 * fx_prim_end_ns - a primitive's end_ns()
 * @opts: its options (unused)
 *
 * Return: 0: the run lasts until the threads exit, each stopping itself
 * at its first free moment after -r.
 */
uint64_t fx_prim_end_ns(const void *opts);

/* The first member of every primitive's run state. */
struct fx_prim_run {
	uint64_t end_ns;		/* -r: the threads stop after it */
	unsigned nthreads;		/* -t, or futexsim run --threads */
};

/**
 * fx_prim_setup_run - the start of a primitive's setup(): a zeroed run
 * state in place of the last setup's, followed by one zeroed state per
 * thread (a flexible array member at its end)
 * @c:        the options; c->run becomes the new state
 * @size:     bytes of the run state, whose first member is a struct
 *            fx_prim_run
 * @tsize:    bytes of one thread's state (0: the workload keeps its own)
 * @des/@nthreads: as struct fx_workload's setup()
 * @per_cpu:  threads per CPU when neither -t nor --threads is given
 *
 * The state's struct fx_prim_run is filled in: end_ns from -r, nthreads
 * from --threads, -t or @per_cpu.
 *
 * Return: the state, or NULL (out of memory).
 */
void *fx_prim_setup_run(struct fx_prim_common *c, size_t size, size_t tsize,
			struct fx_des *des, unsigned nthreads,
			unsigned per_cpu);

/**
 * fx_prim_spawn - create a process's threads in order, thread i pinned to
 * CPU i % ncpus
 * @des:     the simulation; @p: the process
 * @step:    their step function
 * @threads: their states, @size bytes each: thread i's th->priv is
 *           (char *)@threads + i * @size
 * @n:       how many
 * @made:    called with each thread and its index as soon as it exists,
 *           before the next one is created; NULL: none
 *
 * Return: 0, a negative errno, or what @made returned if not 0.
 */
int fx_prim_spawn(struct fx_des *des, struct fx_des_proc *p,
		  fx_des_step_fn step, void *threads, size_t size, unsigned n,
		  int (*made)(struct fx_des_thread *th, unsigned i));

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

/* A lowlevellock: its word, its counters, its occupancy seen from outside. */
struct fx_prim_lock {
	uint64_t addr;			/* the lock word */
	unsigned occ;			/* threads inside */
	struct fx_lll_stats st;
};

/*
 * struct fx_prim_mloop - a thread that loops: lll_lock, stay -c ns in
 * the critical section, lll_unlock, compute -o ns; it checks the clock
 * only with the lock released and exits after @end_ns.  Mutual exclusion
 * is checked from outside the model through lock->occ.
 */
struct fx_prim_mloop {
	struct fx_lll_op lll;
	struct fx_prim_lock *lock;
	unsigned flags;			/* FX_PRIVATE_FLAG or 0 */
	bool dec;			/* unlock by fetch_sub (Drepper) */
	uint64_t cs_ns, out_ns, end_ns;
	uint64_t *violations;		/* entries that found lock->occ != 0 */
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
 * fx_prim_summary - unless -s, the first line every primitive's report
 * prints: "NAME: N threads: X ops in T ms (R ops/s), per thread
 * min/avg/max"
 * @out: stream; @name: workload name; @des: the finished simulation
 * @c: the options (-s); @ops: per-thread operation counts
 *
 * Return: false under -s, when the report prints nothing at all.
 */
bool fx_prim_summary(FILE *out, const char *name, struct fx_des *des,
		     const struct fx_prim_common *c,
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

/**
 * fx_prim_stop - at the top of a thread's loop: exit once @end_ns has
 * passed
 * @th/@act: the thread and its next action; @end_ns: -r
 *
 * Return: true when @act was set (the thread exits).
 */
static inline bool fx_prim_stop(const struct fx_des_thread *th,
				struct fx_des_act *act, uint64_t end_ns)
{
	if (!fx_prim_done(th, end_ns))
		return false;
	fx_act_exit(act);
	return true;
}

/**
 * fx_prim_think - compute for @ns, if any
 * @act: the thread's next action; @ns: 0 for none
 *
 * Return: true when @act was set, false when there is nothing to do.
 */
static inline bool fx_prim_think(struct fx_des_act *act, uint64_t ns)
{
	if (!ns)
		return false;
	fx_act_think(act, ns);
	return true;
}

/**
 * fx_prim_op_done - the end of a thread's operation
 * @th/@act: the thread and its next action
 * @ops: the thread's own count of operations, or NULL
 * @ns: computing time before the next operation, 0 for none
 *
 * Counts the operation in *@ops and in the run's throughput
 * (fx_des_count_ops()), then fx_prim_think(@act, @ns).
 *
 * Return: true when @act was set.
 */
static inline bool fx_prim_op_done(struct fx_des_thread *th,
				   struct fx_des_act *act, uint64_t *ops,
				   uint64_t ns)
{
	if (ops)
		(*ops)++;
	fx_des_count_ops(th, 1);
	return fx_prim_think(act, ns);
}

#endif /* FX_PRIMOPT_H */
