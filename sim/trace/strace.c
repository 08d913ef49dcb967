// SPDX-License-Identifier: MIT
/*
 * strace.c - strace -f -ttt [-T] output into trace records, streaming
 * (docs/trace-import.md).
 *
 * Each line is parsed whole into struct sline without touching the
 * parser's state, so a malformed line leaves the state as it was
 * (--skip-bad).  Then it is applied: records of finished calls go into
 * the reorder window filled; a call <unfinished ...> reserves its slots,
 * which its <... resumed> line fills.  The window leaves from its head
 * while the head is filled, so records leave in line (entry-time) order.
 * The hot path is hand-written scanning, no sscanf.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace/strace.h"

#define WAITV_MAX	128	/* FUTEX_WAITV_MAX */
#define MAX_ARGS	8

#define CLONE_THREAD_BIT	0x00010000ull

enum sc {
	SC_OTHER, SC_FUTEX, SC_WAITV, SC_WAIT, SC_WAKE, SC_REQUEUE,
	SC_ROBUST, SC_TIDADDR, SC_CLONE, SC_CLONE3, SC_MMAP, SC_EXIT,
};

enum ltype { L_BLANK, L_OTHER, L_CALL, L_RESUME, L_SIGNAL, L_EXIT };

struct span {
	const char *s, *e;
};

/* one parsed line */
struct sline {
	enum ltype type;
	uint32_t tid;
	uint64_t ts;		/* absolute ns */
	enum sc sc;
	struct span name;
	bool unfinished;
	bool prefixed;		/* the line named its thread */
	bool has_dur;
	int64_t ret;
	uint64_t dur;
	int nrec;
	uint32_t exit_val, exit_sig;
	struct fx_trace_rec rec[1 + WAITV_MAX];
};

enum { S_FILLED, S_PENDING, S_DROPPED };

struct slot {
	struct fx_trace_rec rec;
	uint32_t owner;		/* tid whose call this is */
	uint8_t state;
};

struct thr {
	uint32_t tid, pid;
	bool used, pending, evicted;
	uint8_t pend_sc;
	uint16_t pend_n;	/* slots reserved (0: call without records) */
	uint64_t pend_seq, pend_ts;
};

struct fx_strace {
	const char *name;
	fx_strace_emit_fn emit;
	void *ctx;
	uint32_t main_tid;
	bool main_tid_set;	/* given, or learnt from set_tid_address */
	char *carry;		/* a line cut by "strace: Process N attached" */
	size_t carry_len, carry_cap;
	struct slot *ring;
	uint64_t cap, head, tail;	/* ring positions, mask = cap - 1 */
	struct thr *thr;
	size_t thr_cap, thr_used;
	struct fx_strace_stats st;
	char msg[200];
	struct sline l;
};

/* ---- small scanning helpers ---- */

static int fail(struct fx_strace *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct fx_strace *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline const char *skip_sp(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static struct span trim(struct span a)
{
	while (a.s < a.e && (*a.s == ' ' || *a.s == '\t'))
		a.s++;
	while (a.e > a.s && (a.e[-1] == ' ' || a.e[-1] == '\t'))
		a.e--;
	return a;
}

static bool span_is(struct span a, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(a.e - a.s) == n && !memcmp(a.s, lit, n);
}

static bool starts(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - s) >= n && !memcmp(s, lit, n);
}

/* decimal digits at *s; false if none or overflow */
static bool scan_dec(const char **sp, const char *e, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (s >= e || !is_digit(*s))
		return false;
	while (s < e && is_digit(*s)) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	*sp = s;
	*out = v;
	return true;
}

/* a number: decimal, 0x hex, leading '-', NULL; a trailing comment
 * ("0x80 /\* FUTEX_??? *\/") is ignored */
static bool span_num(struct span a, uint64_t *out)
{
	const char *s, *e;
	bool neg = false;
	uint64_t v = 0;

	a = trim(a);
	s = a.s;
	e = a.e;
	if (span_is(a, "NULL")) {
		*out = 0;
		return true;
	}
	if (s < e && *s == '-') {
		neg = true;
		s++;
	}
	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const char *d = s + 2;

		for (s = d; s < e; s++) {
			unsigned c = (unsigned char)*s, x;

			if (c >= '0' && c <= '9')
				x = c - '0';
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				x = (c | 0x20) - 'a' + 10;
			else
				break;
			if (s - d >= 16)
				return false;
			v = v << 4 | x;
		}
		if (s == d)
			return false;
	} else if (!scan_dec(&s, e, &v)) {
		return false;
	}
	s = skip_sp(s, e);
	if (s < e && !starts(s, e, "/*"))
		return false;
	*out = neg ? (uint64_t)-(int64_t)v : v;
	return true;
}

/*
 * split_args - top-level comma-separated arguments of [s, e); nesting of
 * (), {}, [] and "strings" respected.  Returns the count (at most max).
 */
static int split_args(const char *s, const char *e, struct span *a, int max)
{
	int n = 0, depth = 0;
	const char *start = s;

	for (; s < e; s++) {
		char c = *s;

		if (c == '"') {
			for (s++; s < e && *s != '"'; s++)
				if (*s == '\\')
					s++;
		} else if (c == '(' || c == '{' || c == '[') {
			depth++;
		} else if (c == ')' || c == '}' || c == ']') {
			depth--;
		} else if (c == ',' && depth == 0) {
			if (n < max)
				a[n++] = trim((struct span){ start, s });
			start = s + 1;
		}
	}
	if (start < e || n > 0) {
		struct span t = trim((struct span){ start, e });

		if (n < max && t.s < t.e)
			a[n++] = t;
	}
	return n;
}

/* the ')' closing the argument list that starts at s; NULL if none */
static const char *close_paren(const char *s, const char *e)
{
	int depth = 0;

	for (; s < e; s++) {
		char c = *s;

		if (c == '"') {
			for (s++; s < e && *s != '"'; s++)
				if (*s == '\\')
					s++;
		} else if (c == '(' || c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ')') {
			if (depth == 0)
				return s;
			depth--;
		}
	}
	return NULL;
}

/* the value of "key=" inside [a.s, a.e), up to ',' '}' or ']' at depth 0 */
static bool field(struct span a, const char *key, struct span *out)
{
	size_t kl = strlen(key);
	const char *s = a.s;
	int depth = 0;

	for (; s + kl <= a.e; s++) {
		if (*s == '{' || *s == '[')
			depth++;
		else if (*s == '}' || *s == ']')
			depth--;
		if (depth <= 1 && !memcmp(s, key, kl) &&
		    (s == a.s || s[-1] == ' ' || s[-1] == '{' || s[-1] == ',')) {
			const char *v = s + kl, *t = v;
			int d = 0;

			for (; t < a.e; t++) {
				if (*t == '{' || *t == '[')
					d++;
				else if ((*t == '}' || *t == ']') && d-- == 0)
					break;
				else if (*t == ',' && d == 0)
					break;
			}
			*out = trim((struct span){ v, t });
			return true;
		}
	}
	return false;
}

/* ---- names ---- */

struct name {
	const char *n;
	uint64_t v;
};

static const struct name futex_ops[] = {
	{ "WAIT", 0 }, { "WAKE", 1 }, { "FD", 2 }, { "REQUEUE", 3 },
	{ "CMP_REQUEUE", 4 }, { "WAKE_OP", 5 }, { "LOCK_PI", 6 },
	{ "UNLOCK_PI", 7 }, { "TRYLOCK_PI", 8 }, { "WAIT_BITSET", 9 },
	{ "WAKE_BITSET", 10 }, { "WAIT_REQUEUE_PI", 11 },
	{ "CMP_REQUEUE_PI", 12 }, { "LOCK_PI2", 13 }, { NULL, 0 },
};

static const struct name futex2_flags[] = {
	{ "FUTEX2_SIZE_U8", 0 }, { "FUTEX2_SIZE_U16", 1 },
	{ "FUTEX2_SIZE_U32", 2 }, { "FUTEX2_SIZE_U64", 3 },
	{ "FUTEX2_NUMA", 4 }, { "FUTEX2_PRIVATE", 128 },
	/* strace before 6.7 names them after the first futex2 patches */
	{ "FUTEX_8", 0 }, { "FUTEX_16", 1 }, { "FUTEX_32", 2 },
	{ "FUTEX_64", 3 }, { "FUTEX_PRIVATE_FLAG", 128 },
	{ "CLOCK_REALTIME", 0 }, { "CLOCK_MONOTONIC", 1 },
	{ "FUTEX_BITSET_MATCH_ANY", 0xffffffffu }, { NULL, 0 },
};

static const struct name wake_op_names[] = {
	{ "FUTEX_OP_SET", 0 }, { "FUTEX_OP_ADD", 1 }, { "FUTEX_OP_OR", 2 },
	{ "FUTEX_OP_ANDN", 3 }, { "FUTEX_OP_XOR", 4 },
	{ "FUTEX_OP_OPARG_SHIFT", 8 },
	{ "FUTEX_OP_CMP_EQ", 0 }, { "FUTEX_OP_CMP_NE", 1 },
	{ "FUTEX_OP_CMP_LT", 2 }, { "FUTEX_OP_CMP_LE", 3 },
	{ "FUTEX_OP_CMP_GT", 4 }, { "FUTEX_OP_CMP_GE", 5 }, { NULL, 0 },
};

static const struct name clone_flags[] = {
	{ "CLONE_NEWTIME", 0x80 }, { "CLONE_VM", 0x100 }, { "CLONE_FS", 0x200 },
	{ "CLONE_FILES", 0x400 }, { "CLONE_SIGHAND", 0x800 },
	{ "CLONE_PIDFD", 0x1000 }, { "CLONE_PTRACE", 0x2000 },
	{ "CLONE_VFORK", 0x4000 }, { "CLONE_PARENT", 0x8000 },
	{ "CLONE_THREAD", 0x10000 }, { "CLONE_NEWNS", 0x20000 },
	{ "CLONE_SYSVSEM", 0x40000 }, { "CLONE_SETTLS", 0x80000 },
	{ "CLONE_PARENT_SETTID", 0x100000 }, { "CLONE_CHILD_CLEARTID", 0x200000 },
	{ "CLONE_DETACHED", 0x400000 }, { "CLONE_UNTRACED", 0x800000 },
	{ "CLONE_CHILD_SETTID", 0x1000000 }, { "CLONE_NEWCGROUP", 0x2000000 },
	{ "CLONE_NEWUTS", 0x4000000 }, { "CLONE_NEWIPC", 0x8000000 },
	{ "CLONE_NEWUSER", 0x10000000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWNET", 0x40000000 }, { "CLONE_IO", 0x80000000ull },
	{ "CLONE_CLEAR_SIGHAND", 0x100000000ull },
	{ "CLONE_INTO_CGROUP", 0x200000000ull }, { NULL, 0 },
};

static const struct name mmap_names[] = {
	{ "MAP_SHARED", 1 }, { "MAP_PRIVATE", 2 }, { "MAP_SHARED_VALIDATE", 3 },
	{ "MAP_FIXED", 0x10 }, { "MAP_ANONYMOUS", 0x20 },
	{ "MAP_GROWSDOWN", 0x100 }, { "MAP_DENYWRITE", 0x800 },
	{ "MAP_EXECUTABLE", 0x1000 }, { "MAP_LOCKED", 0x2000 },
	{ "MAP_NORESERVE", 0x4000 }, { "MAP_POPULATE", 0x8000 },
	{ "MAP_NONBLOCK", 0x10000 }, { "MAP_STACK", 0x20000 },
	{ "MAP_HUGETLB", 0x40000 }, { "MAP_SYNC", 0x80000 },
	{ "MAP_FIXED_NOREPLACE", 0x100000 },
	{ "PROT_NONE", 0 }, { "PROT_READ", 1 }, { "PROT_WRITE", 2 },
	{ "PROT_EXEC", 4 }, { "PROT_SEM", 8 },
	{ "PROT_GROWSDOWN", 0x01000000 }, { "PROT_GROWSUP", 0x02000000 },
	{ NULL, 0 },
};

static bool lookup(const struct name *t, const char *s, size_t n,
		   uint64_t *v)
{
	for (; t->n; t++)
		if (strlen(t->n) == n && !memcmp(t->n, s, n)) {
			*v = t->v;
			return true;
		}
	return false;
}

static int signal_by_name(const char *s, size_t n)
{
	if (n > 3 && !memcmp(s, "SIG", 3)) {
		for (int i = 1; i < 65; i++) {
			const char *a = sigabbrev_np(i);

			if (a && strlen(a) == n - 3 && !memcmp(a, s + 3, n - 3))
				return i;
		}
	}
	return 0;
}

/*
 * flags - "A|B|0x10": names from @t (or, if @lenient, unknown names
 * ignored; SIGxxx accepted as signal numbers) or numbers.
 */
static bool flags(struct span a, const struct name *t, bool lenient,
		  uint64_t *out)
{
	uint64_t v = 0, x;

	a = trim(a);
	if (a.s == a.e)
		return false;
	while (a.s < a.e) {
		const char *bar = memchr(a.s, '|', (size_t)(a.e - a.s));
		struct span tok = trim((struct span){ a.s, bar ? bar : a.e });
		int sig;

		if (tok.s < tok.e && (is_digit(*tok.s) || *tok.s == '-')) {
			if (!span_num(tok, &x))
				return false;
		} else if (!lookup(t, tok.s, (size_t)(tok.e - tok.s), &x)) {
			if (!lenient)
				return false;
			sig = signal_by_name(tok.s, (size_t)(tok.e - tok.s));
			x = (uint64_t)sig;
		}
		v |= x;
		a.s = bar ? bar + 1 : a.e;
	}
	*out = v;
	return true;
}

/* futex(2) op: FUTEX_<OP>[_PRIVATE][|FUTEX_CLOCK_REALTIME] or a number */
static bool futex_op(struct span a, uint32_t *out)
{
	uint64_t v = 0, x;

	a = trim(a);
	while (a.s < a.e) {
		const char *bar = memchr(a.s, '|', (size_t)(a.e - a.s));
		struct span tok = trim((struct span){ a.s, bar ? bar : a.e });
		size_t n = (size_t)(tok.e - tok.s);

		if (span_is(tok, "FUTEX_CLOCK_REALTIME")) {
			x = 256;
		} else if (span_is(tok, "FUTEX_PRIVATE_FLAG")) {
			x = 128;
		} else if (n > 6 && !memcmp(tok.s, "FUTEX_", 6)) {
			const char *s = tok.s + 6;

			n -= 6;
			x = 0;
			if (n > 8 && !memcmp(s + n - 8, "_PRIVATE", 8)) {
				x = 128;
				n -= 8;
			}
			uint64_t o;

			if (!lookup(futex_ops, s, n, &o))
				return false;
			x |= o;
		} else if (!span_num(tok, &x)) {
			return false;
		}
		v |= x;
		a.s = bar ? bar + 1 : a.e;
	}
	*out = (uint32_t)v;
	return true;
}

/* {tv_sec=S, tv_nsec=N} in ns; NULL: FX_TR_NO_TIMEOUT */
static bool timeout(struct span a, uint64_t *out)
{
	struct span sec, nsec;
	uint64_t s, n;

	a = trim(a);
	if (span_is(a, "NULL")) {
		*out = FX_TR_NO_TIMEOUT;
		return true;
	}
	if (a.s == a.e || *a.s != '{' || !field(a, "tv_sec=", &sec) ||
	    !field(a, "tv_nsec=", &nsec) || !span_num(sec, &s) ||
	    !span_num(nsec, &n))
		return false;
	*out = s * 1000000000ull + n;
	return true;
}

/* {FUTEX_OP_SET, 0, FUTEX_OP_CMP_GT, 1} as FUTEX_OP() encodes it */
static bool wake_op(struct span a, uint32_t *out)
{
	struct span f[4];
	uint64_t op, oparg, cmp, cmparg;

	a = trim(a);
	if (a.e - a.s < 2 || *a.s != '{' || a.e[-1] != '}') {
		/* FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1 (strace 6.1) */
		uint64_t v = 0;

		while (a.s < a.e) {
			const char *bar = memchr(a.s, '|', (size_t)(a.e - a.s));
			struct span tok = trim((struct span){ a.s, bar ? bar : a.e });
			const char *sh = memmem(tok.s, (size_t)(tok.e - tok.s), "<<", 2);
			struct span base = { tok.s, sh ? sh : tok.e };
			uint64_t x, n = 0;

			if (!span_num(base, &x) &&
			    !lookup(wake_op_names, base.s,
				    (size_t)(base.e - base.s), &x))
				return false;
			if (sh && (!span_num((struct span){ sh + 2, tok.e }, &n) ||
				   n > 31))
				return false;
			v |= x << n;
			a.s = bar ? bar + 1 : a.e;
		}
		*out = (uint32_t)v;
		return true;
	}
	if (split_args(a.s + 1, a.e - 1, f, 4) != 4 ||
	    !flags(f[0], wake_op_names, false, &op) ||
	    !span_num(f[1], &oparg) ||
	    !flags(f[2], wake_op_names, false, &cmp) ||
	    !span_num(f[3], &cmparg))
		return false;
	*out = (uint32_t)(((op & 0xf) << 28) | ((cmp & 0xf) << 24) |
			  ((oparg & 0xfff) << 12) | (cmparg & 0xfff));
	return true;
}

/* {val=V, uaddr=A, flags=F} */
static bool waitv_entry(struct span a, uint64_t *uaddr, uint64_t *val,
			uint64_t *fl)
{
	struct span v, u, f;

	return field(a, "val=", &v) && field(a, "uaddr=", &u) &&
	       field(a, "flags=", &f) && span_num(v, val) &&
	       span_num(u, uaddr) && flags(f, futex2_flags, false, fl);
}

/* ---- syscalls ---- */

static enum sc syscall_of(const char *s, size_t n)
{
	static const struct {
		const char *n;
		enum sc sc;
	} t[] = {
		{ "futex", SC_FUTEX }, { "futex_waitv", SC_WAITV },
		{ "futex_wait", SC_WAIT }, { "futex_wake", SC_WAKE },
		{ "futex_requeue", SC_REQUEUE }, { "set_robust_list", SC_ROBUST },
		{ "set_tid_address", SC_TIDADDR }, { "clone", SC_CLONE },
		{ "clone3", SC_CLONE3 }, { "mmap", SC_MMAP },
		{ "exit", SC_EXIT }, { "exit_group", SC_EXIT },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].n) == n && !memcmp(t[i].n, s, n))
			return t[i].sc;
	return SC_OTHER;
}

static struct thr *thr_find(struct fx_strace *p, uint32_t tid);

static const char *sc_name(int sc)
{
	static const char *const n[] = {
		"(other)", "futex", "futex_waitv", "futex_wait", "futex_wake",
		"futex_requeue", "set_robust_list", "set_tid_address", "clone",
		"clone3", "mmap", "exit",
	};

	return sc >= 0 && sc <= SC_EXIT ? n[sc] : "?";
}

static uint32_t pid_of(struct fx_strace *p, uint32_t tid)
{
	struct thr *t = thr_find(p, tid);

	return t ? t->pid : tid;
}

#define NEED(n)								\
	do {								\
		if (na < (n))						\
			return fail(p, "expected %d arguments to %.*s(...), found %d", \
				    (n), NAMEF, na);			\
	} while (0)
#define NAMEF	(int)(l->name.e - l->name.s), l->name.s
#define BAD(what, a)							\
	fail(p, "expected %s in %.*s(...), found '%.*s'", what, NAMEF,	\
	     (int)((a).e - (a).s), (a).s)

/*
 * build - the records of call line @l from its arguments (complete, or
 * up to the <unfinished ...> mark).  ret and dur are filled later.
 */
static int build(struct fx_strace *p, struct sline *l, const char *s,
		 const char *e)
{
	struct fx_trace_rec *r = &l->rec[0];
	struct span a[MAX_ARGS];
	uint64_t x, y;
	uint32_t op;
	int na;

	l->nrec = 0;
	if (l->sc == SC_OTHER || l->sc == SC_EXIT)
		return 0;
	na = split_args(s, e, a, MAX_ARGS);
	memset(r, 0, sizeof(*r));
	r->t_ns = l->ts;
	r->tid = l->tid;
	r->pid = pid_of(p, l->tid);
	r->cpu = FX_TR_NO_CPU;
	switch (l->sc) {
	case SC_FUTEX:
		NEED(2);
		r->kind = FX_TR_FUTEX;
		if (!span_num(a[0], &r->uaddr))
			return BAD("an address", a[0]);
		if (!futex_op(a[1], &op))
			return BAD("a futex op (FUTEX_WAIT_PRIVATE, ...)", a[1]);
		r->op = op;
		op &= 0x7f;
		/* strace prints only the arguments each op uses */
		if (op == 6 || op == 13) {		/* LOCK_PI: timeout */
			NEED(3);
			if (!timeout(a[2], &r->val2))
				return BAD("a timeout", a[2]);
			break;
		}
		if (op == 7 || op == 8)			/* UNLOCK/TRYLOCK_PI */
			break;
		NEED(3);
		if (!span_num(a[2], &x))
			return BAD("a value", a[2]);
		r->val = (uint32_t)x;
		switch (op) {
		case 0: case 9: case 11:		/* WAIT, _BITSET, _REQUEUE_PI */
			r->val2 = FX_TR_NO_TIMEOUT;
			if (na > 3 && !timeout(a[3], &r->val2))
				return BAD("a timeout ({tv_sec=S, tv_nsec=N} or NULL)", a[3]);
			if (op == 9 && na > 4 &&
			    !flags(a[4], futex2_flags, false, &x))
				return BAD("a bitset", a[4]);
			if (op == 9)
				r->val3 = na > 4 ? (uint32_t)x : 0;
			if (op == 11 && na > 4 && !span_num(a[4], &r->uaddr2))
				return BAD("an address", a[4]);
			break;
		case 10:				/* WAKE_BITSET */
			if (na > 3 && !flags(a[na - 1], futex2_flags, false, &x))
				return BAD("a bitset", a[na - 1]);
			r->val3 = na > 3 ? (uint32_t)x : 0;
			break;
		case 3: case 4: case 5: case 12:	/* (CMP_)REQUEUE, WAKE_OP */
			NEED(5);
			if (!span_num(a[3], &r->val2))
				return BAD("a count", a[3]);
			if (!span_num(a[4], &r->uaddr2))
				return BAD("an address", a[4]);
			if (op == 5) {
				NEED(6);
				if (!wake_op(a[5], &op))
					return BAD("a wake op {OP, OPARG, CMP, CMPARG}", a[5]);
				r->val3 = op;
			} else if (op != 3) {
				NEED(6);
				if (!span_num(a[5], &x))
					return BAD("a value", a[5]);
				r->val3 = (uint32_t)x;
			}
			break;
		default:
			break;
		}
		break;
	case SC_WAITV: {
		/* futex_waitv([{...}, ...], nr, flags, timeout, clockid) */
		struct span ent[WAITV_MAX];
		int n;

		NEED(1);
		r->kind = FX_TR_FUTEX_WAITV;
		a[0] = trim(a[0]);
		if (a[0].e - a[0].s < 2 || *a[0].s != '[' || a[0].e[-1] != ']')
			return BAD("an array [{val=V, uaddr=A, flags=F}, ...]", a[0]);
		n = split_args(a[0].s + 1, a[0].e - 1, ent, WAITV_MAX);
		for (int i = 0; i < n; i++) {
			struct fx_trace_rec *w = &l->rec[1 + i];

			if (span_is(ent[i], "..."))
				break;
			*w = *r;
			w->kind = FX_TR_WAITV_ENTRY;
			if (!waitv_entry(ent[i], &w->uaddr, &x, &y))
				return BAD("a waitv entry {val=V, uaddr=A, flags=F}", ent[i]);
			w->val = (uint32_t)x;
			w->op = (uint32_t)y;
			l->nrec++;
		}
		r->val = (uint32_t)l->nrec;
		if (na > 1 && !span_num(a[1], &x))
			return BAD("a count", a[1]);
		if (na > 1)
			r->val = (uint32_t)x;
		if (na > 2 && !flags(a[2], futex2_flags, false, &x))
			return BAD("flags", a[2]);
		r->op = na > 2 ? (uint32_t)x : 0;
		r->val2 = FX_TR_NO_TIMEOUT;
		if (na > 3 && !timeout(a[3], &r->val2))
			return BAD("a timeout", a[3]);
		if (na > 4 && !flags(a[4], futex2_flags, false, &x))
			return BAD("a clock id", a[4]);
		r->val3 = na > 4 ? (uint32_t)x : 0;
		break;
	}
	case SC_WAIT:	/* futex_wait(uaddr, val, mask, flags, timeout, clockid) */
		NEED(4);
		r->kind = FX_TR_FUTEX_WAIT;
		if (!span_num(a[0], &r->uaddr))
			return BAD("an address", a[0]);
		if (!span_num(a[1], &x))
			return BAD("a value", a[1]);
		r->val = (uint32_t)x;
		if (!flags(a[2], futex2_flags, false, &x))
			return BAD("a mask", a[2]);
		r->val3 = (uint32_t)x;
		if (!flags(a[3], futex2_flags, false, &x))
			return BAD("futex2 flags", a[3]);
		r->op = (uint32_t)x;
		r->val2 = FX_TR_NO_TIMEOUT;
		if (na > 4 && !timeout(a[4], &r->val2))
			return BAD("a timeout", a[4]);
		break;
	case SC_WAKE:	/* futex_wake(uaddr, mask, nr, flags) */
		NEED(4);
		r->kind = FX_TR_FUTEX_WAKE;
		if (!span_num(a[0], &r->uaddr))
			return BAD("an address", a[0]);
		if (!flags(a[1], futex2_flags, false, &x))
			return BAD("a mask", a[1]);
		r->val3 = (uint32_t)x;
		if (!span_num(a[2], &x))
			return BAD("a count", a[2]);
		r->val = (uint32_t)x;
		if (!flags(a[3], futex2_flags, false, &x))
			return BAD("futex2 flags", a[3]);
		r->op = (uint32_t)x;
		break;
	case SC_REQUEUE: {
		/* futex_requeue(waiters[2], flags, nr_wake, nr_requeue): the
		 * two waiters follow as waitv entries (source, target) */
		struct span w[2];

		NEED(4);
		r->kind = FX_TR_FUTEX_REQUEUE;
		a[0] = trim(a[0]);
		if (a[0].e - a[0].s < 2 || *a[0].s != '[' ||
		    split_args(a[0].s + 1, a[0].e - 1, w, 2) != 2)
			return BAD("two waiters [{val=V, uaddr=A, flags=F}, {...}]", a[0]);
		for (int i = 0; i < 2; i++) {
			struct fx_trace_rec *e2 = &l->rec[1 + i];

			*e2 = *r;
			e2->kind = FX_TR_WAITV_ENTRY;
			if (!waitv_entry(w[i], &e2->uaddr, &x, &y))
				return BAD("a waiter {val=V, uaddr=A, flags=F}", w[i]);
			e2->val = (uint32_t)x;
			e2->op = (uint32_t)y;
		}
		l->nrec = 2;
		if (!flags(a[1], futex2_flags, false, &x))
			return BAD("flags", a[1]);
		r->op = (uint32_t)x;
		if (!span_num(a[2], &x))
			return BAD("a count", a[2]);
		r->val = (uint32_t)x;
		if (!span_num(a[3], &r->val2))
			return BAD("a count", a[3]);
		break;
	}
	case SC_ROBUST:
		NEED(2);
		r->kind = FX_TR_SET_ROBUST;
		if (!span_num(a[0], &r->uaddr))
			return BAD("an address", a[0]);
		if (!span_num(a[1], &x))
			return BAD("a length", a[1]);
		r->val = (uint32_t)x;
		break;
	case SC_TIDADDR:
		NEED(1);
		r->kind = FX_TR_SET_TID_ADDR;
		if (!span_num(a[0], &r->uaddr))
			return BAD("an address", a[0]);
		break;
	case SC_CLONE:
	case SC_CLONE3: {
		struct span f, all = { s, e };

		r->kind = FX_TR_THREAD_NEW;
		x = 0;
		if (field(all, "flags=", &f) &&
		    !flags(f, clone_flags, true, &x))
			return BAD("clone flags", f);
		r->op = (uint32_t)x;	/* clone3's flags above bit 31 are lost */
		r->val = l->tid;
		break;
	}
	case SC_MMAP:	/* mmap(addr, len, prot, flags, fd, off) */
		NEED(4);
		if (!flags(a[3], mmap_names, true, &x))
			return BAD("mmap flags", a[3]);
		if ((x & 3) != 1 && (x & 3) != 3)
			return 0;			/* not shared: no record */
		NEED(6);
		r->kind = FX_TR_MAP;
		r->op = (uint32_t)x;
		if (!span_num(a[0], &r->uaddr))
			return BAD("an address", a[0]);
		if (!span_num(a[1], &r->val2))
			return BAD("a length", a[1]);
		if (!flags(a[2], mmap_names, true, &x))
			return BAD("protection", a[2]);
		r->val3 = (uint32_t)x;
		if (!span_num(a[4], &x))
			return BAD("a file descriptor", a[4]);
		/* the fd names no file here: inode stays 0 (unknown) */
		if (!span_num(a[5], &r->uaddr2))
			return BAD("an offset", a[5]);
		break;
	default:
		return 0;
	}
	l->nrec++;		/* the call's own record (waitv: before its entries) */
	return 0;
}

/*
 * ret_part - " = RET [ERRNO (text)] [<DUR>]" at s (just after the ')').
 */
static int ret_part(struct fx_strace *p, struct sline *l, const char *s,
		    const char *e)
{
	const char *lt;
	uint64_t v;

	s = skip_sp(s, e);
	if (s >= e || *s != '=')
		return fail(p, "expected '= RET' after %.*s(...)", NAMEF);
	s = skip_sp(s + 1, e);
	if (s < e && *s == '?') {
		l->ret = FX_TR_UNFINISHED;
		s = skip_sp(s + 1, e);
		if (s < e && *s == 'E') {
			const char *t = s;

			while (t < e && *t != ' ')
				t++;
			int en = fx_tr_errno(s, (size_t)(t - s));

			if (en)
				l->ret = -en;
			s = t;
		}
	} else {
		const char *t = s;

		while (t < e && *t != ' ')
			t++;
		if (!span_num((struct span){ s, t }, &v))
			return fail(p, "expected '= RET' after %.*s(...), found '= %.*s'",
				    NAMEF, (int)(t - s), s);
		l->ret = (int64_t)v;
		s = skip_sp(t, e);
		if (l->ret == -1 && s < e && *s == 'E') {
			t = s;
			while (t < e && *t != ' ')
				t++;
			int en = fx_tr_errno(s, (size_t)(t - s));

			if (!en)
				return fail(p, "expected an errno name after '= -1', found '%.*s'",
					    (int)(t - s), s);
			l->ret = -en;
			s = t;
		}
	}
	/* the duration is the last "<S.F>" */
	l->has_dur = false;
	lt = e;
	while (lt > s && lt[-1] != '<')
		lt--;
	if (lt > s && e > lt && e[-1] == '>' && is_digit(*lt)) {
		const char *t = lt;
		uint64_t sec, frac = 0;
		int nd = 0;

		if (!scan_dec(&t, e, &sec) || t >= e || *t != '.')
			return fail(p, "expected a duration <SECONDS.MICROS>");
		for (t++; t < e && is_digit(*t); t++, nd++)
			if (nd < 9)
				frac = frac * 10 + (uint64_t)(*t - '0');
		for (; nd < 9; nd++)
			frac *= 10;
		if (t != e - 1)
			return fail(p, "expected a duration <SECONDS.MICROS>");
		l->dur = sec * 1000000000ull + frac;
		l->has_dur = true;
	}
	return 0;
}

/* parse - one line into p->l; no state change */
static int parse(struct fx_strace *p, const char *s, const char *e)
{
	struct sline *l = &p->l;
	uint64_t v, sec, frac = 0;
	int nd = 0;

	l->nrec = 0;
	l->unfinished = false;
	l->has_dur = false;
	l->name = (struct span){ s, s };
	s = skip_sp(s, e);
	if (s == e) {
		l->type = L_BLANK;
		return 0;
	}
	if (starts(s, e, "strace: ")) {
		l->type = L_OTHER;
		return 0;
	}
	l->tid = p->main_tid;
	l->prefixed = false;
	if (starts(s, e, "[pid")) {
		l->prefixed = true;
		s = skip_sp(s + 4, e);
		if (!scan_dec(&s, e, &v) || s >= e || *s != ']')
			return fail(p, "expected '[pid N]'");
		l->tid = (uint32_t)v;
		s = skip_sp(s + 1, e);
	}
	if (!scan_dec(&s, e, &sec))
		return fail(p, "expected a pid or a -ttt timestamp (SECONDS.MICROS) at the start of the line");
	if (s < e && *s != '.') {
		l->prefixed = true;
		l->tid = (uint32_t)sec;
		s = skip_sp(s, e);
		if (!scan_dec(&s, e, &sec))
			return fail(p, "expected a -ttt timestamp (SECONDS.MICROS) after the pid");
	}
	if (s < e && *s == ':')
		return fail(p, "expected a -ttt timestamp (SECONDS.MICROS), found a clock time (capture with strace -ttt, not -t/-tt)");
	if (s >= e || *s != '.')
		return fail(p, "expected a -ttt timestamp (SECONDS.MICROS)");
	for (s++; s < e && is_digit(*s); s++, nd++)
		if (nd < 9)
			frac = frac * 10 + (uint64_t)(*s - '0');
	for (; nd < 9; nd++)
		frac *= 10;
	l->ts = sec * 1000000000ull + frac;
	if (s >= e || *s != ' ')
		return fail(p, "expected a space after the timestamp");
	s = skip_sp(s, e);
	if (starts(s, e, "---")) {
		l->type = L_SIGNAL;
		return 0;
	}
	if (starts(s, e, "+++")) {
		const char *t;

		l->type = L_EXIT;
		l->exit_val = l->exit_sig = 0;
		if (starts(s, e, "+++ exited with ")) {
			t = s + 16;
			if (!scan_dec(&t, e, &v))
				return fail(p, "expected '+++ exited with N +++'");
			l->exit_val = (uint32_t)v;
		} else if (starts(s, e, "+++ killed by ")) {
			s += 14;
			t = s;
			while (t < e && *t != ' ')
				t++;
			l->exit_sig = (uint32_t)signal_by_name(s, (size_t)(t - s));
			if (!l->exit_sig)
				return fail(p, "expected '+++ killed by SIGNAL +++'");
		} else {
			return fail(p, "expected '+++ exited with N +++' or '+++ killed by SIGNAL +++'");
		}
		return 0;
	}
	if (starts(s, e, "<... ")) {
		const char *n = s + 5, *t = n;

		while (t < e && *t != ' ' && *t != '>')
			t++;
		l->name = (struct span){ n, t };
		if (!starts(t, e, " resumed>"))
			return fail(p, "expected '<... NAME resumed>'");
		l->type = L_RESUME;
		l->sc = syscall_of(n, (size_t)(t - n));
		{
			struct thr *th = thr_find(p, l->tid);

			if (th && th->pending && th->pend_sc != l->sc)
				return fail(p, "expected '<... %s resumed>' for the call in flight, found '<... %.*s resumed>'",
					    sc_name(th->pend_sc), NAMEF);
		}
		if (l->sc == SC_OTHER)
			return 0;	/* not ours: the rest is not parsed */
		t += 9;
		s = close_paren(t, e);
		if (!s) {
			/* resumed and interrupted again */
			if (e - t >= 16 && !memcmp(e - 16, "<unfinished ...>", 16))
				return fail(p, "expected ') = RET' after '<... %.*s resumed>' (nested <unfinished ...> is not supported)", NAMEF);
			return fail(p, "expected ') = RET' after '<... %.*s resumed>'", NAMEF);
		}
		return ret_part(p, l, s + 1, e);
	}
	/* NAME(ARGS) = RET ... or NAME(ARGS <unfinished ...> */
	{
		const char *n = s;

		while (s < e && ((*s >= 'a' && *s <= 'z') || is_digit(*s) ||
				 *s == '_'))
			s++;
		if (s == n || s >= e || *s != '(')
			return fail(p, "expected a system call NAME(...), '<... NAME resumed>', '--- SIGNAL' or '+++ exited'");
		l->name = (struct span){ n, s };
		l->sc = syscall_of(n, (size_t)(s - n));
		l->type = L_CALL;
		s++;
	}
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e - s >= 16 && !memcmp(e - 16, "<unfinished ...>", 16)) {
		l->unfinished = true;
		l->ret = FX_TR_UNFINISHED;
		return build(p, l, s, e - 16);
	}
	{
		const char *cp = close_paren(s, e);
		int rc;

		if (!cp)
			return fail(p, "expected ')' closing %.*s(...)", NAMEF);
		if (l->sc == SC_OTHER)
			return 0;	/* not ours: the rest is not parsed */
		rc = ret_part(p, l, cp + 1, e);
		if (rc)
			return rc;
		return build(p, l, s, cp);
	}
}

/* ---- threads: open addressing on tid, backward-shift deletion ---- */

static inline size_t thr_hash(uint32_t tid, size_t cap)
{
	return (size_t)((tid * 0x9e3779b1u) & (cap - 1));
}

static struct thr *thr_find(struct fx_strace *p, uint32_t tid)
{
	for (size_t i = thr_hash(tid, p->thr_cap);; i = (i + 1) & (p->thr_cap - 1)) {
		if (!p->thr[i].used)
			return NULL;
		if (p->thr[i].tid == tid)
			return &p->thr[i];
	}
}

static struct thr *thr_get(struct fx_strace *p, uint32_t tid)
{
	struct thr *t = thr_find(p, tid);
	size_t i;

	if (t)
		return t;
	if ((p->thr_used + 1) * 2 > p->thr_cap) {
		struct thr *old = p->thr, *nt;
		size_t oc = p->thr_cap;

		nt = calloc(oc * 2, sizeof(*nt));
		if (!nt)
			return NULL;
		p->thr = nt;
		p->thr_cap = oc * 2;
		for (size_t j = 0; j < oc; j++) {
			if (!old[j].used)
				continue;
			for (i = thr_hash(old[j].tid, p->thr_cap); nt[i].used;
			     i = (i + 1) & (p->thr_cap - 1))
				;
			nt[i] = old[j];
		}
		free(old);
	}
	for (i = thr_hash(tid, p->thr_cap); p->thr[i].used;
	     i = (i + 1) & (p->thr_cap - 1))
		;
	memset(&p->thr[i], 0, sizeof(p->thr[i]));
	p->thr[i].used = true;
	p->thr[i].tid = tid;
	p->thr[i].pid = tid;
	p->thr_used++;
	return &p->thr[i];
}

static void thr_del(struct fx_strace *p, struct thr *t)
{
	size_t mask = p->thr_cap - 1, i = (size_t)(t - p->thr), j = i;

	p->thr[i].used = false;
	p->thr_used--;
	for (;;) {
		size_t k;

		j = (j + 1) & mask;
		if (!p->thr[j].used)
			return;
		k = thr_hash(p->thr[j].tid, p->thr_cap);
		/* move j back to i unless its home lies in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			p->thr[i] = p->thr[j];
			p->thr[j].used = false;
			i = j;
		}
	}
}

/* ---- the reorder window ---- */

static int out(struct fx_strace *p, struct fx_trace_rec *r)
{
	if (r->ret == FX_TR_UNFINISHED && r->kind != FX_TR_WAITV_ENTRY &&
	    r->kind != FX_TR_THREAD_EXIT)
		p->st.never_finished++;
	r->t_ns = r->t_ns >= p->st.epoch_ns ? r->t_ns - p->st.epoch_ns : 0;
	p->st.records++;
	return p->emit(p->ctx, r);
}

static int flush(struct fx_strace *p)
{
	while (p->head < p->tail) {
		struct slot *sl = &p->ring[p->head & (p->cap - 1)];
		int rc;

		if (sl->state == S_PENDING)
			return 0;
		p->head++;
		if (sl->state == S_FILLED && (rc = out(p, &sl->rec)))
			return rc;
	}
	return 0;
}

/* evict - the head is a call in flight: it leaves unfinished */
static int evict(struct fx_strace *p)
{
	struct slot *sl = &p->ring[p->head & (p->cap - 1)];
	struct thr *t = thr_find(p, sl->owner);

	if (t && t->pending && t->pend_seq == p->head) {
		t->pending = false;
		t->evicted = true;
	}
	sl->state = S_FILLED;
	sl->rec.ret = FX_TR_UNFINISHED;
	p->st.evicted++;
	return flush(p);
}

/* reserve - n slots at the tail; returns their first position */
static int reserve(struct fx_strace *p, int n, uint64_t *seq)
{
	int rc;

	while (p->tail - p->head + (uint64_t)n > p->cap)
		if ((rc = evict(p)))
			return rc;
	*seq = p->tail;
	p->tail += (uint64_t)n;
	return 0;
}

/* complete - a call's ret and duration are known */
static void complete(struct fx_strace *p, struct fx_trace_rec *r, int nrec,
		     int64_t ret, uint64_t dur, uint64_t seq, bool in_ring)
{
	r->ret = ret;
	r->dur_ns = dur;
	if (r->kind == FX_TR_THREAD_NEW && ret > 0) {
		uint32_t parent_pid = r->pid, child = (uint32_t)ret;
		struct thr *t = thr_get(p, child);

		r->tid = child;
		r->pid = (r->op & CLONE_THREAD_BIT) ? parent_pid : child;
		if (t && t->pid != r->pid) {
			t->pid = r->pid;
			/* the child's lines before the clone returned */
			if (in_ring)
				for (uint64_t q = seq + 1; q < p->tail; q++) {
					struct slot *sl = &p->ring[q & (p->cap - 1)];

					if (sl->rec.tid == child)
						sl->rec.pid = r->pid;
				}
		}
	} else if (r->kind == FX_TR_MAP) {
		if (ret < 0 && ret != FX_TR_UNFINISHED)
			r->kind = 0;			/* failed: no mapping */
		else if (ret != FX_TR_UNFINISHED)
			r->uaddr = (uint64_t)ret;
	}
	if (r->kind == FX_TR_THREAD_NEW && ret < 0 && ret != FX_TR_UNFINISHED)
		r->kind = 0;				/* failed clone */
	(void)nrec;
}

static int finish_pending(struct fx_strace *p, struct thr *t)
{
	if (t->pending && t->pend_n) {
		struct slot *sl = &p->ring[t->pend_seq & (p->cap - 1)];

		sl->state = S_FILLED;
	}
	t->pending = false;
	return 0;
}

static int apply(struct fx_strace *p)
{
	struct sline *l = &p->l;
	struct thr *t;
	uint64_t seq;
	int rc;

	if (l->type == L_BLANK) {
		p->st.blank++;
		return 0;
	}
	if (l->type == L_OTHER) {
		p->st.other++;
		return 0;
	}
	/* the epoch is the entry time of the first record */
	if (!p->st.have_epoch &&
	    (l->type == L_EXIT || (l->type == L_CALL && l->nrec))) {
		p->st.have_epoch = true;
		p->st.epoch_ns = l->ts;
	}
	switch (l->type) {
	case L_SIGNAL:
		p->st.signals++;
		return 0;
	case L_EXIT: {
		struct fx_trace_rec r = { 0 };

		p->st.exits++;
		t = thr_find(p, l->tid);
		r.t_ns = l->ts;
		r.pid = t ? t->pid : l->tid;
		r.tid = l->tid;
		r.cpu = FX_TR_NO_CPU;
		r.kind = FX_TR_THREAD_EXIT;
		/* ret: the exit status; killed: unknown, the signal in val3 */
		r.ret = l->exit_sig ? FX_TR_UNFINISHED : (int64_t)l->exit_val;
		r.val3 = l->exit_sig;
		if (t) {
			finish_pending(p, t);
			thr_del(p, t);
		}
		if ((rc = reserve(p, 1, &seq)))
			return rc;
		p->ring[seq & (p->cap - 1)] = (struct slot){ r, l->tid, S_FILLED };
		return flush(p);
	}
	case L_RESUME:
		p->st.resumes++;
		t = thr_find(p, l->tid);
		if (t && t->evicted) {
			t->evicted = false;
			return 0;
		}
		if (!t || !t->pending) {
			p->st.orphan_resumes++;
			return 0;
		}
		t->pending = false;
		if (t->pend_n) {
			struct slot *sl = &p->ring[t->pend_seq & (p->cap - 1)];
			uint64_t dur = l->has_dur ? l->dur :
				       (l->ts > t->pend_ts ? l->ts - t->pend_ts : 0);

			complete(p, &sl->rec, t->pend_n, l->ret, dur,
				 t->pend_seq, true);
			sl->state = sl->rec.kind ? S_FILLED : S_DROPPED;
			/* a failed waitv/clone keeps its entries */
			return flush(p);
		}
		return 0;
	case L_CALL:
		p->st.calls++;
		t = thr_get(p, l->tid);
		if (!t)
			return -ENOMEM;
		if (t->pending)		/* its resumed line never came */
			finish_pending(p, t);
		t->evicted = false;
		if (l->unfinished) {
			t->pending = true;
			t->pend_sc = (uint8_t)l->sc;
			t->pend_n = (uint16_t)l->nrec;
			t->pend_ts = l->ts;
			if (!l->nrec)
				return 0;
			if ((rc = reserve(p, l->nrec, &seq)))
				return rc;
			t->pend_seq = seq;
			for (int i = 0; i < l->nrec; i++) {
				struct slot *sl = &p->ring[(seq + (uint64_t)i) & (p->cap - 1)];

				sl->rec = l->rec[i];
				sl->rec.ret = i ? 0 : FX_TR_UNFINISHED;
				sl->owner = l->tid;
				sl->state = i ? S_FILLED : S_PENDING;
			}
			return 0;
		}
		if (!l->nrec)
			return 0;
		if (l->sc == SC_TIDADDR && !l->prefixed && !p->main_tid_set &&
		    l->ret > 0 && l->ret <= UINT32_MAX) {
			/* the unprefixed thread's own tid: use it from here on */
			p->main_tid_set = true;
			p->main_tid = (uint32_t)l->ret;
			thr_del(p, t);
			t = thr_get(p, p->main_tid);
			if (!t)
				return -ENOMEM;
			l->rec[0].tid = l->rec[0].pid = p->main_tid;
		}
		complete(p, &l->rec[0], l->nrec, l->ret,
			 l->has_dur ? l->dur : 0, 0, false);
		if (!l->rec[0].kind)
			return 0;
		if (p->head == p->tail) {	/* fast path: nothing held */
			for (int i = 0; i < l->nrec; i++)
				if ((rc = out(p, &l->rec[i])))
					return rc;
			return 0;
		}
		if ((rc = reserve(p, l->nrec, &seq)))
			return rc;
		for (int i = 0; i < l->nrec; i++)
			p->ring[(seq + (uint64_t)i) & (p->cap - 1)] =
				(struct slot){ l->rec[i], l->tid, S_FILLED };
		return flush(p);
	default:
		return 0;
	}
}

/* ---- API ---- */

struct fx_strace *fx_strace_new(const char *name, size_t window,
				fx_strace_emit_fn emit, void *ctx)
{
	struct fx_strace *p = calloc(1, sizeof(*p));
	uint64_t cap = 256;

	if (!p)
		return NULL;
	if (!window)
		window = FX_STRACE_WINDOW;
	while (cap < window)
		cap <<= 1;
	p->name = name;
	p->emit = emit;
	p->ctx = ctx;
	p->cap = cap;
	p->ring = calloc(cap, sizeof(*p->ring));
	p->thr_cap = 64;
	p->thr = calloc(p->thr_cap, sizeof(*p->thr));
	if (!p->ring || !p->thr) {
		fx_strace_free(p);
		return NULL;
	}
	return p;
}

void fx_strace_set_main_tid(struct fx_strace *p, uint32_t tid)
{
	p->main_tid = tid;
	p->main_tid_set = true;
}

/* keep [s, e) to put before the next line */
static int carry(struct fx_strace *p, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (p->carry_len + n > p->carry_cap) {
		size_t cap = (p->carry_len + n) * 2 + 256;
		char *c = realloc(p->carry, cap);

		if (!c)
			return -ENOMEM;
		p->carry = c;
		p->carry_cap = cap;
	}
	memcpy(p->carry + p->carry_len, s, n);
	p->carry_len += n;
	return 0;
}

int fx_strace_feed(struct fx_strace *p, const char *line, size_t len,
		   char *err, size_t errlen)
{
	const char *e = line + len;
	int rc;

	if (e > line && e[-1] == '\n')
		e--;
	if (e > line && e[-1] == '\r')
		e--;
	p->st.lines++;
	/*
	 * strace -f writing to stderr cuts a line with its note "strace:
	 * Process N attached"; the line goes on on the next one.
	 */
	if (e - line > 8 && memcmp(line, "strace: ", 8)) {
		const char *note = memmem(line, (size_t)(e - line),
					  "strace: Process ", 16);

		if (note) {
			p->st.other++;
			return carry(p, line, note);
		}
	}
	if (p->carry_len) {
		if ((rc = carry(p, line, e)))
			return rc;
		line = p->carry;
		e = p->carry + p->carry_len;
		p->carry_len = 0;
	}
	rc = parse(p, line, e);
	if (rc) {
		p->st.bad++;
		snprintf(err, errlen, "%s:%llu: %s", p->name,
			 (unsigned long long)p->st.lines, p->msg);
		if (!p->st.first_bad_line) {
			p->st.first_bad_line = p->st.lines;
			snprintf(p->st.first_bad, sizeof(p->st.first_bad),
				 "%s", err);
		}
		return rc;
	}
	return apply(p);
}

int fx_strace_finish(struct fx_strace *p)
{
	for (size_t i = 0; i < p->thr_cap; i++)
		if (p->thr[i].used)
			finish_pending(p, &p->thr[i]);
	return flush(p);
}

static int strace_feed(void *p, const char *line, size_t len, char *err,
		       size_t errlen)
{
	return fx_strace_feed(p, line, len, err, errlen);
}

int fx_strace_run(struct fx_strace *p, FILE *in, bool skip_bad, char *err,
		  size_t errlen)
{
	int rc;

	rc = fx_tr_run_lines(in, p->name, skip_bad, strace_feed, p, err, errlen);
	if (!rc)
		rc = fx_strace_finish(p);
	return rc;
}

const struct fx_strace_stats *fx_strace_stats(const struct fx_strace *p)
{
	return &p->st;
}

void fx_strace_free(struct fx_strace *p)
{
	if (!p)
		return;
	free(p->ring);
	free(p->thr);
	free(p->carry);
	free(p);
}
