// SPDX-License-Identifier: MIT
/*
 * pi_mutex.c - the "pi-mutex" workload: a PTHREAD_PRIO_INHERIT mutex
 * taken by a mix of SCHED_FIFO and SCHED_OTHER threads, so that the
 * kernel's priority inheritance (FUTEX_LOCK_PI's rt-mutex) boosts
 * low-priority owners.
 *
 * DESIGN (glibc nptl/pthread_mutex_lock.c and pthread_mutex_unlock.c,
 * the PTHREAD_MUTEX_PRIO_INHERIT_NP case; the word protocol is the
 * kernel's, Documentation/locking/pi-futex.rst)
 *
 *   word: 0 unlocked, else owner TID | FUTEX_WAITERS (0x80000000) when
 *         the kernel queued waiters (| FUTEX_OWNER_DIED, not used here)
 *   lock:   if cmpxchg(word, 0, tid) != 0: FUTEX_LOCK_PI(word)
 *           (the kernel sets FUTEX_WAITERS, attaches a pi_state to the
 *           owner, blocks the caller on its rt-mutex and boosts the
 *           owner to the top waiter's priority; at unlock it hands the
 *           word over: word = new owner's TID, plus WAITERS if others
 *           still wait)
 *   unlock: l = load(word);
 *           do { if (l & FUTEX_WAITERS) or l != tid:
 *                    FUTEX_UNLOCK_PI(word); break }
 *           while !cmpxchg(word, l, 0)   (l refreshed on failure)
 *
 * Threads 0..N-1 (-p N) are SCHED_FIFO with RT priorities 10, 20, ...
 * (at most 99), the others SCHED_OTHER; all are pinned round-robin (two
 * per CPU by default), so RT and normal threads share CPUs.  With a CPU
 * to itself an RT thread mostly steals the rt-mutex back from the woken
 * waiter before it runs (the kernel's lock stealing) and never has to
 * boost anyone.  Checks, from outside the model: the
 * occupancy counter of the lock never exceeds 1; the word names the
 * holder's TID while it is inside (read without cost through the core's
 * user-memory accessor); FUTEX_LOCK_PI / UNLOCK_PI never fail.  Priority
 * inheritance is observed when a holder's effective priority
 * (fx_task_prio) is better than its normal one at the start or the end
 * of its critical section ("boosted", and "boosted_normal" for
 * SCHED_OTHER holders).  One operation is one lock + unlock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "primopt.h"
#include "workload.h"

#define PI_NAME		"pi-mutex"
#define PI_LINE		64

struct pi_opts {
	struct fx_prim_common c;	/* first: -t (0: two per CPU), -r, -s */
	unsigned rt;			/* SCHED_FIFO threads */
	unsigned locks;
	uint64_t cs_ns, out_ns;
};

enum pi_state {
	PI_TOP, PI_CAS, PI_LOCKPI, PI_LOCKED, PI_CS_END, PI_UNLOCK_LOADED,
	PI_UNLOCK_TRY, PI_UNLOCK_CAS, PI_UNLOCKPI, PI_DONE,
};

struct pi_lock {
	uint64_t addr;
	unsigned occ;
};

struct pi_thread {
	struct pi_run *run;
	struct pi_lock *lock;
	enum pi_state st;
	uint32_t l;			/* unlock's local copy of the word */
	bool rt;
	uint64_t ops, boosted;
};

struct pi_run {
	struct fx_prim_run c;		/* first: fx_prim_setup_run() */
	const struct pi_opts *o;
	unsigned nlocks;
	struct pi_lock *locks;
	uint64_t violations, owner_errors, errors;
	uint64_t fast_locks, lock_pi, unlock_pi, boosted, boosted_normal;
	int best_boost;			/* lowest effective prio seen boosted */
	struct pi_thread threads[];
};

static void pi_run_fini(void *run)
{
	struct pi_run *r = run;

	free(r->locks);
}

static int pi_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct pi_opts *o = fx_prim_opts_new(sizeof(*o), pi_run_fini);
	int rc;

	if (!o)
		return -ENOMEM;
	o->rt = 2;
	o->locks = 1;
	o->cs_ns = 500;
	o->out_ns = 300;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 1),
			FX_POPT_COUNT('p', "rt", &o->rt, 0, 4096,
				      "a count of SCHED_FIFO threads 0..4096, at most -t"),
			FX_POPT_COUNT('l', "locks", &o->locks, 1, 4096,
				      "a lock count 1..4096"),
			FX_POPT_TIME('c', "cs", &o->cs_ns, "a critical section"),
			FX_POPT_TIME('o', "outside", &o->out_ns,
				     "a time between unlock and lock"),
		};

		rc = FX_POPT_PARSE(PI_NAME, tab, argc, argv, err, errlen);
	}
	if (!rc && o->c.threads && o->rt > o->c.threads) {
		snprintf(err, errlen, "%s: -p %u is more than -t %u (expected at most as many RT threads as threads)",
			 PI_NAME, o->rt, o->c.threads);
		rc = -EINVAL;
	}
	return fx_prim_opts_done(o, rc, opts);
}

/* pi_observe - priority inheritance seen on the holder @th */
static void pi_observe(struct pi_thread *t, struct fx_des_thread *th)
{
	struct pi_run *r = t->run;
	int prio = fx_task_prio(th->task);

	if (prio >= fx_task_normal_prio(th->task))
		return;
	t->boosted++;
	r->boosted++;
	if (!t->rt)
		r->boosted_normal++;
	if (prio < r->best_boost)
		r->best_boost = prio;
}

static void pi_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct pi_thread *t = th->priv;
	struct pi_run *r = t->run;
	struct pi_lock *lk = t->lock;
	const int pf = FX_PRIVATE_FLAG;
	const uint32_t tid = (uint32_t)th->tid;
	uint32_t w;

	for (;;) {
		switch (t->st) {
		case PI_TOP:
			if (fx_prim_stop(th, act, r->c.end_ns))
				return;
			fx_act_atomic(act, FX_UA_CMPXCHG, lk->addr, 0, tid);
			t->st = PI_CAS;
			return;
		case PI_CAS:
			if (!th->uval) {
				r->fast_locks++;
				t->st = PI_LOCKED;
				continue;
			}
			r->lock_pi++;
			fx_act_futex(act, lk->addr, FX_OP_LOCK_PI | pf, 0, 0, 0,
				     0);
			t->st = PI_LOCKPI;
			return;
		case PI_LOCKPI:
			if (th->ret) {
				r->errors++;		/* glibc would hang */
				t->st = PI_TOP;
				continue;
			}
			t->st = PI_LOCKED;
			continue;
		case PI_LOCKED:
			if (lk->occ++)
				r->violations++;
			if (fx_uaccess_get32(fx_task_mm(th->task), lk->addr, &w) ||
			    (w & FX_TID_MASK) != tid)
				r->owner_errors++;
			pi_observe(t, th);
			t->st = PI_CS_END;
			if (fx_prim_think(act, r->o->cs_ns))
				return;
			continue;
		case PI_CS_END:
			pi_observe(t, th);
			lk->occ--;
			fx_act_atomic(act, FX_UA_LOAD, lk->addr, 0, 0);
			t->st = PI_UNLOCK_LOADED;
			return;
		case PI_UNLOCK_LOADED:
			t->l = th->uval;
			t->st = PI_UNLOCK_TRY;
			continue;
		case PI_UNLOCK_TRY:
			if ((t->l & FX_WAITERS) || t->l != tid) {
				r->unlock_pi++;
				fx_act_futex(act, lk->addr, FX_OP_UNLOCK_PI | pf,
					     0, 0, 0, 0);
				t->st = PI_UNLOCKPI;
				return;
			}
			fx_act_atomic(act, FX_UA_CMPXCHG, lk->addr, t->l, 0);
			t->st = PI_UNLOCK_CAS;
			return;
		case PI_UNLOCK_CAS:
			if (th->uval == t->l) {
				t->st = PI_DONE;
			} else {
				t->l = th->uval;
				t->st = PI_UNLOCK_TRY;
			}
			continue;
		case PI_UNLOCKPI:
			if (th->ret)
				r->errors++;
			t->st = PI_DONE;
			continue;
		case PI_DONE:
			t->st = PI_TOP;
			if (fx_prim_op_done(th, act, &t->ops, r->o->out_ns))
				return;
			continue;
		}
	}
}

/*
 * pi_made - the thread's policy, set explicitly for every thread (a clone
 * inherits the policy of the first one)
 */
static int pi_made(struct fx_des_thread *th, unsigned i)
{
	struct pi_thread *t = th->priv;

	return t->rt ? fx_des_thread_sched(th, FX_SCHED_FIFO,
					   i < 9 ? 10 * (int)(i + 1) : 99) :
		       fx_des_thread_sched(th, FX_SCHED_OTHER, 0);
}

static int pi_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct pi_opts *o = opts;
	struct fx_des_proc *p;
	struct pi_run *r;
	uint64_t base;
	int rc;

	r = fx_prim_setup_run(&o->c, sizeof(*r), sizeof(r->threads[0]), des,
			      nthreads, 2);
	if (!r)
		return -ENOMEM;
	r->o = o;
	r->best_boost = 140;
	r->nlocks = o->locks;
	if (o->rt > r->c.nthreads) {
		snprintf(err, errlen, "%s: -p %u is more than the %u threads (expected at most as many RT threads as threads)",
			 PI_NAME, o->rt, r->c.nthreads);
		return -EINVAL;
	}
	r->locks = calloc(r->nlocks, sizeof(*r->locks));
	if (!r->locks)
		return -ENOMEM;
	rc = fx_prim_proc_alloc(des, (uint64_t)r->nlocks * PI_LINE, &p, &base);
	if (rc)
		return rc;
	for (unsigned i = 0; i < r->nlocks; i++)
		r->locks[i].addr = base + (uint64_t)i * PI_LINE;
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		struct pi_thread *t = &r->threads[i];

		t->run = r;
		t->lock = &r->locks[i % r->nlocks];
		t->rt = i < o->rt;
	}
	return fx_prim_spawn(des, p, pi_step, r->threads,
			     sizeof(r->threads[0]), r->c.nthreads, pi_made);
}

static void pi_report(struct fx_des *des, void *opts, FILE *out)
{
	struct pi_opts *o = opts;
	struct pi_run *r = o->c.run;
	struct fx_prim_tally ops = { 0 }, rt = { 0 }, normal = { 0 };

	if (!r)
		return;
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		fx_prim_tally_add(&ops, r->threads[i].ops);
		fx_prim_tally_add(r->threads[i].rt ? &rt : &normal,
				  r->threads[i].ops);
	}
	fx_des_value(des, "violations", (double)r->violations);
	fx_des_value(des, "owner_errors", (double)r->owner_errors);
	fx_des_value(des, "pi_errors", (double)r->errors);
	fx_des_value(des, "boosted", (double)r->boosted);
	fx_des_value(des, "boosted_normal", (double)r->boosted_normal);
	fx_des_value(des, "lock_pi", (double)r->lock_pi);
	fx_des_value(des, "unlock_pi", (double)r->unlock_pi);
	if (!fx_prim_summary(out, PI_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  %u SCHED_FIFO + %u SCHED_OTHER threads, %u lock(s); fast locks %" PRIu64 ", FUTEX_LOCK_PI %" PRIu64 ", FUTEX_UNLOCK_PI %" PRIu64 ", errors %" PRIu64 "\n",
		o->rt, r->c.nthreads - o->rt, r->nlocks, r->fast_locks,
		r->lock_pi, r->unlock_pi, r->errors);
	fprintf(out, "  ops: SCHED_FIFO threads %" PRIu64 " (min %" PRIu64 "), SCHED_OTHER threads %" PRIu64 " (min %" PRIu64 ")\n",
		rt.sum, rt.min, normal.sum, normal.min);
	fprintf(out, "  holders seen boosted: %" PRIu64 " (%" PRIu64 " SCHED_OTHER), best boosted prio %d\n",
		r->boosted, r->boosted_normal,
		r->boosted ? r->best_boost : -1);
	fprintf(out, "  mutual exclusion violations: %" PRIu64 ", wrong owner in the word: %" PRIu64 "\n",
		r->violations, r->owner_errors);
}

const struct fx_workload fx_wl_pi_mutex = {
	.name = PI_NAME,
	.summary = "PTHREAD_PRIO_INHERIT mutex: TID word, FUTEX_LOCK_PI/UNLOCK_PI, RT + normal threads",
	.usage =
	FX_PRIM_USAGE_THREADS("two per CPU")
	"  -p, --rt N        threads 0..N-1 SCHED_FIFO with RT prio 10, 20, ...;\n"
	"                    the rest SCHED_OTHER (default 2)\n"
	"  -l, --locks N     locks; thread i takes lock i % N (default 1)\n"
	"  -c, --cs NS       critical section (default 500)\n"
	"  -o, --outside NS  time from unlock to the next lock (default 300)\n"
	FX_PRIM_USAGE_RS,
	.parse = pi_parse,
	.setup = pi_setup,
	.end_ns = fx_prim_end_ns,
	.report = pi_report,
	.free = fx_prim_opts_free,
};
