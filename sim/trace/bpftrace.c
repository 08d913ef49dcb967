// SPDX-License-Identifier: MIT
/*
 * bpftrace.c - the bpftrace importer (bpftrace.h, workloads/futex.bt,
 * docs/trace-import.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/bpftrace.h"

#define BT_TOK_MAX	16

struct btok {
	const char *s;
	size_t n;
};

struct bthr {
	uint32_t tid;
	uint64_t id;		/* the call in flight in the queue */
	uint64_t t;		/* its entry time, absolute */
	struct fx_trace_rec rec;/* a copy, for its V lines */
};

#define FX_BT_LAG_NS	100000000ull	/* 100 ms: see fx_bpftrace_new() */

struct fx_bpftrace {
	struct fx_tr_lineimp li;	/* name, queue, message, bookkeeping */
	struct bthr *thr;	/* threads with a call in flight */
	size_t nthr, thr_cap;
	struct fx_bpftrace_stats st;
};

static int parse(void *pp, const char *s, const char *e);

struct fx_bpftrace *fx_bpftrace_new(const char *name, size_t window,
				    fx_trq_emit_fn emit, void *ctx)
{
	struct fx_bpftrace *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (fx_tr_li_init(&p->li, name, window, emit, ctx, &p->st,
			  sizeof(p->st), parse, p)) {
		free(p);
		return NULL;
	}
	/* bpftrace drains per-CPU buffers: lines of different CPUs come out
	 * of time order by up to a polling interval or so */
	fx_trq_set_lag(p->li.q, FX_BT_LAG_NS);
	return p;
}

static bool tok_is(const struct btok *t, const char *lit)
{
	return t->n == strlen(lit) && !memcmp(t->s, lit, t->n);
}

/* an unsigned number, decimal or (@hex) hexadecimal without 0x */
static bool tok_u64(const struct btok *t, bool hex, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!t->n)
		return false;
	for (i = 0; i < t->n; i++) {
		char c = t->s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (hex && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	*out = v;
	return true;
}

static bool tok_s64(const struct btok *t, int64_t *out)
{
	struct btok u = *t;
	bool neg = u.n && *u.s == '-';
	uint64_t v;

	if (neg) {
		u.s++;
		u.n--;
	}
	if (!tok_u64(&u, false, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static struct bthr *bthr_find(struct fx_bpftrace *p, uint32_t tid)
{
	size_t i;

	for (i = 0; i < p->nthr; i++)
		if (p->thr[i].tid == tid)
			return &p->thr[i];
	return NULL;
}

static int bthr_add(struct fx_bpftrace *p, const struct bthr *t)
{
	if (p->nthr == p->thr_cap) {
		size_t cap = p->thr_cap ? p->thr_cap * 2 : 16;
		struct bthr *n = realloc(p->thr, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->thr = n;
		p->thr_cap = cap;
	}
	p->thr[p->nthr++] = *t;
	return 0;
}

/* the fields of each call's E line after NAME: count, hex or not */
struct bcall {
	const char *name;
	uint16_t kind;
	int nf;
	const char *hex;	/* 'x' for a hex field, '.' decimal, '-' signed */
};

static const struct bcall bcalls[] = {
	{ "futex", FX_TR_FUTEX, 8, "x..xxx--" },
	{ "futex_waitv", FX_TR_FUTEX_WAITV, 7, "x..x.--" },
	{ "futex_wait", FX_TR_FUTEX_WAIT, 8, "x.x.x.--" },
	{ "futex_wake", FX_TR_FUTEX_WAKE, 4, "xx-." },
	{ "futex_requeue", FX_TR_FUTEX_REQUEUE, 4, "x.--" },
};

static uint64_t ts_ns(int64_t sec, int64_t nsec)
{
	if (sec < 0 || nsec < 0)
		return 0;
	return (uint64_t)sec * 1000000000ull + (uint64_t)nsec;
}

/* T PID TID CPU: tokens 1 to 4 */
static int head(struct fx_bpftrace *p, const struct btok *tk, int nt,
		uint64_t *t, struct fx_trace_rec *r)
{
	uint64_t pid, tid, cpu;

	if (nt < 5)
		return fx_tr_li_fail(&p->li, "expected '%c T PID TID CPU ...'", *tk[0].s);
	if (!tok_u64(&tk[1], false, t))
		return fx_tr_li_fail(&p->li, "expected a time in ns, found '%.*s'",
			     (int)tk[1].n, tk[1].s);
	if (!tok_u64(&tk[2], false, &pid) || pid > UINT32_MAX ||
	    !tok_u64(&tk[3], false, &tid) || tid > UINT32_MAX)
		return fx_tr_li_fail(&p->li, "expected PID TID after the time");
	if (!tok_u64(&tk[4], false, &cpu) || cpu >= FX_TR_NO_CPU)
		return fx_tr_li_fail(&p->li, "expected a CPU number, found '%.*s'",
			     (int)tk[4].n, tk[4].s);
	r->pid = (uint32_t)pid;
	r->tid = (uint32_t)tid;
	r->cpu = (uint16_t)cpu;
	return 0;
}

static uint64_t rel(struct fx_bpftrace *p, uint64_t t)
{
	return t > p->st.epoch_ns ? t - p->st.epoch_ns : 0;
}

static int entry(struct fx_bpftrace *p, const struct btok *tk, int nt)
{
	struct fx_trace_rec r = { 0 };
	const struct bcall *c = NULL;
	uint64_t t, f[8] = { 0 };
	struct bthr th = { 0 }, *old;
	size_t i;
	int rc;

	rc = head(p, tk, nt, &t, &r);
	if (rc)
		return rc;
	if (nt < 6)
		return fx_tr_li_fail(&p->li, "expected a call name after CPU");
	for (i = 0; i < sizeof(bcalls) / sizeof(bcalls[0]); i++)
		if (tok_is(&tk[5], bcalls[i].name))
			c = &bcalls[i];
	if (!c)
		return fx_tr_li_fail(&p->li, "expected futex, futex_waitv, futex_wait, futex_wake or futex_requeue, found '%.*s'",
			     (int)tk[5].n, tk[5].s);
	if (nt != 6 + c->nf)
		return fx_tr_li_fail(&p->li, "expected %d fields after %s, found %d",
			     c->nf, c->name, nt - 6);
	for (int k = 0; k < c->nf; k++) {
		const struct btok *x = &tk[6 + k];
		int64_t sv;
		bool ok;

		if (c->hex[k] == '-') {
			ok = tok_s64(x, &sv);
			f[k] = (uint64_t)sv;
		} else {
			ok = tok_u64(x, c->hex[k] == 'x', &f[k]);
		}
		if (!ok)
			return fx_tr_li_fail(&p->li, "expected %s number as field %d of %s, found '%.*s'",
				     c->hex[k] == 'x' ? "a hex" : "a decimal",
				     k + 1, c->name, (int)x->n, x->s);
	}
	if (!p->st.have_epoch) {
		p->st.epoch_ns = t;
		p->st.have_epoch = true;
	}
	r.t_ns = rel(p, t);
	r.kind = c->kind;
	r.ret = FX_TR_UNFINISHED;
	switch (c->kind) {
	case FX_TR_FUTEX:	/* UADDR OP VAL UTIME UADDR2 VAL3 S NS */
		r.uaddr = f[0];
		r.op = (uint32_t)f[1];
		r.val = (uint32_t)f[2];
		r.uaddr2 = f[4];
		r.val3 = (uint32_t)f[5];
		switch (r.op & 127) {
		case 0: case 6: case 9: case 11: case 13:	/* a timespec */
			r.val2 = f[3] ? ts_ns((int64_t)f[6], (int64_t)f[7])
				      : FX_TR_NO_TIMEOUT;
			break;
		default:
			r.val2 = f[3];
		}
		break;
	case FX_TR_FUTEX_WAITV:	/* WAITERS NR FLAGS TIMEOUT CLOCKID S NS */
		r.uaddr = f[0];
		r.val = (uint32_t)f[1];
		r.op = (uint32_t)f[2];
		r.val2 = f[3] ? ts_ns((int64_t)f[5], (int64_t)f[6])
			      : FX_TR_NO_TIMEOUT;
		r.val3 = (uint32_t)f[4];
		break;
	case FX_TR_FUTEX_WAIT:	/* UADDR VAL MASK FLAGS TIMEOUT CLOCKID S NS */
		r.uaddr = f[0];
		r.val = (uint32_t)f[1];
		r.val3 = (uint32_t)f[2];
		r.op = (uint32_t)f[3];
		r.val2 = f[4] ? ts_ns((int64_t)f[6], (int64_t)f[7])
			      : FX_TR_NO_TIMEOUT;
		break;
	case FX_TR_FUTEX_WAKE:	/* UADDR MASK NR FLAGS */
		r.uaddr = f[0];
		r.val3 = (uint32_t)f[1];
		r.val = (uint32_t)f[2];
		r.op = (uint32_t)f[3];
		break;
	default:		/* futex_requeue: WAITERS FLAGS NR_WAKE NR_REQUEUE */
		r.uaddr = f[0];
		r.op = (uint32_t)f[1];
		r.val = (uint32_t)f[2];
		r.val2 = f[3];
		break;
	}
	/* the thread's earlier call never returned */
	old = bthr_find(p, r.tid);
	if (old) {
		uint64_t id = old->id;

		*old = p->thr[--p->nthr];
		rc = fx_trq_done(p->li.q, id);
		if (rc)
			return rc;
	}
	p->st.entries++;
	rc = fx_trq_add(p->li.q, &r, 1, true, &th.id);
	if (rc)
		return rc;
	th.tid = r.tid;
	th.t = t;
	th.rec = r;
	return bthr_add(p, &th);
}

/* V T PID TID CPU IDX VAL UADDR FLAGS */
static int waiter(struct fx_bpftrace *p, const struct btok *tk, int nt)
{
	struct fx_trace_rec r = { 0 };
	uint64_t t, idx, val, uaddr, flags;
	struct bthr *th;
	int rc;

	rc = head(p, tk, nt, &t, &r);
	if (rc)
		return rc;
	if (nt != 9 || !tok_u64(&tk[5], false, &idx) ||
	    !tok_u64(&tk[6], false, &val) || !tok_u64(&tk[7], true, &uaddr) ||
	    !tok_u64(&tk[8], false, &flags) || flags > UINT32_MAX)
		return fx_tr_li_fail(&p->li, "expected 'V T PID TID CPU IDX VAL UADDR FLAGS'");
	p->st.waiters++;
	th = bthr_find(p, r.tid);
	if (!th || th->t != t) {
		p->st.orphans++;
		return 0;
	}
	r = th->rec;
	r.kind = FX_TR_WAITV_ENTRY;
	r.uaddr = uaddr;
	r.val = (uint32_t)val;
	r.op = (uint32_t)flags;
	r.uaddr2 = r.val2 = 0;
	r.val3 = 0;
	r.ret = 0;
	r.dur_ns = 0;
	return fx_trq_add(p->li.q, &r, 1, false, NULL);
}

/* X T PID TID CPU PROBE RET DUR */
static int exit_line(struct fx_bpftrace *p, const struct btok *tk, int nt)
{
	struct fx_trace_rec r = { 0 }, *q;
	uint64_t t, dur, id;
	int64_t ret;
	struct bthr *th;
	int rc;

	rc = head(p, tk, nt, &t, &r);
	if (rc)
		return rc;
	if (nt != 8 || !tok_s64(&tk[6], &ret) ||
	    !tok_u64(&tk[7], false, &dur))
		return fx_tr_li_fail(&p->li, "expected 'X T PID TID CPU PROBE RET DUR'");
	p->st.exits++;
	th = bthr_find(p, r.tid);
	if (!th) {
		p->st.orphans++;
		return 0;
	}
	id = th->id;
	*th = p->thr[--p->nthr];
	q = fx_trq_get(p->li.q, id);
	if (!q)
		return 0;		/* left already (window) */
	/*
	 * The duration is X's T minus E's T, not DUR: futex.bt before it
	 * read nsecs once per probe took DUR from a second reading, which
	 * on a busy host lagged the printed entry by up to ~100 us and made
	 * calls seem to return before the wakes that released them.
	 */
	q->ret = ret;
	q->dur_ns = rel(p, t) > q->t_ns ? rel(p, t) - q->t_ns : dur;
	return fx_trq_done(p->li.q, id);
}

static int parse(void *pp, const char *s, const char *e)
{
	struct fx_bpftrace *p = pp;
	struct btok tk[BT_TOK_MAX];
	int nt = 0;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (s == e) {
		p->st.blank++;
		return 0;
	}
	if (e - s < 2 || (s[0] != 'E' && s[0] != 'V' && s[0] != 'X') ||
	    s[1] != ' ') {
		p->st.other++;
		return 0;
	}
	while (s < e) {
		const char *t = s;

		while (t < e && *t != ' ' && *t != '\t')
			t++;
		if (nt == BT_TOK_MAX)
			return fx_tr_li_fail(&p->li, "expected at most %d fields", BT_TOK_MAX);
		tk[nt++] = (struct btok){ s, (size_t)(t - s) };
		while (t < e && (*t == ' ' || *t == '\t'))
			t++;
		s = t;
	}
	switch (*tk[0].s) {
	case 'E':
		return entry(p, tk, nt);
	case 'V':
		return waiter(p, tk, nt);
	default:
		return exit_line(p, tk, nt);
	}
}

int fx_bpftrace_feed(struct fx_bpftrace *p, const char *line, size_t len,
		     char *err, size_t errlen)
{
	return fx_tr_li_feed(&p->li, line, len, err, errlen);
}

int fx_bpftrace_finish(struct fx_bpftrace *p)
{
	p->nthr = 0;
	return fx_tr_li_finish(&p->li);
}

int fx_bpftrace_run(struct fx_bpftrace *p, FILE *in, bool skip_bad,
		    char *err, size_t errlen)
{
	int rc = fx_tr_li_run(&p->li, in, skip_bad, err, errlen);

	return rc ? rc : fx_bpftrace_finish(p);
}

const struct fx_bpftrace_stats *fx_bpftrace_stats(const struct fx_bpftrace *p)
{
	return &p->st;
}

void fx_bpftrace_free(struct fx_bpftrace *p)
{
	if (!p)
		return;
	fx_tr_li_fini(&p->li);
	free(p->thr);
	free(p);
}
