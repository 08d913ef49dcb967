// SPDX-License-Identifier: MIT
/*
 * barrier.c - the "barrier" workload: threads that work for a while,
 * then meet at a futex barrier, over and over.
 *
 * DESIGN (glibc's nptl/pthread_barrier_wait.c before 2.23)
 *
 * A barrier is an internal lowlevellock, a count of threads still to
 * arrive ("left", starting at init_count) and a generation word
 * ("curr_event") that the waiters sleep on:
 *
 *	lll_lock(lock);
 *	if (--left == 0) {			the last arriver
 *		++curr_event;
 *		FUTEX_WAKE(&curr_event, INT_MAX);
 *	} else {
 *		event = curr_event;
 *		lll_unlock(lock);
 *		do FUTEX_WAIT(&curr_event, event);
 *		while (curr_event == event);
 *	}
 *	if (atomic_increment_val(&left) == init_count)
 *		lll_unlock(lock);		the last one out reopens it
 *
 * The last arriver keeps the lock until every thread of its generation
 * has left, so a fast thread cannot enter the next round while "left" is
 * still being restored.  All four words are in simulated memory; "--left"
 * under the lock is one atomic add, as is each "++".
 *
 * Each thread loops: compute for a random time in [w/2, 3w/2) (drawn from
 * the simulation's generator), then wait at the barrier.  Checks, from
 * outside the model: a thread arriving for generation g raises
 * arrivals[g]; a thread leaving generation g must find arrivals[g] equal
 * to the thread count ("early_passes" counts those that do not).  Stop:
 * the last arriver of a generation that begins after -r sets a "stop"
 * word before bumping curr_event; every thread reads it after passing and
 * leaves together.  One operation is one barrier passed by one thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "primopt.h"
#include "workload.h"

#define BA_NAME		"barrier"

struct ba_opts {
	struct fx_prim_common c;	/* first: -t (0: one per CPU), -r, -s */
	uint64_t work_ns;
};

enum ba_state {
	B_WORK, B_ARRIVE, B_DEC, B_DECD, B_BUMP, B_WAKE, B_LOADEV, B_GOTEV,
	B_WAIT, B_WAITED, B_RECHECK, B_PASSED, B_LEFT, B_STOPLOAD, B_STOPCHK,
};

struct ba_thread {
	struct ba_run *run;
	struct fx_lll_op lll;
	enum ba_state st;
	uint64_t gen;			/* generations this thread passed */
	uint32_t event;			/* curr_event it sleeps on */
	uint64_t ops;
};

struct ba_run {
	struct fx_prim_run c;		/* first: fx_prim_setup_run() */
	const struct ba_opts *o;
	uint64_t lock, left, event, stop;	/* simulated words */
	struct fx_lll_stats lock_st;
	uint64_t *arrivals, *passes;	/* per generation */
	uint64_t ngen_cap;
	uint64_t early_passes, futex_wait, wait_eagain, futex_wake, woken;
	uint64_t gens;			/* generations completed */
	bool oom;
	struct ba_thread threads[];
};

static void ba_run_fini(void *run)
{
	struct ba_run *r = run;

	free(r->arrivals);
	free(r->passes);
}

static int ba_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct ba_opts *o = fx_prim_opts_new(sizeof(*o), ba_run_fini);
	int rc;

	if (!o)
		return -ENOMEM;
	o->work_ns = 2000;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 1),
			FX_POPT_TIME('w', "work", &o->work_ns,
				     "a mean work time between barriers"),
		};

		rc = FX_POPT_PARSE(BA_NAME, tab, argc, argv, err, errlen);
	}
	return fx_prim_opts_done(o, rc, opts);
}

/* ba_gen_slot - make room for generation @g in the per-generation arrays */
static bool ba_gen_slot(struct ba_run *r, uint64_t g)
{
	uint64_t n = r->ngen_cap ? r->ngen_cap : 256;
	uint64_t *a, *p;

	if (g < r->ngen_cap)
		return true;
	while (n <= g)
		n *= 2;
	a = realloc(r->arrivals, n * sizeof(*a));
	if (a)
		r->arrivals = a;
	p = realloc(r->passes, n * sizeof(*p));
	if (p)
		r->passes = p;
	if (!a || !p) {
		r->oom = true;
		return false;
	}
	memset(a + r->ngen_cap, 0, (n - r->ngen_cap) * sizeof(*a));
	memset(p + r->ngen_cap, 0, (n - r->ngen_cap) * sizeof(*p));
	r->ngen_cap = n;
	return true;
}

static void ba_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct ba_thread *t = th->priv;
	struct ba_run *r = t->run;
	const unsigned pf = FX_PRIVATE_FLAG;
	uint64_t w = r->o->work_ns;

	for (;;) {
		if (fx_lll_busy(&t->lll) && fx_lll_step(&t->lll, th, act))
			return;
		switch (t->st) {
		case B_WORK:
			t->st = B_ARRIVE;
			if (w) {
				fx_act_think(act, w / 2 +
					     fx_des_rand(th->des) % w);
				return;
			}
			continue;
		case B_ARRIVE:
			if (ba_gen_slot(r, t->gen))
				r->arrivals[t->gen]++;
			fx_lll_start(&t->lll, FX_LLL_LOCK, r->lock, pf,
				     &r->lock_st);
			t->st = B_DEC;
			continue;
		case B_DEC:
			fx_act_atomic(act, FX_UA_ADD, r->left, (uint32_t)-1, 0);
			t->st = B_DECD;
			return;
		case B_DECD:
			if (th->uval - 1 != 0) {
				t->st = B_LOADEV;
				continue;
			}
			/* the last arriver */
			t->st = B_BUMP;
			if (fx_prim_done(th, r->c.end_ns)) {
				fx_act_atomic(act, FX_UA_STORE, r->stop, 1, 0);
				return;
			}
			continue;
		case B_BUMP:
			fx_act_atomic(act, FX_UA_ADD, r->event, 1, 0);
			t->st = B_WAKE;
			return;
		case B_WAKE:
			r->futex_wake++;
			fx_act_futex(act, r->event, FX_OP_WAKE | (int)pf,
				     INT_MAX, 0, 0, 0);
			t->st = B_PASSED;
			return;
		case B_LOADEV:
			fx_act_atomic(act, FX_UA_LOAD, r->event, 0, 0);
			t->st = B_GOTEV;
			return;
		case B_GOTEV:
			t->event = th->uval;
			fx_lll_start(&t->lll, FX_LLL_UNLOCK, r->lock, pf,
				     &r->lock_st);
			t->st = B_WAIT;
			continue;
		case B_WAIT:
			r->futex_wait++;
			fx_act_futex(act, r->event, FX_OP_WAIT | (int)pf,
				     t->event, 0, 0, 0);
			t->st = B_WAITED;
			return;
		case B_WAITED:
			if (th->ret == -EAGAIN)
				r->wait_eagain++;
			fx_act_atomic(act, FX_UA_LOAD, r->event, 0, 0);
			t->st = B_RECHECK;
			return;
		case B_RECHECK:
			t->st = th->uval == t->event ? B_WAIT : B_PASSED;
			continue;
		case B_PASSED:
			if (t->gen < r->ngen_cap) {
				if (r->arrivals[t->gen] != r->c.nthreads)
					r->early_passes++;
				if (++r->passes[t->gen] == r->c.nthreads)
					r->gens++;
			}
			fx_act_atomic(act, FX_UA_ADD, r->left, 1, 0);
			t->st = B_LEFT;
			return;
		case B_LEFT:
			t->st = B_STOPLOAD;
			if (th->uval + 1 == r->c.nthreads)
				fx_lll_start(&t->lll, FX_LLL_UNLOCK, r->lock,
					     pf, &r->lock_st);
			continue;
		case B_STOPLOAD:
			t->gen++;
			t->ops++;
			fx_des_count_ops(th, 1);
			fx_act_atomic(act, FX_UA_LOAD, r->stop, 0, 0);
			t->st = B_STOPCHK;
			return;
		case B_STOPCHK:
			if (th->uval) {
				fx_act_exit(act);
				return;
			}
			t->st = B_WORK;
			continue;
		}
	}
}

/* ba_made - pthread_barrier_init(): left = init_count, by the first thread */
static int ba_made(struct fx_des_thread *th, unsigned i)
{
	struct ba_thread *t = th->priv;

	if (!i && fx_uaccess_put32(fx_task_mm(th->task), t->run->left,
				   t->run->c.nthreads))
		return -EFAULT;
	return 0;
}

static int ba_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct ba_opts *o = opts;
	struct fx_des_proc *p;
	struct ba_run *r;
	uint64_t base;
	int rc;

	r = fx_prim_setup_run(&o->c, sizeof(*r), sizeof(r->threads[0]), des,
			      nthreads, 1);
	if (!r || !ba_gen_slot(r, 0))
		return -ENOMEM;
	r->o = o;
	/* struct pthread_barrier: lock, left, curr_event; the loop's stop
	 * word on a line of its own */
	rc = fx_prim_proc_alloc(des, 128, &p, &base);
	if (rc)
		return rc;
	r->lock = base;
	r->event = base + 4;
	r->left = base + 8;
	r->stop = base + 64;
	for (unsigned i = 0; i < r->c.nthreads; i++)
		r->threads[i].run = r;
	return fx_prim_spawn(des, p, ba_step, r->threads,
			     sizeof(r->threads[0]), r->c.nthreads, ba_made);
}

static void ba_report(struct fx_des *des, void *opts, FILE *out)
{
	struct ba_opts *o = opts;
	struct ba_run *r = o->c.run;
	struct fx_prim_tally ops = { 0 };
	uint64_t incomplete = 0;

	if (!r)
		return;
	for (unsigned i = 0; i < r->c.nthreads; i++)
		fx_prim_tally_add(&ops, r->threads[i].ops);
	/* every generation that any thread entered was passed by all */
	for (uint64_t g = 0; g < r->ngen_cap && r->arrivals[g]; g++)
		if (r->arrivals[g] != r->c.nthreads ||
		    r->passes[g] != r->c.nthreads)
			incomplete++;
	fx_des_value(des, "generations", (double)r->gens);
	fx_des_value(des, "early_passes", (double)r->early_passes);
	fx_des_value(des, "incomplete_generations",
		     (double)(incomplete + r->oom));
	fx_des_value(des, "min_thread_ops", (double)ops.min);
	fx_des_value(des, "futex_wait", (double)r->futex_wait);
	fx_des_value(des, "bad_words", (double)r->lock_st.bad_word);
	if (!fx_prim_summary(out, BA_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  %" PRIu64 " generations, work %" PRIu64 " ns (mean); early passes %" PRIu64 ", incomplete generations %" PRIu64 "\n",
		r->gens, o->work_ns, r->early_passes, incomplete);
	fprintf(out, "  FUTEX_WAIT %" PRIu64 " (EAGAIN %" PRIu64 "), FUTEX_WAKE(INT_MAX) %" PRIu64 "\n",
		r->futex_wait, r->wait_eagain, r->futex_wake);
	fx_prim_lll_print(out, "barrier lock", &r->lock_st);
}

const struct fx_workload fx_wl_barrier = {
	.name = BA_NAME,
	.summary = "futex barrier (glibc < 2.23: lock, count, generation word, FUTEX_WAKE(INT_MAX))",
	.usage =
	FX_PRIM_USAGE_THREADS("one per CPU")
	"  -w, --work NS     mean work between barriers, drawn in [w/2, 3w/2)\n"
	"                    (default 2000)\n"
	FX_PRIM_USAGE_RS
	"  the last generation is the first to start after -r\n",
	.parse = ba_parse,
	.setup = ba_setup,
	.end_ns = fx_prim_end_ns,
	.report = ba_report,
	.free = fx_prim_opts_free,
};
