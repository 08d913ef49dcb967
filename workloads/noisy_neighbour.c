// SPDX-License-Identifier: MIT
/*
 * noisy_neighbour.c - the "noisy-neighbour" workload: a victim process
 * using futexes, and an attacker process that finds the victim's hash
 * buckets by timing its own system calls and then floods them.
 *
 * DESIGN
 *
 * Victim (first half of the CPUs): -M mutex, -t threads over -l
 * lowlevellocks (primopt.c's lock loop: cmpxchg, xchg(2), FUTEX_WAIT,
 * FUTEX_WAKE), or -M pingpong, pairs passing a token by FUTEX_WAIT/WAKE.
 * Its futexes are process-private (FUTEX_PRIVATE_FLAG, as glibc uses) or,
 * with -V shared, process-shared ones in a shared mapping.
 *
 * Attacker (other half of the CPUs): -a threads.  It sees only what a
 * co-located process sees: its own memory and how long its own system
 * calls take (fx_des_now() before and after).  It never looks at the
 * victim's addresses or keys, the hasher or its seed.
 *
 *   1. probe.  -p probers (one by default: two probers whose candidates
 *      share a bucket bounce its cache line, which is noise as large as
 *      the signal) time FUTEX_WAKE(A, 1) on each of -c candidate words A
 *      of the attacker's own memory.  Nobody waits on A, so the call
 *      wakes nobody; but the kernel skips the bucket lock only when the
 *      whole *bucket* has no waiters (futex_hb_waiters_pending()).  If A
 *      shares a bucket with a futex the victim sleeps on, the call takes
 *      the lock (perhaps waiting for it) and walks the victim's waiters:
 *      it is slower.  Probing goes in rounds: an untimed warm-up round
 *      (it brings every bucket's cache line close, so the samples compare
 *      chains, not cache misses), then -k timed rounds, so a candidate's
 *      samples are spread over the phase instead of falling into one
 *      instant of the victim's cycle.  The samples are summarised by -m
 *      (median by default: the victim has waiters only part of the time,
 *      and a median ignores an odd delay), and the -n slowest candidates
 *      are chosen (ties: lower address first).  The phase lasts at most
 *      -P (3/5 of the run by default).
 *   2. flood.  The other attacker threads are spawned when the probe
 *      phase is over (waiting in a futex meanwhile, they would be waiters
 *      that the probes find).  Parkers wait on the chosen words with
 *      FUTEX_WAIT_BITSET(A, 0, bitset 1): the victim's chains grow and
 *      each of its waits and wakes on those buckets walks past them under
 *      the bucket lock.  One thread per attacker CPU, the probers first,
 *      hammers (unless --no-hammer): after letting the parkers settle, it
 *      loops FUTEX_WAKE_BITSET(A, 1, bitset 2), which matches the key but
 *      not the bitset, so each call holds the bucket lock for a walk of
 *      the whole chain and wakes nobody.  The parkers never return; they
 *      are daemons (the attacker is killed, not joined, at the end).
 *
 * Attacker futexes are shared by default (-A shared: no PRIVATE flag),
 * which puts them in the global (per-node) tables.  A victim's futexes
 * are there too under the pre-6.16 "global" layout, or when they are
 * shared.  Under the 6.16+ "private" layout a multi-threaded victim's
 * private futexes live in its own process-private hash, which no other
 * process reaches: the probe finds nothing and the victim is unaffected.
 * The workload shows that; it does not hide it.  A keyed hasher (siphash
 * with a secret seed) does not stop the attack: the attacker never
 * computes a hash, it measures.
 *
 * The report, and only the report, asks the core where the candidates
 * and the victim's words land (fx_futex_locate) to score the attack:
 * "attack_hits" of the "attack_chosen" addresses share a bucket with a
 * victim word, against "attack_chance" (the hits a random choice would
 * expect) and "attack_colliding" (the candidates that do).  The victim's
 * "victim_ops" are over the whole run, "victim_flood_ops" from the end of
 * the probe phase (the same instant with --no-attack, which runs the
 * victim alone: the baseline).  "victim_lat_*" is the victim's latency:
 * for -M mutex the wait of a contended lock acquisition (first failed
 * cmpxchg to lock held), for -M pingpong the wakeup latency (the
 * partner's FUTEX_WAKE to the token taken).  One operation is one victim lock + unlock
 * (or one token received).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "primopt.h"
#include "workload.h"

#define NN_NAME		"noisy-neighbour"
#define NN_LINE		64
#define NN_BITS_PARK	1u	/* bitset the parkers wait with */
#define NN_BITS_HAMMER	2u	/* bitset the hammers wake with */
#define NN_SETTLE_NS	2000u	/* per parker on a CPU, before hammering */
#define NN_RANK_NS	5u	/* ranking cost per candidate */
#define NN_MAX_K	1024u

static const char *const nn_vmodes[] = { "mutex", "pingpong", NULL };
static const char *const nn_vkind[] = { "private", "shared", NULL };
static const char *const nn_akind[] = { "shared", "private", NULL };
static const char *const nn_stats[] = { "median", "min", "max", "mean",
					NULL };

enum { NN_MUTEX, NN_PINGPONG };

struct nn_opts {
	struct fx_prim_common c;	/* first: -t (victim threads), -r, -s */
	unsigned vmode;			/* -M: index in nn_vmodes */
	unsigned vlocks;		/* -l */
	uint64_t cs_ns, out_ns;		/* -w, -o */
	unsigned vkind;			/* -V: index in nn_vkind */
	unsigned athreads, probers;	/* -a, -p */
	unsigned ncand, k, nchosen;	/* -c, -k, -n */
	unsigned akind;			/* -A: index in nn_akind */
	unsigned stat;			/* -m: index in nn_stats */
	uint64_t probe_ns;		/* -P (0: 3/5 of -r) */
	bool no_attack, no_hammer;
};

/*
 * A ping-pong thread: it takes the token from its own word (xchg(mine, 0)
 * returns 1; else FUTEX_WAIT(mine, 0) and again), works -w ns, passes the
 * token (theirs = 1, FUTEX_WAKE(theirs, 1)), then spends -o ns elsewhere.
 * After -r it passes the token one last time and exits.
 */
enum nn_ppstate { PP_TAKE, PP_TAKEN, PP_WAITED, PP_WORK, PP_PASS, PP_WAKE,
		  PP_WOKE };

struct nn_pp {
	struct nn_run *run;
	struct nn_pp *partner;
	uint64_t mine, theirs;		/* futex words */
	uint64_t sent_ns;		/* when the partner's wake began */
	enum nn_ppstate st;
	bool waited, woken, exiting;
	uint64_t ops, ops_after;
};

enum nn_astate {
	A_PROBE, A_PROBED, A_FINISHED, A_COUNTED, A_PUBLISH, A_PUBLISHED,
	A_PHASE_WAIT, A_PHASE_WAITED, A_PHASE_CHECK, A_SETTLE, A_HAMMER,
	A_PARK,
};

struct nn_athread {
	struct nn_run *run;
	enum nn_astate st;
	unsigned idx;			/* attacker thread index */
	unsigned cand, round;		/* probing */
	uint64_t t0;			/* when the probe was issued */
	unsigned pos;			/* chosen word hammered / parked on */
};

struct nn_run {
	struct fx_prim_run c;		/* first: the victim's threads, -r */
	const struct nn_opts *o;
	uint64_t flood_ns;		/* the end of probing */
	/* victim */
	unsigned nlocks, nwords;	/* locks, futex words */
	unsigned vflags;
	struct fx_prim_mloop *vmx;	/* -M mutex */
	struct nn_pp *vpp;		/* -M pingpong */
	struct fx_prim_lock *vlocks;	/* [nlocks] */
	uint64_t *vaddr;		/* [nwords] */
	uint64_t violations, bad_tokens;
	struct fx_qhist *vlat;		/* the victim's latency, ns: lock
					   wait (mutex) or wakeup (pingpong) */
	struct fx_task *vtask;
	/* attacker */
	unsigned na, nprobers, nhammers, acpus, aflags;
	struct nn_athread *ath;
	struct fx_task *atask;
	uint64_t cand_base, phase, counter, sleepw;
	uint32_t *dur;			/* [ncand][k] probe times, ns */
	uint64_t *score;		/* [ncand] the -m statistic */
	bool *done;			/* [ncand] all k samples taken */
	unsigned *chosen;		/* [nchosen] candidate indexes */
	unsigned probed;		/* candidates with all k samples */
	bool published;
	uint64_t hammer_calls, parks;
};

static void nn_run_fini(void *run)
{
	struct nn_run *r = run;

	free(r->vmx);
	free(r->vpp);
	free(r->vlocks);
	free(r->vaddr);
	free(r->vlat);
	free(r->ath);
	free(r->dur);
	free(r->score);
	free(r->done);
	free(r->chosen);
}

static int nn_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct nn_opts *o = fx_prim_opts_new(sizeof(*o), nn_run_fini);
	int rc;

	if (!o)
		return -ENOMEM;
	o->c.threads = 4;
	o->vlocks = 1;
	o->cs_ns = 1000;
	o->out_ns = 100;
	o->athreads = 256;
	o->probers = 1;
	o->ncand = 4096;
	o->k = 3;
	o->nchosen = 16;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 1),
			FX_POPT_ONEOF('M', "victim-mode", &o->vmode, nn_vmodes,
				      "mutex or pingpong"),
			FX_POPT_COUNT('l', "locks", &o->vlocks, 1, 4096,
				      "a victim lock count 1..4096"),
			FX_POPT_TIME('w', "work", &o->cs_ns,
				     "a victim critical section"),
			FX_POPT_TIME('o', "outside", &o->out_ns,
				     "a victim time between operations"),
			FX_POPT_ONEOF('V', "victim", &o->vkind, nn_vkind,
				      "private or shared"),
			FX_POPT_COUNT('a', "attackers", &o->athreads, 1, 65536,
				      "an attacker thread count 1..65536"),
			FX_POPT_COUNT('p', "probers", &o->probers, 1, 65536,
				      "a prober count 1..-a"),
			FX_POPT_COUNT('c', "candidates", &o->ncand, 1, 1u << 20,
				      "a candidate count 1..1048576"),
			FX_POPT_COUNT('k', "probes", &o->k, 1, NN_MAX_K,
				      "a probe count per candidate 1..1024"),
			FX_POPT_ONEOF('m', "stat", &o->stat, nn_stats,
				      "median, min, max or mean"),
			FX_POPT_COUNT('n', "chosen", &o->nchosen, 1, 1u << 20,
				      "a count of addresses to flood 1..-c"),
			FX_POPT_ONEOF('A', "attacker", &o->akind, nn_akind,
				      "shared or private"),
			{ 'P', "probe-time", FX_POPT_SEC, &o->probe_ns, 1,
			  3600000000000ull, NULL,
			  "a probe phase length of 1ns..1h, in s or with a unit (6ms)" },
			FX_POPT_FLAG(0, "no-attack", &o->no_attack),
			FX_POPT_FLAG(0, "no-hammer", &o->no_hammer),
		};

		rc = FX_POPT_PARSE(NN_NAME, tab, argc, argv, err, errlen);
	}
	if (!rc && o->vmode == NN_PINGPONG && o->c.threads % 2) {
		snprintf(err, errlen, "%s: -t %u is odd (expected an even victim thread count for -M pingpong)",
			 NN_NAME, o->c.threads);
		rc = -EINVAL;
	}
	if (!rc && o->probers > o->athreads) {
		snprintf(err, errlen, "%s: -p %u is more than -a %u (expected at most as many probers as attacker threads)",
			 NN_NAME, o->probers, o->athreads);
		rc = -EINVAL;
	}
	if (!rc && o->nchosen > o->ncand) {
		snprintf(err, errlen, "%s: -n %u is more than -c %u (expected at most as many chosen as candidates)",
			 NN_NAME, o->nchosen, o->ncand);
		rc = -EINVAL;
	}
	return fx_prim_opts_done(o, rc, opts);
}

/* ---- the victim ---- */

static void nn_mxstep(struct fx_des_thread *th, struct fx_des_act *act)
{
	fx_prim_mloop_step(th->priv, th, act);
}

static void nn_ppstep(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct nn_pp *t = th->priv;
	struct nn_run *r = t->run;
	const int vf = (int)r->vflags;
	uint64_t now = fx_des_now(th->des);

	for (;;) {
		switch (t->st) {
		case PP_TAKE:
			fx_act_atomic(act, FX_UA_XCHG, t->mine, 0, 0);
			t->st = PP_TAKEN;
			return;
		case PP_TAKEN:
			if (!th->uval) {
				fx_act_futex(act, t->mine, FX_OP_WAIT | vf, 0, 0,
					     0, 0);
				t->st = PP_WAITED;
				return;
			}
			if (th->uval != 1)
				r->bad_tokens++;
			if (t->waited && t->woken)
				fx_qhist_add(r->vlat, now - t->sent_ns);
			t->waited = false;
			t->st = PP_WORK;
			continue;
		case PP_WAITED:
			t->waited = true;
			t->woken = th->ret == 0;
			t->st = PP_TAKE;
			continue;
		case PP_WORK:
			t->ops++;
			t->ops_after += now >= r->flood_ns;
			fx_des_count_ops(th, 1);
			t->exiting = now >= r->c.end_ns;
			t->st = PP_PASS;
			if (!t->exiting && fx_prim_think(act, r->o->cs_ns))
				return;
			continue;
		case PP_PASS:
			fx_act_atomic(act, FX_UA_STORE, t->theirs, 1, 0);
			t->st = PP_WAKE;
			return;
		case PP_WAKE:
			t->partner->sent_ns = now;
			fx_act_futex(act, t->theirs, FX_OP_WAKE | vf, 1, 0, 0, 0);
			t->st = PP_WOKE;
			return;
		case PP_WOKE:
			if (t->exiting) {
				fx_act_exit(act);
				return;
			}
			t->st = PP_TAKE;
			if (fx_prim_think(act, r->o->out_ns))
				return;
			continue;
		}
	}
}

/* ---- the attack: only the attacker's own memory and clock ---- */

static uint64_t nn_cand(const struct nn_run *r, unsigned i)
{
	return r->cand_base + 4ull * i;
}

static int nn_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* nn_summarise - the -m statistic of candidate @i's k samples */
static uint64_t nn_summarise(const struct nn_run *r, unsigned i)
{
	unsigned k = r->o->k;
	uint32_t s[NN_MAX_K];
	uint64_t sum = 0;

	memcpy(s, r->dur + (size_t)i * k, k * sizeof(*s));
	qsort(s, k, sizeof(*s), nn_cmp_u32);
	for (unsigned j = 0; j < k; j++)
		sum += s[j];
	switch (r->o->stat) {
	case 1:
		return s[0];
	case 2:
		return s[k - 1];
	case 3:
		return sum / k;
	default:
		return s[k / 2];
	}
}

static const struct nn_run *nn_sort_run;	/* qsort has no context */

static int nn_cmp_rank(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	uint64_t sx = nn_sort_run->score[x], sy = nn_sort_run->score[y];

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return (x > y) - (x < y);
}

/* nn_rank - choose the -n candidates whose wakes took longest */
static void nn_rank(struct nn_run *r)
{
	unsigned n = r->o->ncand;
	unsigned *idx = malloc(n * sizeof(*idx));

	for (unsigned i = 0; i < n; i++)
		r->score[i] = r->done[i] ? nn_summarise(r, i) : 0;
	if (!idx) {
		for (unsigned i = 0; i < r->o->nchosen; i++)
			r->chosen[i] = i;
		return;
	}
	for (unsigned i = 0; i < n; i++)
		idx[i] = i;
	nn_sort_run = r;
	qsort(idx, n, sizeof(*idx), nn_cmp_rank);
	nn_sort_run = NULL;
	memcpy(r->chosen, idx, r->o->nchosen * sizeof(*idx));
	free(idx);
}

/* nn_sleep - nanosleep as a timed FUTEX_WAIT on a word nobody changes */
static void nn_sleep(struct nn_run *r, struct fx_des_thread *th,
		     struct fx_des_act *act, uint64_t ns)
{
	struct fx_timespec ts = {
		.tv_sec = (int64_t)(ns / 1000000000),
		.tv_nsec = (int64_t)(ns % 1000000000),
	};

	/* the thread's own store of its timespec argument */
	fx_uaccess_write(fx_task_mm(th->task), th->scratch, &ts, sizeof(ts));
	fx_act_futex(act, r->sleepw, FX_OP_WAIT | FX_PRIVATE_FLAG, 0,
		     th->scratch, 0, 0);
}

static void nn_astep(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct nn_athread *t = th->priv;
	struct nn_run *r = t->run;
	const int pf = FX_PRIVATE_FLAG, af = (int)r->aflags;
	const unsigned k = r->o->k, nchosen = r->o->nchosen;
	uint64_t now = fx_des_now(th->des), parkers;

	for (;;) {
		switch (t->st) {
		/* ---- phase 1: probe ---- */
		case A_PROBE:
			/* round 0: untimed warm-up; rounds 1..k: timed */
			if (t->cand >= r->o->ncand) {
				t->cand = t->idx;
				t->round++;
			}
			if (t->round > k || now >= r->flood_ns) {
				t->st = A_FINISHED;
				continue;
			}
			t->t0 = now;
			fx_act_futex(act, nn_cand(r, t->cand), FX_OP_WAKE | af,
				     1, 0, 0, 0);
			t->st = A_PROBED;
			return;
		case A_PROBED:
			if (t->round)
				r->dur[(size_t)t->cand * k + t->round - 1] =
					(uint32_t)(now - t->t0 > UINT32_MAX ?
						   UINT32_MAX : now - t->t0);
			if (t->round == k) {
				r->done[t->cand] = true;
				r->probed++;
			}
			t->cand += r->nprobers;
			t->st = A_PROBE;
			continue;
		case A_FINISHED:
			fx_act_atomic(act, FX_UA_ADD, r->counter, 1, 0);
			t->st = A_COUNTED;
			return;
		case A_COUNTED:
			if (th->uval + 1 != r->nprobers) {
				t->st = A_PHASE_WAIT;
				continue;
			}
			/* the last prober ranks and publishes */
			nn_rank(r);
			t->st = A_PUBLISH;
			fx_act_think(act, (uint64_t)r->o->ncand * NN_RANK_NS);
			return;
		case A_PUBLISH:
			r->published = true;
			fx_act_atomic(act, FX_UA_STORE, r->phase, 1, 0);
			t->st = A_PUBLISHED;
			return;
		case A_PUBLISHED:
			fx_act_futex(act, r->phase, FX_OP_WAKE | pf, INT_MAX, 0,
				     0, 0);
			t->st = A_SETTLE;
			return;
		case A_PHASE_WAIT:
			fx_act_futex(act, r->phase, FX_OP_WAIT | pf, 0, 0, 0, 0);
			t->st = A_PHASE_WAITED;
			return;
		case A_PHASE_WAITED:
			fx_act_atomic(act, FX_UA_LOAD, r->phase, 0, 0);
			t->st = A_PHASE_CHECK;
			return;
		case A_PHASE_CHECK:
			if (!th->uval)
				t->st = A_PHASE_WAIT;
			else
				t->st = t->idx < r->nhammers ? A_SETTLE : A_PARK;
			continue;
		/* ---- phase 2: flood ---- */
		case A_SETTLE:
			if (r->o->no_hammer || now >= r->c.end_ns) {
				fx_act_exit(act);
				return;
			}
			/* let the parkers park before hammering */
			parkers = r->na - r->nhammers;
			nn_sleep(r, th, act, NN_SETTLE_NS *
				 ((parkers + r->acpus - 1) / r->acpus) + 1000);
			t->pos = t->idx % nchosen;
			t->st = A_HAMMER;
			return;
		case A_HAMMER:
			if (now >= r->c.end_ns) {
				fx_act_exit(act);
				return;
			}
			r->hammer_calls++;
			fx_act_futex(act, nn_cand(r, r->chosen[t->pos]),
				     FX_OP_WAKE_BITSET | af, 1, 0, 0,
				     NN_BITS_HAMMER);
			t->pos = (t->pos + 1) % nchosen;
			return;
		case A_PARK:
			/* back here only on a spurious return */
			t->pos = t->idx % nchosen;
			r->parks++;
			fx_act_futex(act, nn_cand(r, r->chosen[t->pos]),
				     FX_OP_WAIT_BITSET | af, 0, 0, 0,
				     NN_BITS_PARK);
			return;
		}
	}
}

/* ---- setup ---- */

static struct fx_des_thread *nn_victim_thread(struct fx_des *des,
					      struct fx_des_proc *p,
					      struct nn_run *r, unsigned i,
					      int cpu)
{
	const struct nn_opts *o = r->o;
	struct fx_prim_mloop *m;

	if (r->vpp) {
		struct nn_pp *t = &r->vpp[i];

		t->run = r;
		t->partner = &r->vpp[i ^ 1];
		t->mine = r->vaddr[i];
		t->theirs = r->vaddr[i ^ 1];
		t->st = i % 2 ? PP_TAKE : PP_WORK;	/* first has the token */
		return fx_des_thread_new(p, nn_ppstep, t, cpu, 0);
	}
	m = &r->vmx[i];
	m->lock = &r->vlocks[i % r->nlocks];
	m->flags = r->vflags;
	m->cs_ns = o->cs_ns;
	m->out_ns = o->out_ns;
	m->end_ns = r->c.end_ns;
	m->mark_ns = r->flood_ns;
	m->violations = &r->violations;
	return fx_des_thread_new(p, nn_mxstep, m, cpu, 0);
}

static int nn_setup_victim(struct fx_des *des, struct nn_run *r,
			   unsigned vcpus)
{
	struct fx_des_proc *p = fx_des_proc_new(des);
	uint64_t base, len = (uint64_t)r->nwords * NN_LINE;

	if (!p)
		return -errno;
	base = r->vflags ? fx_des_alloc(p, len, NN_LINE) :
	       fx_des_alloc_shared(&p, 1, len);
	if (!base)
		return -ENOMEM;
	for (unsigned i = 0; i < r->nwords; i++)
		r->vaddr[i] = base + (uint64_t)i * NN_LINE;
	for (unsigned l = 0; r->vmx && l < r->nlocks; l++) {
		r->vlocks[l].addr = r->vaddr[l];
		r->vlocks[l].st.wait_lat = r->vlat;
	}
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		struct fx_des_thread *th;

		th = nn_victim_thread(des, p, r, i,
				      fx_prim_cpu(des, i, 0, vcpus));
		if (!th)
			return -errno;
		if (!i)
			r->vtask = th->task;
	}
	return 0;
}

static int nn_setup_attacker(struct fx_des *des, struct nn_run *r,
			     unsigned first)
{
	const struct nn_opts *o = r->o;
	struct fx_des_proc *p = fx_des_proc_new(des);

	if (!p)
		return -errno;
	r->cand_base = fx_des_alloc(p, 4ull * o->ncand, NN_LINE);
	r->phase = fx_des_alloc(p, 3 * NN_LINE, NN_LINE);
	if (!r->cand_base || !r->phase)
		return -ENOMEM;
	r->counter = r->phase + NN_LINE;
	r->sleepw = r->phase + 2 * NN_LINE;
	for (unsigned i = 0; i < r->na; i++) {
		struct nn_athread *t = &r->ath[i];
		bool prober = i < r->nprobers;
		struct fx_des_thread *th;

		t->run = r;
		t->idx = i;
		t->cand = i;
		t->st = prober ? A_PROBE : A_PHASE_WAIT;
		/* the others are spawned when the probe phase is over */
		th = fx_des_thread_new(p, nn_astep, t,
				       fx_prim_cpu(des, i, first, r->acpus),
				       prober ? 0 : r->flood_ns);
		if (!th)
			return -errno;
		if (i >= r->nhammers)
			fx_des_thread_daemon(th);	/* parks for good */
		if (!i)
			r->atask = th->task;
	}
	return 0;
}

static int nn_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct nn_opts *o = opts;
	unsigned ncpus = fx_des_topo(des)->ncpus;
	unsigned vcpus = ncpus > 1 ? ncpus / 2 : 1;
	struct nn_run *r;
	unsigned nv;
	int rc;

	r = fx_prim_setup_run(&o->c, sizeof(*r), 0, des, nthreads, 1);
	if (!r)
		return -ENOMEM;
	r->o = o;
	r->flood_ns = o->probe_ns ? o->probe_ns : o->c.run_ns / 5 * 3;
	nv = r->c.nthreads;
	r->nlocks = o->vlocks;
	r->vflags = o->vkind ? 0 : FX_PRIVATE_FLAG;
	if (o->vmode == NN_PINGPONG && nv % 2) {
		snprintf(err, errlen, "%s: %u victim threads is odd (expected an even count for -M pingpong)",
			 NN_NAME, nv);
		return -EINVAL;
	}
	r->nwords = o->vmode == NN_PINGPONG ? nv : r->nlocks;
	if (o->vmode == NN_PINGPONG)
		r->vpp = calloc(nv, sizeof(*r->vpp));
	else
		r->vmx = calloc(nv, sizeof(*r->vmx));
	r->vlocks = calloc(r->nlocks, sizeof(*r->vlocks));
	r->vaddr = calloc(r->nwords, sizeof(*r->vaddr));
	r->vlat = malloc(sizeof(*r->vlat));
	if ((!r->vmx && !r->vpp) || !r->vlocks || !r->vaddr || !r->vlat)
		return -ENOMEM;
	fx_qhist_init(r->vlat);
	rc = nn_setup_victim(des, r, vcpus);
	if (rc || o->no_attack)
		return rc;
	r->na = o->athreads;
	r->aflags = o->akind ? FX_PRIVATE_FLAG : 0;
	r->acpus = ncpus > 1 ? ncpus - vcpus : 1;
	r->nprobers = o->probers;
	/* one hammer per attacker CPU, the probers first */
	r->nhammers = r->na < r->acpus ? r->na : r->acpus;
	if (o->no_hammer || r->nhammers < r->nprobers)
		r->nhammers = r->nprobers;
	r->ath = calloc(r->na, sizeof(*r->ath));
	r->dur = calloc((size_t)o->ncand * o->k, sizeof(*r->dur));
	r->score = calloc(o->ncand, sizeof(*r->score));
	r->done = calloc(o->ncand, sizeof(*r->done));
	r->chosen = calloc(o->nchosen, sizeof(*r->chosen));
	if (!r->ath || !r->dur || !r->score || !r->done || !r->chosen)
		return -ENOMEM;
	rc = nn_setup_attacker(des, r, ncpus > 1 ? vcpus : 0);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: no memory for %u candidates (expected fewer)",
			 NN_NAME, o->ncand);
	return rc;
}

/* ---- the report: ground truth from the core, never seen by the attack ---- */

struct nn_truth {
	uint64_t hits, colliding;
	double chance;
	uint64_t hit_ns, hit_n, miss_ns, miss_n;	/* probe scores */
};

static bool nn_same_bucket(const struct fx_hash_info *a,
			   const struct fx_hash_info *b)
{
	/* table -1 is a process-private hash: two processes, two tables */
	return a->table >= 0 && a->table == b->table && a->bucket == b->bucket;
}

/* nn_victim_buckets - distinct victim buckets in table @table */
static unsigned nn_victim_buckets(const struct fx_hash_info *vi, unsigned n,
				  int table)
{
	unsigned nb = 0;

	for (unsigned l = 0; l < n; l++) {
		bool seen = false;

		for (unsigned m = 0; m < l; m++)
			seen |= nn_same_bucket(&vi[m], &vi[l]);
		nb += !seen && table >= 0 && vi[l].table == table;
	}
	return nb;
}

static void nn_score(const struct nn_run *r, struct nn_truth *tr)
{
	const struct nn_opts *o = r->o;
	unsigned f2v = r->vflags ? FX2_PRIVATE : 0;
	unsigned f2a = r->aflags ? FX2_PRIVATE : 0;
	struct fx_hash_info *vi = calloc(r->nwords, sizeof(*vi));
	bool *hit = calloc(o->ncand, sizeof(*hit));

	memset(tr, 0, sizeof(*tr));
	if (!vi || !hit || !r->published)
		goto out;
	for (unsigned l = 0; l < r->nwords; l++)
		if (fx_futex_locate(r->vtask, r->vaddr[l], f2v, &vi[l]))
			vi[l].table = -2;
	for (unsigned i = 0; i < o->ncand; i++) {
		struct fx_hash_info ai;

		if (fx_futex_locate(r->atask, nn_cand(r, i), f2a, &ai))
			continue;
		for (unsigned l = 0; l < r->nwords; l++)
			hit[i] |= nn_same_bucket(&ai, &vi[l]);
		tr->colliding += hit[i];
		if (!r->done[i])
			continue;
		if (hit[i]) {
			tr->hit_ns += r->score[i];
			tr->hit_n++;
		} else {
			tr->miss_ns += r->score[i];
			tr->miss_n++;
		}
	}
	for (unsigned c = 0; c < o->nchosen; c++) {
		struct fx_hash_info ai;

		tr->hits += hit[r->chosen[c]];
		if (!fx_futex_locate(r->atask, nn_cand(r, r->chosen[c]), f2a,
				     &ai) && ai.table_size)
			tr->chance += (double)nn_victim_buckets(vi, r->nwords,
								ai.table) /
				      ai.table_size;
	}
out:
	free(vi);
	free(hit);
}

static void nn_report(struct fx_des *des, void *opts, FILE *out)
{
	struct nn_opts *o = opts;
	struct nn_run *r = o->c.run;
	struct fx_prim_tally ops = { 0 };
	struct fx_lll_stats sum = { 0 };
	uint64_t after = 0;
	struct nn_truth tr;
	double ops_s;

	if (!r)
		return;
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		fx_prim_tally_add(&ops, r->vpp ? r->vpp[i].ops : r->vmx[i].ops);
		after += r->vpp ? r->vpp[i].ops_after : r->vmx[i].ops_after;
	}
	for (unsigned l = 0; r->vmx && l < r->nlocks; l++)
		fx_lll_stats_add(&sum, &r->vlocks[l].st);
	nn_score(r, &tr);
	ops_s = (double)ops.sum * 1e9 / (double)r->c.end_ns;
	fx_des_value(des, "victim_ops", (double)ops.sum);
	fx_des_value(des, "victim_flood_ops", (double)after);
	fx_des_value(des, "victim_ops_per_s", ops_s);
	fx_des_value(des, "victim_lat_mean_ns", fx_qhist_mean(r->vlat));
	fx_des_value(des, "victim_lat_p99_ns",
		     (double)fx_qhist_quantile(r->vlat, 0.99));
	fx_des_value(des, "violations", (double)(r->violations +
						 r->bad_tokens +
						 sum.bad_word));
	fx_des_value(des, "attack_probed", (double)r->probed);
	fx_des_value(des, "attack_chosen", r->na ? (double)o->nchosen : 0);
	fx_des_value(des, "attack_hits", (double)tr.hits);
	fx_des_value(des, "attack_chance", tr.chance);
	fx_des_value(des, "attack_colliding", (double)tr.colliding);
	fx_des_value(des, "probe_ns_hit",
		     tr.hit_n ? (double)tr.hit_ns / (double)tr.hit_n : 0);
	fx_des_value(des, "probe_ns_miss",
		     tr.miss_n ? (double)tr.miss_ns / (double)tr.miss_n : 0);
	if (!fx_prim_summary(out, NN_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  victim: %u thread(s), %s on %u %s futex word(s): %.0f ops/s; %" PRIu64 " ops from %.3f ms on; %s mean %.0f ns p99 %" PRIu64 " ns; %" PRIu64 " violations\n",
		r->c.nthreads, nn_vmodes[o->vmode], r->nwords,
		nn_vkind[o->vkind],
		ops_s, after, (double)r->flood_ns / 1e6,
		r->vpp ? "wakeup latency" : "contended lock wait",
		fx_qhist_mean(r->vlat), fx_qhist_quantile(r->vlat, 0.99),
		r->violations + r->bad_tokens + sum.bad_word);
	if (r->vmx)
		fx_prim_lll_print(out, "victim locks", &sum);
	if (!r->na) {
		fprintf(out, "  attacker: none (--no-attack)\n");
		return;
	}
	fprintf(out, "  attacker: %u thread(s): %u prober(s), %u hammer(s), %u parker(s); %s futexes; %u of %u candidates probed %u times, ranked by %s\n",
		r->na, r->nprobers, o->no_hammer ? 0 : r->nhammers,
		r->na - r->nhammers, nn_akind[o->akind], r->probed, o->ncand,
		o->k, nn_stats[o->stat]);
	fprintf(out, "  chosen %u: %" PRIu64 " share a victim bucket (a random choice: %.3f); %" PRIu64 " of all candidates do\n",
		o->nchosen, tr.hits, tr.chance, tr.colliding);
	fprintf(out, "  probe time (%s): colliding %.0f ns, others %.0f ns; parked %" PRIu64 ", hammer calls %" PRIu64 "\n",
		nn_stats[o->stat],
		tr.hit_n ? (double)tr.hit_ns / (double)tr.hit_n : 0.0,
		tr.miss_n ? (double)tr.miss_ns / (double)tr.miss_n : 0.0,
		r->parks, r->hammer_calls);
}

const struct fx_workload fx_wl_noisy_neighbour = {
	.name = NN_NAME,
	.summary = "a victim's futexes, and an attacker that finds their buckets by timing and floods them",
	.usage =
	"  the victim runs on the first half of the CPUs, the attacker on the\n"
	"  other half\n"
	"  -t, --threads N   victim threads (default 4; even for pingpong;\n"
	"                    futexsim run --threads overrides)\n"
	"  -M, --victim-mode M  mutex: -l lowlevellocks (default); pingpong:\n"
	"                    pairs passing a token by FUTEX_WAIT/FUTEX_WAKE\n"
	"  -l, --locks N     victim locks (default 1)\n"
	"  -w, --work NS     victim critical section, or work with the token\n"
	"                    (default 1000)\n"
	"  -o, --outside NS  victim time between operations (default 100)\n"
	"  -V, --victim K    victim futexes: private (default) or shared\n"
	"  -a, --attackers N attacker threads: probers, one hammer per CPU, the\n"
	"                    rest park on the chosen words (default 256)\n"
	"  -p, --probers N   probers (default 1)\n"
	"  -c, --candidates N  words of its own memory probed (default 4096)\n"
	"  -k, --probes N    timed probes per candidate, after a warm-up round\n"
	"                    (default 3)\n"
	"  -m, --stat S      median (default), min, max or mean of the probes\n"
	"  -n, --chosen N    slowest candidates flooded (default 16)\n"
	"  -A, --attacker K  attacker futexes: shared (default) or private\n"
	"  -P, --probe-time S  probe phase; the flood starts then (default:\n"
	"                    3/5 of -r)\n"
	"  --no-hammer       park only, no FUTEX_WAKE_BITSET hammering\n"
	"  --no-attack       the victim alone: the baseline\n"
	FX_PRIM_USAGE_RS,
	.parse = nn_parse,
	.setup = nn_setup,
	.end_ns = fx_prim_end_ns,
	.report = nn_report,
	.free = fx_prim_opts_free,
};
