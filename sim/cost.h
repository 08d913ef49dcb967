/* SPDX-License-Identifier: MIT */
/*
 * cost.h - the cost model: named parameters in nanoseconds.
 *
 * A cost profile is a text file of "name = value" lines (docs/cost-model.md
 * gives the grammar, every parameter's meaning and the source of every
 * default).  The engine reads costs as integer picoseconds (fx_ps), so the
 * same profile and seed always give byte-identical results.  Parameters
 * are listed once, with their defaults and sources, in sim/cost-list.h.
 */
#ifndef FX_COST_H
#define FX_COST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t fx_ps;			/* simulated time, picoseconds */
#define FX_PS_PER_NS	1000ull

#define FX_NS		1	/* a duration in ns, held in ps */
#define FX_UNITLESS	0	/* a plain number (distances) */

enum fx_cost_id {
#define FX_COST(id, name, def, unit, source) FX_COST_##id,
#include "cost-list.h"
#undef FX_COST
	FX_COST_NR
};

#define FX_COST_MAX_HASHERS	64
#define FX_COST_MAX_NODES	64
/* hash_ps[i] value of a hasher with no figure of its own: hash.default */
#define FX_COST_HASH_DEFAULT	UINT64_MAX

struct fx_cost {
	fx_ps v[FX_COST_NR];		/* ps, or the number for FX_UNITLESS */
	/* per-hasher cost of hashing one futex key; "hash.NAME" */
	unsigned nhash;
	char hash_name[FX_COST_MAX_HASHERS][24];
	fx_ps hash_ps[FX_COST_MAX_HASHERS];
	/* optional explicit node distance matrix ("distance.matrix") */
	unsigned dist_n;
	unsigned dist[FX_COST_MAX_NODES * FX_COST_MAX_NODES];
	char profile[256];		/* the file loaded last, or "builtin" */
};

/* fx_cost_defaults - the built-in profile (cost-list.h) */
void fx_cost_defaults(struct fx_cost *c);

/**
 * fx_cost_load - read a profile file over @c
 * @c:      profile to update (start from fx_cost_defaults())
 * @path:   file of "name = value" lines, '#' comments
 * @err:    on error "PATH:LINE: what was expected"
 * @errlen: size of @err
 *
 * Unknown names, non-numbers, negative values and a malformed distance
 * matrix are errors; @c is left unchanged on error.
 *
 * Return: 0 or -EINVAL / -errno of the open.
 */
int fx_cost_load(struct fx_cost *c, const char *path, char *err,
		 size_t errlen);

/**
 * fx_cost_set - apply one "name=value" override (--cost)
 * Return: 0 or -EINVAL with @err set.
 */
int fx_cost_set(struct fx_cost *c, const char *assignment, char *err,
		size_t errlen);

/* fx_cost_dump - write @c as a loadable profile, with each source */
void fx_cost_dump(const struct fx_cost *c, FILE *out);

/* fx_cost_hash - cost of hashing one key with hasher @name */
fx_ps fx_cost_hash(const struct fx_cost *c, const char *name);

struct fx_topo;

/**
 * fx_cost_apply_distances - give @t the profile's node distances where
 * hwloc gave none: distance.matrix if the profile has one (it must be
 * nnodes x nnodes), else distance.local/package/remote
 * Return: 0, or -EINVAL with @err naming the mismatch.
 */
int fx_cost_apply_distances(const struct fx_cost *c, struct fx_topo *t,
			    char *err, size_t errlen);

/* fx_cost_name - the profile name of parameter @id */
const char *fx_cost_name(enum fx_cost_id id);

/*
 * fx_cost_xfer - moving a cache line to a CPU at node distance @dist
 * (10 = same node): line_xfer scaled by dist / 10.
 */
static inline fx_ps fx_cost_xfer(const struct fx_cost *c, unsigned dist)
{
	return c->v[FX_COST_line_xfer] * dist / 10;
}

/* fx_cost_mem - a line not in any cache, from memory at distance @dist */
static inline fx_ps fx_cost_mem(const struct fx_cost *c, unsigned dist)
{
	return c->v[FX_COST_mem_local] * dist / 10;
}

#endif /* FX_COST_H */
