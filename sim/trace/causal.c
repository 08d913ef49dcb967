// SPDX-License-Identifier: MIT
/*
 * causal.c - recovering which traced wake released which traced wait
 * (causal.h).
 *
 * Waits are grouped by futex, (space, uaddr), and sorted by entry.  The
 * wakes are then visited in entry order; for each, the futex's waits that
 * entered before the wake returned are admitted to the futex's pending
 * list, and pending waits that returned before the wake entered are
 * dropped (something else released them, or nothing the trace shows).
 * Of the pending waits the wake releases, up to its traced count, those
 * that returned soonest.  A requeue then moves, from the pending waits
 * left, the earliest queued up to the rest of its count to the second
 * futex, keeping their traced return, so a later wake of that futex can
 * release them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "causal.h"
#include "lib/kmap.h"

struct ckey {
	size_t start, end, cursor;	/* its waits in the sorted order */
	uint32_t *act;			/* pending (admitted, unreleased) */
	size_t nact, cap;
};

struct cm {
	const struct fx_causal_wait *w;
	const struct fx_causal_wake *k;
	struct fx_kmap map;		/* (space, uaddr) -> key index */
	struct ckey *keys;
	size_t nkeys, kcap;
	uint32_t *order;		/* wait indices by (key, t_in, idx) */
	uint32_t *wkey;			/* [nw] key of each wait */
	struct fx_causal *out;
	size_t dcap;
	uint64_t slack;
	uint32_t (*edge)[2];		/* (later, earlier) queue order */
	size_t nedge, ecap;
};

/*
 * The comparators take their arrays through qsort_r()'s argument: waits
 * and their keys from the match (struct cm), the wakes array, or the
 * sweep's points (struct pts).
 */
#define CMP_IDX(a, b)	((a) < (b) ? -1 : (a) > (b))
#define CMP_U64(x, y)	do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/* by futex, then entry time, then index */
static int cmp_wait(const void *pa, const void *pb, void *arg)
{
	const struct cm *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	CMP_U64(c->wkey[a], c->wkey[b]);
	CMP_U64(c->w[a].t_in, c->w[b].t_in);
	return CMP_IDX(a, b);
}

/* by return time, then index: the order a wake releases in */
static int cmp_out(const void *pa, const void *pb, void *arg)
{
	const struct cm *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	CMP_U64(c->w[a].t_out, c->w[b].t_out);
	return CMP_IDX(a, b);
}

/* by entry time, then index: the order waiters queued in */
static int cmp_in(const void *pa, const void *pb, void *arg)
{
	const struct cm *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	CMP_U64(c->w[a].t_in, c->w[b].t_in);
	return CMP_IDX(a, b);
}

/* wakes by entry time, then index */
static int cmp_wake(const void *pa, const void *pb, void *arg)
{
	const struct fx_causal_wake *k = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	CMP_U64(k[a].t_in, k[b].t_in);
	return CMP_IDX(a, b);
}

/* key_get - the index of futex (@space, @uaddr); made when @make */
static int key_get(struct cm *c, uint64_t space, uint64_t uaddr, bool make,
		   uint32_t *idx)
{
	uint32_t i = fx_kmap_get(&c->map, space, uaddr, 0);

	if (i != FX_KMAP_NONE || !make) {
		*idx = i;
		return 0;
	}
	if (c->nkeys == c->kcap) {
		size_t nc = c->kcap ? 2 * c->kcap : 64;
		struct ckey *p = realloc(c->keys, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->keys = p;
		c->kcap = nc;
	}
	if (fx_kmap_put(&c->map, space, uaddr, 0, (uint32_t)c->nkeys))
		return -ENOMEM;
	memset(&c->keys[c->nkeys], 0, sizeof(c->keys[0]));
	*idx = (uint32_t)c->nkeys++;
	return 0;
}

static int act_push(struct ckey *k, uint32_t wi)
{
	if (k->nact == k->cap) {
		size_t nc = k->cap ? 2 * k->cap : 8;
		uint32_t *p = realloc(k->act, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		k->act = p;
		k->cap = nc;
	}
	k->act[k->nact++] = wi;
	return 0;
}

/* admit the waits of @k that entered by @until; drop those that
 * returned before @from */
static int key_update(struct cm *c, struct ckey *k, uint64_t until,
		      uint64_t from)
{
	size_t j = 0;

	while (k->cursor < k->end && c->w[c->order[k->cursor]].t_in <= until)
		if (act_push(k, c->order[k->cursor++]))
			return -ENOMEM;
	for (size_t i = 0; i < k->nact; i++)
		if (c->w[k->act[i]].t_out + c->slack >= from)
			k->act[j++] = k->act[i];
	k->nact = j;
	return 0;
}

static int dep_push(struct cm *c, uint32_t wi, uint32_t wake)
{
	struct fx_causal *o = c->out;

	if (o->ndeps == c->dcap) {
		size_t nc = c->dcap ? 2 * c->dcap : 256;
		uint32_t *p = realloc(o->deps, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		o->deps = p;
		c->dcap = nc;
	}
	o->deps[o->ndeps++] = wi;
	o->waker[wi] = wake;
	o->n[wake]++;
	return 0;
}

static int edge_push(struct cm *c, uint32_t later, uint32_t earlier)
{
	if (c->nedge == c->ecap) {
		size_t nc = c->ecap ? 2 * c->ecap : 256;
		uint32_t (*p)[2] = realloc(c->edge, nc * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->edge = p;
		c->ecap = nc;
	}
	c->edge[c->nedge][0] = later;
	c->edge[c->nedge][1] = earlier;
	c->nedge++;
	return 0;
}

/* the waits still pending on @k queue after those wake @wake released */
static int order_after(struct cm *c, const struct ckey *k, uint32_t wake)
{
	const struct fx_causal *o = c->out;

	for (size_t i = 0; k && i < k->nact; i++)
		for (uint32_t j = 0; j < o->n[wake]; j++)
			if (edge_push(c, k->act[i], o->deps[o->first[wake] + j]))
				return -ENOMEM;
	return 0;
}

/* release, from the pending waits of @a (and @b), up to @m by return */
static int release(struct cm *c, struct ckey *a, struct ckey *b, uint32_t m,
		   uint32_t wake)
{
	size_t na = a->nact, nb = b ? b->nact : 0, n = na + nb, j;
	uint32_t *cand;

	if (!n || !m)
		return 0;
	cand = malloc(n * sizeof(*cand));
	if (!cand)
		return -ENOMEM;
	memcpy(cand, a->act, na * sizeof(*cand));
	if (nb)
		memcpy(cand + na, b->act, nb * sizeof(*cand));
	qsort_r(cand, n, sizeof(*cand), cmp_out, c);
	for (size_t i = 0; i < n && i < m; i++)
		if (dep_push(c, cand[i], wake)) {
			free(cand);
			return -ENOMEM;
		}
	free(cand);
	/* drop the released ones from the pending lists */
	for (int pass = 0; pass < 2; pass++) {
		struct ckey *k = pass ? b : a;

		if (!k)
			continue;
		j = 0;
		for (size_t i = 0; i < k->nact; i++)
			if (c->out->waker[k->act[i]] == FX_CAUSAL_NONE)
				k->act[j++] = k->act[i];
		k->nact = j;
	}
	return 0;
}

/* move up to @m of @from's pending waits, earliest queued first, to @to */
static int requeue(struct cm *c, struct ckey *from, struct ckey *to,
		   uint32_t m)
{
	size_t moved;

	if (!from->nact || !m || from == to)
		return 0;
	qsort_r(from->act, from->nact, sizeof(uint32_t), cmp_in, c);
	moved = from->nact < m ? from->nact : m;
	for (size_t i = 0; i < moved; i++)
		if (act_push(to, from->act[i]))
			return -ENOMEM;
	memmove(from->act, from->act + moved,
		(from->nact - moved) * sizeof(uint32_t));
	from->nact -= moved;
	c->out->requeued += moved;
	return 0;
}

static int one_wake(struct cm *c, uint32_t ki)
{
	const struct fx_causal_wake *k = &c->k[ki];
	uint32_t a, b = FX_KMAP_NONE;
	struct ckey *ka, *kb = NULL;
	bool two = k->kind != FX_CAUSAL_WAKE;
	uint32_t m = k->count;
	int rc;

	c->out->first[ki] = (uint32_t)c->out->ndeps;
	if ((rc = key_get(c, k->space, k->uaddr, false, &a)))
		return rc;
	if (two && (rc = key_get(c, k->space, k->uaddr2,
				 k->kind == FX_CAUSAL_REQUEUE, &b)))
		return rc;
	/* key_get may have moved c->keys: take pointers only now */
	ka = a == FX_KMAP_NONE ? NULL : &c->keys[a];
	kb = b == FX_KMAP_NONE ? NULL : &c->keys[b];
	if (ka && (rc = key_update(c, ka, k->t_out, k->t_in)))
		return rc;
	if (kb && kb != ka && (rc = key_update(c, kb, k->t_out, k->t_in)))
		return rc;
	switch (k->kind) {
	case FX_CAUSAL_WAKE:
		if (!ka)
			return 0;
		rc = release(c, ka, NULL, m, ki);
		return rc ? rc : order_after(c, ka, ki);
	case FX_CAUSAL_WAKE2:
		if (!ka && !kb)
			return 0;
		if (!ka || ka == kb) {
			ka = kb ? kb : ka;
			rc = release(c, ka, NULL, m, ki);
			return rc ? rc : order_after(c, ka, ki);
		}
		rc = release(c, ka, kb, m, ki);
		if (!rc)
			rc = order_after(c, ka, ki);
		return rc ? rc : order_after(c, kb, ki);
	case FX_CAUSAL_REQUEUE:
		if (!ka)
			return 0;
		if (m > k->nr_wake)
			m = k->nr_wake;
		if ((rc = release(c, ka, NULL, m, ki)) ||
		    (rc = order_after(c, ka, ki)))
			return rc;
		return requeue(c, ka, kb, k->count - c->out->n[ki]);
	}
	return 0;
}

/* the queue-order edges, grouped by the later wait (CSR) */
static int edges_out(struct cm *c, size_t nw)
{
	struct fx_causal *o = c->out;
	uint32_t *pos;

	o->qfirst = calloc(nw + 1, sizeof(uint32_t));
	o->qn = calloc(nw ? nw : 1, sizeof(uint32_t));
	o->qlist = malloc((c->nedge ? c->nedge : 1) * sizeof(uint32_t));
	pos = calloc(nw + 1, sizeof(uint32_t));
	if (!o->qfirst || !o->qn || !o->qlist || !pos) {
		free(pos);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nedge; i++)
		o->qn[c->edge[i][0]]++;
	for (size_t i = 0; i < nw; i++)
		o->qfirst[i + 1] = o->qfirst[i] + o->qn[i];
	for (size_t i = 0; i < c->nedge; i++) {
		uint32_t v = c->edge[i][0];

		o->qlist[o->qfirst[v] + pos[v]++] = c->edge[i][1];
	}
	o->nq = c->nedge;
	free(pos);
	return 0;
}

int fx_causal_match(const struct fx_causal_wait *w, size_t nw,
		    const struct fx_causal_wake *k, size_t nk,
		    uint64_t slack_ns, struct fx_causal *out)
{
	struct cm c = { .w = w, .k = k, .map = FX_KMAP_INIT, .out = out,
			.slack = slack_ns };
	uint32_t *worder = NULL;
	int rc = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (nw >= FX_CAUSAL_NONE || nk >= FX_CAUSAL_NONE)
		return -E2BIG;
	out->waker = malloc((nw ? nw : 1) * sizeof(uint32_t));
	out->first = calloc(nk ? nk : 1, sizeof(uint32_t));
	out->n = calloc(nk ? nk : 1, sizeof(uint32_t));
	c.order = malloc((nw ? nw : 1) * sizeof(uint32_t));
	c.wkey = malloc((nw ? nw : 1) * sizeof(uint32_t));
	worder = malloc((nk ? nk : 1) * sizeof(uint32_t));
	if (!out->waker || !out->first || !out->n || !c.order || !c.wkey ||
	    !worder)
		goto out;
	for (size_t i = 0; i < nw; i++) {
		out->waker[i] = FX_CAUSAL_NONE;
		c.order[i] = (uint32_t)i;
		if (key_get(&c, w[i].space, w[i].uaddr, true, &c.wkey[i]))
			goto out;
	}
	qsort_r(c.order, nw, sizeof(uint32_t), cmp_wait, &c);
	for (size_t i = 0; i < nw; ) {
		struct ckey *ck = &c.keys[c.wkey[c.order[i]]];
		size_t j = i;

		while (j < nw && c.wkey[c.order[j]] == c.wkey[c.order[i]])
			j++;
		ck->start = ck->cursor = i;
		ck->end = j;
		i = j;
	}
	for (size_t i = 0; i < nk; i++)
		worder[i] = (uint32_t)i;
	qsort_r(worder, nk, sizeof(uint32_t), cmp_wake, (void *)k);
	for (size_t i = 0; i < nk; i++)
		if ((rc = one_wake(&c, worder[i])))
			goto out;
	rc = edges_out(&c, nw);
out:
	free(c.edge);
	for (size_t i = 0; i < c.nkeys; i++)
		free(c.keys[i].act);
	free(c.keys);
	fx_kmap_free(&c.map);
	free(c.order);
	free(c.wkey);
	free(worder);
	if (rc)
		fx_causal_free(out);
	return rc;
}

void fx_causal_free(struct fx_causal *c)
{
	free(c->waker);
	free(c->first);
	free(c->n);
	free(c->deps);
	free(c->qfirst);
	free(c->qn);
	free(c->qlist);
	memset(c, 0, sizeof(*c));
}

/* ---- the wakes a call must come after ---- */

/*
 * The sweep visits two points per wake (its entry, its return) and one
 * per wait (its entry): point = event index * 2 + (1 for a return).
 */
struct pts {
	const struct fx_causal_ev *ev;
	const uint32_t *key;		/* [event] futex index */
	uint64_t slack;
};

/* a return counts @slack later: "before" must be by more than that */
static uint64_t pt_time(const struct pts *x, uint32_t p)
{
	const struct fx_causal_ev *e = &x->ev[p >> 1];

	return (p & 1) ? e->t_out + x->slack : e->t_in;
}

/* by futex, time, entries before returns at one time (a tie is no proof
 * of order), then index */
static int cmp_pt(const void *pa, const void *pb, void *arg)
{
	const struct pts *x = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	CMP_U64(x->key[a >> 1], x->key[b >> 1]);
	CMP_U64(pt_time(x, a), pt_time(x, b));
	CMP_U64(a & 1, b & 1);
	return CMP_IDX(a, b);
}

int fx_causal_prior(const struct fx_causal_ev *ev, size_t nev,
		    uint64_t slack_ns, struct fx_causal_prior *out)
{
	struct fx_kmap map = FX_KMAP_INIT;
	uint32_t *pts = NULL, *key = NULL, *last = NULL;
	size_t cap = 0, nlast = 0, nkeys = 0, npts = 0;
	int rc = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (nev >= FX_CAUSAL_NONE / 2)
		return -E2BIG;
	out->first = calloc(nev ? nev : 1, sizeof(uint32_t));
	out->n = calloc(nev ? nev : 1, sizeof(uint32_t));
	pts = malloc((nev ? 2 * nev : 1) * sizeof(uint32_t));
	key = malloc((nev ? nev : 1) * sizeof(uint32_t));
	last = malloc((nev ? nev : 1) * sizeof(uint32_t));
	if (!out->first || !out->n || !pts || !key || !last)
		goto out;
	for (size_t i = 0; i < nev; i++) {
		uint32_t k = fx_kmap_get(&map, ev[i].space, ev[i].uaddr, 0);

		if (k == FX_KMAP_NONE) {
			k = (uint32_t)nkeys++;
			if (fx_kmap_put(&map, ev[i].space, ev[i].uaddr, 0, k))
				goto out;
		}
		key[i] = k;
		pts[npts++] = (uint32_t)(2 * i);
		if (ev[i].wake)
			pts[npts++] = (uint32_t)(2 * i + 1);
	}
	qsort_r(pts, npts, sizeof(uint32_t), cmp_pt,
		&(struct pts){ ev, key, slack_ns });
	/* last[]: per futex, the latest returned wake of each actor */
	for (size_t i = 0; i < npts; i++) {
		uint32_t e = pts[i] >> 1;
		size_t j;

		if (i && key[pts[i - 1] >> 1] != key[e])
			nlast = 0;
		if (pts[i] & 1) {
			j = 0;
			while (j < nlast && ev[last[j]].actor != ev[e].actor)
				j++;
			last[j] = e;
			if (j == nlast)
				nlast++;
			continue;
		}
		out->first[e] = (uint32_t)out->nlist;
		for (j = 0; j < nlast; j++) {
			if (ev[last[j]].actor == ev[e].actor)
				continue;
			if (out->nlist == cap) {
				size_t nc = cap ? 2 * cap : 256;
				uint32_t *p = realloc(out->list,
						      nc * sizeof(*p));

				if (!p)
					goto out;
				out->list = p;
				cap = nc;
			}
			out->list[out->nlist++] = last[j];
			out->n[e]++;
		}
	}
	rc = 0;
out:
	fx_kmap_free(&map);
	free(pts);
	free(key);
	free(last);
	if (rc)
		fx_causal_prior_free(out);
	return rc;
}

void fx_causal_prior_free(struct fx_causal_prior *p)
{
	free(p->first);
	free(p->n);
	free(p->list);
	memset(p, 0, sizeof(*p));
}
