// SPDX-License-Identifier: MIT
/*
 * rwlock.c - the "rwlock" workload: threads taking a reader-writer lock
 * for reading or, with probability -W %, for writing.
 *
 * DESIGN (the futex RwLock of Rust's standard library,
 * library/std/src/sys/sync/rwlock/futex.rs, rust-lang/rust PR #95801 by
 * Mara Bos: writer-preferring, one state word plus a writer notification
 * word)
 *
 *   state bits 0..29: 0 unlocked, 1..0x3ffffffe that many readers,
 *                     0x3fffffff (MASK) write-locked
 *         bit 30:     READERS_WAITING (readers sleep on state)
 *         bit 31:     WRITERS_WAITING (writers sleep on writer_notify)
 *   writer_notify:    a counter bumped on every writer wakeup
 *
 *   read:   s = load; if readable(s) and cmpxchg(s, s + 1): done, else
 *           read_contended: spin (up to -p loads) while write-locked
 *           with no waiters; then loop { if readable(s): cmpxchg(s, s+1);
 *           else set READERS_WAITING by cmpxchg; FUTEX_WAIT(state,
 *           s | READERS_WAITING); spin again }.  readable(s): fewer than
 *           MAX readers and neither waiting bit set (writers first).
 *   read_unlock: s = fetch_sub(1) - 1; if s is unlocked with writers
 *           waiting: wake_writer_or_readers(s).
 *   write:  cmpxchg(0, MASK), else write_contended: spin while locked
 *           and no writer waits; loop { if unlocked: cmpxchg(s, s | MASK
 *           | other_writers_waiting); else set WRITERS_WAITING by
 *           cmpxchg; other_writers_waiting = WRITERS_WAITING;
 *           seq = load(writer_notify); s = load(state); if still locked
 *           with the bit set: FUTEX_WAIT(writer_notify, seq); spin }.
 *   write_unlock: s = fetch_sub(MASK) - MASK; if any waiting bit:
 *           wake_writer_or_readers(s).
 *   wake_writer_or_readers(s): only writers waiting: cmpxchg(WW, 0) and
 *           wake one writer (writer_notify += 1; FUTEX_WAKE(notify, 1));
 *           both: cmpxchg(RW|WW, RW), wake one writer, and if no writer
 *           was asleep fall back to the readers; readers only:
 *           cmpxchg(RW, 0) and FUTEX_WAKE(state, INT_MAX).
 *
 * Every atomic above is one step.  Checks, from outside the model: the
 * numbers of readers and writers inside; a writer entering with anyone
 * inside, or a reader entering with a writer inside, is a violation.  One
 * operation is one lock + unlock of either kind.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>

#include "primopt.h"
#include "workload.h"

#define RW_NAME			"rwlock"
#define RW_READ_LOCKED		1u
#define RW_MASK			((1u << 30) - 1)
#define RW_WRITE_LOCKED		RW_MASK
#define RW_MAX_READERS		(RW_MASK - 1)
#define RW_READERS_WAITING	(1u << 30)
#define RW_WRITERS_WAITING	(1u << 31)

struct rw_opts {
	struct fx_prim_common c;	/* first: -t (0: one per CPU), -r, -s */
	unsigned writer_pct;
	unsigned spins;
	uint64_t cs_ns, out_ns;
};

enum rw_state {
	RW_TOP,
	R_FAST, R_FAST_LOADED, R_FAST_CAS, R_SPIN_START, R_SPIN,
	R_SPIN_LOADED, R_LOOP, R_LOOP_CAS, R_SETBIT_CAS, R_LOCKED, R_CS_END,
	R_UNLOCKED,
	W_FAST, W_FAST_CAS, W_SPIN_START, W_SPIN, W_SPIN_LOADED, W_LOOP,
	W_LOOP_CAS, W_SETBIT_CAS, W_NOTIFY, W_SEQ, W_RELOAD, W_LOCKED,
	W_CS_END, W_UNLOCKED,
	WK_START, WK_W_CAS, WK_BOTH, WK_BOTH_CAS, WK_NOTIFY, WK_NOTIFIED,
	WK_WOKE, WK_READERS, WK_R_CAS, RW_DONE,
};

struct rw_thread {
	struct rw_run *run;
	enum rw_state st;
	uint32_t s;			/* the algorithm's local "state" */
	uint32_t other;			/* other_writers_waiting */
	uint32_t seq;			/* writer_notify before sleeping */
	unsigned spin;
	bool both;			/* wake path: readers and writers */
	uint64_t rops, wops;
};

struct rw_run {
	struct fx_prim_run c;		/* first: fx_prim_setup_run() */
	const struct rw_opts *o;
	uint64_t state, notify;		/* simulated words */
	unsigned readers_in, writers_in, max_readers;
	uint64_t violations, overflow;
	uint64_t rwait, wwait, wake_writer, wake_readers, wake_fallback;
	struct rw_thread threads[];
};

static int rw_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct rw_opts *o = fx_prim_opts_new(sizeof(*o), NULL);
	int rc;

	if (!o)
		return -ENOMEM;
	o->writer_pct = 10;
	o->spins = 100;
	o->cs_ns = 200;
	o->out_ns = 200;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 1),
			FX_POPT_COUNT('W', "writers", &o->writer_pct, 0, 100,
				      "a writer share of 0..100 (%)"),
			FX_POPT_COUNT('p', "spin", &o->spins, 0, 1000000,
				      "a spin count 0..1000000 (std's is 100)"),
			FX_POPT_TIME('c', "cs", &o->cs_ns, "a critical section"),
			FX_POPT_TIME('o', "outside", &o->out_ns,
				     "a time between unlock and lock"),
		};

		rc = FX_POPT_PARSE(RW_NAME, tab, argc, argv, err, errlen);
	}
	return fx_prim_opts_done(o, rc, opts);
}

static inline bool rw_unlocked(uint32_t s)
{
	return !(s & RW_MASK);
}

static inline bool rw_write_locked(uint32_t s)
{
	return (s & RW_MASK) == RW_WRITE_LOCKED;
}

static inline bool rw_readable(uint32_t s)
{
	return (s & RW_MASK) < RW_MAX_READERS &&
	       !(s & (RW_READERS_WAITING | RW_WRITERS_WAITING));
}

static void rw_cas(struct fx_des_act *act, struct rw_thread *t,
		   uint64_t addr, uint32_t expect, uint32_t nv,
		   enum rw_state next)
{
	t->s = expect;
	fx_act_atomic(act, FX_UA_CMPXCHG, addr, expect, nv);
	t->st = next;
}

/*
 * rw_cas_done - after rw_cas(): to @ok if the cmpxchg succeeded, else to
 * @retry with the value it found as the local "state"
 */
static void rw_cas_done(struct rw_thread *t, const struct fx_des_thread *th,
			enum rw_state ok, enum rw_state retry)
{
	if (th->uval == t->s) {
		t->st = ok;
	} else {
		t->s = th->uval;
		t->st = retry;
	}
}

/* rw_wake_start - enter wake_writer_or_readers(@s) */
static void rw_wake_start(struct rw_thread *t, uint32_t s)
{
	t->s = s;
	t->both = false;
	t->st = WK_START;
}

static void rw_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct rw_thread *t = th->priv;
	struct rw_run *r = t->run;
	const int pf = FX_PRIVATE_FLAG;
	uint32_t s;

	for (;;) {
		switch (t->st) {
		case RW_TOP:
			if (fx_prim_stop(th, act, r->c.end_ns))
				return;
			t->st = fx_des_rand(th->des) % 100 < r->o->writer_pct ?
				W_FAST : R_FAST;
			continue;
		/* ---- read() ---- */
		case R_FAST:
			fx_act_atomic(act, FX_UA_LOAD, r->state, 0, 0);
			t->st = R_FAST_LOADED;
			return;
		case R_FAST_LOADED:
			s = th->uval;
			if (!rw_readable(s)) {
				t->st = R_SPIN_START;
				continue;
			}
			rw_cas(act, t, r->state, s, s + RW_READ_LOCKED,
			       R_FAST_CAS);
			return;
		case R_FAST_CAS:
			t->st = th->uval == t->s ? R_LOCKED : R_SPIN_START;
			continue;
		case R_SPIN_START:
			t->spin = r->o->spins;
			t->st = R_SPIN;
			continue;
		case R_SPIN:
			fx_act_atomic(act, FX_UA_LOAD, r->state, 0, 0);
			t->st = R_SPIN_LOADED;
			return;
		case R_SPIN_LOADED:
			s = th->uval;
			if (!rw_write_locked(s) ||
			    (s & (RW_READERS_WAITING | RW_WRITERS_WAITING)) ||
			    !t->spin) {
				t->s = s;
				t->st = R_LOOP;
			} else {
				t->spin--;
				t->st = R_SPIN;
			}
			continue;
		case R_LOOP:
			s = t->s;
			if (rw_readable(s)) {
				rw_cas(act, t, r->state, s, s + RW_READ_LOCKED,
				       R_LOOP_CAS);
				return;
			}
			if ((s & RW_MASK) == RW_MAX_READERS)
				r->overflow++;	/* std panics here */
			if (!(s & RW_READERS_WAITING)) {
				rw_cas(act, t, r->state, s,
				       s | RW_READERS_WAITING, R_SETBIT_CAS);
				return;
			}
			r->rwait++;
			fx_act_futex(act, r->state, FX_OP_WAIT | pf,
				     s | RW_READERS_WAITING, 0, 0, 0);
			t->st = R_SPIN_START;
			return;
		case R_LOOP_CAS:
			rw_cas_done(t, th, R_LOCKED, R_LOOP);
			continue;
		case R_SETBIT_CAS:
			if (th->uval != t->s) {
				t->s = th->uval;
				t->st = R_LOOP;
				continue;
			}
			r->rwait++;
			fx_act_futex(act, r->state, FX_OP_WAIT | pf,
				     t->s | RW_READERS_WAITING, 0, 0, 0);
			t->st = R_SPIN_START;
			return;
		case R_LOCKED:
			if (r->writers_in)
				r->violations++;
			if (++r->readers_in > r->max_readers)
				r->max_readers = r->readers_in;
			t->st = R_CS_END;
			if (fx_prim_think(act, r->o->cs_ns))
				return;
			continue;
		case R_CS_END:
			r->readers_in--;
			fx_act_atomic(act, FX_UA_ADD, r->state,
				      (uint32_t)-RW_READ_LOCKED, 0);
			t->st = R_UNLOCKED;
			return;
		case R_UNLOCKED:
			t->rops++;
			s = th->uval - RW_READ_LOCKED;
			if (rw_unlocked(s) && (s & RW_WRITERS_WAITING))
				rw_wake_start(t, s);
			else
				t->st = RW_DONE;
			continue;
		/* ---- write() ---- */
		case W_FAST:
			rw_cas(act, t, r->state, 0, RW_WRITE_LOCKED, W_FAST_CAS);
			return;
		case W_FAST_CAS:
			if (!th->uval) {
				t->st = W_LOCKED;
				continue;
			}
			t->other = 0;
			t->st = W_SPIN_START;
			continue;
		case W_SPIN_START:
			t->spin = r->o->spins;
			t->st = W_SPIN;
			continue;
		case W_SPIN:
			fx_act_atomic(act, FX_UA_LOAD, r->state, 0, 0);
			t->st = W_SPIN_LOADED;
			return;
		case W_SPIN_LOADED:
			s = th->uval;
			if (rw_unlocked(s) || (s & RW_WRITERS_WAITING) ||
			    !t->spin) {
				t->s = s;
				t->st = W_LOOP;
			} else {
				t->spin--;
				t->st = W_SPIN;
			}
			continue;
		case W_LOOP:
			s = t->s;
			if (rw_unlocked(s)) {
				rw_cas(act, t, r->state, s,
				       s | RW_WRITE_LOCKED | t->other,
				       W_LOOP_CAS);
				return;
			}
			if (!(s & RW_WRITERS_WAITING)) {
				rw_cas(act, t, r->state, s,
				       s | RW_WRITERS_WAITING, W_SETBIT_CAS);
				return;
			}
			t->st = W_NOTIFY;
			continue;
		case W_LOOP_CAS:
			rw_cas_done(t, th, W_LOCKED, W_LOOP);
			continue;
		case W_SETBIT_CAS:
			rw_cas_done(t, th, W_NOTIFY, W_LOOP);
			continue;
		case W_NOTIFY:
			t->other = RW_WRITERS_WAITING;
			fx_act_atomic(act, FX_UA_LOAD, r->notify, 0, 0);
			t->st = W_SEQ;
			return;
		case W_SEQ:
			t->seq = th->uval;
			fx_act_atomic(act, FX_UA_LOAD, r->state, 0, 0);
			t->st = W_RELOAD;
			return;
		case W_RELOAD:
			t->s = s = th->uval;
			if (rw_unlocked(s) || !(s & RW_WRITERS_WAITING)) {
				t->st = W_LOOP;
				continue;
			}
			r->wwait++;
			fx_act_futex(act, r->notify, FX_OP_WAIT | pf, t->seq, 0,
				     0, 0);
			t->st = W_SPIN_START;
			return;
		case W_LOCKED:
			if (r->readers_in || r->writers_in)
				r->violations++;
			r->writers_in++;
			t->st = W_CS_END;
			if (fx_prim_think(act, r->o->cs_ns))
				return;
			continue;
		case W_CS_END:
			r->writers_in--;
			fx_act_atomic(act, FX_UA_ADD, r->state,
				      (uint32_t)-RW_WRITE_LOCKED, 0);
			t->st = W_UNLOCKED;
			return;
		case W_UNLOCKED:
			t->wops++;
			s = th->uval - RW_WRITE_LOCKED;
			if (s & (RW_READERS_WAITING | RW_WRITERS_WAITING))
				rw_wake_start(t, s);
			else
				t->st = RW_DONE;
			continue;
		/* ---- wake_writer_or_readers() ---- */
		case WK_START:
			if (t->s == RW_WRITERS_WAITING) {
				rw_cas(act, t, r->state, t->s, 0, WK_W_CAS);
				return;
			}
			t->st = WK_BOTH;
			continue;
		case WK_W_CAS:
			rw_cas_done(t, th, WK_NOTIFY, WK_BOTH);
			continue;
		case WK_BOTH:
			if (t->s == (RW_READERS_WAITING | RW_WRITERS_WAITING)) {
				t->both = true;
				rw_cas(act, t, r->state, t->s,
				       RW_READERS_WAITING, WK_BOTH_CAS);
				return;
			}
			t->st = WK_READERS;
			continue;
		case WK_BOTH_CAS:
			/* locked meanwhile: the locker will wake them */
			t->st = th->uval == t->s ? WK_NOTIFY : RW_DONE;
			continue;
		case WK_NOTIFY:
			/* wake_writer(): writer_notify += 1, FUTEX_WAKE 1 */
			fx_act_atomic(act, FX_UA_ADD, r->notify, 1, 0);
			t->st = WK_NOTIFIED;
			return;
		case WK_NOTIFIED:
			r->wake_writer++;
			fx_act_futex(act, r->notify, FX_OP_WAKE | pf, 1, 0, 0, 0);
			t->st = WK_WOKE;
			return;
		case WK_WOKE:
			if (!t->both || th->ret > 0) {
				t->st = RW_DONE;
				continue;
			}
			/* no writer was asleep: wake the readers instead */
			r->wake_fallback++;
			t->s = RW_READERS_WAITING;
			t->st = WK_READERS;
			continue;
		case WK_READERS:
			if (t->s == RW_READERS_WAITING) {
				rw_cas(act, t, r->state, t->s, 0, WK_R_CAS);
				return;
			}
			t->st = RW_DONE;
			continue;
		case WK_R_CAS:
			if (th->uval != t->s) {
				t->st = RW_DONE;
				continue;
			}
			r->wake_readers++;
			fx_act_futex(act, r->state, FX_OP_WAKE | pf, INT_MAX, 0,
				     0, 0);
			t->st = RW_DONE;
			return;
		case RW_DONE:
			/* counted in rops or wops on unlocking */
			t->st = RW_TOP;
			if (fx_prim_op_done(th, act, NULL, r->o->out_ns))
				return;
			continue;
		}
	}
}

static int rw_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct rw_opts *o = opts;
	struct fx_des_proc *p;
	struct rw_run *r;
	uint64_t base;
	int rc;

	r = fx_prim_setup_run(&o->c, sizeof(*r), sizeof(r->threads[0]), des,
			      nthreads, 1);
	if (!r)
		return -ENOMEM;
	r->o = o;
	rc = fx_prim_proc_alloc(des, 64, &p, &base); /* state, notify */
	if (rc)
		return rc;
	r->state = base;
	r->notify = base + 4;
	for (unsigned i = 0; i < r->c.nthreads; i++)
		r->threads[i].run = r;
	return fx_prim_spawn(des, p, rw_step, r->threads,
			     sizeof(r->threads[0]), r->c.nthreads, NULL);
}

static void rw_report(struct fx_des *des, void *opts, FILE *out)
{
	struct rw_opts *o = opts;
	struct rw_run *r = o->c.run;
	struct fx_prim_tally ops = { 0 };
	uint64_t rops = 0, wops = 0;

	if (!r)
		return;
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		fx_prim_tally_add(&ops, r->threads[i].rops +
				  r->threads[i].wops);
		rops += r->threads[i].rops;
		wops += r->threads[i].wops;
	}
	fx_des_value(des, "violations", (double)r->violations);
	fx_des_value(des, "read_ops", (double)rops);
	fx_des_value(des, "write_ops", (double)wops);
	fx_des_value(des, "max_readers", (double)r->max_readers);
	fx_des_value(des, "reader_waits", (double)r->rwait);
	fx_des_value(des, "writer_waits", (double)r->wwait);
	fx_des_value(des, "min_thread_ops", (double)ops.min);
	if (!fx_prim_summary(out, RW_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  %" PRIu64 " reads, %" PRIu64 " writes (-W %u%%), up to %u readers inside, spin %u\n",
		rops, wops, o->writer_pct, r->max_readers, o->spins);
	fprintf(out, "  FUTEX_WAIT: readers %" PRIu64 ", writers %" PRIu64 "; wakes: writer %" PRIu64 ", all readers %" PRIu64 ", writer-to-readers fallbacks %" PRIu64 "\n",
		r->rwait, r->wwait, r->wake_writer, r->wake_readers,
		r->wake_fallback);
	fprintf(out, "  exclusion violations: %" PRIu64 "\n", r->violations);
}

const struct fx_workload fx_wl_rwlock = {
	.name = RW_NAME,
	.summary = "reader-writer lock on one futex word (Rust std's writer-preferring futex RwLock)",
	.usage =
	FX_PRIM_USAGE_THREADS("one per CPU")
	"  -W, --writers PCT share of write locks, 0..100 (default 10)\n"
	"  -c, --cs NS       critical section (default 200)\n"
	"  -o, --outside NS  time from unlock to the next lock (default 200)\n"
	"  -p, --spin N      loads spinning before sleeping (default 100, as\n"
	"                    std's)\n"
	FX_PRIM_USAGE_RS,
	.parse = rw_parse,
	.setup = rw_setup,
	.end_ns = fx_prim_end_ns,
	.report = rw_report,
	.free = fx_prim_opts_free,
};
