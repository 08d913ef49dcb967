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
 *    sample_every calls, the bucket occupancy of the queued waiters.
 *
 * PI ops, futex_waitv, FUTEX_FD and futex2 requeue are not replayed:
 * they are counted in "unmodeled" (docs/trace-replay.md).
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

/* ---- the options of "futexsim trace replay" ---- */

#define FX_REPLAY_MAXLIST	64

struct fx_replay_opts {
	const char *trace;		/* the trace file */
	const char *out;		/* --out FILE.csv, or NULL */
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
