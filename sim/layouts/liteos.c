// SPDX-License-Identifier: MIT
/*
 * liteos.c - the futex table of LiteOS-A (OpenHarmony kernel_liteos_a,
 * kernel/base/ipc/los_futex.c).
 *
 * LiteOS-A keeps one static array, FutexHash g_futexHash[FUTEX_INDEX_MAX],
 * of 80 buckets (FUTEX_INDEX_PRIVATE_MAX 64 + FUTEX_INDEX_SHARED_MAX 16),
 * each a LosMux plus a list of futex nodes.  OsFutexFlagsToKey() makes the
 * key: the user virtual address for a FUTEX_PRIVATE futex, the physical
 * address otherwise (LOS_PaddrQuery -> LOS_ArchMmuQuery: the page frame
 * plus vaddr & 0xfff, so the in-page offset is kept).
 * OsFutexKeyToIndex() picks the bucket:
 *
 *	index = LOS_HashFNV32aBuf(&futexKey, sizeof(UINTPTR), FNV1_32A_INIT);
 *	private: index & 63            (FUTEX_HASH_PRIVATE_MASK)
 *	shared:  (index & 15) + 64     (FUTEX_HASH_SHARED_MASK, _SHARED_POS)
 *
 * LOS_HashFNV32aBuf (kernel/include/los_hash.h) is byte-wise FNV-1a-32
 * (basis 0x811c9dc5, prime 0x01000193); LiteOS-A runs on 32-bit ARM, so it
 * hashes the 4 little-endian bytes of the address, in-page offset
 * included.  Private futexes of different processes at the same virtual
 * address share a bucket (the node also records the pid).
 *
 * Model.  The index is the configured hasher's value reduced the LiteOS
 * way: & 63 for a private key (no FUT_OFF bit), (& 15) + 64 for a shared
 * one.  The hasher gets two key words and the key offset as initval
 * (FUT_OFF bits included, as every hasher expects):
 *
 *	private key:  words = the page-aligned virtual address (lo, hi)
 *	shared key:   words = the stand-in physical page address (lo, hi = 0)
 *
 * The mm is not hashed, as in LiteOS.  With the "liteos" hasher (FNV-1a-32
 * of the low 32 bits of address + offset) and seed 0 the bucket is exactly
 * LiteOS's index for that virtual or physical address.
 *
 * Departures (also printed by describe()):
 *  - The model has no physical memory.  A shared key's page identity -
 *    (i_seq, pgoff) for a file/shmem page (FUT_OFF_INODE), (mm, address)
 *    for an anonymous page (FUT_OFF_MMSHARED) - stands in for the physical
 *    page: it is mixed (splitmix64's finaliser) into one of 2^18 frames of
 *    a 1 GiB RAM at 0x40000000 (where RAM starts on QEMU's arm "virt"
 *    board).  Pages that share memory share an identity, hence a frame, as
 *    they would share a physical page; two unrelated pages may also draw
 *    the same frame (about K^2 / 2^19 pairs among K pages), which a real
 *    allocator would not do.  The frame is a pure function of the
 *    identity, so it never depends on the order of operations.
 *  - Addresses are truncated to 32 bits by the liteos hasher (LiteOS-A is
 *    a 32-bit kernel); other hashers see the full 64-bit address.
 *  - The bucket lock is a LosMux (a sleeping mutex) in LiteOS; the model
 *    charges it as a bucket of one cache line like every other layout.
 *
 * One table, home node 0, one cache line per bucket, no refcount, never
 * resized.
 */
#include <stdlib.h>

#include "layout.h"
#include "hashers/hasher.h"

#define LITEOS_PRIVATE_MAX	64u	/* FUTEX_INDEX_PRIVATE_MAX */
#define LITEOS_SHARED_MAX	16u	/* FUTEX_INDEX_SHARED_MAX */
#define LITEOS_INDEX_MAX	(LITEOS_PRIVATE_MAX + LITEOS_SHARED_MAX)
#define LITEOS_SHARED_POS	LITEOS_PRIVATE_MAX

#define LITEOS_RAM_BASE		0x40000000ull
#define LITEOS_FRAME_BITS	18	/* 2^18 pages = 1 GiB */

struct liteos_state {
	struct fx_hb *tab;		/* g_futexHash[80] */
};

static int liteos_init(struct fx_core *core, void **state)
{
	struct liteos_state *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->tab = fx_hb_array_new(LITEOS_INDEX_MAX, 0, 0);
	if (!l->tab) {
		free(l);
		return -ENOMEM;
	}
	*state = l;
	return 0;
}

static void liteos_fini(struct fx_core *core, void *state)
{
	struct liteos_state *l = state;

	free(l->tab);
	free(l);
}

static uint64_t liteos_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * liteos_paddr_page - the stand-in physical page of a shared key: a fixed
 * function of the page identity (ptr, word, FUT_OFF kind).  See the
 * departures above.
 */
static uint64_t liteos_paddr_page(const union fx_key *key)
{
	uint64_t kind = key->both.offset & (FX_FUT_OFF_INODE |
					    FX_FUT_OFF_MMSHARED);
	uint64_t z = liteos_mix64(key->both.ptr ^
				  liteos_mix64(key->both.word ^ (kind << 62)));

	return LITEOS_RAM_BASE +
	       (z & ((1ull << LITEOS_FRAME_BITS) - 1)) * FX_PAGE_SIZE;
}

static struct fx_hb *liteos_bucket(struct fx_core *core, void *state,
				   const union fx_key *key, struct fx_mm *mm,
				   struct fx_hash_info *info)
{
	struct liteos_state *l = state;
	bool is_private = !(key->both.offset &
			    (FX_FUT_OFF_INODE | FX_FUT_OFF_MMSHARED));
	uint64_t addr = is_private ? key->private.address :
			liteos_paddr_page(key);

	info->words[0] = (uint32_t)addr;
	info->words[1] = (uint32_t)(addr >> 32);
	info->nwords = 2;
	info->initval = key->both.offset;
	info->hash = core->hasher->hash_key(info->words, 2, info->initval,
					    core->cfg.seed);
	/* OsFutexKeyToIndex() */
	if (is_private)
		info->bucket = (unsigned)(info->hash & (LITEOS_PRIVATE_MAX - 1));
	else
		info->bucket = (unsigned)(info->hash & (LITEOS_SHARED_MAX - 1)) +
			       LITEOS_SHARED_POS;
	info->table = 0;
	info->table_size = LITEOS_INDEX_MAX;
	info->node = 0;
	return &l->tab[info->bucket];
}

static void liteos_visit(struct fx_core *core, void *state, struct fx_mm *mm,
			 fx_hb_visit_fn fn, void *arg)
{
	struct liteos_state *l = state;

	if (mm)
		return;
	for (unsigned i = 0; i < LITEOS_INDEX_MAX; i++)
		fn(&l->tab[i], arg);
}

static void liteos_describe(struct fx_core *core, void *state, FILE *out,
			    bool verbose)
{
	fprintf(out, "liteos: LiteOS-A, one table of %u buckets: %u private (virtual address) + %u shared (physical address)\n",
		LITEOS_INDEX_MAX, LITEOS_PRIVATE_MAX, LITEOS_SHARED_MAX);
	if (!verbose)
		return;
	fprintf(out, "  tables:     1 x %u buckets (g_futexHash); private: hash & %u, shared: %u + (hash & %u)\n",
		LITEOS_INDEX_MAX, LITEOS_PRIVATE_MAX - 1, LITEOS_SHARED_POS,
		LITEOS_SHARED_MAX - 1);
	fprintf(out, "  key words:  private: virtual page address (2 words); shared: stand-in physical page\n"
		     "              (2 words); initval = offset; the mm is not hashed\n");
	fprintf(out, "  hash:       %s; LiteOS's own is FNV-1a-32 of the 32-bit address\n"
		     "              (hasher 'liteos', seed 0: the index equals LiteOS's)\n",
		core->hasher->name);
	fprintf(out, "  home node:  node 0 (one static array)\n");
	fx_describe_bucket(core, out, "; a LosMux in LiteOS");
	fprintf(out, "  refcount:   none\n");
	fprintf(out, "  resize:     never (fixed at %u)\n", LITEOS_INDEX_MAX);
	fprintf(out, "  departure:  no physical memory: a shared page's identity (i_seq, pgoff or mm, address)\n"
		     "              picks a stand-in frame of 1 GiB at 0x%llx; unrelated pages may share one\n",
		LITEOS_RAM_BASE);
}

const struct fx_layout_ops fx_layout_liteos = {
	.name = "liteos",
	.summary = "LiteOS-A: 80 buckets, 64 private by virtual + 16 shared by physical address",
	.init = liteos_init,
	.fini = liteos_fini,
	.bucket = liteos_bucket,
	.for_each_bucket = liteos_visit,
	.describe = liteos_describe,
};
