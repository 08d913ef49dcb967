// SPDX-License-Identifier: MIT
/*
 * trace_import.c - futexsim trace import: strace output into a trace
 * (docs/trace-import.md).  The parsing is sim/trace/strace.c; this is the
 * command line and the writer.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trace/bpftrace.h"
#include "trace/import.h"
#include "trace/perftrace.h"
#include "trace/strace.h"
#include "trace/trace.h"

#define CMD "trace import"

static const char usage_text[] =
"usage: futexsim trace import [--from strace] FILE -o OUT [OPTIONS]\n\n"
"Imports the output of\n"
"  strace -f -ttt -T -o FILE -e trace=futex,futex_waitv,futex_wait,futex_wake,\\\n"
"      futex_requeue,set_robust_list,set_tid_address,clone,clone3,exit,\\\n"
"      exit_group,mmap PROGRAM\n"
"into a trace (workloads/FORMAT.md); FILE '-' is stdin.  Lines may carry\n"
"'[pid N]' prefixes (strace -f to stderr) or 'N ' prefixes (-o FILE).\n\n"
"options:\n"
"  --from SRC     input kind: strace, perf (perf trace -o FILE) or bpftrace\n"
"                 (workloads/futex.bt's output)\n"
"  -o, --output OUT  the trace to write (written whole or not at all)\n"
"  --text         text form (default)\n"
"  --binary       binary form\n"
"  --skip-bad     skip malformed lines with a warning instead of failing\n"
"  --window N     reorder window in records (default 262144): a call still\n"
"                 in flight when N later records wait behind it is\n"
"                 written as unfinished\n"
"  --pid N        thread of lines without a pid prefix (default 0)\n"
"  --program NAME what was traced (meta.program; default FILE's name)\n"
"  --maps MAPS    (strace) the capture's /proc/PID/maps snapshots\n"
"                 (capture.sh's FILE.maps, uncompressed): their shared\n"
"                 mappings become map records, traced mmaps get their file\n";

struct import_ctx {
	const char *out;
	bool binary;
	struct fx_trace_meta meta;
	const char *program;
	struct fx_strace *p;
	struct fx_trace_writer *w;
	int werr;
	char err[512];
	struct fx_tr_maps *maps;	/* --maps, or NULL */
	const struct fx_trace_rec *mrec;
	size_t nmrec, mi;
	uint64_t mwritten, mfilled;
};

/* maps_upto - the snapshot MAP records up to trace time @t (all: ~0) */
static int maps_upto(struct import_ctx *c, uint64_t t)
{
	const struct fx_strace_stats *st = fx_strace_stats(c->p);

	while (c->mi < c->nmrec) {
		struct fx_trace_rec r = c->mrec[c->mi];
		int rc;

		r.t_ns = r.t_ns > st->epoch_ns ? r.t_ns - st->epoch_ns : 0;
		if (r.t_ns > t)
			break;
		rc = fx_trace_write(c->w, &r);
		if (rc) {
			c->werr = rc;
			snprintf(c->err, sizeof(c->err), "%s: %s", c->out,
				 strerror(rc < 0 ? -rc : rc));
			return rc;
		}
		c->mi++;
		c->mwritten++;
	}
	return 0;
}

/* the header waits for the first record: it carries the epoch */
static int open_writer(struct import_ctx *c)
{
	const struct fx_strace_stats *st = fx_strace_stats(c->p);

	if (st->have_epoch)
		snprintf(c->meta.program, sizeof(c->meta.program),
			 "%.80s epoch=%llu.%09llu", c->program,
			 (unsigned long long)(st->epoch_ns / 1000000000ull),
			 (unsigned long long)(st->epoch_ns % 1000000000ull));
	else
		snprintf(c->meta.program, sizeof(c->meta.program), "%s",
			 c->program);
	c->werr = fx_trace_create(c->out, c->binary, &c->meta, &c->w, c->err,
				  sizeof(c->err));
	return c->werr;
}

static int emit(void *ctx, const struct fx_trace_rec *rec)
{
	struct import_ctx *c = ctx;
	int rc;

	if (!c->w && open_writer(c))
		return c->werr;
	if (c->maps) {
		const struct fx_strace_stats *st = fx_strace_stats(c->p);

		if (!st->have_epoch) {
			c->werr = -EINVAL;
			snprintf(c->err, sizeof(c->err), "--maps: the strace lines carry no absolute times (expected strace -ttt)");
			return c->werr;
		}
		if ((rc = maps_upto(c, rec->t_ns)))
			return rc;
		if (rec->kind == FX_TR_MAP && !rec->inode && (rec->op & 1)) {
			struct fx_trace_rec r = *rec;

			if (fx_tr_maps_fill(c->maps, &r, r.t_ns + st->epoch_ns)) {
				c->mfilled++;
				rec = &r;
				rc = fx_trace_write(c->w, rec);
				goto written;
			}
		}
	}
	rc = fx_trace_write(c->w, rec);
written:
	if (rc) {
		c->werr = rc;
		snprintf(c->err, sizeof(c->err), "%s: %s", c->out,
			 strerror(rc < 0 ? -rc : rc));
	}
	return rc;
}

/* --from perf / bpftrace: sim/trace/perftrace.c, sim/trace/bpftrace.c */
struct other_ctx {
	struct import_ctx *c;
	struct fx_bpftrace *bt;	/* NULL: perf */
};

static int other_open(struct other_ctx *o)
{
	struct import_ctx *c = o->c;
	const struct fx_bpftrace_stats *st = o->bt ? fx_bpftrace_stats(o->bt) : NULL;

	if (st && st->have_epoch)
		snprintf(c->meta.program, sizeof(c->meta.program),
			 "%.80s epoch=%llu.%09llu", c->program,
			 (unsigned long long)(st->epoch_ns / 1000000000ull),
			 (unsigned long long)(st->epoch_ns % 1000000000ull));
	else
		snprintf(c->meta.program, sizeof(c->meta.program), "%s",
			 c->program);
	c->werr = fx_trace_create(c->out, c->binary, &c->meta, &c->w, c->err,
				  sizeof(c->err));
	return c->werr;
}

static int other_emit(void *ctx, const struct fx_trace_rec *rec)
{
	struct other_ctx *o = ctx;
	struct import_ctx *c = o->c;
	int rc;

	if (!c->w && other_open(o))
		return c->werr;
	rc = fx_trace_write(c->w, rec);
	if (rc) {
		c->werr = rc;
		snprintf(c->err, sizeof(c->err), "%s: %s", c->out,
			 strerror(rc < 0 ? -rc : rc));
	}
	return rc;
}

static int import_other(struct import_ctx *c, const char *from, int argc,
			char **argv, bool skip_bad, size_t window,
			uint64_t pid)
{
	struct other_ctx o = { .c = c };
	struct fx_perftrace *pt = NULL;
	const char *in_path;
	uint64_t lines, records, unfinished, evicted, late, orphans, bad;
	const char *first_bad;
	char err[512];
	FILE *in;
	int rc;

	if (optind + 1 != argc)
		return fx_cli_error(CMD, "expected one input FILE (%s output), got %d",
				    from, argc - optind);
	if (!c->out)
		return fx_cli_error(CMD, "no output given (expected -o OUT)");
	in_path = argv[optind];
	if (!c->program) {
		const char *slash = strrchr(in_path, '/');

		c->program = slash ? slash + 1 : in_path;
	}
	in = strcmp(in_path, "-") ? fopen(in_path, "r") : stdin;
	if (!in)
		return fx_cli_error(CMD, "%s: %s", in_path, strerror(errno));
	c->meta.slots = -1;
	snprintf(c->meta.source, sizeof(c->meta.source), "%s", from);
	if (!strcmp(from, "perf")) {
		pt = fx_perftrace_new(in_path, window, other_emit, &o);
		if (pt && pid)
			fx_perftrace_set_pid(pt, (uint32_t)pid);
	} else {
		o.bt = fx_bpftrace_new(in_path, window, other_emit, &o);
	}
	if (!pt && !o.bt) {
		if (in != stdin)
			fclose(in);
		return fx_cli_error(CMD, "out of memory");
	}
	snprintf(err, sizeof(err), "%s: out of memory", in_path);
	rc = pt ? fx_perftrace_run(pt, in, skip_bad, err, sizeof(err))
		: fx_bpftrace_run(o.bt, in, skip_bad, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (!rc && !c->w)
		rc = other_open(&o);	/* a trace without records */
	if (!rc) {
		rc = fx_trace_commit(c->w, c->err, sizeof(c->err));
		if (rc)
			c->werr = rc;
	} else if (c->w) {
		fx_trace_abort(c->w);
	}
	if (pt) {
		const struct fx_perftrace_stats *st = fx_perftrace_stats(pt);

		lines = st->lines;
		records = st->records;
		unfinished = st->never_finished;
		evicted = st->evicted;
		late = st->late;
		orphans = st->orphan_continued;
		bad = st->bad;
		first_bad = st->first_bad;
	} else {
		const struct fx_bpftrace_stats *st = fx_bpftrace_stats(o.bt);

		lines = st->lines;
		records = st->records;
		unfinished = st->never_finished;
		evicted = st->evicted;
		late = st->late;
		orphans = st->orphans;
		bad = st->bad;
		first_bad = st->first_bad;
	}
	if (rc) {
		rc = fx_cli_error(CMD, "%s", c->werr ? c->err : err);
		goto out;
	}
	if (bad)
		fprintf(stderr, "futexsim " CMD ": warning: skipped %llu malformed line%s; first at %s\n",
			(unsigned long long)bad, bad == 1 ? "" : "s", first_bad);
	if (evicted)
		fprintf(stderr, "futexsim " CMD ": warning: %llu call%s outlasted the reorder window (--window) and %s written as unfinished\n",
			(unsigned long long)evicted, evicted == 1 ? "" : "s",
			evicted == 1 ? "was" : "were");
	if (late)
		fprintf(stderr, "futexsim " CMD ": warning: %llu record%s came in after later ones had been written (more than the tool's lag out of order) and %s given the time of the last one written\n",
			(unsigned long long)late, late == 1 ? "" : "s",
			late == 1 ? "was" : "were");
	if (pt && fx_perftrace_stats(pt)->wrapped)
		fprintf(stderr, "futexsim " CMD ": warning: %llu line%s with a time perf printed wrapped below zero (a call begun before its first event), put at the start\n",
			(unsigned long long)fx_perftrace_stats(pt)->wrapped,
			fx_perftrace_stats(pt)->wrapped == 1 ? "" : "s");
	if (orphans)
		fprintf(stderr, "futexsim " CMD ": warning: %llu %s line%s without %s start (skipped)\n",
			(unsigned long long)orphans,
			pt ? "'[continued]'" : "exit or waiter",
			orphans == 1 ? "" : "s", orphans == 1 ? "its" : "their");
	fprintf(stderr, "%s: %llu lines, %llu records (%llu calls never finished); %s\n",
		c->out, (unsigned long long)lines, (unsigned long long)records,
		(unsigned long long)unfinished, c->meta.program);
out:
	fx_perftrace_free(pt);
	fx_bpftrace_free(o.bt);
	return rc;
}

int fx_trace_cmd_import(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "text", no_argument, NULL, 't' },
		{ "binary", no_argument, NULL, 'b' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'W' },
		{ "pid", required_argument, NULL, 'p' },
		{ "program", required_argument, NULL, 'P' },
		{ "maps", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct import_ctx c = { 0 };
	const char *from = "strace", *in_path, *maps = NULL;
	const struct fx_strace_stats *st;
	bool skip_bad = false;
	uint64_t window = 0, pid = 0;
	char err[512];
	FILE *in;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			from = optarg;
			break;
		case 'o':
			c.out = optarg;
			break;
		case 't':
			c.binary = false;
			break;
		case 'b':
			c.binary = true;
			break;
		case 's':
			skip_bad = true;
			break;
		case 'W':
			if (!fx_parse_u64(optarg, &window) || window < 1 ||
			    window > (1u << 26))
				return fx_cli_error(CMD, "--window: expected a record count from 1 to 67108864, got '%s'", optarg);
			break;
		case 'p':
			if (!fx_parse_u64(optarg, &pid) || pid > UINT32_MAX)
				return fx_cli_error(CMD, "--pid: expected a thread id, got '%s'", optarg);
			break;
		case 'P':
			c.program = optarg;
			break;
		case 'm':
			maps = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (maps && strcmp(from, "strace"))
		return fx_cli_error(CMD, "--maps: only with --from strace (its absolute times place the snapshots)");
	if (!strcmp(from, "perf") || !strcmp(from, "bpftrace"))
		return import_other(&c, from, argc, argv, skip_bad,
				    (size_t)window, pid);
	if (strcmp(from, "strace"))
		return fx_cli_error(CMD, "--from %s: unknown input kind (expected strace, perf or bpftrace)", from);
	if (optind + 1 != argc)
		return fx_cli_error(CMD, "expected one input FILE (strace output), got %d", argc - optind);
	if (!c.out)
		return fx_cli_error(CMD, "no output given (expected -o OUT)");
	in_path = argv[optind];
	if (!c.program) {
		const char *slash = strrchr(in_path, '/');

		c.program = slash ? slash + 1 : in_path;
	}
	if (maps) {
		if (fx_tr_maps_load(maps, &c.maps, err, sizeof(err)))
			return fx_cli_error(CMD, "%s", err);
		c.mrec = fx_tr_maps_records(c.maps, &c.nmrec);
	}
	in = strcmp(in_path, "-") ? fopen(in_path, "r") : stdin;
	if (!in) {
		fx_tr_maps_free(c.maps);
		return fx_cli_error(CMD, "%s: %s", in_path, strerror(errno));
	}

	c.meta.slots = -1;
	snprintf(c.meta.source, sizeof(c.meta.source), "strace");
	c.p = fx_strace_new(in_path, (size_t)window, emit, &c);
	if (!c.p) {
		if (in != stdin)
			fclose(in);
		fx_tr_maps_free(c.maps);
		return fx_cli_error(CMD, "out of memory");
	}
	fx_strace_set_main_tid(c.p, (uint32_t)pid);
	snprintf(err, sizeof(err), "%s: out of memory", in_path);
	rc = fx_strace_run(c.p, in, skip_bad, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (!rc && !c.w)
		rc = open_writer(&c);	/* a trace without records */
	if (!rc && c.maps && fx_strace_stats(c.p)->have_epoch)
		rc = maps_upto(&c, UINT64_MAX);
	if (rc) {
		if (c.w)
			fx_trace_abort(c.w);
		fx_strace_free(c.p);
		fx_tr_maps_free(c.maps);
		return fx_cli_error(CMD, "%s", c.werr ? c.err : err);
	}
	rc = fx_trace_commit(c.w, c.err, sizeof(c.err));
	fx_tr_maps_free(c.maps);
	if (rc) {
		fx_strace_free(c.p);
		return fx_cli_error(CMD, "%s", c.err);
	}
	if (maps)
		fprintf(stderr, "%s: %llu map records from %s's snapshots, %llu traced mmaps given their file\n",
			c.out, (unsigned long long)c.mwritten, maps,
			(unsigned long long)c.mfilled);

	st = fx_strace_stats(c.p);
	if (st->bad)
		fprintf(stderr, "futexsim " CMD ": warning: skipped %llu malformed line%s; first at %s\n",
			(unsigned long long)st->bad, st->bad == 1 ? "" : "s",
			st->first_bad);
	if (st->evicted)
		fprintf(stderr, "futexsim " CMD ": warning: %llu call%s outlasted the reorder window (--window) and %s written as unfinished\n",
			(unsigned long long)st->evicted,
			st->evicted == 1 ? "" : "s",
			st->evicted == 1 ? "was" : "were");
	if (st->orphan_resumes)
		fprintf(stderr, "futexsim " CMD ": warning: %llu '<... resumed>' line%s without %s start (skipped)\n",
			(unsigned long long)st->orphan_resumes,
			st->orphan_resumes == 1 ? "" : "s",
			st->orphan_resumes == 1 ? "its" : "their");
	fprintf(stderr, "%s: %llu lines, %llu records (%llu calls never finished), %llu signal lines and %llu exits; epoch %s\n",
		c.out, (unsigned long long)st->lines,
		(unsigned long long)st->records,
		(unsigned long long)st->never_finished,
		(unsigned long long)st->signals,
		(unsigned long long)st->exits, c.meta.program);
	fx_strace_free(c.p);
	return 0;
}
