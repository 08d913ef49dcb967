/* SPDX-License-Identifier: MIT */
/*
 * perftrace.h - the `perf trace` importer: `perf trace -e 'futex*' -o FILE`
 * output into a sequence of struct fx_trace_rec, streaming
 * (docs/trace-import.md).  The reorder queue (fx_trq_*) and the other
 * helpers shared by the importers are import.h's.
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

#include "trace/import.h"
#include "trace/trace.h"

#define FX_PERFTRACE_WINDOW	FX_TR_WINDOW	/* default reorder window, records */

/* every line is counted in exactly one of calls, continued, other, blank
 * and bad */
struct fx_perftrace_stats {
	FX_TR_LCOUNT;		/* lines, bad, records, never_finished,
				   evicted, late, first_bad... */
	uint64_t calls;		/* call lines (finished, or ending in "...") */
	uint64_t continued;	/* "... [continued]: NAME())" lines */
	uint64_t other;		/* other calls and perf's notes (skipped) */
	uint64_t blank;
	uint64_t orphan_continued;/* [continued] lines without their start */
	uint64_t wrapped;	/* times perf printed wrapped below zero */
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

#endif /* FX_PERFTRACE_H */
