// SPDX-License-Identifier: MIT
/*
 * parse.c - the scenario text format (docs/conform-format.md): parser,
 * printer, and the small scenario helpers the generator shares.
 *
 * One declaration or step per line; '#' starts a comment.  Every error
 * names file:line, the offending token and what was expected, and the
 * scenario is never left half-filled on error (the caller frees it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "futex.h"

#define MAX_TOKENS	256
#define PAGE_BYTES	4096u

/* ---- symbol tables ---- */

struct sym {
	const char *name;
	long val;
};

static const struct sym errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH },
	{ "EINTR", EINTR }, { "EIO", EIO }, { "E2BIG", E2BIG },
	{ "EAGAIN", EAGAIN }, { "EWOULDBLOCK", EWOULDBLOCK },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "EINVAL", EINVAL },
	{ "ERANGE", ERANGE }, { "EDEADLK", EDEADLK }, { "ENOSYS", ENOSYS },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EOWNERDEAD", EOWNERDEAD },
	{ "ENOTRECOVERABLE", ENOTRECOVERABLE },
	{ "ERESTARTSYS", FX_ERESTARTSYS },
	{ "ERESTARTNOINTR", FX_ERESTARTNOINTR },
	{ NULL, 0 }
};

static const struct sym futex_ops[] = {
	{ "WAIT", FX_OP_WAIT }, { "WAKE", FX_OP_WAKE }, { "FD", FX_OP_FD },
	{ "REQUEUE", FX_OP_REQUEUE }, { "CMP_REQUEUE", FX_OP_CMP_REQUEUE },
	{ "WAKE_OP", FX_OP_WAKE_OP }, { "LOCK_PI", FX_OP_LOCK_PI },
	{ "UNLOCK_PI", FX_OP_UNLOCK_PI }, { "TRYLOCK_PI", FX_OP_TRYLOCK_PI },
	{ "WAIT_BITSET", FX_OP_WAIT_BITSET },
	{ "WAKE_BITSET", FX_OP_WAKE_BITSET },
	{ "WAIT_REQUEUE_PI", FX_OP_WAIT_REQUEUE_PI },
	{ "CMP_REQUEUE_PI", FX_OP_CMP_REQUEUE_PI },
	{ "LOCK_PI2", FX_OP_LOCK_PI2 },
	{ NULL, 0 }
};

static const struct sym wop_ops[] = {
	{ "SET", FX_WOP_SET }, { "ADD", FX_WOP_ADD }, { "OR", FX_WOP_OR },
	{ "ANDN", FX_WOP_ANDN }, { "XOR", FX_WOP_XOR }, { NULL, 0 }
};

static const struct sym wop_cmps[] = {
	{ "EQ", FX_WOP_CMP_EQ }, { "NE", FX_WOP_CMP_NE },
	{ "LT", FX_WOP_CMP_LT }, { "LE", FX_WOP_CMP_LE },
	{ "GT", FX_WOP_CMP_GT }, { "GE", FX_WOP_CMP_GE }, { NULL, 0 }
};

static const char *const features[] = {
	"futex2", "numa", "mpol", "privhash", "pi", "rt", NULL
};

static const char *const map_kinds[] = {
	[FXC_MAP_ANON_PRIVATE] = "anon-private",
	[FXC_MAP_ANON_SHARED] = "anon-shared",
	[FXC_MAP_FILE_SHARED] = "file-shared",
	[FXC_MAP_FILE_PRIVATE] = "file-private",
};

static const struct sym *sym_find(const struct sym *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static const char *sym_name(const struct sym *t, long val)
{
	for (; t->name; t++)
		if (t->val == val)
			return t->name;
	return NULL;
}

const char *fxc_errno_name(int err)
{
	if (err == EWOULDBLOCK)
		return "EAGAIN";
	return sym_name(errnos, err);
}

void fxc_format_ret(long ret, char *buf, size_t len)
{
	const char *n = ret < 0 ? fxc_errno_name((int)-ret) : NULL;

	if (n)
		snprintf(buf, len, "-%s", n);
	else
		snprintf(buf, len, "%ld", ret);
}

/* ---- scenario helpers ---- */

void fxc_scenario_init(struct fxc_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->nprocs = 1;
	snprintf(sc->procs[0], FXC_NAME_MAX, "P1");
}

void fxc_scenario_free(struct fxc_scenario *sc)
{
	free(sc->steps);
	sc->steps = NULL;
	sc->nsteps = sc->cap_steps = 0;
}

int fxc_scenario_copy(struct fxc_scenario *dst, const struct fxc_scenario *src)
{
	*dst = *src;
	dst->steps = NULL;
	dst->cap_steps = 0;
	if (src->nsteps) {
		dst->steps = malloc(sizeof(*dst->steps) * src->nsteps);
		if (!dst->steps) {
			dst->nsteps = 0;
			return -ENOMEM;
		}
		memcpy(dst->steps, src->steps, sizeof(*dst->steps) * src->nsteps);
		dst->cap_steps = src->nsteps;
	}
	return 0;
}

void fxc_step_init(struct fxc_step *s)
{
	memset(s, 0, sizeof(*s));
	s->thread = -1;
	s->addr.futex = -1;
	s->addr2.futex = -1;
	s->robust.pending = -1;
	s->robust.len = FX_ROBUST_LIST_HEAD_LEN;
	s->pid_thread = FXC_PID_SELF;
	s->clockid = FX_CLOCK_MONOTONIC_ID;
	s->map = -1;
}

struct fxc_step *fxc_scenario_add_step(struct fxc_scenario *sc)
{
	struct fxc_step *s;

	if (sc->nsteps == sc->cap_steps) {
		int cap = sc->cap_steps ? sc->cap_steps * 2 : 16;

		s = realloc(sc->steps, sizeof(*s) * cap);
		if (!s)
			return NULL;
		sc->steps = s;
		sc->cap_steps = cap;
	}
	s = &sc->steps[sc->nsteps++];
	fxc_step_init(s);
	return s;
}

bool fxc_scenario_requires(const struct fxc_scenario *sc, const char *feature)
{
	size_t n = strlen(feature);
	const char *p = sc->requires;

	while ((p = strstr(p, feature))) {
		if ((p == sc->requires || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* ---- the parser ---- */

struct pctx {
	struct fxc_scenario *sc;
	const char *file;
	int line;
	char *err;
	size_t errlen;
	char *tok[MAX_TOKENS];
	int ntok;
	bool in_steps;
	bool named;
};

static int perr(struct pctx *p, const char *tok, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (tok)
		snprintf(p->err, p->errlen, "%s:%d: unexpected '%s': expected %s",
			 p->file, p->line, tok, what);
	else
		snprintf(p->err, p->errlen, "%s:%d: missing token: expected %s",
			 p->file, p->line, what);
	return -EINVAL;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= FXC_NAME_MAX ||
	    !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static int find_proc(const struct fxc_scenario *sc, const char *n)
{
	for (int i = 0; i < sc->nprocs; i++)
		if (!strcmp(sc->procs[i], n))
			return i;
	return -1;
}

static int find_map(const struct fxc_scenario *sc, const char *n)
{
	for (int i = 0; i < sc->nmaps; i++)
		if (!strcmp(sc->maps[i].name, n))
			return i;
	return -1;
}

static int find_futex(const struct fxc_scenario *sc, const char *n)
{
	for (int i = 0; i < sc->nfutexes; i++)
		if (!strcmp(sc->futexes[i].name, n))
			return i;
	return -1;
}

static int find_thread(const struct fxc_scenario *sc, const char *n)
{
	for (int i = 0; i < sc->nthreads; i++)
		if (!strcmp(sc->threads[i].name, n))
			return i;
	return -1;
}

static const char *const keywords[] = {
	"scenario", "requires", "process", "map", "futex", "thread",
	"mprotect", "null", "unmapped", "protnone", "WAITERS", "OWNER_DIED",
	"MATCH_ANY", NULL
};

static int new_name(struct pctx *p, const char *n, char *dst)
{
	const struct fxc_scenario *sc = p->sc;

	if (!n)
		return perr(p, NULL, "a name");
	if (!valid_name(n))
		return perr(p, n, "a name (letter, then letters/digits/_; < %d chars)",
			    FXC_NAME_MAX);
	for (int i = 0; keywords[i]; i++)
		if (!strcmp(keywords[i], n))
			return perr(p, n, "a name that is not a keyword");
	if (find_proc(sc, n) >= 0 || find_map(sc, n) >= 0 ||
	    find_futex(sc, n) >= 0 || find_thread(sc, n) >= 0)
		return perr(p, n, "a name not declared before");
	snprintf(dst, FXC_NAME_MAX, "%s", n);
	return 0;
}

static bool parse_i64(const char *s, int64_t *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	if (s[0] == '-') {
		long long v = strtoll(s, &end, 0);

		if (errno || *end)
			return false;
		*out = v;
	} else {
		unsigned long long v = strtoull(s, &end, 0);

		if (errno || *end || s[0] == '+')
			return false;
		*out = (int64_t)v;
	}
	return true;
}

static int parse_num(struct pctx *p, const char *s, int64_t *out,
		     const char *what)
{
	if (!s)
		return perr(p, NULL, "%s", what);
	if (!parse_i64(s, out))
		return perr(p, s, "%s", what);
	return 0;
}

static int parse_int(struct pctx *p, const char *s, int *out, long lo,
		     long hi, const char *what)
{
	int64_t v;
	int ret = parse_num(p, s, &v, what);

	if (ret)
		return ret;
	if (v < lo || v > hi)
		return perr(p, s, "%s in [%ld, %ld]", what, lo, hi);
	*out = (int)v;
	return 0;
}

/*
 * A value expression: items joined by '|': numbers, WAITERS, OWNER_DIED,
 * MATCH_ANY, or a thread name (its canonical TID).
 */
static int parse_value(struct pctx *p, const char *s, uint64_t *out)
{
	char buf[128], *save = NULL, *it;
	uint64_t v = 0;

	if (!s || !*s)
		return perr(p, NULL, "a value");
	if (s[0] == '-') {
		int64_t n;

		if (!parse_i64(s, &n))
			return perr(p, s, "a value");
		*out = (uint64_t)n;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (it = strtok_r(buf, "|", &save); it; it = strtok_r(NULL, "|", &save)) {
		int64_t n;
		int t;

		if (!strcmp(it, "WAITERS") || !strcmp(it, "FUTEX_WAITERS"))
			v |= FX_WAITERS;
		else if (!strcmp(it, "OWNER_DIED") ||
			 !strcmp(it, "FUTEX_OWNER_DIED"))
			v |= FX_OWNER_DIED;
		else if (!strcmp(it, "MATCH_ANY"))
			v |= FX_BITSET_MATCH_ANY;
		else if ((t = find_thread(p->sc, it)) >= 0)
			v |= FXC_TID_BASE + t;
		else if (parse_i64(it, &n) && n >= 0)
			v |= (uint64_t)n;
		else
			return perr(p, s, "a value: number, WAITERS, OWNER_DIED, MATCH_ANY or a thread name, joined by '|'");
	}
	if (s[0] == '|' || s[strlen(s) - 1] == '|' || strstr(s, "||"))
		return perr(p, s, "a value without empty '|' items");
	*out = v;
	return 0;
}

static int parse_u32val(struct pctx *p, const char *s, uint64_t *out)
{
	return parse_value(p, s, out);
}

static int parse_addr(struct pctx *p, const char *s, struct fxc_addr *a)
{
	char name[FXC_NAME_MAX + 1];
	const char *d;
	size_t n;
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->futex = -1;
	if (!s)
		return perr(p, NULL, "an address");
	if (!strcmp(s, "null"))
		return 0;
	if (!strncmp(s, "unmapped", 8) || !strncmp(s, "protnone", 8)) {
		a->raw = s[0] == 'u' ? FXC_RAW_UNMAPPED : FXC_RAW_PROT_NONE;
		if (!s[8])
			return 0;
		if ((s[8] != '+' && s[8] != '-') || !parse_i64(s + 9, &v) ||
		    v < 0 || v > 0x7fffffff)
			return perr(p, s, "an address: unmapped[+-N] or protnone[+-N]");
		a->delta = (int32_t)(s[8] == '-' ? -v : v);
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		if (!parse_i64(s, &v) || v == FXC_RAW_UNMAPPED ||
		    v == FXC_RAW_PROT_NONE)
			return perr(p, s, "an address: FUTEX[+-N], null, unmapped, protnone or a literal address");
		a->raw = (uint64_t)v;
		return 0;
	}
	d = strpbrk(s, "+-");
	n = d ? (size_t)(d - s) : strlen(s);
	if (n > FXC_NAME_MAX)
		return perr(p, s, "an address: FUTEX[+-N]");
	memcpy(name, s, n);
	name[n] = '\0';
	a->futex = find_futex(p->sc, name);
	if (a->futex < 0)
		return perr(p, s, "an address: a declared futex[+-N], null, unmapped, protnone or a literal address");
	if (d) {
		if (!parse_i64(d + 1, &v) || v < 0 || v > 0x7fffffff)
			return perr(p, s, "an address: FUTEX+N or FUTEX-N with a byte count N");
		a->delta = (int32_t)(d[0] == '-' ? -v : v);
	}
	return 0;
}

static int parse_prot(struct pctx *p, const char *s, int *prot)
{
	if (!s)
		return perr(p, NULL, "a protection (none, r, w, rw)");
	if (!strcmp(s, "none"))
		*prot = FX_PROT_NONE;
	else if (!strcmp(s, "r"))
		*prot = FX_PROT_READ;
	else if (!strcmp(s, "w"))
		*prot = FX_PROT_WRITE;
	else if (!strcmp(s, "rw"))
		*prot = FX_PROT_READ | FX_PROT_WRITE;
	else
		return perr(p, s, "a protection (none, r, w, rw)");
	return 0;
}

static const char *prot_name(int prot)
{
	switch (prot & (FX_PROT_READ | FX_PROT_WRITE)) {
	case FX_PROT_READ: return "r";
	case FX_PROT_WRITE: return "w";
	case FX_PROT_READ | FX_PROT_WRITE: return "rw";
	default: return "none";
	}
}

/* FUTEX_WAIT|PRIVATE, WAIT_PRIVATE, FUTEX_WAKE|FUTEX_PRIVATE_FLAG, 0x80... */
static int parse_op(struct pctx *p, const char *s, int *op)
{
	char buf[128], *save = NULL, *it;
	int v = 0, ncmd = 0;

	if (!s)
		return perr(p, NULL, "a futex op");
	snprintf(buf, sizeof(buf), "%s", s);
	for (it = strtok_r(buf, "|", &save); it; it = strtok_r(NULL, "|", &save)) {
		char name[64];
		const struct sym *o;
		size_t n;
		int64_t num;

		if (!strncmp(it, "FUTEX_", 6))
			it += 6;
		snprintf(name, sizeof(name), "%s", it);
		if (!strcmp(name, "PRIVATE") || !strcmp(name, "PRIVATE_FLAG")) {
			v |= FX_PRIVATE_FLAG;
			continue;
		}
		if (!strcmp(name, "CLOCK_REALTIME") || !strcmp(name, "REALTIME")) {
			v |= FX_CLOCK_REALTIME;
			continue;
		}
		if (parse_i64(name, &num) && num >= 0 && num <= 0x7fffffff) {
			v |= (int)num;
			ncmd++;
			continue;
		}
		n = strlen(name);
		if (n > 8 && !strcmp(name + n - 8, "_PRIVATE")) {
			name[n - 8] = '\0';
			v |= FX_PRIVATE_FLAG;
		}
		o = sym_find(futex_ops, name);
		if (!o)
			return perr(p, s, "a futex op (FUTEX_WAIT, FUTEX_WAKE_OP, ... or a number) with optional |PRIVATE|CLOCK_REALTIME");
		v |= (int)o->val;
		ncmd++;
	}
	if (ncmd != 1)
		return perr(p, s, "exactly one futex op in the expression");
	*op = v;
	return 0;
}

/* futex2 flags: u8 u16 u32 u64 numa mpol private shared, or a number. */
static int parse_flags2(struct pctx *p, const char *s, uint32_t *out)
{
	char buf[128], *save = NULL, *it;
	uint32_t v = 0;
	bool size = false, num = false;

	if (!s || !*s)
		return perr(p, NULL, "futex2 flags");
	snprintf(buf, sizeof(buf), "%s", s);
	for (it = strtok_r(buf, "|", &save); it; it = strtok_r(NULL, "|", &save)) {
		int64_t n;

		if (!strncmp(it, "FUTEX2_", 7))
			it += 7;
		if (!strncmp(it, "SIZE_", 5))
			it += 5;
		if (!strcasecmp(it, "u8"))
			size = true;
		else if (!strcasecmp(it, "u16"))
			v |= FX2_SIZE_U16, size = true;
		else if (!strcasecmp(it, "u32"))
			v |= FX2_SIZE_U32, size = true;
		else if (!strcasecmp(it, "u64"))
			v |= FX2_SIZE_U64, size = true;
		else if (!strcasecmp(it, "numa"))
			v |= FX2_NUMA;
		else if (!strcasecmp(it, "mpol"))
			v |= FX2_MPOL;
		else if (!strcasecmp(it, "private"))
			v |= FX2_PRIVATE;
		else if (!strcasecmp(it, "shared"))
			;
		else if (parse_i64(it, &n) && n >= 0 && n <= 0xffffffffLL)
			v |= (uint32_t)n, num = true;
		else
			return perr(p, s, "futex2 flags: U8/U16/U32/U64, NUMA, MPOL, PRIVATE, shared or a number, joined by '|'");
	}
	if (!size && !num)
		v |= FX2_SIZE_U32;
	*out = v;
	return 0;
}

static int parse_timeout(struct pctx *p, const char *s, struct fxc_timeout *to)
{
	const char *c;

	memset(to, 0, sizeof(*to));
	if (!strcmp(s, "none"))
		to->kind = FXC_TO_NONE;
	else if (!strcmp(s, "expire"))
		to->kind = FXC_TO_EXPIRE;
	else if (!strcmp(s, "past"))
		to->kind = FXC_TO_PAST;
	else if (!strcmp(s, "fault"))
		to->kind = FXC_TO_FAULT;
	else if ((c = strchr(s, ','))) {
		char a[64];

		snprintf(a, sizeof(a), "%.*s", (int)(c - s), s);
		to->kind = FXC_TO_RAW;
		if (!parse_i64(a, &to->sec) || !parse_i64(c + 1, &to->nsec))
			return perr(p, s, "a timeout: none, expire, past, fault or SEC,NSEC");
	} else {
		return perr(p, s, "a timeout: none, expire, past, fault or SEC,NSEC");
	}
	return 0;
}

static int parse_clock(struct pctx *p, const char *s, int *clk)
{
	if (!strcmp(s, "realtime"))
		*clk = FX_CLOCK_REALTIME_ID;
	else if (!strcmp(s, "monotonic"))
		*clk = FX_CLOCK_MONOTONIC_ID;
	else
		return parse_int(p, s, clk, -0x7fffffffL, 0x7fffffffL,
				 "a clock: realtime, monotonic or a number");
	return 0;
}

/* SET:1:EQ:0, ADD|SHIFT:3:GT:1, or numeric op/cmp codes */
static int parse_wakeop(struct pctx *p, const char *s, uint64_t *out)
{
	char buf[128], *f[4], *save = NULL;
	int64_t op = 0, oparg, cmp, cmparg;
	int n = 0;
	bool shift = false;
	const struct sym *y;
	char *pipe;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *it = strtok_r(buf, ":", &save); it;
	     it = strtok_r(NULL, ":", &save)) {
		if (n == 4)
			goto bad;
		f[n++] = it;
	}
	if (n != 4)
		goto bad;
	pipe = strchr(f[0], '|');
	if (pipe) {
		if (strcmp(pipe + 1, "SHIFT") && strcmp(pipe + 1, "OPARG_SHIFT"))
			goto bad;
		*pipe = '\0';
		shift = true;
	}
	if ((y = sym_find(wop_ops, f[0])))
		op = y->val;
	else if (!parse_i64(f[0], &op) || op < 0 || op > 15)
		goto bad;
	if (shift)
		op |= FX_WOP_OPARG_SHIFT;
	if ((y = sym_find(wop_cmps, f[2])))
		cmp = y->val;
	else if (!parse_i64(f[2], &cmp) || cmp < 0 || cmp > 15)
		goto bad;
	if (!parse_i64(f[1], &oparg) || !parse_i64(f[3], &cmparg) ||
	    oparg < -2048 || oparg > 4095 || cmparg < -2048 || cmparg > 4095)
		goto bad;
	*out = FX_OP(op, oparg, cmp, cmparg);
	return 0;
bad:
	return perr(p, s, "a wake_op encoding OP[|SHIFT]:OPARG:CMP:CMPARG (OP SET/ADD/OR/ANDN/XOR or 0..15, CMP EQ/NE/LT/LE/GT/GE or 0..15, args 12-bit)");
}

/* ADDR:VAL[:FLAGS[:RESERVED]] */
static int parse_waitv_ent(struct pctx *p, const char *s,
			   struct fxc_waitv_ent *e)
{
	char buf[192], *f[4], *save = NULL;
	int n = 0, ret;
	int64_t r;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *it = strtok_r(buf, ":", &save); it;
	     it = strtok_r(NULL, ":", &save)) {
		if (n == 4)
			return perr(p, s, "a waitv entry ADDR:VAL[:FLAGS[:RESERVED]]");
		f[n++] = it;
	}
	if (n < 2)
		return perr(p, s, "a waitv entry ADDR:VAL[:FLAGS[:RESERVED]]");
	memset(e, 0, sizeof(*e));
	ret = parse_addr(p, f[0], &e->addr);
	if (!ret)
		ret = parse_value(p, f[1], &e->val);
	if (ret)
		return ret;
	e->flags = FX2_SIZE_U32 | FX2_PRIVATE;
	if (n > 2 && (ret = parse_flags2(p, f[2], &e->flags)))
		return ret;
	if (n > 3) {
		if (!parse_i64(f[3], &r) || r < 0 || r > 0xffffffffLL)
			return perr(p, s, "a waitv entry reserved field (u32)");
		e->reserved = (uint32_t)r;
	}
	return 0;
}

static int parse_expect(struct pctx *p, struct fxc_step *s, int i)
{
	const char *t = p->tok[i];
	int64_t v;

	if (!t)
		return perr(p, NULL, "an expectation after '=>': blocks, a count or -ERRNO");
	if (i + 1 < p->ntok)
		return perr(p, p->tok[i + 1], "end of line after the expectation");
	if (s->thread < 0)
		return perr(p, "=>", "no expectation on a step without a thread");
	s->has_expect = true;
	if (!strcmp(t, "blocks")) {
		s->expect_block = true;
		return 0;
	}
	if (t[0] == '-' && t[1] == 'E') {
		const struct sym *e = sym_find(errnos, t + 1);

		if (!e)
			return perr(p, t, "an errno name (-EAGAIN, -EINVAL, ...)");
		s->expect_ret = -e->val;
		return 0;
	}
	if (!parse_i64(t, &v) || v < -4095 || v > 0x7fffffff)
		return perr(p, t, "an expectation: blocks, a count or -ERRNO");
	s->expect_ret = (long)v;
	return 0;
}

/* ---- declarations ---- */

static int decl_scenario(struct pctx *p)
{
	if (p->ntok != 2)
		return perr(p, p->ntok < 2 ? NULL : p->tok[2], "'scenario NAME'");
	if (strlen(p->tok[1]) >= sizeof(p->sc->name))
		return perr(p, p->tok[1], "a scenario name shorter than %zu",
			    sizeof(p->sc->name));
	if (p->named)
		return perr(p, p->tok[0], "one 'scenario' line per file");
	snprintf(p->sc->name, sizeof(p->sc->name), "%s", p->tok[1]);
	p->named = true;
	return 0;
}

static int decl_requires(struct pctx *p)
{
	struct fxc_scenario *sc = p->sc;

	for (int i = 1; i < p->ntok; i++) {
		int k;

		for (k = 0; features[k]; k++)
			if (!strcmp(features[k], p->tok[i]))
				break;
		if (!features[k])
			return perr(p, p->tok[i], "a feature: futex2 numa mpol privhash pi rt");
		if (fxc_scenario_requires(sc, p->tok[i]))
			continue;
		if (strlen(sc->requires) + strlen(p->tok[i]) + 2 > sizeof(sc->requires))
			return perr(p, p->tok[i], "fewer features");
		if (sc->requires[0])
			strcat(sc->requires, " ");
		strcat(sc->requires, p->tok[i]);
	}
	return 0;
}

static int decl_process(struct pctx *p)
{
	struct fxc_scenario *sc = p->sc;

	if (p->ntok != 2)
		return perr(p, p->ntok < 2 ? NULL : p->tok[2], "'process NAME'");
	if (sc->nprocs == 1 && !strcmp(p->tok[1], sc->procs[0]) && sc->nmaps == 0 &&
	    sc->nthreads == 0)
		return 0;	/* re-declaring the implicit P1 */
	if (sc->nprocs == FXC_MAX_PROCS)
		return perr(p, p->tok[1], "at most %d processes", FXC_MAX_PROCS);
	if (new_name(p, p->tok[1], sc->procs[sc->nprocs]))
		return -EINVAL;
	sc->nprocs++;
	return 0;
}

static int proc_arg(struct pctx *p, int i, int *proc)
{
	if (i >= p->ntok)
		return perr(p, NULL, "a process name");
	*proc = find_proc(p->sc, p->tok[i]);
	if (*proc < 0)
		return perr(p, p->tok[i], "a declared process");
	return 0;
}

static int decl_map(struct pctx *p)
{
	struct fxc_scenario *sc = p->sc;
	struct fxc_map *m;
	int k, ret;

	if (sc->nmaps == FXC_MAX_MAPS)
		return perr(p, p->tok[0], "at most %d maps", FXC_MAX_MAPS);
	m = &sc->maps[sc->nmaps];
	memset(m, 0, sizeof(*m));
	if ((ret = new_name(p, p->ntok > 1 ? p->tok[1] : NULL, m->name)))
		return ret;
	if (p->ntok < 3)
		return perr(p, NULL, "a map kind: anon-private, anon-shared, file-shared, file-private");
	for (k = 0; k < 4; k++)
		if (!strcmp(p->tok[2], map_kinds[k]))
			break;
	if (k == 4)
		return perr(p, p->tok[2], "a map kind: anon-private, anon-shared, file-shared, file-private");
	m->kind = (enum fxc_map_kind)k;
	{
		int pages;

		if ((ret = parse_int(p, p->ntok > 3 ? p->tok[3] : NULL, &pages,
				     1, 256, "a page count")))
			return ret;
		m->pages = (uint32_t)pages;
	}
	if ((ret = parse_prot(p, p->ntok > 4 ? p->tok[4] : NULL, &m->prot)))
		return ret;
	for (int i = 5; i < p->ntok; i++) {
		int proc;

		if (!strcmp(p->tok[i], "proc")) {
			if ((ret = proc_arg(p, ++i, &m->proc)))
				return ret;
		} else if (!strcmp(p->tok[i], "share")) {
			if ((ret = proc_arg(p, ++i, &proc)))
				return ret;
			if (m->kind == FXC_MAP_ANON_PRIVATE)
				return perr(p, p->tok[i - 1], "no 'share' on an anon-private map");
			m->shared_with |= 1u << proc;
		} else {
			return perr(p, p->tok[i], "'proc P' or 'share P'");
		}
	}
	m->shared_with &= ~(1u << m->proc);
	sc->nmaps++;
	return 0;
}

static int decl_futex(struct pctx *p)
{
	struct fxc_scenario *sc = p->sc;
	struct fxc_futex *f;
	char name[FXC_NAME_MAX + 1];
	const char *s, *plus;
	int64_t off = 0;
	int ret;

	if (sc->nfutexes == FXC_MAX_FUTEXES)
		return perr(p, p->tok[0], "at most %d futexes", FXC_MAX_FUTEXES);
	f = &sc->futexes[sc->nfutexes];
	memset(f, 0, sizeof(*f));
	if ((ret = new_name(p, p->ntok > 1 ? p->tok[1] : NULL, f->name)))
		return ret;
	s = p->ntok > 2 ? p->tok[2] : NULL;
	if (!s)
		return perr(p, NULL, "a location MAP[+OFFSET]");
	plus = strchr(s, '+');
	snprintf(name, sizeof(name), "%.*s",
		 (int)(plus ? (size_t)(plus - s) : strlen(s)), s);
	f->map = find_map(sc, name);
	if (f->map < 0)
		return perr(p, s, "a location MAP[+OFFSET] in a declared map");
	if (plus && (!parse_i64(plus + 1, &off) || off < 0 ||
		     off + 4 > (int64_t)sc->maps[f->map].pages * PAGE_BYTES))
		return perr(p, s, "a byte offset that leaves the word inside the map");
	f->offset = (uint32_t)off;
	for (int i = 3; i < p->ntok; i++) {
		if (!strcmp(p->tok[i], "init")) {
			uint64_t v;

			if ((ret = parse_value(p, i + 1 < p->ntok ? p->tok[++i] : NULL, &v)))
				return ret;
			f->init = (uint32_t)v;
		} else if (!strcmp(p->tok[i], "tid")) {
			f->tid_word = true;
		} else {
			return perr(p, p->tok[i], "'init VALUE' or 'tid'");
		}
	}
	sc->nfutexes++;
	return 0;
}

static int decl_thread(struct pctx *p)
{
	struct fxc_scenario *sc = p->sc;
	struct fxc_thread *t;
	int ret;

	if (sc->nthreads == FXC_MAX_THREADS)
		return perr(p, p->tok[0], "at most %d threads", FXC_MAX_THREADS);
	t = &sc->threads[sc->nthreads];
	memset(t, 0, sizeof(*t));
	t->policy = FX_SCHED_OTHER;
	if ((ret = new_name(p, p->ntok > 1 ? p->tok[1] : NULL, t->name)))
		return ret;
	sc->lazy[sc->nthreads] = false;
	for (int i = 2; i < p->ntok; i++) {
		if (!strcmp(p->tok[i], "proc")) {
			if ((ret = proc_arg(p, ++i, &t->proc)))
				return ret;
		} else if (!strcmp(p->tok[i], "fifo")) {
			if (!fxc_scenario_requires(sc, "rt"))
				return perr(p, p->tok[i], "'requires rt' before SCHED_FIFO threads");
			if ((ret = parse_int(p, i + 1 < p->ntok ? p->tok[++i] : NULL,
					     &t->rt_prio, 1, 99, "an RT priority")))
				return ret;
			t->policy = FX_SCHED_FIFO;
		} else if (!strcmp(p->tok[i], "lazy")) {
			sc->lazy[sc->nthreads] = true;
		} else {
			return perr(p, p->tok[i], "'proc P', 'fifo PRIO' or 'lazy'");
		}
	}
	/* the first thread of a process other than P1 is the process's
	 * initial thread: it exists from the start */
	if (sc->lazy[sc->nthreads] && fxc_initial_thread(sc, sc->nthreads))
		return perr(p, p->tok[1], "a thread that is not lazy (the first thread of process %s is its initial thread)",
			    sc->procs[t->proc]);
	sc->nthreads++;
	return 0;
}

/* ---- steps ---- */

/* Options shared by the step verbs; a verb accepts a subset (mask). */
enum {
	O_VAL = 1 << 0, O_VAL2 = 1 << 1, O_VAL3 = 1 << 2, O_ADDR2 = 1 << 3,
	O_TIMEOUT = 1 << 4, O_SHARED = 1 << 5, O_REALTIME = 1 << 6,
	O_MASK = 1 << 7, O_FLAGS2 = 1 << 8, O_CLOCK = 1 << 9,
	O_SYSFLAGS = 1 << 10, O_NR = 1 << 11, O_NULL = 1 << 12,
	O_PRIVATE = 1 << 13,
};

static int step_options(struct pctx *p, struct fxc_step *s, int i, int end,
			unsigned allowed)
{
	int ret;

	for (; i < end; i++) {
		const char *t = p->tok[i], *eq = strchr(t, '=');
		char key[32];
		const char *v = eq ? eq + 1 : NULL;

		snprintf(key, sizeof(key), "%.*s",
			 (int)(eq ? (size_t)(eq - t) : strlen(t)), t);
		if (!eq) {
			if (!strcmp(key, "shared") && (allowed & O_SHARED)) {
				if (s->kind == FXC_STEP_FUTEX)
					s->op &= ~FX_PRIVATE_FLAG;
				else
					s->flags &= ~FX2_PRIVATE;
			} else if (!strcmp(key, "private") && (allowed & O_PRIVATE)) {
				s->op |= FX_PRIVATE_FLAG;
			} else if (!strcmp(key, "realtime") && (allowed & O_REALTIME)) {
				s->op |= FX_CLOCK_REALTIME;
			} else if (!strcmp(key, "null") && (allowed & O_NULL)) {
				s->waitv_null = true;
			} else {
				goto bad;
			}
			continue;
		}
		if ((!strcmp(key, "val") || !strcmp(key, "nr_wake")) &&
		    (allowed & O_VAL))
			ret = parse_value(p, v, &s->val);
		else if ((!strcmp(key, "val2") || !strcmp(key, "nr_requeue") ||
			  !strcmp(key, "nr_wake2")) && (allowed & O_VAL2))
			ret = parse_value(p, v, &s->val2);
		else if ((!strcmp(key, "val3") || !strcmp(key, "bitset") ||
			  !strcmp(key, "cmpval")) && (allowed & O_VAL3))
			ret = parse_value(p, v, &s->val3);
		else if (!strcmp(key, "wakeop") && (allowed & O_VAL3))
			ret = parse_wakeop(p, v, &s->val3);
		else if (!strcmp(key, "addr2") && (allowed & O_ADDR2))
			ret = parse_addr(p, v, &s->addr2);
		else if (!strcmp(key, "timeout") && (allowed & O_TIMEOUT))
			ret = parse_timeout(p, v, &s->to);
		else if (!strcmp(key, "mask") && (allowed & O_MASK))
			ret = parse_value(p, v, &s->mask);
		else if (!strcmp(key, "flags") && (allowed & O_FLAGS2))
			ret = parse_flags2(p, v, &s->flags);
		else if (!strcmp(key, "flags") && (allowed & O_SYSFLAGS)) {
			int64_t n;

			ret = parse_num(p, v, &n, "syscall flags (a number)");
			s->flags = (uint32_t)n;
		} else if (!strcmp(key, "clock") && (allowed & O_CLOCK))
			ret = parse_clock(p, v, &s->clockid);
		else if (!strcmp(key, "nr") && (allowed & O_NR))
			ret = parse_int(p, v, &s->nr, -0x7fffffffL, 0x7fffffffL,
					"a count");
		else
			goto bad;
		if (ret)
			return ret;
	}
	return 0;
bad:
	{
		char what[256];

		snprintf(what, sizeof(what), "an option of this step:%s%s%s%s%s%s%s%s%s%s%s%s%s%s",
			 allowed & O_VAL ? " val=" : "",
			 allowed & O_VAL2 ? " val2=" : "",
			 allowed & O_VAL3 ? " val3=/bitset=/wakeop=" : "",
			 allowed & O_ADDR2 ? " addr2=" : "",
			 allowed & O_TIMEOUT ? " timeout=" : "",
			 allowed & O_MASK ? " mask=" : "",
			 allowed & (O_FLAGS2 | O_SYSFLAGS) ? " flags=" : "",
			 allowed & O_CLOCK ? " clock=" : "",
			 allowed & O_NR ? " nr=" : "",
			 allowed & O_SHARED ? " shared" : "",
			 allowed & O_PRIVATE ? " private" : "",
			 allowed & O_REALTIME ? " realtime" : "",
			 allowed & O_NULL ? " null" : "",
			 allowed ? "" : " none");
		return perr(p, p->tok[i], "%s", what);
	}
}

/* convenience legacy verbs: name, op, positional layout */
enum { A_ADDR, A_VAL, A_ADDR2, A_NWAKE, A_NREQ, A_CMP, A_BITSET, A_WOP };

struct verb {
	const char *name;
	int op;
	int nargs;
	int args[5];
	unsigned opts;
};

#define LEG_OPTS (O_SHARED | O_REALTIME | O_TIMEOUT | O_VAL | O_VAL2 | O_VAL3 | O_ADDR2)

static const struct verb legacy_verbs[] = {
	{ "wait", FX_OP_WAIT, 2, { A_ADDR, A_VAL }, LEG_OPTS },
	{ "wait_bitset", FX_OP_WAIT_BITSET, 3, { A_ADDR, A_VAL, A_BITSET }, LEG_OPTS },
	{ "wake", FX_OP_WAKE, 2, { A_ADDR, A_NWAKE }, LEG_OPTS },
	{ "wake_bitset", FX_OP_WAKE_BITSET, 3, { A_ADDR, A_NWAKE, A_BITSET }, LEG_OPTS },
	{ "requeue", FX_OP_REQUEUE, 4, { A_ADDR, A_ADDR2, A_NWAKE, A_NREQ }, LEG_OPTS },
	{ "cmp_requeue", FX_OP_CMP_REQUEUE, 5,
	  { A_ADDR, A_ADDR2, A_NWAKE, A_NREQ, A_CMP }, LEG_OPTS },
	{ "wake_op", FX_OP_WAKE_OP, 5,
	  { A_ADDR, A_ADDR2, A_NWAKE, A_NREQ, A_WOP }, LEG_OPTS },
	{ "lock_pi", FX_OP_LOCK_PI, 1, { A_ADDR }, LEG_OPTS },
	{ "lock_pi2", FX_OP_LOCK_PI2, 1, { A_ADDR }, LEG_OPTS },
	{ "trylock_pi", FX_OP_TRYLOCK_PI, 1, { A_ADDR }, LEG_OPTS },
	{ "unlock_pi", FX_OP_UNLOCK_PI, 1, { A_ADDR }, LEG_OPTS },
	{ "wait_requeue_pi", FX_OP_WAIT_REQUEUE_PI, 3, { A_ADDR, A_VAL, A_ADDR2 }, LEG_OPTS },
	{ "cmp_requeue_pi", FX_OP_CMP_REQUEUE_PI, 5,
	  { A_ADDR, A_ADDR2, A_NWAKE, A_NREQ, A_CMP }, LEG_OPTS },
	{ NULL, 0, 0, { 0 }, 0 }
};

static const char *const arg_what[] = {
	[A_ADDR] = "an address", [A_VAL] = "a value", [A_ADDR2] = "a second address",
	[A_NWAKE] = "a wake count", [A_NREQ] = "a requeue count",
	[A_CMP] = "a compare value", [A_BITSET] = "a bitset",
	[A_WOP] = "a wake_op encoding",
};

static int step_legacy(struct pctx *p, struct fxc_step *s, const struct verb *v,
		       int i, int end)
{
	int ret = 0;

	s->kind = FXC_STEP_FUTEX;
	s->op = v->op | FX_PRIVATE_FLAG;
	for (int k = 0; k < v->nargs; k++, i++) {
		const char *t = i < end ? p->tok[i] : NULL;

		if (!t || strchr(t, '='))
			return perr(p, t, "%s (%s takes %d arguments)",
				    arg_what[v->args[k]], v->name, v->nargs);
		switch (v->args[k]) {
		case A_ADDR: ret = parse_addr(p, t, &s->addr); break;
		case A_ADDR2: ret = parse_addr(p, t, &s->addr2); break;
		case A_VAL: case A_NWAKE: ret = parse_value(p, t, &s->val); break;
		case A_NREQ: ret = parse_value(p, t, &s->val2); break;
		case A_CMP: case A_BITSET: ret = parse_value(p, t, &s->val3); break;
		case A_WOP: ret = parse_wakeop(p, t, &s->val3); break;
		}
		if (ret)
			return ret;
	}
	return step_options(p, s, i, end, v->opts);
}

static int step_futex(struct pctx *p, struct fxc_step *s, int i, int end)
{
	int ret;

	s->kind = FXC_STEP_FUTEX;
	if ((ret = parse_op(p, i < end ? p->tok[i] : NULL, &s->op)))
		return ret;
	if ((ret = parse_addr(p, i + 1 < end ? p->tok[i + 1] : NULL, &s->addr)))
		return ret;
	return step_options(p, s, i + 2, end,
			    O_VAL | O_VAL2 | O_VAL3 | O_ADDR2 | O_TIMEOUT |
			    O_PRIVATE | O_REALTIME);
}

static int step_futex2(struct pctx *p, struct fxc_step *s, const char *verb,
		       int i, int end)
{
	int ret;

	s->flags = FX2_SIZE_U32 | FX2_PRIVATE;
	s->mask = FX_BITSET_MATCH_ANY;
	if (!strcmp(verb, "futex_wait")) {
		s->kind = FXC_STEP_FUTEX_WAIT;
		if ((ret = parse_addr(p, i < end ? p->tok[i] : NULL, &s->addr)) ||
		    (ret = parse_value(p, i + 1 < end ? p->tok[i + 1] : NULL, &s->val)))
			return ret;
		return step_options(p, s, i + 2, end, O_MASK | O_FLAGS2 |
				    O_TIMEOUT | O_CLOCK | O_SHARED);
	}
	if (!strcmp(verb, "futex_wake")) {
		s->kind = FXC_STEP_FUTEX_WAKE;
		if ((ret = parse_addr(p, i < end ? p->tok[i] : NULL, &s->addr)) ||
		    (ret = parse_int(p, i + 1 < end ? p->tok[i + 1] : NULL, &s->nr,
				     -0x7fffffffL - 1, 0x7fffffffL, "a wake count")))
			return ret;
		return step_options(p, s, i + 2, end, O_MASK | O_FLAGS2 | O_SHARED);
	}
	/* futex_requeue E1 E2 NWAKE NREQ */
	s->kind = FXC_STEP_FUTEX_REQUEUE;
	s->flags = 0;
	s->mask = 0;
	for (int k = 0; k < 2; k++) {
		if (i + k >= end)
			return perr(p, NULL, "a waitv entry ADDR:VAL[:FLAGS]");
		if ((ret = parse_waitv_ent(p, p->tok[i + k], &s->waitv[k])))
			return ret;
	}
	s->nwaitv = 2;
	if ((ret = parse_int(p, i + 2 < end ? p->tok[i + 2] : NULL, &s->nr,
			     -0x7fffffffL - 1, 0x7fffffffL, "a wake count")) ||
	    (ret = parse_int(p, i + 3 < end ? p->tok[i + 3] : NULL, &s->nr2,
			     -0x7fffffffL - 1, 0x7fffffffL, "a requeue count")))
		return ret;
	return step_options(p, s, i + 4, end, O_SYSFLAGS);
}

static int step_waitv(struct pctx *p, struct fxc_step *s, int i, int end)
{
	int ret;

	s->kind = FXC_STEP_WAITV;
	for (; i < end && !strchr(p->tok[i], '=') && strcmp(p->tok[i], "null"); i++) {
		if (s->nwaitv == FXC_MAX_WAITV)
			return perr(p, p->tok[i], "at most %d waitv entries", FXC_MAX_WAITV);
		if ((ret = parse_waitv_ent(p, p->tok[i], &s->waitv[s->nwaitv])))
			return ret;
		s->nwaitv++;
	}
	if ((ret = step_options(p, s, i, end, O_TIMEOUT | O_CLOCK | O_SYSFLAGS |
				O_NULL)))
		return ret;
	s->nr = s->nwaitv;	/* the count passed is the number of entries */
	return 0;
}

static int step_prctl(struct pctx *p, struct fxc_step *s, int i, int end)
{
	int64_t v;
	int ret;
	const char *sub = i < end ? p->tok[i] : NULL;

	s->kind = FXC_STEP_PRCTL_HASH;
	if (!sub)
		return perr(p, NULL, "set_slots N, get_slots or a numeric sub-op");
	if (!strcmp(sub, "set_slots")) {
		s->val = FX_PR_FUTEX_HASH_SET_SLOTS;
		if ((ret = parse_num(p, i + 1 < end ? p->tok[i + 1] : NULL, &v,
				     "a slot count")))
			return ret;
		s->val2 = (uint64_t)v;
		i += 2;
	} else if (!strcmp(sub, "get_slots")) {
		s->val = FX_PR_FUTEX_HASH_GET_SLOTS;
		i += 1;
	} else {
		if ((ret = parse_num(p, sub, &v, "set_slots N, get_slots or a numeric sub-op")))
			return ret;
		s->val = (uint64_t)v;
		i++;
		if (i < end && !strchr(p->tok[i], '=')) {
			if ((ret = parse_num(p, p->tok[i], &v, "arg3 (a number)")))
				return ret;
			s->val2 = (uint64_t)v;
			i++;
		}
	}
	if (i < end && !strncmp(p->tok[i], "flags=", 6)) {
		if ((ret = parse_num(p, p->tok[i] + 6, &v, "arg4 (a number)")))
			return ret;
		s->val3 = (uint64_t)v;
		i++;
	}
	if (i < end)
		return perr(p, p->tok[i], "end of the prctl step (or flags=N)");
	return 0;
}

static int futex_arg(struct pctx *p, const char *t, int *f, const char *what)
{
	*f = t ? find_futex(p->sc, t) : -1;
	if (*f < 0)
		return perr(p, t, "%s", what);
	return 0;
}

static int step_robust(struct pctx *p, struct fxc_step *s, int i, int end)
{
	struct fxc_robust *r = &s->robust;
	int ret;

	s->kind = FXC_STEP_SET_ROBUST;
	for (; i < end; i++) {
		const char *t = p->tok[i];

		if (!strncmp(t, "pending=", 8)) {
			if ((ret = futex_arg(p, t + 8, &r->pending, "pending=FUTEX")))
				return ret;
		} else if (!strncmp(t, "len=", 4)) {
			if ((ret = parse_num(p, t + 4, &r->len, "len=N")))
				return ret;
		} else if (!strcmp(t, "circular")) {
			r->circular = true;
		} else {
			char name[FXC_NAME_MAX + 1];
			const char *c = strchr(t, ':');

			if (r->nent == FXC_ROBUST_MAX)
				return perr(p, t, "at most %d robust entries",
					    FXC_ROBUST_MAX);
			if (c && strcmp(c, ":pi"))
				return perr(p, t, "a robust entry FUTEX or FUTEX:pi");
			snprintf(name, sizeof(name), "%.*s",
				 (int)(c ? (size_t)(c - t) : strlen(t)), t);
			if ((ret = futex_arg(p, name, &r->futex[r->nent],
					     "a robust entry FUTEX[:pi], pending=FUTEX, circular or len=N")))
				return perr(p, t, "a robust entry FUTEX[:pi], pending=FUTEX, circular or len=N");
			r->pi[r->nent++] = c != NULL;
		}
	}
	/* entries sit at word - futex_offset: words must not share them */
	for (int a = -1; a < r->nent; a++) {
		int fa = a < 0 ? r->pending : r->futex[a];

		if (fa < 0)
			continue;
		for (int b = a + 1; b < r->nent; b++) {
			const struct fxc_futex *x = &p->sc->futexes[fa];
			const struct fxc_futex *y = &p->sc->futexes[r->futex[b]];
			int64_t d = (int64_t)x->offset - y->offset;

			if (fa != r->futex[b] && x->map == y->map && d > -8 && d < 8)
				return perr(p, y->name, "robust futex words at least 8 bytes apart");
		}
	}
	return 0;
}

/* T get_robust [pid=self|THREAD|unknown] */
static int step_get_robust(struct pctx *p, struct fxc_step *s, int i, int end)
{
	s->kind = FXC_STEP_GET_ROBUST;
	s->pid_thread = FXC_PID_SELF;
	for (; i < end; i++) {
		const char *t = p->tok[i];

		if (strncmp(t, "pid=", 4))
			return perr(p, t, "pid=self, pid=THREAD or pid=unknown");
		if (!strcmp(t + 4, "self"))
			s->pid_thread = FXC_PID_SELF;
		else if (!strcmp(t + 4, "unknown"))
			s->pid_thread = FXC_PID_UNKNOWN;
		else if ((s->pid_thread = find_thread(p->sc, t + 4)) < 0)
			return perr(p, t, "pid=self, pid=THREAD or pid=unknown");
	}
	return 0;
}

static int parse_step(struct pctx *p)
{
	struct fxc_scenario *sc = p->sc;
	struct fxc_step *s;
	int end = p->ntok, ret = 0, th;
	const char *verb;

	for (int i = 0; i < p->ntok; i++)
		if (!strcmp(p->tok[i], "=>")) {
			end = i;
			break;
		}
	s = fxc_scenario_add_step(sc);
	if (!s) {
		snprintf(p->err, p->errlen, "%s:%d: out of memory", p->file, p->line);
		return -ENOMEM;
	}
	s->line = p->line;
	if (!strcmp(p->tok[0], "mprotect")) {
		s->kind = FXC_STEP_MPROTECT;
		s->map = end > 1 ? find_map(sc, p->tok[1]) : -1;
		if (s->map < 0)
			return perr(p, end > 1 ? p->tok[1] : NULL, "a declared map");
		if ((ret = parse_prot(p, end > 2 ? p->tok[2] : NULL, &s->prot)))
			return ret;
		if (end > 3)
			return perr(p, p->tok[3], "end of line");
		goto expect;
	}
	th = find_thread(sc, p->tok[0]);
	if (th < 0)
		return perr(p, p->tok[0], "a declaration (scenario, requires, process, map, futex, thread), 'mprotect' or a thread name starting a step");
	s->thread = th;
	verb = end > 1 ? p->tok[1] : NULL;
	if (!verb)
		return perr(p, NULL, "a step verb after the thread name");
	for (const struct verb *v = legacy_verbs; v->name; v++)
		if (!strcmp(v->name, verb)) {
			ret = step_legacy(p, s, v, 2, end);
			goto done;
		}
	if (!strcmp(verb, "futex")) {
		ret = step_futex(p, s, 2, end);
	} else if (!strcmp(verb, "futex_wait") || !strcmp(verb, "futex_wake") ||
		   !strcmp(verb, "futex_requeue")) {
		ret = step_futex2(p, s, verb, 2, end);
	} else if (!strcmp(verb, "waitv")) {
		ret = step_waitv(p, s, 2, end);
	} else if (!strcmp(verb, "prctl")) {
		ret = step_prctl(p, s, 2, end);
	} else if (!strcmp(verb, "robust")) {
		ret = step_robust(p, s, 2, end);
	} else if (!strcmp(verb, "get_robust")) {
		ret = step_get_robust(p, s, 2, end);
	} else if (!strcmp(verb, "store")) {
		s->kind = FXC_STEP_STORE;
		if (!(ret = parse_addr(p, end > 2 ? p->tok[2] : NULL, &s->addr)) &&
		    !(ret = parse_u32val(p, end > 3 ? p->tok[3] : NULL, &s->val)) &&
		    end > 4)
			ret = perr(p, p->tok[4], "end of line");
		if (!ret && s->addr.futex < 0)
			ret = perr(p, p->tok[2], "a futex address to store to");
	} else if (!strcmp(verb, "expire") || !strcmp(verb, "exit") ||
		   !strcmp(verb, "spawn")) {
		s->kind = verb[1] == 'x' ? (verb[2] == 'p' ? FXC_STEP_EXPIRE : FXC_STEP_EXIT)
					 : FXC_STEP_SPAWN;
		if (end > 2)
			ret = perr(p, p->tok[2], "end of line");
		if (!ret && s->kind == FXC_STEP_SPAWN && !sc->lazy[th])
			ret = perr(p, p->tok[0], "a thread declared 'lazy' to spawn");
	} else if (!strcmp(verb, "signal")) {
		s->kind = FXC_STEP_SIGNAL;
		if (end > 2 && !strcmp(p->tok[2], "restart"))
			s->sa_restart = true;
		else if (end > 2)
			ret = perr(p, p->tok[2], "'restart' or end of line");
		if (!ret && end > 3)
			ret = perr(p, p->tok[3], "end of line");
	} else {
		ret = perr(p, verb, "a step verb: wait wake wait_bitset wake_bitset requeue cmp_requeue wake_op lock_pi lock_pi2 trylock_pi unlock_pi wait_requeue_pi cmp_requeue_pi futex futex_wait futex_wake futex_requeue waitv prctl robust get_robust store expire signal exit spawn");
	}
done:
	if (ret)
		return ret;
expect:
	if (end < p->ntok)
		return parse_expect(p, s, end + 1);
	return 0;
}

static int parse_line(struct pctx *p, char *line)
{
	char *c = strchr(line, '#'), *save = NULL, *t;

	if (c)
		*c = '\0';
	p->ntok = 0;
	for (t = strtok_r(line, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (p->ntok == MAX_TOKENS)
			return perr(p, t, "at most %d tokens on a line", MAX_TOKENS);
		p->tok[p->ntok++] = t;
	}
	if (!p->ntok)
		return 0;
	if (!strcmp(p->tok[0], "scenario") || !strcmp(p->tok[0], "requires") ||
	    !strcmp(p->tok[0], "process") || !strcmp(p->tok[0], "map") ||
	    !strcmp(p->tok[0], "futex") || !strcmp(p->tok[0], "thread")) {
		if (p->in_steps)
			return perr(p, p->tok[0], "a step: declarations come before the first step");
		switch (p->tok[0][0]) {
		case 's': return decl_scenario(p);
		case 'r': return decl_requires(p);
		case 'p': return decl_process(p);
		case 'm': return decl_map(p);
		case 'f': return decl_futex(p);
		default: return decl_thread(p);
		}
	}
	p->in_steps = true;
	return parse_step(p);
}

static void default_name(struct fxc_scenario *sc, const char *file)
{
	const char *b = strrchr(file, '/');
	size_t n;

	b = b ? b + 1 : file;
	n = strcspn(b, ".");
	snprintf(sc->name, sizeof(sc->name), "%.*s", (int)n, b);
}

int fxc_parse_string(const char *name, const char *text,
		     struct fxc_scenario *sc, char *err, size_t errlen)
{
	struct pctx p = { .sc = sc, .file = name, .err = err, .errlen = errlen };
	char *buf = strdup(text), *line, *next;
	int ret = 0;

	fxc_scenario_init(sc);
	snprintf(sc->file, sizeof(sc->file), "%s", name);
	if (errlen)
		err[0] = '\0';
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		ret = parse_line(&p, line);
		if (ret)
			break;
	}
	free(buf);
	if (!ret && !p.named)
		default_name(sc, name);
	return ret;
}

int fxc_parse_file(const char *path, struct fxc_scenario *sc, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	long n;
	int ret;

	fxc_scenario_init(sc);
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(err, errlen, "%s: cannot read", path);
		return -EIO;
	}
	text = malloc((size_t)n + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (fread(text, 1, (size_t)n, f) != (size_t)n) {
		free(text);
		fclose(f);
		snprintf(err, errlen, "%s: read error", path);
		return -EIO;
	}
	text[n] = '\0';
	fclose(f);
	if (memchr(text, '\0', (size_t)n)) {
		free(text);
		snprintf(err, errlen, "%s:1: unexpected NUL byte: expected a text file", path);
		return -EINVAL;
	}
	ret = fxc_parse_string(path, text, sc, err, errlen);
	free(text);
	return ret;
}

/* ---- the printer ---- */

static void fmt_addr(const struct fxc_scenario *sc, const struct fxc_addr *a,
		     char *buf, size_t len)
{
	if (a->futex >= 0 && a->delta)
		snprintf(buf, len, "%s%+d", sc->futexes[a->futex].name, a->delta);
	else if (a->futex >= 0)
		snprintf(buf, len, "%s", sc->futexes[a->futex].name);
	else if (a->raw == 0)
		snprintf(buf, len, "null");
	else if (a->raw == FXC_RAW_UNMAPPED && a->delta)
		snprintf(buf, len, "unmapped%+d", a->delta);
	else if (a->raw == FXC_RAW_UNMAPPED)
		snprintf(buf, len, "unmapped");
	else if (a->raw == FXC_RAW_PROT_NONE && a->delta)
		snprintf(buf, len, "protnone%+d", a->delta);
	else if (a->raw == FXC_RAW_PROT_NONE)
		snprintf(buf, len, "protnone");
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)a->raw);
}

static void fmt_val(uint64_t v, char *buf, size_t len)
{
	if (v >= 0x8000000000000000ull)
		snprintf(buf, len, "%lld", (long long)v);
	else if (v < 0x10000)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

static void fmt_op(int op, char *buf, size_t len)
{
	const char *n = sym_name(futex_ops, op & FX_CMD_MASK);

	if (!n || (op & FX_CMD_MASK) < 0) {
		snprintf(buf, len, "%d", op);
		return;
	}
	snprintf(buf, len, "FUTEX_%s%s%s", n,
		 op & FX_PRIVATE_FLAG ? "|PRIVATE" : "",
		 op & FX_CLOCK_REALTIME ? "|CLOCK_REALTIME" : "");
}

static void fmt_timeout(const struct fxc_timeout *to, char *buf, size_t len)
{
	switch (to->kind) {
	case FXC_TO_NONE: snprintf(buf, len, "none"); break;
	case FXC_TO_EXPIRE: snprintf(buf, len, "expire"); break;
	case FXC_TO_PAST: snprintf(buf, len, "past"); break;
	case FXC_TO_FAULT: snprintf(buf, len, "fault"); break;
	case FXC_TO_RAW:
		snprintf(buf, len, "%lld,%lld", (long long)to->sec,
			 (long long)to->nsec);
		break;
	}
}

struct sbuf {
	char *p;
	size_t len, used;
};

static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->used >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->used += (size_t)n;
	if (b->used > b->len)
		b->used = b->len;
}

static void fmt_ent(const struct fxc_scenario *sc, const struct fxc_waitv_ent *e,
		    struct sbuf *b)
{
	char a[64], v[32];

	fmt_addr(sc, &e->addr, a, sizeof(a));
	fmt_val(e->val, v, sizeof(v));
	sb_add(b, " %s:%s:0x%x", a, v, e->flags);
	if (e->reserved)
		sb_add(b, ":%u", e->reserved);
}

void fxc_step_format(const struct fxc_scenario *sc, const struct fxc_step *s,
		     char *buf, size_t len)
{
	struct sbuf b = { buf, len, 0 };
	char a[64], x[64];

	buf[0] = '\0';
	if (s->thread >= 0)
		sb_add(&b, "%s ", sc->threads[s->thread].name);
	switch (s->kind) {
	case FXC_STEP_FUTEX:
		fmt_op(s->op, x, sizeof(x));
		fmt_addr(sc, &s->addr, a, sizeof(a));
		sb_add(&b, "futex %s %s", x, a);
		fmt_val(s->val, x, sizeof(x));
		sb_add(&b, " val=%s", x);
		if (s->val2) {
			fmt_val(s->val2, x, sizeof(x));
			sb_add(&b, " val2=%s", x);
		}
		if (s->addr2.futex >= 0 || s->addr2.raw) {
			fmt_addr(sc, &s->addr2, a, sizeof(a));
			sb_add(&b, " addr2=%s", a);
		}
		if (s->val3) {
			fmt_val(s->val3, x, sizeof(x));
			sb_add(&b, " val3=%s", x);
		}
		break;
	case FXC_STEP_FUTEX_WAIT:
		fmt_addr(sc, &s->addr, a, sizeof(a));
		fmt_val(s->val, x, sizeof(x));
		sb_add(&b, "futex_wait %s %s", a, x);
		fmt_val(s->mask, x, sizeof(x));
		sb_add(&b, " mask=%s flags=0x%x clock=%d", x, s->flags, s->clockid);
		break;
	case FXC_STEP_FUTEX_WAKE:
		fmt_addr(sc, &s->addr, a, sizeof(a));
		fmt_val(s->mask, x, sizeof(x));
		sb_add(&b, "futex_wake %s %d mask=%s flags=0x%x", a, s->nr, x, s->flags);
		break;
	case FXC_STEP_FUTEX_REQUEUE:
		sb_add(&b, "futex_requeue");
		fmt_ent(sc, &s->waitv[0], &b);
		fmt_ent(sc, &s->waitv[1], &b);
		sb_add(&b, " %d %d flags=%u", s->nr, s->nr2, s->flags);
		break;
	case FXC_STEP_WAITV:
		sb_add(&b, "waitv");
		for (int i = 0; i < s->nwaitv; i++)
			fmt_ent(sc, &s->waitv[i], &b);
		sb_add(&b, " flags=%u clock=%d", s->flags, s->clockid);
		if (s->waitv_null)
			sb_add(&b, " null");
		break;
	case FXC_STEP_PRCTL_HASH:
		sb_add(&b, "prctl %lld %lld flags=%lld", (long long)s->val,
		       (long long)s->val2, (long long)s->val3);
		break;
	case FXC_STEP_SET_ROBUST:
		sb_add(&b, "robust");
		for (int i = 0; i < s->robust.nent; i++)
			sb_add(&b, " %s%s", sc->futexes[s->robust.futex[i]].name,
			       s->robust.pi[i] ? ":pi" : "");
		if (s->robust.pending >= 0)
			sb_add(&b, " pending=%s", sc->futexes[s->robust.pending].name);
		if (s->robust.circular)
			sb_add(&b, " circular");
		sb_add(&b, " len=%lld", (long long)s->robust.len);
		break;
	case FXC_STEP_GET_ROBUST:
		sb_add(&b, "get_robust pid=%s",
		       s->pid_thread == FXC_PID_SELF ? "self" :
		       s->pid_thread == FXC_PID_UNKNOWN ? "unknown" :
		       sc->threads[s->pid_thread].name);
		break;
	case FXC_STEP_STORE:
		fmt_addr(sc, &s->addr, a, sizeof(a));
		fmt_val(s->val, x, sizeof(x));
		sb_add(&b, "store %s %s", a, x);
		break;
	case FXC_STEP_EXPIRE: sb_add(&b, "expire"); break;
	case FXC_STEP_SIGNAL:
		sb_add(&b, "signal%s", s->sa_restart ? " restart" : "");
		break;
	case FXC_STEP_EXIT: sb_add(&b, "exit"); break;
	case FXC_STEP_SPAWN: sb_add(&b, "spawn"); break;
	case FXC_STEP_MPROTECT:
		sb_add(&b, "mprotect %s %s", sc->maps[s->map].name, prot_name(s->prot));
		break;
	}
	if (s->kind == FXC_STEP_FUTEX || s->kind == FXC_STEP_FUTEX_WAIT ||
	    s->kind == FXC_STEP_WAITV) {
		if (s->to.kind != FXC_TO_NONE) {
			fmt_timeout(&s->to, x, sizeof(x));
			sb_add(&b, " timeout=%s", x);
		}
	}
	if (s->has_expect) {
		if (s->expect_block) {
			sb_add(&b, " => blocks");
		} else {
			fxc_format_ret(s->expect_ret, x, sizeof(x));
			sb_add(&b, " => %s", x);
		}
	}
}

int fxc_scenario_print(FILE *f, const struct fxc_scenario *sc)
{
	char buf[8192];

	fprintf(f, "scenario %s\n", sc->name);
	if (sc->requires[0])
		fprintf(f, "requires %s\n", sc->requires);
	for (int i = 1; i < sc->nprocs; i++)
		fprintf(f, "process %s\n", sc->procs[i]);
	for (int i = 0; i < sc->nmaps; i++) {
		const struct fxc_map *m = &sc->maps[i];

		fprintf(f, "map %s %s %u %s", m->name, map_kinds[m->kind], m->pages,
			prot_name(m->prot));
		if (m->proc)
			fprintf(f, " proc %s", sc->procs[m->proc]);
		for (int k = 0; k < sc->nprocs; k++)
			if (m->shared_with & (1u << k))
				fprintf(f, " share %s", sc->procs[k]);
		fputc('\n', f);
	}
	for (int i = 0; i < sc->nthreads; i++) {
		const struct fxc_thread *t = &sc->threads[i];

		fprintf(f, "thread %s", t->name);
		if (t->proc)
			fprintf(f, " proc %s", sc->procs[t->proc]);
		if (t->policy == FX_SCHED_FIFO)
			fprintf(f, " fifo %d", t->rt_prio);
		if (sc->lazy[i])
			fprintf(f, " lazy");
		fputc('\n', f);
	}
	for (int i = 0; i < sc->nfutexes; i++) {
		const struct fxc_futex *x = &sc->futexes[i];

		fprintf(f, "futex %s %s+%u", x->name, sc->maps[x->map].name, x->offset);
		if (x->init)
			fprintf(f, " init 0x%x", x->init);
		if (x->tid_word)
			fprintf(f, " tid");
		fputc('\n', f);
	}
	for (int i = 0; i < sc->nsteps; i++) {
		fxc_step_format(sc, &sc->steps[i], buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
	return ferror(f) ? -EIO : 0;
}
