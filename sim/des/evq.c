// SPDX-License-Identifier: MIT
/*
 * evq.c - the event queue: a binary min-heap of events ordered by
 * (time, insertion sequence).
 *
 * The sequence number breaks ties between events of the same picosecond
 * in the order they were scheduled, so a run never depends on how the
 * heap happens to arrange equal keys: the same inputs give the same
 * event order on every machine.  Events are small values (32 bytes) kept
 * in one array; a cancelled event is not removed but recognised as stale
 * by its generation when it is popped (des.c).
 */
#include <errno.h>
#include <stdlib.h>

#include "des_int.h"

static inline bool ev_before(const struct des_ev *a, const struct des_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

int des_evq_init(struct des_evq *q)
{
	q->cap = 256;
	q->n = 0;
	q->seq = 0;
	q->h = malloc(q->cap * sizeof(*q->h));
	return q->h ? 0 : -ENOMEM;
}

void des_evq_fini(struct des_evq *q)
{
	free(q->h);
	q->h = NULL;
	q->n = q->cap = 0;
}

int des_evq_push(struct des_evq *q, fx_ps t, struct des_thread *th,
		 uint32_t kind, uint32_t gen)
{
	struct des_ev ev = { t, q->seq++, th, kind, gen };
	size_t i;

	if (q->n == q->cap) {
		struct des_ev *h = realloc(q->h, 2 * q->cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		q->h = h;
		q->cap *= 2;
	}
	/* sift up: move parents down until @ev fits */
	for (i = q->n++; i; ) {
		size_t p = (i - 1) / 2;

		if (!ev_before(&ev, &q->h[p]))
			break;
		q->h[i] = q->h[p];
		i = p;
	}
	q->h[i] = ev;
	return 0;
}

bool des_evq_pop(struct des_evq *q, struct des_ev *ev)
{
	struct des_ev last;
	size_t i = 0, n;

	if (!q->n)
		return false;
	*ev = q->h[0];
	n = --q->n;
	if (!n)
		return true;
	last = q->h[n];
	/* sift down the former last element from the root */
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && ev_before(&q->h[c + 1], &q->h[c]))
			c++;
		if (!ev_before(&q->h[c], &last))
			break;
		q->h[i] = q->h[c];
		i = c;
	}
	q->h[i] = last;
	return true;
}
