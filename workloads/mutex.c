// SPDX-License-Identifier: MIT
/*
 * mutex.c - the "mutex" workload: threads taking and releasing futex
 * mutexes with the word protocol of Drepper's "Futexes Are Tricky" mutex
 * 3, as glibc's lowlevellock implements it (primopt.c has the state
 * machine and its citations):
 *
 *	word 0: unlocked, 1: locked, 2: locked and maybe waiters
 *	lock:   cmpxchg(0 -> 1); failing that xchg(2) until it returns 0,
 *	        FUTEX_WAIT(word, 2) between tries
 *	unlock: xchg(0) (glibc) or fetch_sub(1) + store 0 (Drepper, -U dec);
 *	        FUTEX_WAKE(word, 1) if the lock had waiters
 *
 * Each thread loops: lock its mutex (thread i uses lock i % L), stay in
 * the critical section for -c ns, unlock, compute for -o ns.  A thread
 * checks the clock only with no lock held, so at the end every waiter is
 * handed the lock and the run ends when the last thread exits: a lost
 * wakeup shows as -EDEADLK from fx_des_run().  Mutual exclusion is
 * checked from outside the model: an occupancy counter per lock that the
 * critical section's first step raises and its last step lowers
 * ("violations" counts entries that found it non-zero).  One operation is
 * one lock + unlock.
 *
 * -S puts the words in memory shared by two processes (threads alternate
 * between them) and drops FUTEX_PRIVATE_FLAG, as a PTHREAD_PROCESS_SHARED
 * mutex does: shared keys, hashed into the global tables.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "primopt.h"
#include "workload.h"

#define MX_NAME		"mutex"
#define MX_LINE		64		/* each lock word on its own line */

struct mx_opts {
	struct fx_prim_common c;	/* first: -t (0: one per CPU), -r, -s */
	unsigned locks;
	uint64_t cs_ns, out_ns;
	bool shared;
	unsigned unlock;		/* 0: xchg (glibc), 1: dec (Drepper) */
};

struct mx_run {
	struct fx_prim_run c;		/* first: fx_prim_setup_run() */
	const struct mx_opts *o;
	unsigned flags;			/* FX_PRIVATE_FLAG or 0 */
	unsigned nlocks;
	struct fx_prim_lock *locks;
	uint64_t violations;
	struct fx_prim_mloop threads[];
};

static const char *const mx_unlock_names[] = { "xchg", "dec", NULL };

static void mx_run_fini(void *run)
{
	struct mx_run *r = run;

	free(r->locks);
}

static int mx_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct mx_opts *o = fx_prim_opts_new(sizeof(*o), mx_run_fini);
	int rc;

	if (!o)
		return -ENOMEM;
	o->locks = 1;
	o->cs_ns = 100;
	o->out_ns = 200;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 1),
			FX_POPT_COUNT('l', "locks", &o->locks, 1, 4096,
				      "a lock count 1..4096"),
			FX_POPT_TIME('c', "cs", &o->cs_ns,
				     "a critical section"),
			FX_POPT_TIME('o', "outside", &o->out_ns,
				     "a time between unlock and lock"),
			FX_POPT_FLAG('S', "shared", &o->shared),
			FX_POPT_ONEOF('U', "unlock", &o->unlock,
				      mx_unlock_names, "xchg or dec"),
		};

		rc = FX_POPT_PARSE(MX_NAME, tab, argc, argv, err, errlen);
	}
	return fx_prim_opts_done(o, rc, opts);
}

static void mx_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	fx_prim_mloop_step(th->priv, th, act);
}

static int mx_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct mx_opts *o = opts;
	struct fx_des_proc *procs[2];
	unsigned nprocs = o->shared ? 2 : 1;
	struct mx_run *r;
	uint64_t base;

	r = fx_prim_setup_run(&o->c, sizeof(*r), sizeof(r->threads[0]), des,
			      nthreads, 1);
	if (!r)
		return -ENOMEM;
	r->o = o;
	r->nlocks = o->locks;
	r->flags = o->shared ? 0 : FX_PRIVATE_FLAG;
	r->locks = calloc(r->nlocks, sizeof(*r->locks));
	if (!r->locks)
		return -ENOMEM;
	for (unsigned i = 0; i < nprocs; i++) {
		procs[i] = fx_des_proc_new(des);
		if (!procs[i])
			return -errno;
	}
	base = o->shared ?
	       fx_des_alloc_shared(procs, 2, (uint64_t)r->nlocks * MX_LINE) :
	       fx_des_alloc(procs[0], (uint64_t)r->nlocks * MX_LINE, MX_LINE);
	if (!base) {
		snprintf(err, errlen, "%s: no memory for %u locks (expected fewer locks)",
			 MX_NAME, r->nlocks);
		return -EINVAL;
	}
	for (unsigned i = 0; i < r->nlocks; i++)
		r->locks[i].addr = base + (uint64_t)i * MX_LINE;
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		struct fx_prim_mloop *m = &r->threads[i];

		m->lock = &r->locks[i % r->nlocks];
		m->flags = r->flags;
		m->dec = o->unlock == 1;
		m->cs_ns = o->cs_ns;
		m->out_ns = o->out_ns;
		m->end_ns = r->c.end_ns;
		m->violations = &r->violations;
		if (!fx_des_thread_new(procs[i % nprocs], mx_step, m,
				       fx_prim_cpu(des, i, 0, 0), 0))
			return -errno;
	}
	return 0;
}

static void mx_report(struct fx_des *des, void *opts, FILE *out)
{
	struct mx_opts *o = opts;
	struct mx_run *r = o->c.run;
	struct fx_lll_stats sum = { 0 };
	struct fx_prim_tally ops = { 0 };

	if (!r)
		return;
	for (unsigned i = 0; i < r->c.nthreads; i++)
		fx_prim_tally_add(&ops, r->threads[i].ops);
	for (unsigned i = 0; i < r->nlocks; i++)
		fx_lll_stats_add(&sum, &r->locks[i].st);
	fx_des_value(des, "violations", (double)r->violations);
	fx_des_value(des, "bad_words", (double)sum.bad_word);
	fx_des_value(des, "min_thread_ops", (double)ops.min);
	fx_des_value(des, "contended", (double)sum.contended);
	fx_des_value(des, "futex_wait", (double)sum.futex_wait);
	fx_des_value(des, "futex_wake", (double)sum.futex_wake);
	if (!fx_prim_summary(out, MX_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  %u lock(s), %s, unlock by %s, cs %" PRIu64 " ns, outside %" PRIu64 " ns\n",
		r->nlocks, o->shared ? "process-shared (2 processes)" :
		"process-private", mx_unlock_names[o->unlock], o->cs_ns,
		o->out_ns);
	fx_prim_lll_print(out, "locks", &sum);
	fprintf(out, "  mutual exclusion violations: %" PRIu64 "\n",
		r->violations);
}

const struct fx_workload fx_wl_mutex = {
	.name = MX_NAME,
	.summary = "futex mutex (Drepper's mutex 3 / glibc lowlevellock): 0/1/2 word",
	.usage =
	FX_PRIM_USAGE_THREADS("one per CPU")
	"  -l, --locks N     locks; thread i takes lock i % N (default 1)\n"
	"  -c, --cs NS       critical section, ns or with a unit (default 100)\n"
	"  -o, --outside NS  time from unlock to the next lock (default 200)\n"
	"  -U, --unlock M    xchg: glibc's lll_unlock (default); dec: Drepper's\n"
	"                    fetch_sub, store 0, wake\n"
	"  -S, --shared      process-shared: 2 processes, the words in shared\n"
	"                    memory, no FUTEX_PRIVATE_FLAG\n"
	FX_PRIM_USAGE_RS,
	.parse = mx_parse,
	.setup = mx_setup,
	.end_ns = fx_prim_end_ns,
	.report = mx_report,
	.free = fx_prim_opts_free,
};
