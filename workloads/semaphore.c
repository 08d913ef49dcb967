// SPDX-License-Identifier: MIT
/*
 * semaphore.c - the "semaphore" workload: threads acquiring a counting
 * semaphore (sem_wait), holding a token for a while, and returning it
 * (sem_post).
 *
 * DESIGN (glibc's "new" semaphore, nptl/sem_waitcommon.c and
 * nptl/sem_post.c since 2.21, in the variant for 32-bit atomics: the
 * simulated user atomics are 32-bit)
 *
 *   value:    (tokens << 1) | NWAITERS bit  (the futex word)
 *   nwaiters: number of sem_wait calls that may block
 *
 *   sem_wait fast path: v = load; if tokens: one cmpxchg(v, v - 2)
 *   slow path:  nwaiters += 1; v = load(value);
 *               do { do { while !(v & 1): cmpxchg(v, v | 1)  (v kept)
 *                         if !tokens(v): FUTEX_WAIT(value, 1); v = load
 *                    } while !tokens(v)
 *               } while !cmpxchg(v, v - 2)
 *               finish: wguess = load(nwaiters);
 *                       if wguess == 1: fetch_and(value, ~1)
 *                       wfinal = fetch_add(nwaiters, -1);
 *                       if wfinal > 1 and wguess == 1 (misspeculated):
 *                           v = fetch_or(value, 1) >> 1;
 *                           if v: FUTEX_WAKE(value, v)
 *   sem_post:   v = load; do { if tokens(v) == SEM_VALUE_MAX: EOVERFLOW }
 *               while !cmpxchg(v, v + 2);
 *               if v & 1: FUTEX_WAKE(value, 1)
 *
 * Every atomic is one step; a failed cmpxchg hands back the current
 * value, as C11's compare_exchange does.  Checks, from outside the model:
 * the number of threads holding a token never exceeds the initial count
 * (-n), and no value word ever shows more tokens than that ("a negative
 * count" would wrap to a huge one).  One operation is one wait + post.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "primopt.h"
#include "workload.h"

#define SE_NAME		"semaphore"
#define SE_NWAITERS	1u
#define SE_SHIFT	1
#define SE_VALUE_MAX	0x7fffffffu

struct se_opts {
	struct fx_prim_common c;	/* first: -t (0: one per CPU), -r, -s */
	unsigned count;
	uint64_t cs_ns, out_ns;
};

enum se_state {
	SE_TOP, SW_FAST, SW_FAST_LOADED, SW_FAST_CAS, SW_SLOW, SW_LOADV,
	SW_INNER, SW_BIT_CAS, SW_CHECK, SW_WAITED, SW_RELOADED, SW_AFTER_WAIT,
	SW_GRAB,
	SW_GRAB_CAS, SW_FINISH, SW_WGUESS, SW_DEC, SW_DECD, SW_FIXUP,
	SE_HELD, SE_CS_END, SP_LOADED, SP_TRY, SP_CAS, SE_POSTED,
};

struct se_thread {
	struct se_run *run;
	enum se_state st;
	uint32_t v;			/* the algorithm's local v */
	uint32_t wguess;
	uint64_t ops;
};

struct se_run {
	struct fx_prim_run c;		/* first: fx_prim_setup_run() */
	const struct se_opts *o;
	uint64_t value, nwaiters;	/* simulated words */
	unsigned holders, max_holders;
	uint64_t violations, bad_values, overflow;
	uint64_t slow, futex_wait, wait_eagain, post_wake, fixup_wake;
	struct se_thread threads[];
};

static int se_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct se_opts *o = fx_prim_opts_new(sizeof(*o), NULL);
	int rc;

	if (!o)
		return -ENOMEM;
	o->count = 2;
	o->cs_ns = 300;
	o->out_ns = 200;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 1),
			FX_POPT_COUNT('n', "count", &o->count, 1, 65536,
				      "an initial count 1..65536"),
			FX_POPT_TIME('c', "cs", &o->cs_ns,
				     "a time holding a token"),
			FX_POPT_TIME('o', "outside", &o->out_ns,
				     "a time between post and wait"),
		};

		rc = FX_POPT_PARSE(SE_NAME, tab, argc, argv, err, errlen);
	}
	return fx_prim_opts_done(o, rc, opts);
}

/* se_seen - a value word observed: it never holds more than -n tokens */
static uint32_t se_seen(struct se_run *r, uint32_t v)
{
	if (v >> SE_SHIFT > r->o->count)
		r->bad_values++;
	return v;
}

static void se_cas(struct fx_des_act *act, struct se_thread *t,
		   uint64_t addr, uint32_t expect, uint32_t nv,
		   enum se_state next)
{
	t->v = expect;
	fx_act_atomic(act, FX_UA_CMPXCHG, addr, expect, nv);
	t->st = next;
}

/*
 * se_cas_done - after se_cas(): to @ok if the cmpxchg succeeded, else to
 * @retry with the value it found as v
 */
static void se_cas_done(struct se_run *r, struct se_thread *t,
			const struct fx_des_thread *th, enum se_state ok,
			enum se_state retry)
{
	if (th->uval == t->v) {
		t->st = ok;
	} else {
		t->v = se_seen(r, th->uval);
		t->st = retry;
	}
}

static void se_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct se_thread *t = th->priv;
	struct se_run *r = t->run;
	const int pf = FX_PRIVATE_FLAG;
	uint32_t v;

	for (;;) {
		switch (t->st) {
		case SE_TOP:
			if (fx_prim_stop(th, act, r->c.end_ns))
				return;
			t->st = SW_FAST;
			continue;
		/* ---- sem_wait: __new_sem_wait_fast(sem, 0) ---- */
		case SW_FAST:
			fx_act_atomic(act, FX_UA_LOAD, r->value, 0, 0);
			t->st = SW_FAST_LOADED;
			return;
		case SW_FAST_LOADED:
			v = se_seen(r, th->uval);
			if (!(v >> SE_SHIFT)) {
				t->st = SW_SLOW;
				continue;
			}
			se_cas(act, t, r->value, v, v - (1u << SE_SHIFT),
			       SW_FAST_CAS);
			return;
		case SW_FAST_CAS:
			se_seen(r, th->uval);
			t->st = th->uval == t->v ? SE_HELD : SW_SLOW;
			continue;
		/* ---- __new_sem_wait_slow, !__HAVE_64B_ATOMICS ---- */
		case SW_SLOW:
			r->slow++;
			fx_act_atomic(act, FX_UA_ADD, r->nwaiters, 1, 0);
			t->st = SW_LOADV;
			return;
		case SW_LOADV:
			fx_act_atomic(act, FX_UA_LOAD, r->value, 0, 0);
			t->st = SW_RELOADED;
			return;
		case SW_RELOADED:
			t->v = se_seen(r, th->uval);
			t->st = SW_INNER;
			continue;
		case SW_INNER:
			v = t->v;
			if (!(v & SE_NWAITERS)) {
				se_cas(act, t, r->value, v, v | SE_NWAITERS,
				       SW_BIT_CAS);
				return;
			}
			t->st = SW_CHECK;
			continue;
		case SW_BIT_CAS:
			/* success leaves v as it was (without the bit) */
			se_cas_done(r, t, th, SW_CHECK, SW_INNER);
			continue;
		case SW_CHECK:
			if (t->v >> SE_SHIFT) {
				t->st = SW_GRAB;
				continue;
			}
			r->futex_wait++;
			fx_act_futex(act, r->value, FX_OP_WAIT | pf, SE_NWAITERS,
				     0, 0, 0);
			t->st = SW_WAITED;
			return;
		case SW_WAITED:
			if (th->ret == -EAGAIN)
				r->wait_eagain++;
			fx_act_atomic(act, FX_UA_LOAD, r->value, 0, 0);
			t->st = SW_AFTER_WAIT;
			return;
		case SW_AFTER_WAIT:
			/* the middle loop goes on while there is no token */
			t->v = se_seen(r, th->uval);
			t->st = t->v >> SE_SHIFT ? SW_GRAB : SW_INNER;
			continue;
		case SW_GRAB:
			se_cas(act, t, r->value, t->v, t->v - (1u << SE_SHIFT),
			       SW_GRAB_CAS);
			return;
		case SW_GRAB_CAS:
			se_cas_done(r, t, th, SW_FINISH, SW_INNER);
			continue;
		/* ---- __sem_wait_32_finish ---- */
		case SW_FINISH:
			fx_act_atomic(act, FX_UA_LOAD, r->nwaiters, 0, 0);
			t->st = SW_WGUESS;
			return;
		case SW_WGUESS:
			t->wguess = th->uval;
			t->st = SW_DEC;
			if (t->wguess == 1) {
				fx_act_atomic(act, FX_UA_AND, r->value,
					      ~SE_NWAITERS, 0);
				return;
			}
			continue;
		case SW_DEC:
			fx_act_atomic(act, FX_UA_ADD, r->nwaiters, (uint32_t)-1,
				      0);
			t->st = SW_DECD;
			return;
		case SW_DECD:
			if (th->uval > 1 && t->wguess == 1) {
				fx_act_atomic(act, FX_UA_OR, r->value,
					      SE_NWAITERS, 0);
				t->st = SW_FIXUP;
				return;
			}
			t->st = SE_HELD;
			continue;
		case SW_FIXUP:
			v = se_seen(r, th->uval) >> SE_SHIFT;
			t->st = SE_HELD;
			if (v) {
				r->fixup_wake++;
				fx_act_futex(act, r->value, FX_OP_WAKE | pf, v,
					     0, 0, 0);
				return;
			}
			continue;
		/* ---- holding a token ---- */
		case SE_HELD:
			if (++r->holders > r->o->count)
				r->violations++;
			if (r->holders > r->max_holders)
				r->max_holders = r->holders;
			t->st = SE_CS_END;
			if (fx_prim_think(act, r->o->cs_ns))
				return;
			continue;
		case SE_CS_END:
			r->holders--;
			fx_act_atomic(act, FX_UA_LOAD, r->value, 0, 0);
			t->st = SP_LOADED;
			return;
		/* ---- sem_post ---- */
		case SP_LOADED:
			t->v = se_seen(r, th->uval);
			t->st = SP_TRY;
			continue;
		case SP_TRY:
			if (t->v >> SE_SHIFT == SE_VALUE_MAX) {
				r->overflow++;		/* EOVERFLOW */
				t->st = SE_POSTED;
				continue;
			}
			se_cas(act, t, r->value, t->v, t->v + (1u << SE_SHIFT),
			       SP_CAS);
			return;
		case SP_CAS:
			if (th->uval != t->v) {
				t->v = se_seen(r, th->uval);
				t->st = SP_TRY;
				continue;
			}
			t->st = SE_POSTED;
			if (t->v & SE_NWAITERS) {
				r->post_wake++;
				fx_act_futex(act, r->value, FX_OP_WAKE | pf, 1,
					     0, 0, 0);
				return;
			}
			continue;
		case SE_POSTED:
			t->st = SE_TOP;
			if (fx_prim_op_done(th, act, &t->ops, r->o->out_ns))
				return;
			continue;
		}
	}
}

/* se_made - sem_init(sem, 0, count) once the process has its first thread */
static int se_made(struct fx_des_thread *th, unsigned i)
{
	struct se_thread *t = th->priv;

	if (!i && fx_uaccess_put32(fx_task_mm(th->task), t->run->value,
				   t->run->o->count << SE_SHIFT))
		return -EFAULT;
	return 0;
}

static int se_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct se_opts *o = opts;
	struct fx_des_proc *p;
	struct se_run *r;
	uint64_t base;
	int rc;

	r = fx_prim_setup_run(&o->c, sizeof(*r), sizeof(r->threads[0]), des,
			      nthreads, 1);
	if (!r)
		return -ENOMEM;
	r->o = o;
	/* struct new_sem (32-bit): value, private, pad, nwaiters */
	rc = fx_prim_proc_alloc(des, 64, &p, &base);
	if (rc)
		return rc;
	r->value = base;
	r->nwaiters = base + 12;
	for (unsigned i = 0; i < r->c.nthreads; i++)
		r->threads[i].run = r;
	return fx_prim_spawn(des, p, se_step, r->threads,
			     sizeof(r->threads[0]), r->c.nthreads, se_made);
}

static void se_report(struct fx_des *des, void *opts, FILE *out)
{
	struct se_opts *o = opts;
	struct se_run *r = o->c.run;
	struct fx_prim_tally ops = { 0 };

	if (!r)
		return;
	for (unsigned i = 0; i < r->c.nthreads; i++)
		fx_prim_tally_add(&ops, r->threads[i].ops);
	fx_des_value(des, "violations", (double)r->violations);
	fx_des_value(des, "bad_values", (double)r->bad_values);
	fx_des_value(des, "max_holders", (double)r->max_holders);
	fx_des_value(des, "slow_waits", (double)r->slow);
	fx_des_value(des, "futex_wait", (double)r->futex_wait);
	fx_des_value(des, "post_wakes", (double)r->post_wake);
	fx_des_value(des, "min_thread_ops", (double)ops.min);
	if (!fx_prim_summary(out, SE_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  initial count %u, up to %u holders; slow waits %" PRIu64 ", FUTEX_WAIT %" PRIu64 " (EAGAIN %" PRIu64 "), post wakes %" PRIu64 ", misspeculation wakes %" PRIu64 "\n",
		o->count, r->max_holders, r->slow, r->futex_wait,
		r->wait_eagain, r->post_wake, r->fixup_wake);
	fprintf(out, "  holders above the count: %" PRIu64 ", impossible values seen: %" PRIu64 "\n",
		r->violations, r->bad_values);
}

const struct fx_workload fx_wl_semaphore = {
	.name = SE_NAME,
	.summary = "counting semaphore (glibc new_sem, 32-bit: value with a waiters bit + nwaiters)",
	.usage =
	FX_PRIM_USAGE_THREADS("one per CPU")
	"  -n, --count N     initial count (default 2)\n"
	"  -c, --cs NS       time holding a token (default 300)\n"
	"  -o, --outside NS  time from post to the next wait (default 200)\n"
	FX_PRIM_USAGE_RS,
	.parse = se_parse,
	.setup = se_setup,
	.end_ns = fx_prim_end_ns,
	.report = se_report,
	.free = fx_prim_opts_free,
};
