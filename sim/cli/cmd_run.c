// SPDX-License-Identifier: MIT
/*
 * cmd_run.c - futexsim run: simulate a workload over a grid of
 * configurations (hasher x layout x table size x topology x threads x
 * seed) and write one CSV row per configuration, with every metric and
 * the parameters that produced it, plus a JSON sidecar holding the full
 * distributions (docs/des.md).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cost.h"
#include "des/des.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "lib/csv.h"
#include "topo.h"
#include "workload.h"

#define CMD "run"
#define MAX_LIST 64

static const char usage_text[] =
"usage: futexsim run --workload NAME [OPTIONS] [-- WORKLOAD-OPTIONS]\n"
"\n"
"Simulates the workload on every combination of the lists below and\n"
"reports throughput, wakeup latency (p50/p90/p99/p99.9/max), bucket-lock\n"
"wait split into own-key and foreign-key contention, and the collision\n"
"metrics of docs/metrics.md.\n"
"\n"
"  --workload NAME     see --list-workloads; its options follow '--'\n"
"  --hash LIST         hashers, comma-separated (default jhash2)\n"
"  --layout LIST       bucket layouts (default private)\n"
"  --slots LIST        table sizes; 0 = the layout's own rule (default 0)\n"
"  --topology SPEC     'host', an hwloc synthetic string such as\n"
"                      \"package:2 numa:1 core:4 pu:1\", or an lstopo XML\n"
"                      file; repeat for several (default host)\n"
"  --threads LIST      thread counts, overriding the workload's -t\n"
"  --seed LIST         seeds (default 1)\n"
"  --cost-file FILE    cost profile (docs/cost-model.md); default: built in\n"
"  --cost NAME=VALUE   override one cost parameter (repeatable)\n"
"  --cost-dump         print the cost profile in effect and exit\n"
"  --out FILE          write the CSV there and the distributions to\n"
"                      FILE.json (without --out: a table on stdout)\n"
"  --check             check every invariant of the futex core after\n"
"                      every operation (slow)\n"
"  -q, --quiet         no workload summaries and no progress (the\n"
"                      table of results is still printed)\n"
"  --list-workloads    list the workloads and their options\n"
FX_CLI_KNOB_HELP
"\n"
"What the model leaves out (docs/des.md has the full list):\n"
"  - preemption inside the kernel: threads are preempted only between\n"
"    user-space actions, and spinlock holders never lose their CPU;\n"
"  - cache coherence is two-state: a line has one writer and one recent\n"
"    reader; no prefetching, no capacity misses, no memory bandwidth;\n"
"  - the scheduler has no load balancer: placement happens at wakeup\n"
"    (previous CPU if idle, else an idle CPU of its node, else queue);\n"
"  - interrupts other than wakeup IPIs and timers, RCU, page faults and\n"
"    the cost of the workload's own code beyond its think times;\n"
"  - futex_waitv locks its buckets without queueing for them;\n"
"  - simulated runtimes default to 10 ms, not perf's 10 s.\n";

struct list {
	unsigned n;
	char *v[MAX_LIST];
};

static int split(const char *opt, const char *arg, struct list *l)
{
	char *s = strdup(arg), *save = NULL, *tok;

	if (!s)
		return fx_cli_error(CMD, "out of memory");
	l->n = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == MAX_LIST) {
			free(s);
			return fx_cli_error(CMD, "%s: more than %d values", opt, MAX_LIST);
		}
		l->v[l->n++] = tok;
	}
	if (!l->n) {
		free(s);
		return fx_cli_error(CMD, "%s '%s': expected a comma-separated list", opt, arg);
	}
	return 0;
}

static int numbers(const char *opt, const char *arg, uint64_t *out,
		   unsigned *n, uint64_t max)
{
	struct list l;
	int ret = split(opt, arg, &l);

	if (ret)
		return ret;
	for (unsigned i = 0; i < l.n; i++)
		if (!fx_parse_u64(l.v[i], &out[i]) || out[i] > max) {
			ret = fx_cli_error(CMD, "%s '%s': expected numbers from 0 to %" PRIu64,
					   opt, l.v[i], max);
			break;
		}
	*n = l.n;
	free(l.n ? l.v[0] : NULL);
	return ret;
}

static void list_workloads(FILE *out)
{
	for (unsigned i = 0; fx_workloads[i]; i++)
		fprintf(out, "%s\n  %s\n%s\n", fx_workloads[i]->name,
			fx_workloads[i]->summary, fx_workloads[i]->usage);
}

/* ---- one configuration ---- */

struct config {
	const struct fx_workload *wl;
	const char *wopts;
	const char *topo_spec;
	const struct fx_topo *topo;
	const struct fx_hasher *hasher;
	const struct fx_layout_ops *layout;
	uint64_t slots, threads, seed;
	const char *profile;
};

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* a double for CSV/JSON: shortest round-trip form, "nan" for CSV NaN */
static void num(FILE *f, double v, bool json)
{
	if (isnan(v))
		fputs(json ? "null" : "nan", f);
	else
		fprintf(f, "%.6g", v);
}

static const char csv_cols[] =
	"workload,wopts,topology,topo_label,cpus,nodes,hasher,layout,slots,"
	"threads,seed,profile,sim_ns,events,syscalls,futex_ops,ops,"
	"throughput_ops_s,wakeups,wake_p50_ns,wake_p90_ns,wake_p99_ns,"
	"wake_p999_ns,wake_max_ns,wake_mean_ns,lock_acq,lock_contended,"
	"lock_wait_ns,lock_wait_own_ns,lock_wait_foreign_ns,"
	"lock_wait_foreign_share,lock_wait_p50_ns,lock_wait_p99_ns,"
	"lock_wait_max_ns,locked_ops,collision_rate,xproc_rate,walked_mean,"
	"walked_p99,walked_max,remote_share,ctx_switches,ipis,idle_exits,"
	"migrations,timeouts";

static void csv_header(FILE *f, const struct fx_des_results *r)
{
	fputs(csv_cols, f);
	for (unsigned i = 0; i < r->nvalues; i++)
		fprintf(f, ",w_%s", r->value_name[i]);
	fputc('\n', f);
}

static void csv_row(FILE *f, const struct config *c, unsigned nthreads,
		    const struct fx_des_results *r)
{
	struct fx_opmetrics om;
	char label[64];
	double share = r->lock_wait_ns ? (double)r->lock_wait_foreign_ns /
					 (double)r->lock_wait_ns : NAN;

	fx_opstats_metrics(&r->opstats, &om);
	fx_topo_label(c->topo, label, sizeof(label));
	fprintf(f, "%s,", c->wl->name);
	fx_csv_field(f, c->wopts);
	fputc(',', f);
	fx_csv_field(f, c->topo_spec);
	fprintf(f, ",%s,%u,%u,%s,%s,%" PRIu64 ",%u,%" PRIu64 ",", label,
		c->topo->ncpus, c->topo->nnodes, c->hasher->name,
		c->layout->name, c->slots, nthreads, c->seed);
	fx_csv_field(f, c->profile);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
		r->sim_ns, r->events, r->syscalls, r->futex_ops, r->ops);
	num(f, r->throughput, false);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
		r->wakeups, fx_qhist_quantile(&r->wake_lat, 0.5),
		fx_qhist_quantile(&r->wake_lat, 0.9),
		fx_qhist_quantile(&r->wake_lat, 0.99),
		fx_qhist_quantile(&r->wake_lat, 0.999), r->wake_lat.max);
	num(f, fx_qhist_mean(&r->wake_lat), false);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
		r->lock_acq, r->lock_contended, r->lock_wait_ns,
		r->lock_wait_own_ns, r->lock_wait_foreign_ns);
	num(f, share, false);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
		fx_qhist_quantile(&r->lock_wait, 0.5),
		fx_qhist_quantile(&r->lock_wait, 0.99), r->lock_wait.max,
		r->opstats.locked);
	num(f, om.collision_rate, false);
	fputc(',', f);
	num(f, om.xproc_rate, false);
	fputc(',', f);
	num(f, om.walked_mean, false);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", om.walked_p99, om.walked_max);
	num(f, om.remote_share, false);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
		r->ctx_switches, r->ipis, r->idle_exits, r->migrations,
		r->timeouts);
	for (unsigned i = 0; i < r->nvalues; i++) {
		fputc(',', f);
		num(f, r->value[i], false);
	}
	fputc('\n', f);
}

static void json_hist(FILE *f, const char *name, const struct fx_qhist *h)
{
	bool first = true;

	fprintf(f, ",\"%s\":{\"count\":%" PRIu64 ",\"mean\":", name, h->count);
	num(f, fx_qhist_mean(h), true);
	fprintf(f, ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64 ",\"p99\":%" PRIu64
		",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 ",\"bins\":[",
		fx_qhist_quantile(h, 0.5), fx_qhist_quantile(h, 0.9),
		fx_qhist_quantile(h, 0.99), fx_qhist_quantile(h, 0.999),
		h->max);
	for (unsigned b = 0; b < FX_QH_BINS; b++) {
		uint64_t lo, hi;

		if (!h->bin[b])
			continue;
		fx_qhist_bin_range(b, &lo, &hi);
		if (hi > h->max)
			hi = h->max;
		fprintf(f, "%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
			first ? "" : ",", lo, hi, h->bin[b]);
		first = false;
	}
	fputs("]}", f);
}

/*
 * json_wake_nodes - the wakeup latency split by (waker node, wakee node):
 * "wake_nodes":{"nodes":N,"count":[[...]],"p50_ns":...,"p99_ns":...,
 * "mean_ns":...}, rows the waker's node, columns the wakee's
 */
static void json_wake_nodes(FILE *f, const struct fx_des *des)
{
	static const char *const field[] = { "count", "p50_ns", "p99_ns",
					     "mean_ns" };
	unsigned nn = fx_des_topo(des)->nnodes;

	fprintf(f, ",\"wake_nodes\":{\"nodes\":%u", nn);
	for (unsigned k = 0; k < 4; k++) {
		fprintf(f, ",\"%s\":[", field[k]);
		for (unsigned a = 0; a < nn; a++) {
			fputs(a ? ",[" : "[", f);
			for (unsigned b = 0; b < nn; b++) {
				const struct fx_qhist *h =
					fx_des_wake_pair(des, a, b);

				if (b)
					fputc(',', f);
				if (!h)
					fputc('0', f);
				else if (k == 0)
					fprintf(f, "%" PRIu64, h->count);
				else if (k == 3)
					num(f, fx_qhist_mean(h), true);
				else
					fprintf(f, "%" PRIu64,
						fx_qhist_quantile(h, k == 1 ?
								  0.5 : 0.99));
			}
			fputc(']', f);
		}
		fputc(']', f);
	}
	fputc('}', f);
}

static void json_config(FILE *f, const struct config *c, unsigned nthreads,
			const struct fx_des_results *r, const char *extra,
			bool first)
{
	fputs(first ? "\n{" : ",\n{", f);
	fputs("\"workload\":", f);
	json_str(f, c->wl->name);
	fputs(",\"wopts\":", f);
	json_str(f, c->wopts);
	fputs(",\"topology\":", f);
	json_str(f, c->topo_spec);
	fprintf(f, ",\"hasher\":\"%s\",\"layout\":\"%s\",\"slots\":%" PRIu64
		",\"threads\":%u,\"seed\":%" PRIu64 ",\"sim_ns\":%" PRIu64
		",\"ops\":%" PRIu64 ",\"throughput_ops_s\":",
		c->hasher->name, c->layout->name, c->slots, nthreads, c->seed,
		r->sim_ns, r->ops);
	num(f, r->throughput, true);
	json_hist(f, "wake_latency_ns", &r->wake_lat);
	fputs(extra, f);
	json_hist(f, "lock_wait_ns", &r->lock_wait);
	json_hist(f, "chain_walked", &r->opstats.walked);
	fputc('}', f);
}

static void table_header(FILE *f)
{
	fprintf(f, "%-12s %-10s %-8s %6s %7s %12s %9s %9s %9s %6s %7s\n",
	       "hasher", "layout", "slots", "thr", "seed", "ops/s",
	       "wake p50", "wake p99", "lockwait", "forgn", "collide");
}

static void table_row(FILE *f, const struct config *c, unsigned nthreads,
		      const struct fx_des_results *r)
{
	struct fx_opmetrics om;

	fx_opstats_metrics(&r->opstats, &om);
	fprintf(f, "%-12s %-10s %-8" PRIu64 " %6u %7" PRIu64 " %12.0f %9" PRIu64
	       " %9" PRIu64 " %9" PRIu64 " %5.1f%% %6.1f%%\n",
	       c->hasher->name, c->layout->name, c->slots, nthreads, c->seed,
	       r->throughput, fx_qhist_quantile(&r->wake_lat, 0.5),
	       fx_qhist_quantile(&r->wake_lat, 0.99), r->lock_wait_ns,
	       r->lock_wait_ns ? 100.0 * (double)r->lock_wait_foreign_ns /
				 (double)r->lock_wait_ns : 0.0,
	       isnan(om.collision_rate) ? 0.0 : 100.0 * om.collision_rate);
}

/* run_one - simulate @c; fills @r (copied out), returns 0 or exit status */
static int run_one(const struct config *c, int wargc, char **wargv,
		   const struct fx_des_config *base, bool quiet,
		   struct fx_des_results *r, unsigned *nthreads, char **extra)
{
	size_t extra_len;
	FILE *xf;
	struct fx_des_config cfg = *base;
	struct fx_des *des;
	char err[512] = "";
	void *opts = NULL;
	int rc;

	if (c->wl->parse(wargc, wargv, &opts, err, sizeof(err)))
		return fx_cli_error(CMD, "%s", err);
	cfg.topo = c->topo;
	cfg.seed = c->seed;
	cfg.core.hasher = c->hasher;
	cfg.core.layout = c->layout;
	cfg.core.hash_slots = (unsigned)c->slots;
	cfg.end_ns = c->wl->end_ns(opts);
	cfg.progress = !quiet;
	des = fx_des_new(&cfg);
	if (!des) {
		c->wl->free(opts);
		return fx_cli_error(CMD, "cannot create the simulation (%s %s slots %" PRIu64 "): %s",
				    c->hasher->name, c->layout->name, c->slots,
				    strerror(errno));
	}
	rc = c->wl->setup(des, opts, (unsigned)c->threads, err, sizeof(err));
	if (rc) {
		fx_des_free(des);
		c->wl->free(opts);
		return fx_cli_error(CMD, "%s", err[0] ? err :
				    "the workload could not be set up");
	}
	rc = fx_des_run(des);
	if (rc) {
		fx_cli_error(CMD, "%s on %s, %s/%s, seed %" PRIu64 ": %s",
			     c->wl->name, c->topo_spec, c->hasher->name,
			     c->layout->name, c->seed, fx_des_errmsg(des));
		if (rc == -EDEADLK)
			fx_des_deadlock_report(des, stderr);
		fx_des_free(des);
		c->wl->free(opts);
		return 1;
	}
	if (!quiet) {
		printf("# %s %s: topology %s, %s/%s, slots %" PRIu64 ", seed %" PRIu64 "\n",
		       c->wl->name, c->wopts, c->topo_spec, c->hasher->name,
		       c->layout->name, c->slots, c->seed);
		c->wl->report(des, opts, stdout);
	} else {
		FILE *null = fopen("/dev/null", "w");

		if (null) {
			c->wl->report(des, opts, null);
			fclose(null);
		}
	}
	if (fx_des_status(des)) {
		fx_cli_error(CMD, "%s: %s", c->wl->name, fx_des_errmsg(des));
		fx_des_free(des);
		c->wl->free(opts);
		return 1;
	}
	*r = *fx_des_results(des);
	*nthreads = (unsigned)c->threads;
	free(*extra);
	*extra = NULL;
	xf = open_memstream(extra, &extra_len);
	if (xf) {
		json_wake_nodes(xf, des);
		if (fclose(xf))
			xf = NULL;
	}
	fx_des_free(des);
	if (!xf) {
		c->wl->free(opts);
		return fx_cli_error(CMD, "out of memory");
	}
	c->wl->free(opts);
	return 0;
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

enum {
	OPT_WORKLOAD = 0x200, OPT_HASH, OPT_LAYOUT, OPT_SLOTS, OPT_TOPO,
	OPT_THREADS, OPT_SEED, OPT_COSTFILE, OPT_COST, OPT_COSTDUMP, OPT_OUT,
	OPT_CHECK, OPT_LIST,
};

int fx_cli_run(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "workload", required_argument, NULL, OPT_WORKLOAD },
		{ "hash", required_argument, NULL, OPT_HASH },
		{ "layout", required_argument, NULL, OPT_LAYOUT },
		{ "slots", required_argument, NULL, OPT_SLOTS },
		{ "topology", required_argument, NULL, OPT_TOPO },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "cost-file", required_argument, NULL, OPT_COSTFILE },
		{ "cost", required_argument, NULL, OPT_COST },
		{ "cost-dump", no_argument, NULL, OPT_COSTDUMP },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list-workloads", no_argument, NULL, OPT_LIST },
		{ "help", no_argument, NULL, 'h' },
		FX_CLI_KNOB_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static struct fx_cost cost;
	struct fx_des_config base = { .cost = &cost };
	const struct fx_workload *wl = NULL;
	struct list hashes = { 0 }, layouts = { 0 };
	const char *topos[MAX_LIST] = { 0 };
	const char *out = NULL, *costfile = NULL;
	const char *overrides[MAX_LIST];
	unsigned ntopos = 0, noverrides = 0, nslots = 1, nthr = 1, nseeds = 1;
	uint64_t slots[MAX_LIST] = { 0 }, thr[MAX_LIST] = { 0 },
		 seeds[MAX_LIST] = { 1 };
	const struct fx_hasher *hv[MAX_LIST];
	const struct fx_layout_ops *lv[MAX_LIST];
	struct fx_topo *tv[MAX_LIST] = { 0 };
	bool dump = false, quiet = false;
	char *wopts = NULL, *csv_tmp = NULL, *json_tmp = NULL, *json_path = NULL;
	FILE *csv = NULL, *json = NULL, *table = NULL;
	char *table_buf = NULL;
	char *extra = NULL;
	size_t table_len = 0;
	char err[512];
	int c, ret = 0, wargc;
	char **wargv;
	unsigned total, done = 0;
	struct fx_des_results *r = NULL;

	fx_cost_defaults(&cost);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+qh", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_WORKLOAD:
			wl = fx_workload_find(optarg);
			if (!wl) {
				char names[512] = "";

				for (unsigned i = 0; fx_workloads[i]; i++)
					snprintf(names + strlen(names),
						 sizeof(names) - strlen(names),
						 "%s%s", i ? ", " : "",
						 fx_workloads[i]->name);
				return fx_cli_error(CMD, "--workload '%s': unknown; expected one of: %s",
						    optarg, names);
			}
			break;
		case OPT_HASH:
			if ((ret = split("--hash", optarg, &hashes)))
				return ret;
			break;
		case OPT_LAYOUT:
			if ((ret = split("--layout", optarg, &layouts)))
				return ret;
			break;
		case OPT_SLOTS:
			if ((ret = numbers("--slots", optarg, slots, &nslots,
					   1u << 30)))
				return ret;
			break;
		case OPT_TOPO:
			if (ntopos == MAX_LIST)
				return fx_cli_error(CMD, "--topology: more than %d", MAX_LIST);
			topos[ntopos++] = optarg;
			break;
		case OPT_THREADS:
			if ((ret = numbers("--threads", optarg, thr, &nthr,
					   1u << 20)))
				return ret;
			for (unsigned i = 0; i < nthr; i++)
				if (!thr[i])
					return fx_cli_error(CMD, "--threads '%s': a thread count must be at least 1", optarg);
			break;
		case OPT_SEED:
			if ((ret = numbers("--seed", optarg, seeds, &nseeds,
					   UINT64_MAX)))
				return ret;
			break;
		case OPT_COSTFILE:
			costfile = optarg;
			break;
		case OPT_COST:
			if (noverrides == MAX_LIST)
				return fx_cli_error(CMD, "--cost: more than %d", MAX_LIST);
			overrides[noverrides++] = optarg;
			break;
		case OPT_COSTDUMP:
			dump = true;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_CHECK:
			base.check = true;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_LIST:
			list_workloads(stdout);
			return 0;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case FX_CLI_KNOB_PLACEMENT:
		case FX_CLI_KNOB_REFCOUNT:
		case FX_CLI_KNOB_LINES:
			if ((ret = fx_cli_knob(CMD, c, optarg, &base.core)))
				return ret;
			break;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (costfile && fx_cost_load(&cost, costfile, err, sizeof(err)))
		return fx_cli_error(CMD, "--cost-file: %s", err);
	for (unsigned i = 0; i < noverrides; i++)
		if (fx_cost_set(&cost, overrides[i], err, sizeof(err)))
			return fx_cli_error(CMD, "%s", err);
	if (dump) {
		fx_cost_dump(&cost, stdout);
		return 0;
	}
	if (!wl)
		return fx_cli_error(CMD, "--workload is required (see --list-workloads)");
	if (optind < argc && strcmp(argv[optind - 1], "--"))
		return fx_cli_error(CMD, "unexpected argument '%s' (workload options go after '--')",
				    argv[optind]);
	/* the workload's argv: its name, then what follows "--" */
	wargc = argc - optind + 1;
	wargv = argv + optind - 1;
	wopts = join_args(argc - optind, argv + optind);
	if (!wopts)
		return fx_cli_error(CMD, "out of memory");

	if (!hashes.n)
		split("--hash", "jhash2", &hashes);
	if (!layouts.n)
		split("--layout", "private", &layouts);
	if (!ntopos)
		topos[ntopos++] = "host";
	for (unsigned i = 0; i < hashes.n; i++)
		if (!(hv[i] = fx_hasher_find(hashes.v[i]))) {
			ret = fx_cli_error(CMD, "--hash '%s': unknown hasher; expected one of: %s",
					   hashes.v[i], fx_hasher_names());
			goto out;
		}
	for (unsigned i = 0; i < layouts.n; i++)
		if (!(lv[i] = fx_layout_find(layouts.v[i]))) {
			ret = fx_cli_error(CMD, "--layout '%s': unknown layout; expected one of: %s",
					   layouts.v[i], fx_layout_names());
			goto out;
		}
	for (unsigned i = 0; i < ntopos; i++) {
		if (fx_topo_load(topos[i], &tv[i], err, sizeof(err))) {
			ret = fx_cli_error(CMD, "--topology: %s", err);
			goto out;
		}
		if (fx_cost_apply_distances(&cost, tv[i], err, sizeof(err))) {
			ret = fx_cli_error(CMD, "%s", err);
			goto out;
		}
	}
	r = malloc(sizeof(*r));
	if (!r) {
		ret = fx_cli_error(CMD, "out of memory");
		goto out;
	}
	if (out) {
		size_t len = strlen(out) + 6;

		json_path = malloc(len);
		if (!json_path) {
			ret = fx_cli_error(CMD, "out of memory");
			goto out;
		}
		snprintf(json_path, len, "%s.json", out);
		if ((ret = fx_cli_tmpfile(CMD, out, &csv_tmp, &csv)))
			goto out;
		if ((ret = fx_cli_tmpfile(CMD, json_path, &json_tmp, &json)))
			goto out;
		fprintf(json, "{\"futexsim\":\"run\",\"version\":1,\"profile\":");
		json_str(json, cost.profile);
		fputs(",\"configs\":[", json);
	}
	table = open_memstream(&table_buf, &table_len);
	if (!table) {
		ret = fx_cli_error(CMD, "out of memory");
		goto out;
	}
	table_header(table);
	total = ntopos * hashes.n * layouts.n * nslots * nthr * nseeds;
	for (unsigned ti = 0; ti < ntopos; ti++)
	for (unsigned hi = 0; hi < hashes.n; hi++)
	for (unsigned li = 0; li < layouts.n; li++)
	for (unsigned si = 0; si < nslots; si++)
	for (unsigned ni = 0; ni < nthr; ni++)
	for (unsigned ei = 0; ei < nseeds; ei++) {
		struct config cf = {
			.wl = wl, .wopts = wopts, .topo_spec = topos[ti],
			.topo = tv[ti], .hasher = hv[hi], .layout = lv[li],
			.slots = slots[si], .threads = thr[ni],
			.seed = seeds[ei], .profile = cost.profile,
		};
		unsigned nthreads = 0;

		if (!quiet && isatty(2))
			fprintf(stderr, "\r\033[K[%u/%u] %s %s/%s slots %" PRIu64 " threads %" PRIu64 " seed %" PRIu64 "\n",
				done + 1, total, topos[ti], hv[hi]->name,
				lv[li]->name, slots[si], thr[ni], seeds[ei]);
		ret = run_one(&cf, wargc, wargv, &base, quiet, r, &nthreads,
			      &extra);
		if (ret)
			goto out;
		if (csv) {
			if (!done)
				csv_header(csv, r);
			csv_row(csv, &cf, nthreads, r);
			json_config(json, &cf, nthreads, r, extra, !done);
		}
		table_row(table, &cf, nthreads, r);
		done++;
	}
	fclose(table);
	table = NULL;
	fputs(table_buf, stdout);
	if (csv) {
		fputs("\n]}\n", json);
		ret = fx_cli_tmpfile_close(CMD, out, csv_tmp, csv);
		csv = NULL;
		if (ret) {
			csv_tmp = NULL;
			goto out;
		}
		ret = fx_cli_tmpfile_close(CMD, json_path, json_tmp, json);
		json = NULL;
		if (ret) {
			json_tmp = NULL;
			goto out;
		}
		ret = fx_cli_tmpfile_commit(CMD, out, csv_tmp);
		csv_tmp = NULL;
		if (!ret)
			ret = fx_cli_tmpfile_commit(CMD, json_path, json_tmp);
		json_tmp = NULL;
		if (!ret && !quiet)
			fprintf(stderr, "futexsim run: %u configuration(s): %s, %s\n",
				done, out, json_path);
	}
out:
	if (table)
		fclose(table);
	free(table_buf);
	free(extra);
	if (csv)
		fclose(csv);
	if (json)
		fclose(json);
	if (csv_tmp) {
		unlink(csv_tmp);
		free(csv_tmp);
	}
	if (json_tmp) {
		unlink(json_tmp);
		free(json_tmp);
	}
	for (unsigned i = 0; i < ntopos; i++)
		fx_topo_free(tv[i]);
	free(hashes.n ? hashes.v[0] : NULL);
	free(layouts.n ? layouts.v[0] : NULL);
	free(json_path);
	free(wopts);
	free(r);
	return ret;
}
