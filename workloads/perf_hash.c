// SPDX-License-Identifier: MIT
/*
 * perf_hash.c - "perf bench futex hash" (tools/perf/bench/futex-hash.c).
 *
 * Each of -t threads (pinned: thread i on CPU i % ncpus) owns -f futex
 * words (calloc'ed: zero) and loops over them doing FUTEX_WAIT(word,
 * 1234), which fails with EAGAIN at once: the benchmark measures getting
 * the key, hashing it and taking the bucket lock, never a sleep.  Every
 * call is one operation.  Per thread perf prints ops / runtime and then
 * the mean over threads with the relative stddev of that mean.
 *
 * Departures (docs/workloads-perf.md): -r is simulated seconds, default
 * 0.01 (perf: 10 s of wall time); ops/s divide by the simulated runtime
 * (perf: whole seconds); the run stops at -r exactly, where perf's threads
 * finish their pass over the futexes after "done" is set.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "perfopt.h"
#include "workload.h"

#define NAME	"perf-hash"

struct hash_worker {
	struct hash_run *run;
	struct fx_des_thread *th;
	uint64_t futex;		/* &futex[0] */
	unsigned i;		/* the next one */
	bool in_call;
	uint64_t ops, eagain, unexpected;
};

struct hash_run {
	struct fx_perf_env env;		/* first: fx_perf_setup() */
	unsigned nfutexes;
	struct hash_worker *w;
};

static const struct fx_perf_opt hash_opts_tab[] = {
	FX_PERF_OPT_B,
	FX_PERF_OPT_T,
	{ 'r', "runtime", FX_PERF_OPT_SECS, FX_PERF_FIELD(runtime_ns), NULL },
	{ 'f', "futexes", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nfutexes), NULL },
	FX_PERF_OPT_COMMON,
	FX_PERF_OPT_END
};

static void hash_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct hash_worker *w = th->priv;

	if (w->in_call) {
		/* perf warns "Non-expected futex return call" otherwise */
		if (th->ret == -EAGAIN)
			w->eagain++;
		else
			w->unexpected++;
		w->ops++;
		fx_des_count_ops(th, 1);
		if (++w->i == w->run->nfutexes)
			w->i = 0;
	}
	w->in_call = true;
	fx_perf_futex(act, &w->run->env, w->futex + 4ull * w->i, FX_OP_WAIT,
		      1234, 0, 0, 0);
}

static int hash_init(struct fx_perf_opts *o, void *p, char *err,
		     size_t errlen)
{
	struct hash_run *run = p;
	struct fx_perf_env *env = &run->env;

	run->nfutexes = o->p.nfutexes;
	run->w = fx_perf_calloc(env, env->nthreads, sizeof(*run->w));
	if (!run->w)
		return -ENOMEM;
	for (unsigned i = 0; i < env->nthreads; i++) {
		struct hash_worker *w = &run->w[i];

		w->run = run;
		/* calloc(nfutexes, sizeof(u32)): glibc's 16-byte alignment */
		w->futex = fx_perf_alloc(env, 4ull * run->nfutexes, 16, err,
					 errlen);
		if (!w->futex)
			return -EINVAL;
		w->th = fx_perf_worker(env, hash_step, w, i, err, errlen);
		if (!w->th)
			return -ENOMEM;
		/* never blocks; harmless either way */
		fx_des_thread_daemon(w->th);
	}
	return 0;
}

static void hash_report(struct fx_des *des, const struct fx_perf_opts *o,
			void *p, FILE *out)
{
	struct hash_run *run = p;
	uint64_t runtime = fx_des_results(des)->sim_ns;
	uint64_t eagain = 0, unexpected = 0, slept = 0;
	struct fx_perf_stats st;
	char secs[32];

	fprintf(out, "Run summary [PID %d]: %u threads, each operating on %u [%s] futexes for %s secs.\n\n",
		fx_des_proc_pid(run->env.proc), run->env.nthreads,
		run->nfutexes, o->p.fshared ? "shared" : "private",
		fx_perf_secs(secs, sizeof(secs), o->p.runtime_ns));
	fx_perf_stats_init(&st);
	for (unsigned i = 0; i < run->env.nthreads; i++) {
		const struct hash_worker *w = &run->w[i];
		unsigned long t = fx_perf_ops_per_sec(w->ops, runtime);

		fx_perf_stats_update(&st, (double)t);
		eagain += w->eagain;
		unexpected += w->unexpected;
		slept += fx_task_state(w->th->task) == FX_TASK_SLEEPING;
		if (o->p.silent)
			continue;
		if (run->nfutexes == 1)
			fprintf(out, "[thread %2u] futex: 0x%" PRIx64 " [ %lu ops/sec ]\n",
				i, w->futex, t);
		else
			fprintf(out, "[thread %2u] futexes: 0x%" PRIx64 " ... 0x%" PRIx64 " [ %lu ops/sec ]\n",
				i, w->futex,
				w->futex + 4 * (uint64_t)(run->nfutexes - 1), t);
	}
	fx_perf_print_averaged(des, out, o->p.silent, &st, runtime);
	fx_perf_print_nbuckets(out, &run->env);
	fx_des_value(des, "perf_eagain", (double)eagain);
	fx_des_value(des, "perf_unexpected", (double)unexpected);
	fx_des_value(des, "perf_slept", (double)slept);
}

static const struct fx_perf_bench hash_bench = {
	.name = NAME,
	.opts = hash_opts_tab,
	/* perf's params: .nfutexes = 1024, .runtime = 10 (here: simulated) */
	.defaults = {
		.nfutexes = 1024,
		.runtime_ns = FX_PERF_RUNTIME_NS,
		.nbuckets = -1,
	},
	.run_size = sizeof(struct hash_run),
	.main_step = fx_perf_main_exit,
	.init = hash_init,
	.report = hash_report,
};

static int hash_parse(int argc, char **argv, void **opts, char *err,
		      size_t errlen)
{
	return fx_perf_opts_parse(&hash_bench, argc, argv, opts, err, errlen);
}

const struct fx_workload fx_wl_perf_hash = {
	.name = NAME,
	.summary = "perf bench futex hash: FUTEX_WAIT that fails with EAGAIN, "
		   "on -f futexes per thread, for -r seconds",
	.usage =
	FX_PERF_USAGE_THREADS
	"  -f, --futexes N   futexes per thread (default 1024)\n"
	FX_PERF_USAGE_RUNTIME
	FX_PERF_USAGE_COMMON,
	.parse = hash_parse,
	.setup = fx_perf_setup,
	.end_ns = fx_perf_end_runtime,
	.report = fx_perf_report,
	.free = fx_perf_opts_free,
};
