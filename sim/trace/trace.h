/* SPDX-License-Identifier: MIT */
/*
 * trace.h - traces of real programs' futex use: the record, and the
 * readers and writers of its two forms (workloads/FORMAT.md).
 *
 * A trace is a header (format version, host metadata) followed by
 * records in time order.  One record per futex-related system call
 * (futex, futex_waitv, futex_wait, futex_wake, futex_requeue) and one per
 * process event (thread create/exit, set_robust_list, set_tid_address,
 * a mapping).  The text form is for people (one record per line); the
 * binary form is for speed (fixed-size little-endian records).  The two
 * convert into each other without loss.
 *
 * Readers stream: memory stays bounded however long the trace is.
 * Functions return 0 (or 1 for "a record was read"), or a negative errno
 * with a message "FILE:LINE: what was expected" (text) or
 * "FILE: record N: ..." (binary) in the error buffer.
 */
#ifndef FX_TRACE_H
#define FX_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FX_TRACE_VERSION	1
#define FX_TRACE_MAGIC		"FXTRACE1"	/* first 8 bytes of binary */
#define FX_TRACE_LINE_MAX	4096	/* longest text line, without newline */

/* record kinds */
enum fx_trace_kind {
	FX_TR_FUTEX = 1,	/* futex(2): op, uaddr, val, val2/timeout, uaddr2, val3 */
	FX_TR_FUTEX_WAITV,	/* futex_waitv: nr entries follow as FX_TR_WAITV_ENTRY */
	FX_TR_WAITV_ENTRY,	/* one futex_waitv entry: uaddr, val, flags */
	FX_TR_FUTEX_WAIT,	/* futex_wait(uaddr, val, mask, flags, timeout) */
	FX_TR_FUTEX_WAKE,	/* futex_wake(uaddr, mask, nr, flags) */
	FX_TR_FUTEX_REQUEUE,	/* futex_requeue(waiters[2], flags, nr_wake, nr_requeue) */
	FX_TR_THREAD_NEW,	/* tid appeared (clone): arg = parent tid, flags = clone flags */
	FX_TR_THREAD_EXIT,	/* tid exited */
	FX_TR_SET_ROBUST,	/* set_robust_list(head = uaddr, len = val) */
	FX_TR_SET_TID_ADDR,	/* set_tid_address(uaddr) */
	FX_TR_MAP,		/* mapping [uaddr, uaddr + val2) of pid: flags = MAP_*,
				   inode = dev:ino identity, off = file offset */
	FX_TR_KIND_MAX,
};

#define FX_TR_NO_CPU		0xffffu
#define FX_TR_UNFINISHED	INT64_MIN	/* ret of a call that never returned */
#define FX_TR_NO_TIMEOUT	UINT64_MAX

/*
 * One record: 80 bytes in memory and in the binary form (little-endian,
 * fields in this order, no padding).
 */
struct fx_trace_rec {
	uint64_t t_ns;		/* entry time, ns since the trace's epoch */
	uint64_t dur_ns;	/* time in the call (0 when unknown) */
	uint32_t pid;		/* thread group */
	uint32_t tid;		/* thread */
	uint16_t cpu;		/* FX_TR_NO_CPU when unknown */
	uint16_t kind;		/* enum fx_trace_kind */
	uint32_t op;		/* futex op incl. FUTEX_PRIVATE_FLAG /
				   CLOCK_REALTIME; futex2 flags for futex2 */
	uint64_t uaddr;
	uint64_t uaddr2;	/* futex(2): uaddr2; MAP: offset */
	uint64_t val2;		/* val2, or timeout ns (FX_TR_NO_TIMEOUT);
				   MAP: length */
	int64_t ret;		/* return value, -errno, or FX_TR_UNFINISHED */
	uint32_t val;
	uint32_t val3;		/* val3 / bitset / mask; MAP: prot */
	uint64_t inode;		/* MAP: (dev << 32) ^ ino; else 0 */
};

struct fx_trace_meta {
	char host[64];
	char kernel[64];
	unsigned cpus, nodes;
	int slots;		/* PR_FUTEX_HASH slots, -1 unknown */
	char source[64];	/* "strace", "perf", "bpftrace", "synthetic" */
	char program[128];	/* what was traced */
};

struct fx_trace_reader;
struct fx_trace_writer;

/**
 * fx_trace_open - open a trace in either form (detected by its magic)
 * @path: file ("-" for stdin: text only)
 * @out: the reader; @meta: the header
 * Return: 0 or -errno / -EINVAL (bad header), message in @err.
 */
int fx_trace_open(const char *path, struct fx_trace_reader **out,
		  struct fx_trace_meta *meta, char *err, size_t errlen);

/**
 * fx_trace_next - the next record
 * Return: 1 (a record), 0 (end of trace), or -EINVAL (malformed: @err
 * names the file and line or record number and what was expected).
 */
int fx_trace_next(struct fx_trace_reader *r, struct fx_trace_rec *rec,
		  char *err, size_t errlen);
void fx_trace_close(struct fx_trace_reader *r);
/* fx_trace_binary - true if @r reads the binary form */
bool fx_trace_binary(const struct fx_trace_reader *r);

/**
 * fx_trace_create - write a trace; @binary picks the form
 * The file is written under a temporary name and renamed by
 * fx_trace_commit(); fx_trace_abort() removes it.
 */
int fx_trace_create(const char *path, bool binary,
		    const struct fx_trace_meta *meta,
		    struct fx_trace_writer **out, char *err, size_t errlen);
int fx_trace_write(struct fx_trace_writer *w, const struct fx_trace_rec *rec);
int fx_trace_commit(struct fx_trace_writer *w, char *err, size_t errlen);
void fx_trace_abort(struct fx_trace_writer *w);

/*
 * fx_trace_format_rec - one record as its text line (no newline)
 * Return: the line's length, -EINVAL (unknown kind) or -ENOSPC (@len too
 * small; FX_TRACE_LINE_MAX always suffices).
 */
int fx_trace_format_rec(const struct fx_trace_rec *rec, char *buf,
			size_t len);
/* fx_trace_parse_rec - a text line back; 0 or -EINVAL with @err */
int fx_trace_parse_rec(const char *line, struct fx_trace_rec *rec,
		       char *err, size_t errlen);

#endif /* FX_TRACE_H */
