/* SPDX-License-Identifier: MIT */
/*
 * bpftrace.h - the bpftrace importer: the output of workloads/futex.bt
 * (its header documents the line format) into a sequence of struct
 * fx_trace_rec, streaming (docs/trace-import.md).
 *
 * Each call is an entry line "E ..." (followed, for futex_waitv and
 * futex_requeue, by "V ..." lines, one per futex) and an exit line
 * "X ..." paired by thread.  Records leave in entry-time order through
 * the reorder queue of import.h; a call without its exit line leaves
 * as FX_TR_UNFINISHED.
 */
#ifndef FX_BPFTRACE_H
#define FX_BPFTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/import.h"
#include "trace/trace.h"

/* every line is counted in exactly one of the first group */
struct fx_bpftrace_stats {
	FX_TR_LCOUNT;		/* lines, bad, records, never_finished,
				   evicted, late, first_bad... */
	uint64_t entries;	/* "E" lines */
	uint64_t waiters;	/* "V" lines */
	uint64_t exits;		/* "X" lines */
	uint64_t other;		/* bpftrace's own lines (Attaching..., ERROR: ...) */
	uint64_t blank;
	uint64_t orphans;	/* X or V lines without their E line (skipped) */
	uint64_t epoch_ns;	/* T of the first E line (CLOCK_MONOTONIC) */
	bool have_epoch;
};

struct fx_bpftrace;

/**
 * fx_bpftrace_new - a parser
 * @name: the input's name, for messages; @window: 0 for the default
 * Return: the parser or NULL (out of memory).
 */
struct fx_bpftrace *fx_bpftrace_new(const char *name, size_t window,
				    fx_trq_emit_fn emit, void *ctx);
/**
 * fx_bpftrace_feed - one line (a trailing '\n' or "\r\n" is ignored)
 * Return: 0; -EINVAL for a malformed line ("NAME:LINE: expected ..." in
 * @err, state unchanged); or the emit callback's value.
 */
int fx_bpftrace_feed(struct fx_bpftrace *p, const char *line, size_t len,
		     char *err, size_t errlen);
/* fx_bpftrace_finish - end of input: calls in flight leave unfinished */
int fx_bpftrace_finish(struct fx_bpftrace *p);
/**
 * fx_bpftrace_run - feed a whole stream and finish
 * @skip_bad: count and skip malformed lines instead of failing
 * Return: 0, -EINVAL (message in @err), -EIO, -ENOMEM or the emit value.
 */
int fx_bpftrace_run(struct fx_bpftrace *p, FILE *in, bool skip_bad,
		    char *err, size_t errlen);
const struct fx_bpftrace_stats *fx_bpftrace_stats(const struct fx_bpftrace *p);
void fx_bpftrace_free(struct fx_bpftrace *p);

#endif /* FX_BPFTRACE_H */
