// SPDX-License-Identifier: MIT
/*
 * trace_bench.c - speed of the trace tools (make bench-trace;
 * docs/trace-import.md, docs/trace-replay.md "Speed").
 *
 *   trace_bench [--lines N] [--records N] [--runs R] [--dir DIR] [--keep]
 *               [OUT.csv]
 *
 * Generates its inputs deterministically (a fixed linear-congruential
 * sequence) in DIR (default $TMPDIR or /tmp):
 *
 *  - an strace -f -ttt -T text of N lines (default 2,000,000) from one
 *    process of 64 threads over 1000 private futexes: 45 % FUTEX_WAIT
 *    failing with EAGAIN, 45 % FUTEX_WAKE, 10 % waits that block, written
 *    as "<unfinished ...>" then "<... futex resumed>" lines;
 *  - a binary trace of N records (default 10,000,000) of the same kind of
 *    program, the open-loop replay's usual load: half EAGAIN waits, half
 *    wakes (mostly of buckets without waiters), 0.05 % blocking waits.
 *
 * Then times, R times each (default 5): strace import to the text form,
 * strace import to the binary form (parser + reorder queue + writer, as
 * "futexsim trace import" runs them), and the open-loop replay of the
 * binary trace on one configuration (jhash2, private layout, 4 CPUs;
 * reader included, as "futexsim trace replay" runs it).  Prints the
 * median of each as lines/s or records/s and writes them, with min and
 * max, to OUT.csv (default results/sim-bench/trace.csv), whole or not at
 * all.  The generated files are removed at the end, unless --keep.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "cli/cli.h"
#include "trace/openloop.h"
#include "trace/strace.h"
#include "trace/trace.h"

#define NTHR	64
#define NFUTEX	1000
#define MAXRUNS	15

struct params {
	uint64_t lines, records;
	unsigned runs;
	bool keep;
	const char *dir, *out;
};

static uint64_t lcg_state = 0x2545f4914f6cdd1dull;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg_state >> 33);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* die - "trace_bench: WHAT ARG" and exit 1 */
static void die(const char *what, const char *arg)
	__attribute__((noreturn));

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "trace_bench: %s %s\n", what, arg);
	exit(1);
}

/* ---- inputs ---- */

static uint64_t faddr(uint32_t i)
{
	return 0x7f0000001000ull + 64ull * i;
}

static void gen_strace(const char *path, uint64_t lines)
{
	FILE *f = fopen(path, "w");
	bool pend[NTHR] = { false };
	uint64_t pend_addr[NTHR], us = 1795491490000000ull;

	if (!f)
		die("cannot create", path);
	lcg_state = 0x2545f4914f6cdd1dull;
	for (uint64_t n = 0; n < lines; n++) {
		unsigned t = lcg() % NTHR, tid = 2000 + t, r = lcg() % 100;
		uint64_t a = faddr(lcg() % NFUTEX);

		us += 1 + lcg() % 3;
		fprintf(f, "%u  %" PRIu64 ".%06" PRIu64 " ", tid, us / 1000000,
			us % 1000000);
		if (pend[t]) {
			fprintf(f, "<... futex resumed>) = 0 <0.%06u>\n",
				10 + lcg() % 500);
			pend[t] = false;
		} else if (r < 45) {
			fprintf(f, "futex(0x%" PRIx64 ", FUTEX_WAIT_PRIVATE, 2, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000004>\n",
				a);
		} else if (r < 90) {
			fprintf(f, "futex(0x%" PRIx64 ", FUTEX_WAKE_PRIVATE, 1) = %u <0.000003>\n",
				a, lcg() % 2);
		} else {
			pend_addr[t] = a;
			pend[t] = true;
			fprintf(f, "futex(0x%" PRIx64 ", FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n",
				pend_addr[t]);
		}
	}
	if (fclose(f))
		die("cannot write", path);
}

static void gen_binary(const char *path, uint64_t records)
{
	struct fx_trace_meta meta = { .cpus = 4, .nodes = 1, .slots = -1 };
	struct fx_trace_writer *w;
	char err[256];
	uint64_t t = 0;

	snprintf(meta.source, sizeof(meta.source), "synthetic");
	snprintf(meta.program, sizeof(meta.program), "trace_bench");
	if (fx_trace_create(path, true, &meta, &w, err, sizeof(err)))
		die("error:", err);
	lcg_state = 0x9e3779b97f4a7c15ull;
	for (uint64_t n = 0; n < records; n++) {
		uint32_t r = lcg() % 20000, tid = 3000 + lcg() % NTHR;
		struct fx_trace_rec rec = {
			.t_ns = t, .dur_ns = 2000, .pid = 3000, .tid = tid,
			.cpu = (uint16_t)(tid % 4), .kind = FX_TR_FUTEX,
			.uaddr = faddr(lcg() % NFUTEX), .val = 2,
			.val2 = FX_TR_NO_TIMEOUT, .val3 = FX_BITSET_MATCH_ANY };

		t += 1000;
		if (r < 10) {		/* 0.05 %: blocks for 0.2 ms */
			rec.op = FX_OP_WAIT | FX_PRIVATE_FLAG;
			rec.dur_ns = 200000;
		} else if (r < 10000) {
			rec.op = FX_OP_WAIT | FX_PRIVATE_FLAG;
			rec.ret = -EAGAIN;
		} else {
			rec.op = FX_OP_WAKE | FX_PRIVATE_FLAG;
			rec.val = 1;
			rec.val2 = 0;
		}
		if (fx_trace_write(w, &rec))
			die("cannot write", path);
	}
	if (fx_trace_commit(w, err, sizeof(err)))
		die("error:", err);
}

/* ---- the timed runs ---- */

struct imp {
	const char *out;
	bool binary;
	struct fx_strace *p;
	struct fx_trace_writer *w;
	char err[256];
};

static int imp_emit(void *ctx, const struct fx_trace_rec *rec)
{
	struct imp *c = ctx;
	struct fx_trace_meta meta = { .slots = -1 };

	if (!c->w && fx_trace_create(c->out, c->binary, &meta, &c->w, c->err,
				     sizeof(c->err)))
		return -EIO;
	return fx_trace_write(c->w, rec);
}

/* import - one strace import; Return: seconds */
static double import(const char *in_path, const char *out, bool binary)
{
	struct imp c = { .out = out, .binary = binary };
	char err[256];
	FILE *in = fopen(in_path, "r");
	double t0 = now_sec();

	if (!in)
		die("cannot open", in_path);
	c.p = fx_strace_new(in_path, 0, imp_emit, &c);
	if (!c.p)
		die("out of", "memory");
	if (fx_strace_run(c.p, in, false, err, sizeof(err)) || !c.w)
		die("import failed:", err);
	if (fx_trace_commit(c.w, err, sizeof(err)))
		die("error:", err);
	t0 = now_sec() - t0;
	fclose(in);
	fx_strace_free(c.p);
	return t0;
}

/* replay - one open-loop replay of a binary trace; Return: seconds */
static double replay(const char *path, uint64_t *nrec)
{
	struct fx_openloop_config cfg = {
		.hasher = fx_hasher_find("jhash2"),
		.layout = fx_layout_find("private"), .ncpus = 4, .nnodes = 1 };
	struct fx_trace_reader *rd;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	struct fx_openloop *ol;
	char err[256];
	double t0 = now_sec();
	int rc;

	*nrec = 0;
	if (fx_openloop_new(&cfg, &ol, err, sizeof(err)))
		die("error:", err);
	if (fx_trace_open(path, &rd, &meta, err, sizeof(err)))
		die("error:", err);
	while ((rc = fx_trace_next(rd, &rec, err, sizeof(err))) == 1) {
		(*nrec)++;
		if (fx_openloop_add(ol, &rec))
			die("replay:", fx_openloop_errmsg(ol));
	}
	if (rc < 0)
		die("error:", err);
	if (fx_openloop_finish(ol))
		die("replay:", fx_openloop_errmsg(ol));
	t0 = now_sec() - t0;
	fx_trace_close(rd);
	fx_openloop_free(ol);
	return t0;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct row {
	const char *name, *unit;
	double v[MAXRUNS];
};

static uint64_t parse_n(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end || !v || v > max)
		die("bad number for", opt);
	return v;
}

int main(int argc, char **argv)
{
	struct params p = { .lines = 2000000, .records = 10000000, .runs = 5,
			    .out = "results/sim-bench/trace.csv" };
	struct row rows[3] = {
		{ .name = "import_strace_text", .unit = "lines/s" },
		{ .name = "import_strace_binary", .unit = "lines/s" },
		{ .name = "replay_openloop", .unit = "records/s" },
	};
	char st[4096], tx[4096], bn[4096], rp[4096], *tmp;
	const char *dir;
	uint64_t nrec = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lines") && i + 1 < argc)
			p.lines = parse_n("--lines", argv[++i], 1ull << 32);
		else if (!strcmp(argv[i], "--records") && i + 1 < argc)
			p.records = parse_n("--records", argv[++i], 1ull << 32);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			p.runs = (unsigned)parse_n("--runs", argv[++i], MAXRUNS);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			p.dir = argv[++i];
		else if (!strcmp(argv[i], "--keep"))
			p.keep = true;
		else if (argv[i][0] == '-')
			die("unknown option (expected --lines N, --records N, --runs R, --dir DIR, OUT.csv):",
			    argv[i]);
		else
			p.out = argv[i];
	}
	dir = p.dir ? p.dir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(st, sizeof(st), "%s/fx-trace-bench-%d.strace", dir, (int)getpid());
	snprintf(tx, sizeof(tx), "%s/fx-trace-bench-%d.txt", dir, (int)getpid());
	snprintf(bn, sizeof(bn), "%s/fx-trace-bench-%d.fxt", dir, (int)getpid());
	snprintf(rp, sizeof(rp), "%s/fx-trace-bench-%d.replay.fxt", dir, (int)getpid());
	fprintf(stderr, "trace_bench: generating %" PRIu64 " strace lines and %" PRIu64 " records in %s\n",
		p.lines, p.records, dir);
	gen_strace(st, p.lines);
	gen_binary(rp, p.records);
	for (unsigned r = 0; r < p.runs; r++) {
		rows[0].v[r] = (double)p.lines / import(st, tx, false);
		rows[1].v[r] = (double)p.lines / import(st, bn, true);
		rows[2].v[r] = replay(rp, &nrec);
		rows[2].v[r] = (double)nrec / rows[2].v[r];
	}
	if (!p.keep) {
		unlink(st);
		unlink(tx);
		unlink(bn);
		unlink(rp);
	}

	{
		char *slash = strrchr(p.out, '/');

		if (slash) {
			char d[4096];

			snprintf(d, sizeof(d), "%.*s", (int)(slash - p.out), p.out);
			for (char *q = d + 1; *q; q++)
				if (*q == '/') {
					*q = 0;
					mkdir(d, 0777);
					*q = '/';
				}
			mkdir(d, 0777);
		}
	}
	if (fx_cli_tmpfile("trace_bench", p.out, &tmp, &f))
		return 1;
	fprintf(f, "# trace_bench: %" PRIu64 " strace lines, %" PRIu64 " records, %u runs\n",
		p.lines, p.records, p.runs);
	fprintf(f, "benchmark,unit,median,min,max,runs\n");
	printf("%-22s %14s %14s %14s\n", "benchmark", "median", "min", "max");
	for (int i = 0; i < 3; i++) {
		double *v = rows[i].v;

		qsort(v, p.runs, sizeof(*v), dbl_cmp);
		fprintf(f, "%s,%s,%.0f,%.0f,%.0f,%u\n", rows[i].name, rows[i].unit,
			v[p.runs / 2], v[0], v[p.runs - 1], p.runs);
		printf("%-22s %14.0f %14.0f %14.0f %s\n", rows[i].name,
			v[p.runs / 2], v[0], v[p.runs - 1], rows[i].unit);
	}
	if (fx_cli_tmpfile_close("trace_bench", p.out, tmp, f) ||
	    fx_cli_tmpfile_commit("trace_bench", p.out, tmp))
		return 1;
	printf("wrote %s\n", p.out);
	return 0;
}
