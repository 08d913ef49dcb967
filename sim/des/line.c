// SPDX-License-Identifier: MIT
/*
 * line.c - cache lines: who holds them and what touching one costs.
 *
 * Every 64-byte line the simulation touches has a home node (where its
 * memory lives) and, once touched, a holder: the CPU that last wrote it,
 * plus the CPU that last read it since.  Touching a line costs
 *
 *   line.hit                 the CPU already holds it (wrote it, or read
 *                            it since the last write)
 *   line.xfer * d / 10       another CPU holds it: a cache-to-cache
 *                            transfer over node distance d
 *   mem.local * d / 10       no CPU holds it: a fetch from its home node
 *
 * A write makes the writer the holder; a read leaves the writer in place
 * and remembers the reader.  This is a two-state simplification of MESI
 * (docs/cost-model.md): a line read by many CPUs in turn is charged a
 * transfer for every change of reader.
 *
 * Bucket lines keep their holders in the bucket (struct fx_hb_sim), the
 * private hash's atomic refcount in the process; lines of user memory
 * (futex words) live in an open-addressing table keyed by address space
 * and line address, whose home node is set by the first touch.
 */
#include <errno.h>
#include <stdlib.h>

#include "des_int.h"

fx_ps des_cacheline(struct fx_des *des, uint32_t *owner, uint32_t *reader,
		    int home, unsigned cpu, bool write)
{
	const struct fx_cost *c = des->cost;
	int node = des->cpu_node[cpu];
	uint32_t me = cpu + 1;
	fx_ps cost;

	if (*owner == me || (!write && *reader == me)) {
		cost = c->v[FX_COST_line_hit];
	} else if (*owner) {
		unsigned from = *reader && !write ? *reader - 1 : *owner - 1;

		cost = fx_cost_xfer(c, des_dist(des, des->cpu_node[from],
						node));
	} else {
		cost = fx_cost_mem(c, des_dist(des, home, node));
	}
	if (write) {
		*owner = me;
		*reader = 0;
	} else if (*owner != me) {
		if (!*owner)
			*owner = me;	/* the first reader brings it in */
		else
			*reader = me;
	}
	return cost;
}

int des_lines_init(struct des_lines *l)
{
	l->cap = 1024;
	l->n = 0;
	l->tab = calloc(l->cap, sizeof(*l->tab));
	return l->tab ? 0 : -ENOMEM;
}

void des_lines_fini(struct des_lines *l)
{
	free(l->tab);
	l->tab = NULL;
}

static inline size_t line_slot(uint64_t tag, size_t mask)
{
	tag *= 0x9e3779b97f4a7c15ull;
	return (size_t)(tag >> 20) & mask;
}

static struct des_line *line_find(struct des_lines *l, uint64_t tag)
{
	size_t mask = l->cap - 1, i = line_slot(tag, mask);

	while (l->tab[i].tag && l->tab[i].tag != tag)
		i = (i + 1) & mask;
	return &l->tab[i];
}

static int lines_grow(struct des_lines *l)
{
	struct des_lines nl = { calloc(2 * l->cap, sizeof(*l->tab)), 0,
				2 * l->cap };

	if (!nl.tab)
		return -ENOMEM;
	for (size_t i = 0; i < l->cap; i++)
		if (l->tab[i].tag)
			*line_find(&nl, l->tab[i].tag) = l->tab[i];
	nl.n = l->n;
	free(l->tab);
	*l = nl;
	return 0;
}

fx_ps des_line_access(struct fx_des *des, uint64_t space, uint64_t addr,
		      unsigned cpu, bool write)
{
	struct des_lines *l = &des->lines;
	uint64_t tag = ((space + 1) << 42) | (addr >> 6);	/* addr < 2^47 */
	struct des_line *ln;

	if (2 * (l->n + 1) > l->cap && lines_grow(l)) {
		des_fail(des, -ENOMEM, "out of memory for cache lines");
		return 0;
	}
	ln = line_find(l, tag);
	if (!ln->tag) {
		ln->tag = tag;
		ln->home = des->cpu_node[cpu];	/* first touch */
		l->n++;
	}
	return des_cacheline(des, &ln->owner, &ln->reader, ln->home, cpu,
			     write);
}
