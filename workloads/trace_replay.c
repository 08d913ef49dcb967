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
#include "trace/trace.h"
#include "workload.h"

#define TR_NAME		"trace"
#define TR_MAX_RECORDS	10000000ull	/* records setup will read */
#define TR_MAX_EXAMPLES	10
#define TR_CHUNK	(2ull << 20)	/* lazy mappings: 2 MiB, aligned */
#define TR_PAGE		4096ull

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
	uint16_t kind;
	bool wait;		/* a wait this replay classifies */
};

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
	struct tr_op *ops;
	size_t n, cap, next;
	uint64_t prev_end;	/* traced end of the previous call */
	uint8_t st;
	bool in_wait;
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
	uint64_t records, calls, unreplayed;
	uint64_t cls[TR_NCLASS];
	uint64_t matrix[TR_NOUT][TR_NOUT];	/* [traced][model] */
	struct tr_example ex[TR_MAX_EXAMPLES];
	unsigned nex;
	bool finished;
};

struct tr_opts {
	char *file;
	bool silent;
	double speed;
	struct tr_run *run;
};

/* ---- options ---- */

static void tr_run_free(struct tr_run *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->nthreads; i++)
		free(r->threads[i].ops);
	free(r->threads);
	free(r->procs);
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
		} else {
unknown:
			snprintf(err, errlen, "%s: unknown option '%s' (expected -f FILE, -s, --speed X)",
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
		if (first)
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
	for (unsigned i = 0; i < r->nthreads; i++)
		r->threads[i].proc = &r->procs[r->threads[i].pidx];
	return 0;
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
	ts.tv_sec = (int64_t)(ns / 1000000000);
	ts.tv_nsec = (int64_t)(ns % 1000000000);
	fx_uaccess_write(fx_task_mm(th->task), th->scratch, &ts, sizeof(ts));
	return th->scratch;
}

static void tr_issue(struct fx_des_thread *th, struct tr_thread *t,
		     const struct tr_op *op, struct fx_des_act *act)
{
	uint64_t ut = op->val2;

	if (op->kind == FX_TR_FUTEX_WAIT) {
		fx_act_syscall(act, FX_SYS_FUTEX_WAIT, op->uaddr, op->val,
			       op->val3, op->op, tr_timeout(th, t, op),
			       FX_CLOCK_MONOTONIC_ID);
		return;
	}
	if (op->kind == FX_TR_FUTEX_WAKE) {
		fx_act_syscall(act, FX_SYS_FUTEX_WAKE, op->uaddr, op->val3,
			       op->val, op->op, 0, 0);
		return;
	}
	if (op->wait)
		ut = tr_timeout(th, t, op);
	fx_act_futex(act, op->uaddr, (int)op->op, op->val, ut, op->uaddr2,
		     op->val3);
}

enum { TR_ST_NEXT, TR_ST_STORE, TR_ST_CALL, TR_ST_RET };

static void tr_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct tr_thread *t = th->priv;
	struct tr_run *r = t->run;
	const struct tr_op *op;
	uint64_t end;
	unsigned cmd;

	for (;;) {
		if (t->next >= t->n) {
			fx_act_exit(act);
			return;
		}
		op = &t->ops[t->next];
		cmd = op->op & FX_CMD_MASK;
		switch (t->st) {
		case TR_ST_NEXT:
			t->st = TR_ST_STORE;
			if (op->t_ns > t->prev_end) {
				uint64_t ns = (uint64_t)((double)(op->t_ns -
						t->prev_end) / r->speed);

				if (ns) {
					fx_act_think(act, ns);
					return;
				}
			}
			continue;
		case TR_ST_STORE:
			t->st = TR_ST_CALL;
			tr_map(th, op->uaddr);
			if (op->kind == FX_TR_FUTEX &&
			    (cmd == FX_OP_REQUEUE || cmd == FX_OP_CMP_REQUEUE ||
			     cmd == FX_OP_WAKE_OP))
				tr_map(th, op->uaddr2);
			if (op->wait) {
				fx_act_atomic(act, FX_UA_STORE, op->uaddr,
					      op->ret == -EAGAIN ? op->val + 1 :
					      op->val, 0);
				return;
			}
			if (op->kind == FX_TR_FUTEX &&
			    cmd == FX_OP_CMP_REQUEUE) {
				fx_act_atomic(act, FX_UA_STORE, op->uaddr,
					      op->ret == -EAGAIN ?
					      op->val3 + 1 : op->val3, 0);
				return;
			}
			continue;
		case TR_ST_CALL:
			t->st = TR_ST_RET;
			t->in_wait = op->wait;
			tr_issue(th, t, op, act);
			return;
		default:
			t->in_wait = false;
			if (op->wait)
				tr_wait_done(r, t, op, th->ret);
			fx_des_count_ops(th, 1);
			end = op->t_ns + op->dur_ns;
			t->prev_end = op->ret == FX_TR_UNFINISHED ? op->t_ns :
				      end;
			t->next++;
			t->st = TR_ST_NEXT;
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
	rc = tr_read(r, o->file, err, errlen);
	if (rc)
		return rc;
	for (unsigned i = 0; i < r->nprocs; i++) {
		r->procs[i].p = fx_des_proc_new(des);
		if (!r->procs[i].p)
			return -errno;
	}
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
	if (o->silent)
		return;
	fprintf(out, "%s: %s: %u processes, %u threads, %" PRIu64 " calls (%" PRIu64 " not replayed), %.3f ms simulated\n",
		TR_NAME, o->file, r->nprocs, r->nthreads, r->calls,
		r->unreplayed, (double)fx_des_now(des) / 1e6);
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
	"  -s, --silent      no summary lines\n",
	.parse = tr_parse,
	.setup = tr_setup,
	.end_ns = tr_end_ns,
	.report = tr_report,
	.free = tr_free,
};
