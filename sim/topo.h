/* SPDX-License-Identifier: MIT */
/*
 * topo.h - simulated machine topologies, read through hwloc.
 *
 * A topology is the list of CPUs (hwloc PUs) with the NUMA node, package
 * and core each belongs to, and the node distance matrix (ACPI SLIT
 * style: 10 = local).  It comes from one of:
 *
 *   "host"                   the machine we run on (hwloc's discovery)
 *   a synthetic description  e.g. "package:8 core:10 pu:1" (an 80-CPU
 *                            8-socket box) or "package:2 numa:2 core:16
 *                            pu:2"; hwloc's synthetic grammar
 *   an lstopo XML file       any argument that names an existing file or
 *                            ends in ".xml"
 *
 * When hwloc knows no distance matrix (synthetic topologies, most VMs),
 * the matrix is built from the cost profile's distance.* parameters
 * (fx_topo_set_distances()).
 */
#ifndef FX_TOPO_H
#define FX_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct fx_topo {
	unsigned ncpus;		/* PUs, numbered 0..ncpus-1 in hwloc order */
	unsigned nnodes;	/* NUMA nodes, 0..nnodes-1 (logical ids) */
	unsigned npackages;
	unsigned ncores;
	int *cpu_node;		/* [ncpus] NUMA node of each CPU */
	int *cpu_package;	/* [ncpus] package of each CPU */
	int *cpu_core;		/* [ncpus] core of each CPU (SMT siblings share) */
	int *node_package;	/* [nnodes] package of each node */
	unsigned *dist;		/* [nnodes * nnodes] distances, 10 = local */
	bool dist_from_hwloc;	/* the matrix came from hwloc, not the profile */
	char *spec;		/* what was asked for: "host", string, path */
};

/**
 * fx_topo_load - build a topology from @spec
 * @spec:   "host", a synthetic description, or an XML file
 * @out:    the topology (free with fx_topo_free())
 * @err:    a message naming the input and what was expected, on error
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL (bad description or file; @err says why), -ENOMEM.
 */
int fx_topo_load(const char *spec, struct fx_topo **out, char *err,
		 size_t errlen);

void fx_topo_free(struct fx_topo *t);

/**
 * fx_topo_set_distances - fill the matrix where hwloc gave none
 * @t: topology
 * @local: distance of a node to itself (10)
 * @package: between two nodes of one package
 * @remote: between nodes of different packages
 *
 * Does nothing when t->dist_from_hwloc.
 */
void fx_topo_set_distances(struct fx_topo *t, unsigned local,
			   unsigned package, unsigned remote);

/* fx_topo_distance - distance between nodes @a and @b (10 = local) */
static inline unsigned fx_topo_distance(const struct fx_topo *t, int a, int b)
{
	return t->dist[(unsigned)a * t->nnodes + (unsigned)b];
}

/* fx_topo_describe - CPUs, nodes, packages and the matrix, for humans */
void fx_topo_describe(const struct fx_topo *t, FILE *out);

/* fx_topo_label - a short label for CSV columns: "2p4n16c32t" style */
void fx_topo_label(const struct fx_topo *t, char *buf, size_t len);

#endif /* FX_TOPO_H */
