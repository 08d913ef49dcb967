// SPDX-License-Identifier: MIT
/*
 * private.c - Linux 6.16+ as it boots by default: the per-node global
 * tables plus a process-private hash (CONFIG_FUTEX_PRIVATE_HASH).
 *
 * The private hash serves keys that are private (no FUT_OFF bit) and carry
 * no NUMA node, in a process whose hash has hash_mask != 0; everything else
 * goes to the per-node tables.  Its bucket is jhash2 over the two words of
 * key.private.address with initval = key offset, & hash_mask.
 *
 * Sizing (futex_hash_allocate_default(), run by copy_process() for a new
 * thread: CLONE_THREAD|CLONE_VM in 6.16/6.17, CLONE_VM && !CLONE_VFORK
 * after the later fix - cfg.private_hash_clone_vm): skip if the hash is
 * custom; threads = min(threads before the new one, online CPUs);
 * slots = clamp(roundup_pow_of_two(4 * threads), 16, global table size);
 * only grows.  prctl(PR_FUTEX_HASH): SET_SLOTS n (0 or a power of two >= 2,
 * arg4 must be 0) installs a custom hash and stops auto-resizing; n = 0
 * switches to the global tables for good; any SET after that is -EBUSY.
 * GET_SLOTS: hash_mask + 1, or 0.  On replacement every waiter moves to its
 * new bucket in chain order, so per-futex wake order is kept.
 *
 * Refcount: cfg.refcount FX_REF_PERCPU = per-CPU counters (6.17+),
 * FX_REF_ATOMIC = one atomic refcount line per process (6.16's rcuref);
 * the cost model charges it.  Bucket cache lines: cfg.bucket_lines.
 */
#include <stdlib.h>

#include "layout.h"
#include "hashers/hasher.h"

/* A request for more than this many bytes of buckets fails with -ENOMEM
 * (the kernel's kvzalloc fails for 1 << 29 slots; see departures). */
#define PHASH_MAX_BYTES (8ull << 30)
#define PHASH_BUCKET_BYTES 64ull

struct phash {
	unsigned slots;		/* hash_mask + 1; 0 = global mode */
	bool custom;
	struct fx_hb *tab;
};

static bool key_is_private(const union fx_key *key)
{
	return !(key->both.offset & (FX_FUT_OFF_INODE | FX_FUT_OFF_MMSHARED));
}

static struct fx_hb *private_bucket(struct fx_core *core, void *state,
				    const union fx_key *key, struct fx_mm *mm,
				    struct fx_hash_info *info)
{
	struct phash *ph = mm ? mm->hash : NULL;

	if (key->both.node == (uint32_t)FX_NO_NODE && key_is_private(key) &&
	    ph && ph->slots) {
		info->words[0] = (uint32_t)key->private.address;
		info->words[1] = (uint32_t)(key->private.address >> 32);
		info->nwords = 2;
		info->initval = key->both.offset;
		info->hash = fx_hash_words(core, info,
					   &key->private.address);
		info->bucket = (unsigned)(info->hash & (ph->slots - 1));
		info->table = -1;
		info->table_size = ph->slots;
		/* The private table is allocated where the allocating
		 * thread ran; the model homes it on node 0. */
		info->node = ph->tab[info->bucket].node;
		return &ph->tab[info->bucket];
	}
	return fx_nodetab_bucket(core, state, key, info);
}

/*
 * phash_install - replace @mm's private hash by one of @slots buckets and
 * move every queued waiter to its new bucket (futex_rehash_private()).
 * A first private hash also takes the waiters of @mm's private keys out
 * of the per-node tables @nt.  The kernel never has any there (the hash
 * is made as the process gains its second thread, and its only thread is
 * not waiting then); a replay that makes threads late can, and they must
 * not be stranded in buckets their keys no longer hash to.
 */
static int phash_install(struct fx_core *core, struct fx_nodetab *nt,
			 struct fx_mm *mm, unsigned slots, bool custom)
{
	struct phash *old = mm->hash, *ph;

	if ((uint64_t)slots * PHASH_BUCKET_BYTES > PHASH_MAX_BYTES)
		return -ENOMEM;
	ph = calloc(1, sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	ph->slots = slots;
	ph->custom = custom;
	if (slots) {
		ph->tab = fx_hb_array_new(slots, -1, 0);
		if (!ph->tab) {
			free(ph);
			return -ENOMEM;
		}
	}
	mm->hash = ph;
	if (old) {
		if (old->slots)
			fx_hb_rehash(core, old->tab, old->slots);
		free(old->tab);
		free(old);
	} else if (slots) {
		for (unsigned n = 0; n < nt->nnodes; n++)
			fx_hb_rehash(core, nt->tab[n], nt->size);
	}
	return 0;
}

static void private_mm_fini(struct fx_core *core, void *state,
			    struct fx_mm *mm)
{
	struct phash *ph = mm->hash;

	if (ph) {
		free(ph->tab);
		free(ph);
		mm->hash = NULL;
	}
}

static int private_thread_new(struct fx_core *core, void *state,
			      struct fx_mm *mm, unsigned long clone_flags)
{
	struct fx_nodetab *nt = state;
	struct phash *ph = mm->hash;
	unsigned threads, slots, cur = 0;
	bool need;

	if (core->cfg.private_hash_clone_vm)
		need = (clone_flags & FX_CLONE_VM) &&
		       !(clone_flags & FX_CLONE_VFORK);
	else
		need = (clone_flags & (FX_CLONE_THREAD | FX_CLONE_VM)) ==
		       (FX_CLONE_THREAD | FX_CLONE_VM);
	if (!need)
		return 0;
	if (ph) {
		if (ph->custom)
			return 0;
		cur = ph->slots;
	}
	threads = mm->nr_threads < core->cfg.ncpus ? mm->nr_threads :
		  core->cfg.ncpus;
	slots = fx_roundup_pow2(4ul * threads);
	if (slots < 16)
		slots = 16;
	if (slots > nt->size)
		slots = nt->size;
	if (cur >= slots)
		return 0;
	return phash_install(core, nt, mm, slots, false);
}

static long private_prctl(struct fx_core *core, void *state, struct fx_mm *mm,
			  unsigned long op, unsigned long arg3,
			  unsigned long arg4)
{
	struct phash *ph = mm->hash;

	switch (op) {
	case FX_PR_FUTEX_HASH_SET_SLOTS:
		if (arg4)
			return -EINVAL;
		if (arg3 == 1 || (arg3 & (arg3 - 1)) || arg3 > UINT32_MAX)
			return -EINVAL;
		/* Once the global hash is selected there is no way back. */
		if (ph && !ph->slots)
			return -EBUSY;
		return phash_install(core, state, mm, (unsigned)arg3, true);
	case FX_PR_FUTEX_HASH_GET_SLOTS:
		return ph && ph->slots ? (long)ph->slots : 0;
	default:
		return -EINVAL;
	}
}

static void private_visit(struct fx_core *core, void *state, struct fx_mm *mm,
			  fx_hb_visit_fn fn, void *arg)
{
	struct phash *ph;

	if (!mm) {
		fx_nodetab_visit(state, fn, arg);
		return;
	}
	ph = mm->hash;
	if (ph)
		for (unsigned i = 0; i < ph->slots; i++)
			fn(&ph->tab[i], arg);
}

static void private_describe(struct fx_core *core, void *state, FILE *out,
			     bool verbose)
{
	struct fx_nodetab *nt = state;

	fprintf(out, "private: per-process hash + %u per-node tables of %u (6.16+ default)\n",
		nt->nnodes, nt->size);
	if (!verbose)
		return;
	fprintf(out, "  tables:     per process: 16..%u slots; global: %u x %u buckets\n",
		nt->size, nt->nnodes, nt->size);
	fprintf(out, "  serves:     private, non-NUMA keys of processes with a private hash\n");
	fprintf(out, "  hash:       jhash2(address, 2 words, offset) & (slots - 1)\n");
	fprintf(out, "  home node:  private table: node 0 (allocating thread); global: per node\n");
	fx_describe_bucket(core, out, "");
	fprintf(out, "  refcount:   %s\n", core->cfg.refcount == FX_REF_ATOMIC ?
		"one atomic line per process (6.16 rcuref)" :
		"per-CPU counters, atomic only during replacement (6.17+)");
	fprintf(out, "  resize:     at thread creation to clamp(roundup_pow_of_two(4 x min(threads, CPUs)), 16, %u),\n"
		     "              grow only; PR_FUTEX_HASH_SET_SLOTS fixes it (0 = global for good)\n",
		nt->size);
}

const struct fx_layout_ops fx_layout_private = {
	.name = "private",
	.summary = "Linux 6.16+ default: process-private hash + per-node tables",
	.init = fx_nodetab_layout_init,
	.fini = fx_nodetab_layout_fini,
	.bucket = private_bucket,
	.mm_fini = private_mm_fini,
	.thread_new = private_thread_new,
	.prctl = private_prctl,
	.for_each_bucket = private_visit,
	.describe = private_describe,
};
