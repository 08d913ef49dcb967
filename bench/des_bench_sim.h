/* SPDX-License-Identifier: MIT */
/*
 * des_bench_sim.h - what bench/des_bench.cc needs from the engine's
 * private side (sim/des/des_int.h, sim/layouts/layout.h), which is C only
 * (futex_int.h names a member "private"): the event queue on its own, the
 * layout registry, and the sizes of the per-thread structures.
 */
#ifndef FX_BENCH_DES_BENCH_SIM_H
#define FX_BENCH_DES_BENCH_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fx_des_config;
struct fxb_evq;

/**
 * fxb_evq_new - an engine event queue holding @n pending events
 * @n:    events pushed before the benchmark starts (>= 1)
 * @seed: seed of the queue's own generator (times of the events)
 *
 * The events are at uniform random times in [0, 2 us).
 *
 * Return: the queue, or NULL when out of memory.
 */
struct fxb_evq *fxb_evq_new(size_t n, uint64_t seed);
void fxb_evq_free(struct fxb_evq *q);

/**
 * fxb_evq_churn - the engine's steady state, @count times: pop the
 * earliest event and push one at its time plus a random delay in
 * [1 ps, 2 us), so the queue keeps its size
 * @q:     from fxb_evq_new()
 * @count: pop/push pairs
 *
 * Return: a checksum of the popped times (keeps the loop alive), or 0
 * when a push ran out of memory.
 */
uint64_t fxb_evq_churn(struct fxb_evq *q, size_t count);

/* fxb_evq_len - events pending in @q */
size_t fxb_evq_len(const struct fxb_evq *q);

/**
 * fxb_set_layout - set @cfg->core.layout to the registered layout @name
 * Return: 0, or -ENOENT for an unknown name.
 */
int fxb_set_layout(struct fx_des_config *cfg, const char *name);

/* Sizes of the engine's structures, for the memory benchmark's context. */
struct fxb_sizes {
	size_t des_thread;	/* struct des_thread: engine's per-thread */
	size_t fx_task;		/* struct fx_task: the core's per-task */
	size_t des_ev;		/* struct des_ev: one pending event */
	size_t des_cpu;		/* struct des_cpu: per simulated CPU */
	size_t fx_q;		/* struct fx_q: a waiter (inside fx_task) */
	size_t fx_hb;		/* struct fx_hb: one hash bucket */
};

void fxb_sizes(struct fxb_sizes *s);

#ifdef __cplusplus
}
#endif

#endif /* FX_BENCH_DES_BENCH_SIM_H */
