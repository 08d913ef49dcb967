// SPDX-License-Identifier: MIT
/*
 * calib.c - derive a host's cost profile from its "make bench" results.
 *
 * Each parameter is the figure that makes the engine's own sum of
 * charges (docs/cost-model.md, "Where each parameter is charged") add up
 * to what the live kernel measured: an empty private FUTEX_WAKE is
 * syscall.entry + key.private + hash + line.hit (the waiter count read
 * without the lock) + syscall.exit, so key.private is what is left of
 * the measured call once the others are taken out.  Differences of two
 * measurements can come out negative on a noisy host; such a value is
 * set to 0 and its comment says so.  docs/calibration.md lists every
 * formula.
 *
 * Measurements are read through sim/benchres.h; a figure the derivation
 * uses is checked here (unit, sign, params) and refused with
 * "FILE:LINE: what was expected".  A benchmark that is missing leaves its
 * parameters at their built-in values, marked "not measured".
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"

#define MAX_SAMPLES	256

struct ctx {
	const struct fx_benchres_set *set;
	struct fx_calib *cal;
	char *err;
	size_t errlen;
};

static int fail(const struct ctx *x, const struct fx_benchres_row *r,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(const struct ctx *x, const struct fx_benchres_row *r,
		const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (r)
		n = snprintf(x->err, x->errlen, "%s:%u: ", x->set->path,
			     r->line);
	else
		n = snprintf(x->err, x->errlen, "%s: ", x->set->path);
	if (n < 0 || (size_t)n >= x->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static double ns_of(const struct fx_cost *c, enum fx_cost_id id)
{
	return (double)c->v[id] / (double)FX_PS_PER_NS;
}

static void set_ns(struct fx_cost *c, enum fx_cost_id id, double ns)
{
	c->v[id] = (fx_ps)llround(ns * (double)FX_PS_PER_NS);
}

/* the item of @id, added on first use */
static struct fx_calib_item *item(struct fx_calib *cal, int id)
{
	struct fx_calib_item *it;

	for (unsigned i = 0; i < cal->nitems; i++)
		if (cal->item[i].id == id)
			return &cal->item[i];
	if (cal->nitems == FX_CALIB_MAX_ITEMS)
		return NULL;	/* cannot happen: fewer items than slots */
	it = &cal->item[cal->nitems++];
	memset(it, 0, sizeof(*it));
	it->id = id;
	return it;
}

/*
 * measured - set ns parameter @id to @ns (rounded to whole ps), with the
 * note "@fmt..."; a negative @ns becomes 0 and the note says so
 */
static void measured(struct fx_calib *cal, enum fx_cost_id id, double ns,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void measured(struct fx_calib *cal, enum fx_cost_id id, double ns,
		     const char *fmt, ...)
{
	struct fx_calib_item *it = item(cal, id);
	size_t n;
	va_list ap;

	if (!it)
		return;
	va_start(ap, fmt);
	vsnprintf(it->note, sizeof(it->note), fmt, ap);
	va_end(ap);
	n = strlen(it->note);
	if (ns < 0) {
		snprintf(it->note + n, sizeof(it->note) - n,
			 " = %.3f, clamped at 0 (a difference of noisy figures)",
			 ns);
		ns = 0;
	} else {
		snprintf(it->note + n, sizeof(it->note) - n, " = %.3f", ns);
	}
	set_ns(&cal->cost, id, ns);
	it->measured = true;
	it->value = ns_of(&cal->cost, id);
}

/* not_measured - @id keeps its built-in value; the note says why */
static void not_measured(struct fx_calib *cal, int id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void not_measured(struct fx_calib *cal, int id, const char *fmt, ...)
{
	struct fx_calib_item *it = item(cal, id);
	va_list ap;

	if (!it)
		return;
	va_start(ap, fmt);
	vsnprintf(it->note, sizeof(it->note), fmt, ap);
	va_end(ap);
	it->measured = false;
	it->value = id == FX_CALIB_MATRIX ? 0 : ns_of(&cal->cost, id);
}

/*
 * figure - the row of @benchmark/@params/@metric, checked: its unit must
 * be @unit and its value positive
 * Return: 1 with *@out set, 0 when there is no such row, -EINVAL.
 */
static int figure(const struct ctx *x, const char *benchmark,
		  const char *params, const char *metric, const char *unit,
		  const struct fx_benchres_row **out)
{
	const struct fx_benchres_row *r;

	r = fx_benchres_next(x->set, NULL, benchmark, params, metric);
	if (!r)
		return 0;
	if (strcmp(r->unit, unit))
		return fail(x, r, "%s %s: unit '%s', expected '%s'",
			    benchmark, metric, r->unit, unit);
	if (!(r->value > 0))
		return fail(x, r, "%s %s: value %g, expected a positive number of %s",
			    benchmark, metric, r->value, unit);
	*out = r;
	return 1;
}

/*
 * param - integer parameter @key of row @r, >= @min
 * Return: 0, or -EINVAL with the message.
 */
static int param(const struct ctx *x, const struct fx_benchres_row *r,
		 const char *key, long min, long *v)
{
	int ret = fx_benchres_param_long(r->params, key, v);

	if (ret == -ENOENT)
		return fail(x, r, "%s params '%s': no '%s=' (expected %s=N)",
			    r->benchmark, r->params, key, key);
	if (ret || *v < min)
		return fail(x, r, "%s params '%s': '%s' must be an integer >= %ld",
			    r->benchmark, r->params, key, min);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median of @n values (sorted in place); the mean of the middle two */
static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the host ---- */

static int host_of(const struct ctx *x)
{
	const struct fx_benchres_set *set = x->set;
	struct fx_calib *cal = x->cal;
	const struct fx_benchres_row *r0;
	unsigned n = 0;
	int ret;

	if (!set->nrows)
		return fail(x, NULL, "no measurements (every benchmark skipped?); nothing to calibrate");
	r0 = &set->rows[0];
	for (size_t i = 1; i < set->nrows; i++) {
		const struct fx_benchres_row *r = &set->rows[i];
		const char *what = strcmp(r->host, r0->host) ? "host" :
			strcmp(r->kernel, r0->kernel) ? "kernel" :
			r->cpus != r0->cpus ? "cpus" :
			r->nodes != r0->nodes ? "nodes" :
			strcmp(r->distances, r0->distances) ? "distances" :
			NULL;

		if (what)
			return fail(x, r, "%s differs from line %u's (expected the results of one run on one host)",
				    what, r0->line);
	}
	if (strlen(r0->host) >= sizeof(cal->host) ||
	    strlen(r0->kernel) >= sizeof(cal->kernel))
		return fail(x, r0, "host or kernel name too long (at most %zu and %zu characters)",
			    sizeof(cal->host) - 1, sizeof(cal->kernel) - 1);
	snprintf(cal->host, sizeof(cal->host), "%s", r0->host);
	snprintf(cal->kernel, sizeof(cal->kernel), "%s", r0->kernel);
	cal->cpus = r0->cpus;
	cal->nodes = r0->nodes;
	if (r0->nodes > FX_COST_MAX_NODES)
		return fail(x, r0, "%d nodes; the cost model holds at most %d",
			    r0->nodes, FX_COST_MAX_NODES);
	ret = fx_benchres_distances(r0->distances, cal->slit,
				    sizeof(cal->slit) / sizeof(cal->slit[0]),
				    &n);
	if (ret || n != (unsigned)r0->nodes)
		return fail(x, r0, "distances '%s': expected a %dx%d matrix",
			    r0->distances, r0->nodes, r0->nodes);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < n; j++) {
			unsigned d = cal->slit[i * n + j];

			if ((i == j && d != 10) || d < 10 || d > 254)
				return fail(x, r0, "distances '%s': entry [%u][%u] is %u (expected 10 on the diagonal, 10..254 elsewhere)",
					    r0->distances, i, j, d);
		}
	return 0;
}

/* ---- the derivation, parameter by parameter ---- */

/* syscall.entry/.exit, key.private, key.shared */
static int derive_entry_keys(const struct ctx *x, double *empty0)
{
	struct fx_calib *cal = x->cal;
	struct fx_cost *c = &cal->cost;
	const struct fx_benchres_row *sys = NULL, *e0 = NULL, *e1 = NULL;
	double hash = (double)fx_cost_hash(c, "jhash2") / FX_PS_PER_NS;
	double hit = ns_of(c, FX_COST_line_hit), keyp = 0;
	int ret;

	*empty0 = -1;
	if ((ret = figure(x, "null_syscall", "", "ns_per_op", "ns", &sys)) < 0 ||
	    (ret = figure(x, "futex_wake_empty", "shared=0", "ns_per_op", "ns", &e0)) < 0 ||
	    (ret = figure(x, "futex_wake_empty", "shared=1", "ns_per_op", "ns", &e1)) < 0)
		return ret;
	if (sys) {
		measured(cal, FX_COST_syscall_entry, sys->value / 2,
			 "null_syscall ns_per_op / 2: %.6g / 2", sys->value);
		measured(cal, FX_COST_syscall_exit, sys->value / 2,
			 "null_syscall ns_per_op / 2: %.6g / 2", sys->value);
	} else {
		not_measured(cal, FX_COST_syscall_entry, "no null_syscall ns_per_op");
		not_measured(cal, FX_COST_syscall_exit, "no null_syscall ns_per_op");
	}
	if (e0)
		*empty0 = e0->value;
	if (sys && e0) {
		keyp = e0->value - sys->value - hash - hit;
		measured(cal, FX_COST_key_private, keyp,
			 "futex_wake_empty(shared=0) - null_syscall - hash.jhash2 - line.hit: %.6g - %.6g - %.3f - %.3f",
			 e0->value, sys->value, hash, hit);
	} else {
		not_measured(cal, FX_COST_key_private, "no %s",
			     !e0 ? "futex_wake_empty(shared=0) ns_per_op" :
				   "null_syscall ns_per_op");
	}
	if (sys && e0 && e1) {
		double k = keyp < 0 ? 0 : keyp;

		measured(cal, FX_COST_key_shared, k + e1->value - e0->value,
			 "key.private + futex_wake_empty(shared=1) - futex_wake_empty(shared=0): %.3f + %.6g - %.6g",
			 k, e1->value, e0->value);
	} else {
		not_measured(cal, FX_COST_key_shared, "no %s",
			     !e1 ? "futex_wake_empty(shared=1) ns_per_op" :
			     !e0 ? "futex_wake_empty(shared=0) ns_per_op" :
				   "null_syscall ns_per_op");
	}
	return 0;
}

/* chain.step.local: least-squares slope of wake_ns on the chain length */
static int derive_chain(const struct ctx *x)
{
	struct fx_calib *cal = x->cal;
	const struct fx_benchres_row *r = NULL;
	double sx = 0, sy = 0, sxx = 0, sxy = 0, minl = 0, maxl = 0;
	unsigned n = 0;

	while ((r = fx_benchres_next(x->set, r, "chain_walk", NULL, "wake_ns"))) {
		long len;
		int ret = param(x, r, "chain", 0, &len);

		if (ret)
			return ret;
		if (strcmp(r->unit, "ns"))
			return fail(x, r, "chain_walk wake_ns: unit '%s', expected 'ns'",
				    r->unit);
		if (!(r->value > 0))
			return fail(x, r, "chain_walk wake_ns: value %g, expected a positive number of ns",
				    r->value);
		/* an empty chain takes no bucket lock (no waiters pending):
		 * it would mix the lock into the per-entry slope */
		if (len < 1)
			continue;
		if (!n || len < minl)
			minl = (double)len;
		if (!n || len > maxl)
			maxl = (double)len;
		sx += (double)len;
		sy += r->value;
		sxx += (double)len * (double)len;
		sxy += (double)len * r->value;
		n++;
	}
	if (n < 2 || minl == maxl) {
		not_measured(cal, FX_COST_chain_step_local,
			     n ? "chain_walk wake_ns at one chain length only (a slope needs two)" :
				 "no chain_walk wake_ns");
		return 0;
	}
	measured(cal, FX_COST_chain_step_local,
		 (n * sxy - sx * sy) / (n * sxx - sx * sx),
		 "least-squares slope of chain_walk wake_ns on chain length L >= 1 (%u points, L %g..%g)",
		 n, minl, maxl);
	return 0;
}

/* the median of @metric (unit ns) over the rows of @benchmark matching
 * @filter whose distance= is @dist; 0 rows: *@n = 0 */
static int median_at(const struct ctx *x, const char *benchmark,
		     const char *filter, const char *metric, long dist,
		     double *out, unsigned *n)
{
	const struct fx_benchres_row *r = NULL;
	double v[MAX_SAMPLES];

	*n = 0;
	while ((r = fx_benchres_next(x->set, r, benchmark, filter, metric))) {
		long d;
		int ret = param(x, r, "distance", 10, &d);

		if (ret)
			return ret;
		if (d != dist)
			continue;
		if (strcmp(r->unit, "ns"))
			return fail(x, r, "%s %s: unit '%s', expected 'ns'",
				    benchmark, metric, r->unit);
		if (!(r->value > 0))
			return fail(x, r, "%s %s: value %g, expected a positive number of ns",
				    benchmark, metric, r->value);
		if (*n < MAX_SAMPLES)
			v[(*n)++] = r->value;
	}
	if (*n)
		*out = median(v, *n);
	return 0;
}

/* the distances (other than 10) at which @benchmark has @metric rows */
static int distances_of(const struct ctx *x, const char *benchmark,
			const char *filter, const char *metric,
			long *d, unsigned max, unsigned *n)
{
	const struct fx_benchres_row *r = NULL;

	*n = 0;
	while ((r = fx_benchres_next(x->set, r, benchmark, filter, metric))) {
		long v;
		unsigned i;
		int ret = param(x, r, "distance", 10, &v);

		if (ret)
			return ret;
		if (v == 10)
			continue;
		for (i = 0; i < *n && d[i] != v; i++)
			;
		if (i == *n && *n < max)
			d[(*n)++] = v;
	}
	return 0;
}

/* line.xfer, lock.handoff, chain.step.remote, distance.matrix */
static int derive_lines(const struct ctx *x)
{
	struct fx_calib *cal = x->cal;
	struct fx_cost *c = &cal->cost;
	double xfer = 0, far = 0;
	long dists[FX_COST_MAX_NODES], dmax = 0;
	double dx[FX_COST_MAX_NODES];
	unsigned n, nd, nn = (unsigned)cal->nodes, changed = 0;
	struct fx_calib_item *mx;
	size_t len;
	int ret;

	ret = median_at(x, "pingpong_line", NULL, "ns_per_transfer", 10,
			&xfer, &n);
	if (ret)
		return ret;
	if (n) {
		measured(cal, FX_COST_line_xfer, xfer,
			 "pingpong_line ns_per_transfer at distance 10 (median of %u pair(s))",
			 n);
		measured(cal, FX_COST_lock_handoff, xfer,
			 "= line.xfer (the MCS handoff moves one line): pingpong_line ns_per_transfer at distance 10");
	} else {
		not_measured(cal, FX_COST_line_xfer, "no pingpong_line ns_per_transfer at distance 10");
		not_measured(cal, FX_COST_lock_handoff, "no pingpong_line ns_per_transfer at distance 10");
	}
	ret = distances_of(x, "pingpong_line", NULL, "ns_per_transfer", dists,
			   FX_COST_MAX_NODES, &nd);
	if (ret)
		return ret;
	for (unsigned i = 0; i < nd; i++) {
		ret = median_at(x, "pingpong_line", NULL, "ns_per_transfer",
				dists[i], &dx[i], &n);
		if (ret)
			return ret;
		if (dists[i] > dmax) {
			dmax = dists[i];
			far = dx[i];
		}
	}
	if (dmax)
		measured(cal, FX_COST_chain_step_remote,
			 far + ns_of(c, FX_COST_line_hit),
			 "pingpong_line ns_per_transfer at distance %ld + line.hit: %.6g + %.3f",
			 dmax, far, ns_of(c, FX_COST_line_hit));
	else
		not_measured(cal, FX_COST_chain_step_remote,
			     "no pingpong_line ns_per_transfer across nodes");

	if (nn < 2) {
		not_measured(cal, FX_CALIB_MATRIX,
			     "one NUMA node: no matrix, every distance is 10");
		return 0;
	}
	/*
	 * the host's SLIT; each measured distance D becomes the distance D'
	 * at which the engine's line.xfer x D'/10 is the measured transfer
	 */
	mx = item(cal, FX_CALIB_MATRIX);
	if (!mx)
		return fail(x, NULL, "internal: too many calibration items");
	c->dist_n = nn;
	for (unsigned i = 0; i < nn * nn; i++)
		c->dist[i] = cal->slit[i];
	len = (size_t)snprintf(mx->note, FX_CALIB_NOTE_LEN, "host distances '%s'",
			       x->set->rows[0].distances);
	for (unsigned k = 0; k < nd && xfer > 0; k++) {
		long eff = lround(10.0 * dx[k] / xfer);

		if (eff < 10)
			eff = 10;
		if (eff > 254)
			eff = 254;
		for (unsigned i = 0; i < nn * nn; i++)
			if (i / nn != i % nn && cal->slit[i] == (unsigned)dists[k])
				c->dist[i] = (unsigned)eff;
		if (len < FX_CALIB_NOTE_LEN)
			len += (size_t)snprintf(mx->note + len, FX_CALIB_NOTE_LEN - len,
				"%s %ld -> %ld (10 x pingpong_line %.6g / %.6g)",
				changed++ ? "," : "; SLIT", dists[k], eff,
				dx[k], xfer);
	}
	if (!changed && len < FX_CALIB_NOTE_LEN)
		snprintf(mx->note + len, FX_CALIB_NOTE_LEN - len,
			 " (no pingpong_line across nodes: the SLIT as is)");
	mx->measured = true;
	return 0;
}

/*
 * ctx.switch: ns_per_switch is half an iteration of two threads yielding
 * to each other on one CPU, i.e. one sched_yield() system call and one
 * switch; the engine charges the system call's entry and exit apart, so
 * they are taken out (as bench/cost_probe.c takes out getppid)
 */
static int derive_ctx(const struct ctx *x)
{
	struct fx_calib *cal = x->cal;
	const struct fx_benchres_row *r = NULL;
	const struct fx_calib_item *sys = fx_calib_find(cal, FX_COST_syscall_entry);
	double rt = ns_of(&cal->cost, FX_COST_syscall_entry) +
		    ns_of(&cal->cost, FX_COST_syscall_exit);
	int ret = figure(x, "ctx_switch", "", "ns_per_switch", "ns", &r);

	if (ret < 0)
		return ret;
	if (r)
		measured(cal, FX_COST_ctx_switch, r->value - rt,
			 "ctx_switch ns_per_switch (one sched_yield and one switch) - syscall.entry - syscall.exit%s: %.6g - %.3f",
			 sys && sys->measured ? "" : " (built-in: null_syscall not measured)",
			 r->value, rt);
	else
		not_measured(cal, FX_COST_ctx_switch, "no ctx_switch ns_per_switch");
	return 0;
}

/*
 * the waker's FUTEX_WAKE of one sleeper as wake_latency measured it
 * (wake_call_ns) at @target and distance 10; 0 when not measured
 */
static int wake_call(const struct ctx *x, const char *target, double *w1)
{
	char f[32];
	unsigned n;

	snprintf(f, sizeof(f), "target=%s", target);
	*w1 = 0;
	return median_at(x, "wake_latency", f, "wake_call_ns", 10, w1, &n);
}

/* the wake row with nwake=1 and the fewest threads, or none */
static int wake_row(const struct ctx *x, const struct fx_benchres_row **out,
		    long *threads)
{
	const struct fx_benchres_row *r = NULL;
	long t, w;
	int ret;

	*out = NULL;
	while ((r = fx_benchres_next(x->set, r, "wake", NULL, "wake_ms"))) {
		if ((ret = param(x, r, "threads", 1, &t)) ||
		    (ret = param(x, r, "nwake", 1, &w)))
			return ret;
		if (w != 1 || (*out && t >= *threads))
			continue;
		if (strcmp(r->unit, "ms"))
			return fail(x, r, "wake wake_ms: unit '%s', expected 'ms'",
				    r->unit);
		if (!(r->value > 0))
			return fail(x, r, "wake wake_ms: value %g, expected a positive number of ms",
				    r->value);
		*out = r;
		*threads = t;
	}
	return 0;
}

/*
 * wake.up, ipi.local, ipi.remote, idle.exit: the wake-up chain as
 * bench/cost_probe.c decomposes it
 *
 *   waker's FUTEX_WAKE of one sleeper  w1 = empty wake + lock.uncontended
 *                                           + wake.mark + wake.up
 *   wake-up latency into a busy CPU    = w1 + ipi + ctx.switch
 *   into an idle CPU                   = w1 + ipi + idle.exit + ctx.switch
 *
 * w1 is wake_latency's wake_call_ns (the waker's own call, timed); without
 * it, one call of the wake benchmark (nwake=1: wake_ms / threads).
 */
static int derive_wake(const struct ctx *x, double empty0)
{
	struct fx_calib *cal = x->cal;
	struct fx_cost *c = &cal->cost;
	const struct fx_benchres_row *w = NULL;
	double lock = ns_of(c, FX_COST_lock_uncontended);
	double mark = ns_of(c, FX_COST_wake_mark);
	double busy = 0, idle = 0, w1i, w1b, w1, ctxs, far = 0, w1f = 0;
	long dists[FX_COST_MAX_NODES], dmax = 0, wt = 0;
	const char *upnote;
	char late[160] = "";
	unsigned nb, ni, nd, n;
	int ret;

	if ((ret = wake_call(x, "idle", &w1i)) ||
	    (ret = wake_call(x, "busy", &w1b)) ||
	    (ret = wake_row(x, &w, &wt)))
		return ret;
	/* the measured empty wake, or without one the model's sum of it */
	if (!(empty0 > 0))
		empty0 = ns_of(c, FX_COST_syscall_entry) +
			 ns_of(c, FX_COST_key_private) +
			 (double)fx_cost_hash(c, "jhash2") / FX_PS_PER_NS +
			 ns_of(c, FX_COST_line_hit) +
			 ns_of(c, FX_COST_syscall_exit);
	if ((ret = median_at(x, "wake_latency", "target=busy", "lat_p50_ns", 10,
			     &busy, &nb)) ||
	    (ret = median_at(x, "wake_latency", "target=idle", "lat_p50_ns", 10,
			     &idle, &ni)))
		return ret;
	/*
	 * The engine charges the waker's whole wake.up before the wakee's IPI,
	 * so its idle-target latency holds the waker's call.  A measured call
	 * longer than the measured latency cannot be placed so: the waker went
	 * on paying (the halted CPU's wake-up, a VM exit) after the wakee was
	 * on its way.  Then the busy target's call stands for the waker's
	 * part, and the rest of the idle latency goes to idle.exit.
	 */
	if (w1i > 0 && ni && w1i >= idle && w1b > 0 && nb && w1b < busy) {
		snprintf(late, sizeof(late),
			 " (the idle target's call, %.6g, outlasts its wake-up latency, %.6g: the waker paid on after the wakee was on its way)",
			 w1i, idle);
		w1i = w1b;
	}
	if (w1i > 0)
		measured(cal, FX_COST_wake_up, w1i - empty0 - lock - mark,
			 "wake_latency(target=%s, distance 10) wake_call_ns%s - futex_wake_empty(shared=0) - lock.uncontended - wake.mark: %.6g - %.3f - %.3f - %.3f",
			 late[0] ? "busy" : "idle", late, w1i, empty0, lock,
			 mark);
	else if (w)
		measured(cal, FX_COST_wake_up,
			 w->value * 1e6 / (double)wt - empty0 - lock - mark,
			 "wake(%s) wake_ms x 1e6 / %ld calls - futex_wake_empty(shared=0) - lock.uncontended - wake.mark: %.6g - %.3f - %.3f - %.3f",
			 w->params, wt, w->value * 1e6 / (double)wt, empty0,
			 lock, mark);
	else
		not_measured(cal, FX_COST_wake_up,
			     "no wake_latency wake_call_ns and no wake(nwake=1) wake_ms");
	upnote = fx_calib_find(cal, FX_COST_wake_up)->measured ? "" :
		 " (wake.up not measured: its built-in value)";
	/* the model's waker call, for a target without wake_call_ns */
	w1 = empty0 + lock + mark + ns_of(c, FX_COST_wake_up);
	if (!(w1b > 0))
		w1b = w1;
	if (!(w1i > 0))
		w1i = w1;
	ctxs = ns_of(c, FX_COST_ctx_switch);

	if (nb)
		measured(cal, FX_COST_ipi_local, busy - w1b - ctxs,
			 "wake_latency(target=busy, distance 10) lat_p50_ns - the waker's FUTEX_WAKE%s - ctx.switch: %.6g - %.3f - %.3f",
			 upnote, busy, w1b, ctxs);
	else
		not_measured(cal, FX_COST_ipi_local,
			     "no wake_latency(target=busy) lat_p50_ns at distance 10");
	if (nb && ni)
		measured(cal, FX_COST_idle_exit, (idle - w1i) - (busy - w1b),
			 "wake_latency p50 at distance 10, (target=idle - its waker's FUTEX_WAKE) - (target=busy - its waker's FUTEX_WAKE): (%.6g - %.3f) - (%.6g - %.3f)%s",
			 idle, w1i, busy, w1b,
			 late[0] ? " (the busy target's call for both, see wake.up)" : "");
	else
		not_measured(cal, FX_COST_idle_exit, "no wake_latency lat_p50_ns at distance 10 for %s",
			     !ni && !nb ? "either target" : !ni ? "target=idle" : "target=busy");

	ret = distances_of(x, "wake_latency", "target=busy", "lat_p50_ns",
			   dists, FX_COST_MAX_NODES, &nd);
	if (ret)
		return ret;
	for (unsigned i = 0; i < nd; i++)
		if (dists[i] > dmax)
			dmax = dists[i];
	if (dmax && ((ret = median_at(x, "wake_latency", "target=busy",
				      "lat_p50_ns", dmax, &far, &n)) ||
		     (ret = median_at(x, "wake_latency", "target=busy",
				      "wake_call_ns", dmax, &w1f, &n))))
		return ret;
	if (dmax)
		measured(cal, FX_COST_ipi_remote, far - (w1f > 0 ? w1f : w1) - ctxs,
			 "wake_latency(target=busy, distance %ld) lat_p50_ns - the waker's FUTEX_WAKE%s - ctx.switch: %.6g - %.3f - %.3f",
			 dmax, w1f > 0 ? "" : upnote, far, w1f > 0 ? w1f : w1, ctxs);
	else
		not_measured(cal, FX_COST_ipi_remote,
			     "no wake_latency(target=busy) across nodes");
	return 0;
}

/* ---- API ---- */

void fx_calib_date(const char *path, char *buf, size_t len)
{
	const char *end = path + strlen(path), *p;
	static const char csv[] = "/bench.csv";
	size_t n;

	snprintf(buf, len, "undated");
	while (end > path && end[-1] == '/')
		end--;
	n = strlen(csv);
	if ((size_t)(end - path) >= n && !memcmp(end - n, csv, n))
		end -= n;
	while (end > path && end[-1] == '/')
		end--;
	/* "...-YYYYmmddTHHMMSSZ": 16 characters after the last '-' */
	if (end - path < 17)
		return;
	p = end - 16;
	if (p[-1] != '-' || p[8] != 'T' || p[15] != 'Z')
		return;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (p[i] < '0' || p[i] > '9'))
			return;
	snprintf(buf, len, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", p, p + 4, p + 6,
		 p + 9, p + 11, p + 13);
}

int fx_calib_derive(const struct fx_benchres_set *set, const char *date,
		    struct fx_calib *cal, char *err, size_t errlen)
{
	struct ctx x = { .set = set, .cal = cal, .err = err, .errlen = errlen };
	double empty0;
	int ret;

	memset(cal, 0, sizeof(*cal));
	fx_cost_defaults(&cal->cost);
	snprintf(cal->date, sizeof(cal->date), "%s", date && *date ? date : "undated");
	if ((ret = host_of(&x)) ||
	    (ret = derive_entry_keys(&x, &empty0)) ||
	    (ret = derive_chain(&x)) ||
	    (ret = derive_lines(&x)) ||
	    (ret = derive_ctx(&x)) ||
	    (ret = derive_wake(&x, empty0)))
		return ret;
	snprintf(cal->cost.profile, sizeof(cal->cost.profile),
		 "calibrated: %s %s %s", cal->host, cal->kernel, cal->date);
	return 0;
}

const struct fx_calib_item *fx_calib_find(const struct fx_calib *cal, int id)
{
	for (unsigned i = 0; i < cal->nitems; i++)
		if (cal->item[i].id == id)
			return &cal->item[i];
	return NULL;
}

static const char *item_name(int id)
{
	return id == FX_CALIB_MATRIX ? "distance.matrix" :
	       fx_cost_name((enum fx_cost_id)id);
}

/* the item whose parameter line @line ("name = ...") sets, or NULL */
static const struct fx_calib_item *line_item(const struct fx_calib *cal,
					     const char *line)
{
	for (unsigned i = 0; i < cal->nitems; i++) {
		const char *name = item_name(cal->item[i].id);
		size_t n = strlen(name);

		if (!strncmp(line, name, n) && !strncmp(line + n, " = ", 3))
			return &cal->item[i];
	}
	return NULL;
}

int fx_calib_write(const struct fx_calib *cal, FILE *out)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return -ENOMEM;
	fx_cost_dump(&cal->cost, mem);
	if (fclose(mem)) {
		free(buf);
		return -ENOMEM;
	}
	fprintf(out, "# futexsim cost profile calibrated for %s (%s, %d CPUs, %d node(s)),\n"
		"# from its \"make bench\" results of %s (futexsim calibrate;\n"
		"# docs/calibration.md).  Parameters the results do not determine keep\n"
		"# their built-in values and sources.\n",
		cal->host, cal->kernel, cal->cpus, cal->nodes, cal->date);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const struct fx_calib_item *it = line_item(cal, line);
		char *hash = strstr(line, "  #");

		if (!strncmp(line, "# futexsim cost profile:", 24))
			continue;	/* our own header above */
		if (!it || !hash) {
			fprintf(out, "%s\n", line);
			continue;
		}
		*hash = '\0';
		if (it->measured)
			fprintf(out, "%s  # calibrated: %s %s %s, %s\n", line,
				cal->host, cal->kernel, cal->date, it->note);
		else
			fprintf(out, "%s  # not measured on %s %s %s (%s): built-in value kept;%s\n",
				line, cal->host, cal->kernel, cal->date,
				it->note, hash + 3);
	}
	free(buf);
	return ferror(out) ? -EIO : 0;
}

void fx_calib_print(const struct fx_calib *cal, FILE *out)
{
	fprintf(out, "calibration of %s (%s, %d CPUs, %d node(s)), results of %s:\n",
		cal->host, cal->kernel, cal->cpus, cal->nodes, cal->date);
	for (unsigned i = 0; i < cal->nitems; i++) {
		const struct fx_calib_item *it = &cal->item[i];

		if (it->id == FX_CALIB_MATRIX) {
			fprintf(out, "  %-18s %12s  %s%s\n", "distance.matrix",
				it->measured ? "set" : "-",
				it->measured ? "" : "not measured: ", it->note);
			continue;
		}
		fprintf(out, "  %-18s %12.3f  %s%s\n", item_name(it->id),
			it->value, it->measured ? "" : "not measured (built-in): ",
			it->note);
	}
}
