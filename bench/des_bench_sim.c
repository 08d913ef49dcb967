// SPDX-License-Identifier: MIT
/*
 * des_bench_sim.c - the engine's private side for bench/des_bench.cc
 * (see des_bench_sim.h): compiled as C with the simulator's flags, since
 * the engine's internal headers are not C++.
 *
 * fxb_evq_churn() is the event queue's steady state in the run loop of
 * sim/des/des.c: each event popped is replaced by one scheduled a little
 * later (a step's cost after the current time), so the heap keeps its
 * size and every push sifts up from the bottom.  It calls the engine's
 * own des_evq_pop()/des_evq_push() (sim/des/evq.c, another translation
 * unit: no inlining the benchmark could get and the engine cannot).
 */
#include <errno.h>
#include <stdlib.h>

#include "des_bench_sim.h"
#include "des/des_int.h"
#include "layouts/layout.h"

/* delays and initial times: uniform in [0, FXB_SPAN) ps, 2 us */
#define FXB_SPAN	(2000ull * FX_PS_PER_NS)

struct fxb_evq {
	struct des_evq q;
	uint64_t rng;		/* xorshift64* state, never 0 */
};

static inline uint64_t fxb_rand(struct fxb_evq *e)
{
	uint64_t x = e->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	e->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

struct fxb_evq *fxb_evq_new(size_t n, uint64_t seed)
{
	struct fxb_evq *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	if (des_evq_init(&e->q)) {
		free(e);
		return NULL;
	}
	e->rng = seed | 1;
	for (size_t i = 0; i < n; i++) {
		if (des_evq_push(&e->q, fxb_rand(e) % FXB_SPAN, NULL, EV_RUN,
				 0)) {
			fxb_evq_free(e);
			return NULL;
		}
	}
	return e;
}

void fxb_evq_free(struct fxb_evq *e)
{
	if (!e)
		return;
	des_evq_fini(&e->q);
	free(e);
}

uint64_t fxb_evq_churn(struct fxb_evq *e, size_t count)
{
	struct des_ev ev;
	uint64_t sum = 0;

	for (size_t i = 0; i < count; i++) {
		if (!des_evq_pop(&e->q, &ev))
			return 0;
		sum += ev.t;
		if (des_evq_push(&e->q, ev.t + 1 + fxb_rand(e) % FXB_SPAN,
				 ev.th, ev.kind, ev.gen))
			return 0;
	}
	return sum | 1;
}

size_t fxb_evq_len(const struct fxb_evq *e)
{
	return e->q.n;
}

int fxb_set_layout(struct fx_des_config *cfg, const char *name)
{
	const struct fx_layout_ops *l = fx_layout_find(name);

	if (!l)
		return -ENOENT;
	cfg->core.layout = l;
	return 0;
}

void fxb_sizes(struct fxb_sizes *s)
{
	s->des_thread = sizeof(struct des_thread);
	s->fx_task = sizeof(struct fx_task);
	s->des_ev = sizeof(struct des_ev);
	s->des_cpu = sizeof(struct des_cpu);
	s->fx_q = sizeof(struct fx_q);
	s->fx_hb = sizeof(struct fx_hb);
}
