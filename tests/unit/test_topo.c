// SPDX-License-Identifier: MIT
/*
 * test_topo.c - topologies through hwloc (sim/topo.c, docs/topology.md).
 *
 * What hwloc 2.9 really builds, pinned here:
 *  - "package:8 core:10 pu:1" has no NUMA level, and hwloc inserts ONE
 *    machine-wide NUMA node: 80 CPUs, 8 packages, 80 cores, 1 node
 *    holding all 80 CPUs.  "package:8 numa:1 core:10 pu:1" gives the
 *    node per socket (8 nodes of 10 CPUs).
 *  - "package:2 numa:2 core:16 pu:2": 128 CPUs, 64 cores, 2 packages,
 *    4 nodes (node_package 0,0,1,1), 32 consecutive CPUs per node, SMT
 *    siblings adjacent.
 *  - "node:2 core:4 pu:1" has no Package objects: we report 1 package;
 *    "pack:2 pu:2" has no Core objects: every PU is its own core.
 *  - synthetic descriptions carry no distances; an XML file may (we add
 *    a matrix with hwloc's distances API before exporting).
 * The hwloc API is used directly only to make the XML test inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "topo.h"

#if HAVE_HWLOC
#include <hwloc.h>
#endif

static struct fx_topo *load_ok(const char *spec)
{
	struct fx_topo *t = NULL;
	char err[512];
	int ret;

#if !HAVE_HWLOC
	skip();
#endif
	ret = fx_topo_load(spec, &t, err, sizeof(err));
	if (ret)
		fail_msg("fx_topo_load(\"%s\") = %d: %s", spec, ret, err);
	assert_non_null(t);
	assert_string_equal(t->spec, spec);
	return t;
}

/* load_err - @spec must fail with -EINVAL and a message naming it and
 * containing @want */
static void load_err(const char *spec, const char *want)
{
	static struct fx_topo sentinel;
	struct fx_topo *t = &sentinel;		/* must be reset to NULL */
	char err[512];
	char quoted[300];
	int ret;

#if !HAVE_HWLOC
	skip();
#endif
	ret = fx_topo_load(spec, &t, err, sizeof(err));

	assert_int_equal(ret, -EINVAL);
	assert_null(t);
	snprintf(quoted, sizeof(quoted), "\"%s\"", spec);
	if (!strstr(err, quoted))
		fail_msg("error for \"%s\" does not name it: %s", spec, err);
	if (!strstr(err, want))
		fail_msg("error for \"%s\" lacks \"%s\": %s", spec, want, err);
}

/* describe - fx_topo_describe() into a string (caller frees) */
static char *describe(const struct fx_topo *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fx_topo_describe(t, f);
	fclose(f);
	return buf;
}

static void assert_has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("\"%s\" not found in:\n%s", want, text);
}

/* assert_describes - fx_topo_describe(@t) contains each of the strings
 * that follow, up to a NULL */
static void assert_describes(const struct fx_topo *t, ...)
{
	char *d = describe(t);
	const char *want;
	va_list ap;

	va_start(ap, t);
	while ((want = va_arg(ap, const char *)))
		assert_has(d, want);
	va_end(ap);
	free(d);
}

static void assert_label(const struct fx_topo *t, const char *want)
{
	char label[64];

	fx_topo_label(t, label, sizeof(label));
	assert_string_equal(label, want);
}

/* Every id is in range, every node has its package, the matrix is
 * positive with the smallest value on the diagonal. */
static void check_consistent(const struct fx_topo *t)
{
	assert_true(t->ncpus >= 1);
	assert_true(t->nnodes >= 1);
	assert_true(t->npackages >= 1);
	assert_true(t->ncores >= 1 && t->ncores <= t->ncpus);
	for (unsigned i = 0; i < t->ncpus; i++) {
		assert_in_range(t->cpu_node[i], 0, t->nnodes - 1);
		assert_in_range(t->cpu_package[i], 0, t->npackages - 1);
		assert_in_range(t->cpu_core[i], 0, t->ncores - 1);
		if (i && t->cpu_core[i] == t->cpu_core[i - 1])
			assert_int_equal(t->cpu_package[i], t->cpu_package[i - 1]);
	}
	for (unsigned a = 0; a < t->nnodes; a++) {
		assert_in_range(t->node_package[a], 0, t->npackages - 1);
		for (unsigned b = 0; b < t->nnodes; b++) {
			assert_true(fx_topo_distance(t, (int)a, (int)b) > 0);
			assert_true(fx_topo_distance(t, (int)a, (int)a) <=
				    fx_topo_distance(t, (int)a, (int)b));
		}
	}
}

/* load_shape - load_ok(@spec): consistent, with these counts */
static struct fx_topo *load_shape(const char *spec, unsigned ncpus,
				  unsigned ncores, unsigned npackages,
				  unsigned nnodes)
{
	struct fx_topo *t = load_ok(spec);

	check_consistent(t);
	assert_int_equal(t->ncpus, ncpus);
	assert_int_equal(t->ncores, ncores);
	assert_int_equal(t->npackages, npackages);
	assert_int_equal(t->nnodes, nnodes);
	return t;
}

/* ---------------------------------------------------------------------- */
/* synthetic descriptions                                                 */

/* An 80-CPU 8-socket box without a NUMA level: one machine-wide node. */
static void test_synthetic_8_sockets(void **state)
{
	/* hwloc inserts one node */
	struct fx_topo *t = load_shape("package:8 core:10 pu:1", 80, 80, 8, 1);

	(void)state;
	for (unsigned i = 0; i < 80; i++) {
		assert_int_equal(t->cpu_node[i], 0);
		assert_int_equal(t->cpu_package[i], i / 10);
		assert_int_equal(t->cpu_core[i], i);
	}
	assert_int_equal(t->node_package[0], 0);
	assert_false(t->dist_from_hwloc);
	assert_int_equal(fx_topo_distance(t, 0, 0), 10);
	assert_label(t, "8p1n80c80t");
	assert_describes(t, "topology \"package:8 core:10 pu:1\": 8p1n80c80t\n",
			 "80 CPUs, 80 cores, 8 packages, 1 NUMA node\n",
			 "node 0: cpus 0-79 (package 0)\n",
			 "distances (cost profile", NULL);
	fx_topo_free(t);
}

/* The same box with a node per socket: every other node is remote. */
static void test_synthetic_8_sockets_numa(void **state)
{
	struct fx_topo *t = load_shape("package:8 numa:1 core:10 pu:1", 80, 80,
				       8, 8);

	(void)state;
	for (unsigned i = 0; i < 80; i++)
		assert_int_equal(t->cpu_node[i], i / 10);
	for (unsigned n = 0; n < 8; n++)
		assert_int_equal(t->node_package[n], n);
	assert_int_equal(fx_topo_distance(t, 3, 3), 10);
	assert_int_equal(fx_topo_distance(t, 0, 7), 21);
	assert_label(t, "8p8n80c80t");
	fx_topo_free(t);
}

/* Two packages of two nodes of 16 two-thread cores. */
static void test_synthetic_2p4n(void **state)
{
	struct fx_topo *t = load_shape("package:2 numa:2 core:16 pu:2", 128, 64,
				       2, 4);

	(void)state;
	assert_int_equal(t->node_package[0], 0);
	assert_int_equal(t->node_package[1], 0);
	assert_int_equal(t->node_package[2], 1);
	assert_int_equal(t->node_package[3], 1);
	for (unsigned i = 0; i < 128; i++) {
		assert_int_equal(t->cpu_node[i], i / 32);
		assert_int_equal(t->cpu_package[i], i / 64);
		assert_int_equal(t->cpu_core[i], i / 2);	/* SMT siblings */
	}
	assert_int_equal(t->cpu_core[0], t->cpu_core[1]);
	assert_int_not_equal(t->cpu_core[1], t->cpu_core[2]);

	/* the default matrix, then the cost profile's */
	assert_false(t->dist_from_hwloc);
	assert_int_equal(fx_topo_distance(t, 0, 1), 12);
	fx_topo_set_distances(t, 10, 16, 32);
	assert_int_equal(fx_topo_distance(t, 0, 1), 16);
	assert_int_equal(fx_topo_distance(t, 1, 3), 32);
	fx_topo_set_distances(t, 10, 12, 21);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			assert_int_equal(fx_topo_distance(t, a, b),
					 fx_topo_distance(t, b, a));
	assert_int_equal(fx_topo_distance(t, 0, 0), 10);
	assert_int_equal(fx_topo_distance(t, 0, 1), 12);
	assert_int_equal(fx_topo_distance(t, 0, 2), 21);
	assert_int_equal(fx_topo_distance(t, 3, 2), 12);
	assert_int_equal(fx_topo_distance(t, 3, 0), 21);
	assert_label(t, "2p4n64c128t");
	assert_describes(t, "128 CPUs, 64 cores, 2 packages, 4 NUMA nodes\n",
			 "node 0: cpus 0-31 (package 0)\n",
			 "node 1: cpus 32-63 (package 0)\n",
			 "node 3: cpus 96-127 (package 1)\n",
			 "distances (cost profile, 10 = local):\n",
			 "   0   10   12   21   21\n",
			 "   3   21   21   12   10\n", NULL);
	fx_topo_free(t);
}

/* No Package level (hwloc 1.x style "node:"): one package 0; no Core
 * level: every PU is its own core. */
static void test_synthetic_missing_levels(void **state)
{
	struct fx_topo *t = load_shape("node:2 core:4 pu:1", 8, 8, 1, 2);

	(void)state;
	assert_int_equal(t->node_package[0], 0);
	assert_int_equal(t->node_package[1], 0);
	assert_int_equal(t->cpu_node[3], 0);
	assert_int_equal(t->cpu_node[4], 1);
	assert_int_equal(fx_topo_distance(t, 0, 1), 12);	/* one package */
	assert_label(t, "1p2n8c8t");
	fx_topo_free(t);

	t = load_shape("pack:2 pu:2", 4, 4, 2, 1);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(t->cpu_core[i], i);
	assert_label(t, "2p1n4c4t");
	fx_topo_free(t);

	/* hwloc 2.x memory-children syntax, with attributes */
	t = load_shape("pack:2 [numa(memory=1GB)] core:2 pu:2", 8, 4, 2, 2);
	assert_int_equal(t->node_package[1], 1);
	assert_label(t, "2p2n4c8t");
	fx_topo_free(t);
}

/* ---------------------------------------------------------------------- */
/* the host and XML files                                                 */

static void test_host(void **state)
{
	struct fx_topo *t = load_ok("host");

	(void)state;
	check_consistent(t);
	if (!t->dist_from_hwloc)
		assert_int_equal(fx_topo_distance(t, 0, 0), 10);
	assert_describes(t, "topology \"host\": ", "node 0: cpus ", NULL);
	fx_topo_free(t);
}

#if HAVE_HWLOC
/* export_xml - build @synth with hwloc, optionally add a NUMA latency
 * matrix (@dist: n*n values, by node logical index), export it to a new
 * temporary file whose name ends in ".xml"; returns the path (free it
 * and unlink it). */
static char *export_xml(const char *synth, const uint64_t *dist)
{
	hwloc_topology_t topo;
	char *path = strdup("/tmp/fx_topo_XXXXXX.xml");
	int fd;

	assert_non_null(path);
	fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hwloc_topology_init(&topo), 0);
	assert_int_equal(hwloc_topology_set_synthetic(topo, synth), 0);
	assert_int_equal(hwloc_topology_load(topo), 0);
	if (dist) {
#if HWLOC_API_VERSION >= 0x00020500
		int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
		hwloc_obj_t objs[64];
		hwloc_distances_add_handle_t h;

		assert_in_range(n, 2, 64);
		/* objects in reverse order: the loader must map by object */
		for (int i = 0; i < n; i++)
			objs[i] = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE,
							(unsigned)(n - 1 - i));
		{
			uint64_t *v = calloc((size_t)n * n, sizeof(*v));

			assert_non_null(v);
			for (int i = 0; i < n; i++)
				for (int j = 0; j < n; j++)
					v[i * n + j] = dist[(n - 1 - i) * n + (n - 1 - j)];
			h = hwloc_distances_add_create(topo, "NUMALatency",
					HWLOC_DISTANCES_KIND_FROM_USER |
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0);
			assert_non_null(h);
			assert_int_equal(hwloc_distances_add_values(topo, h,
					(unsigned)n, objs, v, 0), 0);
			assert_int_equal(hwloc_distances_add_commit(topo, h, 0), 0);
			free(v);
		}
#else
		hwloc_topology_destroy(topo);
		unlink(path);
		free(path);
		return NULL;
#endif
	}
	assert_int_equal(hwloc_topology_export_xml(topo, path, 0), 0);
	hwloc_topology_destroy(topo);
	return path;
}

/* xml_done - free @t (may be NULL) and remove export_xml()'s @path */
static void xml_done(struct fx_topo *t, char *path)
{
	fx_topo_free(t);
	unlink(path);
	free(path);
}
#endif

/* A synthetic topology exported to XML loads by path with the same shape. */
static void test_xml_roundtrip(void **state)
{
	(void)state;
#if HAVE_HWLOC
	char *path = export_xml("package:2 numa:2 core:16 pu:2", NULL);
	struct fx_topo *t = load_shape(path, 128, 64, 2, 4);

	for (unsigned i = 0; i < 128; i++) {
		assert_int_equal(t->cpu_node[i], i / 32);
		assert_int_equal(t->cpu_core[i], i / 2);
	}
	assert_int_equal(t->node_package[1], 0);
	assert_int_equal(t->node_package[2], 1);
	assert_false(t->dist_from_hwloc);
	assert_label(t, "2p4n64c128t");
	assert_describes(t, "node 2: cpus 64-95 (package 1)\n", NULL);
	xml_done(t, path);
#else
	skip();
#endif
}

/* A matrix stored in the XML file wins over the cost profile. */
static void test_xml_distances(void **state)
{
	(void)state;
#if HAVE_HWLOC
	static const uint64_t dist[16] = {
		10, 11, 20, 22,
		11, 10, 21, 23,
		20, 21, 10, 12,
		22, 23, 12, 10,
	};
	char *path = export_xml("package:2 numa:2 core:2 pu:1", dist);
	struct fx_topo *t;

	if (!path)
		skip();
	t = load_ok(path);
	check_consistent(t);
	assert_int_equal(t->nnodes, 4);
	assert_true(t->dist_from_hwloc);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			assert_int_equal(fx_topo_distance(t, a, b), dist[a * 4 + b]);
	fx_topo_set_distances(t, 10, 12, 21);		/* ignored */
	assert_int_equal(fx_topo_distance(t, 1, 3), 23);
	assert_describes(t, "distances (hwloc, 10 = local):\n",
			 "   1   11   10   21   23\n", NULL);
	xml_done(t, path);
#else
	skip();
#endif
}

/* ---------------------------------------------------------------------- */
/* errors and limits                                                      */

static void test_errors(void **state)
{
	static struct fx_topo sentinel;
	struct fx_topo *t = &sentinel;
	char err[256];
	char dir[] = "/tmp/fx_topo_dir_XXXXXX";
	char bad[] = "/tmp/fx_topo_bad_XXXXXX";
	FILE *f;
	int fd;

	(void)state;
	load_err("package:x core:2",
		 "not a valid hwloc synthetic description (expected e.g. "
		 "\"package:2 core:8 pu:1\"");
	load_err("", "not a valid hwloc synthetic description");
	load_err("nonsense", "not a valid hwloc synthetic description");
	load_err("package:2 core:2 pu:1 {distances}",
		 "not a valid hwloc synthetic description");
	load_err("pu:0", "not a valid hwloc synthetic description");
	load_err("/nonexistent/t.xml",
		 "topology file \"/nonexistent/t.xml\": cannot be read "
		 "(No such file or directory)");

	/* an existing file that is not hwloc XML, whatever its name */
	fd = mkstemp(bad);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("<?xml version=\"1.0\"?>\n<notatopology/>\n", f);
	fclose(f);
	load_err(bad, "not a valid hwloc XML topology");
	unlink(bad);

	/* a directory */
	assert_non_null(mkdtemp(dir));
	load_err(dir, "cannot be read (Is a directory)");
	rmdir(dir);

	assert_int_equal(fx_topo_load(NULL, &t, err, sizeof(err)), -EINVAL);
	assert_null(t);
	assert_has(err, "no topology given");
	/* a zero-sized message buffer is left alone */
	assert_int_equal(fx_topo_load("nonsense", &t, err, 0), -EINVAL);
	fx_topo_free(NULL);
}

static void test_limits(void **state)
{
	struct fx_topo *t;

	(void)state;
	/* at the limits */
	t = load_ok("package:16 core:128 pu:2");
	assert_int_equal(t->ncpus, 4096);
	fx_topo_free(t);
	t = load_ok("numa:64 core:1 pu:1");
	assert_int_equal(t->nnodes, 64);
	assert_int_equal(fx_topo_distance(t, 63, 0), 12);
	fx_topo_free(t);

	/* refused before hwloc builds them */
	load_err("package:17 core:128 pu:2", "more than the 4096 CPUs supported");
	load_err("pu:5000", "more than the 4096 CPUs supported");
	load_err("package:1000 core:1000 pu:1000000",
		 "more than the 4096 CPUs supported");
	/* refused after */
	load_err("numa:65 pu:1", "65 NUMA nodes, more than the 64 supported");
#if HAVE_HWLOC
	{
		char *path = export_xml("package:33 core:32 pu:4", NULL);

		load_err(path, "4224 CPUs, more than the 4096 supported");
		xml_done(NULL, path);
	}
#endif
}

/* ---------------------------------------------------------------------- */
/* output                                                                 */

static void test_label(void **state)
{
	struct fx_topo *t = load_ok("package:2 numa:2 core:16 pu:2");
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	fx_topo_label(t, buf, 5);
	assert_string_equal(buf, "2p4n");
	fx_topo_label(t, buf, 0);		/* untouched */
	assert_string_equal(buf, "2p4n");
	fx_topo_free(t);
}

/* A node whose CPUs are not consecutive, a node without CPUs (hand-built:
 * hwloc's logical order keeps a node's CPUs together). */
static void test_describe_cpu_lists(void **state)
{
	int cpu_node[7] = { 0, 1, 0, 0, 1, 0, 0 };
	int zero[7] = { 0 };
	int core[7] = { 0, 1, 2, 3, 4, 5, 6 };
	int node_package[3] = { 0, 0, 1 };
	unsigned dist[9] = { 10, 12, 21, 12, 10, 21, 21, 21, 10 };
	char spec[] = "hand";
	struct fx_topo t = {
		.ncpus = 7, .nnodes = 3, .npackages = 2, .ncores = 7,
		.cpu_node = cpu_node, .cpu_package = zero, .cpu_core = core,
		.node_package = node_package, .dist = dist, .spec = spec,
	};

	(void)state;
	assert_describes(&t, "topology \"hand\": 2p3n7c7t\n",
			 "node 0: cpus 0,2-3,5-6 (package 0)\n",
			 "node 1: cpus 1,4 (package 0)\n",
			 "node 2: cpus none (package 1)\n", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_8_sockets),
		cmocka_unit_test(test_synthetic_8_sockets_numa),
		cmocka_unit_test(test_synthetic_2p4n),
		cmocka_unit_test(test_synthetic_missing_levels),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_xml_roundtrip),
		cmocka_unit_test(test_xml_distances),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_describe_cpu_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
