// SPDX-License-Identifier: MIT
/*
 * hash_bench.cc - how fast is each hasher's hash_key on futex keys?
 *
 * A Google Benchmark runner (make bench-hash, docs/bench.md).  It calls the
 * C code directly: every hasher of the registry fx_hashers[] through the
 * pointer the simulator's layouts call (fx_hash_words: hash_bytes on the
 * key's bytes in place for hashers that fold key bytes, else hash_key on
 * the words), on two key forms:
 *
 *   16B  nwords = 4 (16 bytes of key words) + initval: the kernel's
 *        global-hash key (ptr lo, ptr hi, word lo, word hi; initval =
 *        offset incl. FUT_OFF_* bits), i.e. futex_hash()'s
 *        jhash2(key words, 4, key->both.offset);
 *   24B  nwords = 6 (24 bytes: the whole union fx_key as words: ptr, word,
 *        offset, node) + initval = offset again.
 *
 * The keys are a precomputed stream (FXB_NKEYS keys from a fixed seed:
 * private, shared-anon and inode keys of several processes, see make_keys),
 * and one benchmark iteration hashes the whole stream, so the loop measures
 * the hash and not a generator, and the key varies from call to call.
 * Every result goes through benchmark::DoNotOptimize; the calls are
 * independent, so the figure is throughput (ns per hash in a stream of
 * hashes), not the latency of one dependent chain.
 *
 * Side by side in the same run, the references:
 *   xxh32/xxh64/xxh3  libxxhash's own one-shot XXH32 / XXH64 /
 *                     XXH3_64bits_withSeed on the bytes the plug-in hashes
 *                     (K of sim/hashers/fold.h: the key words, then the
 *                     initval), precomputed: the plug-in's overhead
 *                     (indirect call + building K) must keep ours/ref <=
 *                     1.05;
 *   jhash2            bench/jhash2_ref.c, a plain port of the kernel's
 *                     jhash2(): ours/ref <= 1.10.
 * Before timing anything the runner checks that each pair gives the same
 * values on the whole stream, so the ratios compare like with like.
 *
 * The run uses repetitions, randomly interleaved, and reports medians
 * (defaults below; any --benchmark_* flag given on the command line wins).
 * After the run a custom reporter prints one summary table and one
 * PASS/FAIL line per ratio check.  A FAIL never aborts the run; the exit
 * status is 0 unless --fx-strict is given.
 *
 * Own options (removed before Google Benchmark sees argv):
 *   --fx-verbose   also print Google Benchmark's console lines
 *   --fx-strict    exit 1 when a check fails
 */
#include <benchmark/benchmark.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <xxhash.h>

extern "C" {
#include "hashers/hasher.h"
}
#include "jhash2_ref.h"

namespace {

/* ---- the key stream ---- */

constexpr size_t FXB_NKEYS = 1024;	/* keys hashed per iteration */
constexpr uint64_t FXB_SEED = 0x66757465786b6579ull;	/* "futexkey" */
constexpr unsigned FXB_FORMS[] = { 4, 6 };	/* nwords of 16B, 24B */

/* union fx_key (sim/futex_int.h, 64-bit layout) as six u32 words. */
struct fxb_key {
	uint32_t w[6];	/* ptr lo, ptr hi, word lo, word hi, offset, node */
};

std::vector<fxb_key> g_keys(FXB_NKEYS);
/* K of fold.h for each key and form: LE32(words[0..n-1]) || LE32(initval),
 * the bytes the xxHash plug-ins hash; the references read them ready-made. */
std::vector<uint8_t> g_kbytes[2];

uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * A plausible mix of what get_futex_key() produces on a busy host: 16
 * processes (mm_structs in the kernel direct map), each with futexes in
 * its heap, its thread stacks/mmaps and a few shared mappings.
 *   70% private:      (mm, page address, offset)
 *   20% shared anon:  (mm, page address, offset | FUT_OFF_MMSHARED)
 *   10% file-backed:  (inode i_seq, pgoff, offset | FUT_OFF_INODE)
 * Offsets are 4-byte aligned within the page; node is FUTEX_NO_NODE except
 * for one key in eight (a futex2 NUMA key on node 0 or 1).
 */
void make_keys(void)
{
	uint64_t s = FXB_SEED;
	uint64_t mm[16];

	for (auto &m : mm)
		m = 0xffff888100000000ull + (splitmix64(&s) % (1u << 20)) * 0x400;
	for (auto &k : g_keys) {
		uint64_t r = splitmix64(&s), ptr, word;
		unsigned kind = (unsigned)(r % 10);
		uint32_t off = (uint32_t)((r >> 8) % 1024) * 4;

		if (kind < 9) {
			ptr = mm[(r >> 20) % 16];
			word = ((r >> 24) & 1) ? 0x7f0000000000ull : 0x555555554000ull;
			word += (splitmix64(&s) % 65536) << 12;
			off |= kind < 7 ? 0 : 2u;	/* FUT_OFF_MMSHARED */
		} else {
			ptr = 1000 + (r >> 32) % 4096;		/* i_seq */
			word = (r >> 20) % 256;			/* pgoff */
			off |= 1u;				/* FUT_OFF_INODE */
		}
		k.w[0] = (uint32_t)ptr;
		k.w[1] = (uint32_t)(ptr >> 32);
		k.w[2] = (uint32_t)word;
		k.w[3] = (uint32_t)(word >> 32);
		k.w[4] = off;
		k.w[5] = ((r >> 40) & 7) ? 0xffffffffu : (uint32_t)((r >> 43) & 1);
	}
	for (int f = 0; f < 2; f++) {
		unsigned nw = FXB_FORMS[f];
		size_t len = 4 * ((size_t)nw + 1);

		g_kbytes[f].assign(FXB_NKEYS * len, 0);
		for (size_t i = 0; i < FXB_NKEYS; i++) {
			uint8_t *p = &g_kbytes[f][i * len];

			std::memcpy(p, g_keys[i].w, 4 * (size_t)nw);	/* LE host */
			std::memcpy(p + 4 * nw, &g_keys[i].w[4], 4);
		}
	}
}

/* ---- the benchmarks ---- */

void set_counters(benchmark::State &st)
{
	st.SetItemsProcessed((int64_t)(st.iterations() * FXB_NKEYS));
	/* (hashes * 1e-9) per CPU second, inverted: CPU ns per hash. */
	st.counters["ns_per_hash"] = benchmark::Counter(
		(double)FXB_NKEYS * 1e-9,
		benchmark::Counter::kIsIterationInvariantRate |
		benchmark::Counter::kInvert);
}

/*
 * A registered hasher as the layouts call it, seed 0: through hash_bytes on
 * the key's bytes in place when the hasher folds key bytes (fx_hash_words:
 * the union fx_key already lies in memory as K), else through hash_key on
 * the words.
 */
void bm_hasher(benchmark::State &st, const struct fx_hasher *h, int form)
{
	const unsigned nw = FXB_FORMS[form];
	const fxb_key *keys = g_keys.data();

	if (h->key_bytes) {
		const fx_hash_bytes_fn fn = h->hash_bytes;
		const size_t len = 4 * ((size_t)nw + 1);
		const uint8_t *kb = g_kbytes[form].data();

		for (auto _ : st)
			for (size_t i = 0; i < FXB_NKEYS; i++) {
				uint64_t v = fn(kb + i * len, len, 0);

				benchmark::DoNotOptimize(v);
			}
	} else {
		const fx_hash_key_fn fn = h->hash_key;

		for (auto _ : st)
			for (size_t i = 0; i < FXB_NKEYS; i++) {
				uint64_t v = fn(keys[i].w, nw, keys[i].w[4], 0);

				benchmark::DoNotOptimize(v);
			}
	}
	set_counters(st);
}

/* The references: bare calls, on the same input as the plug-in. */
enum ref_kind { REF_XXH32, REF_XXH64, REF_XXH3, REF_JHASH2 };

/*
 * libxxhash's one-shot call on the bytes the plug-in hashes (K of
 * sim/hashers/fold.h), precomputed: the reference does not pay for
 * building K, the plug-in does.
 */
void bm_ref_xxh(benchmark::State &st, enum ref_kind kind, int form)
{
	const size_t len = 4 * ((size_t)FXB_FORMS[form] + 1);
	const uint8_t *kb = g_kbytes[form].data();

	switch (kind) {	/* one loop per function: no switch inside */
	case REF_XXH32:
		for (auto _ : st)
			for (size_t i = 0; i < FXB_NKEYS; i++) {
				uint64_t v = XXH32(kb + i * len, len, 0);

				benchmark::DoNotOptimize(v);
			}
		break;
	case REF_XXH64:
		for (auto _ : st)
			for (size_t i = 0; i < FXB_NKEYS; i++) {
				uint64_t v = XXH64(kb + i * len, len, 0);

				benchmark::DoNotOptimize(v);
			}
		break;
	default:
		for (auto _ : st)
			for (size_t i = 0; i < FXB_NKEYS; i++) {
				uint64_t v = XXH3_64bits_withSeed(kb + i * len, len, 0);

				benchmark::DoNotOptimize(v);
			}
		break;
	}
	set_counters(st);
}

uint64_t ref_xxh(enum ref_kind kind, int form, size_t i)
{
	const size_t len = 4 * ((size_t)FXB_FORMS[form] + 1);
	const uint8_t *p = &g_kbytes[form][i * len];

	switch (kind) {
	case REF_XXH32:
		return XXH32(p, len, 0);
	case REF_XXH64:
		return XXH64(p, len, 0);
	default:
		return XXH3_64bits_withSeed(p, len, 0);
	}
}

void bm_ref_jhash2(benchmark::State &st, unsigned nw)
{
	const fxb_key *keys = g_keys.data();

	for (auto _ : st) {
		for (size_t i = 0; i < FXB_NKEYS; i++) {
			uint64_t v = bench_jhash2_ref(keys[i].w, nw, keys[i].w[4]);

			benchmark::DoNotOptimize(v);
		}
	}
	set_counters(st);
}

/* The ratio checks: which hasher, against what, with which limit. */
struct ref_check {
	const char *hasher;	/* registry name */
	enum ref_kind kind;
	const char *ref;	/* benchmark name suffix and table label */
	double limit;		/* ours / ref must be <= limit */
	bool values_ok;		/* same values on the whole stream */
};

ref_check g_checks[] = {
	{ "jhash2", REF_JHASH2, "jhash2_ref", 1.10, false },
	{ "xxh32", REF_XXH32, "XXH32", 1.05, false },
	{ "xxh64", REF_XXH64, "XXH64", 1.05, false },
	{ "xxh3", REF_XXH3, "XXH3_64bits_withSeed", 1.05, false },
};

std::string bm_name(int form, const std::string &what)
{
	return std::string(form ? "24B/" : "16B/") + what;
}

/* Ours and the reference must agree before their speeds are compared. */
void check_values(void)
{
	for (auto &c : g_checks) {
		const struct fx_hasher *h = fx_hasher_find(c.hasher);

		c.values_ok = h != nullptr;
		for (int f = 0; h && f < 2; f++) {
			unsigned nw = FXB_FORMS[f];

			for (size_t i = 0; i < FXB_NKEYS; i++) {
				const fxb_key &k = g_keys[i];
				uint64_t ours = h->hash_key(k.w, nw, k.w[4], 0);
				uint64_t ref = c.kind == REF_JHASH2 ?
					bench_jhash2_ref(k.w, nw, k.w[4]) :
					ref_xxh(c.kind, f, i);

				if (ours != ref) {
					c.values_ok = false;
					break;
				}
			}
		}
	}
}

void register_all(void)
{
	for (int f = 0; f < 2; f++) {
		unsigned nw = FXB_FORMS[f];

		for (const struct fx_hasher *const *h = fx_hashers; *h; h++)
			benchmark::RegisterBenchmark(bm_name(f, (*h)->name).c_str(),
						     bm_hasher, *h, f);
		for (const auto &c : g_checks) {
			std::string n = bm_name(f, "ref:" + std::string(c.ref));

			if (c.kind == REF_JHASH2)
				benchmark::RegisterBenchmark(n.c_str(), bm_ref_jhash2, nw);
			else
				benchmark::RegisterBenchmark(n.c_str(), bm_ref_xxh,
							     c.kind, f);
		}
	}
}

/* ---- the reporter: keeps the medians, prints a line per benchmark ---- */

struct fxb_stat {
	double ns = NAN;	/* median ns/hash (or the single run's) */
	double cv = NAN;	/* coefficient of variation of ns/hash */
	int64_t reps = 0;
	std::string error;
};

class SummaryReporter : public benchmark::ConsoleReporter {
public:
	explicit SummaryReporter(bool verbose) : verbose_(verbose) {}

	bool ReportContext(const Context &ctx) override
	{
		return ConsoleReporter::ReportContext(ctx);
	}

	void ReportRuns(const std::vector<Run> &runs) override
	{
		if (verbose_)
			ConsoleReporter::ReportRuns(runs);
		for (const Run &r : runs) {
			fxb_stat &s = stats[r.run_name.function_name];
			auto c = r.counters.find("ns_per_hash");
			double v = c == r.counters.end() ? NAN : c->second.value;

			if (r.error_occurred) {
				s.error = r.error_message;
				continue;
			}
			if (r.run_type == Run::RT_Aggregate) {
				if (r.aggregate_name == "median") {
					s.ns = v;
					s.reps = r.repetitions;
				} else if (r.aggregate_name == "cv") {
					s.cv = v;
				}
			} else if (r.repetitions <= 1) {
				s.ns = v;
				s.reps = 1;
			}
		}
		if (verbose_ || runs.empty())
			return;
		const std::string &name = runs.front().run_name.function_name;
		const fxb_stat &s = stats[name];
		if (!s.error.empty())
			std::fprintf(stderr, "  %-40s ERROR: %s\n", name.c_str(),
				     s.error.c_str());
		else if (s.reps > 1)
			std::fprintf(stderr,
				     "  %-40s %8.3f ns/hash  (median of %" PRId64
				     ", cv %.1f%%)\n", name.c_str(), s.ns, s.reps,
				     100.0 * s.cv);
		else if (s.reps == 1)
			std::fprintf(stderr, "  %-40s %8.3f ns/hash  (one run)\n",
				     name.c_str(), s.ns);
	}

	std::map<std::string, fxb_stat> stats;

private:
	bool verbose_;
};

void fmt_ns(char *buf, size_t n, double v)
{
	if (std::isnan(v))
		std::snprintf(buf, n, "%8s", "-");
	else
		std::snprintf(buf, n, "%8.3f", v);
}

/* Prints the table and the verdicts; returns the number of failed checks. */
int print_summary(const SummaryReporter &rep)
{
	auto med = [&rep](const std::string &name) {
		auto it = rep.stats.find(name);
		return it == rep.stats.end() ? NAN : it->second.ns;
	};
	int64_t reps = 0;
	for (const auto &kv : rep.stats)
		if (kv.second.reps > reps)
			reps = kv.second.reps;

	std::printf("\n# hash_bench: CPU ns per hash_key call, %s%" PRId64
		    " repetition%s, key stream of %zu keys, seed 0\n",
		    reps > 1 ? "median of " : "", reps, reps == 1 ? "" : "s",
		    FXB_NKEYS);
	std::printf("# 16B = 4 key words + initval (global key); "
		    "24B = 6 words (whole union fx_key) + initval\n");
	std::printf("%-15s %8s %8s  %-21s %8s %8s %7s %7s  %s\n", "hasher",
		    "16B", "24B", "reference", "ref 16B", "ref 24B", "r16",
		    "r24", "verdict");

	int failed = 0;
	std::vector<std::string> verdicts;

	for (const struct fx_hasher *const *h = fx_hashers; *h; h++) {
		const char *name = (*h)->name;
		double o16 = med(bm_name(0, name)), o24 = med(bm_name(1, name));
		char a[32], b[32];
		const ref_check *c = nullptr;

		for (const auto &cc : g_checks)
			if (std::strcmp(cc.hasher, name) == 0)
				c = &cc;
		if (std::isnan(o16) && std::isnan(o24))
			continue;	/* filtered out */
		fmt_ns(a, sizeof(a), o16);
		fmt_ns(b, sizeof(b), o24);
		if (!c) {
			std::printf("%-15s %s %s\n", name, a, b);
			continue;
		}

		std::string ref = "ref:" + std::string(c->ref);
		double r16v = med(bm_name(0, ref)), r24v = med(bm_name(1, ref));
		double q16 = o16 / r16v, q24 = o24 / r24v;
		char rs16[32], rs24[32], q16s[32], q24s[32], line[512];
		const char *verdict;

		fmt_ns(rs16, sizeof(rs16), r16v);
		fmt_ns(rs24, sizeof(rs24), r24v);
		if (std::isnan(q16))
			std::snprintf(q16s, sizeof(q16s), "%7s", "-");
		else
			std::snprintf(q16s, sizeof(q16s), "%7.3f", q16);
		if (std::isnan(q24))
			std::snprintf(q24s, sizeof(q24s), "%7s", "-");
		else
			std::snprintf(q24s, sizeof(q24s), "%7.3f", q24);

		if (!c->values_ok) {
			verdict = "FAIL";
			std::snprintf(line, sizeof(line),
				      "FAIL %s: values differ from %s on the key stream",
				      name, c->ref);
		} else if (std::isnan(q16) || std::isnan(q24)) {
			verdict = "n/a";
			std::snprintf(line, sizeof(line),
				      "SKIP %s: ours or %s not run (filtered)",
				      name, c->ref);
		} else {
			bool ok = q16 <= c->limit && q24 <= c->limit;

			verdict = ok ? "PASS" : "FAIL";
			std::snprintf(line, sizeof(line),
				      "%s %s: ours/%s = %.3f (16B), %.3f (24B); limit %.2f",
				      verdict, name, c->ref, q16, q24, c->limit);
		}
		if (std::strcmp(verdict, "FAIL") == 0)
			failed++;
		verdicts.push_back(line);
		std::printf("%-15s %s %s  %-21s %s %s %s %s  %s\n", name, a, b,
			    c->ref, rs16, rs24, q16s, q24s, verdict);
	}
	std::printf("\n");
	for (const auto &v : verdicts)
		std::printf("%s\n", v.c_str());
	std::printf("%s: %d of %zu ratio checks failed\n",
		    failed ? "FAIL" : "PASS", failed, verdicts.size());
	return failed;
}

} // namespace

int main(int argc, char **argv)
{
	/* Defaults first, so that the user's own --benchmark_* flags win. */
	static char d_reps[] = "--benchmark_repetitions=25";
	static char d_min[] = "--benchmark_min_time=0.15";
	static char d_inter[] = "--benchmark_enable_random_interleaving=true";
	static char d_aggr[] = "--benchmark_display_aggregates_only=true";
	std::vector<char *> args = { argv[0], d_reps, d_min, d_inter, d_aggr };
	bool verbose = false, strict = false;

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

	make_keys();
	check_values();
	register_all();

	char buf[64];
	std::snprintf(buf, sizeof(buf), "%zu", FXB_NKEYS);
	benchmark::AddCustomContext("fx_keys_per_iteration", buf);
	std::snprintf(buf, sizeof(buf), "0x%016" PRIx64, FXB_SEED);
	benchmark::AddCustomContext("fx_key_stream_seed", buf);
	benchmark::AddCustomContext("fx_hash_seed", "0");
	benchmark::AddCustomContext("fx_forms", "16B: nwords=4 + initval; "
				    "24B: nwords=6 + initval");
	benchmark::AddCustomContext("fx_xxhash_version",
				    std::to_string(XXH_versionNumber()));

	SummaryReporter rep(verbose);
	benchmark::RunSpecifiedBenchmarks(&rep);
	int failed = print_summary(rep);
	std::fflush(stdout);
	benchmark::Shutdown();
	return strict && failed ? 1 : 0;
}
