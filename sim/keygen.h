/* SPDX-License-Identifier: MIT */
/*
 * keygen.h - futex key sets that look like real programs.
 *
 * A spec string "FAMILY:param=value,param=value" (docs/keygen.md) names a
 * family (stack, heap, mmap, page, shm, samevaddr) and its parameters.  The
 * generator lays out processes, their mappings and their futex words the
 * way the program would, and returns one entry per (futex, user process):
 * the kernel's key for it (union fx_key, exactly what get_futex_key()
 * computes for that address in that process), the virtual address, the
 * process and the CPU/node it is used from.  Everything random (ASLR
 * bases, mm_struct addresses, CPUs of heap objects) draws from one
 * generator seeded by the caller: the same spec and seed give the same
 * entries, byte for byte.
 *
 * The mappings are listed too, so a driver can build the same processes in
 * the model (fx_mmap the regions, set each mm's kptr and each shared
 * segment's i_seq) and let the real core compute the keys.
 */
#ifndef FX_KEYGEN_H
#define FX_KEYGEN_H

#include <stddef.h>
#include <stdint.h>

#include "futex_int.h"

/* One futex as used by one process. */
struct fx_keygen_key {
	union fx_key key;	/* the kernel's key (node = FX_NO_NODE) */
	uint64_t uaddr;		/* the futex's address in that process */
	uint32_t proc;		/* process index 0..nprocs-1 */
	uint32_t cpu;		/* CPU it is used from */
	int node;		/* that CPU's node */
	int seg;		/* shared segment index, -1 for private memory */
	uint32_t key_id;	/* equal for entries with equal keys, else
				   distinct: 0..nkeyids-1 */
};

/* One mapping a process needs: private anonymous, or a shared segment. */
struct fx_keygen_map {
	uint32_t proc;
	int seg;		/* -1: MAP_PRIVATE|MAP_ANON; else the segment
				   (MAP_SHARED of file seg, offset 0) */
	uint64_t start, len;	/* page aligned */
};

struct fx_keyset {
	char spec[128];			/* the normalised spec, all params */
	const char *family;
	struct fx_keygen_key *keys;	/* entries, in generation order */
	size_t nkeys;
	size_t nkeyids;			/* distinct keys */
	struct fx_keygen_map *maps;
	size_t nmaps;
	unsigned nprocs;
	unsigned nsegs;
	uint64_t *mm_kptr;		/* [nprocs]: each process's mm address */
	uint64_t *seg_iseq;		/* [nsegs]: each segment's i_seq */
};

/* The machine the keys are used on. */
struct fx_keygen_ctx {
	uint64_t seed;
	unsigned ncpus;			/* 0: 1 */
	unsigned nnodes;		/* 0: 1 */
	const int *cpu_node;		/* NULL: contiguous blocks, as the core */
};

/**
 * fx_keygen - generate the key set of @spec
 * @spec: "FAMILY[:k=v,...]"
 * @ctx:  seed and machine
 * @ks:   out; release with fx_keyset_free()
 * @err:  on failure, a message naming the problem and listing the valid
 *        families or the family's parameters
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL (bad spec), -E2BIG (too many entries) or -ENOMEM.
 */
int fx_keygen(const char *spec, const struct fx_keygen_ctx *ctx,
	      struct fx_keyset *ks, char *err, size_t errlen);
void fx_keyset_free(struct fx_keyset *ks);

/* fx_keygen_help - the families and their parameters, for --help */
const char *fx_keygen_help(void);

/* Limits: entries per key set, processes. */
#define FX_KEYGEN_MAX_KEYS	(64u << 20)
#define FX_KEYGEN_MAX_PROCS	65536u

#endif /* FX_KEYGEN_H */
