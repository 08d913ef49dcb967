// SPDX-License-Identifier: MIT
/*
 * des_bench.cc - how fast is the discrete-event engine, and how much
 * memory does a simulated waiter cost?
 *
 * A Google Benchmark runner (make bench-des, docs/bench.md) calling the C
 * code directly.  Benchmarks:
 *
 *   BM_evq/N             the event queue alone (sim/des/evq.c), N = 64,
 *                        1024, 65536 pending events; an event is one pop
 *                        of the earliest plus one push at a random later
 *                        time, the run loop's steady state.  Target:
 *                        >= 10M events/s.
 *   BM_perf_hash_80/H/L  the perf-hash workload (workloads/perf_hash.c)
 *                        with 80 threads on the synthetic 80-CPU, 8-node
 *                        topology, hasher H, layout L (private, global,
 *                        pernode), -r 0.001 (1 ms simulated).  Target for
 *                        the whole pipeline (step, op, locks, core,
 *                        scheduler, queue): >= 2M futex ops per CPU second.
 *   BM_wake_storm_64/wW  perf-wake, 64 waiters, -w W (1 or 64) woken per
 *                        call; same topology; no target (figures only).
 *   BM_mem_per_waiter/N  N threads (1000, 10000, 100000) each FUTEX_WAIT
 *                        on its own private futex and block; the run ends
 *                        when nothing can happen any more (all blocked).
 *                        Heap bytes in use (mallinfo2: uordblks + hblkhd)
 *                        after the run minus before fx_des_new(), over N.
 *                        Target: <= 256 bytes per waiter.
 *
 * Only fx_des_run() is timed in the workload benchmarks (building and
 * freeing the simulation is not); rates are per CPU second of the
 * benchmark thread, i.e. per core.  Each iteration builds a fresh
 * simulation with seed 1, so every iteration simulates the same events.
 *
 * The engine's internal headers are C only; bench/des_bench_sim.c gives
 * this file the event queue, the layout registry and the struct sizes.
 *
 * Own options (removed before Google Benchmark sees argv):
 *   --fx-verbose   also print Google Benchmark's console lines
 *   --fx-strict    exit 1 when a target is missed
 */
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

extern "C" {
#include "des/des.h"
#include "hashers/hasher.h"
#include "workloads/workload.h"
}
#include "des_bench_sim.h"

namespace {

/* the 80-CPU box: 8 packages of 10 cores, one NUMA node per package */
constexpr const char *FXB_TOPO = "package:8 numa:1 core:10 pu:1";
constexpr unsigned FXB_DIST_LOCAL = 10, FXB_DIST_PACKAGE = 12,
		   FXB_DIST_REMOTE = 21;
constexpr uint64_t FXB_SEED = 1;		/* every simulation's seed */
constexpr uint64_t FXB_EVQ_SEED = 0x6576716576717571ull;
constexpr size_t FXB_EVQ_BATCH = 1024;		/* events per iteration */

struct fx_topo *g_topo;
struct fx_cost g_cost;
std::string g_setup_error;	/* why the simulations cannot run */

/* ---- targets, for the summary ---- */

struct target {
	const char *prefix;	/* benchmarks whose name starts with it */
	const char *counter;	/* the figure checked */
	const char *label;	/* for the table */
	double limit;
	bool at_least;		/* true: >= limit; false: <= limit */
};

const target g_targets[] = {
	{ "BM_evq/", "events_per_s", "events/s", 10e6, true },
	{ "BM_perf_hash_80/", "futex_ops_per_s", "futex ops/s", 2e6, true },
	{ "BM_mem_per_waiter/", "bytes_per_waiter", "bytes/waiter", 256, false },
};

/* what the table shows for each family, in this order */
const struct {
	const char *prefix;
	std::vector<std::pair<const char *, const char *>> figs;
} g_columns[] = {
	{ "BM_evq/", { { "events_per_s", "events/s" } } },
	{ "BM_perf_hash_80/", { { "futex_ops_per_s", "futex ops/s" },
				{ "events_per_s", "events/s" },
				{ "sim_ops_per_s", "sim ops/s" } } },
	{ "BM_wake_storm_64/", { { "futex_ops_per_s", "futex ops/s" },
				 { "events_per_s", "events/s" },
				 { "sim_ops_per_s", "sim ops/s" } } },
	{ "BM_mem_per_waiter/", { { "bytes_per_waiter", "bytes/waiter" },
				  { "setup_bytes_per_waiter", "setup B/waiter" },
				  { "run_bytes_per_waiter", "run B/waiter" },
				  { "fixed_bytes", "fixed bytes" },
				  { "ns_per_waiter", "ns/waiter" } } },
};

/* ---- BM_evq ---- */

void bm_evq(benchmark::State &st, size_t n)
{
	struct fxb_evq *q = fxb_evq_new(n, FXB_EVQ_SEED);
	uint64_t sum = 0;

	if (!q) {
		st.SkipWithError("out of memory for the event queue");
		return;
	}
	for (auto _ : st) {
		sum += fxb_evq_churn(q, FXB_EVQ_BATCH);
		benchmark::DoNotOptimize(sum);
	}
	if (!sum || fxb_evq_len(q) != n)
		st.SkipWithError("the queue lost events (push out of memory?)");
	st.counters["events_per_s"] = benchmark::Counter(
		(double)FXB_EVQ_BATCH, benchmark::Counter::kIsIterationInvariantRate);
	st.counters["ns_per_event"] = benchmark::Counter(
		(double)FXB_EVQ_BATCH * 1e-9,
		benchmark::Counter::kIsIterationInvariantRate |
		benchmark::Counter::kInvert);
	st.counters["pending"] = (double)n;
	fxb_evq_free(q);
}

/* ---- simulations ---- */

/* a fresh simulation on the 80-CPU topology; NULL with @err set */
struct fx_des *new_sim(const char *hasher, const char *layout,
		       uint64_t end_ns, std::string *err)
{
	struct fx_des_config cfg;
	struct fx_des *des;

	std::memset(&cfg, 0, sizeof(cfg));
	if (!g_setup_error.empty()) {
		*err = g_setup_error;
		return nullptr;
	}
	cfg.topo = g_topo;
	cfg.cost = &g_cost;
	cfg.seed = FXB_SEED;
	cfg.end_ns = end_ns;
	cfg.core.hasher = fx_hasher_find(hasher);
	if (!cfg.core.hasher) {
		*err = std::string("unknown hasher ") + hasher;
		return nullptr;
	}
	if (fxb_set_layout(&cfg, layout)) {
		*err = std::string("unknown layout ") + layout;
		return nullptr;
	}
	des = fx_des_new(&cfg);
	if (!des)
		*err = std::string("fx_des_new: ") + std::strerror(errno);
	return des;
}

struct wl_case {
	const char *workload;		/* registry name */
	std::vector<std::string> args;	/* its options, argv[1..] */
	const char *hasher, *layout;
};

/* One workload run: parse, setup (untimed), fx_des_run (timed). */
struct wl_run {
	const struct fx_workload *wl = nullptr;
	void *opts = nullptr;
	struct fx_des *des = nullptr;

	~wl_run()
	{
		if (wl && opts)
			wl->free(opts);
		fx_des_free(des);
	}

	bool build(const wl_case &c, std::string *err)
	{
		std::vector<std::string> words = { c.workload };
		std::vector<char *> argv;
		char msg[512] = "";
		int rc;

		wl = fx_workload_find(c.workload);
		if (!wl) {
			*err = std::string("no workload ") + c.workload;
			return false;
		}
		words.insert(words.end(), c.args.begin(), c.args.end());
		for (auto &w : words)
			argv.push_back(&w[0]);
		argv.push_back(nullptr);
		rc = wl->parse((int)words.size(), argv.data(), &opts, msg,
			       sizeof(msg));
		if (rc) {
			opts = nullptr;
			*err = msg[0] ? msg : "parse failed";
			return false;
		}
		des = new_sim(c.hasher, c.layout, wl->end_ns(opts), err);
		if (!des)
			return false;
		rc = wl->setup(des, opts, 0, msg, sizeof(msg));
		if (rc) {
			*err = msg[0] ? msg : std::string("setup: ") +
					      std::strerror(-rc);
			return false;
		}
		return true;
	}
};

void bm_workload(benchmark::State &st, const wl_case *c)
{
	double events = 0, fops = 0, thr = 0, runs = 0;

	for (auto _ : st) {
		st.PauseTiming();
		std::string err;
		{
			wl_run r;

			if (!r.build(*c, &err)) {
				st.ResumeTiming();
				st.SkipWithError(err.c_str());
				break;
			}
			st.ResumeTiming();
			int rc = fx_des_run(r.des);
			st.PauseTiming();
			if (rc) {
				err = std::string("fx_des_run: ") +
				      std::strerror(-rc) + ": " +
				      fx_des_errmsg(r.des);
				st.ResumeTiming();
				st.SkipWithError(err.c_str());
				break;
			}
			const struct fx_des_results *res = fx_des_results(r.des);

			events += (double)res->events;
			fops += (double)res->futex_ops;
			thr += res->throughput;
			runs++;
		}
		st.ResumeTiming();
	}
	if (!runs)
		return;
	using C = benchmark::Counter;
	st.counters["events_per_s"] = C(events, C::kIsRate);
	st.counters["futex_ops_per_s"] = C(fops, C::kIsRate);
	st.counters["ns_per_futex_op"] = C(fops * 1e-9, C::kIsRate | C::kInvert);
	st.counters["sim_ops_per_s"] = thr / runs;	/* ops per simulated s */
	st.counters["futex_ops"] = fops / runs;		/* per run */
	st.counters["events"] = events / runs;
}

/* ---- BM_mem_per_waiter ---- */

size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

/* wait on the thread's own futex (value 0) forever; nobody wakes it */
void waiter_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	const uint64_t *base = static_cast<const uint64_t *>(th->priv);

	fx_act_futex(act, *base + 4ull * th->idx,
		     FX_OP_WAIT | FX_PRIVATE_FLAG, 0, 0, 0, 0);
}

void bm_mem(benchmark::State &st, unsigned n)
{
	std::vector<struct fx_des_thread *> ths(n);
	uint64_t base = 0;
	double fixed = 0, setup = 0, run = 0, total = 0, runs = 0;

	for (auto _ : st) {
		std::string err;
		size_t b0 = heap_in_use(), b1, b2, b3;
		struct fx_des *des = new_sim("jhash2", "private", 0, &err);
		struct fx_des_proc *p;
		unsigned sleeping = 0;
		int rc = -ENOMEM;

		if (!des) {
			st.SkipWithError(err.c_str());
			break;
		}
		b1 = heap_in_use();
		p = fx_des_proc_new(des);
		base = p ? fx_des_alloc(p, 4ull * n, 64) : 0;
		for (unsigned i = 0; base && i < n; i++) {
			ths[i] = fx_des_thread_new(p, waiter_step, &base,
						   FX_DES_ANY_CPU, 0);
			if (!ths[i]) {
				base = 0;
				break;
			}
			/* blocked at the end without that being a deadlock */
			fx_des_thread_daemon(ths[i]);
		}
		b2 = heap_in_use();
		if (base)
			rc = fx_des_run(des);
		b3 = heap_in_use();
		for (unsigned i = 0; !rc && i < n; i++)
			sleeping += fx_task_state(ths[i]->task) ==
				    FX_TASK_SLEEPING;
		if (rc || sleeping != n) {
			err = rc ? std::string("run: ") + std::strerror(-rc) +
				   ": " + fx_des_errmsg(des) :
				   std::to_string(sleeping) + " of " +
				   std::to_string(n) + " threads asleep";
			fx_des_free(des);
			st.SkipWithError(err.c_str());
			break;
		}
		fixed += (double)(b1 - b0);
		setup += (double)(b2 - b1);
		run += (double)(b3 - b2);
		total += (double)(b3 - b0);
		runs++;
		fx_des_free(des);
	}
	if (!runs)
		return;
	st.counters["bytes_per_waiter"] = total / runs / n;
	st.counters["setup_bytes_per_waiter"] = setup / runs / n;
	st.counters["run_bytes_per_waiter"] = run / runs / n;
	st.counters["fixed_bytes"] = fixed / runs;
	st.counters["ns_per_waiter"] = benchmark::Counter(
		(double)n * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
		benchmark::Counter::kInvert);
	st.counters["waiters"] = (double)n;
}

/* ---- registration ---- */

std::vector<wl_case> g_cases;	/* stable: reserved before use */

void register_all(void)
{
	static const char *const layouts[] = { "private", "global", "pernode" };

	for (size_t n : { (size_t)64, (size_t)1024, (size_t)65536 })
		benchmark::RegisterBenchmark(
			("BM_evq/" + std::to_string(n)).c_str(), bm_evq, n);

	g_cases.reserve(8);
	for (const char *l : layouts) {
		g_cases.push_back({ "perf-hash", { "-t", "80", "-r", "0.001", "-s" },
				    "jhash2", l });
		benchmark::RegisterBenchmark(
			(std::string("BM_perf_hash_80/jhash2/") + l).c_str(),
			bm_workload, &g_cases.back());
	}
	for (const char *w : { "1", "64" }) {
		g_cases.push_back({ "perf-wake", { "-t", "64", "-w", w, "-s" },
				    "jhash2", "private" });
		benchmark::RegisterBenchmark(
			(std::string("BM_wake_storm_64/w") + w).c_str(),
			bm_workload, &g_cases.back());
	}
	for (unsigned n : { 1000u, 10000u, 100000u })
		benchmark::RegisterBenchmark(
			("BM_mem_per_waiter/" + std::to_string(n)).c_str(),
			bm_mem, n)->Iterations(1);
}

/* ---- the reporter: keeps the medians of every counter ---- */

struct fxb_stat {
	std::map<std::string, double> med;	/* median (or single run) */
	std::map<std::string, double> cv;
	int64_t reps = 0;
	std::string error;
};

class SummaryReporter : public benchmark::ConsoleReporter {
public:
	explicit SummaryReporter(bool verbose) : verbose_(verbose) {}

	void ReportRuns(const std::vector<Run> &runs) override
	{
		if (verbose_)
			ConsoleReporter::ReportRuns(runs);
		for (const Run &r : runs) {
			fxb_stat &s = stats[r.run_name.function_name];

			if (r.error_occurred) {
				s.error = r.error_message;
				continue;
			}
			if (r.run_type == Run::RT_Aggregate) {
				if (r.aggregate_name == "median") {
					for (const auto &c : r.counters)
						s.med[c.first] = c.second.value;
					s.reps = r.repetitions;
				} else if (r.aggregate_name == "cv") {
					for (const auto &c : r.counters)
						s.cv[c.first] = c.second.value;
				}
			} else if (r.repetitions <= 1) {
				for (const auto &c : r.counters)
					s.med[c.first] = c.second.value;
				s.reps = 1;
			}
		}
		if (verbose_ || runs.empty())
			return;
		const std::string &name = runs.front().run_name.function_name;
		const fxb_stat &s = stats[name];
		if (!s.error.empty())
			std::fprintf(stderr, "  %-32s ERROR: %s\n", name.c_str(),
				     s.error.c_str());
		else if (s.reps)
			std::fprintf(stderr, "  %-32s done (%s%" PRId64 " run%s)\n",
				     name.c_str(), s.reps > 1 ? "median of " : "",
				     s.reps, s.reps == 1 ? "" : "s");
	}

	std::map<std::string, fxb_stat> stats;

private:
	bool verbose_;
};

std::string fmt_fig(double v)
{
	char buf[32];

	if (std::isnan(v))
		return "-";
	if (std::fabs(v) >= 1e6)
		std::snprintf(buf, sizeof(buf), "%.2fM", v / 1e6);
	else if (std::fabs(v) >= 1e4)
		std::snprintf(buf, sizeof(buf), "%.1fk", v / 1e3);
	else
		std::snprintf(buf, sizeof(buf), "%.1f", v);
	return buf;
}

bool starts_with(const std::string &s, const char *p)
{
	return s.compare(0, std::strlen(p), p) == 0;
}

/* Prints the table and the verdicts; returns the number of misses. */
int print_summary(const SummaryReporter &rep, const struct fxb_sizes &sz)
{
	int64_t reps = 0;
	int missed = 0, checked = 0;

	for (const auto &kv : rep.stats)
		if (kv.second.reps > reps)
			reps = kv.second.reps;
	std::printf("\n# des_bench: medians of up to %" PRId64 " repetitions; "
		    "rates per CPU second (one core)\n", reps);
	std::printf("# topology \"%s\" (%u CPUs, %u nodes), builtin costs, seed %"
		    PRIu64 "\n", FXB_TOPO, g_topo ? g_topo->ncpus : 0,
		    g_topo ? g_topo->nnodes : 0, FXB_SEED);
	std::printf("# sizeof: des_thread %zu, fx_task %zu, des_ev %zu, "
		    "des_cpu %zu, fx_q %zu, fx_hb %zu\n", sz.des_thread,
		    sz.fx_task, sz.des_ev, sz.des_cpu, sz.fx_q, sz.fx_hb);
	std::printf("%-32s %-15s %12s %7s %12s  %s\n", "benchmark", "figure",
		    "median", "cv", "target", "verdict");
	for (const auto &col : g_columns) {
		for (const auto &kv : rep.stats) {
			const std::string &name = kv.first;
			const fxb_stat &s = kv.second;

			if (!starts_with(name, col.prefix))
				continue;
			if (!s.error.empty()) {
				std::printf("%-32s %-15s %12s %7s %12s  %s (%s)\n",
					    name.c_str(), "-", "-", "-", "-",
					    "MISS", s.error.c_str());
				missed++;
				checked++;
				continue;
			}
			for (const auto &fig : col.figs) {
				auto m = s.med.find(fig.first);
				auto c = s.cv.find(fig.first);
				double v = m == s.med.end() ? NAN : m->second;
				std::string tgt = "", verdict = "";
				char cvs[16] = "-";

				if (c != s.cv.end() && !std::isnan(c->second))
					std::snprintf(cvs, sizeof(cvs), "%.1f%%",
						      100.0 * c->second);
				for (const auto &t : g_targets) {
					if (!starts_with(name, t.prefix) ||
					    std::strcmp(t.counter, fig.first))
						continue;
					bool ok = t.at_least ? v >= t.limit :
							       v <= t.limit;

					tgt = std::string(t.at_least ? ">= " : "<= ") +
					      fmt_fig(t.limit);
					verdict = ok ? "PASS" : "MISS";
					missed += !ok;
					checked++;
				}
				std::printf("%-32s %-15s %12s %7s %12s  %s\n",
					    name.c_str(), fig.second,
					    fmt_fig(v).c_str(), cvs, tgt.c_str(),
					    verdict.c_str());
			}
		}
	}
	std::printf("\n%s: %d of %d targets missed\n", missed ? "MISS" : "PASS",
		    missed, checked);
	return missed;
}

} // namespace

int main(int argc, char **argv)
{
	/* Defaults first, so that the user's own --benchmark_* flags win. */
	static char d_reps[] = "--benchmark_repetitions=5";
	static char d_min[] = "--benchmark_min_time=0.3";
	static char d_inter[] = "--benchmark_enable_random_interleaving=true";
	static char d_aggr[] = "--benchmark_display_aggregates_only=true";
	std::vector<char *> args = { argv[0], d_reps, d_min, d_inter, d_aggr };
	bool verbose = false, strict = false;
	struct fxb_sizes sz;
	char err[256] = "", buf[128];

	for (int i = 1; i < argc; i++) {
		if (std::strcmp(argv[i], "--fx-verbose") == 0)
			verbose = true;
		else if (std::strcmp(argv[i], "--fx-strict") == 0)
			strict = true;
		else
			args.push_back(argv[i]);
	}
	int nargs = (int)args.size();
	args.push_back(nullptr);

	benchmark::Initialize(&nargs, args.data());
	if (benchmark::ReportUnrecognizedArguments(nargs, args.data()))
		return 2;

	fx_cost_defaults(&g_cost);
	if (fx_topo_load(FXB_TOPO, &g_topo, err, sizeof(err)))
		g_setup_error = std::string("topology: ") + err;
	else
		fx_topo_set_distances(g_topo, FXB_DIST_LOCAL, FXB_DIST_PACKAGE,
				      FXB_DIST_REMOTE);
	fxb_sizes(&sz);
	register_all();

	benchmark::AddCustomContext("fx_topology", FXB_TOPO);
	if (g_topo) {
		std::snprintf(buf, sizeof(buf), "%u CPUs, %u nodes, distances %u/%u/%u",
			      g_topo->ncpus, g_topo->nnodes, FXB_DIST_LOCAL,
			      FXB_DIST_PACKAGE, FXB_DIST_REMOTE);
		benchmark::AddCustomContext("fx_topology_shape", buf);
	}
	benchmark::AddCustomContext("fx_cost_profile", g_cost.profile);
	benchmark::AddCustomContext("fx_seed", std::to_string(FXB_SEED));
	benchmark::AddCustomContext("fx_evq_events_per_iteration",
				    std::to_string(FXB_EVQ_BATCH));
	benchmark::AddCustomContext("fx_sizeof_des_thread",
				    std::to_string(sz.des_thread));
	benchmark::AddCustomContext("fx_sizeof_fx_task", std::to_string(sz.fx_task));
	benchmark::AddCustomContext("fx_sizeof_des_ev", std::to_string(sz.des_ev));
	benchmark::AddCustomContext("fx_sizeof_des_cpu", std::to_string(sz.des_cpu));
	benchmark::AddCustomContext("fx_sizeof_fx_q", std::to_string(sz.fx_q));
	benchmark::AddCustomContext("fx_sizeof_fx_hb", std::to_string(sz.fx_hb));

	SummaryReporter rep(verbose);
	benchmark::RunSpecifiedBenchmarks(&rep);
	int missed = print_summary(rep, sz);
	std::fflush(stdout);
	benchmark::Shutdown();
	fx_topo_free(g_topo);
	return strict && missed ? 1 : 0;
}
