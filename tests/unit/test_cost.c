// SPDX-License-Identifier: MIT
/*
 * test_cost.c - the cost model (sim/cost.c): built-in values in ps, exact
 * decimal parsing, --cost overrides, every error with its message, the
 * dump/load round trip, per-hasher costs, the distance matrix, and the
 * profiles shipped in sim/profiles/.
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

#include "cost.h"
#include "hashers/hasher.h"

/* ---- helpers ---- */

/* write @text to a fresh temp file; the caller unlinks and frees */
static char *tmpfile_with(const char *text)
{
	char *path = strdup("/tmp/fxcost.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void drop(char *path)
{
	unlink(path);
	free(path);
}

/* every value the profile holds: all but the origin string */
static void assert_same_values(const struct fx_cost *a,
			       const struct fx_cost *b)
{
	assert_memory_equal(a->v, b->v, sizeof(a->v));
	assert_int_equal(a->nhash, b->nhash);
	assert_memory_equal(a->hash_name, b->hash_name, sizeof(a->hash_name));
	assert_memory_equal(a->hash_ps, b->hash_ps, sizeof(a->hash_ps));
	assert_int_equal(a->dist_n, b->dist_n);
	assert_memory_equal(a->dist, b->dist, sizeof(a->dist));
}

/* load @text over the defaults; must succeed */
static void load_ok(struct fx_cost *c, const char *text)
{
	char err[512] = "";
	char *path = tmpfile_with(text);
	int ret;

	fx_cost_defaults(c);
	ret = fx_cost_load(c, path, err, sizeof(err));
	if (ret)
		fail_msg("load of \"%s\" failed: %s", text, err);
	assert_string_equal(c->profile, path);
	drop(path);
}

/*
 * load @text over the defaults; must fail with -EINVAL, the message
 * "PATH:@line: @msg" exactly, and the profile untouched
 */
static void load_err(const char *text, unsigned line, const char *msg)
{
	struct fx_cost c, before;
	char err[512] = "", want[1024];
	char *path = tmpfile_with(text);

	fx_cost_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	assert_int_equal(fx_cost_load(&c, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:%u: %s", path, line, msg);
	assert_string_equal(err, want);
	assert_memory_equal(&c, &before, sizeof(c));
	drop(path);
}

/* fx_cost_set(@a) must fail with "--cost '@a': @msg", @c untouched */
static void set_err(const char *a, const char *msg)
{
	struct fx_cost c, before;
	char err[512] = "", want[1024];

	fx_cost_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	assert_int_equal(fx_cost_set(&c, a, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "--cost '%s': %s", a, msg);
	assert_string_equal(err, want);
	assert_memory_equal(&c, &before, sizeof(c));
}

static int hash_index(const struct fx_cost *c, const char *name)
{
	for (unsigned i = 0; i < c->nhash; i++)
		if (strcmp(c->hash_name[i], name) == 0)
			return (int)i;
	return -1;
}

/* the repository root, from this file's path (tests/unit/test_cost.c) */
static void profile_path(char *buf, size_t len, const char *name)
{
	const char *f = __FILE__;
	const char *tail = strstr(f, "tests/unit/test_cost.c");
	int root = tail ? (int)(tail - f) : 0;

	snprintf(buf, len, "%.*ssim/profiles/%s", root, f, name);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *dump_to_string(const struct fx_cost *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fx_cost_dump(c, f);
	fclose(f);
	return buf;
}

/* ---- tests ---- */

static void test_defaults(void **state)
{
	struct fx_cost c;
	unsigned n = 0;

	(void)state;
	fx_cost_defaults(&c);
	assert_string_equal(c.profile, "builtin");
	/* ns are held as ps, decimals included */
	assert_int_equal(c.v[FX_COST_syscall_entry], 84900);
	assert_int_equal(c.v[FX_COST_line_hit], 1100);
	assert_int_equal(c.v[FX_COST_hash_default], 5320);
	assert_int_equal(c.v[FX_COST_sched_slice], 700000000ull);
	/* distances are stored as given */
	assert_int_equal(c.v[FX_COST_dist_local], 10);
	assert_int_equal(c.v[FX_COST_dist_package], 11);
	assert_int_equal(c.v[FX_COST_dist_remote], 21);
	assert_int_equal(c.dist_n, 0);
	/* names: one per id, distinct, dotted */
	for (int i = 0; i < FX_COST_NR; i++) {
		const char *a = fx_cost_name((enum fx_cost_id)i);

		assert_non_null(a);
		assert_non_null(strchr(a, '.'));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(a, fx_cost_name((enum fx_cost_id)j));
	}
	assert_string_equal(fx_cost_name(FX_COST_line_xfer), "line.xfer");
	assert_null(fx_cost_name(FX_COST_NR));
	/* every registered hasher has its own entry */
	for (const struct fx_hasher *const *h = fx_hashers; *h; h++, n++)
		assert_true(hash_index(&c, (*h)->name) >= 0);
	assert_int_equal(c.nhash, n);
	/* fx_cost_xfer / fx_cost_mem scale linearly by distance / 10 */
	assert_int_equal(fx_cost_xfer(&c, 10), c.v[FX_COST_line_xfer]);
	assert_int_equal(fx_cost_xfer(&c, 21),
			 c.v[FX_COST_line_xfer] * 21 / 10);
	assert_int_equal(fx_cost_mem(&c, 21), c.v[FX_COST_mem_local] * 21 / 10);
}

static void test_decimals_exact(void **state)
{
	struct fx_cost c;

	(void)state;
	load_ok(&c, "line.xfer = 4.25\n");
	assert_int_equal(c.v[FX_COST_line_xfer], 4250);
	load_ok(&c, "line.xfer=0.001");		/* no newline at the end */
	assert_int_equal(c.v[FX_COST_line_xfer], 1);
	load_ok(&c, "line.xfer = 0.1\nmem.local = 90\n");
	assert_int_equal(c.v[FX_COST_line_xfer], 100);
	assert_int_equal(c.v[FX_COST_mem_local], 90000);
	load_ok(&c, "line.xfer = 12.500   # trailing zeros\n");
	assert_int_equal(c.v[FX_COST_line_xfer], 12500);
	load_ok(&c, "line.xfer = 0\n");
	assert_int_equal(c.v[FX_COST_line_xfer], 0);
	load_ok(&c, "line.xfer = 0.07\n");	/* 0.07 has no exact binary form */
	assert_int_equal(c.v[FX_COST_line_xfer], 70);
	load_ok(&c, "sched.slice = 1000000000000\n");	/* the largest value */
	assert_int_equal(c.v[FX_COST_sched_slice], 1000000000000000ull);
	/* comments, blank lines, blanks and tabs around the '=' */
	load_ok(&c, "# a profile\n\n\t  \nuser.atomic\t=\t3.5 # cmpxchg\n  # end\n");
	assert_int_equal(c.v[FX_COST_uatomic], 3500);
	/* what the file does not name keeps its value */
	assert_int_equal(c.v[FX_COST_syscall_entry], 84900);
}

static void test_set_overrides(void **state)
{
	struct fx_cost c;
	char err[256] = "";

	(void)state;
	fx_cost_defaults(&c);
	assert_int_equal(fx_cost_set(&c, "line.xfer=45.5", err, sizeof(err)), 0);
	assert_int_equal(c.v[FX_COST_line_xfer], 45500);
	assert_int_equal(fx_cost_set(&c, " line.xfer = 46 ", err, sizeof(err)), 0);
	assert_int_equal(c.v[FX_COST_line_xfer], 46000);
	/* the same name again is an override, not a duplicate */
	assert_int_equal(fx_cost_set(&c, "line.xfer=47", err, sizeof(err)), 0);
	assert_int_equal(c.v[FX_COST_line_xfer], 47000);
	assert_int_equal(fx_cost_set(&c, "distance.remote=31", err, sizeof(err)), 0);
	assert_int_equal(c.v[FX_COST_dist_remote], 31);
	assert_int_equal(fx_cost_set(&c, "hash.xxh3=1.5", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_hash(&c, "xxh3"), 1500);
	assert_int_equal(fx_cost_set(&c, "distance.matrix=10 21, 21 10", err,
				     sizeof(err)), 0);
	assert_int_equal(c.dist_n, 2);
	assert_string_equal(c.profile, "builtin");
	/* a file, then --cost on top of it */
	load_ok(&c, "line.xfer = 60\nmem.local = 100\n");
	assert_int_equal(fx_cost_set(&c, "mem.local=120", err, sizeof(err)), 0);
	assert_int_equal(c.v[FX_COST_line_xfer], 60000);
	assert_int_equal(c.v[FX_COST_mem_local], 120000);
}

static void test_load_errors(void **state)
{
	char err[256];
	struct fx_cost c;

	(void)state;
	load_err("foo = 1\n", 1,
		 "unknown parameter 'foo' (see futexsim run --cost-dump for the list)");
	load_err("# header\n\nline.xfer = 1\nline.xfr = 2\n", 4,
		 "unknown parameter 'line.xfr' (see futexsim run --cost-dump for the list)");
	load_err("just some junk\n", 1,
		 "expected 'name = value', got 'just some junk'");
	load_err("= 4\n", 1, "expected 'name = value', the name is missing");
	load_err("line xfer = 4\n", 1,
		 "expected 'name = value', got the name 'line xfer' with a blank in it");
	load_err("line.xfer =\n", 1,
		 "line.xfer: missing value (expected a number of ns, e.g. 4.25)");
	load_err("line.xfer = -3\n", 1,
		 "line.xfer: negative value '-3' (costs are >= 0 ns)");
	load_err("line.xfer = 4.2501\n", 1,
		 "line.xfer: '4.2501' has more than 3 decimals (the model counts whole picoseconds: write at most 0.001 ns)");
	load_err("line.xfer = 4.2x\n", 1,
		 "line.xfer: expected a non-negative number of ns (e.g. 4.25), got '4.2x'");
	load_err("line.xfer = 4 ns\n", 1,
		 "line.xfer: expected a non-negative number of ns (e.g. 4.25), got '4 ns'");
	load_err("line.xfer = 4.\n", 1,
		 "line.xfer: expected a non-negative number of ns (e.g. 4.25), got '4.'");
	load_err("line.xfer = .5\n", 1,
		 "line.xfer: expected a non-negative number of ns (e.g. 4.25), got '.5'");
	load_err("line.xfer = 1e3\n", 1,
		 "line.xfer: expected a non-negative number of ns (e.g. 4.25), got '1e3'");
	load_err("line.xfer = 1000000000000.001\n", 1,
		 "line.xfer: value '1000000000000.001' is too large (at most 1000000000000 ns)");
	load_err("line.xfer = 99999999999999999999999\n", 1,
		 "line.xfer: value '99999999999999999999999' is too large (at most 1000000000000 ns)");
	load_err("line.xfer = 1\nmem.local = 2\nline.xfer = 3\n", 3,
		 "duplicate parameter 'line.xfer' (first set on line 1)");
	load_err("hash.jhash2 = 1\nhash.jhash2 = 2\n", 2,
		 "duplicate parameter 'hash.jhash2' (first set on line 1)");
	{
		char msg[1024];

		snprintf(msg, sizeof(msg),
			 "unknown hasher 'nope' in 'hash.nope' (hashers: %s)",
			 fx_hasher_names());
		load_err("hash.nope = 1\n", 1, msg);
	}
	load_err("distance.remote = 21.5\n", 1,
		 "distance.remote: expected an integer distance (10..254, ACPI SLIT style: 10 = local), got '21.5'");
	load_err("distance.remote = 9\n", 1,
		 "distance.remote: distance 9 out of range (10..254; 10 = local, as in the ACPI SLIT)");
	load_err("distance.remote = 255\n", 1,
		 "distance.remote: distance 255 out of range (10..254; 10 = local, as in the ACPI SLIT)");
	load_err("distance.remote = -21\n", 1,
		 "distance.remote: negative value '-21' (distances are 10..254, 10 = local)");
	load_err("distance.matrix = 10 21, 21\n", 1,
		 "distance.matrix: row 2 has 1 entries, row 1 has 2 (the matrix must be square)");
	load_err("distance.matrix = 10 21, 21 10, 10 21\n", 1,
		 "distance.matrix: more than 2 rows (row 1 has 2 entries; the matrix must be square)");
	load_err("distance.matrix = 10 21 21, 21 10 21\n", 1,
		 "distance.matrix: 2 rows of 3 entries (the matrix must be square)");
	load_err("distance.matrix = 10 21, 21 11\n", 1,
		 "distance.matrix: entry [1][1] is 11; a node's distance to itself must be 10");
	load_err("distance.matrix = 10 9, 21 10\n", 1,
		 "distance.matrix: distance 9 out of range (10..254; 10 = local, as in the ACPI SLIT)");
	load_err("distance.matrix = 10 x, 21 10\n", 1,
		 "distance.matrix: expected an integer distance (10..254, ACPI SLIT style: 10 = local), got 'x'");
	load_err("distance.matrix = 10 21,, 21 10\n", 1,
		 "distance.matrix: row 2 is empty (expected rows of distances separated by ',' or ';', e.g. '10 21, 21 10')");
	load_err("distance.matrix =\n", 1,
		 "distance.matrix: missing value (expected rows of distances, e.g. '10 21, 21 10')");
	load_err("distance.matrix = 10 21, 21 10\ndistance.matrix = 10\n", 2,
		 "duplicate parameter 'distance.matrix' (first set on line 1)");
	/* an error on a later line leaves the earlier ones unapplied too */
	load_err("line.xfer = 1\nmem.local = 2\nbogus = 3\n", 3,
		 "unknown parameter 'bogus' (see futexsim run --cost-dump for the list)");

	/* a file that cannot be opened: -errno, the path, profile untouched */
	fx_cost_defaults(&c);
	assert_int_equal(fx_cost_load(&c, "/nonexistent/x.prof", err,
				      sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/x.prof: cannot open cost profile: No such file or directory");
	assert_string_equal(c.profile, "builtin");
}

static void test_set_errors(void **state)
{
	(void)state;
	set_err("foo=1",
		"unknown parameter 'foo' (see futexsim run --cost-dump for the list)");
	set_err("line.xfer", "expected 'name = value', got 'line.xfer'");
	set_err("", "expected name=value, e.g. --cost line.xfer=45.5");
	set_err("line.xfer=-1", "line.xfer: negative value '-1' (costs are >= 0 ns)");
	set_err("line.xfer=1.0001",
		"line.xfer: '1.0001' has more than 3 decimals (the model counts whole picoseconds: write at most 0.001 ns)");
	set_err("line.xfer=abc",
		"line.xfer: expected a non-negative number of ns (e.g. 4.25), got 'abc'");
	set_err("line.xfer=4 # c", "expected name=value, got a '#' (no comments in --cost)");
	set_err("distance.local=5",
		"distance.local: distance 5 out of range (10..254; 10 = local, as in the ACPI SLIT)");
	set_err("distance.matrix=10 21",
		"distance.matrix: 1 rows of 2 entries (the matrix must be square)");
}

static void test_dump_roundtrip(void **state)
{
	struct fx_cost c, back;
	char err[256] = "";
	char *text, *path;
	int j;

	(void)state;
	/* the defaults */
	fx_cost_defaults(&c);
	text = dump_to_string(&c);
	path = tmpfile_with(text);
	fx_cost_defaults(&back);
	assert_int_equal(fx_cost_load(&back, path, err, sizeof(err)), 0);
	assert_same_values(&c, &back);
	drop(path);
	free(text);

	/* changed values, a hasher that follows hash.default, a matrix */
	fx_cost_defaults(&c);
	assert_int_equal(fx_cost_set(&c, "line.xfer=4.25", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_set(&c, "mem.local=0.001", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_set(&c, "sched.slice=1000000000000", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_set(&c, "hash.default=7", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_set(&c, "hash.siphash=20.125", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_set(&c, "distance.package=12", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_set(&c, "distance.matrix=10 12 21; 12 10 21; 21 30 10",
				     err, sizeof(err)), 0);
	j = hash_index(&c, "fnv1a");
	assert_true(j >= 0);
	c.hash_ps[j] = FX_COST_HASH_DEFAULT;
	text = dump_to_string(&c);
	assert_non_null(strstr(text, "\nline.xfer = 4.25  # changed from the built-in 42.7 ("));
	assert_non_null(strstr(text, "\nmem.local = 0.001  #"));
	assert_non_null(strstr(text, "\nsched.slice = 1000000000000  #"));
	assert_non_null(strstr(text, "\nhash.siphash = 20.125  #"));
	assert_non_null(strstr(text, "\nhash.fnv1a = default  # follows hash.default (no figure of its own)\n"));
	assert_non_null(strstr(text, "\ndistance.matrix = 10 12 21, 12 10 21, 21 30 10  #"));
	path = tmpfile_with(text);
	fx_cost_defaults(&back);
	assert_int_equal(fx_cost_load(&back, path, err, sizeof(err)), 0);
	assert_same_values(&c, &back);
	assert_int_equal(fx_cost_hash(&back, "fnv1a"), 7000);
	/* and again: the dump of the loaded profile is the same text but for
	 * its first line, the origin */
	{
		char *again = dump_to_string(&back);

		assert_string_equal(strchr(text, '\n'), strchr(again, '\n'));
		free(again);
	}
	drop(path);
	free(text);
}

static void test_hash_lookup(void **state)
{
	struct fx_cost c;
	char err[256] = "";
	int j;

	(void)state;
	fx_cost_defaults(&c);
	/* docs/bench.md, 16-byte key */
	assert_int_equal(fx_cost_hash(&c, "jhash2"), 5320);
	assert_int_equal(fx_cost_hash(&c, "xxh3"), 3014);
	assert_int_equal(fx_cost_hash(&c, "siphash"), 17489);
	assert_int_equal(fx_cost_hash(&c, "lowbits"), 1440);
	/* not a hasher with an entry: hash.default */
	assert_int_equal(fx_cost_hash(&c, "nope"), 5320);
	assert_int_equal(fx_cost_hash(&c, NULL), 5320);
	assert_int_equal(fx_cost_set(&c, "hash.default=9", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_hash(&c, "nope"), 9000);
	assert_int_equal(fx_cost_hash(&c, "jhash2"), 5320);
	/* an entry without a figure follows hash.default ... */
	j = hash_index(&c, "murmur3");
	c.hash_ps[j] = FX_COST_HASH_DEFAULT;
	assert_int_equal(fx_cost_hash(&c, "murmur3"), 9000);
	assert_int_equal(fx_cost_set(&c, "hash.default=10", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_hash(&c, "murmur3"), 10000);
	/* ... until it is given one */
	assert_int_equal(fx_cost_set(&c, "hash.murmur3=6", err, sizeof(err)), 0);
	assert_int_equal(fx_cost_hash(&c, "murmur3"), 6000);
	/* "default" makes a hasher follow hash.default again */
	assert_int_equal(fx_cost_set(&c, "hash.murmur3=default", err, sizeof(err)), 0);
	assert_int_equal(c.hash_ps[j], FX_COST_HASH_DEFAULT);
	assert_int_equal(fx_cost_hash(&c, "murmur3"), 10000);
}

static void test_distance_matrix(void **state)
{
	struct fx_cost c;
	static const unsigned two[] = { 10, 21, 21, 10 };
	static const unsigned three[] = { 10, 11, 21, 11, 10, 21, 21, 21, 10 };
	static const unsigned asym[] = { 10, 20, 30, 10 };

	(void)state;
	load_ok(&c, "distance.matrix = 10 21, 21 10\n");
	assert_int_equal(c.dist_n, 2);
	assert_memory_equal(c.dist, two, sizeof(two));
	load_ok(&c, "distance.matrix = 10 11 21; 11 10 21; 21 21 10\n");
	assert_int_equal(c.dist_n, 3);
	assert_memory_equal(c.dist, three, sizeof(three));
	/* symmetry is not required; a trailing separator is fine */
	load_ok(&c, "distance.matrix = 10 20 ,30 10;\n");
	assert_int_equal(c.dist_n, 2);
	assert_memory_equal(c.dist, asym, sizeof(asym));
	load_ok(&c, "distance.matrix = 10\n");
	assert_int_equal(c.dist_n, 1);
	assert_int_equal(c.dist[0], 10);
	/* the largest matrix */
	{
		char *text = malloc(64 * 64 * 6 + 64);
		size_t off = 0;

		off += (size_t)sprintf(text, "distance.matrix =");
		for (int i = 0; i < FX_COST_MAX_NODES; i++)
			for (int k = 0; k < FX_COST_MAX_NODES; k++)
				off += (size_t)sprintf(text + off, " %d%s",
						       i == k ? 10 : 20 + (i + k) % 200,
						       k == FX_COST_MAX_NODES - 1 ? "," : "");
		load_ok(&c, text);
		assert_int_equal(c.dist_n, FX_COST_MAX_NODES);
		assert_int_equal(c.dist[1 * FX_COST_MAX_NODES + 2], 23);
		assert_int_equal(c.dist[63 * FX_COST_MAX_NODES + 63], 10);
		strcat(text, " 10");	/* a 65th row */
		{
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "distance.matrix: more than %u rows (row 1 has %u entries; the matrix must be square)",
				 FX_COST_MAX_NODES, FX_COST_MAX_NODES);
			load_err(text, 1, msg);
		}
		free(text);
	}
}

static void test_shipped_profiles(void **state)
{
	struct fx_cost c, def;
	char path[4096], err[512] = "";
	char *text, *dump;

	(void)state;
	/* default.prof is the dump of the built-in values, byte for byte */
	profile_path(path, sizeof(path), "default.prof");
	fx_cost_defaults(&def);
	text = slurp(path);
	dump = dump_to_string(&def);
	assert_string_equal(text, dump);
	free(text);
	free(dump);
	fx_cost_defaults(&c);
	if (fx_cost_load(&c, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_same_values(&c, &def);
	assert_string_equal(c.profile, path);

	/* xeon-2s.prof loads over the defaults, and sets what it says */
	profile_path(path, sizeof(path), "xeon-2s.prof");
	fx_cost_defaults(&c);
	if (fx_cost_load(&c, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.v[FX_COST_line_xfer], 47000);
	assert_int_equal(c.v[FX_COST_chain_step_remote], 135000);
	assert_int_equal(c.v[FX_COST_mem_local], 90000);
	assert_int_equal(c.v[FX_COST_idle_exit], 2000000);
	assert_int_equal(c.v[FX_COST_dist_remote], 21);
	/* and what it does not set keeps the built-in value */
	assert_int_equal(c.v[FX_COST_syscall_entry], def.v[FX_COST_syscall_entry]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_decimals_exact),
		cmocka_unit_test(test_set_overrides),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_hash_lookup),
		cmocka_unit_test(test_distance_matrix),
		cmocka_unit_test(test_shipped_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
