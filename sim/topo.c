// SPDX-License-Identifier: MIT
/*
 * topo.c - simulated machine topologies, read through hwloc (topo.h,
 * docs/topology.md).
 *
 * hwloc builds the whole object tree; we keep only what the simulator
 * asks about a CPU: its NUMA node, package and core, plus the node
 * distance matrix.  Numbering is hwloc's *logical* numbering throughout
 * (CPU i is PU L#i, node j is NUMANode L#j), never the OS numbering: on a
 * real host the OS often numbers SMT siblings far apart (CPU 0 and CPU 64
 * share a core), while hwloc's logical PUs of one core are adjacent.
 *
 * What hwloc really gives, which the rest of the simulator relies on:
 *
 *  - A synthetic description without a NUMA level gets one machine-wide
 *    NUMA node: "package:8 core:10 pu:1" is 8 packages, 80 cores and one
 *    node 0 holding all 80 CPUs, not one node per package.  Write
 *    "package:8 numa:1 core:10 pu:1" for a node per socket.
 *  - A NUMA level is attached as memory children of Group objects (or of
 *    the package), so a node is never an ancestor of a PU; a PU belongs
 *    to the node whose cpuset contains it (the first one, by logical
 *    index, if several do, as with DRAM + HBM nodes of one socket).
 *  - Without a package level ("node:2 core:4 pu:1") there are no
 *    Package objects; we then report one package 0 holding everything,
 *    so that per-package arrays of npackages entries are never empty.
 *    Likewise without a Core level ("pack:2 pu:2") every PU is its own
 *    core, and without NUMA nodes (never seen, but allowed) there is one
 *    node 0.
 *  - hwloc 2.x synthetic descriptions carry no distances (hwloc 1.x did
 *    not either; a "{...}" suffix is rejected).  Distances come from an
 *    XML file (the host's ACPI SLIT as exported by lstopo, or added with
 *    hwloc-annotate) or from the cost profile (fx_topo_set_distances()).
 *  - hwloc is silent on bad input unless HWLOC_SYNTHETIC_VERBOSE or
 *    HWLOC_XML_VERBOSE is set in the environment (lstopo sets them);
 *    every error is reported through @err here, naming the input.
 *  - hwloc_topology_set_xml() parses the file at once and fails with
 *    errno set (EINVAL for a file that is not hwloc XML); after such a
 *    failure the topology would silently fall back to the host, so we
 *    never load it.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "topo.h"

#if HAVE_HWLOC
#include <hwloc.h>
#endif

#define TOPO_MAX_CPUS	4096u	/* the simulator's CPU bitmaps and tables */
#define TOPO_MAX_NODES	64u	/* one 64-bit node mask */

/*
 * Defaults of the cost profile's distance.local/package/remote.  10 is
 * local by the ACPI SLIT definition (ACPI 6.0, section 5.2.17: relative
 * distances, a locality to itself is 10).  12 (another node of the same
 * package) and 21 (another package) are typical firmware values (many
 * two-socket x86 servers report 21 between sockets); they stand until a
 * cost profile measured by "make bench" replaces them.
 */
#define TOPO_DIST_LOCAL		10u
#define TOPO_DIST_PACKAGE	12u
#define TOPO_DIST_REMOTE	21u

#define TOPO_BAD_XML \
	"not a valid hwloc XML topology (make one with \"lstopo --of xml FILE\")"
#define TOPO_SYNTH_EXAMPLE \
	"expected e.g. \"package:2 core:8 pu:1\", \"host\" or an lstopo XML file"

__attribute__((format(printf, 5, 6)))
static void topo_err(char *err, size_t errlen, const char *what,
		     const char *spec, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	n = snprintf(err, errlen, "%s \"%s\": ", what, spec);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

void fx_topo_free(struct fx_topo *t)
{
	if (!t)
		return;
	free(t->cpu_node);
	free(t->cpu_package);
	free(t->cpu_core);
	free(t->node_package);
	free(t->dist);
	free(t->spec);
	free(t);
}

/**
 * fx_topo_set_distances - fill the matrix where hwloc gave none
 * @t: topology
 * @local: distance of a node to itself (10)
 * @package: between two nodes of one package
 * @remote: between nodes of different packages
 *
 * Does nothing when t->dist_from_hwloc: a measured matrix (the host's
 * SLIT, or one stored in an XML file) wins over the cost profile.
 */
void fx_topo_set_distances(struct fx_topo *t, unsigned local,
			   unsigned package, unsigned remote)
{
	unsigned a, b;

	if (!t || t->dist_from_hwloc)
		return;
	for (a = 0; a < t->nnodes; a++)
		for (b = 0; b < t->nnodes; b++)
			t->dist[a * t->nnodes + b] =
				a == b ? local :
				t->node_package[a] == t->node_package[b] ?
				package : remote;
}

#if HAVE_HWLOC

static struct fx_topo *topo_alloc(const char *spec, unsigned ncpus,
				  unsigned nnodes)
{
	struct fx_topo *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncpus = ncpus;
	t->nnodes = nnodes;
	t->cpu_node = calloc(ncpus, sizeof(*t->cpu_node));
	t->cpu_package = calloc(ncpus, sizeof(*t->cpu_package));
	t->cpu_core = calloc(ncpus, sizeof(*t->cpu_core));
	t->node_package = calloc(nnodes, sizeof(*t->node_package));
	t->dist = calloc((size_t)nnodes * nnodes, sizeof(*t->dist));
	t->spec = strdup(spec);
	if (!t->cpu_node || !t->cpu_package || !t->cpu_core ||
	    !t->node_package || !t->dist || !t->spec) {
		fx_topo_free(t);
		return NULL;
	}
	return t;
}

/*
 * synth_npus - the number of PUs a synthetic description would build: the
 * product of the level arities ("type:N" or "N"; "(attributes)" and
 * "[memory children]" do not multiply).  hwloc builds every object at
 * load time (a flat "pu:5000" already takes over a second), so an
 * oversized description is refused before hwloc sees it.  Saturates just
 * above TOPO_MAX_CPUS; 0 when the string is not understood here (hwloc
 * then judges it).
 */
static unsigned long synth_npus(const char *s)
{
	unsigned long prod = 1;

	while (*s) {
		const char *tok, *num;
		unsigned long v;
		char *end;

		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (*s == '(' || *s == '[') {
			const char *close = strchr(s, *s == '(' ? ')' : ']');

			if (!close)
				return 0;
			s = close + 1;
			continue;
		}
		tok = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '(' && *s != '[')
			s++;
		num = tok;
		for (const char *p = tok; p < s; p++)
			if (*p == ':')
				num = p + 1;
		if (num >= s || *num < '0' || *num > '9')
			return 0;
		errno = 0;
		v = strtoul(num, &end, 0);
		if (end != s || errno || !v)
			return 0;
		if (v > TOPO_MAX_CPUS || prod * v > TOPO_MAX_CPUS)
			prod = TOPO_MAX_CPUS + 1;
		else
			prod *= v;
	}
	return prod;
}

/* The package a node belongs to: its Package ancestor (numa level below
 * the package level), else the package of its first CPU, else 0. */
static int node_package(hwloc_topology_t topo, hwloc_obj_t node,
			const struct fx_topo *t)
{
	hwloc_obj_t pkg, pu;

	pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, node);
	if (pkg)
		return (int)pkg->logical_index;
	pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, node->cpuset,
						       HWLOC_OBJ_PU, NULL);
	if (pu && pu->logical_index < t->ncpus)
		return t->cpu_package[pu->logical_index];
	return 0;
}

/* dist_usable - @d covers every node exactly once, with sane values */
static bool dist_usable(const struct hwloc_distances_s *d,
			const struct fx_topo *t)
{
	uint64_t seen = 0;

	if (d->nbobjs != t->nnodes)
		return false;
	for (unsigned i = 0; i < d->nbobjs; i++) {
		hwloc_obj_t o = d->objs[i];

		if (!o || o->type != HWLOC_OBJ_NUMANODE ||
		    o->logical_index >= t->nnodes ||
		    (seen & (1ull << o->logical_index)))
			return false;
		seen |= 1ull << o->logical_index;
	}
	for (unsigned i = 0; i < d->nbobjs * d->nbobjs; i++)
		if (!d->values[i] || d->values[i] > UINT_MAX)
			return false;
	return true;
}

/* topo_hwloc_distances - copy hwloc's node latency matrix, if it has one */
static void topo_hwloc_distances(hwloc_topology_t topo, struct fx_topo *t)
{
	struct hwloc_distances_s *d[8];
	unsigned nr = 8, n = t->nnodes;

	if (hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, d,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0))
		return;
	if (nr > 8)
		nr = 8;
	for (unsigned k = 0; k < nr; k++) {
		if (!t->dist_from_hwloc && dist_usable(d[k], t)) {
			for (unsigned i = 0; i < n; i++)
				for (unsigned j = 0; j < n; j++)
					t->dist[d[k]->objs[i]->logical_index * n +
						d[k]->objs[j]->logical_index] =
						(unsigned)d[k]->values[i * n + j];
			t->dist_from_hwloc = true;
		}
		hwloc_distances_release(topo, d[k]);
	}
}

/* topo_fill - the simulator's view of a loaded hwloc topology */
static int topo_fill(hwloc_topology_t topo, const char *what,
		     const char *spec, struct fx_topo **out, char *err,
		     size_t errlen)
{
	int npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	int nn = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	int npk = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	int nco = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	unsigned nextcore;
	struct fx_topo *t;

	if (npus <= 0) {
		topo_err(err, errlen, what, spec, "the topology has no CPUs");
		return -EINVAL;
	}
	if ((unsigned)npus > TOPO_MAX_CPUS) {
		topo_err(err, errlen, what, spec,
			 "%d CPUs, more than the %u supported", npus,
			 TOPO_MAX_CPUS);
		return -EINVAL;
	}
	if (nn > (int)TOPO_MAX_NODES) {
		topo_err(err, errlen, what, spec,
			 "%d NUMA nodes, more than the %u supported", nn,
			 TOPO_MAX_NODES);
		return -EINVAL;
	}
	t = topo_alloc(spec, (unsigned)npus, nn > 0 ? (unsigned)nn : 1);
	if (!t)
		return -ENOMEM;
	t->npackages = npk > 0 ? (unsigned)npk : 1;
	t->ncores = nco > 0 ? (unsigned)nco : 0;
	nextcore = t->ncores;

	for (unsigned i = 0; i < t->ncpus; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, i);
		hwloc_obj_t pkg, core;

		pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, pu);
		core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
		t->cpu_package[i] = pkg ? (int)pkg->logical_index : 0;
		t->cpu_core[i] = core ? (int)core->logical_index :
			(int)nextcore++;	/* no Core level: PU = core */
		t->cpu_node[i] = -1;
	}
	t->ncores = nextcore;

	for (int n = 0; n < nn; n++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(topo,
							 HWLOC_OBJ_NUMANODE,
							 (unsigned)n);
		hwloc_obj_t pu = NULL;

		while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(topo,
						node->cpuset, HWLOC_OBJ_PU, pu)))
			if (pu->logical_index < t->ncpus &&
			    t->cpu_node[pu->logical_index] < 0)
				t->cpu_node[pu->logical_index] = n;
		t->node_package[n] = node_package(topo, node, t);
	}
	for (unsigned i = 0; i < t->ncpus; i++)
		if (t->cpu_node[i] < 0)
			t->cpu_node[i] = 0;

	if (nn > 0)
		topo_hwloc_distances(topo, t);
	fx_topo_set_distances(t, TOPO_DIST_LOCAL, TOPO_DIST_PACKAGE,
			      TOPO_DIST_REMOTE);
	*out = t;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* topo_set_xml - point @topo at the lstopo XML file @path */
static int topo_set_xml(hwloc_topology_t topo, const char *path, char *err,
			size_t errlen)
{
	const char *what = "topology file";
	struct stat st;
	FILE *f;

	if (stat(path, &st)) {
		topo_err(err, errlen, what, path, "cannot be read (%s)",
			 strerror(errno));
		return -EINVAL;
	}
	if (S_ISDIR(st.st_mode)) {
		topo_err(err, errlen, what, path, "cannot be read (%s)",
			 strerror(EISDIR));
		return -EINVAL;
	}
	f = fopen(path, "r");
	if (!f) {
		topo_err(err, errlen, what, path, "cannot be read (%s)",
			 strerror(errno));
		return -EINVAL;
	}
	fclose(f);
	errno = 0;
	if (hwloc_topology_set_xml(topo, path)) {
		if (errno == ENOMEM)
			return -ENOMEM;
		topo_err(err, errlen, what, path, TOPO_BAD_XML);
		return -EINVAL;
	}
	return 0;
}

/* topo_set_synthetic - point @topo at the synthetic description @spec */
static int topo_set_synthetic(hwloc_topology_t topo, const char *spec,
			      char *err, size_t errlen)
{
	unsigned long npus = synth_npus(spec);

	if (npus > TOPO_MAX_CPUS) {
		topo_err(err, errlen, "topology", spec,
			 "describes more than the %u CPUs supported",
			 TOPO_MAX_CPUS);
		return -EINVAL;
	}
	errno = 0;
	if (hwloc_topology_set_synthetic(topo, spec)) {
		if (errno == ENOMEM)
			return -ENOMEM;
		topo_err(err, errlen, "topology", spec,
			 "not a valid hwloc synthetic description (%s)",
			 TOPO_SYNTH_EXAMPLE);
		return -EINVAL;
	}
	return 0;
}

/**
 * fx_topo_load - build a topology from @spec
 * @spec:   "host", a synthetic description, or an XML file
 * @out:    the topology (free with fx_topo_free())
 * @err:    a message naming the input and what was expected, on error
 * @errlen: size of @err
 *
 * "host" is hwloc's discovery of this machine; a @spec that names an
 * existing file or ends in ".xml" is an lstopo XML export; anything else
 * is an hwloc synthetic description.  The distance matrix is hwloc's
 * NUMA latency matrix when it has a complete one (dist_from_hwloc), else
 * 10 / 12 / 21 (local / same package / remote) until
 * fx_topo_set_distances() installs the cost profile's values.
 *
 * Return: 0, -EINVAL (bad description or file, no CPUs, more than 4096
 * CPUs or 64 nodes; @err says why), -ENOMEM.
 */
int fx_topo_load(const char *spec, struct fx_topo **out, char *err,
		 size_t errlen)
{
	hwloc_topology_t topo;
	const char *what = "topology";
	unsigned long flags = 0;
	bool xml = false;
	struct stat st;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!spec) {
		topo_err(err, errlen, what, "", "no topology given (%s)",
			 TOPO_SYNTH_EXAMPLE);
		return -EINVAL;
	}
	if (hwloc_topology_init(&topo))
		return -ENOMEM;
#if HWLOC_API_VERSION >= 0x00020800
	/* we read no memory attributes and no CPU kinds: skip building them */
	flags |= HWLOC_TOPOLOGY_FLAG_NO_MEMATTRS |
		 HWLOC_TOPOLOGY_FLAG_NO_CPUKINDS;
#endif
	if (hwloc_topology_set_flags(topo, flags)) {
		ret = -ENOMEM;
		goto out;
	}

	if (!strcmp(spec, "host")) {
		ret = 0;
	} else if (!stat(spec, &st) || ends_with(spec, ".xml")) {
		what = "topology file";
		xml = true;
		ret = topo_set_xml(topo, spec, err, errlen);
	} else {
		ret = topo_set_synthetic(topo, spec, err, errlen);
	}
	if (ret)
		goto out;

	errno = 0;
	if (hwloc_topology_load(topo)) {
		if (errno == ENOMEM) {
			ret = -ENOMEM;
		} else if (xml) {
			topo_err(err, errlen, what, spec, TOPO_BAD_XML);
			ret = -EINVAL;
		} else {
			topo_err(err, errlen, what, spec,
				 "hwloc cannot build it (%s)",
				 strerror(errno ? errno : EINVAL));
			ret = -EINVAL;
		}
		goto out;
	}
	ret = topo_fill(topo, what, spec, out, err, errlen);
out:
	hwloc_topology_destroy(topo);
	return ret;
}

#else /* !HAVE_HWLOC */

int fx_topo_load(const char *spec, struct fx_topo **out, char *err,
		 size_t errlen)
{
	*out = NULL;
	topo_err(err, errlen, "topology", spec ? spec : "",
		 "futexsim was built without hwloc (install libhwloc-dev "
		 "and run ./configure again)");
	return -EINVAL;
}

#endif /* HAVE_HWLOC */

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* print_cpus - the CPUs of node @n as a compact list: "0-31,64-95" */
static unsigned print_cpus(const struct fx_topo *t, int n, FILE *out)
{
	unsigned i = 0, count = 0;
	const char *sep = "";

	while (i < t->ncpus) {
		unsigned j;

		if (t->cpu_node[i] != n) {
			i++;
			continue;
		}
		for (j = i; j + 1 < t->ncpus && t->cpu_node[j + 1] == n; j++)
			;
		if (j == i)
			fprintf(out, "%s%u", sep, i);
		else
			fprintf(out, "%s%u-%u", sep, i, j);
		sep = ",";
		count += j - i + 1;
		i = j + 1;
	}
	return count;
}

/**
 * fx_topo_describe - the topology for humans
 * @t:   topology
 * @out: where to print
 *
 * The spec, the counts, each node's CPUs and package, and the distance
 * matrix with where it came from ("hwloc" or "cost profile").
 */
void fx_topo_describe(const struct fx_topo *t, FILE *out)
{
	char label[64];

	fx_topo_label(t, label, sizeof(label));
	fprintf(out, "topology \"%s\": %s\n", t->spec ? t->spec : "", label);
	fprintf(out, "  %u CPU%s, %u core%s, %u package%s, %u NUMA node%s\n",
		t->ncpus, plural(t->ncpus), t->ncores, plural(t->ncores),
		t->npackages, plural(t->npackages), t->nnodes,
		plural(t->nnodes));
	for (unsigned n = 0; n < t->nnodes; n++) {
		fprintf(out, "  node %u: cpus ", n);
		if (!print_cpus(t, (int)n, out))
			fprintf(out, "none");
		fprintf(out, " (package %d)\n", t->node_package[n]);
	}
	fprintf(out, "  distances (%s, 10 = local):\n",
		t->dist_from_hwloc ? "hwloc" : "cost profile");
	fprintf(out, "    node");
	for (unsigned b = 0; b < t->nnodes; b++)
		fprintf(out, " %4u", b);
	fprintf(out, "\n");
	for (unsigned a = 0; a < t->nnodes; a++) {
		fprintf(out, "    %4u", a);
		for (unsigned b = 0; b < t->nnodes; b++)
			fprintf(out, " %4u", fx_topo_distance(t, (int)a, (int)b));
		fprintf(out, "\n");
	}
}

/**
 * fx_topo_label - a short label for CSV columns
 * @t:   topology
 * @buf: output, NUL-terminated (truncated to @len)
 * @len: size of @buf
 *
 * Packages, nodes, cores and threads (PUs): "2p4n64c128t".
 */
void fx_topo_label(const struct fx_topo *t, char *buf, size_t len)
{
	if (!len)
		return;
	snprintf(buf, len, "%up%un%uc%ut", t->npackages, t->nnodes,
		 t->ncores, t->ncpus);
}
