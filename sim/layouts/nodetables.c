// SPDX-License-Identifier: MIT
/*
 * nodetables.c - per-node bucket tables and the kernel's global hash
 * arithmetic, shared by the layouts that model kernel tables.
 *
 * Kernel facts (docs/kernel-facts.md §2.2): one table per possible node of
 * roundup_pow_of_two(max(4, 256 * cpus / nodes)) buckets; the hash is
 * jhash2 over the first four key words with initval = key offset; the node
 * is key.node, or (hash >> futex_hashshift) % nr_node_ids when the key has
 * none.
 */
#include <stddef.h>
#include <stdlib.h>

#include "layout.h"
#include "hashers/hasher.h"

unsigned fx_roundup_pow2(unsigned long v)
{
	unsigned long p = 1;

	while (p < v)
		p <<= 1;
	return (unsigned)p;
}

unsigned fx_ilog2(unsigned long v)
{
	unsigned r = 0;

	while (v >>= 1)
		r++;
	return r;
}

unsigned fx_kernel_hashsize(unsigned ncpus, unsigned nnodes)
{
	unsigned long size = 256ul * ncpus / (nnodes ? nnodes : 1);

	if (size < 4)
		size = 4;
	return fx_roundup_pow2(size);
}

struct fx_hb *fx_hb_array_new(unsigned n, int table, int node)
{
	struct fx_hb *hb = calloc(n, sizeof(*hb));

	if (!hb)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		plist_head_init(&hb[i].chain);
		hb[i].table = table;
		hb[i].node = node;
		hb[i].index = i;
	}
	return hb;
}

int fx_nodetab_init(struct fx_nodetab *nt, unsigned nnodes, unsigned size)
{
	nt->nnodes = nnodes;
	nt->size = size;
	nt->shift = fx_ilog2(size);
	nt->tab = calloc(nnodes, sizeof(*nt->tab));
	if (!nt->tab)
		return -ENOMEM;
	for (unsigned n = 0; n < nnodes; n++) {
		nt->tab[n] = fx_hb_array_new(size, (int)n, (int)n);
		if (!nt->tab[n]) {
			fx_nodetab_fini(nt);
			return -ENOMEM;
		}
	}
	return 0;
}

void fx_nodetab_fini(struct fx_nodetab *nt)
{
	if (!nt->tab)
		return;
	for (unsigned n = 0; n < nt->nnodes; n++)
		free(nt->tab[n]);
	free(nt->tab);
	nt->tab = NULL;
}

/* K lies in the union: ptr, word, then offset; address, then offset. */
_Static_assert(offsetof(union fx_key, both.offset) == 16 &&
	       offsetof(union fx_key, private.address) == 8,
	       "union fx_key must keep the kernel's 64-bit layout");

uint64_t fx_hash_words(struct fx_core *core, const struct fx_hash_info *info,
		       const void *contig)
{
	const struct fx_hasher *h = core->hasher;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (contig && h->key_bytes)
		return h->hash_bytes(contig, 4 * ((size_t)info->nwords + 1),
				     core->cfg.seed);
#else
	(void)contig;
#endif
	return h->hash_key(info->words, info->nwords, info->initval,
			   core->cfg.seed);
}

void fx_key_words_global(const union fx_key *key, struct fx_hash_info *info)
{
	info->words[0] = (uint32_t)key->both.ptr;
	info->words[1] = (uint32_t)(key->both.ptr >> 32);
	info->words[2] = (uint32_t)key->both.word;
	info->words[3] = (uint32_t)(key->both.word >> 32);
	info->nwords = 4;
	info->initval = key->both.offset;
}

struct fx_hb *fx_nodetab_bucket(struct fx_core *core, struct fx_nodetab *nt,
				const union fx_key *key,
				struct fx_hash_info *info)
{
	uint64_t hash;
	unsigned node = key->both.node;

	fx_key_words_global(key, info);
	hash = fx_hash_words(core, info, &key->both.ptr);
	/* Every node is possible in the model, so no wrap search is needed. */
	if (key->both.node == (uint32_t)FX_NO_NODE)
		node = (unsigned)((hash >> nt->shift) % nt->nnodes);
	info->hash = hash;
	info->table = (int)node;
	info->node = (int)node;
	info->bucket = (unsigned)(hash & (nt->size - 1));
	info->table_size = nt->size;
	return &nt->tab[node][info->bucket];
}

void fx_nodetab_visit(struct fx_nodetab *nt, fx_hb_visit_fn fn, void *arg)
{
	for (unsigned n = 0; n < nt->nnodes; n++)
		for (unsigned i = 0; i < nt->size; i++)
			fn(&nt->tab[n][i], arg);
}

/* fx_nodetab_layout_init - init() of a layout whose state is one nodetab
 * sized by the kernel's rule (or cfg.hash_slots). */
int fx_nodetab_layout_init(struct fx_core *core, void **state)
{
	struct fx_nodetab *nt = calloc(1, sizeof(*nt));
	unsigned size = core->cfg.hash_slots ? core->cfg.hash_slots :
			fx_kernel_hashsize(core->cfg.ncpus, core->cfg.nnodes);
	int ret;

	if (!nt)
		return -ENOMEM;
	ret = fx_nodetab_init(nt, core->cfg.nnodes, size);
	if (ret) {
		free(nt);
		return ret;
	}
	*state = nt;
	return 0;
}

void fx_nodetab_layout_fini(struct fx_core *core, void *state)
{
	fx_nodetab_fini(state);
	free(state);
}

void fx_describe_bucket(const struct fx_core *core, FILE *out,
			const char *extra)
{
	if (core->cfg.bucket_lines == 2)
		fprintf(out, "  bucket:     2 cache lines (lock | waiter count, chain head)%s\n",
			extra);
	else
		fprintf(out, "  bucket:     1 cache line (lock, waiter count, chain head)%s\n",
			extra);
}
