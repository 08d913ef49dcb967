/* SPDX-License-Identifier: MIT */
/*
 * causal.h - which traced wake released which traced wait.
 *
 * A trace records when each call entered and returned, not who woke
 * whom.  fx_causal_match() recovers it from the times and the addresses:
 * a wait that returned 0 was released by a wake of the same futex that
 * entered before the wait returned and returned after the wait entered;
 * among the candidates a wake releases, up to the count it returned,
 * those that returned soonest after it.  Requeues move waiters to their
 * second futex, where later wakes release them.  docs/trace-replay.md
 * ("Causality") gives the rules and what they cannot see.
 */
#ifndef FX_TRACE_CAUSAL_H
#define FX_TRACE_CAUSAL_H

#include <stddef.h>
#include <stdint.h>

#define FX_CAUSAL_NONE	UINT32_MAX

/* a wait that returned 0 */
struct fx_causal_wait {
	uint64_t t_in, t_out;		/* traced entry and return, ns */
	uint64_t space, uaddr;		/* the futex: (address space, address) */
};

enum fx_causal_kind {
	FX_CAUSAL_WAKE,		/* wakes waiters of uaddr */
	FX_CAUSAL_WAKE2,	/* wakes waiters of uaddr and uaddr2 (WAKE_OP) */
	FX_CAUSAL_REQUEUE,	/* wakes nr_wake of uaddr, moves the rest of
				   count to uaddr2 */
};

/* a wake that returned count > 0 */
struct fx_causal_wake {
	uint64_t t_in, t_out;
	uint64_t space, uaddr, uaddr2;
	enum fx_causal_kind kind;
	uint32_t nr_wake;		/* REQUEUE: the most it wakes */
	uint32_t count;			/* traced return: woken (+ requeued) */
};

struct fx_causal {
	uint32_t *waker;	/* [nwaits]: the wake that released each
				   wait, or FX_CAUSAL_NONE */
	uint32_t *first;	/* [nwakes]: its waits are deps[first...] */
	uint32_t *n;		/* [nwakes]: how many */
	uint32_t *deps;		/* wait indices, grouped by wake */
	size_t ndeps;
	uint64_t requeued;	/* waits a requeue moved */
};

/**
 * fx_causal_match - recover which wake released which wait
 * @w:  the waits that returned 0, any order
 * @nw: their number
 * @k:  the wakes that returned more than 0, any order
 * @nk: their number
 * @out: filled; free with fx_causal_free()
 *
 * Deterministic: ties are broken by index.
 * Return: 0, -ENOMEM or -E2BIG (more than 2^32 - 2 waits or wakes).
 */
int fx_causal_match(const struct fx_causal_wait *w, size_t nw,
		    const struct fx_causal_wake *k, size_t nk,
		    struct fx_causal *out);

void fx_causal_free(struct fx_causal *c);

#endif /* FX_TRACE_CAUSAL_H */
