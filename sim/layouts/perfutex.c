// SPDX-License-Identifier: MIT
/*
 * perfutex.c - the teaching-OS design: a hash map from futex key to one
 * wait queue per futex, so a queue never holds a waiter of another futex.
 *
 * bucket(key) looks the key up in a chained hash map and returns the
 * futex's own struct fx_hb, creating it on first use.  The map is indexed
 * by the configured hasher's value (over the kernel's global key words,
 * fx_key_words_global: ptr lo/hi, word lo/hi, initval = offset) masked to
 * the map size; keys whose values collide in the map sit on one map chain
 * and are told apart by comparing the keys the way fx_key_match() does
 * (ptr, word, offset; the NUMA node is ignored), so the hasher only costs
 * lookup time: it can never make two futexes share a wait queue.
 *
 * A queue is never freed while the core lives: a waiter's lock_ptr points
 * at it, and the kernel-side code may look it up again at any time.  So
 * memory grows with the number of distinct futexes ever used (one map
 * entry each, ~100 bytes); a real teaching OS would free a queue once
 * empty, which the model does not need to and does not do.  The map itself
 * doubles when it holds more entries than slots; queues do not move when
 * it does, so no waiter is ever rehashed.
 *
 * Queues are numbered in creation order (info->bucket, hb->index);
 * info->table_size is the number created so far.  Home node: the node of
 * the first CPU that used the futex; the core does not tell a layout the
 * CPU, so the model homes every queue on node 0.  One cache line per
 * queue; no refcount.
 *
 * Memory exhaustion: if a queue cannot be allocated, the layout stops
 * creating queues for good and sends every key it does not know yet to
 * one shared spill queue.  Known keys keep their queues, so a key still
 * always maps to the same queue, and correctness holds because every
 * operation filters by key; describe() reports the spill.
 */
#include <stdlib.h>

#include "layout.h"
#include "hashers/hasher.h"

#define PERFUTEX_MIN_SLOTS 64u

struct pf_entry {
	struct pf_entry *next;		/* map chain */
	uint64_t hash;			/* the hasher's value */
	union fx_key key;
	struct fx_hb hb;		/* the futex's own queue */
};

struct perfutex_state {
	struct pf_entry **slots;	/* map: hash & (nslots - 1) */
	unsigned nslots;		/* power of two */
	struct pf_entry **all;		/* every entry, in creation order */
	unsigned n, cap;
	bool spilling;			/* allocation failed: new keys spill */
	struct fx_hb spill;		/* shared by keys that found no memory */
};

static int perfutex_init(struct fx_core *core, void **state)
{
	struct perfutex_state *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->nslots = PERFUTEX_MIN_SLOTS;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	if (!p->slots) {
		free(p);
		return -ENOMEM;
	}
	plist_head_init(&p->spill.chain);
	p->spill.table = -1;
	*state = p;
	return 0;
}

static void perfutex_fini(struct fx_core *core, void *state)
{
	struct perfutex_state *p = state;

	for (unsigned i = 0; i < p->n; i++)
		free(p->all[i]);
	free(p->all);
	free(p->slots);
	free(p);
}

/* Double the map when it holds more entries than slots; on failure keep
 * the old map (longer map chains, same queues). */
static void perfutex_grow_map(struct perfutex_state *p)
{
	unsigned nslots = p->nslots * 2;
	struct pf_entry **slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return;
	/* Relink in creation order so map chains are deterministic. */
	for (unsigned i = 0; i < p->n; i++) {
		struct pf_entry *e = p->all[i];
		unsigned s = (unsigned)(e->hash & (nslots - 1));

		e->next = slots[s];
		slots[s] = e;
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = nslots;
}

static struct pf_entry *perfutex_create(struct perfutex_state *p,
					const union fx_key *key,
					uint64_t hash)
{
	struct pf_entry *e;
	unsigned s;

	if (p->n == p->cap) {
		unsigned cap = p->cap ? p->cap * 2 : 64;
		struct pf_entry **all = realloc(p->all, cap * sizeof(*all));

		if (!all)
			return NULL;
		p->all = all;
		p->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = *key;
	e->hash = hash;
	plist_head_init(&e->hb.chain);
	e->hb.node = 0;
	e->hb.table = 0;
	e->hb.index = p->n;
	p->all[p->n++] = e;
	s = (unsigned)(hash & (p->nslots - 1));
	e->next = p->slots[s];
	p->slots[s] = e;
	if (p->n > p->nslots)
		perfutex_grow_map(p);
	return e;
}

static struct fx_hb *perfutex_bucket(struct fx_core *core, void *state,
				     const union fx_key *key, struct fx_mm *mm,
				     struct fx_hash_info *info)
{
	struct perfutex_state *p = state;
	struct pf_entry *e;

	fx_key_words_global(key, info);
	info->hash = fx_hash_words(core, info, &key->both.ptr);
	info->node = 0;
	for (e = p->slots[info->hash & (p->nslots - 1)]; e; e = e->next)
		if (e->hash == info->hash && fx_key_match(&e->key, key))
			break;
	if (!e && !p->spilling) {
		e = perfutex_create(p, key, info->hash);
		if (!e)
			p->spilling = true;
	}
	info->table_size = p->n;
	if (!e) {
		info->table = -1;
		info->bucket = 0;
		return &p->spill;
	}
	info->table = 0;
	info->bucket = e->hb.index;
	return &e->hb;
}

static void perfutex_visit(struct fx_core *core, void *state,
			   struct fx_mm *mm, fx_hb_visit_fn fn, void *arg)
{
	struct perfutex_state *p = state;

	if (mm)
		return;
	/* @fn may call bucket() (the checker does): index, don't cache. */
	for (unsigned i = 0; i < p->n; i++)
		fn(&p->all[i]->hb, arg);
	if (p->spilling)
		fn(&p->spill, arg);
}

static void perfutex_describe(struct fx_core *core, void *state, FILE *out,
			      bool verbose)
{
	struct perfutex_state *p = state;

	fprintf(out, "perfutex: one queue per distinct futex, found through a hash map (teaching OS)\n");
	if (!verbose)
		return;
	fprintf(out, "  tables:     one queue per distinct futex (%u so far), no queue shared by two futexes\n",
		p->n);
	fprintf(out, "  map:        chained, %u slots, indexed by hash & %u; map collisions resolved\n"
		     "              by comparing keys (ptr, word, offset), so chains never mix futexes\n",
		p->nslots, p->nslots - 1);
	fprintf(out, "  home node:  the node of the first CPU that used the futex (node 0 in the model)\n");
	fx_describe_bucket(core, out, "");
	fprintf(out, "  refcount:   none\n");
	fprintf(out, "  resize:     grows on demand, a queue per new futex; queues never freed or moved\n"
		     "              (memory grows with distinct futexes)\n");
	if (p->spilling)
		fprintf(out, "  spill:      out of memory: new futexes share one spill queue\n");
}

const struct fx_layout_ops fx_layout_perfutex = {
	.name = "perfutex",
	.summary = "teaching OS: hash map from futex to its own queue, no sharing",
	.init = perfutex_init,
	.fini = perfutex_fini,
	.bucket = perfutex_bucket,
	.for_each_bucket = perfutex_visit,
	.describe = perfutex_describe,
};
