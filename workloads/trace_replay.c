// SPDX-License-Identifier: MIT
/*
 * trace_replay.c - the "trace" workload: closed-loop replay of a trace
 * (workloads/FORMAT.md) on the DES engine, with a divergence report
 * (docs/trace-replay.md, "Closed-loop replay").
 *
 * Setup reads the whole trace and keeps, per traced thread, its futex
 * calls in order.  One simulated process is made per trace pid and one
 * thread per tid, starting at its first record's time.  Each thread
 * re-issues its calls through the engine, computing between them for the
 * traced gap (end of one call to the start of the next, divided by
 * --speed).  The model does not see the program's user-space atomics, so
 * right before each wait the thread stores into the futex word what makes
 * the wait behave as traced: its val if the traced wait blocked, val + 1
 * if it failed with -EAGAIN (likewise val3 before a FUTEX_CMP_REQUEUE).
 * Wakes are re-issued as traced; the engine decides whom they wake.
 *
 * Every traced wait is classified by (traced outcome, model outcome):
 * matched, or one divergence class.  Threads are daemons: a thread that
 * the model never wakes ends the run blocked, and is counted.
 *
 * Not replayed (counted in "unreplayed", their time becomes think time):
 * PI ops, FUTEX_FD, FUTEX_WAIT_REQUEUE_PI / CMP_REQUEUE_PI, futex_waitv
 * and futex2 futex_requeue.  Memory is private anonymous per process,
 * mapped lazily at the traced addresses; MAP records are not replayed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "futex.h"
#include "lib/kmap.h"
#include "trace/causal.h"
#include "trace/trace.h"
#include "workload.h"

#define TR_NAME		"trace"
#define TR_MAX_RECORDS	10000000ull	/* records setup will read */
#define TR_MAX_EXAMPLES	10
#define TR_CHUNK	(2ull << 20)	/* lazy mappings: 2 MiB, aligned */
#define TR_PAGE		4096ull
#define TR_REMAP_BASE	0x100000000000ull	/* copies' chunks (thread mode) */
#define TR_SHARED_SPACE	(1ull << 63)	/* causality: shared futexes' space */
#define TR_HOLD_MAX_NS	1000000000ull	/* default --hold-max: 1 s */
#define TR_SLACK_NS	50000ull	/* default --slack: 50 us */

/* outcomes of a wait, traced and modelled */
enum tr_out {
	TR_WOKEN,		/* returned 0 */
	TR_EAGAIN,		/* -EAGAIN: the word differed */
	TR_TIMEDOUT,		/* -ETIMEDOUT */
	TR_BLOCKED,		/* never returned */
	TR_OTHER,		/* another error (-EINTR, ...) */
	TR_NOUT,
};

static const char *const tr_out_name[TR_NOUT] = {
	"woken", "EAGAIN", "ETIMEDOUT", "blocked", "other",
};

/* divergence classes */
enum tr_class {
	TR_MATCHED,
	TR_NOT_WOKEN,		/* the model never woke it, the trace did */
	TR_WOKEN_DIFF,		/* woken vs timed out, vs blocked, errors */
	TR_EAGAIN_MISMATCH,	/* one side -EAGAIN, the other not */
	TR_NOT_REACHED,		/* the thread was stuck on an earlier wait */
	TR_NCLASS,
};

struct tr_op {
	uint64_t t_ns, dur_ns;
	uint64_t uaddr, uaddr2, val2;
	int64_t ret;
	uint32_t op, val, val3;
	uint32_t dep_first, dep_n;	/* wakes: the waits they released,
					   run->deps[dep_first...] */
	uint32_t pre_first, pre_n;	/* the wakes that must have returned,
					   run->pre[pre_first...] */
	uint32_t after_first, after_n;	/* waits: the waits that must queue
					   first, run->after[after_first...] */
	uint16_t kind;
	bool wait;		/* a wait this replay classifies */
	bool caused;		/* a released wait with a recovered waker */
};

/* a wait a wake released: base thread index, op index */
struct tr_dep {
	uint32_t th, op;
};

enum tr_copy_mode { TR_COPY_PROCESS, TR_COPY_THREAD };

struct tr_proc {
	uint32_t pid;
	struct fx_des_proc *p;
	int64_t off[2];		/* absolute timeout - traced return time,
				   learned from -ETIMEDOUT waits: [real, mono] */
	bool has_off[2];
};

struct tr_run;

struct tr_thread {
	struct tr_run *run;
	struct tr_proc *proc;
	unsigned pidx;		/* index of its process while reading */
	uint32_t tid;
	uint64_t first_ns;	/* first record's time */
	uint64_t exit_ns;	/* its THREAD_EXIT record's time */
	bool has_exit;
	uint64_t ctid;		/* clear_child_tid: the word its joiner
				   waits on, 0 if none seen */
	bool ctid_set;
	struct tr_op *ops;	/* shared by the copies of a thread */
	size_t n, cap, next;
	uint64_t prev_end;	/* traced end of the previous call */
	unsigned copy;		/* 0 .. --copies - 1 */
	struct fx_des_thread *th;
	uint64_t hold_start;
	uint8_t st;
	bool in_wait;
	bool queued;		/* in_wait and asleep in the core */
	bool held;		/* parked until its wake's waits are queued */
};

struct tr_example {
	uint32_t tid;
	uint64_t t_ns, uaddr;
	int64_t traced;
	enum tr_out model;
	long model_ret;
	enum tr_class cls;
};

struct tr_run {
	struct tr_proc *procs;
	struct tr_thread *threads;
	unsigned nprocs, nthreads;
	uint64_t t0;
	double speed;		/* --speed */
	unsigned nbase, npbase;	/* threads and processes of one copy */
	unsigned copies;
	enum tr_copy_mode mode;
	struct fx_kmap remap;	/* (copy, chunk) -> remapped chunk index */
	struct tr_dep *deps;
	size_t ndeps;
	struct tr_dep *pre;
	size_t npre;
	struct tr_dep *after;
	size_t nafter;
	bool hold;		/* keep the recovered order of wakes */
	bool idle_gaps;		/* --gaps idle: gaps off the CPU */
	uint64_t slack_ns;	/* --slack: the trace's clock skew */
	uint64_t hold_max_ns;
	struct tr_thread **held;	/* threads parked on a wake */
	unsigned nheld;
	uint64_t records, calls, unreplayed;
	uint64_t woken_waits, caused_waits, requeued, exit_links;
	uint64_t lost_exits;	/* unfinished calls followed by others */
	uint64_t self_ended;	/* woken waits without a waker, timed */
	uint64_t shared_chunks, shared_failed;	/* 2 MiB chunks of shared
						   futexes mapped shared */
	uint64_t holds, hold_timeouts, hold_ns;
	uint64_t cls[TR_NCLASS];
	uint64_t matrix[TR_NOUT][TR_NOUT];	/* [traced][model] */
	struct tr_example ex[TR_MAX_EXAMPLES];
	unsigned nex;
	bool finished;
};

struct tr_opts {
	char *file;
	bool silent;
	bool no_hold;
	bool idle_gaps;
	double speed;
	uint64_t hold_max_ns;
	uint64_t slack_ns;
	unsigned copies;
	enum tr_copy_mode mode;
	struct tr_run *run;
};

/* ---- options ---- */

static void tr_run_free(struct tr_run *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->nthreads; i++)
		if (!r->threads[i].copy)
			free(r->threads[i].ops);
	free(r->threads);
	free(r->procs);
	free(r->deps);
	free(r->pre);
	free(r->after);
	free(r->held);
	fx_kmap_free(&r->remap);
	free(r);
}

static void tr_free(void *opts)
{
	struct tr_opts *o = opts;

	if (!o)
		return;
	tr_run_free(o->run);
	free(o->file);
	free(o);
}

/* tr_optval - the value of option @argv[*i] (attached or the next word) */
static const char *tr_optval(int argc, char **argv, int *i, size_t skip)
{
	const char *a = argv[*i];

	if (a[skip] == '=')
		return a + skip + 1;
	if (a[skip])
		return a + skip;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int tr_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct fx_trace_reader *rd;
	struct fx_trace_meta meta;
	struct tr_opts *o = calloc(1, sizeof(*o));
	char msg[256];
	int rc = 0;

	if (!o)
		return -ENOMEM;
	o->speed = 1;
	o->copies = 1;
	o->hold_max_ns = TR_HOLD_MAX_NS;
	o->slack_ns = TR_SLACK_NS;
	for (int i = 1; i < argc && !rc; i++) {
		const char *a = argv[i], *v;
		char *end;

		if (!strcmp(a, "-s") || !strcmp(a, "--silent")) {
			o->silent = true;
		} else if (!strncmp(a, "-f", 2) || !strncmp(a, "--file", 6)) {
			if (a[1] == '-' && a[6] && a[6] != '=')
				goto unknown;
			v = tr_optval(argc, argv, &i, a[1] == '-' ? 6 : 2);
			if (!v || !*v) {
				snprintf(err, errlen, "%s: -f needs a value (expected a trace file)",
					 TR_NAME);
				rc = -EINVAL;
				break;
			}
			free(o->file);
			o->file = strdup(v);
			if (!o->file)
				rc = -ENOMEM;
		} else if (!strncmp(a, "--speed", 7) &&
			   (!a[7] || a[7] == '=')) {
			v = tr_optval(argc, argv, &i, 7);
			o->speed = v ? strtod(v, &end) : 0;
			if (!v || end == v || *end || !(o->speed > 0) ||
			    o->speed > 1e9) {
				snprintf(err, errlen, "%s: --speed '%s' is not a number (expected a factor > 0, e.g. 2 or 0.5)",
					 TR_NAME, v ? v : "");
				rc = -EINVAL;
			}
		} else if (!strcmp(a, "--no-hold")) {
			o->no_hold = true;
		} else if (!strncmp(a, "--gaps", 6) && (!a[6] || a[6] == '=')) {
			v = tr_optval(argc, argv, &i, 6);
			if (v && !strcmp(v, "cpu")) {
				o->idle_gaps = false;
			} else if (v && !strcmp(v, "idle")) {
				o->idle_gaps = true;
			} else {
				snprintf(err, errlen, "%s: --gaps '%s' is not a kind of gap (expected cpu or idle)",
					 TR_NAME, v ? v : "");
				rc = -EINVAL;
			}
		} else if (!strncmp(a, "--hold-max", 10) &&
			   (!a[10] || a[10] == '=')) {
			double ms;

			v = tr_optval(argc, argv, &i, 10);
			ms = v ? strtod(v, &end) : -1;
			if (!v || end == v || *end || !(ms > 0) || ms > 1e9) {
				snprintf(err, errlen, "%s: --hold-max '%s' is not a duration (expected milliseconds > 0, e.g. 100)",
					 TR_NAME, v ? v : "");
				rc = -EINVAL;
			} else {
				o->hold_max_ns = (uint64_t)(ms * 1e6);
			}
		} else if (!strncmp(a, "--slack", 7) &&
			   (!a[7] || a[7] == '=')) {
			double us;

			v = tr_optval(argc, argv, &i, 7);
			us = v ? strtod(v, &end) : -1;
			if (!v || end == v || *end || !(us >= 0) || us > 1e9) {
				snprintf(err, errlen, "%s: --slack '%s' is not a duration (expected microseconds >= 0, e.g. 50)",
					 TR_NAME, v ? v : "");
				rc = -EINVAL;
			} else {
				o->slack_ns = (uint64_t)(us * 1e3);
			}
		} else if (!strncmp(a, "--copies", 8) &&
			   (!a[8] || a[8] == '=')) {
			unsigned long n;

			v = tr_optval(argc, argv, &i, 8);
			n = v ? strtoul(v, &end, 10) : 0;
			if (!v || end == v || *end || !n || n > 1024 ||
			    *v == '-') {
				snprintf(err, errlen, "%s: --copies '%s' is not a count (expected 1 to 1024)",
					 TR_NAME, v ? v : "");
				rc = -EINVAL;
			} else {
				o->copies = (unsigned)n;
			}
		} else if (!strncmp(a, "--copy-mode", 11) &&
			   (!a[11] || a[11] == '=')) {
			v = tr_optval(argc, argv, &i, 11);
			if (v && !strcmp(v, "process")) {
				o->mode = TR_COPY_PROCESS;
			} else if (v && !strcmp(v, "thread")) {
				o->mode = TR_COPY_THREAD;
			} else {
				snprintf(err, errlen, "%s: --copy-mode '%s' is not a mode (expected process or thread)",
					 TR_NAME, v ? v : "");
				rc = -EINVAL;
			}
		} else {
unknown:
			snprintf(err, errlen, "%s: unknown option '%s' (expected -f FILE, -s, --speed X, --copies N, --copy-mode process|thread, --gaps cpu|idle, --hold-max MS, --slack US, --no-hold)",
				 TR_NAME, a);
			rc = -EINVAL;
		}
	}
	if (!rc && !o->file) {
		snprintf(err, errlen, "%s: no trace given (expected -f FILE)",
			 TR_NAME);
		rc = -EINVAL;
	}
	if (!rc) {
		rc = fx_trace_open(o->file, &rd, &meta, msg, sizeof(msg));
		if (rc) {
			snprintf(err, errlen, "%s: %s: cannot read the trace: %s",
				 TR_NAME, o->file, msg);
			rc = -EINVAL;
		} else {
			fx_trace_close(rd);
		}
	}
	if (rc) {
		tr_free(o);
		return rc;
	}
	*opts = o;
	return 0;
}

static uint64_t tr_end_ns(const void *opts)
{
	(void)opts;
	return 0;
}

/* ---- reading the trace ---- */

static bool tr_is_wait(const struct fx_trace_rec *rec)
{
	unsigned cmd = rec->op & FX_CMD_MASK;

	if (rec->kind == FX_TR_FUTEX_WAIT)
		return true;
	return rec->kind == FX_TR_FUTEX &&
	       (cmd == FX_OP_WAIT || cmd == FX_OP_WAIT_BITSET);
}

/* tr_replayable - whether the replay re-issues @rec */
static bool tr_replayable(const struct fx_trace_rec *rec)
{
	if (rec->kind == FX_TR_FUTEX_WAIT || rec->kind == FX_TR_FUTEX_WAKE)
		return true;
	if (rec->kind != FX_TR_FUTEX)
		return false;
	switch (rec->op & FX_CMD_MASK) {
	case FX_OP_WAIT:
	case FX_OP_WAKE:
	case FX_OP_REQUEUE:
	case FX_OP_CMP_REQUEUE:
	case FX_OP_WAKE_OP:
	case FX_OP_WAIT_BITSET:
	case FX_OP_WAKE_BITSET:
		return true;
	default:
		return false;
	}
}

static bool tr_is_call(uint16_t kind)
{
	return kind == FX_TR_FUTEX || kind == FX_TR_FUTEX_WAITV ||
	       kind == FX_TR_FUTEX_WAIT || kind == FX_TR_FUTEX_WAKE ||
	       kind == FX_TR_FUTEX_REQUEUE;
}

static struct tr_proc *tr_proc_get(struct tr_run *r, uint32_t pid,
				   unsigned *cap)
{
	for (unsigned i = r->nprocs; i-- > 0; )
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	if (r->nprocs == *cap) {
		unsigned nc = *cap ? 2 * *cap : 16;
		struct tr_proc *p = realloc(r->procs, nc * sizeof(*p));

		if (!p)
			return NULL;
		r->procs = p;
		*cap = nc;
	}
	memset(&r->procs[r->nprocs], 0, sizeof(r->procs[0]));
	r->procs[r->nprocs].pid = pid;
	return &r->procs[r->nprocs++];
}

static struct tr_thread *tr_thread_get(struct tr_run *r, uint32_t tid,
				       unsigned *cap, bool *made)
{
	*made = false;
	for (unsigned i = r->nthreads; i-- > 0; )
		if (r->threads[i].tid == tid)
			return &r->threads[i];
	if (r->nthreads == *cap) {
		unsigned nc = *cap ? 2 * *cap : 16;
		struct tr_thread *t = realloc(r->threads, nc * sizeof(*t));

		if (!t)
			return NULL;
		r->threads = t;
		*cap = nc;
	}
	memset(&r->threads[r->nthreads], 0, sizeof(r->threads[0]));
	r->threads[r->nthreads].tid = tid;
	*made = true;
	return &r->threads[r->nthreads++];
}

static int tr_op_add(struct tr_thread *t, const struct fx_trace_rec *rec)
{
	struct tr_op *op;

	if (t->n == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		struct tr_op *p = realloc(t->ops, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->ops = p;
		t->cap = nc;
	}
	op = &t->ops[t->n++];
	memset(op, 0, sizeof(*op));
	op->t_ns = rec->t_ns;
	op->dur_ns = rec->dur_ns;
	op->uaddr = rec->uaddr;
	op->uaddr2 = rec->uaddr2;
	op->val2 = rec->val2;
	op->ret = rec->ret;
	op->op = rec->op;
	op->val = rec->val;
	op->val3 = rec->val3;
	op->kind = rec->kind;
	op->wait = tr_is_wait(rec);
	return 0;
}

/* tr_learn_offset - an absolute timeout that expired: its clock's offset */
static void tr_learn_offset(struct tr_proc *p, const struct fx_trace_rec *rec)
{
	int clk;

	if (rec->ret != -ETIMEDOUT || rec->val2 == FX_TR_NO_TIMEOUT)
		return;
	if (rec->kind == FX_TR_FUTEX_WAIT)
		clk = 1;
	else if ((rec->op & FX_CMD_MASK) == FX_OP_WAIT_BITSET)
		clk = (rec->op & FX_CLOCK_REALTIME) ? 0 : 1;
	else
		return;
	if (p->has_off[clk])
		return;
	p->off[clk] = (int64_t)(rec->val2 - (rec->t_ns + rec->dur_ns));
	p->has_off[clk] = true;
}

/*
 * tr_lost_exits - a call that never returned in the trace, yet its
 * thread made more calls, lost its exit line (perf under load): it did
 * return, with what is unknown.  Replayed as blocked it would stop its
 * thread, so a wait is not replayed (its time becomes think time) and a
 * wake is replayed as having woken up to its count (val, plus val2 for
 * WAKE_OP and requeues), which is what causality matching needs.  Both
 * are counted.
 */
static void tr_lost_exits(struct tr_run *r)
{
	for (unsigned i = 0; i < r->nthreads; i++) {
		struct tr_thread *t = &r->threads[i];
		size_t j = 0;

		for (size_t k = 0; k < t->n; k++) {
			struct tr_op *op = &t->ops[k];

			if (op->ret == FX_TR_UNFINISHED && k + 1 < t->n) {
				unsigned cmd = op->op & FX_CMD_MASK;

				r->lost_exits++;
				if (op->wait) {
					r->unreplayed++;
					continue;
				}
				op->ret = op->val;
				if (op->kind == FX_TR_FUTEX &&
				    (cmd == FX_OP_WAKE_OP ||
				     cmd == FX_OP_REQUEUE ||
				     cmd == FX_OP_CMP_REQUEUE))
					op->ret += op->val2 > INT32_MAX ?
						   INT32_MAX : (int64_t)op->val2;
			}
			t->ops[j++] = *op;
		}
		t->n = j;
	}
}

static int tr_read(struct tr_run *r, const char *file, char *err,
		   size_t errlen)
{
	struct fx_trace_reader *rd;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	unsigned pcap = 0, tcap = 0;
	char msg[256];
	bool first = true;
	int rc;

	rc = fx_trace_open(file, &rd, &meta, msg, sizeof(msg));
	if (rc) {
		snprintf(err, errlen, "%s: %s: cannot read the trace: %s",
			 TR_NAME, file, msg);
		return -EINVAL;
	}
	while ((rc = fx_trace_next(rd, &rec, msg, sizeof(msg))) == 1) {
		struct tr_proc *p;
		struct tr_thread *t;
		bool made;

		if (++r->records > TR_MAX_RECORDS) {
			snprintf(err, errlen, "%s: %s: more than %llu records (expected a shorter trace: the closed-loop replay keeps it in memory)",
				 TR_NAME, file, TR_MAX_RECORDS);
			rc = -EINVAL;
			break;
		}
		/* the earliest time: start times are relative to it */
		if (first || rec.t_ns < r->t0)
			r->t0 = rec.t_ns;
		first = false;
		if (rec.kind == FX_TR_MAP || rec.kind == FX_TR_WAITV_ENTRY)
			continue;
		p = tr_proc_get(r, rec.pid, &pcap);
		t = p ? tr_thread_get(r, rec.tid, &tcap, &made) : NULL;
		if (!t) {
			rc = -ENOMEM;
			break;
		}
		if (made) {
			t->pidx = (unsigned)(p - r->procs);
			t->first_ns = rec.t_ns;
		}
		if (rec.kind == FX_TR_THREAD_EXIT) {
			t->exit_ns = rec.t_ns;
			t->has_exit = true;
		}
		if (!tr_is_call(rec.kind))
			continue;
		r->calls++;
		tr_learn_offset(p, &rec);
		if (!tr_replayable(&rec)) {
			r->unreplayed++;
			continue;
		}
		rc = tr_op_add(t, &rec);
		if (rc)
			break;
	}
	if (rc < 0 && rc != -ENOMEM && !*err) {
		snprintf(err, errlen, "%s: %s", TR_NAME, msg);
		rc = -EINVAL;
	}
	fx_trace_close(rd);
	if (rc < 0)
		return rc;
	tr_lost_exits(r);
	return 0;
}

/* ---- causality: which traced wake released which wait ---- */

/* tr_shared - @op names shared futexes (no PRIVATE flag) */
static bool tr_shared(const struct tr_op *op)
{
	if (op->kind == FX_TR_FUTEX)
		return !(op->op & FX_PRIVATE_FLAG);
	return !(op->op & FX2_PRIVATE);
}

/* tr_space - the causality space of @op: its process, or all processes
 * for a shared futex (they meet at the same address, see tr_share()) */
static uint64_t tr_space(const struct tr_run *r, const struct tr_thread *t,
			 const struct tr_op *op)
{
	return tr_shared(op) && r->nprocs > 1 ? TR_SHARED_SPACE :
	       r->procs[t->pidx].pid;
}

static bool tr_wake_kind(const struct tr_op *op, enum fx_causal_kind *kind)
{
	if (op->kind == FX_TR_FUTEX_WAKE) {
		*kind = FX_CAUSAL_WAKE;
		return true;
	}
	if (op->kind != FX_TR_FUTEX)
		return false;
	switch (op->op & FX_CMD_MASK) {
	case FX_OP_WAKE:
	case FX_OP_WAKE_BITSET:
		*kind = FX_CAUSAL_WAKE;
		return true;
	case FX_OP_WAKE_OP:
		*kind = FX_CAUSAL_WAKE2;
		return true;
	case FX_OP_REQUEUE:
	case FX_OP_CMP_REQUEUE:
		*kind = FX_CAUSAL_REQUEUE;
		return true;
	}
	return false;
}

/*
 * tr_ret_bound - when call @j of @t returned: entry + duration, or, when
 * the tracer gave no duration (0: perf's "[continued]" lines without a
 * time), the entry of the thread's next call (the end of time if none)
 */
static uint64_t tr_ret_bound(const struct tr_thread *t, size_t j)
{
	const struct tr_op *op = &t->ops[j];

	if (op->dur_ns || op->ret == FX_TR_UNFINISHED)
		return op->t_ns + op->dur_ns;
	return j + 1 < t->n ? t->ops[j + 1].t_ns : UINT64_MAX / 2;
}

/*
 * tr_causality - match the released waits to their wakes
 * (sim/trace/causal.h) and give each wake its list of waits.  Futexes are
 * told apart by (pid, uaddr): the replay's memory is private per process.
 */
static int tr_causality(struct tr_run *r)
{
	struct fx_causal_wait *w = NULL;
	struct fx_causal_wake *k = NULL;
	struct tr_dep *wref = NULL, *kref = NULL;
	struct fx_causal c;
	size_t nw = 0, nk = 0;
	enum fx_causal_kind kind;
	int rc = -ENOMEM;

	for (unsigned i = 0; i < r->nthreads; i++)
		for (size_t j = 0; j < r->threads[i].n; j++) {
			const struct tr_op *op = &r->threads[i].ops[j];

			nw += op->wait && op->ret == 0;
			nk += op->ret > 0 && tr_wake_kind(op, &kind);
		}
	w = malloc((nw ? nw : 1) * sizeof(*w));
	wref = malloc((nw ? nw : 1) * sizeof(*wref));
	k = malloc((nk ? nk : 1) * sizeof(*k));
	kref = malloc((nk ? nk : 1) * sizeof(*kref));
	if (!w || !wref || !k || !kref)
		goto out;
	nw = nk = 0;
	for (unsigned i = 0; i < r->nthreads; i++) {
		const struct tr_thread *t = &r->threads[i];

		for (size_t j = 0; j < t->n; j++) {
			const struct tr_op *op = &t->ops[j];
			uint64_t space = tr_space(r, t, op);

			if (op->wait && op->ret == 0) {
				w[nw] = (struct fx_causal_wait){
					.t_in = op->t_ns,
					.t_out = tr_ret_bound(t, j),
					.space = space, .uaddr = op->uaddr };
				wref[nw++] = (struct tr_dep){ i, (uint32_t)j };
			} else if (op->ret > 0 && tr_wake_kind(op, &kind)) {
				k[nk] = (struct fx_causal_wake){
					.t_in = op->t_ns,
					.t_out = op->t_ns + op->dur_ns,
					.space = space, .uaddr = op->uaddr,
					.uaddr2 = op->uaddr2, .kind = kind,
					.nr_wake = op->val,
					.count = op->ret > UINT32_MAX ?
						 UINT32_MAX : (uint32_t)op->ret };
				kref[nk++] = (struct tr_dep){ i, (uint32_t)j };
			}
		}
	}
	rc = fx_causal_match(w, nw, k, nk, r->slack_ns, &c);
	if (rc)
		goto out;
	r->deps = malloc((c.ndeps ? c.ndeps : 1) * sizeof(*r->deps));
	r->after = malloc((c.nq ? c.nq : 1) * sizeof(*r->after));
	if (!r->deps || !r->after) {
		fx_causal_free(&c);
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c.ndeps; i++)
		r->deps[i] = wref[c.deps[i]];
	r->ndeps = c.ndeps;
	for (size_t i = 0; i < nk; i++) {
		struct tr_op *op = &r->threads[kref[i].th].ops[kref[i].op];

		op->dep_first = c.first[i];
		op->dep_n = c.n[i];
	}
	for (size_t i = 0; i < c.nq; i++)
		r->after[i] = wref[c.qlist[i]];
	r->nafter = c.nq;
	for (size_t i = 0; i < nw; i++) {
		struct tr_op *op = &r->threads[wref[i].th].ops[wref[i].op];

		op->after_first = c.qfirst[i];
		op->after_n = c.qn[i];
	}
	for (size_t i = 0; i < nw; i++)
		if (c.waker[i] != FX_CAUSAL_NONE) {
			r->threads[wref[i].th].ops[wref[i].op].caused = true;
			r->caused_waits++;
		}
	r->woken_waits = nw;
	r->requeued = c.requeued;
	fx_causal_free(&c);
out:
	free(w);
	free(wref);
	free(k);
	free(kref);
	return rc;
}

/*
 * tr_joins - the waits a thread's exit released: pthread_join() waits on
 * the joined thread's tid word with val = its tid, and the kernel wakes
 * it at the thread's exit (clear_child_tid).  For each thread, the woken
 * waits of its process with no recovered waker, val = its tid, pending
 * at its exit (the THREAD_EXIT record, else the end of its last call):
 * the thread gets a final exit op holding them as a wake holds its
 * waits, and sets its clear_child_tid to their word when it starts.
 */
static int tr_joins(struct tr_run *r)
{
	for (unsigned i = 0; i < r->nthreads; i++) {
		struct tr_thread *t = &r->threads[i];
		const struct tr_op *last = t->n ? &t->ops[t->n - 1] : NULL;
		uint64_t end = t->has_exit ? t->exit_ns : last ?
			       last->t_ns + last->dur_ns : t->first_ns;
		struct fx_trace_rec rec = { .kind = FX_TR_THREAD_EXIT,
					    .t_ns = end };
		uint32_t first = (uint32_t)r->ndeps, n = 0;
		int rc;

		for (unsigned j = 0; j < r->nthreads; j++) {
			struct tr_thread *w = &r->threads[j];

			if (j == i || w->pidx != t->pidx)
				continue;
			for (size_t k = 0; k < w->n; k++) {
				struct tr_op *op = &w->ops[k];
				struct tr_dep *d;

				if (!op->wait || op->ret != 0 || op->caused ||
				    op->val != t->tid ||
				    op->t_ns > end + r->slack_ns ||
				    op->t_ns + op->dur_ns + r->slack_ns < end)
					continue;
				d = realloc(r->deps, (r->ndeps + 1) *
					    sizeof(*d));
				if (!d)
					return -ENOMEM;
				r->deps = d;
				r->deps[r->ndeps++] = (struct tr_dep){
					j, (uint32_t)k };
				op->caused = true;
				r->caused_waits++;
				r->exit_links++;
				if (!n++)
					t->ctid = op->uaddr;
			}
		}
		if (!n)
			continue;
		rc = tr_op_add(t, &rec);
		if (rc)
			return rc;
		t->ops[t->n - 1].dep_first = first;
		t->ops[t->n - 1].dep_n = n;
	}
	return 0;
}

/*
 * tr_prior - give each wait that blocks the wakes of its futex that
 * returned, in the trace, before it entered (sim/trace/causal.h,
 * fx_causal_prior()): it is held until they have returned in the model
 */
static int tr_prior(struct tr_run *r)
{
	struct fx_causal_ev *ev;
	struct tr_dep *ref;
	struct fx_causal_prior pr;
	enum fx_causal_kind kind;
	size_t n = 0;
	int rc;

	for (unsigned i = 0; i < r->nthreads; i++)
		for (size_t j = 0; j < r->threads[i].n; j++) {
			const struct tr_op *op = &r->threads[i].ops[j];

			if (op->wait && op->ret != -EAGAIN)
				n++;
			else if (op->ret >= 0 && tr_wake_kind(op, &kind))
				n += kind == FX_CAUSAL_WAKE ? 1 : 2;
		}
	ev = malloc((n ? n : 1) * sizeof(*ev));
	ref = malloc((n ? n : 1) * sizeof(*ref));
	if (!ev || !ref) {
		free(ev);
		free(ref);
		return -ENOMEM;
	}
	n = 0;
	for (unsigned i = 0; i < r->nthreads; i++) {
		const struct tr_thread *t = &r->threads[i];

		for (size_t j = 0; j < t->n; j++) {
			const struct tr_op *op = &t->ops[j];
			struct tr_dep d = { i, (uint32_t)j };
			uint64_t space = tr_space(r, t, op);

			uint64_t end = op->t_ns + op->dur_ns;

			if (op->wait && op->ret != -EAGAIN) {
				ev[n] = (struct fx_causal_ev){ op->t_ns, end,
					space, op->uaddr, i, 0 };
				ref[n++] = d;
			} else if (op->ret >= 0 && tr_wake_kind(op, &kind)) {
				ev[n] = (struct fx_causal_ev){ op->t_ns, end,
					space, op->uaddr, i, 1 };
				ref[n++] = d;
				if (kind == FX_CAUSAL_WAKE)
					continue;
				/* its second futex: ordered after it */
				ev[n] = (struct fx_causal_ev){ op->t_ns, end,
					space, op->uaddr2, i, 2 };
				ref[n++] = d;
			}
		}
	}
	rc = fx_causal_prior(ev, n, r->slack_ns, &pr);
	if (!rc) {
		r->pre = malloc((pr.nlist ? pr.nlist : 1) * sizeof(*r->pre));
		if (!r->pre)
			rc = -ENOMEM;
	}
	if (!rc) {
		for (size_t i = 0; i < pr.nlist; i++)
			r->pre[i] = ref[pr.list[i]];
		r->npre = pr.nlist;
		for (size_t i = 0; i < n; i++) {
			struct tr_op *op;

			if (ev[i].wake == 2)
				continue;
			op = &r->threads[ref[i].th].ops[ref[i].op];
			op->pre_first = pr.first[i];
			op->pre_n = pr.n[i];
		}
	}
	fx_causal_prior_free(&pr);
	free(ev);
	free(ref);
	return rc;
}

/* ---- scaling: --copies ---- */

/* tr_op_addrs - the futex addresses @op names; returns how many */
static unsigned tr_op_addrs(const struct tr_op *op, uint64_t a[2])
{
	unsigned cmd = op->op & FX_CMD_MASK;

	a[0] = op->uaddr;
	if (op->kind == FX_TR_FUTEX &&
	    (cmd == FX_OP_REQUEUE || cmd == FX_OP_CMP_REQUEUE ||
	     cmd == FX_OP_WAKE_OP)) {
		a[1] = op->uaddr2;
		return 2;
	}
	return 1;
}

/*
 * tr_expand - make the copies: threads (and, in process mode, processes)
 * copy_count times, the copies sharing the op arrays.  In thread mode
 * every 2 MiB chunk a copy touches is given a chunk of its own above
 * TR_REMAP_BASE, in the order the base threads name them, so each copy
 * has its own futexes in the same process.
 */
static int tr_expand(struct tr_run *r, unsigned copies, enum tr_copy_mode mode)
{
	unsigned nchunks = 0;

	r->nbase = r->nthreads;
	r->npbase = r->nprocs;
	r->copies = copies;
	r->mode = mode;
	if (copies > 1) {
		struct tr_thread *t = realloc(r->threads, (size_t)r->nbase *
					      copies * sizeof(*t));

		if (!t)
			return -ENOMEM;
		r->threads = t;
		for (unsigned c = 1; c < copies; c++)
			for (unsigned i = 0; i < r->nbase; i++) {
				t[c * r->nbase + i] = t[i];
				t[c * r->nbase + i].copy = c;
			}
		r->nthreads = r->nbase * copies;
	}
	if (copies > 1 && mode == TR_COPY_PROCESS) {
		struct tr_proc *p = realloc(r->procs, (size_t)r->npbase *
					    copies * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->procs = p;
		for (unsigned c = 1; c < copies; c++)
			memcpy(&p[c * r->npbase], p, r->npbase * sizeof(*p));
		for (unsigned i = r->nbase; i < r->nthreads; i++)
			r->threads[i].pidx += r->threads[i].copy * r->npbase;
		r->nprocs = r->npbase * copies;
	}
	for (unsigned i = 0; i < r->nthreads; i++)
		r->threads[i].proc = &r->procs[r->threads[i].pidx];
	if (copies == 1 || mode != TR_COPY_THREAD)
		return 0;
	for (unsigned c = 1; c < copies; c++)
		for (unsigned i = 0; i < r->nbase; i++)
			for (size_t j = 0; j < r->threads[i].n; j++) {
				uint64_t a[2];
				unsigned na = tr_op_addrs(&r->threads[i].ops[j], a);

				for (unsigned x = 0; x < na; x++) {
					if (!a[x] || fx_kmap_get(&r->remap, c,
							a[x] / TR_CHUNK, 0) !=
						     FX_KMAP_NONE)
						continue;
					if (fx_kmap_put(&r->remap, c,
							a[x] / TR_CHUNK, 0,
							nchunks++))
						return -ENOMEM;
				}
			}
	return 0;
}

/* tr_addr - @a as thread @t's copy sees it */
static uint64_t tr_addr(const struct tr_run *r, const struct tr_thread *t,
			uint64_t a)
{
	uint32_t idx;

	if (!a || !t->copy || r->mode != TR_COPY_THREAD)
		return a;
	idx = fx_kmap_get(&r->remap, t->copy, a / TR_CHUNK, 0);
	return TR_REMAP_BASE + (uint64_t)idx * TR_CHUNK + a % TR_CHUNK;
}

/*
 * tr_share - map the 2 MiB chunks that hold shared futexes as shared
 * memory in every process of a copy (all processes, in thread mode), so
 * that the processes of a traced program that fork()ed its shared
 * memory meet on the same futexes.  Only addresses equal in every
 * process are modelled; a chunk that cannot be mapped (it overlaps
 * memory the engine owns) stays private per process and is counted.
 */
static int tr_share(struct tr_run *r)
{
	struct fx_kmap seen = FX_KMAP_INIT;
	struct fx_des_proc **grp;
	uint64_t *chunk = NULL;
	size_t n = 0, cap = 0;
	unsigned ngroups = r->mode == TR_COPY_PROCESS ? r->copies : 1;
	int rc = 0;

	if (r->npbase < 2)
		return 0;
	for (unsigned i = 0; i < r->nbase && !rc; i++)
		for (size_t j = 0; j < r->threads[i].n && !rc; j++) {
			const struct tr_op *op = &r->threads[i].ops[j];
			uint64_t a[2];
			unsigned na = tr_op_addrs(op, a);

			if (!tr_shared(op))
				continue;
			for (unsigned x = 0; x < na && !rc; x++) {
				uint64_t c = a[x] / TR_CHUNK;

				if (!a[x] || fx_kmap_get(&seen, c, 0, 0) !=
					     FX_KMAP_NONE)
					continue;
				if (n == cap) {
					size_t nc = cap ? 2 * cap : 16;
					uint64_t *p = realloc(chunk,
							      nc * sizeof(*p));

					if (!p) {
						rc = -ENOMEM;
						break;
					}
					chunk = p;
					cap = nc;
				}
				chunk[n++] = c;
				rc = fx_kmap_put(&seen, c, 0, 0, 1);
			}
		}
	fx_kmap_free(&seen);
	grp = malloc(r->npbase * sizeof(*grp));
	if (!grp)
		rc = -ENOMEM;
	for (unsigned g = 0; g < ngroups && !rc; g++) {
		for (unsigned p = 0; p < r->npbase; p++)
			grp[p] = r->procs[g * r->npbase + p].p;
		for (unsigned c = 0; c < (ngroups > 1 ? 1 : r->copies); c++)
			for (size_t i = 0; i < n; i++) {
				struct tr_thread fake = { .copy = c };
				uint64_t at = tr_addr(r, &fake,
						      chunk[i] * TR_CHUNK);

				if (fx_des_map_shared(grp, r->npbase, at,
						      TR_CHUNK))
					r->shared_failed++;
				else
					r->shared_chunks++;
			}
	}
	free(grp);
	free(chunk);
	return rc;
}

/* ---- holding a wake until the waits it released are queued ---- */

/*
 * tr_deps_met - each call @d[0..n) of @t's copy has returned, or, with
 * @queued_ok, is a wait asleep in the core
 */
static bool tr_deps_met(const struct tr_run *r, const struct tr_thread *t,
			const struct tr_dep *d, uint32_t n, bool queued_ok)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct tr_thread *w =
			&r->threads[t->copy * r->nbase + d[i].th];

		if (w->next < d[i].op ||
		    (w->next == d[i].op && !(queued_ok && w->queued)))
			return false;
	}
	return true;
}

/* the prior wakes have returned, the waits to queue behind and the
 * waits @op releases are queued */
static bool tr_deps_ready(const struct tr_run *r, const struct tr_thread *t,
			  const struct tr_op *op)
{
	return tr_deps_met(r, t, &r->pre[op->pre_first], op->pre_n, false) &&
	       tr_deps_met(r, t, &r->after[op->after_first], op->after_n,
			   true) &&
	       tr_deps_met(r, t, &r->deps[op->dep_first], op->dep_n, true);
}

/* tr_recheck - unpark the held wakes whose waits are all queued now */
static void tr_recheck(struct tr_run *r)
{
	for (unsigned i = 0; i < r->nheld; ) {
		struct tr_thread *t = r->held[i];

		if (tr_deps_ready(r, t, &t->ops[t->next])) {
			r->held[i] = r->held[--r->nheld];
			fx_des_thread_unpark(t->th);
			continue;
		}
		i++;
	}
}

static void tr_held_del(struct tr_run *r, const struct tr_thread *t)
{
	for (unsigned i = 0; i < r->nheld; i++)
		if (r->held[i] == t) {
			r->held[i] = r->held[--r->nheld];
			return;
		}
}

/* the engine's block hook: @th went to sleep in its traced wait */
static void tr_on_block(struct fx_des_thread *th)
{
	struct tr_thread *t = th->priv;

	if (!t->in_wait)
		return;
	t->queued = true;
	if (t->run->nheld)
		tr_recheck(t->run);
}

/* ---- the divergence accounting ---- */

static enum tr_out tr_outcome(int64_t ret)
{
	if (ret == 0)
		return TR_WOKEN;
	if (ret == -EAGAIN)
		return TR_EAGAIN;
	if (ret == -ETIMEDOUT)
		return TR_TIMEDOUT;
	if (ret == FX_TR_UNFINISHED)
		return TR_BLOCKED;
	return TR_OTHER;
}

static enum tr_class tr_classify(enum tr_out traced, enum tr_out model)
{
	if (traced == model)
		return TR_MATCHED;
	if (traced == TR_EAGAIN || model == TR_EAGAIN)
		return TR_EAGAIN_MISMATCH;
	if (model == TR_BLOCKED)
		return TR_NOT_WOKEN;
	return TR_WOKEN_DIFF;
}

static void tr_account(struct tr_run *r, const struct tr_thread *t,
		       const struct tr_op *op, enum tr_out model,
		       long model_ret, enum tr_class cls)
{
	enum tr_out traced = tr_outcome(op->ret);

	r->cls[cls]++;
	if (cls == TR_NOT_REACHED)
		return;
	r->matrix[traced][model]++;
	if (cls != TR_MATCHED && r->nex < TR_MAX_EXAMPLES) {
		struct tr_example *e = &r->ex[r->nex++];

		e->tid = t->tid;
		e->t_ns = op->t_ns;
		e->uaddr = op->uaddr;
		e->traced = op->ret;
		e->model = model;
		e->model_ret = model_ret;
		e->cls = cls;
	}
}

static void tr_wait_done(struct tr_run *r, const struct tr_thread *t,
			 const struct tr_op *op, long ret)
{
	enum tr_out m = tr_outcome(ret);

	tr_account(r, t, op, m, ret, tr_classify(tr_outcome(op->ret), m));
}

/* ---- the threads ---- */

/* tr_map - make sure the word at @addr is mapped in @th's process */
static void tr_map(struct fx_des_thread *th, uint64_t addr)
{
	struct fx_mm *mm = fx_task_mm(th->task);
	uint32_t v;

	addr &= ~3ull;
	if (!addr || fx_uaccess_get32(mm, addr, &v) != -EFAULT)
		return;
	if (fx_mmap(mm, addr & ~(TR_CHUNK - 1), TR_CHUNK,
		    FX_PROT_READ | FX_PROT_WRITE, FX_MAP_PRIVATE | FX_MAP_ANON,
		    NULL, 0))
		fx_mmap(mm, addr & ~(TR_PAGE - 1), TR_PAGE,
			FX_PROT_READ | FX_PROT_WRITE,
			FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0);
}

/*
 * tr_timeout - the user pointer of @op's timeout argument, the timespec
 * written to th->scratch; 0 for none.  Relative timeouts are passed as
 * traced; absolute ones are made relative to the traced call's entry with
 * the offset learned from an expired wait on the same clock (or the
 * traced duration of a wait that timed out), then made absolute again in
 * the model's clock.
 */
static uint64_t tr_timeout(struct fx_des_thread *th, const struct tr_thread *t,
			   const struct tr_op *op)
{
	bool abs = op->kind == FX_TR_FUTEX_WAIT ||
		   (op->op & FX_CMD_MASK) == FX_OP_WAIT_BITSET;
	int clk = op->kind == FX_TR_FUTEX_WAIT ? 1 :
		  !(op->op & FX_CLOCK_REALTIME);
	struct fx_timespec ts;
	uint64_t ns;

	if (op->ret == 0 && !op->caused && t->run->hold &&
	    tr_ret_bound(t, t->next) < UINT64_MAX / 2) {
		/*
		 * Released by nothing the trace shows (its wake lost, or
		 * outside the trace): it ends by itself at its traced return,
		 * as a timeout, rather than stopping its thread for good.
		 */
		uint64_t rel = tr_ret_bound(t, t->next) - op->t_ns;

		t->run->self_ended++;
		ns = (abs ? fx_des_now(th->des) : 0) + (rel ? rel : 1);
		goto write;
	}
	if (op->val2 == FX_TR_NO_TIMEOUT)
		return 0;
	ns = op->val2;
	if (abs) {
		int64_t rel;

		if (op->ret == -ETIMEDOUT)
			rel = (int64_t)op->dur_ns;
		else if (t->proc->has_off[clk])
			rel = (int64_t)(op->val2 - (uint64_t)t->proc->off[clk] -
					op->t_ns);
		else
			return 0;	/* unknown: the wait did not expire */
		ns = fx_des_now(th->des) + (rel > 0 ? (uint64_t)rel : 0);
	}
write:
	ts.tv_sec = (int64_t)(ns / 1000000000);
	ts.tv_nsec = (int64_t)(ns % 1000000000);
	fx_uaccess_write(fx_task_mm(th->task), th->scratch, &ts, sizeof(ts));
	return th->scratch;
}

static void tr_issue(struct fx_des_thread *th, struct tr_thread *t,
		     const struct tr_op *op, struct fx_des_act *act)
{
	uint64_t ut = op->val2;
	uint64_t ua = tr_addr(t->run, t, op->uaddr);

	if (op->kind == FX_TR_FUTEX_WAIT) {
		fx_act_syscall(act, FX_SYS_FUTEX_WAIT, ua, op->val,
			       op->val3, op->op, tr_timeout(th, t, op),
			       FX_CLOCK_MONOTONIC_ID);
		return;
	}
	if (op->kind == FX_TR_FUTEX_WAKE) {
		fx_act_syscall(act, FX_SYS_FUTEX_WAKE, ua, op->val3,
			       op->val, op->op, 0, 0);
		return;
	}
	if (op->wait)
		ut = tr_timeout(th, t, op);
	fx_act_futex(act, ua, (int)op->op, op->val, ut,
		     tr_addr(t->run, t, op->uaddr2), op->val3);
}

enum { TR_ST_NEXT, TR_ST_HOLD, TR_ST_STORE, TR_ST_CALL, TR_ST_RET };

static void tr_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct tr_thread *t = th->priv;
	struct tr_run *r = t->run;
	const struct tr_op *op;
	uint64_t end;
	unsigned cmd;

	for (;;) {
		if (t->ctid && !t->ctid_set) {	/* first: clear_child_tid */
			uint64_t a = tr_addr(r, t, t->ctid);

			t->ctid_set = true;
			tr_map(th, a);
			fx_act_syscall(act, FX_SYS_SET_TID_ADDRESS, a, 0, 0, 0,
				       0, 0);
			return;
		}
		if (t->next >= t->n) {
			fx_act_exit(act);
			return;
		}
		op = &t->ops[t->next];
		cmd = op->op & FX_CMD_MASK;
		switch (t->st) {
		case TR_ST_NEXT:
			t->st = TR_ST_HOLD;
			if (op->t_ns > t->prev_end) {
				uint64_t ns = (uint64_t)((double)(op->t_ns -
						t->prev_end) / r->speed);

				if (ns && r->idle_gaps)
					fx_act_park(act, ns);
				else if (ns)
					fx_act_think(act, ns);
				if (ns)
					return;
			}
			continue;
		case TR_ST_HOLD:
			if (t->held) {		/* back from the hold */
				t->held = false;
				tr_held_del(r, t);
				if (th->ret == -ETIMEDOUT)
					r->hold_timeouts++;
				r->hold_ns += fx_des_now(th->des) -
					      t->hold_start;
			} else if (r->hold &&
				   (op->dep_n || op->pre_n || op->after_n) &&
				   !tr_deps_ready(r, t, op)) {
				t->held = true;
				t->hold_start = fx_des_now(th->des);
				r->held[r->nheld++] = t;
				r->holds++;
				fx_act_park(act, r->hold_max_ns);
				return;
			}
			t->st = TR_ST_STORE;
			continue;
		case TR_ST_STORE: {
			uint64_t a[2];
			unsigned na = tr_op_addrs(op, a);

			t->st = TR_ST_CALL;
			for (unsigned i = 0; i < na; i++)
				tr_map(th, tr_addr(r, t, a[i]));
			if (op->wait) {
				fx_act_atomic(act, FX_UA_STORE,
					      tr_addr(r, t, op->uaddr),
					      op->ret == -EAGAIN ? op->val + 1 :
					      op->val, 0);
				return;
			}
			if (op->kind == FX_TR_FUTEX &&
			    cmd == FX_OP_CMP_REQUEUE) {
				fx_act_atomic(act, FX_UA_STORE,
					      tr_addr(r, t, op->uaddr),
					      op->ret == -EAGAIN ?
					      op->val3 + 1 : op->val3, 0);
				return;
			}
			continue;
		}
		case TR_ST_CALL:
			if (op->kind == FX_TR_THREAD_EXIT) {
				t->next = t->n;
				fx_act_exit(act);
				return;
			}
			t->st = TR_ST_RET;
			t->in_wait = op->wait;
			tr_issue(th, t, op, act);
			return;
		default:
			t->in_wait = false;
			t->queued = false;
			if (op->wait)
				tr_wait_done(r, t, op, th->ret);
			fx_des_count_ops(th, 1);
			end = op->t_ns + op->dur_ns;
			t->prev_end = op->ret == FX_TR_UNFINISHED ? op->t_ns :
				      end;
			t->next++;
			t->st = TR_ST_NEXT;
			if (r->nheld)
				tr_recheck(r);
			continue;
		}
	}
}

static int tr_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct tr_opts *o = opts;
	struct tr_run *r;
	int rc;

	(void)nthreads;		/* the trace says how many */
	tr_run_free(o->run);
	o->run = r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (errlen)
		*err = 0;
	r->speed = o->speed;
	r->hold = !o->no_hold;
	r->idle_gaps = o->idle_gaps;
	r->hold_max_ns = o->hold_max_ns;
	r->slack_ns = o->slack_ns;
	rc = tr_read(r, o->file, err, errlen);
	if (!rc)
		rc = tr_causality(r);
	if (!rc)
		rc = tr_joins(r);
	if (!rc)
		rc = tr_prior(r);
	if (!rc)
		rc = tr_expand(r, o->copies, o->mode);
	if (!rc) {
		r->held = calloc(r->nthreads ? r->nthreads : 1,
				 sizeof(*r->held));
		if (!r->held)
			rc = -ENOMEM;
	}
	if (rc)
		return rc;
	for (unsigned i = 0; i < r->nprocs; i++) {
		r->procs[i].p = fx_des_proc_new(des);
		if (!r->procs[i].p)
			return -errno;
	}
	rc = tr_share(r);
	if (rc)
		return rc;
	for (unsigned i = 0; i < r->nthreads; i++) {
		struct tr_thread *t = &r->threads[i];
		struct fx_des_thread *th;
		uint64_t start = (uint64_t)((double)(t->first_ns - r->t0) /
					    o->speed);

		t->run = r;
		t->prev_end = t->first_ns;
		th = fx_des_thread_new(t->proc->p, tr_step, t, FX_DES_ANY_CPU,
				       start);
		if (!th) {
			snprintf(err, errlen, "%s: %s: cannot create thread %u (tid %u)",
				 TR_NAME, o->file, i, t->tid);
			return errno ? -errno : -ENOMEM;
		}
		fx_des_thread_daemon(th);
		fx_des_thread_on_block(th, tr_on_block);
		t->th = th;
	}
	return 0;
}

/* tr_finish - account the waits the run left blocked or never reached */
static void tr_finish(struct tr_run *r)
{
	if (r->finished)
		return;
	r->finished = true;
	for (unsigned i = 0; i < r->nthreads; i++) {
		struct tr_thread *t = &r->threads[i];
		size_t k = t->next;

		if (t->in_wait && k < t->n) {
			const struct tr_op *op = &t->ops[k];

			tr_account(r, t, op, TR_BLOCKED, 0,
				   tr_classify(tr_outcome(op->ret),
					       TR_BLOCKED));
			k++;
		} else if (t->st == TR_ST_RET && k < t->n) {
			k++;	/* a non-wait call in progress */
		}
		for (; k < t->n; k++)
			if (t->ops[k].wait)
				tr_account(r, t, &t->ops[k], TR_BLOCKED, 0,
					   TR_NOT_REACHED);
	}
}

static void tr_report(struct fx_des *des, void *opts, FILE *out)
{
	struct tr_opts *o = opts;
	struct tr_run *r = o->run;
	uint64_t waits = 0, div;

	if (!r)
		return;
	tr_finish(r);
	for (unsigned c = 0; c < TR_NCLASS; c++)
		waits += r->cls[c];
	div = waits - r->cls[TR_MATCHED];
	fx_des_value(des, "waits", (double)waits);
	fx_des_value(des, "div_total", (double)div);
	fx_des_value(des, "div_not_woken", (double)r->cls[TR_NOT_WOKEN]);
	fx_des_value(des, "div_woken_differently",
		     (double)r->cls[TR_WOKEN_DIFF]);
	fx_des_value(des, "div_eagain_mismatch",
		     (double)r->cls[TR_EAGAIN_MISMATCH]);
	fx_des_value(des, "div_not_reached", (double)r->cls[TR_NOT_REACHED]);
	fx_des_value(des, "unreplayed", (double)r->unreplayed);
	fx_des_value(des, "copies", (double)r->copies);
	fx_des_value(des, "woken_waits", (double)(r->woken_waits * r->copies));
	fx_des_value(des, "causal_links",
		     (double)(r->caused_waits * r->copies));
	fx_des_value(des, "holds", (double)r->holds);
	fx_des_value(des, "hold_timeouts", (double)r->hold_timeouts);
	fx_des_value(des, "hold_mean_ns", r->holds ? (double)r->hold_ns /
		     (double)r->holds : 0);
	if (o->silent)
		return;
	fprintf(out, "%s: %s: %u processes, %u threads (%u %s cop%s), %" PRIu64 " calls (%" PRIu64 " not replayed), %.3f ms simulated\n",
		TR_NAME, o->file, r->nprocs, r->nthreads, r->copies,
		r->mode == TR_COPY_THREAD ? "thread" : "process",
		r->copies == 1 ? "y" : "ies", r->calls * r->copies,
		r->unreplayed * r->copies, (double)fx_des_now(des) / 1e6);
	fprintf(out, "%s: causality: %" PRIu64 " traced waits woken, %" PRIu64 " with a recovered waker (%" PRIu64 " via a requeue, %" PRIu64 " a thread's exit); wakes held %" PRIu64 " times, %" PRIu64 " gave up after %.3f ms, mean hold %.3f us%s\n",
		TR_NAME, r->woken_waits * r->copies,
		r->caused_waits * r->copies, r->requeued * r->copies,
		r->exit_links * r->copies, r->holds, r->hold_timeouts, (double)r->hold_max_ns / 1e6,
		r->holds ? (double)r->hold_ns / (double)r->holds / 1e3 : 0.0,
		r->hold ? "" : " (--no-hold: wakes not held)");
	if (r->self_ended)
		fprintf(out, "%s: %" PRIu64 " woken wait(s) with no recovered waker were given their traced duration as a timeout\n",
			TR_NAME, r->self_ended);
	if (r->lost_exits)
		fprintf(out, "%s: %" PRIu64 " call(s) never returned in the trace although their thread went on (an exit line lost): waits not replayed, wakes taken to wake up to their count\n",
			TR_NAME, r->lost_exits * r->copies);
	if (r->shared_chunks || r->shared_failed)
		fprintf(out, "%s: shared futexes: %" PRIu64 " 2 MiB chunks mapped shared across the %u processes of each copy, %" PRIu64 " left private (they overlap the engine's own memory)\n",
			TR_NAME, r->shared_chunks, r->npbase, r->shared_failed);
	fprintf(out, "%s: %" PRIu64 " waits: %" PRIu64 " matched, %" PRIu64 " diverged: %" PRIu64 " not woken, %" PRIu64 " woken differently, %" PRIu64 " EAGAIN mismatch, %" PRIu64 " not reached\n",
		TR_NAME, waits, r->cls[TR_MATCHED], div,
		r->cls[TR_NOT_WOKEN], r->cls[TR_WOKEN_DIFF],
		r->cls[TR_EAGAIN_MISMATCH], r->cls[TR_NOT_REACHED]);
	fprintf(out, "%s: traced \\ model", TR_NAME);
	for (unsigned m = 0; m < TR_NOUT; m++)
		fprintf(out, " %10s", tr_out_name[m]);
	fputc('\n', out);
	for (unsigned tr = 0; tr < TR_NOUT; tr++) {
		fprintf(out, "%s: %-14s", TR_NAME, tr_out_name[tr]);
		for (unsigned m = 0; m < TR_NOUT; m++)
			fprintf(out, " %10" PRIu64, r->matrix[tr][m]);
		fputc('\n', out);
	}
	for (unsigned i = 0; i < r->nex; i++) {
		const struct tr_example *e = &r->ex[i];
		char tbuf[32];

		if (tr_outcome(e->traced) == TR_OTHER)
			snprintf(tbuf, sizeof(tbuf), "other (%" PRId64 ")",
				 e->traced);
		else
			snprintf(tbuf, sizeof(tbuf), "%s",
				 tr_out_name[tr_outcome(e->traced)]);
		fprintf(out, "%s: example: tid %u at %" PRIu64 ".%09" PRIu64 " uaddr 0x%" PRIx64 ": traced %s, model %s",
			TR_NAME, e->tid, e->t_ns / 1000000000,
			e->t_ns % 1000000000, e->uaddr, tbuf,
			tr_out_name[e->model]);
		if (e->model == TR_OTHER)
			fprintf(out, " (%ld)", e->model_ret);
		fputc('\n', out);
	}
}

const struct fx_workload fx_wl_trace = {
	.name = TR_NAME,
	.summary = "closed-loop replay of a trace, with a divergence report",
	.usage =
	"  -f, --file FILE   the trace (text or binary, workloads/FORMAT.md)\n"
	"      --speed X     divide the traced think times and start times\n"
	"                    by X (default 1)\n"
	"      --copies N    replay N copies of the trace (default 1)\n"
	"      --copy-mode M process: each copy in processes of its own\n"
	"                    (default); thread: the copies' threads share the\n"
	"                    traced processes, each copy's futexes remapped\n"
	"      --hold-max MS hold a wake at most MS ms of simulated time for\n"
	"                    the calls it must follow in the trace (default\n"
	"                    1000)\n"
	"      --slack US    the trace's clock skew between threads: order\n"
	"                    calls only when further apart (default 50)\n"
	"      --no-hold     issue every call when reached, holding none\n"
	"      --gaps G      the time between a thread's traced calls: cpu\n"
	"                    (computing on a CPU, default) or idle (off the\n"
	"                    CPU, as a thread blocked in an untraced call)\n"
	"  -s, --silent      no summary lines\n",
	.parse = tr_parse,
	.setup = tr_setup,
	.end_ns = tr_end_ns,
	.report = tr_report,
	.free = tr_free,
};
