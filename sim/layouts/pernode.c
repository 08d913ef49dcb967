// SPDX-License-Identifier: MIT
/*
 * pernode.c - the per-node global tables of Linux 6.16+, without the
 * process-private hash (CONFIG_FUTEX_PRIVATE_HASH=n, or every process in
 * "global" mode).
 *
 * One table per possible node, roundup_pow_of_two(max(4, 256 * cpus /
 * nodes)) buckets each (cfg.hash_slots overrides), allocated node-local.
 * The node is the FUTEX2_NUMA word's node, or (hash >> hashshift) % nodes.
 * One cache line per bucket; no refcount; never resized.
 */
#include "layout.h"

static struct fx_hb *pernode_bucket(struct fx_core *core, void *state,
				    const union fx_key *key, struct fx_mm *mm,
				    struct fx_hash_info *info)
{
	return fx_nodetab_bucket(core, state, key, info);
}

static void pernode_visit(struct fx_core *core, void *state, struct fx_mm *mm,
			  fx_hb_visit_fn fn, void *arg)
{
	if (!mm)
		fx_nodetab_visit(state, fn, arg);
}

static void pernode_describe(struct fx_core *core, void *state, FILE *out,
			     bool verbose)
{
	struct fx_nodetab *nt = state;

	fprintf(out, "pernode: %u tables of %u buckets, one per node (6.16+)\n",
		nt->nnodes, nt->size);
	if (!verbose)
		return;
	fprintf(out, "  tables:     %u x %u buckets (roundup_pow_of_two(max(4, 256 x %u CPUs / %u nodes)))\n",
		nt->nnodes, nt->size, core->cfg.ncpus, nt->nnodes);
	fprintf(out, "  home node:  table n lives on node n\n");
	fprintf(out, "  node pick:  FUTEX2_NUMA node word, else (hash >> %u) %% %u\n",
		nt->shift, nt->nnodes);
	fprintf(out, "  index:      hash & %u\n", nt->size - 1);
	fx_describe_bucket(core, out, "");
	fprintf(out, "  refcount:   none\n");
	fprintf(out, "  resize:     never (sized at boot)\n");
}

const struct fx_layout_ops fx_layout_pernode = {
	.name = "pernode",
	.summary = "per-node global tables of Linux 6.16+, no private hash",
	.init = fx_nodetab_layout_init,
	.fini = fx_nodetab_layout_fini,
	.bucket = pernode_bucket,
	.for_each_bucket = pernode_visit,
	.describe = pernode_describe,
};
