/* SPDX-License-Identifier: MIT */
/*
 * layout.h - the bucket-layout plug-in interface.
 *
 * A layout owns the hash tables: how many, how large, on which node each
 * bucket's memory lives, and how a key (plus the hasher's value) picks a
 * table and a bucket.  It may keep per-process state (the 6.16+ private
 * hash) and answer prctl(PR_FUTEX_HASH).  The futex core calls it through
 * fx_hash() and knows nothing else about it.
 *
 * Adding a layout: write sim/layouts/NAME.c defining one
 * "const struct fx_layout_ops fx_layout_NAME" and add one FX_LAYOUT(NAME)
 * line to sim/layouts/layout-list.h.  See docs/extending.md.
 */
#ifndef FX_LAYOUT_H
#define FX_LAYOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "futex_int.h"

typedef void (*fx_hb_visit_fn)(struct fx_hb *hb, void *arg);

struct fx_layout_ops {
	const char *name;
	const char *summary;
	/* init - allocate tables from core->cfg; *state is the layout's */
	int (*init)(struct fx_core *core, void **state);
	void (*fini)(struct fx_core *core, void *state);
	/* bucket - the bucket of @key; fill @info (never NULL) */
	struct fx_hb *(*bucket)(struct fx_core *core, void *state,
				const union fx_key *key, struct fx_mm *mm,
				struct fx_hash_info *info);
	/* optional per-process hooks */
	void (*mm_fini)(struct fx_core *core, void *state, struct fx_mm *mm);
	/* thread_new - @mm gains a thread (copy_process), before it counts */
	int (*thread_new)(struct fx_core *core, void *state, struct fx_mm *mm,
			  unsigned long clone_flags);
	/* prctl - PR_FUTEX_HASH sub-ops; NULL: a kernel without the feature */
	long (*prctl)(struct fx_core *core, void *state, struct fx_mm *mm,
		      unsigned long op, unsigned long arg3,
		      unsigned long arg4);
	/* for_each_bucket - visit every bucket (checks, statistics) */
	void (*for_each_bucket)(struct fx_core *core, void *state,
				struct fx_mm *mm, fx_hb_visit_fn fn, void *arg);
	/* describe - sizes, home nodes, cache lines, refcount, resize rule */
	void (*describe)(struct fx_core *core, void *state, FILE *out,
			 bool verbose);
};

extern const struct fx_layout_ops *const fx_layouts[];
const struct fx_layout_ops *fx_layout_find(const char *name);
const char *fx_layout_names(void);

#define FX_LAYOUT(n) extern const struct fx_layout_ops fx_layout_##n;
#include "layout-list.h"
#undef FX_LAYOUT

/* ---- helpers shared by layouts (nodetables.c) ---- */

/* A set of per-node tables of equal power-of-two size (futex_queues[]). */
struct fx_nodetab {
	unsigned nnodes;
	unsigned size;			/* buckets per table, power of 2 */
	unsigned shift;			/* ilog2(size) */
	struct fx_hb **tab;		/* tab[node][i] */
};

unsigned fx_roundup_pow2(unsigned long v);
unsigned fx_ilog2(unsigned long v);
/* fx_hb_array_new - @n empty buckets of @table homed on @node */
struct fx_hb *fx_hb_array_new(unsigned n, int table, int node);
int fx_nodetab_init(struct fx_nodetab *nt, unsigned nnodes, unsigned size);
void fx_nodetab_fini(struct fx_nodetab *nt);
/*
 * fx_hash_words - the hasher's value of info->words/nwords/initval.  When
 * @contig points at the same words followed by the initval in memory
 * (inside a union fx_key) and the hasher folds key bytes, they are hashed
 * in place.
 */
uint64_t fx_hash_words(struct fx_core *core, const struct fx_hash_info *info,
		       const void *contig);
/* the kernel's key words for the global hash (4 words on 64-bit) */
void fx_key_words_global(const union fx_key *key, struct fx_hash_info *info);
/* __futex_hash()'s global part: node from key or spare hash bits */
struct fx_hb *fx_nodetab_bucket(struct fx_core *core, struct fx_nodetab *nt,
				const union fx_key *key,
				struct fx_hash_info *info);
void fx_nodetab_visit(struct fx_nodetab *nt, fx_hb_visit_fn fn, void *arg);
/* init/fini of layouts whose whole state is one struct fx_nodetab */
int fx_nodetab_layout_init(struct fx_core *core, void **state);
void fx_nodetab_layout_fini(struct fx_core *core, void *state);
/* fx_describe_bucket - the "bucket:" line of describe(), from
 * cfg.bucket_lines; @extra is appended (may be "") */
void fx_describe_bucket(const struct fx_core *core, FILE *out,
			const char *extra);
/* the kernel's 6.16+ size rule for one node's table */
unsigned fx_kernel_hashsize(unsigned ncpus, unsigned nnodes);

#endif /* FX_LAYOUT_H */
