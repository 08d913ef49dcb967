/* SPDX-License-Identifier: MIT */
/*
 * openloop.h - open-loop replay of a trace on the futex core.
 *
 * The keys and the waiter occupancy over time come from the trace; there
 * is no timing model.  One replay engine is one futex core (one hasher x
 * layout x table size).  Records are fed in time order; the engine:
 *
 *  - makes a process per trace pid (fx_mm_new) and a thread per tid
 *    (fx_task_clone), and maps the memory the trace touches lazily
 *    (anonymous private, 2 MiB chunks) or as MAP records with MAP_SHARED
 *    say (one simulated file per mapping identity);
 *  - puts a wait that blocked (fx_tstats_blocked()) to sleep in the core
 *    with FUTEX_WAIT on its address, the word set to the compared value,
 *    and at its traced return time resumes it: woken if a replayed wake
 *    woke it, else removed with a signal ("forced");
 *  - issues every traced FUTEX_WAKE(_BITSET), WAKE_OP, REQUEUE,
 *    CMP_REQUEUE and futex2 wake in the core as traced;
 *  - accounts waits that did not block (EAGAIN, ...) and wakes of an
 *    empty bucket without entering the core: their facts are determined
 *    by the bucket chain (an EAGAIN wait locks the bucket and walks
 *    nothing; a wake of a bucket without waiters takes no lock);
 *  - records an fx_op_fact per replayed call (sim/stats.h) and, every
 *    sample_every calls, the bucket occupancy of the queued waiters;
 *  - replays the PI ops, futex_waitv and futex2 requeue too: a PI lock
 *    that blocked is left blocked on a lock the core sees owned (by the
 *    owner the core already has, or a placeholder task of the process:
 *    the trace does not name the owner), and returns at its traced time,
 *    handed the lock by a replayed unlock or forced by its timer;
 *  - with copies > 1 feeds every record N times, as N separate processes
 *    or as N times the threads of each process at shifted addresses;
 *  - on request, keeps one occupancy row per sample (the series).
 *
 * What stays unreplayed is counted in "unmodeled": FUTEX_FD, unknown
 * commands, calls of a tid reused by another process, multi-futex calls
 * whose entries are missing, and a few PI cases (docs/trace-replay.md).
 */
#ifndef FX_OPENLOOP_H
#define FX_OPENLOOP_H

#include <stddef.h>
#include <stdint.h>

#include "futex.h"
#include "stats.h"
#include "trace/trace.h"

struct fx_openloop_config {
	const struct fx_hasher *hasher;		/* NULL: jhash2 */
	const struct fx_layout_ops *layout;	/* NULL: private */
	unsigned slots;		/* 0: the kernel's size; else private-hash
				   slots (layouts with PR_FUTEX_HASH) or the
				   global table size */
	unsigned ncpus, nnodes;	/* 0: 1 */
	uint64_t hash_seed;
	const struct fx_core_config *knobs;	/* placement, refcount,
						   bucket_lines; NULL: none */
	uint64_t sample_every;	/* occupancy sample every N replayed calls
				   (0: 4096) */
	unsigned copies;	/* 0, 1: the trace once; else 2..FX_OL_MAXCOPIES */
	int copy_mode;		/* FX_OL_COPY_* */
	uint64_t stride;	/* thread copies: copy c's addresses are
				   uaddr + c * stride (a multiple of 2 MiB;
				   fx_openloop_stride()) */
	bool series;		/* keep one fx_openloop_sample per sample */
	uint64_t series_span;	/* trace time span (last entry - first
				   entry): also sample whenever trace time
				   crosses a multiple of span / 200; 0: no
				   time marks */
};

#define FX_OL_COPY_PROCESS	0	/* copy c: N separate processes */
#define FX_OL_COPY_THREAD	1	/* copy c: more threads, shifted memory */
#define FX_OL_MAXCOPIES		128
#define FX_OL_ID_SHIFT		22	/* copy c: pid/tid + (c << 22); ids
					   must be below 2^22 (PID_MAX_LIMIT) */
#define FX_OL_TIME_MARKS	200

/* one occupancy sample (--series) */
struct fx_openloop_sample {
	uint64_t t_ns;		/* trace time since the first record */
	uint64_t calls;		/* replayed calls so far (all copies) */
	uint64_t waiters;	/* tasks asleep in the core */
	uint64_t nonempty;	/* buckets holding at least one waiter */
	uint64_t buckets;	/* table sizes, summed over the tables the
				   waiters' keys landed in (fx_loadstats) */
	uint64_t max_load;	/* waiter entries in the fullest bucket */
	double keys_per_bucket, exp_keys_per_bucket;	/* NAN: no waiter */
};

struct fx_openloop_result {
	struct fx_opstats *ops;		/* one fact per replayed call */
	struct fx_loadstats *load;	/* occupancy samples, merged */
	uint64_t records;		/* records fed */
	uint64_t calls;			/* futex-related calls among them */
	uint64_t fast;			/* of the replayed, without the core */
	uint64_t unmodeled;		/* calls not replayed */
	uint64_t blocked;		/* waits put to sleep in the core */
	uint64_t forced;		/* of those, removed by a signal */
	uint64_t max_waiters;		/* tasks queued in the core, max */
	uint64_t keys;			/* distinct futex keys met */
	uint64_t samples;		/* occupancy samples taken */
	struct fx_openloop_sample *series;	/* cfg.series: the samples */
	size_t nseries;
};

struct fx_openloop;

/**
 * fx_openloop_new - a replay engine
 * @cfg: configuration
 * @out: the engine
 * @err: message buffer; @errlen: its size
 *
 * Return: 0, -EINVAL (configuration the core refuses), -ENOMEM.
 */
int fx_openloop_new(const struct fx_openloop_config *cfg,
		    struct fx_openloop **out, char *err, size_t errlen);

/**
 * fx_openloop_add - replay one record
 * @ol: engine
 * @rec: the next record (entry times must not decrease)
 *
 * Return: 0 or a negative errno; fx_openloop_errmsg() says why.
 */
int fx_openloop_add(struct fx_openloop *ol, const struct fx_trace_rec *rec);

/**
 * fx_openloop_finish - end the trace: every wait still in progress
 * returns, in time order; then the core's invariants are checked and no
 * waiter may be left queued.
 *
 * Return: 0 or a negative errno (-EUCLEAN: invariant broken).
 */
int fx_openloop_finish(struct fx_openloop *ol);

const struct fx_openloop_result *fx_openloop_result(const struct fx_openloop *ol);
const char *fx_openloop_errmsg(const struct fx_openloop *ol);
/* fx_openloop_queued - tasks asleep in the core now */
uint64_t fx_openloop_queued(const struct fx_openloop *ol);
void fx_openloop_free(struct fx_openloop *ol);

/*
 * Thread copies need a stride: fx_openloop_scan_* collect, in a first
 * pass, the 2 MiB chunks the trace's addresses touch and the time span.
 */
struct fx_openloop_scan {
	uint64_t t_first, t_last;	/* first and last entry time */
	uint64_t records;
	uint64_t *chunk;		/* distinct chunks touched, unsorted */
	size_t nchunk, cap;
	void *set;			/* internal */
};

void fx_openloop_scan_init(struct fx_openloop_scan *s);
/* fx_openloop_scan_add - account @rec; Return: 0 or -ENOMEM */
int fx_openloop_scan_add(struct fx_openloop_scan *s,
			 const struct fx_trace_rec *rec);
void fx_openloop_scan_free(struct fx_openloop_scan *s);

/**
 * fx_openloop_stride - the address stride of @copies thread copies
 * @s: the scan of the trace
 * @copies: 2..FX_OL_MAXCOPIES
 * @stride: out, a multiple of 2 MiB
 * @err: why none fits; @errlen: its size
 *
 * The smallest multiple of 2 MiB above the span of the touched chunks
 * when @copies copies of it fit below the 47-bit TASK_SIZE; otherwise the
 * smallest multiple of 2 MiB that keeps every copy's chunks distinct from
 * every other copy's and below TASK_SIZE.
 *
 * Return: 0, -E2BIG (no stride fits), -ENOMEM.
 */
int fx_openloop_stride(const struct fx_openloop_scan *s, unsigned copies,
		       uint64_t *stride, char *err, size_t errlen);

/* ---- the options of "futexsim trace replay" ---- */

#define FX_REPLAY_MAXLIST	64

struct fx_replay_opts {
	const char *trace;		/* the trace file */
	const char *out;		/* --out FILE.csv, or NULL */
	const char *series;		/* --series FILE.csv, or NULL */
	unsigned copies;		/* --copies N (default 1) */
	int copy_mode;			/* --copy-mode process|thread */
	uint64_t stride;		/* thread copies: set by the command */
	const struct fx_hasher *hasher[FX_REPLAY_MAXLIST];
	const struct fx_layout_ops *layout[FX_REPLAY_MAXLIST];
	unsigned slots[FX_REPLAY_MAXLIST];
	unsigned nhash, nlayout, nslots;
	unsigned ncpus, nnodes;		/* default 4, 1 */
	uint64_t hash_seed, sample_every;
	struct fx_core_config knobs;
	bool timing;			/* --timing: records/s to stderr */
	bool help;
};

/**
 * fx_replay_parse_args - parse "trace replay FILE [options]"
 * @argc: argument count, argv[0] being "replay"
 * @argv: arguments; the list options are not modified
 * @o: out
 * @err: message naming the option and what was expected
 * @errlen: its size
 *
 * Return: 0, or -EINVAL with @err set (a layout knob's error is printed
 * by fx_cli_knob() and @err says so).
 */
int fx_replay_parse_args(int argc, char **argv, struct fx_replay_opts *o,
			 char *err, size_t errlen);

#endif /* FX_OPENLOOP_H */
