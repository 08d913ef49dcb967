/* SPDX-License-Identifier: MIT */
/*
 * perfopt.h - what the five perf-* workloads share: perf bench futex's
 * options (tools/perf/bench/futex.h: struct bench_futex_parameters),
 * perf's mean/stddev helpers (tools/perf/util/stat.c), its summary lines,
 * the common setup (process, main thread, PR_FUTEX_HASH, pinning) and the
 * small user-space state machines the round-based benchmarks use to start
 * and join their threads.
 *
 * Step-function helpers (fx_perf_gate_*, fx_perf_count_*) are little
 * state machines of their own: called from a thread's step function, they
 * return true with @act filled while they still have something to do, and
 * false (act untouched) once done.  Their progress lives in an unsigned
 * @phase owned by the caller, 0 to start.
 */
#ifndef FX_PERFOPT_H
#define FX_PERFOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "des/des.h"

/* perf's bench_repeat: rounds of wake, wake-parallel and requeue */
#define FX_PERF_REPEAT		10
/* the simulated default of -r (perf: 10 s of wall time) */
#define FX_PERF_RUNTIME_NS	10000000ull
/* upper bound of any count option (threads, futexes, ...) */
#define FX_PERF_MAX_COUNT	(1u << 24)
/* how often the main thread re-checks that its waiters are queued */
#define FX_PERF_POLL_NS		1000ull

/* struct bench_futex_parameters, plus perf bench's own --repeat */
struct fx_perf_params {
	unsigned nthreads;	/* -t; 0: one per CPU of the topology */
	unsigned nfutexes;	/* -f (hash) */
	unsigned nwakes;	/* -w: per call (wake) or wakers (parallel) */
	unsigned nrequeue;	/* -q (requeue) */
	unsigned repeat;	/* --repeat: rounds */
	int nbuckets;		/* -b; -1: leave the kernel's choice */
	uint64_t runtime_ns;	/* -r, in simulated nanoseconds */
	bool silent;		/* -s */
	bool fshared;		/* -S: no FUTEX_PRIVATE_FLAG */
	bool mlockall;		/* -m: accepted, no effect */
	bool multi;		/* -M (lock-pi) */
	bool broadcast;		/* -B (requeue) */
	bool pi;		/* -p (requeue) */
};

enum fx_perf_opt_type {
	FX_PERF_OPT_COUNT,	/* a positive integer */
	FX_PERF_OPT_BUCKETS,	/* an integer >= 0 */
	FX_PERF_OPT_SECS,	/* a positive number of seconds */
	FX_PERF_OPT_BOOL,	/* a flag */
	FX_PERF_OPT_REMOVED,	/* perf had it once; refused with @help */
};

/* One option, as perf's OPT_UINTEGER/OPT_BOOLEAN entries. */
struct fx_perf_opt {
	char shrt;			/* 0 ends a table */
	const char *lng;
	enum fx_perf_opt_type type;
	size_t off;			/* field in struct fx_perf_params */
	const char *help;		/* REMOVED: why */
};

#define FX_PERF_FIELD(f)	offsetof(struct fx_perf_params, f)

/* the options every perf futex benchmark has (6.17+) */
#define FX_PERF_OPT_B	{ 'b', "buckets", FX_PERF_OPT_BUCKETS, \
			  FX_PERF_FIELD(nbuckets), NULL }
#define FX_PERF_OPT_T	{ 't', "threads", FX_PERF_OPT_COUNT, \
			  FX_PERF_FIELD(nthreads), NULL }
#define FX_PERF_OPT_COMMON						\
	{ 's', "silent", FX_PERF_OPT_BOOL, FX_PERF_FIELD(silent), NULL }, \
	{ 'S', "shared", FX_PERF_OPT_BOOL, FX_PERF_FIELD(fshared), NULL }, \
	{ 'm', "mlockall", FX_PERF_OPT_BOOL, FX_PERF_FIELD(mlockall), NULL }, \
	{ 'I', "immutable", FX_PERF_OPT_REMOVED, 0,			\
	  "FH_FLAG_IMMUTABLE was removed from the kernel and from perf "	\
	  "(\"perf bench futex: Remove support for IMMUTABLE\", 2025) and " \
	  "the model has no immutable private hash" }
#define FX_PERF_OPT_REPEAT { 0x01, "repeat", FX_PERF_OPT_COUNT,	\
			     FX_PERF_FIELD(repeat), NULL }
#define FX_PERF_OPT_END	{ 0, NULL, FX_PERF_OPT_BOOL, 0, NULL }

/**
 * fx_perf_parse - parse perf-style options into @p
 * @name:   the workload's name, for messages ("perf-hash")
 * @opts:   its option table, ended by FX_PERF_OPT_END
 * @argc/@argv: argv[0] is the workload name
 * @p:      in: the defaults; out: the options given
 * @err/@errlen: "NAME: what was wrong, what was expected"
 *
 * Accepts "-t 8", "-t8", "--threads 8", "--threads=8" and grouped flags
 * ("-sS").  A long option without a short one (shrt < ' ') is long-only.
 *
 * Return: 0 or -EINVAL.
 */
int fx_perf_parse(const char *name, const struct fx_perf_opt *opts,
		  int argc, char **argv, struct fx_perf_params *p,
		  char *err, size_t errlen);

struct fx_perf_opts;

/*
 * A perf-* workload as the shared parse(), setup() and report() run it:
 * one static const per workload, handed to fx_perf_opts_parse().
 */
struct fx_perf_bench {
	const char *name;			/* "perf-wake" */
	const struct fx_perf_opt *opts;		/* ended by FX_PERF_OPT_END */
	struct fx_perf_params defaults;		/* perf's */
	size_t run_size;	/* the setup's state; struct fx_perf_env first */
	fx_des_step_fn main_step;	/* perf's main thread; priv: the state */
	/*
	 * init - the workload's part of setup(): @run is zeroed state whose
	 * struct fx_perf_env is set up; its allocations come from
	 * fx_perf_calloc().  Return: 0 or a negative errno.
	 */
	int (*init)(struct fx_perf_opts *o, void *run, char *err,
		    size_t errlen);
	/* report - report() after a setup() that completed */
	void (*report)(struct fx_des *des, const struct fx_perf_opts *o,
		       void *run, FILE *out);
};

/*
 * The options of a perf-* workload as its parse() returns them: perf's
 * parameters, the workload, and the state of the last setup() on them,
 * which report() reads and free() frees.
 */
struct fx_perf_opts {
	struct fx_perf_params p;
	const struct fx_perf_bench *bench;
	void *run;
};

/**
 * fx_perf_opts_parse - a workload's parse(): @b's defaults, then the
 * options of its table
 * @b: the workload
 * @argc/@argv/@opts/@err/@errlen: as struct fx_workload's parse()
 * Return: 0, -EINVAL or -ENOMEM.
 */
int fx_perf_opts_parse(const struct fx_perf_bench *b, int argc, char **argv,
		       void **opts, char *err, size_t errlen);

/**
 * fx_perf_setup - every perf-* workload's setup(): state of the
 * workload's run_size (zeroed) in place of the last setup's, its struct
 * fx_perf_env filled by fx_perf_env_setup() with main_step as perf's main
 * thread, then the workload's init(), then GET_SLOTS for the report
 * @des/@opts/@nthreads/@err/@errlen: as struct fx_workload's setup()
 * Return: 0 or a negative errno.
 */
int fx_perf_setup(struct fx_des *des, void *opts, unsigned nthreads,
		  char *err, size_t errlen);
/* fx_perf_report - every perf-* workload's report(): its own, once set up */
void fx_perf_report(struct fx_des *des, void *opts, FILE *out);
/* fx_perf_opts_free - every perf-* workload's free() */
void fx_perf_opts_free(void *opts);
/* the usage lines of the options every perf-* workload has */
#define FX_PERF_USAGE_COMMON						\
	"  -b, --buckets N   prctl(PR_FUTEX_HASH, SET_SLOTS, N) before the threads\n" \
	"                    start (0: the global hash; default: the kernel's rule)\n" \
	"  -s, --silent      perf's summary lines only\n"			\
	"  -S, --shared      shared futexes: no FUTEX_PRIVATE_FLAG\n"	\
	"  -m, --mlockall    accepted as perf does; no effect in the model\n"
#define FX_PERF_USAGE_ROUNDS						\
	"  --repeat N        rounds (perf bench's --repeat; default 10)\n"	\
	"  threads are reused across rounds, and perf's settle sleep is a wait\n" \
	"  until every thread is queued (docs/workloads-perf.md)\n"
#define FX_PERF_USAGE_RUNTIME						\
	"  -r, --runtime S   simulated seconds, fractions allowed (default 0.01;\n" \
	"                    perf's default is 10 s of wall time)\n"
#define FX_PERF_USAGE_THREADS						\
	"  -t, --threads N   threads, thread i pinned to CPU i % ncpus (default:\n" \
	"                    one per CPU; futexsim run --threads overrides)\n"

/* ---- perf's stats (tools/perf/util/stat.c): Welford mean and M2 ---- */
struct fx_perf_stats {
	double n, mean, M2;
};

void fx_perf_stats_init(struct fx_perf_stats *s);
void fx_perf_stats_update(struct fx_perf_stats *s, double val);
double fx_perf_stats_avg(const struct fx_perf_stats *s);
/* fx_perf_stats_stddev - standard deviation of the mean, as perf's */
double fx_perf_stats_stddev(const struct fx_perf_stats *s);
/* fx_perf_rel_stddev - 100 * stddev / avg, 0 when avg is 0 */
double fx_perf_rel_stddev(double stddev, double avg);

/* ---- setup ---- */

/* What every perf-* workload's setup makes before its own threads. */
struct fx_perf_env {
	struct fx_des *des;
	struct fx_des_proc *proc;
	struct fx_des_thread *main;	/* perf's main thread, unpinned */
	unsigned nthreads;		/* resolved -t */
	unsigned ncpus;
	int flag;			/* FX_PRIVATE_FLAG or 0 (-S) */
	unsigned flags2;		/* FX2_PRIVATE or 0, for inspection */
	int nbuckets;			/* -b as given */
	int slots;			/* PR_FUTEX_HASH_GET_SLOTS after setup */
	const char *name;
	bool ready;			/* fx_perf_setup() completed */
	struct fx_perf_mem *mem;	/* fx_perf_calloc()'s, newest first */
};

/**
 * fx_perf_env_setup - create the process and perf's main thread, and
 * apply -b
 * @env:       out
 * @des:       a fresh simulation
 * @p:         the parsed options
 * @nthreads:  --threads of futexsim run; overrides -t when non-zero
 * @name:      the workload's name, for messages
 * @main_step: the main thread's step function; @main_priv its th->priv
 * @err/@errlen: the message on failure
 *
 * As perf's futex_set_nbuckets_param(), -b N is prctl(PR_FUTEX_HASH,
 * PR_FUTEX_HASH_SET_SLOTS, N, 0) by the main thread while it is the
 * process's only thread; the model runs it at setup, time-free, so a
 * refused size fails setup instead of a simulated run.
 *
 * Return: 0, -EINVAL (@err says why) or -ENOMEM.
 */
int fx_perf_env_setup(struct fx_perf_env *env, struct fx_des *des,
		      const struct fx_perf_params *p, unsigned nthreads,
		      const char *name, fx_des_step_fn main_step,
		      void *main_priv, char *err, size_t errlen);

/**
 * fx_perf_thread - a thread of the benchmark's process
 * @env: from fx_perf_env_setup()
 * @step/@priv: its step function and state
 * @cpu: its CPU (perf pins worker i to CPU i % ncpus) or FX_DES_ANY_CPU
 * @err/@errlen: the message on failure
 *
 * Return: the thread, or NULL with @err set.
 */
struct fx_des_thread *fx_perf_thread(struct fx_perf_env *env,
				     fx_des_step_fn step, void *priv, int cpu,
				     char *err, size_t errlen);
/* fx_perf_worker - perf's worker @i: fx_perf_thread() on CPU i % ncpus */
struct fx_des_thread *fx_perf_worker(struct fx_perf_env *env,
				     fx_des_step_fn step, void *priv,
				     unsigned i, char *err, size_t errlen);

/**
 * fx_perf_alloc - @size bytes of the process's heap, @align-aligned
 * Return: the address, or 0 with @err set (the 1 GiB heap is full).
 */
uint64_t fx_perf_alloc(struct fx_perf_env *env, uint64_t size,
		       uint64_t align, char *err, size_t errlen);

/**
 * fx_perf_calloc - calloc(@n, @size) owned by the setup's state: freed
 * with it (by the next setup() or free())
 * @env: the state's struct fx_perf_env
 * Return: the memory, or NULL.
 */
void *fx_perf_calloc(struct fx_perf_env *env, size_t n, size_t size);

/* ---- step-function helpers ---- */

/* fx_perf_futex - futex(@uaddr, @op | env->flag, ...) */
void fx_perf_futex(struct fx_des_act *act, const struct fx_perf_env *env,
		   uint64_t uaddr, int op, uint32_t val, uint64_t utime,
		   uint64_t uaddr2, uint32_t val3);

/*
 * A gate: a word holding the number of rounds opened so far.  Threads of
 * round r (0-based) wait until it is above r; the main thread opens round
 * r by storing r + 1 and waking every waiter, as perf's main thread
 * broadcasts its thread_worker condition to threads it just created.
 */
bool fx_perf_gate_wait(unsigned *phase, struct fx_des_thread *th,
		       struct fx_des_act *act, const struct fx_perf_env *env,
		       uint64_t gate, unsigned round);
bool fx_perf_gate_open(unsigned *phase, struct fx_des_thread *th,
		       struct fx_des_act *act, const struct fx_perf_env *env,
		       uint64_t gate, unsigned round);

/*
 * A counter of arrivals, as perf's threads_starting: each arriving thread
 * adds one; the one that brings it to @target wakes the thread waiting in
 * fx_perf_count_await() (perf: cond_signal(&thread_parent)).  Targets
 * are cumulative over rounds, so the word is never reset.
 */
bool fx_perf_count_arrive(unsigned *phase, struct fx_des_thread *th,
			  struct fx_des_act *act,
			  const struct fx_perf_env *env, uint64_t word,
			  uint32_t target);
bool fx_perf_count_await(unsigned *phase, struct fx_des_thread *th,
			 struct fx_des_act *act,
			 const struct fx_perf_env *env, uint64_t word,
			 uint32_t target);

/*
 * fx_perf_settle - stand-in for perf's usleep(100000) before it starts
 * timing: true (a short think in @act) until @n tasks are queued on
 * @uaddr.  Looks into the model instead of sleeping for 100 ms.
 */
bool fx_perf_settle(struct fx_des_thread *th, struct fx_des_act *act,
		    const struct fx_perf_env *env, uint64_t uaddr, unsigned n);

/* ---- reports ---- */

/* fx_perf_secs - "%g" of @ns in seconds, for perf's "%d secs" */
const char *fx_perf_secs(char *buf, size_t len, uint64_t ns);

/* fx_perf_ops_per_sec - perf's ops / runtime, over simulated time */
unsigned long fx_perf_ops_per_sec(uint64_t ops, uint64_t runtime_ns);

/* fx_perf_print_averaged - "Averaged N operations/sec (+- x%), total
 * secs = R" and the values perf_ops_per_sec(_rsd) */
void fx_perf_print_averaged(struct fx_des *des, FILE *out, bool silent,
			    const struct fx_perf_stats *s,
			    uint64_t runtime_ns);

/* fx_perf_print_nbuckets - perf's futex_print_nbuckets() line(s) */
void fx_perf_print_nbuckets(FILE *out, const struct fx_perf_env *env);

/* ---- rounds: wake, wake-parallel, requeue ---- */

/*
 * perf creates the blocked threads afresh for each of its bench_repeat
 * rounds and joins them at its end.  The model keeps one set of threads:
 * a thread that finished round r waits at the gate for round r + 1, and
 * announces itself on the arrival counter before it blocks on @futex.
 * The main thread opens a round, waits for every arrival (perf: the
 * threads_starting handshake), then for every thread to be queued on
 * @futex (perf: usleep(100000)), and only then starts its clock.
 */
struct fx_perf_round {
	struct fx_perf_env env;		/* first: fx_perf_setup() */
	uint64_t futex;		/* where the threads block each round */
	uint64_t gate;		/* rounds opened */
	uint64_t arrived;	/* arrivals, cumulative over rounds */
	unsigned rounds;	/* --repeat */
	unsigned round;		/* the main thread's current round */
	unsigned phase, sub;	/* the main thread's fx_perf_round_begin() */
	uint64_t finished;	/* thread-rounds completed */
	unsigned slots;		/* timed calls recorded per round */
	unsigned *count;	/* [round * slots + slot]: threads it moved */
	uint64_t *ns;		/* likewise: how long it took */
};

/* One blocked thread's progress through the rounds. */
struct fx_perf_waiter {
	struct fx_perf_round *rd;
	unsigned idx;		/* perf's worker index */
	unsigned round;
	unsigned phase, sub;	/* entering the round */
	unsigned state;		/* the workload's own, within the round */
	bool in;		/* in the round: the workload's turn */
};

/**
 * fx_perf_round_init - the shared words of @rd (after fx_perf_env_setup)
 * and its records of @slots timed calls per round
 * Return: 0 or -ENOMEM (@err set if the simulated heap is full).
 */
int fx_perf_round_init(struct fx_perf_round *rd, unsigned rounds,
		       unsigned slots, char *err, size_t errlen);

/**
 * fx_perf_waiters_new - create @rd->env.nthreads blocked threads, thread
 * i pinned to CPU i % ncpus, each with a struct fx_perf_waiter
 * Return: the array (fx_perf_calloc()'s), or NULL with @err set.
 */
struct fx_perf_waiter *fx_perf_waiters_new(struct fx_perf_round *rd,
					   fx_des_step_fn step, char *err,
					   size_t errlen);

/* fx_perf_waiter_enter - true with @act filled while the waiter is still
 * getting into its round; false: it is in, the workload blocks it */
bool fx_perf_waiter_enter(struct fx_perf_waiter *w, struct fx_des_thread *th,
			  struct fx_des_act *act);
/* fx_perf_waiter_leave - the waiter is done with its round: on to the
 * next one, or exit after the last */
void fx_perf_waiter_leave(struct fx_perf_waiter *w, struct fx_des_thread *th,
			  struct fx_des_act *act);
/* fx_perf_plain_waiter - perf's blocked worker of wake and wake-parallel:
 * FUTEX_WAIT(futex, 0) once per round, whatever it returns */
void fx_perf_plain_waiter(struct fx_des_thread *th, struct fx_des_act *act);

/* fx_perf_round_begin - main thread: true with @act filled until round
 * rd->round is open and all its threads are queued on rd->futex */
bool fx_perf_round_begin(struct fx_perf_round *rd, struct fx_des_thread *th,
			 struct fx_des_act *act);
/* fx_perf_round_end - main thread: the round is over; true when another
 * follows, false (and @act is an exit) after the last */
bool fx_perf_round_end(struct fx_perf_round *rd, struct fx_des_act *act);

/* fx_perf_round_values - perf_rounds and perf_waiter_rounds */
void fx_perf_round_values(struct fx_des *des, const struct fx_perf_round *rd);

/* fx_perf_round_record - timed call @slot of round @round moved @count
 * threads in @ns */
void fx_perf_round_record(struct fx_perf_round *rd, unsigned round,
			  unsigned slot, unsigned count, uint64_t ns);

/* A round-based benchmark's summary figures. */
struct fx_perf_lat {
	unsigned count;		/* average threads woken/requeued per round */
	double ms;		/* average time, ms */
	double rsd;		/* its relative stddev, % */
};

/* fx_perf_round_lat - perf's figures over the recorded calls of rounds
 * @from to @to - 1 (to at most rd->rounds) */
void fx_perf_round_lat(const struct fx_perf_round *rd, unsigned from,
		       unsigned to, struct fx_perf_lat *out);

/*
 * fx_perf_round_latency - perf's summary: fx_perf_round_lat() over rounds
 * 0 to @nrounds - 1, recorded as @val_ms, @val_rsd and @val_count (string
 * constants) with fx_des_value()
 */
void fx_perf_round_latency(struct fx_des *des, const struct fx_perf_round *rd,
			   unsigned nrounds, const char *val_ms,
			   const char *val_rsd, const char *val_count,
			   struct fx_perf_lat *out);

/* fx_perf_end_runtime - end_ns() of hash and lock-pi: -r */
uint64_t fx_perf_end_runtime(const void *opts);
/* fx_perf_end_exit - end_ns() of the round-based: 0, the threads exit */
uint64_t fx_perf_end_exit(const void *opts);

/* fx_perf_main_exit - a main thread with nothing to do in the run */
void fx_perf_main_exit(struct fx_des_thread *th, struct fx_des_act *act);

#endif /* FX_PERFOPT_H */
