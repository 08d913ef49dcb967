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
/*
 * fx_trq_late - records that came in older than one already out (later
 * than the lag allows): they leave with that record's time, in order
 */
uint64_t fx_trq_late(const struct fx_trq *q);
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

/* ---- the format-free part of a line importer (perf trace, bpftrace) ---- */

/* the counts every line importer keeps, at the head of its stats */
#define FX_TR_LCOUNT_FIELDS						\
	uint64_t lines;		/* lines fed */				\
	uint64_t bad;		/* malformed lines */			\
	uint64_t records;	/* records written */			\
	uint64_t never_finished;/* ... as FX_TR_UNFINISHED */		\
	uint64_t evicted;	/* calls written unfinished: they	\
				   outlasted the window */		\
	uint64_t late;		/* records that came later than the lag	\
				   allows, moved up to the time written */ \
	uint64_t first_bad_line;					\
	char first_bad[256];	/* its message */

struct fx_tr_lcount {
	FX_TR_LCOUNT_FIELDS
};

/*
 * FX_TR_LCOUNT - the first member of an importer's stats: the counts by
 * name (st->lines) and as one struct (&st->lc)
 */
#define FX_TR_LCOUNT							\
	union {								\
		struct fx_tr_lcount lc;					\
		struct { FX_TR_LCOUNT_FIELDS };				\
	}

#define FX_TR_STATS_MAX	1024	/* bytes an importer's stats may take */

/*
 * struct fx_tr_lineimp - what a line importer embeds: its input's name,
 * its reorder queue, the message of its last malformed line, its stats
 * (restored, but for the counts of lines and bad lines, when a line
 * turns out malformed) and its parser.
 */
struct fx_tr_lineimp {
	char name[256];
	struct fx_trq *q;
	fx_trq_emit_fn emit;		/* where the records go */
	void *ectx;
	char msg[200];
	void *st;			/* the importer's stats */
	size_t stsz;			/* their size, <= FX_TR_STATS_MAX */
	int (*parse)(void *imp, const char *s, const char *e);
	void *imp;			/* the parser's argument */
	unsigned char save[FX_TR_STATS_MAX];
};

/**
 * fx_tr_li_init - set up the shared part of a line importer
 * @li: it; @name: the input's name
 * @window: reorder window (0: FX_TR_WINDOW); @emit, @ectx: receive the
 *	records, counted in the stats' records and never_finished
 * @st, @stsz: the importer's stats, starting with FX_TR_LCOUNT
 * @parse: parses one line without its end of line, into @imp
 *
 * Return: 0, -ENOMEM or -EINVAL (stats larger than FX_TR_STATS_MAX).
 */
int fx_tr_li_init(struct fx_tr_lineimp *li, const char *name, size_t window,
		  fx_trq_emit_fn emit, void *ectx, void *st, size_t stsz,
		  int (*parse)(void *imp, const char *s, const char *e),
		  void *imp);
/**
 * fx_tr_li_feed - one line: counted; when malformed (-EINVAL) "NAME:LINE:
 * MESSAGE" in @err, the stats restored, the line counted bad, the first
 * kept
 * @li: the importer; @line, @len: the line, its end of line included
 * @err, @errlen: the message of a malformed line
 *
 * Return: 0 or the parser's error.
 */
int fx_tr_li_feed(struct fx_tr_lineimp *li, const char *line, size_t len,
		  char *err, size_t errlen);
/* fx_tr_li_fail - the parser's message for a malformed line; -EINVAL */
int fx_tr_li_fail(struct fx_tr_lineimp *li, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* fx_tr_li_finish - everything out of the queue; 0 or the emit's error */
int fx_tr_li_finish(struct fx_tr_lineimp *li);
/* fx_tr_li_run - fx_tr_run_lines() with fx_tr_li_feed() (no finish) */
int fx_tr_li_run(struct fx_tr_lineimp *li, FILE *in, bool skip_bad,
		 char *err, size_t errlen);
/* fx_tr_li_fini - free the queue */
void fx_tr_li_fini(struct fx_tr_lineimp *li);

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

/*
 * /proc/PID/maps snapshots of a capture (docs/capture.md): the shared
 * mappings (the 's' flag) each process's snapshots show, as MAP records,
 * so that shared futexes of different processes get one key.
 */
struct fx_tr_maps;

/**
 * fx_tr_maps_load - read a capture's maps snapshots
 * @path: the .maps file (uncompressed)
 * @out: the snapshots
 * @err: "FILE:LINE: what was expected" on a malformed line; @errlen: size
 *
 * Each shared mapping of a process becomes one MAP record (flags
 * MAP_SHARED, | MAP_ANONYMOUS without an inode; prot from the
 * permissions; off; inode = (MKDEV(major, minor) << 32) ^ ino with MKDEV
 * = major << 20 | minor) when a snapshot first shows it, placed at the
 * process's previous snapshot or "seen" time (the mapping appeared after
 * it), or for a process's first snapshot at the previous poll's time,
 * else the capture's start.  Times are absolute (ns since 1970).
 *
 * Return: 0, -ENOENT (cannot open), -EINVAL (malformed), -ENOMEM.
 */
int fx_tr_maps_load(const char *path, struct fx_tr_maps **out, char *err,
		    size_t errlen);
/* fx_tr_maps_records - the MAP records, by (absolute time, pid, start) */
const struct fx_trace_rec *fx_tr_maps_records(const struct fx_tr_maps *m,
					      size_t *n);
/**
 * fx_tr_maps_fill - give a traced mmap's MAP record its file identity
 * @m: the snapshots
 * @rec: a MAP record of a shared mapping without an inode
 * @abs_ns: its absolute time
 *
 * The first snapshot at or after @abs_ns showing a shared mapping of the
 * process starting at the record's address gives inode and offset.
 * Return: true if it did.
 */
bool fx_tr_maps_fill(const struct fx_tr_maps *m, struct fx_trace_rec *rec,
		     uint64_t abs_ns);
void fx_tr_maps_free(struct fx_tr_maps *m);

#endif /* FX_IMPORT_H */
