// SPDX-License-Identifier: MIT
/*
 * trace_replay.c - "futexsim trace replay FILE ...": open-loop replay of
 * a trace over hasher x layout x table size (sim/trace/openloop.h,
 * docs/trace-replay.md).  The trace is read once; every record goes to
 * one replay engine (one futex core) per configuration.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "cli.h"
#include "stats.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "trace/openloop.h"
#include "trace/trace.h"

#define CMD "trace replay"

static const char replay_usage[] =
	"usage: futexsim trace replay FILE [--hash LIST] [--layout LIST]\n"
	"                             [--slots LIST] [--cpus N] [--nodes N]\n"
	"                             [--hash-seed S] [--sample N]\n"
	"                             [--copies N] [--copy-mode process|thread]\n"
	"                             [--out FILE.csv] [--series FILE.csv]\n"
	"                             [--timing]\n"
	"  Open-loop replay: the trace's keys and waiter occupancy on the futex\n"
	"  core of each hasher x layout x table size; collision metrics as in\n"
	"  'futexsim collide' (docs/metrics.md).  No timing model: waits sleep\n"
	"  from their traced entry to their traced return; traced wakes are\n"
	"  issued as traced; PI locks, futex_waitv and futex2 requeue too.  Not\n"
	"  replayed (counted as 'unmodeled'): FUTEX_FD and the cases listed in\n"
	"  docs/trace-replay.md.\n"
	"  --hash LIST     hashers (default jhash2; 'futexsim list --hashers')\n"
	"  --layout LIST   layouts (default private)\n"
	"  --slots LIST    0 (the kernel's size, default) or powers of two:\n"
	"                  private-hash slots for a layout with PR_FUTEX_HASH,\n"
	"                  else the global table size\n"
	"  --cpus N        CPUs (default 4)       --nodes N  NUMA nodes (default 1)\n"
	"  --hash-seed S   the hashers' seed (default 0: kernel functions exact)\n"
	"  --sample N      bucket occupancy of the queued waiters every N\n"
	"                  replayed calls (default 4096)\n"
	"  --copies N      replay the trace N times at once (1..128, default 1)\n"
	"  --copy-mode M   process: N separate processes per traced process\n"
	"                  (default); thread: N times the threads of each\n"
	"                  process, copy c's addresses shifted by c * stride\n"
	"  --out FILE.csv  write the rows as CSV, atomically\n"
	"  --series FILE.csv  one row per occupancy sample and configuration\n"
	"                  (every --sample calls and every 1/200 of the span)\n"
	"  --timing        print records/s to stderr\n"
	FX_CLI_KNOB_HELP;

static const char csv_cols[] =
	"trace,hasher,layout,slots,cpus,nodes,hash_seed,records,calls,"
	"unmodeled,ops,locked_ops,collision_rate,xproc_rate,walked_mean,"
	"walked_p99,walked_max,foreign_mean,remote_share_ops,fast_ops,"
	"blocked_waits,forced_returns,max_waiters,keys,samples,"
	"keys_per_bucket,exp_keys_per_bucket,max_load,xproc_bucket_share,"
	"copies,copy_mode\n";

static const char series_cols[] =
	"trace,hasher,layout,slots,copies,sample,t_ns,calls,waiters,nonempty,"
	"buckets,max_load,keys_per_bucket,exp_keys_per_bucket\n";

static const char *mode_name(int mode)
{
	return mode == FX_OL_COPY_THREAD ? "thread" : "process";
}

/* trace_col - the trace name as a CSV field */
static void trace_col(char *tr, size_t len, const char *name)
{
	snprintf(tr, len, "%s", name);
	for (char *p = tr; *p; p++)
		if (*p == ',' || *p == '\n')
			*p = ' ';
}

struct cfgrow {
	const struct fx_hasher *hasher;
	const struct fx_layout_ops *layout;
	unsigned slots;
	struct fx_openloop *ol;
};

static const char *fmt_d(char *buf, double v)
{
	if (isnan(v))
		return "nan";
	snprintf(buf, 32, "%.6g", v);
	return buf;
}

static void csv_row(FILE *f, const struct fx_replay_opts *o,
		    const struct cfgrow *c)
{
	const struct fx_openloop_result *r = fx_openloop_result(c->ol);
	struct fx_opmetrics om;
	struct fx_loadmetrics lm;
	char b[8][32], tr[256];

	fx_opstats_metrics(r->ops, &om);
	fx_loadstats_metrics(r->load, &lm);
	trace_col(tr, sizeof(tr), o->trace);
	fprintf(f, "%s,%s,%s,%u,%u,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%s,%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,%s,%" PRIu64 ",%s,%u,%s\n",
		tr, c->hasher->name, c->layout->name, c->slots, o->ncpus,
		o->nnodes, o->hash_seed, r->records, r->calls, r->unmodeled,
		r->ops->ops, r->ops->locked, fmt_d(b[0], om.collision_rate),
		fmt_d(b[1], om.xproc_rate), fmt_d(b[2], om.walked_mean),
		om.walked_p99, om.walked_max, fmt_d(b[3], om.foreign_mean),
		fmt_d(b[4], om.remote_share), r->fast, r->blocked, r->forced,
		r->max_waiters, r->keys, r->samples,
		fmt_d(b[5], r->load->keys ? lm.keys_per_bucket : NAN),
		fmt_d(b[6], r->load->keys ? lm.exp_keys_per_bucket : NAN),
		r->load->maxload,
		fmt_d(b[7], r->load->keys ? lm.xproc_share : NAN), o->copies,
		mode_name(o->copy_mode));
}

static void table_rows(FILE *f, const struct fx_replay_opts *o,
		       const struct cfgrow *rows, size_t n)
{
	fprintf(f, "%-14s %-9s %7s | %9s %9s %8s %7s %6s %5s %5s %7s %7s\n",
		"hasher", "layout", "slots", "ops", "locked", "coll", "xproc",
		"walk", "p99", "max", "maxwait", "keys");
	for (size_t i = 0; i < n; i++) {
		const struct fx_openloop_result *r = fx_openloop_result(rows[i].ol);
		struct fx_opmetrics om;
		char b[2][32];

		fx_opstats_metrics(r->ops, &om);
		fprintf(f, "%-14s %-9s %7u | %9" PRIu64 " %9" PRIu64 " %8s %7s %6.3f %5" PRIu64
			" %5" PRIu64 " %7" PRIu64 " %7" PRIu64 "\n",
			rows[i].hasher->name, rows[i].layout->name, rows[i].slots,
			r->ops->ops, r->ops->locked,
			fmt_d(b[0], om.collision_rate), fmt_d(b[1], om.xproc_rate),
			om.walked_mean, om.walked_p99, om.walked_max,
			r->max_waiters, r->keys);
	}
	if (n) {
		const struct fx_openloop_result *r = fx_openloop_result(rows[0].ol);

		fprintf(f, "records %" PRIu64 ", futex calls %" PRIu64 ", not replayed %" PRIu64
			", waits blocked %" PRIu64 " (returned without a replayed wake: %" PRIu64 ")\n",
			r->records, r->calls, r->unmodeled, r->blocked, r->forced);
		if (o->copies > 1 && o->copy_mode == FX_OL_COPY_THREAD)
			fprintf(f, "copies %u (thread, address stride 0x%" PRIx64 ")\n",
				o->copies, o->stride);
		else if (o->copies > 1)
			fprintf(f, "copies %u (process)\n", o->copies);
	}
}

static int write_csv(const struct fx_replay_opts *o, const char *prov,
		     const struct cfgrow *rows, size_t n)
{
	char *tmp;
	FILE *f;
	int ret = fx_cli_tmpfile(CMD, o->out, &tmp, &f);

	if (ret)
		return ret;
	fprintf(f, "# %s\n", prov);
	fputs(csv_cols, f);
	for (size_t i = 0; i < n; i++)
		csv_row(f, o, &rows[i]);
	ret = fx_cli_tmpfile_close(CMD, o->out, tmp, f);
	return ret ? ret : fx_cli_tmpfile_commit(CMD, o->out, tmp);
}

static int write_series(const struct fx_replay_opts *o,
			const struct cfgrow *rows, size_t n)
{
	char *tmp, tr[256], b[2][32];
	FILE *f;
	int ret = fx_cli_tmpfile(CMD, o->series, &tmp, &f);

	if (ret)
		return ret;
	trace_col(tr, sizeof(tr), o->trace);
	fputs(series_cols, f);
	for (size_t i = 0; i < n; i++) {
		const struct fx_openloop_result *r = fx_openloop_result(rows[i].ol);

		for (size_t k = 0; k < r->nseries; k++) {
			const struct fx_openloop_sample *p = &r->series[k];

			fprintf(f, "%s,%s,%s,%u,%u,%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,%s\n",
				tr, rows[i].hasher->name, rows[i].layout->name,
				rows[i].slots, o->copies, k, p->t_ns, p->calls,
				p->waiters, p->nonempty, p->buckets, p->max_load,
				fmt_d(b[0], p->keys_per_bucket),
				fmt_d(b[1], p->exp_keys_per_bucket));
		}
	}
	ret = fx_cli_tmpfile_close(CMD, o->series, tmp, f);
	return ret ? ret : fx_cli_tmpfile_commit(CMD, o->series, tmp);
}

/*
 * prescan - the first pass, when --series (the time span) or thread
 * copies (the address stride) need it.
 */
static int prescan(const struct fx_replay_opts *o, uint64_t *span,
		   uint64_t *stride)
{
	struct fx_openloop_scan sc;
	struct fx_trace_reader *rd;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	char err[512];
	int rc, ret = 0;

	*span = 0;
	*stride = 0;
	if (fx_trace_open(o->trace, &rd, &meta, err, sizeof(err)))
		return fx_cli_error(CMD, "%s", err);
	fx_openloop_scan_init(&sc);
	while ((rc = fx_trace_next(rd, &rec, err, sizeof(err))) == 1)
		if (fx_openloop_scan_add(&sc, &rec)) {
			ret = fx_cli_error(CMD, "%s: out of memory", o->trace);
			goto out;
		}
	if (rc < 0) {
		ret = fx_cli_error(CMD, "%s", err);
		goto out;
	}
	*span = sc.t_last - sc.t_first;
	if (o->copies > 1 && o->copy_mode == FX_OL_COPY_THREAD &&
	    fx_openloop_stride(&sc, o->copies, stride, err, sizeof(err)))
		ret = fx_cli_error(CMD, "%s: --copies %u --copy-mode thread: %s (use --copy-mode process)",
				   o->trace, o->copies, err);
out:
	fx_openloop_scan_free(&sc);
	fx_trace_close(rd);
	return ret;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int fx_trace_cmd_replay(int argc, char **argv)
{
	struct fx_replay_opts o;
	struct fx_trace_reader *rd = NULL;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	struct cfgrow *rows = NULL;
	size_t n = 0, nrows;
	char err[512], prov[1024];
	size_t poff;
	uint64_t nrec = 0, span = 0, stride = 0;
	double t0;
	int ret = 0, rc;

	if (fx_replay_parse_args(argc, argv, &o, err, sizeof(err)))
		return fx_cli_error(CMD, "%s", err);
	if (o.help) {
		fputs(replay_usage, stdout);
		return 0;
	}
	poff = (size_t)snprintf(prov, sizeof(prov), "futexsim %s trace replay hash_seed=%" PRIu64 " args:",
				FX_VERSION, o.hash_seed);
	for (int i = 1; i < argc && poff < sizeof(prov); i++)
		poff += (size_t)snprintf(prov + poff, sizeof(prov) - poff, " %s", argv[i]);

	if ((o.series || (o.copies > 1 && o.copy_mode == FX_OL_COPY_THREAD)) &&
	    (ret = prescan(&o, &span, &stride)))
		return ret;
	o.stride = stride;
	nrows = (size_t)o.nhash * o.nlayout * o.nslots;
	rows = calloc(nrows, sizeof(*rows));
	if (!rows)
		return fx_cli_error(CMD, "out of memory");
	for (unsigned h = 0; h < o.nhash; h++)
		for (unsigned l = 0; l < o.nlayout; l++)
			for (unsigned s = 0; s < o.nslots; s++) {
				struct fx_openloop_config cfg = {
					.hasher = o.hasher[h], .layout = o.layout[l],
					.slots = o.slots[s], .ncpus = o.ncpus,
					.nnodes = o.nnodes, .hash_seed = o.hash_seed,
					.knobs = &o.knobs,
					.sample_every = o.sample_every,
					.copies = o.copies, .copy_mode = o.copy_mode,
					.stride = stride, .series = o.series != NULL,
					.series_span = span };

				rows[n] = (struct cfgrow){ .hasher = o.hasher[h],
							   .layout = o.layout[l],
							   .slots = o.slots[s] };
				if (fx_openloop_new(&cfg, &rows[n].ol, err, sizeof(err))) {
					ret = fx_cli_error(CMD, "hasher %s, layout %s, slots %u: %s",
							   o.hasher[h]->name, o.layout[l]->name,
							   o.slots[s], err);
					goto out;
				}
				n++;
			}
	if (fx_trace_open(o.trace, &rd, &meta, err, sizeof(err))) {
		ret = fx_cli_error(CMD, "%s", err);
		goto out;
	}
	t0 = now_sec();
	while ((rc = fx_trace_next(rd, &rec, err, sizeof(err))) == 1) {
		nrec++;
		for (size_t i = 0; i < n; i++) {
			if (fx_openloop_add(rows[i].ol, &rec)) {
				ret = fx_cli_error(CMD, "%s: record %" PRIu64 ": hasher %s, layout %s, slots %u: %s",
						   o.trace, nrec, rows[i].hasher->name,
						   rows[i].layout->name, rows[i].slots,
						   fx_openloop_errmsg(rows[i].ol));
				goto out;
			}
		}
	}
	if (rc < 0) {
		ret = fx_cli_error(CMD, "%s", err);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (fx_openloop_finish(rows[i].ol)) {
			ret = fx_cli_error(CMD, "%s: end of trace: hasher %s, layout %s, slots %u: %s",
					   o.trace, rows[i].hasher->name,
					   rows[i].layout->name, rows[i].slots,
					   fx_openloop_errmsg(rows[i].ol));
			goto out;
		}
	}
	if (o.timing) {
		double dt = now_sec() - t0;

		fprintf(stderr, "timing: %" PRIu64 " records x %zu configurations in %.3f s = %.2f M records/s per configuration (reader included)\n",
			nrec, n, dt, dt > 0 ? nrec * (double)n / dt / 1e6 : 0.0);
	}
	if (o.out && (ret = write_csv(&o, prov, rows, n)))
		goto out;
	if (o.series && (ret = write_series(&o, rows, n))) {
		if (o.out)
			remove(o.out);
		goto out;
	}
	printf("# %s\n", prov);
	table_rows(stdout, &o, rows, n);
out:
	if (rd)
		fx_trace_close(rd);
	for (size_t i = 0; i < n; i++)
		fx_openloop_free(rows[i].ol);
	free(rows);
	return ret;
}
