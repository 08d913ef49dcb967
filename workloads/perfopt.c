// SPDX-License-Identifier: MIT
/*
 * perfopt.c - see perfopt.h.  What perf bench futex keeps in futex.c,
 * futex.h and util/stat.c, plus the start and join handshakes of its
 * round-based benchmarks, in the form the DES engine runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "perfopt.h"

/* ---- option parsing ---- */

static const char *opt_what(enum fx_perf_opt_type type)
{
	switch (type) {
	case FX_PERF_OPT_COUNT:
		return "a positive integer";
	case FX_PERF_OPT_BUCKETS:
		return "a non-negative integer (0: the global hash, N: N slots "
		       "of the process-private hash)";
	case FX_PERF_OPT_SECS:
		return "a positive number of seconds (e.g. 0.05)";
	default:
		return "no value";
	}
}

static bool opt_has_short(const struct fx_perf_opt *o)
{
	return o->shrt > ' ';
}

/* "-t" or "--repeat": how messages name an option */
static const char *opt_name(const struct fx_perf_opt *o, char *buf,
			    size_t len)
{
	if (opt_has_short(o))
		snprintf(buf, len, "-%c", o->shrt);
	else
		snprintf(buf, len, "--%s", o->lng);
	return buf;
}

/* "-b N, -t N, -w N, -s, -S, -m" */
static void opt_list(const struct fx_perf_opt *opts, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct fx_perf_opt *o = opts; o->lng && n < len; o++) {
		char nm[32];

		if (o->type == FX_PERF_OPT_REMOVED)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s",
				      n ? ", " : "", opt_name(o, nm, sizeof(nm)),
				      o->type == FX_PERF_OPT_BOOL ? "" :
				      o->type == FX_PERF_OPT_SECS ? " S" : " N");
	}
}

static int bad_value(const char *name, const struct fx_perf_opt *o,
		     const char *val, char *err, size_t errlen)
{
	char nm[32];

	if (o->type == FX_PERF_OPT_COUNT && val[0] >= '0' && val[0] <= '9' &&
	    strspn(val, "0123456789") == strlen(val) && strtoull(val, NULL, 10))
		snprintf(err, errlen, "%s: %s '%s': expected a positive integer up to %u",
			 name, opt_name(o, nm, sizeof(nm)), val,
			 FX_PERF_MAX_COUNT);
	else
		snprintf(err, errlen, "%s: %s '%s': expected %s", name,
			 opt_name(o, nm, sizeof(nm)), val, opt_what(o->type));
	return -EINVAL;
}

/* store @val into the field of @o; -EINVAL with @err set if it is bad */
static int opt_set(const char *name, const struct fx_perf_opt *o,
		   const char *val, struct fx_perf_params *p, char *err,
		   size_t errlen)
{
	char *field = (char *)p + o->off, *end;
	unsigned long long n;
	double s;

	switch (o->type) {
	case FX_PERF_OPT_COUNT:
		if (val[0] < '0' || val[0] > '9')
			return bad_value(name, o, val, err, errlen);
		errno = 0;
		n = strtoull(val, &end, 10);
		if (*end || errno || !n || n > FX_PERF_MAX_COUNT)
			return bad_value(name, o, val, err, errlen);
		*(unsigned *)(void *)field = (unsigned)n;
		return 0;
	case FX_PERF_OPT_BUCKETS:
		/* perf's OPT_INTEGER; its default, -1, means "leave it" */
		if (!strcmp(val, "-1")) {
			*(int *)(void *)field = -1;
			return 0;
		}
		if (val[0] < '0' || val[0] > '9')
			return bad_value(name, o, val, err, errlen);
		errno = 0;
		n = strtoull(val, &end, 10);
		if (*end || errno || n > INT_MAX)
			return bad_value(name, o, val, err, errlen);
		*(int *)(void *)field = (int)n;
		return 0;
	case FX_PERF_OPT_SECS:
		if ((val[0] < '0' || val[0] > '9') && val[0] != '.')
			return bad_value(name, o, val, err, errlen);
		errno = 0;
		s = strtod(val, &end);
		if (*end || errno || !isfinite(s) || s <= 0 || s > 1e6 ||
		    !(uint64_t)llround(s * 1e9))
			return bad_value(name, o, val, err, errlen);
		*(uint64_t *)(void *)field = (uint64_t)llround(s * 1e9);
		return 0;
	default:
		*(bool *)(void *)field = true;
		return 0;
	}
}

static int unknown(const char *name, const struct fx_perf_opt *opts,
		   const char *what, char *err, size_t errlen)
{
	char list[256];

	opt_list(opts, list, sizeof(list));
	snprintf(err, errlen, "%s: unknown option '%s' (expected %s)", name,
		 what, list);
	return -EINVAL;
}

static int removed(const char *name, const struct fx_perf_opt *o, char *err,
		   size_t errlen)
{
	snprintf(err, errlen, "%s: -%c (--%s) is not supported: %s", name,
		 o->shrt, o->lng, o->help);
	return -EINVAL;
}

static int missing(const char *name, const struct fx_perf_opt *o, char *err,
		   size_t errlen)
{
	char nm[32];

	snprintf(err, errlen, "%s: %s needs a value: expected %s", name,
		 opt_name(o, nm, sizeof(nm)), opt_what(o->type));
	return -EINVAL;
}

static int parse_long(const char *name, const struct fx_perf_opt *opts,
		      int argc, char **argv, int *i, struct fx_perf_params *p,
		      char *err, size_t errlen)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct fx_perf_opt *o;

	for (o = opts; o->lng; o++)
		if (strlen(o->lng) == len && !strncmp(o->lng, arg, len))
			break;
	if (!o->lng) {
		char what[64];

		snprintf(what, sizeof(what), "--%.*s", (int)len, arg);
		return unknown(name, opts, what, err, errlen);
	}
	if (o->type == FX_PERF_OPT_REMOVED)
		return removed(name, o, err, errlen);
	if (o->type == FX_PERF_OPT_BOOL) {
		if (eq) {
			snprintf(err, errlen, "%s: --%s takes no value", name,
				 o->lng);
			return -EINVAL;
		}
		return opt_set(name, o, "", p, err, errlen);
	}
	if (eq)
		return opt_set(name, o, eq + 1, p, err, errlen);
	if (*i + 1 >= argc)
		return missing(name, o, err, errlen);
	return opt_set(name, o, argv[++*i], p, err, errlen);
}

static int parse_short(const char *name, const struct fx_perf_opt *opts,
		       int argc, char **argv, int *i, struct fx_perf_params *p,
		       char *err, size_t errlen)
{
	for (const char *c = argv[*i] + 1; *c; c++) {
		const struct fx_perf_opt *o;
		int rc;

		for (o = opts; o->lng; o++)
			if (opt_has_short(o) && o->shrt == *c)
				break;
		if (!o->lng) {
			char what[3] = { '-', *c, '\0' };

			return unknown(name, opts, what, err, errlen);
		}
		if (o->type == FX_PERF_OPT_REMOVED)
			return removed(name, o, err, errlen);
		if (o->type == FX_PERF_OPT_BOOL) {
			rc = opt_set(name, o, "", p, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		if (c[1])		/* "-t8" */
			return opt_set(name, o, c + 1, p, err, errlen);
		if (*i + 1 >= argc)
			return missing(name, o, err, errlen);
		return opt_set(name, o, argv[++*i], p, err, errlen);
	}
	return 0;
}

int fx_perf_parse(const char *name, const struct fx_perf_opt *opts,
		  int argc, char **argv, struct fx_perf_params *p,
		  char *err, size_t errlen)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] == '-' && !a[2]) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1] == '-')
			rc = parse_long(name, opts, argc, argv, &i, p, err,
					errlen);
		else if (a[0] == '-' && a[1])
			rc = parse_short(name, opts, argc, argv, &i, p, err,
					 errlen);
		else
			break;
		if (rc)
			return rc;
	}
	if (i < argc) {
		char list[256];

		opt_list(opts, list, sizeof(list));
		snprintf(err, errlen, "%s: unexpected argument '%s' (expected %s)",
			 name, argv[i], list);
		return -EINVAL;
	}
	return 0;
}

int fx_perf_opts_parse(const struct fx_perf_bench *b, int argc, char **argv,
		       void **opts, char *err, size_t errlen)
{
	struct fx_perf_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o) {
		snprintf(err, errlen, "%s: out of memory", b->name);
		return -ENOMEM;
	}
	o->p = b->defaults;
	o->bench = b;
	rc = fx_perf_parse(b->name, b->opts, argc, argv, &o->p, err, errlen);
	if (rc) {
		free(o);
		return rc;
	}
	*opts = o;
	return 0;
}

/* ---- perf's stats: tools/perf/util/stat.c ---- */

void fx_perf_stats_init(struct fx_perf_stats *s)
{
	s->n = 0.0;
	s->mean = 0.0;
	s->M2 = 0.0;
}

void fx_perf_stats_update(struct fx_perf_stats *s, double val)
{
	double delta;

	s->n++;
	delta = val - s->mean;
	s->mean += delta / s->n;
	s->M2 += delta * (val - s->mean);
}

double fx_perf_stats_avg(const struct fx_perf_stats *s)
{
	return s->mean;
}

double fx_perf_stats_stddev(const struct fx_perf_stats *s)
{
	double variance, variance_mean;

	if (s->n < 2)
		return 0.0;
	variance = s->M2 / (s->n - 1);
	variance_mean = variance / s->n;
	return sqrt(variance_mean);
}

double fx_perf_rel_stddev(double stddev, double avg)
{
	return avg != 0.0 ? 100.0 * stddev / avg : 0.0;
}

/* ---- setup ---- */

struct fx_des_thread *fx_perf_thread(struct fx_perf_env *env,
				     fx_des_step_fn step, void *priv, int cpu,
				     char *err, size_t errlen)
{
	struct fx_des_thread *th = fx_des_thread_new(env->proc, step, priv,
						     cpu, 0);

	if (!th)
		snprintf(err, errlen, "%s: cannot create a thread (of %u): %s",
			 env->name, env->nthreads,
			 strerror(errno ? errno : ENOMEM));
	return th;
}

struct fx_des_thread *fx_perf_worker(struct fx_perf_env *env,
				     fx_des_step_fn step, void *priv,
				     unsigned i, char *err, size_t errlen)
{
	return fx_perf_thread(env, step, priv, (int)(i % env->ncpus), err,
			      errlen);
}

uint64_t fx_perf_alloc(struct fx_perf_env *env, uint64_t size,
		       uint64_t align, char *err, size_t errlen)
{
	uint64_t a = fx_des_alloc(env->proc, size, align);

	if (!a)
		snprintf(err, errlen, "%s: %u threads need more than the simulated "
			 "process's 1 GiB heap (asked for %" PRIu64 " bytes more)",
			 env->name, env->nthreads, size);
	return a;
}

int fx_perf_env_setup(struct fx_perf_env *env, struct fx_des *des,
		      const struct fx_perf_params *p, unsigned nthreads,
		      const char *name, fx_des_step_fn main_step,
		      void *main_priv, char *err, size_t errlen)
{
	memset(env, 0, sizeof(*env));
	env->des = des;
	env->name = name;
	env->ncpus = fx_des_topo(des)->ncpus;
	/* perf: "if (!params.nthreads) params.nthreads = online CPUs" */
	env->nthreads = nthreads ? nthreads :
			p->nthreads ? p->nthreads : env->ncpus;
	if (env->nthreads > FX_PERF_MAX_COUNT) {
		snprintf(err, errlen, "%s: %u threads: expected at most %u",
			 name, env->nthreads, FX_PERF_MAX_COUNT);
		return -EINVAL;
	}
	env->flag = p->fshared ? 0 : FX_PRIVATE_FLAG;
	env->flags2 = p->fshared ? 0 : FX2_PRIVATE;
	env->nbuckets = p->nbuckets;
	env->proc = fx_des_proc_new(des);
	if (!env->proc) {
		snprintf(err, errlen, "%s: cannot create the process: %s", name,
			 strerror(errno ? errno : ENOMEM));
		return -ENOMEM;
	}
	env->main = fx_perf_thread(env, main_step, main_priv, FX_DES_ANY_CPU,
				   err, errlen);
	if (!env->main)
		return -ENOMEM;
	if (p->nbuckets >= 0) {
		/* futex_set_nbuckets_param(), while main is the only thread */
		const uint64_t a[6] = { FX_PR_FUTEX_HASH,
					FX_PR_FUTEX_HASH_SET_SLOTS,
					(uint64_t)p->nbuckets, 0, 0, 0 };
		struct fx_result res;
		int st = fx_syscall(env->main->task, FX_SYS_PRCTL, a, &res);
		long ret = st == FX_DONE ? res.ret : st < 0 ? st : -EINVAL;

		if (ret) {
			unsigned n = (unsigned)p->nbuckets;
			bool kernel_ok = !n || (n >= 2 && !(n & (n - 1)));

			snprintf(err, errlen, "%s: -b %d: prctl(PR_FUTEX_HASH, "
				 "PR_FUTEX_HASH_SET_SLOTS, %d, 0) failed: %s "
				 "(perf: \"Requesting %d hash buckets failed\"); %s",
				 name, p->nbuckets, p->nbuckets,
				 strerror((int)-ret), p->nbuckets, kernel_ok ?
				 "this layout has no process-private hash to "
				 "size (the kernel's is --layout private)" :
				 "expected 0 (the global hash) or a power of "
				 "two >= 2");
			return -EINVAL;
		}
	}
	return 0;
}

/* an allocation of fx_perf_calloc() */
struct fx_perf_mem {
	struct fx_perf_mem *next;
	void *p;
};

void *fx_perf_calloc(struct fx_perf_env *env, size_t n, size_t size)
{
	struct fx_perf_mem *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	m->p = calloc(n, size);
	if (!m->p) {
		free(m);
		return NULL;
	}
	m->next = env->mem;
	env->mem = m;
	return m->p;
}

/* the state of a setup, and all that fx_perf_calloc() gave it */
static void perf_run_free(struct fx_perf_env *env)
{
	struct fx_perf_mem *m, *next;

	if (!env)
		return;
	for (m = env->mem; m; m = next) {
		next = m->next;
		free(m->p);
		free(m);
	}
	free(env);
}

int fx_perf_setup(struct fx_des *des, void *opts, unsigned nthreads,
		  char *err, size_t errlen)
{
	struct fx_perf_opts *o = opts;
	const struct fx_perf_bench *b = o->bench;
	struct fx_perf_env *env;
	int rc;

	perf_run_free(o->run);
	o->run = env = calloc(1, b->run_size);
	if (!env) {
		snprintf(err, errlen, "%s: out of memory", b->name);
		return -ENOMEM;
	}
	rc = fx_perf_env_setup(env, des, &o->p, nthreads, b->name,
			       b->main_step, env, err, errlen);
	if (!rc)
		rc = b->init(o, env, err, errlen);
	if (rc)
		return rc;
	/* after the threads: GET_SLOTS for the report */
	env->slots = fx_private_hash_slots(env->main->task);
	env->ready = true;
	return 0;
}

void fx_perf_report(struct fx_des *des, void *opts, FILE *out)
{
	struct fx_perf_opts *o = opts;
	struct fx_perf_env *env = o->run;

	if (env && env->ready)
		o->bench->report(des, o, env, out);
}

void fx_perf_opts_free(void *opts)
{
	struct fx_perf_opts *o = opts;

	if (o)
		perf_run_free(o->run);
	free(o);
}

/* ---- step-function helpers ---- */

void fx_perf_futex(struct fx_des_act *act, const struct fx_perf_env *env,
		   uint64_t uaddr, int op, uint32_t val, uint64_t utime,
		   uint64_t uaddr2, uint32_t val3)
{
	fx_act_futex(act, uaddr, op | env->flag, val, utime, uaddr2, val3);
}

uint64_t fx_perf_end_runtime(const void *opts)
{
	return ((const struct fx_perf_opts *)opts)->p.runtime_ns;
}

uint64_t fx_perf_end_exit(const void *opts)
{
	(void)opts;
	return 0;
}

void fx_perf_main_exit(struct fx_des_thread *th, struct fx_des_act *act)
{
	(void)th;
	fx_act_exit(act);
}

/* the gate shows round @round open once it holds at least @round + 1 */
bool fx_perf_gate_wait(unsigned *phase, struct fx_des_thread *th,
		       struct fx_des_act *act, const struct fx_perf_env *env,
		       uint64_t gate, unsigned round)
{
	return fx_perf_count_await(phase, th, act, env, gate, round + 1);
}

bool fx_perf_gate_open(unsigned *phase, struct fx_des_thread *th,
		       struct fx_des_act *act, const struct fx_perf_env *env,
		       uint64_t gate, unsigned round)
{
	(void)th;
	switch (*phase) {
	case 0:
		fx_act_atomic(act, FX_UA_STORE, gate, round + 1, 0);
		*phase = 1;
		return true;
	case 1:
		fx_perf_futex(act, env, gate, FX_OP_WAKE, INT_MAX, 0, 0, 0);
		*phase = 2;
		return true;
	}
	*phase = 0;
	return false;
}

bool fx_perf_count_arrive(unsigned *phase, struct fx_des_thread *th,
			  struct fx_des_act *act,
			  const struct fx_perf_env *env, uint64_t word,
			  uint32_t target)
{
	switch (*phase) {
	case 0:
		fx_act_atomic(act, FX_UA_ADD, word, 1, 0);
		*phase = 1;
		return true;
	case 1:
		if (th->uval + 1 != target)
			break;
		/* the last one in signals the waiting parent */
		fx_perf_futex(act, env, word, FX_OP_WAKE, 1, 0, 0, 0);
		*phase = 2;
		return true;
	}
	*phase = 0;
	return false;
}

/* load, and while the word is below @target, wait on it */
bool fx_perf_count_await(unsigned *phase, struct fx_des_thread *th,
			 struct fx_des_act *act,
			 const struct fx_perf_env *env, uint64_t word,
			 uint32_t target)
{
	switch (*phase) {
	case 0:		/* look at the word */
	case 2:		/* the wait returned: look again */
		fx_act_atomic(act, FX_UA_LOAD, word, 0, 0);
		*phase = 1;
		return true;
	case 1:
		if (th->uval >= target)
			break;
		fx_perf_futex(act, env, word, FX_OP_WAIT, th->uval, 0, 0, 0);
		*phase = 2;
		return true;
	}
	*phase = 0;
	return false;
}

bool fx_perf_settle(struct fx_des_thread *th, struct fx_des_act *act,
		    const struct fx_perf_env *env, uint64_t uaddr, unsigned n)
{
	int queued = fx_futex_waiters(th->task, uaddr, env->flags2);

	if (queued >= 0 && (unsigned)queued >= n)
		return false;
	fx_act_think(act, FX_PERF_POLL_NS);
	return true;
}

/* ---- rounds ---- */

int fx_perf_round_init(struct fx_perf_round *rd, unsigned rounds,
		       unsigned slots, char *err, size_t errlen)
{
	/* perf's thread_lock and conditions: statics of their own */
	rd->gate = fx_perf_alloc(&rd->env, 64, 64, err, errlen);
	rd->arrived = fx_perf_alloc(&rd->env, 64, 64, err, errlen);
	rd->rounds = rounds;
	if (!rd->gate || !rd->arrived)
		return -ENOMEM;
	rd->slots = slots;
	rd->count = fx_perf_calloc(&rd->env, (size_t)rounds * slots,
				   sizeof(*rd->count));
	rd->ns = fx_perf_calloc(&rd->env, (size_t)rounds * slots,
				sizeof(*rd->ns));
	return rd->count && rd->ns ? 0 : -ENOMEM;
}

struct fx_perf_waiter *fx_perf_waiters_new(struct fx_perf_round *rd,
					   fx_des_step_fn step, char *err,
					   size_t errlen)
{
	struct fx_perf_env *env = &rd->env;
	struct fx_perf_waiter *w = fx_perf_calloc(env, env->nthreads,
						  sizeof(*w));

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", env->name);
		return NULL;
	}
	for (unsigned i = 0; i < env->nthreads; i++) {
		w[i].rd = rd;
		w[i].idx = i;
		if (!fx_perf_worker(env, step, &w[i], i, err, errlen))
			return NULL;
	}
	return w;
}

bool fx_perf_waiter_enter(struct fx_perf_waiter *w, struct fx_des_thread *th,
			  struct fx_des_act *act)
{
	struct fx_perf_round *rd = w->rd;

	if (w->in)
		return false;
	if (w->phase == 0) {
		if (fx_perf_gate_wait(&w->sub, th, act, &rd->env, rd->gate,
				      w->round))
			return true;
		w->phase = 1;
	}
	if (fx_perf_count_arrive(&w->sub, th, act, &rd->env, rd->arrived,
				 rd->env.nthreads * (w->round + 1)))
		return true;
	w->phase = 0;
	w->state = 0;
	w->in = true;
	return false;
}

void fx_perf_waiter_leave(struct fx_perf_waiter *w, struct fx_des_thread *th,
			  struct fx_des_act *act)
{
	w->in = false;
	w->rd->finished++;
	if (++w->round == w->rd->rounds) {
		fx_act_exit(act);
		return;
	}
	/* always true: entering starts with a look at the gate */
	if (!fx_perf_waiter_enter(w, th, act))
		fx_act_exit(act);
}

void fx_perf_plain_waiter(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct fx_perf_waiter *w = th->priv;

	if (w->in && w->state) {
		/* perf: "if (futex_wait(...) != EINTR) break;" - any return */
		fx_perf_waiter_leave(w, th, act);
		return;
	}
	if (fx_perf_waiter_enter(w, th, act))
		return;
	w->state = 1;
	fx_perf_futex(act, &w->rd->env, w->rd->futex, FX_OP_WAIT, 0, 0, 0, 0);
}

bool fx_perf_round_begin(struct fx_perf_round *rd, struct fx_des_thread *th,
			 struct fx_des_act *act)
{
	const struct fx_perf_env *env = &rd->env;

	switch (rd->phase) {
	case 0:
		if (fx_perf_gate_open(&rd->sub, th, act, env, rd->gate,
				      rd->round))
			return true;
		rd->phase = 1;
		/* fall through */
	case 1:
		if (fx_perf_count_await(&rd->sub, th, act, env, rd->arrived,
					env->nthreads * (rd->round + 1)))
			return true;
		rd->phase = 2;
		/* fall through */
	case 2:
		if (fx_perf_settle(th, act, env, rd->futex, env->nthreads))
			return true;
	}
	rd->phase = 0;
	return false;
}

bool fx_perf_round_end(struct fx_perf_round *rd, struct fx_des_act *act)
{
	if (++rd->round < rd->rounds)
		return true;
	fx_act_exit(act);
	return false;
}

void fx_perf_round_values(struct fx_des *des, const struct fx_perf_round *rd)
{
	fx_des_value(des, "perf_rounds", rd->round);
	fx_des_value(des, "perf_waiter_rounds", (double)rd->finished);
}

void fx_perf_round_record(struct fx_perf_round *rd, unsigned round,
			  unsigned slot, unsigned count, uint64_t ns)
{
	size_t i = (size_t)round * rd->slots + slot;

	rd->count[i] = count;
	rd->ns[i] = ns;
}

void fx_perf_round_lat(const struct fx_perf_round *rd, unsigned from,
		       unsigned to, struct fx_perf_lat *out)
{
	struct fx_perf_stats count, usec;
	double avg;

	fx_perf_stats_init(&count);
	fx_perf_stats_init(&usec);
	for (unsigned r = from; r < to && r < rd->rounds; r++) {
		for (unsigned i = 0; i < rd->slots; i++) {
			size_t slot = (size_t)r * rd->slots + i;

			fx_perf_stats_update(&count, rd->count[slot]);
			fx_perf_stats_update(&usec,
					     (double)rd->ns[slot] / 1000.0);
		}
	}
	avg = fx_perf_stats_avg(&usec);
	out->count = (unsigned)fx_perf_stats_avg(&count);
	out->ms = avg / 1000.0;	/* perf: avg / USEC_PER_MSEC */
	out->rsd = fx_perf_rel_stddev(fx_perf_stats_stddev(&usec), avg);
}

void fx_perf_round_latency(struct fx_des *des, const struct fx_perf_round *rd,
			   unsigned nrounds, const char *val_ms,
			   const char *val_rsd, const char *val_count,
			   struct fx_perf_lat *out)
{
	fx_perf_round_lat(rd, 0, nrounds, out);
	fx_des_value(des, val_ms, out->ms);
	fx_des_value(des, val_rsd, out->rsd);
	fx_des_value(des, val_count, out->count);
}

/* ---- reports ---- */

const char *fx_perf_secs(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%g", (double)ns / 1e9);
	return buf;
}

unsigned long fx_perf_ops_per_sec(uint64_t ops, uint64_t runtime_ns)
{
	/* perf: worker[i].ops / bench__runtime.tv_sec, 0 for no runtime */
	if (!runtime_ns)
		return 0;
	return (unsigned long)((double)ops * 1e9 / (double)runtime_ns);
}

void fx_perf_print_averaged(struct fx_des *des, FILE *out, bool silent,
			    const struct fx_perf_stats *s,
			    uint64_t runtime_ns)
{
	unsigned long avg = (unsigned long)fx_perf_stats_avg(s);
	double rsd = fx_perf_rel_stddev(fx_perf_stats_stddev(s), (double)avg);
	char secs[32];

	fprintf(out, "%sAveraged %lu operations/sec (+- %.2f%%), total secs = %s\n",
		silent ? "" : "\n", avg, rsd,
		fx_perf_secs(secs, sizeof(secs), runtime_ns));
	fx_des_value(des, "perf_ops_per_sec", (double)avg);
	fx_des_value(des, "perf_ops_per_sec_rsd", rsd);
}

void fx_perf_print_nbuckets(FILE *out, const struct fx_perf_env *env)
{
	if (env->nbuckets >= 0) {
		if (env->slots != env->nbuckets) {
			fprintf(out, "Requested number of hash buckets does not currently used.\n");
			fprintf(out, "Requested: %d in usage: %d\n",
				env->nbuckets, env->slots);
		} else if (!env->nbuckets) {
			fprintf(out, "Futex hashing: global hash\n");
		} else {
			fprintf(out, "Futex hashing: %d hash buckets\n",
				env->nbuckets);
		}
	} else if (env->slots <= 0) {
		fprintf(out, "Futex hashing: global hash\n");
	} else {
		fprintf(out, "Futex hashing: auto resized to %d buckets\n",
			env->slots);
	}
}
