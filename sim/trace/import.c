// SPDX-License-Identifier: MIT
/*
 * import.c - helpers shared by the trace importers (import.h): the
 * reorder queue, errno names and the line reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/import.h"

/* ---- reorder queue ---- */

struct trq_slot {
	struct fx_trace_rec rec;
	uint64_t seq;
	bool pending;
};

struct fx_trq {
	size_t window;
	fx_trq_emit_fn emit;
	void *ctx;
	struct trq_slot *slot;
	uint32_t *free;		/* free slot indexes */
	uint32_t *heap;		/* slot indexes, min (t_ns, seq) first */
	size_t cap, nfree, nheap;
	uint64_t seq, evicted;
	uint64_t lag_ns;	/* fx_trq_set_lag() */
	uint64_t max_t;		/* the latest t_ns added */
};

struct fx_trq *fx_trq_new(size_t window, fx_trq_emit_fn emit, void *ctx)
{
	struct fx_trq *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->window = window ? window : FX_TR_WINDOW;
	q->emit = emit;
	q->ctx = ctx;
	return q;
}

static bool trq_less(const struct fx_trq *q, uint32_t a, uint32_t b)
{
	const struct trq_slot *x = &q->slot[a], *y = &q->slot[b];

	if (x->rec.t_ns != y->rec.t_ns)
		return x->rec.t_ns < y->rec.t_ns;
	return x->seq < y->seq;
}

static void trq_up(struct fx_trq *q, size_t i)
{
	while (i) {
		size_t up = (i - 1) / 2;
		uint32_t t;

		if (!trq_less(q, q->heap[i], q->heap[up]))
			break;
		t = q->heap[i];
		q->heap[i] = q->heap[up];
		q->heap[up] = t;
		i = up;
	}
}

static void trq_down(struct fx_trq *q, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint32_t t;

		if (l < q->nheap && trq_less(q, q->heap[l], q->heap[m]))
			m = l;
		if (l + 1 < q->nheap && trq_less(q, q->heap[l + 1], q->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = q->heap[i];
		q->heap[i] = q->heap[m];
		q->heap[m] = t;
		i = m;
	}
}

static int trq_pop(struct fx_trq *q)
{
	uint32_t s = q->heap[0];

	q->heap[0] = q->heap[--q->nheap];
	trq_down(q, 0);
	q->free[q->nfree++] = s;
	if (q->slot[s].pending)
		q->evicted++;
	q->slot[s].pending = false;
	return q->emit(q->ctx, &q->slot[s].rec);
}

void fx_trq_set_lag(struct fx_trq *q, uint64_t lag_ns)
{
	q->lag_ns = lag_ns;
}

/* done and at least lag_ns older than the latest record seen */
static bool trq_ripe(const struct fx_trq *q, uint32_t s)
{
	return !q->slot[s].pending &&
	       q->slot[s].rec.t_ns + q->lag_ns <= q->max_t;
}

/* out what may leave: ripe records at the front, or beyond the window */
static int trq_drain(struct fx_trq *q)
{
	int rc;

	while (q->nheap && (trq_ripe(q, q->heap[0]) ||
			    q->nheap > q->window)) {
		rc = trq_pop(q);
		if (rc)
			return rc;
	}
	return 0;
}

static int trq_grow(struct fx_trq *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024, i;
	struct trq_slot *s;
	uint32_t *f, *h;

	if (cap > UINT32_MAX)
		return -ENOMEM;
	s = realloc(q->slot, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	q->slot = s;
	f = realloc(q->free, cap * sizeof(*f));
	if (!f)
		return -ENOMEM;
	q->free = f;
	h = realloc(q->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	q->heap = h;
	for (i = cap; i > q->cap; i--)
		q->free[q->nfree++] = (uint32_t)(i - 1);
	q->cap = cap;
	return 0;
}

int fx_trq_add(struct fx_trq *q, const struct fx_trace_rec *r, int n,
	       bool pending, uint64_t *id)
{
	int i, rc;

	for (i = 0; i < n; i++) {
		uint32_t s;

		if (!q->nfree && (rc = trq_grow(q)))
			return rc;
		s = q->free[--q->nfree];
		q->slot[s].rec = r[i];
		if (r[i].t_ns > q->max_t)
			q->max_t = r[i].t_ns;
		q->slot[s].seq = q->seq++;
		q->slot[s].pending = pending && i == 0;
		if (i == 0 && id)
			*id = (q->slot[s].seq << 32) | s;
		q->heap[q->nheap++] = s;
		trq_up(q, q->nheap - 1);
	}
	return trq_drain(q);
}

struct fx_trace_rec *fx_trq_get(struct fx_trq *q, uint64_t id)
{
	uint32_t s = (uint32_t)id;

	if (s >= q->cap || !q->slot[s].pending ||
	    (q->slot[s].seq & 0xffffffffu) != id >> 32)
		return NULL;
	return &q->slot[s].rec;
}

int fx_trq_done(struct fx_trq *q, uint64_t id)
{
	if (!fx_trq_get(q, id))
		return 0;
	q->slot[(uint32_t)id].pending = false;
	return trq_drain(q);
}

int fx_trq_flush(struct fx_trq *q)
{
	int rc;

	while (q->nheap) {
		q->slot[q->heap[0]].pending = false;	/* not evicted: ended */
		rc = trq_pop(q);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t fx_trq_evicted(const struct fx_trq *q)
{
	return q->evicted;
}

void fx_trq_free(struct fx_trq *q)
{
	if (!q)
		return;
	free(q->slot);
	free(q->free);
	free(q->heap);
	free(q);
}

/* ---- errno names ---- */

int fx_tr_errno(const char *s, size_t n)
{
	static const struct { const char *name; int no; } kernel[] = {
		{ "ERESTARTSYS", 512 }, { "ERESTARTNOINTR", 513 },
		{ "ERESTARTNOHAND", 514 }, { "ENOIOCTLCMD", 515 },
		{ "ERESTART_RESTARTBLOCK", 516 },
	};
	size_t i;
	int e;

	for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		if (strlen(kernel[i].name) == n &&
		    !memcmp(kernel[i].name, s, n))
			return kernel[i].no;
	for (e = 1; e < 512; e++) {
		const char *name = strerrorname_np(e);

		if (name && strlen(name) == n && !memcmp(name, s, n))
			return e;
	}
	return 0;
}

/* ---- line reader ---- */

int fx_tr_run_lines(FILE *in, const char *name, bool skip_bad,
		    fx_tr_feed_fn feed, void *p, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	ssize_t n;
	int rc = 0;

	errno = 0;
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (n > (64 << 20)) {
			snprintf(err, errlen, "%s:%llu: line longer than 64 MiB",
				 name, (unsigned long long)lineno);
			rc = -EINVAL;
		} else {
			rc = feed(p, line, (size_t)n, err, errlen);
		}
		if (rc == -EINVAL && skip_bad)
			rc = 0;
		if (rc)
			break;
		errno = 0;
	}
	if (!rc && ferror(in)) {
		snprintf(err, errlen, "%s: read error: %s", name,
			 strerror(errno ? errno : EIO));
		rc = -EIO;
	}
	free(line);
	return rc;
}

