/* SPDX-License-Identifier: MIT */
/*
 * import.h - helpers shared by the trace importers (strace.h, perftrace.h,
 * bpftrace.h; docs/trace-import.md): the reorder queue that lets records
 * leave in entry-time order, errno names, and the line reader.
 */
#ifndef FX_IMPORT_H
#define FX_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"

#define FX_TR_WINDOW	(1u << 18)	/* default reorder window, records */

/* fx_trq_emit_fn - receives each record, in order; non-zero aborts */
typedef int (*fx_trq_emit_fn)(void *ctx, const struct fx_trace_rec *rec);

/*
 * struct fx_trq - reorder queue: records leave in (t_ns, arrival) order,
 * a record waiting for its completion (fx_trq_add() with @pending) holding
 * back those after it, until @window records wait: then the oldest leaves
 * as it is (a pending call: FX_TR_UNFINISHED, counted in evicted).
 */
struct fx_trq;

/**
 * fx_trq_new - an empty reorder queue
 * @window: records that may wait (0: FX_TR_WINDOW)
 * @emit: receives the records as they leave; @ctx: its argument
 * Return: the queue, or NULL (out of memory).
 */
struct fx_trq *fx_trq_new(size_t window, fx_trq_emit_fn emit, void *ctx);
/**
 * fx_trq_add - queue @n records (a call and its waitv entries: same t_ns)
 * @q: the queue; @r: the records
 * @n: how many
 * @pending: the first waits for fx_trq_done()
 * @id: receives the first record's handle (may be NULL)
 * Return: 0, -ENOMEM or the emit callback's value.
 */
int fx_trq_add(struct fx_trq *q, const struct fx_trace_rec *r, int n,
	       bool pending, uint64_t *id);
/*
 * fx_trq_set_lag - hold every record until one at least @lag_ns later has
 * been added (or the queue is flushed): for tracers whose lines of
 * different threads come out of time order by up to that much (perf
 * trace).  0, the default: a complete record leaves as soon as nothing
 * before it waits.
 */
void fx_trq_set_lag(struct fx_trq *q, uint64_t lag_ns);
/**
 * fx_trq_get - a pending record, to complete it in place
 * @q: the queue; @id: its handle from fx_trq_add()
 * Return: the record, or NULL when it has left already.
 */
struct fx_trace_rec *fx_trq_get(struct fx_trq *q, uint64_t id);
/**
 * fx_trq_done - the pending record @id is complete and may leave
 * @q: the queue; @id: its handle (one that has left already is ignored)
 * Return: 0 or the emit callback's value.
 */
int fx_trq_done(struct fx_trq *q, uint64_t id);
/**
 * fx_trq_flush - everything out, pending records as they are
 * @q: the queue
 * Return: 0 or the emit callback's value.
 */
int fx_trq_flush(struct fx_trq *q);
/**
 * fx_trq_evicted - pending records that left because of the window
 * @q: the queue
 * Return: their count.
 */
uint64_t fx_trq_evicted(const struct fx_trq *q);
/**
 * fx_trq_free - free a queue (records still in it are dropped)
 * @q: the queue, or NULL
 */
void fx_trq_free(struct fx_trq *q);

/**
 * fx_tr_errno - errno number of a Linux errno name
 * @s: the name (not terminated); @n: its length
 *
 * glibc's names, and the kernel's ERESTARTSYS 512, ERESTARTNOINTR 513,
 * ERESTARTNOHAND 514, ENOIOCTLCMD 515 and ERESTART_RESTARTBLOCK 516.
 *
 * Return: the number, or 0 when the name is unknown.
 */
int fx_tr_errno(const char *s, size_t n);

/* fx_tr_feed_fn - an importer's feed: one line; -EINVAL: malformed */
typedef int (*fx_tr_feed_fn)(void *p, const char *line, size_t len,
			     char *err, size_t errlen);

/**
 * fx_tr_run_lines - read a stream line by line into an importer
 * @in: the stream
 * @name: its name, for messages ("NAME:LINE: ...")
 * @skip_bad: lines @feed finds malformed (-EINVAL) are skipped
 * @feed: receives each line, its '\n' included (the last line's may be
 *	missing); @p: its argument
 * @err: receives the message of a failure; @errlen: its size
 *
 * A line longer than 64 MiB is malformed.  The importer counts the lines
 * and the malformed ones itself.
 *
 * Return: 0, -EINVAL (message in @err), -EIO (read error, message in
 * @err) or @feed's other non-zero value.
 */
int fx_tr_run_lines(FILE *in, const char *name, bool skip_bad,
		    fx_tr_feed_fn feed, void *p, char *err, size_t errlen);

#endif /* FX_IMPORT_H */
