/* SPDX-License-Identifier: MIT */
/*
 * perftrace.h - the `perf trace` importer: `perf trace -e 'futex*' -o FILE`
 * output into a sequence of struct fx_trace_rec, streaming
 * (docs/trace-import.md).  Also the reorder queue it shares with the
 * bpftrace importer (bpftrace.h).
 *
 * perf trace prints a finished call as one line at its return, with its
 * entry time; a call interrupted by another thread's output as an entry
 * line ending in "..." and, at its return, a "... [continued]: NAME())"
 * line carrying the entry time again.  The parser keeps, per thread, its
 * call in flight and, in the reorder queue, the records after it, so that
 * records leave in entry-time order.
 */
#ifndef FX_PERFTRACE_H
#define FX_PERFTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"

#define FX_PERFTRACE_WINDOW	(1u << 18)	/* default reorder window, records */

/* fx_trq_emit_fn - receives each record, in order; non-zero aborts */
typedef int (*fx_trq_emit_fn)(void *ctx, const struct fx_trace_rec *rec);

/*
 * struct fx_trq - reorder queue: records leave in (t_ns, arrival) order,
 * a record waiting for its completion (fx_trq_add() with @pending) holding
 * back those after it, until @window records wait: then the oldest leaves
 * as it is (a pending call: FX_TR_UNFINISHED, counted in evicted).
 */
struct fx_trq;

struct fx_trq *fx_trq_new(size_t window, fx_trq_emit_fn emit, void *ctx);
/**
 * fx_trq_add - queue @n records (a call and its waitv entries: same t_ns)
 * @pending: the first waits for fx_trq_done(); @id receives its handle
 * Return: 0, -ENOMEM or the emit callback's value.
 */
int fx_trq_add(struct fx_trq *q, const struct fx_trace_rec *r, int n,
	       bool pending, uint64_t *id);
/* fx_trq_get - the pending record @id, or NULL when it has left already */
struct fx_trace_rec *fx_trq_get(struct fx_trq *q, uint64_t id);
/* fx_trq_done - record @id is complete; Return: 0 or the emit value */
int fx_trq_done(struct fx_trq *q, uint64_t id);
/* fx_trq_flush - everything out (pending records as they are) */
int fx_trq_flush(struct fx_trq *q);
/* fx_trq_evicted - pending records that left by the window */
uint64_t fx_trq_evicted(const struct fx_trq *q);
void fx_trq_free(struct fx_trq *q);

/*
 * fx_tr_errno - errno number of a Linux errno name (glibc's, and
 * ERESTARTSYS 512, ERESTARTNOINTR 513, ERESTARTNOHAND 514,
 * ERESTART_RESTARTBLOCK 516); 0 when unknown
 */
int fx_tr_errno(const char *s, size_t n);

/* every line is counted in exactly one of the first group */
struct fx_perftrace_stats {
	uint64_t lines;		/* lines fed */
	uint64_t calls;		/* call lines (finished, or ending in "...") */
	uint64_t continued;	/* "... [continued]: NAME())" lines */
	uint64_t other;		/* other calls and perf's notes (skipped) */
	uint64_t blank;
	uint64_t bad;		/* malformed lines */
	uint64_t records;	/* records emitted */
	uint64_t never_finished;/* calls emitted as FX_TR_UNFINISHED */
	uint64_t evicted;	/* ... because they outlasted the window */
	uint64_t orphan_continued;/* [continued] lines without their start */
	uint64_t first_bad_line;
	char first_bad[256];
};

struct fx_perftrace;

/**
 * fx_perftrace_new - a parser
 * @name: the input's name, for messages; @window: 0 for the default
 * Return: the parser or NULL (out of memory).
 */
struct fx_perftrace *fx_perftrace_new(const char *name, size_t window,
				      fx_trq_emit_fn emit, void *ctx);
/*
 * fx_perftrace_set_pid - the thread group of every record (perf trace
 * prints only thread ids); default: the thread of the first call line
 */
void fx_perftrace_set_pid(struct fx_perftrace *p, uint32_t pid);
/**
 * fx_perftrace_feed - one line (a trailing '\n' or "\r\n" is ignored)
 * Return: 0; -EINVAL for a malformed line ("NAME:LINE: expected ..." in
 * @err, state unchanged); or the emit callback's value.
 */
int fx_perftrace_feed(struct fx_perftrace *p, const char *line, size_t len,
		      char *err, size_t errlen);
/* fx_perftrace_finish - end of input: calls in flight leave unfinished */
int fx_perftrace_finish(struct fx_perftrace *p);
/**
 * fx_perftrace_run - feed a whole stream and finish
 * @skip_bad: count and skip malformed lines instead of failing
 * Return: 0, -EINVAL (message in @err), -EIO, -ENOMEM or the emit value.
 */
int fx_perftrace_run(struct fx_perftrace *p, FILE *in, bool skip_bad,
		     char *err, size_t errlen);
const struct fx_perftrace_stats *fx_perftrace_stats(const struct fx_perftrace *p);
void fx_perftrace_free(struct fx_perftrace *p);

/*
 * fx_tr_run_lines - read @in line by line (up to 64 MiB a line) into
 * @feed; used by both importers.  @name and the line count for messages.
 */
int fx_tr_run_lines(FILE *in, const char *name, bool skip_bad,
		    int (*feed)(void *p, const char *line, size_t len,
				char *err, size_t errlen),
		    void *p, uint64_t *bad, uint64_t *first_bad_line,
		    char *first_bad, size_t first_bad_len, char *err,
		    size_t errlen);

#endif /* FX_PERFTRACE_H */
