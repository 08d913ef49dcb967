/* SPDX-License-Identifier: MIT */
/*
 * tstats.h - "futexsim trace stats": what a trace's futex use looks like.
 *
 * Fed one record at a time, in time order (fx_tstats_add()), it counts
 * calls by kind, op and flag, distinct futex keys, returns by errno,
 * per-thread call rates, and follows the number of threads blocked in a
 * futex wait over time (from each blocking wait's entry time and
 * duration).  Memory grows with the distinct keys, threads and the
 * waits in progress at once, never with the trace's length.
 * docs/trace-replay.md defines every field.
 */
#ifndef FX_TSTATS_H
#define FX_TSTATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"
#include "trace/trace.h"

#define FX_TS_NCMD	14	/* futex(2) commands FUTEX_WAIT..LOCK_PI2 */
#define FX_TS_NERRNO	134	/* errno values counted one by one */
#define FX_TS_FINE	1024	/* internal time-series buckets */
#define FX_TS_SERIES	20	/* reported time-series buckets */

/* A wait kind of call: futex(2) WAIT*, LOCK_PI*, futex_wait, futex_waitv. */
bool fx_tstats_is_wait(const struct fx_trace_rec *rec);
/*
 * fx_tstats_blocked - did this wait block?  A wait counts as blocked when
 * it took time (dur_ns > 0) and returned 0 (or a waitv index), -ETIMEDOUT
 * or -EINTR, or never returned (FX_TR_UNFINISHED).
 */
bool fx_tstats_blocked(const struct fx_trace_rec *rec);

struct fx_tstats_thread {
	uint32_t pid, tid;
	uint64_t calls;
	uint64_t first_ns, last_ns;	/* entry times of its first/last call */
};

struct fx_tstats {
	/* calls */
	uint64_t records;		/* every record */
	uint64_t calls;			/* futex-related system calls */
	uint64_t by_cmd[FX_TS_NCMD];	/* futex(2) by command */
	uint64_t cmd_other;		/* futex(2) with an unknown command */
	uint64_t futex_private;		/* futex(2) with FUTEX_PRIVATE_FLAG */
	uint64_t futex_shared;		/* futex(2) without it */
	uint64_t futex_clockrt;		/* futex(2) with FUTEX_CLOCK_REALTIME */
	uint64_t f2_wait, f2_wake, f2_requeue;	/* futex2 calls */
	uint64_t f2_private;		/* of those, FUTEX2_PRIVATE */
	uint64_t waitv, waitv_entries;	/* futex_waitv calls, their entries */
	uint64_t thread_new, thread_exit, set_robust, set_tid_addr, maps;
	/* keys */
	uint64_t keys_private;		/* distinct (pid, uaddr), private */
	uint64_t keys_shared;		/* distinct (mapping identity, offset) */
	uint64_t keys_unresolved;	/* shared, no MAP record: (pid, uaddr) */
	/* returns */
	uint64_t ret_ok;		/* returned >= 0 */
	uint64_t ret_unfinished;	/* never returned */
	uint64_t ret_errno[FX_TS_NERRNO];	/* -ret, 1..133 */
	uint64_t ret_other;		/* another negative value */
	/* waits */
	uint64_t waits;			/* wait kinds of calls */
	uint64_t waits_blocked;		/* of those, blocked */
	struct fx_qhist *blocked_ns;	/* durations of blocked, finished waits */
	uint64_t max_waiters;		/* threads blocked at once, max */
	double mean_waiters;		/* time-average over [t0, t_end) */
	uint64_t t0_ns, t_end_ns;	/* first entry, last return */
	/* waiters over time: FX_TS_SERIES buckets over [t0, t_end) */
	double series_mean[FX_TS_SERIES];
	uint64_t series_max[FX_TS_SERIES];
	/* threads, sorted by calls (descending, then tid) after finish */
	struct fx_tstats_thread *thr;
	uint32_t nthr;

	/* internal state */
	struct fx_tstats_priv *priv;
};

/* fx_tstats_init - empty stats; 0 or -ENOMEM */
int fx_tstats_init(struct fx_tstats *s);
/**
 * fx_tstats_add - account one record
 * @s: stats
 * @rec: the next record; entry times must not decrease
 *
 * Return: 0, -EINVAL (time went backwards), -ENOMEM.
 */
int fx_tstats_add(struct fx_tstats *s, const struct fx_trace_rec *rec);
/* fx_tstats_finish - close the waits in progress, derive the series */
int fx_tstats_finish(struct fx_tstats *s);
void fx_tstats_free(struct fx_tstats *s);

/* fx_tstats_errname - "EAGAIN" for 11, NULL when the model has no name */
const char *fx_tstats_errname(unsigned e);
/* fx_tstats_cmdname - "WAIT" for FUTEX_WAIT ... */
const char *fx_tstats_cmdname(unsigned cmd);

/* fx_tstats_print - human text, or JSON with @json */
void fx_tstats_print(FILE *f, const struct fx_tstats *s, bool json);

#endif /* FX_TSTATS_H */
