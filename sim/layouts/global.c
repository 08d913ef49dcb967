// SPDX-License-Identifier: MIT
/*
 * global.c - the single global futex hash table of Linux before 6.16.
 *
 * Size: roundup_pow_of_two(256 * possible CPUs) buckets (cfg.hash_slots
 * overrides it; it must be a power of two).  Bucket: hash & (size - 1).
 * Placement: the table is allocated by alloc_large_system_hash(), which on
 * NUMA machines interleaves its pages over the nodes (hashdist); with 64
 * cache-line buckets per 4 KiB page, bucket i lives on node (i / 64) %
 * nodes.  cfg.placement = FX_PLACE_NODE0 places the whole table on node
 * 0 instead (a boot with hashdist=0).  One cache line per bucket (lock,
 * waiter count and chain head share it) unless cfg.bucket_lines = 2; no
 * refcount; never resized.
 */
#include <stdlib.h>

#include "layout.h"
#include "hashers/hasher.h"

struct global_state {
	struct fx_hb *tab;
	unsigned size;
	bool node0;
};

#define BUCKETS_PER_PAGE (FX_PAGE_SIZE / 64)

static int global_init(struct fx_core *core, void **state)
{
	struct global_state *g = calloc(1, sizeof(*g));
	unsigned nnodes = core->cfg.nnodes;

	if (!g)
		return -ENOMEM;
	g->size = core->cfg.hash_slots ? core->cfg.hash_slots :
		  fx_roundup_pow2(256ul * core->cfg.ncpus);
	g->node0 = core->cfg.placement == FX_PLACE_NODE0;
	g->tab = fx_hb_array_new(g->size, 0, 0);
	if (!g->tab) {
		free(g);
		return -ENOMEM;
	}
	if (!g->node0)
		for (unsigned i = 0; i < g->size; i++)
			g->tab[i].node = (int)((i / BUCKETS_PER_PAGE) % nnodes);
	*state = g;
	return 0;
}

static void global_fini(struct fx_core *core, void *state)
{
	struct global_state *g = state;

	free(g->tab);
	free(g);
}

static struct fx_hb *global_bucket(struct fx_core *core, void *state,
				   const union fx_key *key, struct fx_mm *mm,
				   struct fx_hash_info *info)
{
	struct global_state *g = state;
	struct fx_hb *hb;

	fx_key_words_global(key, info);
	info->hash = fx_hash_words(core, info, &key->both.ptr);
	info->bucket = (unsigned)(info->hash & (g->size - 1));
	info->table = 0;
	info->table_size = g->size;
	hb = &g->tab[info->bucket];
	info->node = hb->node;
	return hb;
}

static void global_visit(struct fx_core *core, void *state, struct fx_mm *mm,
			 fx_hb_visit_fn fn, void *arg)
{
	struct global_state *g = state;

	if (mm)
		return;
	for (unsigned i = 0; i < g->size; i++)
		fn(&g->tab[i], arg);
}

static void global_describe(struct fx_core *core, void *state, FILE *out,
			    bool verbose)
{
	struct global_state *g = state;

	fprintf(out, "global: one table of %u buckets (roundup_pow_of_two(256 x %u CPUs))\n",
		g->size, core->cfg.ncpus);
	if (!verbose)
		return;
	fprintf(out, "  tables:     1, %u buckets, bucket = hash & %u\n",
		g->size, g->size - 1);
	fprintf(out, "  home node:  %s\n", g->node0 ? "node 0 (hashdist=0)" :
		"pages interleaved over nodes: bucket i on node (i/64) % nodes");
	fx_describe_bucket(core, out, "");
	fprintf(out, "  refcount:   none\n");
	fprintf(out, "  resize:     never (sized at boot)\n");
	fprintf(out, "  private hash (PR_FUTEX_HASH): absent (kernels before 6.16)\n");
}

const struct fx_layout_ops fx_layout_global = {
	.name = "global",
	.summary = "single global table before Linux 6.16",
	.init = global_init,
	.fini = global_fini,
	.bucket = global_bucket,
	.for_each_bucket = global_visit,
	.describe = global_describe,
};
