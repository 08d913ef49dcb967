/* SPDX-License-Identifier: MIT */
/*
 * strace.h - the strace importer: `strace -f -ttt [-T]` output (with the
 * "[pid N]" prefixes of stderr output, or the "N  " prefixes of -o FILE)
 * into a sequence of struct fx_trace_rec, streaming (docs/trace-import.md).
 *
 * The parser keeps, per live thread, its thread group and its call in
 * flight (<unfinished ...> ... <... resumed>), and a bounded reorder
 * window so that records leave in entry-time (line) order even though an
 * interrupted call completes many lines later.  A call still in flight
 * when the window is full leaves as FX_TR_UNFINISHED (counted).
 */
#ifndef FX_STRACE_H
#define FX_STRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/import.h"
#include "trace/trace.h"

#define FX_STRACE_WINDOW	FX_TR_WINDOW	/* default reorder window, records */

/* fx_strace_emit_fn - receives each record, in order; non-zero aborts */
typedef fx_trq_emit_fn fx_strace_emit_fn;

/* What the parser saw; every line is counted in exactly one of the first
 * group (lines = calls + resumes + signals + exits + other + blank + bad). */
struct fx_strace_stats {
	uint64_t lines;		/* lines fed */
	uint64_t calls;		/* system call lines, any call, finished or not */
	uint64_t resumes;	/* "<... NAME resumed>" lines */
	uint64_t signals;	/* "--- SIGxxx ... ---" lines (skipped) */
	uint64_t exits;		/* "+++ exited/killed +++" lines */
	uint64_t other;		/* "strace: ..." notes (skipped) */
	uint64_t blank;
	uint64_t bad;		/* malformed lines (errors, or skipped) */
	uint64_t records;	/* records emitted */
	uint64_t never_finished;/* calls emitted as FX_TR_UNFINISHED */
	uint64_t evicted;	/* ... because they outlasted the window */
	uint64_t orphan_resumes;/* resumed lines without their start */
	uint64_t first_bad_line;/* line of the first malformed line (0: none) */
	char first_bad[256];	/* its message */
	uint64_t epoch_ns;	/* absolute time of the first timestamp */
	bool have_epoch;
};

struct fx_strace;

/**
 * fx_strace_new - a parser
 * @name: the input's name, for messages ("trace.txt:17: ...")
 * @window: reorder window in records (0: FX_STRACE_WINDOW)
 * @emit: receives the records; @ctx: its argument
 * Return: the parser, or NULL (out of memory).
 */
struct fx_strace *fx_strace_new(const char *name, size_t window,
				fx_strace_emit_fn emit, void *ctx);

/*
 * fx_strace_set_main_tid - the thread of lines without a pid prefix
 * (strace -f to stderr prints none for the first process); default 0.
 */
void fx_strace_set_main_tid(struct fx_strace *p, uint32_t tid);

/**
 * fx_strace_feed - one line (without its newline; a trailing '\n' or
 * "\r\n" is ignored)
 * Return: 0; -EINVAL for a malformed line (the message "NAME:LINE:
 * expected ..." in @err; the parser's state is unchanged, so the caller
 * may go on: --skip-bad); or the emit callback's non-zero value.
 */
int fx_strace_feed(struct fx_strace *p, const char *line, size_t len,
		   char *err, size_t errlen);

/**
 * fx_strace_finish - end of input: calls still in flight leave as
 * FX_TR_UNFINISHED and the window is flushed.
 * Return: 0 or the emit callback's non-zero value.
 */
int fx_strace_finish(struct fx_strace *p);

/**
 * fx_strace_run - feed a whole stream and finish
 * @skip_bad: malformed lines are counted (stats.bad, first_bad) and
 * skipped; otherwise the first one is the error.
 * Return: 0, -EINVAL (message in @err), -EIO (read error) or the emit
 * callback's value.
 */
int fx_strace_run(struct fx_strace *p, FILE *in, bool skip_bad, char *err,
		  size_t errlen);

const struct fx_strace_stats *fx_strace_stats(const struct fx_strace *p);
void fx_strace_free(struct fx_strace *p);

#endif /* FX_STRACE_H */
