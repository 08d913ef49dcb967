// SPDX-License-Identifier: MIT
/*
 * validate.c - run the simulator over the scenarios "make bench" measured
 * and compare: throughput ratios and wake-up latency percentiles.
 *
 * The plan (fx_val_plan()) reads the measured side from bench.csv; the
 * prediction (fx_val_predict()) runs the engine:
 *
 *   ratios     the perf-* workloads of workloads/ (perf-hash with -t, -f,
 *              -S, -b; perf-lock-pi with -t, -M), one run per distinct
 *              command line, each a few simulated ms, the throughput of
 *              the numerator's run over the denominator's
 *   wake       a wake round as the live benchmark runs it: T waiters
 *              pinned round-robin block on one futex, an unpinned main
 *              thread wakes them W at a time, rounds repeated; every
 *              wake-up in the run is one of the benchmark's
 *   wake_latency  one waker pinned to C1 and one wakee pinned to C2; the
 *              waker waits a while (so C2 idles), makes sure the wakee is
 *              queued, and wakes it; for target=busy a spinner holds C2
 *              and the wakee preempts it (SCHED_FIFO in the model, the
 *              live spinner being SCHED_IDLE)
 *
 * The two wake workloads live here rather than in workloads/: they are
 * the live benchmarks' shapes, not perf's, and the perf-wake workload's
 * round handshakes (docs/workloads-perf.md) add wake-ups of their own to
 * the latency histogram.  Both use only the engine's public API.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "des/des.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "topo.h"
#include "validate.h"
#include "workload.h"

#define POLL_NS		1000ull		/* re-check that waiters are queued */
#define WAKELAT_GAP_NS	50000ull	/* waker's pause before each wake */
#define SPIN_CHUNK_NS	100ull		/* the busy target's spinner step */
#define MAX_EVENTS	200000000ull
#define MAX_ARGS	32

/* ---- numbers and statuses ---- */

double fx_val_error_pct(double predicted, double measured)
{
	if (!isfinite(predicted) || !isfinite(measured) || measured == 0)
		return NAN;
	return (predicted - measured) / measured * 100.0;
}

enum fx_val_status fx_val_judge(double error_pct, double target_pct)
{
	if (!(target_pct > 0))
		return FX_VAL_INFO;
	if (isnan(error_pct))
		return FX_VAL_NA;
	return fabs(error_pct) <= target_pct ? FX_VAL_PASS : FX_VAL_MISS;
}

const char *fx_val_status_name(enum fx_val_status s)
{
	switch (s) {
	case FX_VAL_PASS:
		return "PASS";
	case FX_VAL_MISS:
		return "MISS";
	case FX_VAL_INFO:
		return "info";
	default:
		return "n/a";
	}
}

void fx_val_opts_default(struct fx_val_opts *o, const struct fx_cost *cost)
{
	memset(o, 0, sizeof(*o));
	o->cost = cost;
	o->hash_ns = 2000000;		/* 2 ms: ~10^4 calls per thread */
	o->lockpi_ns = 10000000;	/* 10 ms: each pair sleeps ~51 us */
	o->wake_rounds = 10;		/* perf's bench_repeat */
	o->wakelat_samples = 21;
	o->seed = 1;
}

/* ---- the plan ---- */

struct pctx {
	const struct fx_benchres_set *set;
	struct fx_val_table *t;
	char *err;
	size_t errlen;
};

static int pfail(const struct pctx *x, const struct fx_benchres_row *r,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int pfail(const struct pctx *x, const struct fx_benchres_row *r,
		 const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(x->err, x->errlen, "%s:%u: ", x->set->path, r->line);

	if (n < 0 || (size_t)n >= x->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* integer parameter @key of @r, >= @min */
static int pparam(const struct pctx *x, const struct fx_benchres_row *r,
		  const char *key, long min, long *v)
{
	int ret = fx_benchres_param_long(r->params, key, v);

	if (ret == -ENOENT)
		return pfail(x, r, "%s params '%s': no '%s=' (expected %s=N)",
			     r->benchmark, r->params, key, key);
	if (ret || *v < min)
		return pfail(x, r, "%s params '%s': '%s' must be an integer >= %ld",
			     r->benchmark, r->params, key, min);
	return 0;
}

/* the row's unit must be @unit and its value positive */
static int pcheck(const struct pctx *x, const struct fx_benchres_row *r,
		  const char *unit)
{
	if (strcmp(r->unit, unit))
		return pfail(x, r, "%s %s: unit '%s', expected '%s'",
			     r->benchmark, r->metric, r->unit, unit);
	if (!(r->value > 0))
		return pfail(x, r, "%s %s: value %g, expected a positive number of %s",
			     r->benchmark, r->metric, r->value, unit);
	return 0;
}

static struct fx_val_row *add_row(struct fx_val_table *t)
{
	struct fx_val_row *r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct fx_val_row *nr = realloc(t->rows, cap * sizeof(*nr));

		if (!nr)
			return NULL;
		t->rows = nr;
		t->cap = cap;
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->predicted = NAN;
	r->error_pct = NAN;
	r->status = FX_VAL_NA;
	return r;
}

/* a ratio row: @num over @den, both measured rows */
static int ratio_row(const struct pctx *x, const char *group,
		     const struct fx_benchres_row *num,
		     const struct fx_benchres_row *den, const char *metric,
		     const char *snum, const char *sden)
{
	struct fx_val_row *r = add_row(x->t);

	if (!r) {
		snprintf(x->err, x->errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(r->group, sizeof(r->group), "%s", group);
	snprintf(r->scenario, sizeof(r->scenario), "%s / %s", num->params,
		 den->params);
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	r->measured = num->value / den->value;
	r->target_pct = FX_VAL_RATIO_TARGET;
	r->line = num->line;
	r->sim = FX_VAL_SIM_RATIO;
	snprintf(r->num, sizeof(r->num), "%s", snum);
	snprintf(r->den, sizeof(r->den), "%s", sden);
	return 0;
}

/* slot_sweep: ops/s at S slots over ops/s at slots=0, same threads */
static int plan_slots(const struct pctx *x)
{
	const struct fx_benchres_row *r = NULL, *b;
	char f[64], snum[96], sden[96];
	long s, th;
	int ret;

	while ((r = fx_benchres_next(x->set, r, "slot_sweep", NULL, "ops_per_s"))) {
		if ((ret = pparam(x, r, "slots", 0, &s)) ||
		    (ret = pparam(x, r, "threads", 1, &th)) ||
		    (ret = pcheck(x, r, "ops/s")))
			return ret;
		if (!s)
			continue;
		snprintf(f, sizeof(f), "slots=0;threads=%ld", th);
		b = fx_benchres_next(x->set, NULL, "slot_sweep", f, "ops_per_s");
		if (!b)
			continue;
		if ((ret = pcheck(x, b, "ops/s")))
			return ret;
		snprintf(snum, sizeof(snum), "perf-hash -t %ld -f 1024 -b %ld", th, s);
		snprintf(sden, sizeof(sden), "perf-hash -t %ld -f 1024 -b 0", th);
		if ((ret = ratio_row(x, "slot_sweep", r, b,
				     "ops_per_s ratio", snum, sden)))
			return ret;
	}
	return 0;
}

/* hash: T threads over the fewest threads measured; shared over private */
static int plan_hash(const struct pctx *x)
{
	const struct fx_benchres_row *r = NULL, *b, *q;
	char f[96], snum[96], sden[96];
	long th, fu, sh, bth;
	int ret;

	while ((r = fx_benchres_next(x->set, r, "hash", NULL, "ops_per_s"))) {
		if ((ret = pparam(x, r, "threads", 1, &th)) ||
		    (ret = pparam(x, r, "futexes", 1, &fu)) ||
		    (ret = pparam(x, r, "shared", 0, &sh)) ||
		    (ret = pcheck(x, r, "ops/s")))
			return ret;
		if (sh > 1)
			return pfail(x, r, "hash params '%s': shared must be 0 or 1",
				     r->params);
		/* the base: the fewest threads with these futexes and keys */
		snprintf(f, sizeof(f), "futexes=%ld;shared=%ld", fu, sh);
		b = NULL;
		bth = LONG_MAX;
		for (q = NULL; (q = fx_benchres_next(x->set, q, "hash", f,
						     "ops_per_s")); ) {
			long t2;

			if ((ret = pparam(x, q, "threads", 1, &t2)))
				return ret;
			if (t2 < bth) {
				bth = t2;
				b = q;
			}
		}
		if (b && bth != th) {
			if ((ret = pcheck(x, b, "ops/s")))
				return ret;
			snprintf(snum, sizeof(snum), "perf-hash -t %ld -f %ld%s",
				 th, fu, sh ? " -S" : "");
			snprintf(sden, sizeof(sden), "perf-hash -t %ld -f %ld%s",
				 bth, fu, sh ? " -S" : "");
			if ((ret = ratio_row(x, "hash_threads", r, b,
					     "ops_per_s ratio",
					     snum, sden)))
				return ret;
		}
	}
	/* shared=1 over shared=0 at the same threads and futexes */
	for (r = NULL; (r = fx_benchres_next(x->set, r, "hash", "shared=1",
					     "ops_per_s")); ) {
		pparam(x, r, "threads", 1, &th);	/* checked above */
		pparam(x, r, "futexes", 1, &fu);
		snprintf(f, sizeof(f), "threads=%ld;futexes=%ld;shared=0", th, fu);
		b = fx_benchres_next(x->set, NULL, "hash", f, "ops_per_s");
		if (!b)
			continue;
		snprintf(snum, sizeof(snum), "perf-hash -t %ld -f %ld -S", th, fu);
		snprintf(sden, sizeof(sden), "perf-hash -t %ld -f %ld", th, fu);
		if ((ret = ratio_row(x, "hash_shared", r, b, "ops_per_s ratio",
				     snum, sden)))
			return ret;
	}
	return 0;
}

/* lock_pi: multi=1 over multi=0 at the same threads */
static int plan_lockpi(const struct pctx *x)
{
	const struct fx_benchres_row *r = NULL, *b;
	char f[64], snum[96], sden[96];
	long th, m;
	int ret;

	while ((r = fx_benchres_next(x->set, r, "lock_pi", NULL, "ops_per_s"))) {
		if ((ret = pparam(x, r, "threads", 1, &th)) ||
		    (ret = pparam(x, r, "multi", 0, &m)) ||
		    (ret = pcheck(x, r, "ops/s")))
			return ret;
		if (m != 1)
			continue;
		snprintf(f, sizeof(f), "threads=%ld;multi=0", th);
		b = fx_benchres_next(x->set, NULL, "lock_pi", f, "ops_per_s");
		if (!b)
			continue;
		if ((ret = pcheck(x, b, "ops/s")))
			return ret;
		snprintf(snum, sizeof(snum), "perf-lock-pi -t %ld -M", th);
		snprintf(sden, sizeof(sden), "perf-lock-pi -t %ld", th);
		if ((ret = ratio_row(x, "lock_pi", r, b, "ops_per_s ratio",
				     snum, sden)))
			return ret;
	}
	return 0;
}

static const struct {
	const char *metric;
	double q;
} quantiles[] = {
	{ "lat_p50_ns", 0.5 }, { "lat_p90_ns", 0.9 }, { "lat_p99_ns", 0.99 },
};

/* a latency row: measured @r, simulated by @sim with @spec */
static int lat_row(const struct pctx *x, const char *group,
		   const struct fx_benchres_row *r, enum fx_val_sim sim,
		   const char *spec, double q)
{
	struct fx_val_row *v = add_row(x->t);

	if (!v) {
		snprintf(x->err, x->errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(v->group, sizeof(v->group), "%s", group);
	snprintf(v->scenario, sizeof(v->scenario), "%s", r->params);
	snprintf(v->metric, sizeof(v->metric), "%s", r->metric);
	v->measured = r->value;
	v->target_pct = q == 0.5 ? FX_VAL_LAT_TARGET : 0;
	v->line = r->line;
	v->sim = sim;
	v->q = q;
	snprintf(v->num, sizeof(v->num), "%s", spec);
	return 0;
}

/* wake: lat_p50, then its p90 and p99, of each (threads, nwake) */
static int plan_wake(const struct pctx *x)
{
	const struct fx_benchres_row *r = NULL, *q;

	while ((r = fx_benchres_next(x->set, r, "wake", NULL, "lat_p50_ns"))) {
		char spec[64];
		long th, nw;
		int ret;

		if ((ret = pparam(x, r, "threads", 1, &th)) ||
		    (ret = pparam(x, r, "nwake", 1, &nw)))
			return ret;
		snprintf(spec, sizeof(spec), "%ld %ld", th, nw);
		for (size_t k = 0; k < sizeof(quantiles) / sizeof(quantiles[0]); k++) {
			q = k ? fx_benchres_next(x->set, NULL, "wake", r->params,
						 quantiles[k].metric) : r;
			if (!q)
				continue;
			if ((ret = pcheck(x, q, "ns")) ||
			    (ret = lat_row(x, "wake", q, FX_VAL_SIM_WAKE, spec,
					   quantiles[k].q)))
				return ret;
		}
	}
	return 0;
}

/* wake_latency: the p50 of every (waker, wakee, target) */
static int plan_wakelat(const struct pctx *x)
{
	const struct fx_benchres_row *r = NULL;

	while ((r = fx_benchres_next(x->set, r, "wake_latency", NULL,
				     "lat_p50_ns"))) {
		char spec[64], target[16];
		long c1, c2, d;
		int ret;

		if ((ret = pparam(x, r, "waker", 0, &c1)) ||
		    (ret = pparam(x, r, "wakee", 0, &c2)) ||
		    (ret = pparam(x, r, "distance", 10, &d)) ||
		    (ret = pcheck(x, r, "ns")))
			return ret;
		if (fx_benchres_param(r->params, "target", target, sizeof(target)) ||
		    (strcmp(target, "idle") && strcmp(target, "busy")))
			return pfail(x, r, "wake_latency params '%s': expected target=idle or target=busy",
				     r->params);
		snprintf(spec, sizeof(spec), "%ld %ld %s", c1, c2, target);
		if ((ret = lat_row(x, "wake_latency", r, FX_VAL_SIM_WAKELAT,
				   spec, 0.5)))
			return ret;
	}
	return 0;
}

int fx_val_plan(const struct fx_benchres_set *set, struct fx_val_table *t,
		char *err, size_t errlen)
{
	struct pctx x = { .set = set, .t = t, .err = err, .errlen = errlen };
	int ret;

	memset(t, 0, sizeof(*t));
	if (set->nrows) {
		const struct fx_benchres_row *r0 = &set->rows[0];

		snprintf(t->host, sizeof(t->host), "%s", r0->host);
		snprintf(t->kernel, sizeof(t->kernel), "%s", r0->kernel);
		t->cpus = r0->cpus;
		t->nodes = r0->nodes;
		t->layout_global = r0->slots == -1;
	}
	if ((ret = plan_slots(&x)) || (ret = plan_hash(&x)) ||
	    (ret = plan_lockpi(&x)) || (ret = plan_wake(&x)) ||
	    (ret = plan_wakelat(&x))) {
		fx_val_free(t);
		return ret;
	}
	return 0;
}

void fx_val_topology(const struct fx_benchres_set *set, char *buf, size_t len)
{
	char me[256] = "";
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	const struct fx_benchres_row *r0;
	int cpus, nodes;

	if (!set->nrows) {
		snprintf(buf, len, "host");
		return;
	}
	r0 = &set->rows[0];
	gethostname(me, sizeof(me) - 1);
	if (!strcmp(me, r0->host) && online == r0->cpus) {
		snprintf(buf, len, "host");
		return;
	}
	cpus = r0->cpus;
	nodes = r0->nodes;
	if (nodes > 1 && cpus % nodes == 0)
		snprintf(buf, len, "package:%d numa:1 core:%d pu:1", nodes,
			 cpus / nodes);
	else
		snprintf(buf, len, "package:1 core:%d pu:1", cpus);
}

/* ---- simulations ---- */

struct sim_out {
	double throughput;
	uint64_t q50, q90, q99;
	uint64_t wakeups;
};

struct sctx {
	const struct fx_val_opts *o;
	const struct fx_topo *topo;
	const struct fx_layout_ops *layout;
	char *err;
	size_t errlen;
};

static int sfail(const struct sctx *x, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int sfail(const struct sctx *x, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, x->errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static struct fx_des *sim_new(const struct sctx *x, uint64_t end_ns)
{
	struct fx_des_config cfg = {
		.topo = x->topo,
		.cost = x->o->cost,
		.seed = x->o->seed,
		.end_ns = end_ns,
		.max_events = MAX_EVENTS,
	};

	cfg.core.hasher = fx_hasher_find("jhash2");
	cfg.core.layout = x->layout;
	return fx_des_new(&cfg);
}

static int sim_finish(const struct sctx *x, struct fx_des *des,
		      const char *what, struct sim_out *out)
{
	const struct fx_des_results *r;
	int ret = fx_des_run(des);

	if (!ret)
		ret = fx_des_status(des);
	if (ret)
		return sfail(x, ret, "simulation '%s': %s", what,
			     fx_des_errmsg(des));
	r = fx_des_results(des);
	out->throughput = r->throughput;
	out->wakeups = r->wakeups;
	out->q50 = fx_qhist_quantile(&r->wake_lat, 0.5);
	out->q90 = fx_qhist_quantile(&r->wake_lat, 0.9);
	out->q99 = fx_qhist_quantile(&r->wake_lat, 0.99);
	return 0;
}

/* a registered workload: "perf-hash -t 2 -b 16" plus -r RUNTIME */
static int sim_workload(const struct sctx *x, const char *cmd,
			struct sim_out *out)
{
	char line[160], rt[32], err[512] = "";
	char *argv[MAX_ARGS + 1], *save = NULL, *tok;
	const struct fx_workload *wl;
	struct fx_des *des;
	void *opts = NULL;
	FILE *null;
	int argc = 0, ret;
	bool lockpi;

	snprintf(line, sizeof(line), "%s", cmd);
	for (tok = strtok_r(line, " ", &save); tok && argc < MAX_ARGS - 2;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	wl = argc ? fx_workload_find(argv[0]) : NULL;
	if (!wl)
		return sfail(x, -EINVAL, "simulation '%s': no such workload", cmd);
	lockpi = !strcmp(argv[0], "perf-lock-pi");
	snprintf(rt, sizeof(rt), "%.9g",
		 (double)(lockpi ? x->o->lockpi_ns : x->o->hash_ns) / 1e9);
	argv[argc++] = (char *)"-r";
	argv[argc++] = rt;
	argv[argc] = NULL;
	if (wl->parse(argc, argv, &opts, err, sizeof(err)))
		return sfail(x, -EINVAL, "simulation '%s': %s", cmd, err);
	des = sim_new(x, wl->end_ns(opts));
	if (!des) {
		ret = -errno;
		wl->free(opts);
		return sfail(x, ret ? ret : -ENOMEM,
			     "simulation '%s': cannot create it: %s", cmd,
			     strerror(-ret));
	}
	ret = wl->setup(des, opts, 0, err, sizeof(err));
	if (ret) {
		fx_des_free(des);
		wl->free(opts);
		return sfail(x, ret, "simulation '%s': %s", cmd,
			     err[0] ? err : "setup failed");
	}
	ret = sim_finish(x, des, cmd, out);
	null = fopen("/dev/null", "w");
	if (!ret && null)
		wl->report(des, opts, null);
	if (null)
		fclose(null);
	fx_des_free(des);
	wl->free(opts);
	return ret;
}

/* -- the live "wake" benchmark's shape -- */

struct wk_run {
	uint64_t word;
	unsigned nthreads, nwake, rounds;
	unsigned round, woken;
	bool waking;
};

struct wk_waiter {
	struct wk_run *run;
	unsigned waits;
};

static void wk_waiter_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wk_waiter *w = th->priv;

	if (w->waits == w->run->rounds) {
		fx_act_exit(act);
		return;
	}
	w->waits++;
	fx_act_futex(act, w->run->word, FX_OP_WAIT | FX_PRIVATE_FLAG, 0, 0, 0, 0);
}

static void wk_main_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wk_run *run = th->priv;

	if (run->waking) {
		if (th->ret < 0) {
			/* cannot happen; the waiters left blocked make the
			 * run fail with the engine's deadlock report */
			fx_act_exit(act);
			return;
		}
		run->woken += (unsigned)th->ret;
		if (run->woken < run->nthreads) {
			fx_act_futex(act, run->word, FX_OP_WAKE | FX_PRIVATE_FLAG,
				     run->nwake, 0, 0, 0);
			return;
		}
		run->waking = false;
		if (++run->round == run->rounds) {
			fx_act_exit(act);
			return;
		}
	}
	/* sleep, not spin: a waiter pinned to this CPU must get to run,
	 * and timer wake-ups stay out of the latency histogram */
	if (fx_futex_waiters(th->task, run->word, FX2_PRIVATE) <
	    (int)run->nthreads) {
		fx_act_sleep(act, POLL_NS);
		return;
	}
	run->waking = true;
	run->woken = 0;
	fx_act_futex(act, run->word, FX_OP_WAKE | FX_PRIVATE_FLAG, run->nwake,
		     0, 0, 0);
}

static int sim_wake(const struct sctx *x, unsigned nthreads, unsigned nwake,
		    struct sim_out *out)
{
	struct fx_des *des = sim_new(x, 0);
	struct wk_run run = {
		.nthreads = nthreads, .nwake = nwake,
		.rounds = x->o->wake_rounds,
	};
	struct wk_waiter *w = calloc(nthreads, sizeof(*w));
	struct fx_des_proc *p = des ? fx_des_proc_new(des) : NULL;
	char what[64];
	int ret = -ENOMEM;

	snprintf(what, sizeof(what), "wake threads=%u nwake=%u", nthreads, nwake);
	if (!des || !w || !p)
		goto fail;
	run.word = fx_des_alloc(p, 64, 64);
	if (!run.word || !fx_des_thread_new(p, wk_main_step, &run,
					    FX_DES_ANY_CPU, 0))
		goto fail;
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].run = &run;
		if (!fx_des_thread_new(p, wk_waiter_step, &w[i],
				       (int)(i % x->topo->ncpus), 0))
			goto fail;
	}
	ret = sim_finish(x, des, what, out);
	fx_des_free(des);
	free(w);
	return ret;
fail:
	if (des)
		fx_des_free(des);
	free(w);
	return sfail(x, ret, "simulation '%s': cannot set it up", what);
}

/* -- the live "wake_latency" benchmark's shape -- */

struct wl_run {
	uint64_t word;
	unsigned samples, woken;
	unsigned phase;		/* waker: 0 pause, 1 poll, 2 woke */
	unsigned waits;
	bool done;
};

static void wl_waker_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wl_run *run = th->priv;

	switch (run->phase) {
	case 2:
		if (th->ret != 1) {	/* cannot happen: it was queued */
			run->done = true;
			fx_act_exit(act);
			return;
		}
		run->woken++;
		if (run->woken == run->samples) {
			run->done = true;
			fx_act_exit(act);
			return;
		}
		/* fall through */
	case 0:
		run->phase = 1;
		fx_act_think(act, WAKELAT_GAP_NS);
		return;
	default:
		if (fx_futex_waiters(th->task, run->word, FX2_PRIVATE) < 1) {
			fx_act_think(act, POLL_NS);
			return;
		}
		run->phase = 2;
		fx_act_futex(act, run->word, FX_OP_WAKE | FX_PRIVATE_FLAG, 1,
			     0, 0, 0);
	}
}

static void wl_wakee_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wl_run *run = th->priv;

	if (run->waits == run->samples) {
		fx_act_exit(act);
		return;
	}
	run->waits++;
	fx_act_futex(act, run->word, FX_OP_WAIT | FX_PRIVATE_FLAG, 0, 0, 0, 0);
}

static void wl_spin_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wl_run *run = th->priv;

	if (run->done)
		fx_act_exit(act);
	else
		fx_act_think(act, SPIN_CHUNK_NS);
}

static int sim_wakelat(const struct sctx *x, unsigned c1, unsigned c2,
		       bool busy, struct sim_out *out)
{
	struct fx_des *des = sim_new(x, 0);
	struct wl_run run = { .samples = x->o->wakelat_samples };
	struct fx_des_proc *p = des ? fx_des_proc_new(des) : NULL;
	struct fx_des_thread *wakee;
	char what[64];

	snprintf(what, sizeof(what), "wake_latency waker=%u wakee=%u %s", c1,
		 c2, busy ? "busy" : "idle");
	if (!des || !p)
		goto fail;
	run.word = fx_des_alloc(p, 64, 64);
	if (!run.word ||
	    !fx_des_thread_new(p, wl_waker_step, &run, (int)c1, 0) ||
	    !(wakee = fx_des_thread_new(p, wl_wakee_step, &run, (int)c2, 0)))
		goto fail;
	if (busy &&
	    (fx_des_thread_sched(wakee, FX_SCHED_FIFO, 1) ||
	     !fx_des_thread_new(p, wl_spin_step, &run, (int)c2, 0)))
		goto fail;
	{
		int ret = sim_finish(x, des, what, out);

		fx_des_free(des);
		return ret;
	}
fail:
	if (des)
		fx_des_free(des);
	return sfail(x, -ENOMEM, "simulation '%s': cannot set it up", what);
}

/* -- the cache: each distinct simulation runs once -- */

struct cache {
	char key[128];
	struct sim_out out;
};

struct sims {
	struct cache *c;
	size_t n, cap;
};

static int sim_get(const struct sctx *x, struct sims *s, const char *kind,
		   const char *spec, struct sim_out **out)
{
	char key[128];
	struct sim_out o = { 0 };
	unsigned a = 0, b = 0;
	char tgt[8] = "";
	int ret;

	snprintf(key, sizeof(key), "%s %s", kind, spec);
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].key, key)) {
			*out = &s->c[i].out;
			return 0;
		}
	if (x->o->progress)
		fprintf(stderr, "futexsim validate: simulating %s\n", key);
	if (!strcmp(kind, "run"))
		ret = sim_workload(x, spec, &o);
	else if (!strcmp(kind, "wake") &&
		 sscanf(spec, "%u %u", &a, &b) == 2)
		ret = sim_wake(x, a, b, &o);
	else if (sscanf(spec, "%u %u %7s", &a, &b, tgt) == 3)
		ret = sim_wakelat(x, a, b, !strcmp(tgt, "busy"), &o);
	else
		ret = sfail(x, -EINVAL, "internal: bad simulation '%s'", key);
	if (ret)
		return ret;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct cache *nc = realloc(s->c, cap * sizeof(*nc));

		if (!nc)
			return sfail(x, -ENOMEM, "out of memory");
		s->c = nc;
		s->cap = cap;
	}
	snprintf(s->c[s->n].key, sizeof(s->c[s->n].key), "%s", key);
	s->c[s->n].out = o;
	*out = &s->c[s->n++].out;
	return 0;
}

static double quantile_of(const struct sim_out *o, double q)
{
	if (!o->wakeups)
		return NAN;
	return (double)(q == 0.5 ? o->q50 : q == 0.9 ? o->q90 : o->q99);
}

static int predict_row(const struct sctx *x, struct sims *s,
		       struct fx_val_row *r)
{
	struct sim_out *a, *b;
	unsigned c1, c2;
	int ret;

	switch (r->sim) {
	case FX_VAL_SIM_RATIO:
		if ((ret = sim_get(x, s, "run", r->num, &a)) ||
		    (ret = sim_get(x, s, "run", r->den, &b)))
			return ret;
		r->predicted = b->throughput > 0 ? a->throughput / b->throughput
						 : NAN;
		snprintf(r->how, sizeof(r->how), "%s / %s", r->num, r->den);
		break;
	case FX_VAL_SIM_WAKE:
		if ((ret = sim_get(x, s, "wake", r->num, &a)))
			return ret;
		r->predicted = quantile_of(a, r->q);
		snprintf(r->how, sizeof(r->how), "wake: threads nwake %s; %u rounds",
			 r->num, x->o->wake_rounds);
		break;
	case FX_VAL_SIM_WAKELAT:
		if (sscanf(r->num, "%u %u", &c1, &c2) != 2 ||
		    c1 >= x->topo->ncpus || c2 >= x->topo->ncpus ||
		    c1 == c2) {
			snprintf(r->how, sizeof(r->how),
				 "not simulated: CPUs %s on a %u-CPU topology",
				 r->num, x->topo->ncpus);
			return 0;
		}
		if ((ret = sim_get(x, s, "wakelat", r->num, &a)))
			return ret;
		r->predicted = quantile_of(a, r->q);
		snprintf(r->how, sizeof(r->how),
			 "wake_latency: waker wakee target %s; %u wake-ups",
			 r->num, x->o->wakelat_samples);
		break;
	}
	return 0;
}

int fx_val_predict(struct fx_val_table *t, const struct fx_val_opts *o,
		   char *err, size_t errlen)
{
	struct sctx x = { .o = o, .err = err, .errlen = errlen };
	struct sims s = { 0 };
	struct fx_topo *topo = NULL;
	char spec[128];
	int ret;

	if (o->topo)
		snprintf(spec, sizeof(spec), "%s", o->topo);
	else
		snprintf(spec, sizeof(spec), "%s", t->topo[0] ? t->topo : "host");
	snprintf(t->topo, sizeof(t->topo), "%s", spec);
	snprintf(t->profile, sizeof(t->profile), "%s", o->cost->profile);
	ret = fx_topo_load(spec, &topo, err, errlen);
	if (ret)
		return ret;
	ret = fx_cost_apply_distances(o->cost, topo, err, errlen);
	if (ret)
		goto out;
	x.topo = topo;
	/* the kernel's own layout: the private hash where PR_FUTEX_HASH is */
	x.layout = fx_layout_find(t->layout_global ? "global" : "private");
	for (size_t i = 0; i < t->n; i++) {
		struct fx_val_row *r = &t->rows[i];

		if ((ret = predict_row(&x, &s, r)))
			goto out;
		r->error_pct = fx_val_error_pct(r->predicted, r->measured);
		r->status = fx_val_judge(r->error_pct, r->target_pct);
		if (isnan(r->predicted))
			r->status = FX_VAL_NA;
	}
out:
	free(s.c);
	fx_topo_free(topo);
	return ret;
}

/* ---- output ---- */

static void csv_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("nan", f);
	else
		fprintf(f, "%.6g", v);
}

void fx_val_write_csv(const struct fx_val_table *t, FILE *out)
{
	fputs("host,kernel,topology,group,scenario,metric,measured,predicted,"
	      "error_pct,target_pct,status,bench_line,simulation\n", out);
	for (size_t i = 0; i < t->n; i++) {
		const struct fx_val_row *r = &t->rows[i];

		fprintf(out, "%s,%s,%s,%s,%s,%s,", t->host, t->kernel, t->topo,
			r->group, r->scenario, r->metric);
		csv_num(out, r->measured);
		fputc(',', out);
		csv_num(out, r->predicted);
		fputc(',', out);
		csv_num(out, r->error_pct);
		fputc(',', out);
		csv_num(out, r->target_pct);
		fprintf(out, ",%s,%u,%s\n", fx_val_status_name(r->status),
			r->line, r->how);
	}
}

size_t fx_val_count(const struct fx_val_table *t, enum fx_val_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->rows[i].status == s;
	return n;
}

void fx_val_print(const struct fx_val_table *t, FILE *out)
{
	fprintf(out, "validation of %s (%s, %d CPUs, %d node(s)) on topology \"%s\", profile %s\n",
		t->host, t->kernel, t->cpus, t->nodes, t->topo, t->profile);
	fprintf(out, "%-12s %-40s %-18s %12s %12s %8s %7s %s\n", "group",
		"scenario", "metric", "measured", "predicted", "error", "target",
		"status");
	for (size_t i = 0; i < t->n; i++) {
		const struct fx_val_row *r = &t->rows[i];
		char tg[16] = "-", er[16] = "-";

		if (r->target_pct > 0)
			snprintf(tg, sizeof(tg), "+-%.0f%%", r->target_pct);
		if (!isnan(r->error_pct))
			snprintf(er, sizeof(er), "%+.1f%%", r->error_pct);
		fprintf(out, "%-12s %-40s %-18s %12.6g %12.6g %8s %7s %s\n",
			r->group, r->scenario, r->metric, r->measured,
			r->predicted, er, tg, fx_val_status_name(r->status));
	}
	fprintf(out, "summary: %zu row(s): %zu PASS, %zu MISS, %zu info, %zu n/a (targets: ratios +-%.0f%%, wake latency p50 +-%.0f%%)\n",
		t->n, fx_val_count(t, FX_VAL_PASS), fx_val_count(t, FX_VAL_MISS),
		fx_val_count(t, FX_VAL_INFO), fx_val_count(t, FX_VAL_NA),
		FX_VAL_RATIO_TARGET, FX_VAL_LAT_TARGET);
}

void fx_val_free(struct fx_val_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}
