// SPDX-License-Identifier: MIT
/*
 * live_bench.cc - make bench: the futex operations the simulator models,
 * measured on the live kernel, side by side with perf bench futex.
 *
 * A Google Benchmark runner (docs/bench-live.md) calling the C code
 * directly: bench/live_work.c (perf's scenarios), bench/live_probe.c
 * (bench/cost_probe.c's loops), bench/live_sys.c (system calls, pinning,
 * placement, host metadata, children), sim/benchres.c (bench.csv and
 * perf's output), workloads/perfopt.c (perf's option syntax) and the
 * simulator's jhash2 (to put waiters into a chosen private-hash bucket).
 *
 * Every benchmark runs one iteration in a child process of its own (a
 * fresh process, as perf's) and reports its figures as counters and as
 * bench.csv rows; the iteration's manual time is the measured section.
 * With --benchmark_repetitions=N each figure in bench.csv is the median of
 * the N runs.  Benchmarks this host cannot run are not registered: they
 * go to skipped.txt with the reason, and a line to stderr.
 *
 * Own options (removed before Google Benchmark sees argv):
 *   --fx-out=DIR      write DIR/bench.csv, skipped.txt, host.txt
 *   --fx-time=S       seconds per timed run (hash, lock_pi, slot_sweep,
 *                     numa; default 1); every other run scales with it
 *   --fx-no-perf      no perf_compare
 *   --fx-verbose      also print Google Benchmark's console lines
 *   --fx-hash='OPTS', --fx-wake=, --fx-wake-parallel=, --fx-requeue=,
 *   --fx-lock-pi=     one configuration in perf bench futex's own options
 *                     instead of the default grid (and for perf_compare)
 */
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" {
#include "benchres.h"
#include "workloads/perfopt.h"
}
#include "live_probe.h"
#include "live_sys.h"
#include "live_work.h"

namespace {

/* ---- options ---- */

double g_time = 1.0;		/* --fx-time */
std::string g_out;		/* --fx-out */
bool g_no_perf;
std::map<std::string, std::string> g_override;	/* "hash" -> "-t 4 ..." */

struct fx_live_host g_host;
std::vector<int> g_cpu_numa;	/* libnuma node of each CPU id */

/* scaled counts: at --fx-time=1 these are cost_probe's */
int runs_scaled(void)
{
	int r = (int)std::lround(15 * g_time);

	return r < 3 ? 3 : r > 255 ? 255 : r;
}

/* ---- rows and skips ---- */

struct row {
	std::string metric, unit;
	double value;
};

struct agg {
	std::string benchmark, params, metric, unit;
	std::vector<double> v;
};

std::vector<agg> g_rows;
std::map<std::string, size_t> g_row_at;
std::vector<std::string> g_skipped;
std::set<std::string> g_skip_seen;

void add_rows(const std::string &bench, const std::string &params,
	      const std::vector<row> &rows)
{
	for (const row &r : rows) {
		std::string key = bench + "|" + params + "|" + r.metric;
		auto it = g_row_at.find(key);

		if (it == g_row_at.end()) {
			g_row_at[key] = g_rows.size();
			g_rows.push_back({ bench, params, r.metric, r.unit, { r.value } });
		} else {
			g_rows[it->second].v.push_back(r.value);
		}
	}
}

void skip(const std::string &bench, const std::string &params,
	  const std::string &why)
{
	std::string line = bench + (params.empty() ? "" : " " + params) + ": " + why;

	if (!g_skip_seen.insert(line).second)
		return;
	g_skipped.push_back(line);
	std::fprintf(stderr, "bench: skipped %s\n", line.c_str());
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	size_t n = v.size();

	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

std::string P(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	std::vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* ---- registration ---- */

/* runs the measurement; fills rows and the measured seconds, or returns
 * a negative errno with @why */
using run_fn = std::function<int(std::vector<row> &, double &, std::string &)>;

void reg(const std::string &bench, const std::string &params, run_fn fn)
{
	std::string name = bench;

	if (!params.empty()) {
		std::string p = params;

		for (char &ch : p)
			if (ch == ';')
				ch = '/';
		name += "/" + p;
	}
	benchmark::RegisterBenchmark(name.c_str(),
		[bench, params, fn](benchmark::State &st) {
			for (auto _ : st) {
				std::vector<row> rows;
				std::string why;
				double secs = 0;
				int rc = fn(rows, secs, why);

				if (rc) {
					skip(bench, params, why);
					st.SkipWithError(why.c_str());
					break;
				}
				st.SetIterationTime(secs > 0 ? secs : 1e-9);
				for (const row &r : rows)
					st.counters[r.metric] = r.value;
				add_rows(bench, params, rows);
			}
		})->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
}

/* run @f(@cfg, @res) in a child process */
template <class C, class R>
int in_child(int (*f)(const C *, R *, char *, size_t), const C &cfg, R &res,
	     unsigned timeout_s, std::string &why)
{
	struct call {
		int (*f)(const C *, R *, char *, size_t);
		const C *cfg;
		static int tramp(void *arg, void *out, char *err, size_t len)
		{
			call *c = (call *)arg;

			return c->f(c->cfg, (R *)out, err, len);
		}
	} c = { f, &cfg };
	char err[1024] = "";
	int rc = fx_live_in_child(call::tramp, &c, &res, sizeof(res), timeout_s,
				  err, sizeof(err));

	if (rc)
		why = err[0] ? err : std::strerror(-rc);
	return rc;
}

unsigned timeout_for(double secs)
{
	return (unsigned)(120 + 4 * secs);
}

/* ---- perf-style configurations ---- */

struct hash_conf { unsigned t, f; bool shared, mlock; int b; double r; };
struct lockpi_conf { unsigned t; bool multi, shared, mlock; int b; double r; };
struct wake_conf { unsigned t, w; bool shared, mlock; int b; unsigned repeat; };
struct rq_conf { unsigned t, q; bool broadcast, pi, shared, mlock; int b; unsigned repeat; };

std::string hash_params(const hash_conf &c)
{
	return P("threads=%u;futexes=%u;shared=%d", c.t, c.f, c.shared) +
	       (c.b >= 0 ? P(";buckets=%d", c.b) : "");
}

/*
 * The spec's keys in its order, then only when an --fx-SCENARIO override
 * set them: shared=1 (-S, where the spec has no shared key) and
 * buckets=N (-b).
 */
std::string extra_params(bool shared, int b)
{
	return (shared ? std::string(";shared=1") : std::string()) +
	       (b >= 0 ? P(";buckets=%d", b) : "");
}

std::string lockpi_params(const lockpi_conf &c)
{
	return P("threads=%u;multi=%d", c.t, c.multi) + extra_params(c.shared, c.b);
}

std::string wake_params(const wake_conf &c, const char *wkey)
{
	return P("threads=%u;%s=%u", c.t, wkey, c.w) + extra_params(c.shared, c.b);
}

const char *rq_mode(const rq_conf &c)
{
	return c.pi ? "pi" : c.broadcast ? "broadcast" : "plain";
}

unsigned rq_q(const rq_conf &c)
{
	return c.broadcast || c.q > c.t ? c.t : c.q;
}

std::string rq_params(const rq_conf &c)
{
	return P("threads=%u;nrequeue=%u;mode=%s", c.t, rq_q(c), rq_mode(c)) +
	       extra_params(c.shared, c.b);
}

/* split "-t 4 -f 8" into words and parse them with perf's option table */
int parse_override(const char *name, const struct fx_perf_opt *opts,
		   const std::string &s, struct fx_perf_params *p,
		   std::string &why)
{
	std::vector<std::string> words = { name };
	std::vector<char *> argv;
	size_t i = 0;
	char err[256];

	while (i < s.size()) {
		size_t j = s.find_first_of(" \t", i);

		if (j == std::string::npos)
			j = s.size();
		if (j > i)
			words.push_back(s.substr(i, j - i));
		i = j + 1;
	}
	for (auto &w : words)
		argv.push_back(&w[0]);
	argv.push_back(nullptr);
	if (fx_perf_parse(name, opts, (int)words.size(), argv.data(), p, err,
			  sizeof(err))) {
		why = err;
		return -EINVAL;
	}
	return 0;
}

const struct fx_perf_opt hash_opts[] = {
	FX_PERF_OPT_B, FX_PERF_OPT_T,
	{ 'r', "runtime", FX_PERF_OPT_SECS, FX_PERF_FIELD(runtime_ns), NULL },
	{ 'f', "futexes", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nfutexes), NULL },
	FX_PERF_OPT_COMMON, FX_PERF_OPT_END
};
const struct fx_perf_opt lockpi_opts[] = {
	FX_PERF_OPT_B, FX_PERF_OPT_T,
	{ 'r', "runtime", FX_PERF_OPT_SECS, FX_PERF_FIELD(runtime_ns), NULL },
	{ 'M', "multi", FX_PERF_OPT_BOOL, FX_PERF_FIELD(multi), NULL },
	FX_PERF_OPT_COMMON, FX_PERF_OPT_END
};
const struct fx_perf_opt wake_opts[] = {
	FX_PERF_OPT_B, FX_PERF_OPT_T,
	{ 'w', "nwakes", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nwakes), NULL },
	FX_PERF_OPT_COMMON, FX_PERF_OPT_REPEAT, FX_PERF_OPT_END
};
const struct fx_perf_opt wakep_opts[] = {
	FX_PERF_OPT_B, FX_PERF_OPT_T,
	{ 'w', "nwakers", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nwakes), NULL },
	FX_PERF_OPT_COMMON, FX_PERF_OPT_REPEAT, FX_PERF_OPT_END
};
const struct fx_perf_opt rq_opts[] = {
	FX_PERF_OPT_B, FX_PERF_OPT_T,
	{ 'q', "nrequeue", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nrequeue), NULL },
	FX_PERF_OPT_COMMON,
	{ 'B', "broadcast", FX_PERF_OPT_BOOL, FX_PERF_FIELD(broadcast), NULL },
	{ 'p', "pi", FX_PERF_OPT_BOOL, FX_PERF_FIELD(pi), NULL },
	FX_PERF_OPT_REPEAT, FX_PERF_OPT_END
};

struct fx_perf_params perf_defaults(void)
{
	struct fx_perf_params p;

	std::memset(&p, 0, sizeof(p));
	p.nthreads = (unsigned)g_host.ncpu;	/* perf: one per CPU */
	p.nfutexes = 1024;
	p.nwakes = 0;
	p.nrequeue = 1;
	p.nbuckets = -1;
	return p;
}

double runtime_of(const struct fx_perf_params &p)
{
	return p.runtime_ns ? (double)p.runtime_ns / 1e9 : g_time;
}

/* ---- the measurements ---- */

int run_hash(const hash_conf &h, struct fx_live_tput_res &res, std::string &why)
{
	struct fx_live_tput_cfg c;

	std::memset(&c, 0, sizeof(c));
	c.kind = FX_LIVE_HASH;
	c.nthreads = h.t;
	c.nfutexes = h.f;
	c.shared = h.shared;
	c.mlockall = h.mlock;
	c.slots = h.b;
	c.runtime_s = h.r;
	c.cpu = g_host.cpu;
	c.ncpu = (unsigned)g_host.ncpu;
	return in_child(fx_live_tput, c, res, timeout_for(h.r), why);
}

int run_lockpi(const lockpi_conf &l, struct fx_live_tput_res &res,
	       std::string &why)
{
	struct fx_live_tput_cfg c;

	std::memset(&c, 0, sizeof(c));
	c.kind = FX_LIVE_LOCK_PI;
	c.nthreads = l.t;
	c.multi = l.multi;
	c.shared = l.shared;
	c.mlockall = l.mlock;
	c.slots = l.b;
	c.runtime_s = l.r;
	c.cpu = g_host.cpu;
	c.ncpu = (unsigned)g_host.ncpu;
	return in_child(fx_live_tput, c, res, timeout_for(l.r), why);
}

/* rounds: @perf_like runs perf's exact procedure (its --repeat rounds,
 * its 100 ms settle, no stamps) for perf_compare */
struct fx_live_round_cfg round_cfg(enum fx_live_round_kind kind, unsigned t,
				   bool shared, bool mlock, int b,
				   unsigned repeat, bool perf_like)
{
	struct fx_live_round_cfg c;

	std::memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.nthreads = t;
	c.shared = shared;
	c.mlockall = mlock;
	c.slots = b;
	c.cpu = g_host.cpu;
	c.ncpu = (unsigned)g_host.ncpu;
	if (perf_like || repeat) {
		c.rounds_min = c.rounds_max = repeat ? repeat : FX_PERF_REPEAT;
		c.budget_s = 1e9;
	} else {
		c.rounds_min = 10;
		c.rounds_max = (unsigned)std::lround(200 * g_time);
		if (c.rounds_max < 10)
			c.rounds_max = 10;
		c.budget_s = g_time;
	}
	c.settle_ns = perf_like ? 100000000ull : 1000000ull;
	c.fresh = perf_like;
	return c;
}

int run_rounds(const struct fx_live_round_cfg &c, struct fx_live_round_res &res,
	       std::string &why)
{
	double est = c.budget_s < 1e8 ? c.budget_s :
		     c.rounds_max * (0.01 + (double)c.settle_ns / 1e9);

	return in_child(fx_live_rounds, c, res, timeout_for(est * 2), why);
}

int run_wake(const wake_conf &w, bool perf_like, struct fx_live_round_res &res,
	     std::string &why)
{
	struct fx_live_round_cfg c = round_cfg(FX_LIVE_WAKE, w.t, w.shared,
					       w.mlock, w.b, w.repeat, perf_like);

	c.nwake = w.w;
	c.stamp = !perf_like;
	return run_rounds(c, res, why);
}

int run_wakep(const wake_conf &w, bool perf_like, struct fx_live_round_res &res,
	      std::string &why)
{
	struct fx_live_round_cfg c = round_cfg(FX_LIVE_WAKE_PARALLEL, w.t,
					       w.shared, w.mlock, w.b, w.repeat,
					       perf_like);

	c.nwake = w.w;
	return run_rounds(c, res, why);
}

int run_rq(const rq_conf &q, bool perf_like, struct fx_live_round_res &res,
	   std::string &why)
{
	struct fx_live_round_cfg c = round_cfg(FX_LIVE_REQUEUE, q.t, q.shared,
					       q.mlock, q.b, q.repeat, perf_like);

	c.nrequeue = rq_q(q);
	c.pi = q.pi;
	return run_rounds(c, res, why);
}

/* ---- perf ---- */

int run_perf(std::vector<std::string> args, const char *scenario, double &v,
	     std::string &why, unsigned timeout_s)
{
	std::vector<char *> argv;
	std::string cmdline;
	static char out[1 << 16];
	int st, rc;

	args.insert(args.begin(), g_host.perf_cmd);
	for (auto &a : args) {
		argv.push_back(&a[0]);
		cmdline += (cmdline.empty() ? "" : " ") + a;
	}
	argv.push_back(nullptr);
	rc = fx_live_run_cmd(argv.data(), out, sizeof(out), timeout_s, &st);
	if (rc) {
		why = cmdline + ": " + std::strerror(-rc);
		return rc;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		std::string o = out;

		while (!o.empty() && o.back() == '\n')
			o.pop_back();
		if (o.size() > 200)
			o = o.substr(o.size() - 200);
		for (char &ch : o)
			if (ch == '\n')
				ch = ' ';
		why = cmdline + " failed (" +
		      (WIFEXITED(st) ? P("exit %d", WEXITSTATUS(st)) :
				       P("signal %d", WTERMSIG(st))) + "): " + o;
		return -EPROTO;
	}
	rc = fx_benchres_perf_parse(scenario, out, &v);
	if (rc) {
		why = cmdline + ": no summary line in its output";
		return rc;
	}
	return 0;
}

std::vector<std::string> perf_head(unsigned repeat)
{
	std::vector<std::string> a = { "bench" };

	if (repeat && repeat != FX_PERF_REPEAT) {
		a.push_back("--repeat");
		a.push_back(std::to_string(repeat));
	}
	a.push_back("futex");
	return a;
}

void add_flag(std::vector<std::string> &a, bool on, const char *flag)
{
	if (on)
		a.push_back(flag);
}

/*
 * One perf_compare: @pairs times ours then perf's, each figure the median
 * of its runs; ratio = ours / perf.
 */
void reg_compare(const std::string &params, const char *scenario,
		 const char *unit, int pairs,
		 std::function<int(double &, std::string &)> ours,
		 std::vector<std::string> perf_args, double perf_secs)
{
	reg("perf_compare", params,
	    [=](std::vector<row> &rows, double &secs, std::string &why) {
		std::vector<double> o, p;
		uint64_t t0 = fx_probe_now_ns();

		for (int i = 0; i < pairs; i++) {
			double v;
			int rc = ours(v, why);

			if (rc)
				return rc;
			o.push_back(v);
			rc = run_perf(perf_args, scenario, v, why,
				      timeout_for(perf_secs));
			if (rc)
				return rc;
			p.push_back(v);
		}
		double mo = median(o), mp = median(p);

		if (!(mp > 0)) {
			why = P("perf reported %g", mp);
			return -EPROTO;
		}
		rows.push_back({ "ours", unit, mo });
		rows.push_back({ "perf", unit, mp });
		rows.push_back({ "ratio", "ratio", mo / mp });
		secs = (double)(fx_probe_now_ns() - t0) / 1e9;
		return 0;
	    });
}

/* ---- the grid ---- */

std::vector<unsigned> uniq(std::vector<unsigned> v)
{
	std::vector<unsigned> out;

	for (unsigned x : v)
		if (x && std::find(out.begin(), out.end(), x) == out.end())
			out.push_back(x);
	return out;
}

unsigned many_threads(void)
{
	unsigned t = 8u * (unsigned)g_host.ncpu;

	return t > 512 ? 512 : t;
}

struct pair_cpu {
	int a, b;
	unsigned d;
};

/* one CPU pair per distinct node distance; same-node pairs on two cores */
std::vector<pair_cpu> cpu_pairs(void)
{
	std::vector<pair_cpu> out;
	std::set<unsigned> seen;
	const int *cpu = g_host.cpu;
	int n = g_host.ncpu, i, j;

	for (i = 0; i < n; i++) {
		int best = -1;

		for (j = 0; j < n; j++) {
			if (j == i || g_host.cpu_node[cpu[j]] != g_host.cpu_node[cpu[i]])
				continue;
			if (g_host.cpu_core[cpu[j]] != g_host.cpu_core[cpu[i]]) {
				best = j;
				break;
			}
			if (best < 0)
				best = j;	/* an SMT sibling, if nothing else */
		}
		if (best >= 0) {
			out.push_back({ cpu[i], cpu[best], fx_live_distance(&g_host, cpu[i], cpu[best]) });
			seen.insert(out.back().d);
			break;
		}
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			unsigned d = fx_live_distance(&g_host, cpu[i], cpu[j]);

			if (g_host.cpu_node[cpu[i]] == g_host.cpu_node[cpu[j]] ||
			    seen.count(d))
				continue;
			seen.insert(d);
			out.push_back({ cpu[i], cpu[j], d });
		}
	return out;
}

void register_probes(void)
{
	const int runs = runs_scaled();
	const int cpu0 = g_host.cpu[0];

	reg("null_syscall", "", [=](std::vector<row> &rows, double &secs,
				    std::string &why) {
		struct r { double best; } res;
		struct cfg { int runs, cpu; } c = { runs, cpu0 };
		auto f = [](const cfg *cc, r *out, char *, size_t) -> int {
			struct n { static double loop(void *) { return fx_probe_getppid(200000); } };
			fx_probe_pin(cc->cpu);
			out->best = fx_probe_best(n::loop, NULL, cc->runs, NULL);
			return 0;
		};
		int rc = in_child<cfg, r>(f, c, res, 120, why);

		if (rc)
			return rc;
		rows.push_back({ "ns_per_op", "ns", res.best });
		secs = res.best * 200000 * 1e-9;
		return 0;
	});
	for (int shared = 0; shared <= 1; shared++)
		reg("futex_wake_empty", P("shared=%d", shared),
		    [=](std::vector<row> &rows, double &secs, std::string &why) {
			struct r { double best; } res;
			struct cfg { int runs, cpu, shared; } c = { runs, cpu0, shared };
			auto f = [](const cfg *cc, r *out, char *err, size_t len) -> int {
				struct arg { uint32_t *w; int op; };
				struct n { static double loop(void *a) {
					arg *x = (arg *)a;
					return fx_probe_wake_empty(x->w, x->op, 200000);
				} };
				/* shared=1: MAP_SHARED memory, no PRIVATE flag */
				void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					       (cc->shared ? MAP_SHARED : MAP_PRIVATE) |
					       MAP_ANONYMOUS, -1, 0);
				if (m == MAP_FAILED) {
					std::snprintf(err, len, "mmap: %s", std::strerror(errno));
					return -ENOMEM;
				}
				arg a = { (uint32_t *)m + 16, cc->shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE };
				*a.w = 0;
				fx_probe_pin(cc->cpu);
				out->best = fx_probe_best(n::loop, &a, cc->runs, NULL);
				return 0;
			};
			int rc = in_child<cfg, r>(f, c, res, 120, why);

			if (rc)
				return rc;
			rows.push_back({ "ns_per_op", "ns", res.best });
			secs = res.best * 200000 * 1e-9;
			return 0;
		});

	if (g_host.ncpu < 2) {
		skip("pingpong_line", "", "one CPU");
		skip("wake_latency", "", "one CPU");
	}
	std::vector<pair_cpu> pairs = g_host.ncpu >= 2 ? cpu_pairs() : std::vector<pair_cpu>();
	if (g_host.ncpu >= 2 && g_host.nodes < 2) {
		skip("pingpong_line", "distance>10", "one NUMA node");
		skip("wake_latency", "distance>10", "one NUMA node");
	}
	for (const pair_cpu &pc : pairs)
		reg("pingpong_line", P("cpu_a=%d;cpu_b=%d;distance=%u", pc.a, pc.b, pc.d),
		    [=](std::vector<row> &rows, double &secs, std::string &why) {
			struct r { double best; } res;
			struct cfg { int runs, a, b; } c = { runs, pc.a, pc.b };
			auto f = [](const cfg *cc, r *out, char *err, size_t len) -> int {
				struct n { static double loop(void *a) {
					const cfg *x = (const cfg *)a;
					double ns = -1;
					fx_probe_pingpong(x->a, x->b, 200000, &ns);
					return ns;
				} };
				out->best = fx_probe_best(n::loop, (void *)cc, cc->runs, NULL);
				if (out->best < 0) {
					std::snprintf(err, len, "cannot pin to CPUs %d, %d", cc->a, cc->b);
					return -EINVAL;
				}
				return 0;
			};
			int rc = in_child<cfg, r>(f, c, res, 120, why);

			if (rc)
				return rc;
			rows.push_back({ "ns_per_transfer", "ns", res.best });
			secs = res.best * 400000 * 1e-9;
			return 0;
		});
	for (const pair_cpu &pc : pairs)
		for (int busy = 0; busy <= 1; busy++)
			reg("wake_latency", P("waker=%d;wakee=%d;distance=%u;target=%s",
					      pc.a, pc.b, pc.d, busy ? "busy" : "idle"),
			    [=](std::vector<row> &rows, double &secs, std::string &why) {
				struct r { double p50, p90, p99, w1; int n, tries; bool idle; uint64_t spins; } res;
				struct cfg { int a, b, busy, n; } c = { pc.a, pc.b, busy,
					(int)std::max(51l, std::lround(1001 * g_time)) };
				auto f = [](const cfg *cc, r *out, char *err, size_t len) -> int {
					std::vector<double> w1(cc->n), lat(cc->n);
					struct fx_probe_wake_info info;
					int got = fx_probe_wake(cc->a, cc->b, cc->busy, 300000,
								w1.data(), lat.data(), cc->n, &info);
					if (got < 0) {
						std::snprintf(err, len, "CPUs %d, %d: %s", cc->a,
							      cc->b, std::strerror(-got));
						return got;
					}
					out->n = got;
					out->tries = info.tries;
					out->idle = info.spinner_idle;
					out->spins = info.spins;
					if (got < cc->n / 2) {
						std::snprintf(err, len, "only %d of %d wakes found "
							      "the waiter queued", got, cc->n);
						return -EPROTO;
					}
					out->p50 = fx_live_quantile(lat.data(), (size_t)got, 0.50);
					out->p90 = fx_live_quantile(lat.data(), (size_t)got, 0.90);
					out->p99 = fx_live_quantile(lat.data(), (size_t)got, 0.99);
					out->w1 = fx_live_quantile(w1.data(), (size_t)got, 0.50);
					return 0;
				};
				int rc = in_child<cfg, r>(f, c, res, 300, why);

				if (rc)
					return rc;
				if (busy && !res.idle) {
					why = "busy target not measurable: the spinner could not "
					      "be made SCHED_IDLE";
					return -EPERM;
				}
				if (busy && !res.spins) {
					why = P("busy target not measurable: the spinner never ran "
						"on CPU %d", pc.b);
					return -EPROTO;
				}
				rows.push_back({ "lat_p50_ns", "ns", res.p50 });
				rows.push_back({ "lat_p90_ns", "ns", res.p90 });
				rows.push_back({ "lat_p99_ns", "ns", res.p99 });
				rows.push_back({ "wake_call_ns", "ns", res.w1 });
				secs = res.n * 330e-6;
				return 0;
			});

	reg("ctx_switch", "", [=](std::vector<row> &rows, double &secs,
				  std::string &why) {
		struct r { double best, sw; } res;
		struct cfg { int runs, cpu; } c = { runs, cpu0 };
		auto f = [](const cfg *cc, r *out, char *err, size_t len) -> int {
			struct n { static double loop(void *a) {
				const cfg *x = (const cfg *)a;
				double ns = -1, sw = 0;
				fx_probe_yield(x->cpu, 20000, &ns, &sw);
				last_sw() = sw;
				return ns;
			}
			static double &last_sw() { static double s; return s; } };
			out->best = fx_probe_best(n::loop, (void *)cc, cc->runs, NULL);
			out->sw = n::last_sw();
			if (out->best < 0) {
				std::snprintf(err, len, "cannot pin to CPU %d", cc->cpu);
				return -EINVAL;
			}
			return 0;
		};
		int rc = in_child<cfg, r>(f, c, res, 300, why);

		if (rc)
			return rc;
		if (res.sw < 0.9) {
			why = P("yields did not switch (%.2f switches per yield)", res.sw);
			return -EPROTO;
		}
		/* an iteration: our yield, the peer's, two switches */
		rows.push_back({ "ns_per_switch", "ns", res.best / 2 });
		rows.push_back({ "switches_per_yield", "ratio", res.sw });
		secs = res.best * 20000 * 1e-9;
		return 0;
	});
}

/* ---- perf's five scenarios ---- */

std::vector<hash_conf> hash_grid(std::string &why)
{
	std::vector<hash_conf> out;

	if (g_override.count("hash")) {
		struct fx_perf_params p = perf_defaults();

		if (parse_override("--fx-hash", hash_opts, g_override["hash"], &p, why))
			return out;
		out.push_back({ p.nthreads, p.nfutexes, p.fshared, p.mlockall,
				p.nbuckets, runtime_of(p) });
		return out;
	}
	unsigned n = (unsigned)g_host.ncpu;

	for (unsigned t : uniq({ 1, n / 2, n }))
		for (int s = 0; s <= 1; s++)
			out.push_back({ t, 1024, (bool)s, false, -1, g_time });
	return out;
}

std::vector<lockpi_conf> lockpi_grid(std::string &why)
{
	std::vector<lockpi_conf> out;

	if (g_override.count("lock_pi")) {
		struct fx_perf_params p = perf_defaults();

		if (parse_override("--fx-lock-pi", lockpi_opts, g_override["lock_pi"], &p, why))
			return out;
		out.push_back({ p.nthreads, p.multi, p.fshared, p.mlockall,
				p.nbuckets, runtime_of(p) });
		return out;
	}
	for (int m = 0; m <= 1; m++)
		out.push_back({ (unsigned)g_host.ncpu, (bool)m, false, false, -1, g_time });
	return out;
}

std::vector<wake_conf> wake_grid(bool parallel, std::string &why)
{
	const char *key = parallel ? "wake_parallel" : "wake";
	std::vector<wake_conf> out;

	if (g_override.count(key)) {
		struct fx_perf_params p = perf_defaults();

		if (parse_override(parallel ? "--fx-wake-parallel" : "--fx-wake",
				   parallel ? wakep_opts : wake_opts,
				   g_override[key], &p, why))
			return out;
		unsigned w = p.nwakes ? p.nwakes : parallel ? p.nthreads : 1;

		if (parallel && (w > p.nthreads))
			w = p.nthreads;	/* perf's sanity check */
		if (parallel && p.nthreads % w) {
			why = "wake-parallel: threads must be a multiple of -w "
			      "(perf: \"Must be perfectly divisible\")";
			return out;
		}
		out.push_back({ p.nthreads, w, p.fshared, p.mlockall, p.nbuckets,
				p.repeat });
		return out;
	}
	for (unsigned t : uniq({ (unsigned)g_host.ncpu, many_threads() })) {
		std::vector<unsigned> ws = parallel ?
			uniq({ 1, std::min((unsigned)g_host.ncpu, t), t }) :
			uniq({ 1, t });

		for (unsigned w : ws)
			if (!parallel || t % w == 0)
				out.push_back({ t, w, false, false, -1, 0 });
	}
	return out;
}

std::vector<rq_conf> rq_grid(std::string &why)
{
	std::vector<rq_conf> out;

	if (g_override.count("requeue")) {
		struct fx_perf_params p = perf_defaults();

		if (parse_override("--fx-requeue", rq_opts, g_override["requeue"], &p, why))
			return out;
		out.push_back({ p.nthreads, p.nrequeue, p.broadcast, p.pi, p.fshared,
				p.mlockall, p.nbuckets, p.repeat });
		return out;
	}
	for (unsigned t : uniq({ (unsigned)g_host.ncpu, many_threads() })) {
		out.push_back({ t, 1, false, false, false, false, -1, 0 });
		out.push_back({ t, t, true, false, false, false, -1, 0 });
		out.push_back({ t, 1, false, true, false, false, -1, 0 });
	}
	return out;
}

void register_perf_scenarios(void)
{
	std::string why;

	for (const hash_conf &h : hash_grid(why))
		reg("hash", hash_params(h),
		    [=](std::vector<row> &rows, double &secs, std::string &w) {
			struct fx_live_tput_res res;
			int rc = run_hash(h, res, w);

			if (rc)
				return rc;
			rows.push_back({ "ops_per_s", "ops/s", res.ops_per_s });
			rows.push_back({ "ops_per_s_per_thread", "ops/s", res.ops_per_s_thread });
			rows.push_back({ "slots", "count", (double)res.slots });
			secs = res.elapsed_s;
			return 0;
		});
	if (!why.empty())
		skip("hash", "", why);
	why.clear();

	for (const wake_conf &wc : wake_grid(false, why))
		reg("wake", wake_params(wc, "nwake"),
		    [=](std::vector<row> &rows, double &secs, std::string &w) {
			struct fx_live_round_res res;
			int rc = run_wake(wc, false, res, w);

			if (rc)
				return rc;
			rows.push_back({ "wake_ms", "ms", res.ms });
			if (res.nlat) {
				rows.push_back({ "lat_p50_ns", "ns", res.lat_p50 });
				rows.push_back({ "lat_p90_ns", "ns", res.lat_p90 });
				rows.push_back({ "lat_p99_ns", "ns", res.lat_p99 });
			}
			if (res.order_errors)
				std::fprintf(stderr, "bench: wake %s: %u latencies dropped "
					     "(wakee back before its call)\n",
					     wake_params(wc, "nwake").c_str(),
					     res.order_errors);
			rows.push_back({ "slots", "count", (double)res.slots });
			secs = res.ms * res.rounds / 1e3;
			return 0;
		});
	if (!why.empty())
		skip("wake", "", why);
	why.clear();

	for (const wake_conf &wc : wake_grid(true, why))
		reg("wake_parallel", wake_params(wc, "wakers"),
		    [=](std::vector<row> &rows, double &secs, std::string &w) {
			struct fx_live_round_res res;
			int rc = run_wakep(wc, false, res, w);

			if (rc)
				return rc;
			rows.push_back({ "wake_ms", "ms", res.ms });
			rows.push_back({ "slots", "count", (double)res.slots });
			secs = res.ms * res.rounds / 1e3;
			return 0;
		});
	if (!why.empty())
		skip("wake_parallel", "", why);
	why.clear();

	for (const rq_conf &q : rq_grid(why))
		reg("requeue", rq_params(q),
		    [=](std::vector<row> &rows, double &secs, std::string &w) {
			struct fx_live_round_res res;
			int rc = run_rq(q, false, res, w);

			if (rc)
				return rc;
			rows.push_back({ "requeue_ms", "ms", res.ms });
			rows.push_back({ "slots", "count", (double)res.slots });
			secs = res.ms * res.rounds / 1e3;
			return 0;
		});
	if (!why.empty())
		skip("requeue", "", why);
	why.clear();

	for (const lockpi_conf &l : lockpi_grid(why))
		reg("lock_pi", lockpi_params(l),
		    [=](std::vector<row> &rows, double &secs, std::string &w) {
			struct fx_live_tput_res res;
			int rc = run_lockpi(l, res, w);

			if (rc)
				return rc;
			rows.push_back({ "ops_per_s", "ops/s", res.ops_per_s });
			rows.push_back({ "ops_per_s_per_thread", "ops/s", res.ops_per_s_thread });
			rows.push_back({ "slots", "count", (double)res.slots });
			secs = res.elapsed_s;
			return 0;
		});
	if (!why.empty())
		skip("lock_pi", "", why);
}

/* ---- the runner's own experiments ---- */

void register_hash_experiments(void)
{
	const unsigned n = (unsigned)g_host.ncpu;
	const char *no_hash = !g_host.prctl_hash ? "PR_FUTEX_HASH not supported" :
			      "PR_FUTEX_HASH_SET_SLOTS refused (no private hash)";

	if (!g_host.private_hash) {
		skip("chain_walk", "", no_hash);
		skip("slot_sweep", "", no_hash);
		return;
	}
	for (unsigned L : { 0u, 1u, 2u, 4u, 8u, 16u, 32u, 64u })
		reg("chain_walk", P("chain=%u", L),
		    [=](std::vector<row> &rows, double &secs, std::string &why) {
			struct fx_live_chain_cfg c;
			struct fx_live_chain_res res;

			c.chain = L;
			c.cpu = g_host.cpu[0];
			c.waiter_cpu = g_host.ncpu > 1 ? g_host.cpu[1] : -1;
			c.runs = runs_scaled();
			c.loops = std::max(2000l, 200000l / (long)(1 + L));
			int rc = in_child(fx_live_chain, c, res, 300, why);

			if (rc)
				return rc;
			rows.push_back({ "wake_ns", "ns", res.wake_ns });
			secs = res.wake_ns * (double)c.loops * 1e-9;
			return 0;
		});

	/* 0 (the global hash), then 2, 4, ... past the kernel's own size */
	unsigned top = 1024;

	while (top < 4u * (unsigned)g_host.auto_slots)
		top *= 2;
	std::vector<unsigned> sizes = { 0 };
	for (unsigned s = 2; s <= top; s *= 2)
		sizes.push_back(s);
	for (unsigned s : sizes)
		reg("slot_sweep", P("slots=%u;threads=%u", s, n),
		    [=](std::vector<row> &rows, double &secs, std::string &why) {
			struct fx_live_tput_res res;
			hash_conf h = { n, 1024, false, false, (int)s, g_time };
			int rc = run_hash(h, res, why);

			if (rc)
				return rc;
			if (res.slots != (int)s) {
				why = P("GET_SLOTS is %d after SET_SLOTS %u", res.slots, s);
				return -EPROTO;
			}
			rows.push_back({ "ops_per_s", "ops/s", res.ops_per_s });
			secs = res.elapsed_s;
			return 0;
		});
}

void register_numa(void)
{
	const unsigned n = (unsigned)g_host.ncpu;
	static const char *const mode_name[] = { "plain", "numa", "mpol" };

	if (!g_host.futex2) {
		skip("numa", "", "futex2 system calls not supported (Linux 6.7+)");
		return;
	}
	for (int m = FX_LIVE_NUMA_PLAIN; m <= FX_LIVE_NUMA_MPOL; m++) {
		std::string params = P("mode=%s;threads=%u", mode_name[m], n);

		if (m == FX_LIVE_NUMA_NUMA && !g_host.futex2_numa) {
			skip("numa", P("mode=%s", mode_name[m]), "FUTEX2_NUMA not supported");
			continue;
		}
		if (m == FX_LIVE_NUMA_MPOL && !g_host.futex2_mpol) {
			skip("numa", P("mode=%s", mode_name[m]), "FUTEX2_MPOL not supported");
			continue;
		}
		if (m == FX_LIVE_NUMA_MPOL && !g_host.libnuma) {
			skip("numa", P("mode=%s", mode_name[m]),
			     "built without libnuma (cannot place memory on a node)");
			continue;
		}
		if (m != FX_LIVE_NUMA_PLAIN && g_host.nodes < 2) {
			skip("numa", P("mode=%s", mode_name[m]), "one NUMA node");
			continue;
		}
		reg("numa", params,
		    [=](std::vector<row> &rows, double &secs, std::string &why) {
			struct fx_live_tput_cfg c;
			struct fx_live_tput_res res;

			std::memset(&c, 0, sizeof(c));
			c.kind = FX_LIVE_FUTEX2;
			c.nthreads = n;
			c.nfutexes = 1024;
			c.numa = (enum fx_live_numa_mode)m;
			c.slots = -1;
			c.runtime_s = g_time;
			c.cpu = g_host.cpu;
			c.ncpu = n;
			c.cpu_numa = g_cpu_numa.data();
			int rc = in_child(fx_live_tput, c, res, timeout_for(g_time), why);

			if (rc)
				return rc;
			rows.push_back({ "ops_per_s", "ops/s", res.ops_per_s });
			secs = res.elapsed_s;
			return 0;
		});
	}
}

/* ---- perf_compare ---- */

void register_compare(void)
{
	std::string why;

	if (g_no_perf) {
		skip("perf_compare", "", "disabled (--fx-no-perf)");
		return;
	}
	if (!g_host.perf[0]) {
		skip("perf_compare", "", g_host.perf_why);
		return;
	}
	/* perf divides by whole seconds: -r 1 at least */
	unsigned R = (unsigned)std::max(1l, std::lround(g_time));
	int pairs_t = g_time >= 1 ? 5 : 1, pairs_r = g_time >= 1 ? 2 : 1;
	unsigned rep = g_time >= 1 ? FX_PERF_REPEAT : 3;

	std::vector<hash_conf> hg = hash_grid(why);
	if (!hg.empty()) {
		hash_conf h = g_override.count("hash") ? hg[0] :
			      hash_conf{ (unsigned)g_host.ncpu, 1024, false, false, -1, 0 };
		unsigned r = g_override.count("hash") ? (unsigned)std::max(1l, std::lround(h.r)) : R;

		h.r = r;
		std::vector<std::string> a = perf_head(0);
		a.insert(a.end(), { "hash", "-s", "-t", std::to_string(h.t), "-f",
				    std::to_string(h.f), "-r", std::to_string(r) });
		add_flag(a, h.shared, "-S");
		add_flag(a, h.mlock, "-m");
		if (h.b >= 0)
			a.insert(a.end(), { "-b", std::to_string(h.b) });
		reg_compare("scenario=hash;" + hash_params(h), "hash", "ops/s", pairs_t,
			    [=](double &v, std::string &w) {
				struct fx_live_tput_res res;
				int rc = run_hash(h, res, w);

				v = res.ops_per_s_thread;	/* perf's: per thread */
				return rc;
			    }, a, r);
	}
	std::vector<lockpi_conf> lg = lockpi_grid(why);
	if (!lg.empty()) {
		lockpi_conf l = lg[0];	/* the override, or -t CPUs without -M */
		unsigned r = g_override.count("lock_pi") ? (unsigned)std::max(1l, std::lround(l.r)) : R;

		l.r = r;
		std::vector<std::string> a = perf_head(0);
		a.insert(a.end(), { "lock-pi", "-s", "-t", std::to_string(l.t), "-r",
				    std::to_string(r) });
		add_flag(a, l.multi, "-M");
		add_flag(a, l.shared, "-S");
		add_flag(a, l.mlock, "-m");
		if (l.b >= 0)
			a.insert(a.end(), { "-b", std::to_string(l.b) });
		reg_compare("scenario=lock_pi;" + lockpi_params(l), "lock_pi", "ops/s",
			    pairs_t, [=](double &v, std::string &w) {
				struct fx_live_tput_res res;
				int rc = run_lockpi(l, res, w);

				v = res.ops_per_s_thread;
				return rc;
			    }, a, r);
	}
	for (int par = 0; par <= 1; par++) {
		std::vector<wake_conf> wg = wake_grid(par, why);
		const char *key = par ? "wake_parallel" : "wake";

		if (wg.empty())
			continue;
		wake_conf wc = g_override.count(key) ? wg[0] :
			       wake_conf{ (unsigned)g_host.ncpu,
					  par ? (unsigned)g_host.ncpu : 1u, false, false, -1, 0 };
		if (!wc.repeat)
			wc.repeat = rep;
		std::vector<std::string> a = perf_head(wc.repeat);
		a.insert(a.end(), { par ? "wake-parallel" : "wake", "-s", "-t",
				    std::to_string(wc.t), "-w", std::to_string(wc.w) });
		add_flag(a, wc.shared, "-S");
		add_flag(a, wc.mlock, "-m");
		if (wc.b >= 0)
			a.insert(a.end(), { "-b", std::to_string(wc.b) });
		reg_compare(std::string("scenario=") + key + ";" +
			    wake_params(wc, par ? "wakers" : "nwake"), key, "ms", pairs_r,
			    [=](double &v, std::string &w) {
				struct fx_live_round_res res;
				int rc = par ? run_wakep(wc, true, res, w) :
					       run_wake(wc, true, res, w);

				v = res.ms;
				return rc;
			    }, a, wc.repeat * 0.3 + 5);
	}
	std::vector<rq_conf> qg = rq_grid(why);
	std::vector<rq_conf> qs;
	if (g_override.count("requeue")) {
		if (!qg.empty())
			qs.push_back(qg[0]);
	} else {
		unsigned t = (unsigned)g_host.ncpu;

		qs = { { t, 1, false, false, false, false, -1, 0 },
		       { t, t, true, false, false, false, -1, 0 },
		       { t, 1, false, true, false, false, -1, 0 } };
	}
	for (rq_conf q : qs) {
		if (!q.repeat)
			q.repeat = rep;
		std::vector<std::string> a = perf_head(q.repeat);
		a.insert(a.end(), { "requeue", "-s", "-t", std::to_string(q.t), "-q",
				    std::to_string(q.q) });
		add_flag(a, q.broadcast, "-B");
		add_flag(a, q.pi, "-p");
		add_flag(a, q.shared, "-S");
		add_flag(a, q.mlock, "-m");
		if (q.b >= 0)
			a.insert(a.end(), { "-b", std::to_string(q.b) });
		reg_compare("scenario=requeue;" + rq_params(q), "requeue", "ms", pairs_r,
			    [=](double &v, std::string &w) {
				struct fx_live_round_res res;
				int rc = run_rq(q, true, res, w);

				v = res.ms;
				return rc;
			    }, a, q.repeat * 0.3 + 5);
	}
}

/* ---- output ---- */

class progress_reporter : public benchmark::ConsoleReporter {
public:
	explicit progress_reporter(bool verbose) : verbose_(verbose) {}

	bool ReportContext(const Context &ctx) override
	{
		return verbose_ ? ConsoleReporter::ReportContext(ctx) : true;
	}

	void ReportRuns(const std::vector<Run> &runs) override
	{
		if (verbose_) {
			ConsoleReporter::ReportRuns(runs);
			return;
		}
		for (const Run &r : runs) {
			if (r.run_type == Run::RT_Aggregate)
				continue;
			std::fprintf(stderr, "  %-60s %s\n", r.benchmark_name().c_str(),
				     r.error_occurred ? "skipped" : "done");
		}
	}

private:
	bool verbose_;
};

int write_file(const std::string &path, const std::function<int(FILE *)> &fill)
{
	std::string tmp = path + ".tmp." + std::to_string(getpid());
	FILE *f = std::fopen(tmp.c_str(), "w");
	int rc;

	if (!f) {
		std::fprintf(stderr, "bench: %s: %s\n", tmp.c_str(), std::strerror(errno));
		return -errno;
	}
	rc = fill(f);
	if (std::fclose(f) && !rc)
		rc = -EIO;
	if (!rc && std::rename(tmp.c_str(), path.c_str()))
		rc = -errno;
	if (rc) {
		std::fprintf(stderr, "bench: %s: %s\n", path.c_str(), std::strerror(-rc));
		std::remove(tmp.c_str());
	}
	return rc;
}

int write_outputs(void)
{
	int rc = 0;

	rc |= write_file(g_out + "/" FX_BENCHRES_CSV, [](FILE *f) {
		int r = fx_benchres_write_header(f);

		for (const agg &a : g_rows) {
			struct fx_benchres_row row;

			row.host = g_host.host;
			row.kernel = g_host.kernel;
			row.cpus = g_host.cpus;
			row.nodes = g_host.nodes;
			row.distances = g_host.distances;
			row.slots = g_host.slots;
			row.benchmark = a.benchmark.c_str();
			row.params = a.params.c_str();
			row.metric = a.metric.c_str();
			row.value = median(a.v);
			row.unit = a.unit.c_str();
			row.line = 0;
			if (!r)
				r = fx_benchres_write_row(f, &row);
			if (r == -EINVAL) {
				std::fprintf(stderr, "bench: row %s %s %s not writable\n",
					     row.benchmark, row.params, row.metric);
				r = 0;
			}
		}
		return r;
	});
	rc |= write_file(g_out + "/" FX_BENCHRES_SKIPPED, [](FILE *f) {
		for (const std::string &s : g_skipped)
			std::fprintf(f, "%s\n", s.c_str());
		return std::ferror(f) ? -EIO : 0;
	});
	rc |= write_file(g_out + "/host.txt", [](FILE *f) {
		fx_live_host_write(&g_host, f);
		std::fprintf(f, "BENCH_TIME:           %g s per timed run\n", g_time);
		return std::ferror(f) ? -EIO : 0;
	});
	return rc ? 1 : 0;
}

std::string fmt(double v)
{
	char buf[32];

	if (std::fabs(v) >= 1e6)
		std::snprintf(buf, sizeof(buf), "%.3fM", v / 1e6);
	else if (std::fabs(v) >= 1e4)
		std::snprintf(buf, sizeof(buf), "%.1fk", v / 1e3);
	else
		std::snprintf(buf, sizeof(buf), "%.4g", v);
	return buf;
}

void print_summary(void)
{
	std::printf("\n# live_bench on %s: %d CPUs, %d node(s), Linux %s; "
		    "BENCH_TIME %g s\n", g_host.host, g_host.cpus, g_host.nodes,
		    g_host.kernel, g_time);
	std::printf("%-16s %-44s %-22s %12s  %s\n", "benchmark", "params", "metric",
		    "value", "unit");
	for (const agg &a : g_rows) {
		if (a.benchmark == "perf_compare")
			continue;
		std::printf("%-16s %-44s %-22s %12s  %s\n", a.benchmark.c_str(),
			    a.params.empty() ? "-" : a.params.c_str(), a.metric.c_str(),
			    fmt(median(a.v)).c_str(), a.unit.c_str());
	}
	bool any = false;
	for (const agg &a : g_rows) {
		if (a.benchmark != "perf_compare" || a.metric != "ratio")
			continue;
		if (!any)
			std::printf("\n# side by side with %s: ratio = ours / perf, "
				    "harness overhead limit 5%%\n%-56s %12s %12s %8s  %s\n",
				    g_host.perf, "scenario", "ours", "perf", "ratio",
				    "verdict");
		any = true;
		double o = 0, p = 0, r = median(a.v);
		for (const agg &b : g_rows)
			if (b.benchmark == a.benchmark && b.params == a.params) {
				if (b.metric == "ours")
					o = median(b.v);
				else if (b.metric == "perf")
					p = median(b.v);
			}
		/*
		 * hash and lock-pi: loops like perf's, ops/s, below 1 is
		 * our harness being slower: checked against 5%.  The
		 * round-based three time a few calls per round, and their
		 * per-round times are bimodal on small hosts (a wakee that
		 * preempts the waker before it stops its clock): shown,
		 * not checked (docs/bench-live.md).
		 */
		bool rate = a.params.find("scenario=hash") == 0 ||
			    a.params.find("scenario=lock_pi") == 0;

		if (rate)
			std::printf("%-56s %12s %12s %8.3f  %s (ops/s %+.1f%%)\n",
				    a.params.c_str(), fmt(o).c_str(), fmt(p).c_str(),
				    r, r >= 0.95 ? "PASS" : "MISS", 100 * (r - 1));
		else
			std::printf("%-56s %12s %12s %8.3f  - (ms %+.1f%%, not checked)\n",
				    a.params.c_str(), fmt(o).c_str(), fmt(p).c_str(),
				    r, 100 * (r - 1));
	}
	if (!g_skipped.empty()) {
		std::printf("\n# skipped\n");
		for (const std::string &s : g_skipped)
			std::printf("%s\n", s.c_str());
	}
	std::fflush(stdout);
}

bool opt_value(const char *arg, const char *name, std::string &v)
{
	size_t n = std::strlen(name);

	if (std::strncmp(arg, name, n) || arg[n] != '=')
		return false;
	v = arg + n + 1;
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	std::vector<char *> args = { argv[0] };
	bool verbose = false;
	std::string v;

	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--fx-verbose"))
			verbose = true;
		else if (!std::strcmp(argv[i], "--fx-no-perf"))
			g_no_perf = true;
		else if (opt_value(argv[i], "--fx-out", v))
			g_out = v;
		else if (opt_value(argv[i], "--fx-time", v)) {
			char *end;

			g_time = std::strtod(v.c_str(), &end);
			if (*end || !(g_time > 0) || g_time > 3600) {
				std::fprintf(stderr, "live_bench: --fx-time '%s': expected "
					     "seconds, > 0 and <= 3600\n", v.c_str());
				return 2;
			}
		} else if (opt_value(argv[i], "--fx-hash", v))
			g_override["hash"] = v;
		else if (opt_value(argv[i], "--fx-wake", v))
			g_override["wake"] = v;
		else if (opt_value(argv[i], "--fx-wake-parallel", v))
			g_override["wake_parallel"] = v;
		else if (opt_value(argv[i], "--fx-requeue", v))
			g_override["requeue"] = v;
		else if (opt_value(argv[i], "--fx-lock-pi", v))
			g_override["lock_pi"] = v;
		else if (!std::strncmp(argv[i], "--fx-", 5)) {
			std::fprintf(stderr, "live_bench: unknown option '%s' (expected "
				     "--fx-out=DIR, --fx-time=S, --fx-no-perf, --fx-verbose, "
				     "--fx-hash=, --fx-wake=, --fx-wake-parallel=, "
				     "--fx-requeue=, --fx-lock-pi=)\n", argv[i]);
			return 2;
		} else
			args.push_back(argv[i]);
	}
	int nargs = (int)args.size();
	args.push_back(nullptr);

	benchmark::Initialize(&nargs, args.data());
	if (benchmark::ReportUnrecognizedArguments(nargs, args.data()))
		return 2;

	if (fx_live_host_probe(&g_host)) {
		std::fprintf(stderr, "live_bench: out of memory\n");
		return 1;
	}
	if (g_host.ncpu < 1) {
		std::fprintf(stderr, "live_bench: no CPU to run on\n");
		return 1;
	}
	g_cpu_numa.assign((size_t)g_host.maxcpu + 1, 0);
	for (int c = 0; c <= g_host.maxcpu; c++)
		g_cpu_numa[(size_t)c] = g_host.node_id[g_host.cpu_node[c]];

	register_probes();
	register_perf_scenarios();
	register_hash_experiments();
	register_numa();
	register_compare();

	benchmark::AddCustomContext("fx_host", g_host.host);
	benchmark::AddCustomContext("fx_kernel", g_host.kernel);
	benchmark::AddCustomContext("fx_cpus", std::to_string(g_host.cpus));
	benchmark::AddCustomContext("fx_nodes", std::to_string(g_host.nodes));
	benchmark::AddCustomContext("fx_distances", g_host.distances);
	benchmark::AddCustomContext("fx_slots", std::to_string(g_host.slots));
	benchmark::AddCustomContext("fx_bench_time", P("%g", g_time));
	benchmark::AddCustomContext("fx_perf", g_host.perf[0] ? g_host.perf : g_host.perf_why);

	progress_reporter rep(verbose);
	benchmark::RunSpecifiedBenchmarks(&rep);
	print_summary();
	int rc = g_out.empty() ? 0 : write_outputs();
	benchmark::Shutdown();
	fx_live_host_free(&g_host);
	return rc;
}
