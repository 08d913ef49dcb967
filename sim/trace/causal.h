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
	/*
	 * Queue order: a wait that was pending when a wake released others
	 * of its futex must queue after them, or the kernel's FIFO would
	 * wake it instead: wait i queues after qlist[qfirst[i] ..
	 * qfirst[i] + qn[i]).
	 */
	uint32_t *qfirst, *qn, *qlist;
	size_t nq;
};

/**
 * fx_causal_match - recover which wake released which wait
 * @w:  the waits that returned 0, any order
 * @nw: their number
 * @k:  the wakes that returned more than 0, any order
 * @nk: their number
 * @slack_ns: clock skew to allow: a wait counts as pending for a wake
 *       that entered up to @slack_ns after the wait's traced return
 *       (strace's times of different threads disagree by tens of us)
 * @out: filled; free with fx_causal_free()
 *
 * Deterministic: ties are broken by index.
 * Return: 0, -ENOMEM or -E2BIG (more than 2^32 - 2 waits or wakes).
 */
int fx_causal_match(const struct fx_causal_wait *w, size_t nw,
		    const struct fx_causal_wake *k, size_t nk,
		    uint64_t slack_ns, struct fx_causal *out);

void fx_causal_free(struct fx_causal *c);

/* a call on a futex for fx_causal_prior() */
struct fx_causal_ev {
	uint64_t t_in, t_out;		/* traced entry and return */
	uint64_t space, uaddr;		/* the futex */
	uint32_t actor;			/* the thread */
	uint32_t wake;			/* nonzero: a wake, 0: a wait */
};

struct fx_causal_prior {
	uint32_t *first, *n;	/* [nev]: a wait's prior wakes are
				   list[first .. first + n) */
	uint32_t *list;		/* event indices of wakes */
	size_t nlist;
};

/**
 * fx_causal_prior - the wakes each call must come after
 * @ev:  waits and wakes, any order
 * @nev: their number
 * @slack_ns: clock skew to allow: "before" means by more than @slack_ns
 * @out: filled; free with fx_causal_prior_free()
 *
 * For each call (wait or wake): of every other actor that woke the same
 * futex with a wake that returned strictly before the call entered, that
 * actor's last such wake (its earlier ones precede it in its own order),
 * in the order the actors first woke the futex.  A replay that returns
 * those wakes first keeps each futex's traced order of wakes before
 * later calls: no wake meets a waiter that queued after it in the trace,
 * and no wake overtakes an earlier one.
 * Return: 0, -ENOMEM or -E2BIG.
 */
int fx_causal_prior(const struct fx_causal_ev *ev, size_t nev,
		    uint64_t slack_ns, struct fx_causal_prior *out);

void fx_causal_prior_free(struct fx_causal_prior *p);

#endif /* FX_TRACE_CAUSAL_H */
