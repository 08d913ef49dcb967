// SPDX-License-Identifier: MIT
/*
 * primopt.c - options, a workload's life (options, run state, threads),
 * the lowlevellock sub-state-machine and the report helpers shared by the
 * user-space primitive workloads (primopt.h).
 *
 * The lowlevellock is Drepper's third mutex ("Futexes Are Tricky", 2011
 * revision: "Mutex, Take 3") as glibc's lowlevellock implements it
 * (nptl/lowlevellock.c __lll_lock_wait, sysdeps/nptl/lowlevellock.h):
 *
 *	lock:	c = cmpxchg(word, 0, 1)		(lll_cond_lock: 0 -> 2)
 *		if c != 0:
 *			if c != 2: c = xchg(word, 2)
 *			while c != 0:
 *				futex_wait(word, 2)
 *				c = xchg(word, 2)
 *	unlock:	if xchg(word, 0) == 2: futex_wake(word, 1)	(glibc)
 *	   or:	if fetch_sub(word, 1) != 1:			(Drepper)
 *			word = 0; futex_wake(word, 1)
 *
 * glibc's __lll_lock_wait reloads the word instead of reusing the failed
 * cmpxchg's value; the model reuses it, as mutex 3 does (one atomic less,
 * same word transitions).  Word values: 0 unlocked, 1 locked, 2 locked
 * and maybe waiters; anything else seen is counted in bad_word.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "primopt.h"

/* ---- options ---- */

static int popt_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int popt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool parse_uint(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/*
 * parse_duration - "N[.F][unit]" into ns, exactly (no floating point):
 * unit ns, us, ms or s; none means @unit_ns.
 */
static bool parse_duration(const char *s, uint64_t unit_ns, uint64_t *out)
{
	static const struct { const char *sfx; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", 1000000000 },
	};
	uint64_t ip = 0, fp = 0, fscale = 1, mult = unit_ns;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++, digits = true) {
		if (ip > (UINT64_MAX - 9) / 10)
			return false;
		ip = ip * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
			if (fscale >= 1000000000ull)
				continue;	/* finer than 1e-9: dropped */
			fp = fp * 10 + (uint64_t)(*s - '0');
			fscale *= 10;
		}
	}
	if (!digits)
		return false;
	if (*s) {
		unsigned i;

		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strcmp(s, units[i].sfx))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return false;
		mult = units[i].ns;
	}
	/* fp < fscale <= 1e9 and mult <= 1e9: fp * mult fits */
	if (ip && mult > (UINT64_MAX - 1000000000000000000ull) / ip)
		return false;
	*out = ip * mult + fp * mult / fscale;
	return true;
}

static const struct fx_popt *popt_find(const struct fx_popt *tab, unsigned n,
				       const char *arg, const char **val)
{
	*val = NULL;
	if (arg[0] == '-' && arg[1] == '-') {
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		for (unsigned i = 0; i < n; i++)
			if (tab[i].lname && strlen(tab[i].lname) == len &&
			    !strncmp(tab[i].lname, name, len)) {
				*val = eq ? eq + 1 : NULL;
				return &tab[i];
			}
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		if (tab[i].sname && arg[1] == tab[i].sname) {
			*val = arg[2] ? arg + 2 : NULL;
			return &tab[i];
		}
	return NULL;
}

static void popt_names(const struct fx_popt *tab, unsigned n, char *buf,
		       size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < n && off < len; i++) {
		int w = tab[i].sname ?
			snprintf(buf + off, len - off, "%s-%c", off ? " " : "",
				 tab[i].sname) :
			snprintf(buf + off, len - off, "%s--%s", off ? " " : "",
				 tab[i].lname);

		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static int popt_value(const char *name, const char *arg,
		      const struct fx_popt *o, const char *val, char *err,
		      size_t errlen)
{
	uint64_t v;

	switch (o->type) {
	case FX_POPT_UINT:
	case FX_POPT_NS:
	case FX_POPT_SEC:
		if (o->type == FX_POPT_UINT ? !parse_uint(val, &v) :
		    !parse_duration(val, o->type == FX_POPT_SEC ?
				    1000000000ull : 1, &v))
			return popt_err(err, errlen, "%s: %s '%s' is not %s (expected %s)",
					name, arg, val,
					o->type == FX_POPT_UINT ? "a number" :
					"a duration", o->expect);
		if (v < o->min || v > o->max)
			return popt_err(err, errlen, "%s: %s %s is out of range (expected %s)",
					name, arg, val, o->expect);
		if (o->type == FX_POPT_UINT)
			*(unsigned *)o->dst = (unsigned)v;
		else
			*(uint64_t *)o->dst = v;
		return 0;
	case FX_POPT_CHOICE:
		for (unsigned i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], val)) {
				*(unsigned *)o->dst = i;
				return 0;
			}
		return popt_err(err, errlen, "%s: %s '%s' is not a known choice (expected %s)",
				name, arg, val, o->expect);
	case FX_POPT_BOOL:
		break;
	}
	return popt_err(err, errlen, "%s: %s: bad option table", name, arg);
}

int fx_popt_parse(const char *name, const struct fx_popt *tab, unsigned n,
		  int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct fx_popt *o;
		char names[256];
		char shown[64];
		int rc;

		if (arg[0] != '-' || !arg[1]) {
			return popt_err(err, errlen, "%s: unexpected argument '%s' (expected options only)",
					name, arg);
		}
		o = popt_find(tab, n, arg, &val);
		if (!o) {
			popt_names(tab, n, names, sizeof(names));
			return popt_err(err, errlen, "%s: unknown option '%s' (expected one of %s)",
					name, arg, names);
		}
		if (o->sname && arg[1] != '-')
			snprintf(shown, sizeof(shown), "-%c", o->sname);
		else
			snprintf(shown, sizeof(shown), "--%s", o->lname);
		if (o->type == FX_POPT_BOOL) {
			if (val)
				return popt_err(err, errlen, "%s: %s takes no value (expected %s)",
						name, shown, o->expect);
			*(bool *)o->dst = true;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return popt_err(err, errlen, "%s: %s needs a value (expected %s)",
						name, shown, o->expect);
			val = argv[++i];
		}
		rc = popt_value(name, shown, o, val, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- a workload's options, run state and threads ---- */

void *fx_prim_opts_new(size_t size, void (*run_fini)(void *run))
{
	struct fx_prim_common *c = calloc(1, size);

	if (!c)
		return NULL;
	c->run_ns = FX_PRIM_RUNTIME_NS;
	c->run_fini = run_fini;
	return c;
}

/* prim_run_free - the state the last setup() left, if any */
static void prim_run_free(struct fx_prim_common *c)
{
	if (c->run && c->run_fini)
		c->run_fini(c->run);
	free(c->run);
	c->run = NULL;
}

int fx_prim_opts_done(void *opts, int rc, void **out)
{
	if (rc) {
		fx_prim_opts_free(opts);
		return rc;
	}
	*out = opts;
	return 0;
}

void fx_prim_opts_free(void *opts)
{
	struct fx_prim_common *c = opts;

	if (c)
		prim_run_free(c);
	free(c);
}

uint64_t fx_prim_end_ns(const void *opts)
{
	return 0;
}

/* prim_threads - the thread count of a run (fx_prim_setup_run()) */
static unsigned prim_threads(const struct fx_des *des, unsigned override,
			     const struct fx_prim_common *c, unsigned per_cpu)
{
	if (override)
		return override;
	return c->threads ? c->threads : per_cpu * fx_des_topo(des)->ncpus;
}

void *fx_prim_setup_run(struct fx_prim_common *c, size_t size, size_t tsize,
			struct fx_des *des, unsigned nthreads,
			unsigned per_cpu)
{
	unsigned n = prim_threads(des, nthreads, c, per_cpu);
	struct fx_prim_run *r;

	prim_run_free(c);
	r = calloc(1, size + (size_t)n * tsize);
	if (!r)
		return NULL;
	r->end_ns = c->run_ns;
	r->nthreads = n;
	c->run = r;
	return r;
}

int fx_prim_spawn(struct fx_des *des, struct fx_des_proc *p,
		  fx_des_step_fn step, void *threads, size_t size, unsigned n,
		  int (*made)(struct fx_des_thread *th, unsigned i))
{
	for (unsigned i = 0; i < n; i++) {
		struct fx_des_thread *th;
		int rc;

		th = fx_des_thread_new(p, step, (char *)threads + i * size,
				       fx_prim_cpu(des, i, 0, 0), 0);
		if (!th)
			return -errno;
		rc = made ? made(th, i) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the lowlevellock sub-state-machine ---- */

enum {
	LLL_IDLE,
	LLL_L_CAS,		/* issue the cmpxchg */
	LLL_L_CAS_DONE,		/* its old value is in th->uval */
	LLL_L_XCHG_DONE,	/* xchg(2)'s old value */
	LLL_L_WAIT_DONE,	/* FUTEX_WAIT returned */
	LLL_U_START,		/* issue xchg(0) or fetch_sub(1) */
	LLL_U_OLD,		/* the old value */
	LLL_U_STORE_DONE,	/* Drepper: the store of 0 is done */
	LLL_U_WAKE_DONE,	/* FUTEX_WAKE returned */
};

void fx_lll_start(struct fx_lll_op *op, enum fx_lll_kind kind, uint64_t addr,
		  unsigned flags, struct fx_lll_stats *stats)
{
	op->addr = addr;
	op->flags = flags;
	op->stats = stats;
	op->kind = (uint8_t)kind;
	op->st = kind == FX_LLL_LOCK || kind == FX_LLL_COND_LOCK ?
		 LLL_L_CAS : LLL_U_START;
}

static void lll_seen(struct fx_lll_op *op, uint32_t v)
{
	if (v > 2 && op->stats)
		op->stats->bad_word++;
}

static void lll_wait(struct fx_lll_op *op, struct fx_des_act *act)
{
	if (op->stats)
		op->stats->futex_wait++;
	fx_act_futex(act, op->addr, FX_OP_WAIT | (int)op->flags, 2, 0, 0, 0);
	op->st = LLL_L_WAIT_DONE;
}

static bool lll_acquired(struct fx_lll_op *op, struct fx_des_thread *th,
			 bool contended)
{
	struct fx_lll_stats *s = op->stats;

	if (s) {
		s->acquired++;
		if (contended && s->wait_lat)
			fx_qhist_add(s->wait_lat,
				     fx_des_now(th->des) - op->t0);
	}
	op->st = LLL_IDLE;
	return false;
}

static void lll_wake(struct fx_lll_op *op, struct fx_des_thread *th,
		     struct fx_des_act *act)
{
	if (op->stats)
		op->stats->futex_wake++;
	fx_act_futex(act, op->addr, FX_OP_WAKE | (int)op->flags, 1, 0, 0, 0);
	op->st = LLL_U_WAKE_DONE;
}

bool fx_lll_step(struct fx_lll_op *op, struct fx_des_thread *th,
		 struct fx_des_act *act)
{
	struct fx_lll_stats *s = op->stats;
	uint32_t c;

	switch (op->st) {
	case LLL_L_CAS:
		fx_act_atomic(act, FX_UA_CMPXCHG, op->addr, 0,
			      op->kind == FX_LLL_COND_LOCK ? 2 : 1);
		op->st = LLL_L_CAS_DONE;
		return true;
	case LLL_L_CAS_DONE:
		c = th->uval;
		lll_seen(op, c);
		if (!c)
			return lll_acquired(op, th, false);
		if (s)
			s->contended++;
		op->t0 = fx_des_now(th->des);
		if (c != 2) {
			fx_act_atomic(act, FX_UA_XCHG, op->addr, 2, 0);
			op->st = LLL_L_XCHG_DONE;
			return true;
		}
		lll_wait(op, act);
		return true;
	case LLL_L_XCHG_DONE:
		c = th->uval;
		lll_seen(op, c);
		if (!c)
			return lll_acquired(op, th, true);
		lll_wait(op, act);
		return true;
	case LLL_L_WAIT_DONE:
		if (s && th->ret == -EAGAIN)
			s->wait_eagain++;
		fx_act_atomic(act, FX_UA_XCHG, op->addr, 2, 0);
		op->st = LLL_L_XCHG_DONE;
		return true;
	case LLL_U_START:
		if (op->kind == FX_LLL_UNLOCK_DEC)
			fx_act_atomic(act, FX_UA_ADD, op->addr, (uint32_t)-1, 0);
		else
			fx_act_atomic(act, FX_UA_XCHG, op->addr, 0, 0);
		op->st = LLL_U_OLD;
		return true;
	case LLL_U_OLD:
		c = th->uval;
		lll_seen(op, c);
		if (op->kind == FX_LLL_UNLOCK_DEC) {
			if (c == 1)
				break;
			fx_act_atomic(act, FX_UA_STORE, op->addr, 0, 0);
			op->st = LLL_U_STORE_DONE;
			return true;
		}
		if (c <= 1)
			break;
		lll_wake(op, th, act);
		return true;
	case LLL_U_STORE_DONE:
		lll_wake(op, th, act);
		return true;
	case LLL_U_WAKE_DONE:
		if (s && th->ret > 0)
			s->woken += (uint64_t)th->ret;
		break;
	}
	op->st = LLL_IDLE;
	return false;
}

/* ---- the lock/unlock loop ---- */

enum { ML_TOP, ML_LOCKED, ML_CS_END, ML_UNLOCKED };

void fx_prim_mloop_step(struct fx_prim_mloop *m, struct fx_des_thread *th,
			struct fx_des_act *act)
{
	struct fx_prim_lock *l = m->lock;

	for (;;) {
		if (fx_lll_busy(&m->lll) && fx_lll_step(&m->lll, th, act))
			return;
		switch (m->st) {
		case ML_TOP:
			if (fx_prim_stop(th, act, m->end_ns))
				return;
			fx_lll_start(&m->lll, FX_LLL_LOCK, l->addr, m->flags,
				     &l->st);
			m->st = ML_LOCKED;
			continue;
		case ML_LOCKED:
			if (l->occ++)
				(*m->violations)++;
			m->st = ML_CS_END;
			if (fx_prim_think(act, m->cs_ns))
				return;
			continue;
		case ML_CS_END:
			l->occ--;
			fx_lll_start(&m->lll, m->dec ? FX_LLL_UNLOCK_DEC :
				     FX_LLL_UNLOCK, l->addr, m->flags, &l->st);
			m->st = ML_UNLOCKED;
			continue;
		default:
			if (fx_des_now(th->des) >= m->mark_ns)
				m->ops_after++;
			m->st = ML_TOP;
			if (fx_prim_op_done(th, act, &m->ops, m->out_ns))
				return;
			continue;
		}
	}
}

/* ---- helpers ---- */

int fx_prim_proc_alloc(struct fx_des *des, uint64_t size,
		       struct fx_des_proc **p, uint64_t *base)
{
	*p = fx_des_proc_new(des);
	if (!*p)
		return errno ? -errno : -ENOMEM;
	*base = fx_des_alloc(*p, size, 64);
	return *base ? 0 : -ENOMEM;
}

int fx_prim_cpu(const struct fx_des *des, unsigned i, unsigned first,
		unsigned n)
{
	unsigned ncpus = fx_des_topo(des)->ncpus;

	if (first >= ncpus)
		first = 0;
	if (!n || first + n > ncpus)
		n = ncpus - first;
	return (int)(first + i % n);
}

void fx_prim_tally_add(struct fx_prim_tally *t, uint64_t v)
{
	if (!t->n || v < t->min)
		t->min = v;
	if (!t->n || v > t->max)
		t->max = v;
	t->n++;
	t->sum += v;
}

bool fx_prim_summary(FILE *out, const char *name, struct fx_des *des,
		     const struct fx_prim_common *c,
		     const struct fx_prim_tally *ops)
{
	const struct fx_des_results *r = fx_des_results(des);

	if (c->silent)
		return false;
	fprintf(out, "%s: %" PRIu64 " threads: %" PRIu64 " ops in %.3f ms simulated (%.0f ops/s); per thread min %" PRIu64 " avg %.1f max %" PRIu64 "\n",
		name, ops->n, ops->sum, (double)r->sim_ns / 1e6, r->throughput,
		ops->min, ops->n ? (double)ops->sum / (double)ops->n : 0.0,
		ops->max);
	return true;
}

void fx_lll_stats_add(struct fx_lll_stats *dst,
		      const struct fx_lll_stats *src)
{
	dst->acquired += src->acquired;
	dst->contended += src->contended;
	dst->futex_wait += src->futex_wait;
	dst->wait_eagain += src->wait_eagain;
	dst->futex_wake += src->futex_wake;
	dst->woken += src->woken;
	dst->bad_word += src->bad_word;
}

void fx_prim_lll_print(FILE *out, const char *what,
		       const struct fx_lll_stats *s)
{
	fprintf(out, "  %s: %" PRIu64 " acquired, %" PRIu64 " contended (%.1f%%), %" PRIu64 " FUTEX_WAIT (%" PRIu64 " EAGAIN), %" PRIu64 " FUTEX_WAKE waking %" PRIu64 ", %" PRIu64 " bad word values\n",
		what, s->acquired, s->contended,
		s->acquired ? 100.0 * (double)s->contended /
			      (double)s->acquired : 0.0,
		s->futex_wait, s->wait_eagain, s->futex_wake, s->woken,
		s->bad_word);
}
