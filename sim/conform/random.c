// SPDX-License-Identifier: MIT
/*
 * random.c - the random differential generator and the minimiser.
 *
 * A block is a scenario of 50-100 steps over 2-4 plain futexes (and a PI
 * word) in 1-2 mappings, 1-2 processes and 3-6 threads.  Each step is
 * chosen from the state the *model* reached after the previous steps (the
 * block is run on the model while it is generated), and only steps whose
 * kernel outcome is deterministic are chosen:
 *
 *   - no step for a thread that is blocked; at least one thread stays idle;
 *   - a timed wait (timeout=expire) is immediately followed by its EXPIRE
 *     step, because the kernel runner's timeout is real (~250 ms);
 *   - signals only hit threads blocked without a timeout;
 *   - PI operations only touch the dedicated PI word, plain ones only the
 *     plain words (mixing is deterministic too but the scenarios say so
 *     explicitly);
 *   - every step runs to completion before the next (the runners settle),
 *     so woken threads never compete.
 *
 * The PRNG is xoshiro256** seeded through splitmix64 (lib/rand.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "futex.h"
#include "lib/rand.h"

/* ---- xoshiro256** ---- */

void fxc_rng_seed(struct fxc_rng *rng, uint64_t seed)
{
	fx_xoshiro_seed(rng->s, seed);
}

uint64_t fxc_rng_next(struct fxc_rng *rng)
{
	return fx_xoshiro_next(rng->s);
}

uint32_t fxc_rng_below(struct fxc_rng *rng, uint32_t n)
{
	return (uint32_t)(((fxc_rng_next(rng) >> 32) * n) >> 32);
}

/* ---- the generator ---- */

#define PI_NONE	-1

enum wait_kind { W_NONE, W_PLAIN, W_TIMED, W_PI };

struct gen {
	struct fxc_rng *rng;
	const struct fxc_features *feat;
	struct fxc_scenario *sc;
	struct fxc_model *m;
	struct fxc_trace tr;
	int nplain;		/* plain futexes are 0..nplain-1 */
	int pi;			/* the PI word, or -1 */
	enum wait_kind waiting[FXC_MAX_THREADS];
};

static uint32_t pick(struct gen *g, uint32_t n)
{
	return fxc_rng_below(g->rng, n);
}

static bool chance(struct gen *g, uint32_t percent)
{
	return pick(g, 100) < percent;
}

static uint32_t word(const struct gen *g, int f)
{
	if (!g->tr.nsteps)
		return g->sc->futexes[f].init;
	return g->tr.steps[g->tr.nsteps - 1].words[f];
}

static bool can_use(const struct gen *g, int thread, int f)
{
	const struct fxc_scenario *sc = g->sc;
	const struct fxc_map *mp = &sc->maps[sc->futexes[f].map];
	int proc = sc->threads[thread].proc;

	return mp->proc == proc || (mp->shared_with & (1u << proc));
}

/* a random plain futex @thread can reach (there is always one in map 0) */
static int pick_plain(struct gen *g, int thread)
{
	for (;;) {
		int f = (int)pick(g, (uint32_t)g->nplain);

		if (can_use(g, thread, f))
			return f;
	}
}

/* private flag for a legacy op on @f: by map kind, flipped now and then */
static bool use_private(struct gen *g, int f)
{
	bool priv = g->sc->maps[g->sc->futexes[f].map].kind == FXC_MAP_ANON_PRIVATE;

	return chance(g, 10) ? !priv : priv;
}

static void setup(struct gen *g, long blockno)
{
	struct fxc_scenario *sc = g->sc;
	int nmaps = 1 + (int)pick(g, 2), nthreads = 3 + (int)pick(g, 4);

	fxc_scenario_init(sc);
	snprintf(sc->name, sizeof(sc->name), "random_b%ld", blockno);
	if (g->feat->futex2)
		strcat(sc->requires, "futex2");
	if (g->feat->pi)
		strcat(sc->requires, sc->requires[0] ? " pi" : "pi");
	sc->nmaps = nmaps;
	snprintf(sc->maps[0].name, FXC_NAME_MAX, "M1");
	sc->maps[0].kind = chance(g, 60) ? FXC_MAP_ANON_PRIVATE : FXC_MAP_ANON_SHARED;
	sc->maps[0].pages = 1;
	sc->maps[0].prot = FX_PROT_READ | FX_PROT_WRITE;
	if (nmaps == 2) {
		snprintf(sc->maps[1].name, FXC_NAME_MAX, "M2");
		sc->maps[1].kind = FXC_MAP_ANON_SHARED;
		sc->maps[1].pages = 1;
		sc->maps[1].prot = FX_PROT_READ | FX_PROT_WRITE;
		if (chance(g, 50)) {
			sc->nprocs = 2;
			snprintf(sc->procs[1], FXC_NAME_MAX, "P2");
			sc->maps[1].shared_with = 1u << 1;
		}
	}
	g->nplain = 2 + (int)pick(g, 3);
	for (int f = 0; f < g->nplain; f++) {
		struct fxc_futex *x = &sc->futexes[f];

		snprintf(x->name, FXC_NAME_MAX, "F%d", f + 1);
		x->map = f == 0 ? 0 : (int)pick(g, (uint32_t)nmaps);
		x->offset = 64 * (uint32_t)f;
		x->init = pick(g, 3);
	}
	sc->nfutexes = g->nplain;
	g->pi = PI_NONE;
	if (g->feat->pi) {
		struct fxc_futex *x = &sc->futexes[sc->nfutexes];

		snprintf(x->name, FXC_NAME_MAX, "L");
		x->map = 0;
		x->offset = 1024;
		x->tid_word = true;
		g->pi = sc->nfutexes++;
	}
	if (g->feat->rt)
		strcat(sc->requires, sc->requires[0] ? " rt" : "rt");
	sc->nthreads = nthreads;
	for (int t = 0; t < nthreads; t++) {
		struct fxc_thread *th = &sc->threads[t];

		snprintf(th->name, FXC_NAME_MAX, "T%d", t + 1);
		/* the first two threads stay in P1 so map 0 always has users */
		th->proc = sc->nprocs == 2 && t >= 2 && chance(g, 40) ? 1 : 0;
		th->policy = FX_SCHED_OTHER;
		if (g->feat->rt && chance(g, 25)) {
			th->policy = FX_SCHED_FIFO;
			th->rt_prio = 10 + (int)pick(g, 3) * 10;
		}
	}
	/* a P2 thread can only reach M2's words: make sure there is one */
	if (sc->nprocs == 2) {
		bool any = false;

		for (int f = 0; f < g->nplain; f++)
			any |= sc->futexes[f].map == 1;
		if (!any)
			sc->futexes[g->nplain - 1].map = 1;
	}
}

static int idle_threads(const struct gen *g, int *idle)
{
	int n = 0;

	for (int t = 0; t < g->sc->nthreads; t++)
		if (!fxc_model_busy(g->m, t))
			idle[n++] = t;
	return n;
}

static uint64_t pick_val(struct gen *g, int f)
{
	uint32_t w = word(g, f);

	return chance(g, 75) ? w : w + 1 + pick(g, 2);
}

static uint64_t pick_bitset(struct gen *g)
{
	static const uint32_t sets[] = { 1, 2, 3, FX_BITSET_MATCH_ANY, FX_BITSET_MATCH_ANY };

	return sets[pick(g, 5)];
}

static uint32_t pick_wakeop(struct gen *g)
{
	int op = (int)pick(g, 5), cmp = (int)pick(g, 6);
	int oparg = (int)pick(g, 4), cmparg = (int)pick(g, 4);

	if (chance(g, 10))
		op |= FX_WOP_OPARG_SHIFT;
	return FX_OP(op, oparg, cmp, cmparg);
}

/* gen_call - fill @s with a call for idle thread @t; may block if @may_block */
static void gen_call(struct gen *g, struct fxc_step *s, int t, bool may_block)
{
	int f = pick_plain(g, t), f2 = pick_plain(g, t);
	uint32_t r = pick(g, 100);

	s->thread = t;
	s->kind = FXC_STEP_FUTEX;
	s->addr.futex = f;
	if (g->pi >= 0 && r < 15 && can_use(g, t, g->pi)) {
		int owner = (int)(word(g, g->pi) & FX_TID_MASK) - FXC_TID_BASE;
		uint32_t k = pick(g, 3);

		s->addr.futex = g->pi;
		s->op = FX_PRIVATE_FLAG;
		if (owner == t && k != 1)
			s->op |= FX_OP_UNLOCK_PI;
		else if (k == 0 && may_block)
			s->op |= FX_OP_LOCK_PI;
		else if (k == 1)
			s->op |= FX_OP_TRYLOCK_PI;
		else
			s->op |= FX_OP_UNLOCK_PI;
		if ((s->op & FX_CMD_MASK) == FX_OP_LOCK_PI && chance(g, 10))
			s->to.kind = FXC_TO_EXPIRE;
		return;
	}
	if (!may_block && r < 40)
		r = 40 + pick(g, 60);
	if (r < 30) {
		/* wait / wait_bitset (blocks if the value matches) */
		s->op = chance(g, 30) ? FX_OP_WAIT_BITSET : FX_OP_WAIT;
		if (use_private(g, f))
			s->op |= FX_PRIVATE_FLAG;
		s->val = pick_val(g, f);
		s->val3 = (s->op & FX_CMD_MASK) == FX_OP_WAIT_BITSET ? pick_bitset(g) : 0;
		if (chance(g, 6))
			s->to.kind = FXC_TO_EXPIRE;
	} else if (r < 40) {
		/* waitv or futex2 wait */
		if (!g->feat->futex2) {
			s->op = FX_OP_WAIT | (use_private(g, f) ? FX_PRIVATE_FLAG : 0);
			s->val = pick_val(g, f);
			return;
		}
		if (chance(g, 50)) {
			s->kind = FXC_STEP_FUTEX_WAIT;
			s->val = pick_val(g, f);
			s->mask = pick_bitset(g);
			s->flags = FX2_SIZE_U32 | (use_private(g, f) ? FX2_PRIVATE : 0);
			s->clockid = FX_CLOCK_MONOTONIC_ID;
		} else {
			int n = 0;

			s->kind = FXC_STEP_WAITV;
			for (int x = 0; x < g->nplain; x++) {
				if (!can_use(g, t, x) || (n && chance(g, 40)))
					continue;
				s->waitv[n].addr.futex = x;
				s->waitv[n].addr.delta = 0;
				s->waitv[n].val = pick_val(g, x);
				s->waitv[n].flags = FX2_SIZE_U32 |
						    (use_private(g, x) ? FX2_PRIVATE : 0);
				n++;
			}
			s->nwaitv = s->nr = n;
		}
		if (chance(g, 6))
			s->to.kind = FXC_TO_EXPIRE;
	} else if (r < 62) {
		/* wakes */
		uint32_t k = pick(g, 4);

		if (k == 3 && g->feat->futex2) {
			s->kind = FXC_STEP_FUTEX_WAKE;
			s->nr = (int)pick(g, (uint32_t)g->sc->nthreads + 1);
			s->mask = pick_bitset(g);
			s->flags = FX2_SIZE_U32 | (use_private(g, f) ? FX2_PRIVATE : 0);
			return;
		}
		s->op = k == 2 ? FX_OP_WAKE_BITSET : FX_OP_WAKE;
		if (use_private(g, f))
			s->op |= FX_PRIVATE_FLAG;
		s->val = 1 + pick(g, (uint32_t)g->sc->nthreads);
		if (k == 2)
			s->val3 = pick_bitset(g);
	} else if (r < 70) {
		s->op = FX_OP_WAKE_OP | (use_private(g, f) ? FX_PRIVATE_FLAG : 0);
		s->addr2.futex = f2;
		s->val = pick(g, 3);
		s->val2 = pick(g, 3);
		s->val3 = pick_wakeop(g);
	} else if (r < 84) {
		s->op = (chance(g, 70) ? FX_OP_CMP_REQUEUE : FX_OP_REQUEUE) |
			(use_private(g, f) ? FX_PRIVATE_FLAG : 0);
		s->addr2.futex = f2;
		s->val = pick(g, 3);
		s->val2 = pick(g, 4);
		if ((s->op & FX_CMD_MASK) == FX_OP_CMP_REQUEUE)
			s->val3 = chance(g, 80) ? word(g, f) : word(g, f) + 1;
	} else {
		s->kind = FXC_STEP_STORE;
		s->val = pick(g, 3);
	}
}

static int signal_target(struct gen *g)
{
	int cand[FXC_MAX_THREADS], n = 0;

	for (int t = 0; t < g->sc->nthreads; t++)
		if (fxc_model_busy(g->m, t) && g->waiting[t] != W_TIMED)
			cand[n++] = t;
	return n ? cand[pick(g, (uint32_t)n)] : -1;
}

static int run_last(struct gen *g)
{
	struct fxc_scenario *sc = g->sc;
	int i = sc->nsteps - 1;
	const struct fxc_step *s = &sc->steps[i];
	int ret = fxc_model_step(g->m, i);

	if (ret)
		return ret;
	if (s->thread >= 0) {
		if (!g->tr.steps[i].blocked)
			g->waiting[s->thread] = W_NONE;
		else if (s->kind != FXC_STEP_SIGNAL)
			g->waiting[s->thread] = s->to.kind == FXC_TO_EXPIRE ? W_TIMED :
				(s->kind == FXC_STEP_FUTEX &&
				 (s->op & FX_CMD_MASK) == FX_OP_LOCK_PI) ? W_PI : W_PLAIN;
	}
	/* wakes by this step end other threads' waits */
	for (int t = 0; t < sc->nthreads; t++)
		if (!fxc_model_busy(g->m, t))
			g->waiting[t] = W_NONE;
	return 0;
}

int fxc_random_block(struct fxc_rng *rng, const struct fxc_features *feat,
		     int nsteps, long blockno, struct fxc_scenario *sc,
		     char *err, size_t errlen)
{
	struct gen g = { .rng = rng, .feat = feat, .sc = sc };
	int ret = 0;

	setup(&g, blockno);
	g.m = fxc_model_open(sc, &g.tr);
	if (!g.m) {
		snprintf(err, errlen, "%s", g.tr.error);
		fxc_trace_free(&g.tr);
		return -EINVAL;
	}
	while (sc->nsteps < nsteps && !ret) {
		int idle[FXC_MAX_THREADS], nidle = idle_threads(&g, idle);
		struct fxc_step *s = fxc_scenario_add_step(sc);
		int sig;

		if (!s) {
			ret = -ENOMEM;
			break;
		}
		sig = signal_target(&g);
		if (sig >= 0 && (nidle == 0 || chance(&g, 8))) {
			s->kind = FXC_STEP_SIGNAL;
			s->thread = sig;
			s->sa_restart = chance(&g, 50);
		} else if (nidle == 0) {
			sc->nsteps--;	/* everybody blocked, nobody to signal */
			break;
		} else {
			gen_call(&g, s, idle[pick(&g, (uint32_t)nidle)], nidle >= 2);
		}
		if ((ret = run_last(&g)))
			break;
		s = &sc->steps[sc->nsteps - 1];
		if (s->to.kind == FXC_TO_EXPIRE && g.tr.steps[sc->nsteps - 1].blocked) {
			struct fxc_step *e = fxc_scenario_add_step(sc);

			if (!e) {
				ret = -ENOMEM;
				break;
			}
			e->kind = FXC_STEP_EXPIRE;
			e->thread = sc->steps[sc->nsteps - 2].thread;
			ret = run_last(&g);
		}
	}
	if (ret)
		snprintf(err, errlen, "%s", g.tr.error[0] ? g.tr.error : strerror(-ret));
	fxc_model_close(g.m);
	fxc_trace_free(&g.tr);
	return ret;
}

/* ---- minimisation ---- */

/* A timed wait that blocked must be followed by its EXPIRE step at once. */
static bool expire_paired(const struct fxc_scenario *sc, const struct fxc_trace *tr)
{
	for (int i = 0; i < sc->nsteps && i < tr->nsteps; i++) {
		const struct fxc_step *s = &sc->steps[i];

		if (s->to.kind != FXC_TO_EXPIRE || !tr->steps[i].blocked)
			continue;
		if (i + 1 >= sc->nsteps || sc->steps[i + 1].kind != FXC_STEP_EXPIRE ||
		    sc->steps[i + 1].thread != s->thread)
			return false;
	}
	return true;
}

int fxc_diverges(const struct fxc_scenario *sc, fxc_runner_fn a, fxc_runner_fn b)
{
	struct fxc_trace ta = { 0 }, tb = { 0 };
	int ret = -EINVAL;

	if (a(sc, &ta) < 0 || ta.skip[0] || b(sc, &tb) < 0 || tb.skip[0])
		goto out;
	if (!expire_paired(sc, &ta) || !expire_paired(sc, &tb))
		goto out;
	ret = fxc_compare(sc, &ta, &tb, NULL) >= 0;
out:
	fxc_trace_free(&ta);
	fxc_trace_free(&tb);
	return ret;
}

/* @dst = @src without steps [from, from + n) */
static int without(struct fxc_scenario *dst, const struct fxc_scenario *src,
		   int from, int n)
{
	int ret = fxc_scenario_copy(dst, src);

	if (ret)
		return ret;
	memmove(&dst->steps[from], &dst->steps[from + n],
		sizeof(dst->steps[0]) * (size_t)(dst->nsteps - from - n));
	dst->nsteps -= n;
	return 0;
}

int fxc_minimise(const struct fxc_scenario *sc, fxc_runner_fn a,
		 fxc_runner_fn b, struct fxc_scenario *out, int *tries)
{
	struct fxc_scenario cur, cand;
	int chunk, ntries = 1, ret;

	fxc_scenario_init(out);
	ret = fxc_diverges(sc, a, b);
	if (ret != 1) {
		if (tries)
			*tries = ntries;
		return ret < 0 ? ret : -EINVAL;
	}
	if ((ret = fxc_scenario_copy(&cur, sc)))
		return ret;
	chunk = cur.nsteps / 2 > 0 ? cur.nsteps / 2 : 1;
	for (;;) {
		bool progress = false;

		for (int i = 0; i < cur.nsteps && cur.nsteps > 1;) {
			int n = chunk < cur.nsteps - i ? chunk : cur.nsteps - i;

			if ((ret = without(&cand, &cur, i, n))) {
				fxc_scenario_free(&cur);
				return ret;
			}
			ntries++;
			if (fxc_diverges(&cand, a, b) == 1) {
				fxc_scenario_free(&cur);
				cur = cand;
				progress = true;
			} else {
				fxc_scenario_free(&cand);
				i += n;
			}
		}
		if (!progress) {
			if (chunk == 1)
				break;
			chunk /= 2;
		} else if (chunk > cur.nsteps / 2 && chunk > 1) {
			chunk = cur.nsteps / 2 > 0 ? cur.nsteps / 2 : 1;
		}
	}
	if (tries)
		*tries = ntries;
	*out = cur;
	return 0;
}
