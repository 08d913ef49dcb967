// SPDX-License-Identifier: MIT
/*
 * perftrace.c - the `perf trace` importer (perftrace.h,
 * docs/trace-import.md).  The reorder queue, errno names and line
 * reader are import.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/perftrace.h"

/* ---- perf trace lines ---- */

struct span {
	const char *s, *e;
};

struct pthr {
	uint32_t tid;
	uint64_t id;		/* the call in flight in the queue */
};

#define FX_PERF_LAG_NS	50000000ull	/* 50 ms: see fx_perftrace_new() */

struct fx_perftrace {
	struct fx_tr_lineimp li;	/* name, queue, message, bookkeeping */
	uint32_t pid;
	bool have_pid;
	struct pthr *thr;	/* threads with a call in flight */
	size_t nthr, thr_cap;
	struct fx_perftrace_stats st;
};

static int parse(void *pp, const char *s, const char *e);

struct fx_perftrace *fx_perftrace_new(const char *name, size_t window,
				      fx_trq_emit_fn emit, void *ctx)
{
	struct fx_perftrace *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (fx_tr_li_init(&p->li, name, window, emit, ctx, &p->st,
			  sizeof(p->st), parse, p)) {
		free(p);
		return NULL;
	}
	/* perf prints the lines of different CPUs out of time order by a
	 * little (a thread's burst after another's call in flight) */
	fx_trq_set_lag(p->li.q, FX_PERF_LAG_NS);
	return p;
}

void fx_perftrace_set_pid(struct fx_perftrace *p, uint32_t pid)
{
	p->pid = pid;
	p->have_pid = true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_sp(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static bool span_is(struct span a, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(a.e - a.s) == n && !memcmp(a.s, lit, n);
}

/* a decimal or 0x hex number making up all of @a */
static bool span_num(struct span a, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = a.s;
	bool hex = a.e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (s == a.e)
		return false;
	if (hex)
		s += 2;
	for (; s < a.e; s++) {
		unsigned d;

		if (is_digit(*s))
			d = (unsigned)(*s - '0');
		else if (hex && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (hex && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / (hex ? 16 : 10))
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	*out = v;
	return true;
}

/* "SECONDS.FRACTION" in units of @unit_ns (perf: ms), at @*sp */
static bool scan_time(const char **sp, const char *e, uint64_t unit_ns,
		      uint64_t *out)
{
	const char *s = *sp;
	uint64_t ip = 0, frac = 0, scale = unit_ns;

	if (s == e || !is_digit(*s))
		return false;
	while (s < e && is_digit(*s)) {
		if (ip > UINT64_MAX / 10 / unit_ns)
			return false;
		ip = ip * 10 + (uint64_t)(*s++ - '0');
	}
	if (s < e && *s == '.') {
		s++;
		while (s < e && is_digit(*s)) {
			if (scale >= 10) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
			s++;
		}
	}
	*out = ip * unit_ns + frac;
	*sp = s;
	return true;
}

static const char *const perf_ops[] = {
	"WAIT", "WAKE", "FD", "REQUEUE", "CMP_REQUEUE", "WAKE_OP", "LOCK_PI",
	"UNLOCK_PI", "TRYLOCK_PI", "WAIT_BITSET", "WAKE_BITSET",
	"WAIT_REQUEUE_PI", "CMP_REQUEUE_PI", "LOCK_PI2",
};

/* perf's "WAIT_BITSET|PRIVATE_FLAG|CLOCK_REALTIME", or a number */
static bool perf_op(struct span a, uint32_t *out)
{
	uint32_t op = 0;
	const char *s = a.s;
	uint64_t n;

	if (span_num(a, &n)) {
		*out = (uint32_t)n;
		return n <= UINT32_MAX;
	}
	while (s < a.e) {
		const char *bar = memchr(s, '|', (size_t)(a.e - s));
		struct span w = { s, bar ? bar : a.e };
		uint64_t v;
		size_t i;

		if (w.e - w.s > 6 && !memcmp(w.s, "FUTEX_", 6))
			w.s += 6;
		if (span_is(w, "PRIVATE_FLAG") || span_is(w, "PRIVATE"))
			op |= 128;
		else if (span_is(w, "CLOCK_REALTIME"))
			op |= 256;
		else if (span_num(w, &v) && v <= UINT32_MAX)
			op |= (uint32_t)v;
		else {
			for (i = 0; i < sizeof(perf_ops) / sizeof(perf_ops[0]); i++)
				if (span_is(w, perf_ops[i]))
					break;
			if (i == sizeof(perf_ops) / sizeof(perf_ops[0]))
				return false;
			op |= (uint32_t)i;
		}
		s = bar ? bar + 1 : a.e;
	}
	*out = op;
	return true;
}

enum pcall { PC_OTHER, PC_FUTEX, PC_WAITV, PC_WAIT, PC_WAKE, PC_REQUEUE };

static enum pcall pcall_of(struct span n)
{
	if (span_is(n, "futex"))
		return PC_FUTEX;
	if (span_is(n, "futex_waitv"))
		return PC_WAITV;
	if (span_is(n, "futex_wait"))
		return PC_WAIT;
	if (span_is(n, "futex_wake"))
		return PC_WAKE;
	if (span_is(n, "futex_requeue"))
		return PC_REQUEUE;
	return PC_OTHER;
}

static bool op_has_timeout(uint32_t op)
{
	switch (op & 127) {
	case 0: case 6: case 9: case 11: case 13:
		return true;
	}
	return false;
}

/*
 * the arguments "key: value, key: value" of @c between @s and @e into @r;
 * perf leaves out zero arguments, so absent ones stay 0
 */
static int perf_args(struct fx_perftrace *p, enum pcall c, const char *s,
		     const char *e, struct fx_trace_rec *r)
{
	uint64_t utime = 0;

	while ((s = skip_sp(s, e)) < e) {
		const char *comma = memchr(s, ',', (size_t)(e - s));
		const char *end = comma ? comma : e, *colon;
		struct span k, v;
		uint64_t n = 0;
		bool num;

		colon = memchr(s, ':', (size_t)(end - s));
		if (!colon)
			return fx_tr_li_fail(&p->li, "expected 'NAME: VALUE' arguments, found '%.*s'",
				     (int)(end - s), s);
		k = (struct span){ s, colon };
		v.s = skip_sp(colon + 1, end);
		v.e = end;
		while (v.e > v.s && v.e[-1] == ' ')
			v.e--;
		num = span_num(v, &n);
		if (span_is(k, "op") && c == PC_FUTEX) {
			if (!perf_op(v, &r->op))
				return fx_tr_li_fail(&p->li, "expected a futex op (WAIT|PRIVATE_FLAG, ...), found '%.*s'",
					     (int)(v.e - v.s), v.s);
		} else if (span_is(k, "val3") && span_is(v, "MATCH_ANY")) {
			r->val3 = 0xffffffffu;
		} else if (!num) {
			return fx_tr_li_fail(&p->li, "expected a number for '%.*s', found '%.*s'",
				     (int)(k.e - k.s), k.s, (int)(v.e - v.s), v.s);
		} else if (span_is(k, "uaddr") || span_is(k, "waiters")) {
			r->uaddr = n;
		} else if (span_is(k, "uaddr2")) {
			r->uaddr2 = n;
		} else if (span_is(k, "utime") || span_is(k, "timeout")) {
			utime = n;
		} else if (span_is(k, "val") || span_is(k, "nr") ||
			   span_is(k, "nr_futexes") || span_is(k, "nr_wake")) {
			r->val = (uint32_t)n;
		} else if (span_is(k, "val3") || span_is(k, "mask") ||
			   (span_is(k, "clockid") && c == PC_WAITV)) {
			r->val3 = (uint32_t)n;
		} else if (span_is(k, "flags")) {
			r->op = (uint32_t)n;
		} else if (span_is(k, "nr_requeue")) {
			r->val2 = n;
		} /* other names: not a field of the record */
		s = comma ? comma + 1 : e;
	}
	/*
	 * perf prints the timespec's address, not its value: a timeout given
	 * is unknown and stored as none, like a NULL one (docs)
	 */
	if (c == PC_FUTEX && !op_has_timeout(r->op))
		r->val2 = utime;
	else if (c == PC_FUTEX || c == PC_WAITV || c == PC_WAIT)
		r->val2 = FX_TR_NO_TIMEOUT;
	return 0;
}

/* "= RET [ENAME (text)]", "= -1 (unknown) (INTERNAL ERROR: strerror_r(N, ...", "= ?" */
static int perf_ret(struct fx_perftrace *p, const char *s, const char *e,
		    int64_t *ret)
{
	uint64_t v;
	const char *t;
	bool neg;

	s = skip_sp(s, e);
	if (s == e || *s != '=')
		return fx_tr_li_fail(&p->li, "expected '= RET' after the call");
	s = skip_sp(s + 1, e);
	if (s < e && *s == '?') {
		*ret = FX_TR_UNFINISHED;
		return 0;
	}
	neg = s < e && *s == '-';
	t = s + neg;
	while (t < e && *t != ' ')
		t++;
	if (!span_num((struct span){ s + neg, t }, &v) || v > INT64_MAX)
		return fx_tr_li_fail(&p->li, "expected a return value after '=', found '%.*s'",
			     (int)(e - s), s);
	*ret = neg ? -(int64_t)v : (int64_t)v;
	if (*ret != -1)
		return 0;
	s = skip_sp(t, e);
	t = s;
	while (t < e && *t != ' ')
		t++;
	if (t > s && *s == 'E') {
		int no = fx_tr_errno(s, (size_t)(t - s));

		if (!no)
			return fx_tr_li_fail(&p->li, "unknown errno name '%.*s'",
				     (int)(t - s), s);
		*ret = -no;
		return 0;
	}
	t = strstr(s, "strerror_r(");	/* the line is NUL-terminated */
	if (t && t < e) {
		const char *d = t + 11, *de = d;

		while (de < e && is_digit(*de))
			de++;
		if (span_num((struct span){ d, de }, &v) && v < 4096) {
			*ret = -(int64_t)v;
			return 0;
		}
	}
	return fx_tr_li_fail(&p->li, "expected an errno name after '= -1', found '%.*s'",
		     (int)(e - s), s);
}

static struct pthr *pthr_find(struct fx_perftrace *p, uint32_t tid)
{
	size_t i;

	for (i = 0; i < p->nthr; i++)
		if (p->thr[i].tid == tid)
			return &p->thr[i];
	return NULL;
}

static void pthr_del(struct fx_perftrace *p, struct pthr *t)
{
	*t = p->thr[--p->nthr];
}

static int pthr_add(struct fx_perftrace *p, uint32_t tid, uint64_t id)
{
	if (p->nthr == p->thr_cap) {
		size_t cap = p->thr_cap ? p->thr_cap * 2 : 16;
		struct pthr *t = realloc(p->thr, cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		p->thr = t;
		p->thr_cap = cap;
	}
	p->thr[p->nthr++] = (struct pthr){ tid, id };
	return 0;
}

/*
 * "COMM/TID " before the call: COMM may hold spaces and '/', so take the
 * first "/DIGITS " followed by "NAME(" or "... [continued]"
 */
static const char *perf_tid(const char *s, const char *e, uint32_t *tid)
{
	for (; s < e; s++) {
		const char *d = s + 1, *n;
		uint64_t v;

		if (*s != '/')
			continue;
		while (d < e && is_digit(*d))
			d++;
		if (d == s + 1 || d == e || *d != ' ')
			continue;
		if (!span_num((struct span){ s + 1, d }, &v) || v > UINT32_MAX)
			continue;
		n = skip_sp(d, e);
		if (e - n >= 3 && !memcmp(n, "...", 3)) {
			*tid = (uint32_t)v;
			return n;
		}
		while (n < e && ((*n >= 'a' && *n <= 'z') || is_digit(*n) ||
				 *n == '_'))
			n++;
		if (n > d + 1 && n < e && *n == '(') {
			*tid = (uint32_t)v;
			return skip_sp(d, e);
		}
	}
	return NULL;
}

static const char *close_paren(const char *s, const char *e)
{
	int depth = 0;

	for (; s < e; s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')' && --depth == 0)
			return s;
	}
	return NULL;
}

static int parse(void *pp, const char *s, const char *e)
{
	struct fx_perftrace *p = pp;
	struct fx_trace_rec r = { 0 };
	uint64_t t = 0, dur = 0, id;
	bool notime = false;
	struct pthr *th;
	enum pcall c;
	const char *name, *open, *close;
	uint32_t tid;
	int rc;

	s = skip_sp(s, e);
	if (s == e) {
		p->st.blank++;
		return 0;
	}
	/*
	 * perf 6.1 prints "?" for the time of some "[continued]" lines: the
	 * time is not needed there (the call in flight has its entry), only
	 * the return value.  Elsewhere such a line is malformed.
	 */
	if (*s == '?' && s + 1 < e && (s[1] == ' ' || s[1] == '\t')) {
		notime = true;
		s++;
	} else if (!is_digit(*s)) {	/* perf's notes, summaries */
		p->st.other++;
		return 0;
	} else if (!scan_time(&s, e, 1000000, &t)) {
		return fx_tr_li_fail(&p->li, "expected a time in ms");
	}
	/*
	 * perf 6.1 prints the entry of a call that began before its first
	 * event as a time just below zero, wrapped as an unsigned 64-bit
	 * count of ns (18446744073709.418 ms): such a call began at the
	 * start of the trace, and is counted.
	 */
	if (t >= 1ull << 63) {
		t = 0;
		p->st.wrapped++;
	}
	s = skip_sp(s, e);
	if (s == e || *s != '(')
		return fx_tr_li_fail(&p->li, "expected '( DURATION ms):' after the time");
	s = skip_sp(s + 1, e);
	if (s < e && is_digit(*s)) {
		if (!scan_time(&s, e, 1000000, &dur))
			return fx_tr_li_fail(&p->li, "expected a duration in ms");
		if (dur >= 1ull << 63) {	/* wrapped below zero too */
			dur = 0;		/* unknown */
			p->st.wrapped++;
		}
		s = skip_sp(s, e);
		if (e - s < 2 || memcmp(s, "ms", 2))
			return fx_tr_li_fail(&p->li, "expected 'ms' after the duration");
		s = skip_sp(s + 2, e);
	}
	if (e - s < 2 || memcmp(s, "):", 2))
		return fx_tr_li_fail(&p->li, "expected '):' after the duration");
	name = perf_tid(s + 2, e, &tid);
	if (!name)
		return fx_tr_li_fail(&p->li, "expected 'COMM/TID NAME(...)' after the duration");

	if (notime && (e - name < 3 || memcmp(name, "...", 3)))
		return fx_tr_li_fail(&p->li, "expected a time in ms for a call ('?' only for '[continued]' lines)");
	if (e - name >= 3 && !memcmp(name, "...", 3)) {	/* [continued] */
		const char *n = skip_sp(name + 3, e);

		if (e - n < 12 || memcmp(n, "[continued]:", 12))
			return fx_tr_li_fail(&p->li, "expected '... [continued]: NAME())'");
		n = skip_sp(n + 12, e);
		open = memchr(n, '(', (size_t)(e - n));
		if (!open || !(close = close_paren(open, e)) ||
		    close + 1 >= e || close[1] != ')')
			return fx_tr_li_fail(&p->li, "expected '... [continued]: NAME())'");
		c = pcall_of((struct span){ n, open });
		th = pthr_find(p, tid);
		if (c == PC_OTHER && !th) {
			p->st.other++;
			return 0;
		}
		{
			int64_t ret;

			rc = perf_ret(p, close + 2, e, &ret);
			if (rc)
				return rc;
			p->st.continued++;
			if (!th) {
				p->st.orphan_continued++;
				return 0;
			}
			id = th->id;
			pthr_del(p, th);
			if (id == UINT64_MAX)	/* a call not recorded */
				return 0;
			{
				struct fx_trace_rec *q = fx_trq_get(p->li.q, id);

				if (!q)
					return 0;	/* left already (window) */
				q->ret = ret;
				q->dur_ns = dur;
			}
			return fx_trq_done(p->li.q, id);
		}
	}

	open = memchr(name, '(', (size_t)(e - name));
	c = pcall_of((struct span){ name, open });
	close = close_paren(open, e);
	if (!close) {
		/* a call in flight: "NAME(args) ..." keeps its ')' */
		return fx_tr_li_fail(&p->li, "expected ')' closing %.*s(...",
			     (int)(open - name), name);
	}
	r.t_ns = t;
	r.dur_ns = dur;
	r.tid = tid;
	if (!p->have_pid) {
		p->pid = tid;
		p->have_pid = true;
	}
	r.pid = p->pid;
	r.cpu = FX_TR_NO_CPU;
	r.ret = FX_TR_UNFINISHED;
	if (c != PC_OTHER) {
		static const uint16_t kind[] = {
			[PC_FUTEX] = FX_TR_FUTEX, [PC_WAITV] = FX_TR_FUTEX_WAITV,
			[PC_WAIT] = FX_TR_FUTEX_WAIT,
			[PC_WAKE] = FX_TR_FUTEX_WAKE,
			[PC_REQUEUE] = FX_TR_FUTEX_REQUEUE,
		};

		r.kind = kind[c];
		rc = perf_args(p, c, open + 1, close, &r);
		if (rc)
			return rc;
	}
	{
		const char *rest = skip_sp(close + 1, e);
		bool inflight = e - rest >= 3 && !memcmp(rest, "...", 3) &&
				skip_sp(rest + 3, e) == e;

		if (!inflight) {
			rc = perf_ret(p, rest, e, &r.ret);
			if (rc)
				return rc;
		}
		/* a thread's earlier call in flight never finished */
		th = pthr_find(p, tid);
		if (th) {
			id = th->id;
			pthr_del(p, th);
			if (id != UINT64_MAX && (rc = fx_trq_done(p->li.q, id)))
				return rc;
		}
		if (c == PC_OTHER) {
			p->st.other++;
			return inflight ? pthr_add(p, tid, UINT64_MAX) : 0;
		}
		p->st.calls++;
		rc = fx_trq_add(p->li.q, &r, 1, inflight, &id);
		if (rc)
			return rc;
		return inflight ? pthr_add(p, tid, id) : 0;
	}
}

int fx_perftrace_feed(struct fx_perftrace *p, const char *line, size_t len,
		      char *err, size_t errlen)
{
	return fx_tr_li_feed(&p->li, line, len, err, errlen);
}

int fx_perftrace_finish(struct fx_perftrace *p)
{
	p->nthr = 0;
	return fx_tr_li_finish(&p->li);
}

int fx_perftrace_run(struct fx_perftrace *p, FILE *in, bool skip_bad,
		     char *err, size_t errlen)
{
	int rc = fx_tr_li_run(&p->li, in, skip_bad, err, errlen);

	return rc ? rc : fx_perftrace_finish(p);
}

const struct fx_perftrace_stats *fx_perftrace_stats(const struct fx_perftrace *p)
{
	return &p->st;
}

void fx_perftrace_free(struct fx_perftrace *p)
{
	if (!p)
		return;
	fx_tr_li_fini(&p->li);
	free(p->thr);
	free(p);
}
