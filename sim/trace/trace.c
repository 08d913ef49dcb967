// SPDX-License-Identifier: MIT
/*
 * trace.c - the two forms of a futex trace (workloads/FORMAT.md): the
 * text form (one record per line, "key=value" fields) and the binary form
 * (a fixed header, then 80-byte little-endian records).  Readers stream
 * through fixed buffers; writers write a temporary file renamed on commit.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/tmpfile.h"
#include "trace.h"

static_assert(sizeof(struct fx_trace_rec) == 80, "trace record size");
static_assert(offsetof(struct fx_trace_rec, t_ns) == 0, "t_ns");
static_assert(offsetof(struct fx_trace_rec, dur_ns) == 8, "dur_ns");
static_assert(offsetof(struct fx_trace_rec, pid) == 16, "pid");
static_assert(offsetof(struct fx_trace_rec, tid) == 20, "tid");
static_assert(offsetof(struct fx_trace_rec, cpu) == 24, "cpu");
static_assert(offsetof(struct fx_trace_rec, kind) == 26, "kind");
static_assert(offsetof(struct fx_trace_rec, op) == 28, "op");
static_assert(offsetof(struct fx_trace_rec, uaddr) == 32, "uaddr");
static_assert(offsetof(struct fx_trace_rec, uaddr2) == 40, "uaddr2");
static_assert(offsetof(struct fx_trace_rec, val2) == 48, "val2");
static_assert(offsetof(struct fx_trace_rec, ret) == 56, "ret");
static_assert(offsetof(struct fx_trace_rec, val) == 64, "val");
static_assert(offsetof(struct fx_trace_rec, val3) == 68, "val3");
static_assert(offsetof(struct fx_trace_rec, inode) == 72, "inode");

#define REC_SIZE	80u
#define BLOCK_RECS	4096u		/* records per fread/fwrite */

/*
 * The binary header (all integers little-endian, strings NUL-padded):
 *   0  char magic[8]	"FXTRACE1"
 *   8  u32 version	FX_TRACE_VERSION
 *  12  u32 hdr_size	bytes of header incl. magic (352 in version 1)
 *  16  u32 rec_size	80
 *  20  u32 cpus, 24 u32 nodes, 28 s32 slots
 *  32  char host[64], 96 char kernel[64], 160 char source[64],
 * 224  char program[128]			(352 bytes in all)
 */
#define HDR_SIZE	352u
#define HDR_HOST	32
#define HDR_KERNEL	96
#define HDR_SOURCE	160
#define HDR_PROGRAM	224

#define TEXT_MAGIC	"#!futexsim-trace "

struct fx_trace_reader {
	FILE *f;
	bool binary, own;
	uint64_t line;		/* text: lines read; binary: records read */
	/* text */
	char *buf;
	bool pending;		/* buf holds the first record's line */
	/* binary */
	unsigned char *blk;
	size_t nrec, pos;	/* records in blk, next one */
	size_t trunc;		/* bytes of a partial record after blk */
	bool eof;
	char path[];
};

struct fx_trace_writer {
	FILE *f;
	bool binary;
	int err;
	char *tmp;
	unsigned char *blk;
	size_t n;
	char path[];
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- little-endian helpers ---- */

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get_le32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* the record to/from its little-endian bytes (a copy on LE hosts) */
static void rec_swap(struct fx_trace_rec *r)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	r->t_ns = __builtin_bswap64(r->t_ns);
	r->dur_ns = __builtin_bswap64(r->dur_ns);
	r->pid = __builtin_bswap32(r->pid);
	r->tid = __builtin_bswap32(r->tid);
	r->cpu = __builtin_bswap16(r->cpu);
	r->kind = __builtin_bswap16(r->kind);
	r->op = __builtin_bswap32(r->op);
	r->uaddr = __builtin_bswap64(r->uaddr);
	r->uaddr2 = __builtin_bswap64(r->uaddr2);
	r->val2 = __builtin_bswap64(r->val2);
	r->ret = (int64_t)__builtin_bswap64((uint64_t)r->ret);
	r->val = __builtin_bswap32(r->val);
	r->val3 = __builtin_bswap32(r->val3);
	r->inode = __builtin_bswap64(r->inode);
#else
	(void)r;
#endif
}

/* ---- names ---- */

static const char *const kind_names[FX_TR_KIND_MAX] = {
	[FX_TR_FUTEX] = "futex",
	[FX_TR_FUTEX_WAITV] = "futex_waitv",
	[FX_TR_WAITV_ENTRY] = "waitv_entry",
	[FX_TR_FUTEX_WAIT] = "futex_wait",
	[FX_TR_FUTEX_WAKE] = "futex_wake",
	[FX_TR_FUTEX_REQUEUE] = "futex_requeue",
	[FX_TR_THREAD_NEW] = "thread_new",
	[FX_TR_THREAD_EXIT] = "thread_exit",
	[FX_TR_SET_ROBUST] = "set_robust_list",
	[FX_TR_SET_TID_ADDR] = "set_tid_address",
	[FX_TR_MAP] = "map",
};

static const char *const fop_names[] = {
	"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
	"FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI",
	"FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET",
	"FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI",
	"FUTEX_LOCK_PI2",
};
#define NR_FOPS		(sizeof(fop_names) / sizeof(fop_names[0]))
#define FOP_CMD_MASK	0x7fu
#define FOP_PRIVATE	0x80u
#define FOP_REALTIME	0x100u

static const char *const f2_sizes[] = {
	"FUTEX2_SIZE_U8", "FUTEX2_SIZE_U16", "FUTEX2_SIZE_U32", "FUTEX2_SIZE_U64",
};
static const struct { const char *name; uint32_t bit; } f2_flags[] = {
	{ "FUTEX2_NUMA", 0x04 },
	{ "FUTEX2_MPOL", 0x08 },
	{ "FUTEX2_PRIVATE", 0x80 },
};

/* Linux errno names (one per number; the kernel's ERESTART* too) */
static const struct { const char *name; int nr; } errnos[] = {
#define E(n) { #n, n }
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM),
	E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS),
	E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(EOVERFLOW),
	E(EOPNOTSUPP), E(ETIMEDOUT), E(ECANCELED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE),
#undef E
	{ "ERESTARTSYS", 512 }, { "ERESTARTNOINTR", 513 },
	{ "ERESTARTNOHAND", 514 }, { "ERESTART_RESTARTBLOCK", 516 },
};
#define NR_ERRNOS	(sizeof(errnos) / sizeof(errnos[0]))

/* ---- fields of the text form ---- */

enum field { F_UADDR, F_UADDR2, F_VAL, F_VAL2, F_VAL3, F_OP, F_INODE, F_NR };
enum style {
	S_HEX,		/* 0 or 0x... */
	S_DEC,
	S_FOP,		/* futex(2) op, symbolic */
	S_F2,		/* futex2 flags, symbolic */
	S_TIME,		/* seconds with 9 decimals, or "none" for NO_TIMEOUT */
};
enum cond { C_ALL, C_TIMED, C_UNTIMED, C_PARSE };

struct fdesc {
	const char *key;
	unsigned char field, style, cond;
};

#define FD(k, f, s)	{ k, f, s, C_ALL }
#define FDC(k, f, s, c)	{ k, f, s, c }
static const struct fdesc *const kind_fields[FX_TR_KIND_MAX] = {
	[FX_TR_FUTEX] = (const struct fdesc[]){
		FD("uaddr", F_UADDR, S_HEX), FD("op", F_OP, S_FOP),
		FD("val", F_VAL, S_DEC),
		FDC("timeout", F_VAL2, S_TIME, C_TIMED),
		FDC("val2", F_VAL2, S_DEC, C_UNTIMED),
		FD("uaddr2", F_UADDR2, S_HEX), FD("val3", F_VAL3, S_HEX),
		{ NULL, 0, 0, 0 } },
	[FX_TR_FUTEX_WAITV] = (const struct fdesc[]){
		FD("waiters", F_UADDR, S_HEX), FD("nr", F_VAL, S_DEC),
		FD("flags", F_OP, S_HEX), FD("timeout", F_VAL2, S_TIME),
		FD("clockid", F_VAL3, S_DEC), { NULL, 0, 0, 0 } },
	[FX_TR_WAITV_ENTRY] = (const struct fdesc[]){
		FD("uaddr", F_UADDR, S_HEX), FD("val", F_VAL, S_DEC),
		FD("flags", F_OP, S_F2), { NULL, 0, 0, 0 } },
	[FX_TR_FUTEX_WAIT] = (const struct fdesc[]){
		FD("uaddr", F_UADDR, S_HEX), FD("val", F_VAL, S_DEC),
		FD("mask", F_VAL3, S_HEX), FD("flags", F_OP, S_F2),
		FD("timeout", F_VAL2, S_TIME), { NULL, 0, 0, 0 } },
	[FX_TR_FUTEX_WAKE] = (const struct fdesc[]){
		FD("uaddr", F_UADDR, S_HEX), FD("mask", F_VAL3, S_HEX),
		FD("nr", F_VAL, S_DEC), FD("flags", F_OP, S_F2),
		{ NULL, 0, 0, 0 } },
	[FX_TR_FUTEX_REQUEUE] = (const struct fdesc[]){
		FD("waiters", F_UADDR, S_HEX), FD("flags", F_OP, S_HEX),
		FD("nr_wake", F_VAL, S_DEC), FD("nr_requeue", F_VAL2, S_DEC),
		{ NULL, 0, 0, 0 } },
	[FX_TR_THREAD_NEW] = (const struct fdesc[]){
		FD("parent", F_VAL, S_DEC), FD("flags", F_OP, S_HEX),
		{ NULL, 0, 0, 0 } },
	[FX_TR_THREAD_EXIT] = (const struct fdesc[]){ { NULL, 0, 0, 0 } },
	[FX_TR_SET_ROBUST] = (const struct fdesc[]){
		FD("head", F_UADDR, S_HEX), FD("len", F_VAL, S_DEC),
		{ NULL, 0, 0, 0 } },
	[FX_TR_SET_TID_ADDR] = (const struct fdesc[]){
		FD("uaddr", F_UADDR, S_HEX), { NULL, 0, 0, 0 } },
	[FX_TR_MAP] = (const struct fdesc[]){
		FD("addr", F_UADDR, S_HEX), FD("len", F_VAL2, S_HEX),
		FD("prot", F_VAL3, S_HEX), FD("flags", F_OP, S_HEX),
		FD("off", F_UADDR2, S_HEX), FD("inode", F_INODE, S_HEX),
		{ NULL, 0, 0, 0 } },
};

/* any field a kind does not name, written only when not 0 */
static const struct fdesc generic_fields[] = {
	FD("uaddr", F_UADDR, S_HEX), FD("uaddr2", F_UADDR2, S_HEX),
	FD("val", F_VAL, S_DEC), FD("val2", F_VAL2, S_DEC),
	FD("val3", F_VAL3, S_HEX), FD("op", F_OP, S_HEX),
	FD("inode", F_INODE, S_HEX), { NULL, 0, 0, 0 },
};

static uint64_t get_field(const struct fx_trace_rec *r, int f)
{
	switch (f) {
	case F_UADDR: return r->uaddr;
	case F_UADDR2: return r->uaddr2;
	case F_VAL: return r->val;
	case F_VAL2: return r->val2;
	case F_VAL3: return r->val3;
	case F_OP: return r->op;
	default: return r->inode;
	}
}

static void set_field(struct fx_trace_rec *r, int f, uint64_t v)
{
	switch (f) {
	case F_UADDR: r->uaddr = v; break;
	case F_UADDR2: r->uaddr2 = v; break;
	case F_VAL: r->val = v; break;
	case F_VAL2: r->val2 = v; break;
	case F_VAL3: r->val3 = v; break;
	case F_OP: r->op = v; break;
	default: r->inode = v; break;
	}
}

static bool field_is32(int f)
{
	return f == F_VAL || f == F_VAL3 || f == F_OP;
}

static bool fop_timed(uint32_t op)
{
	switch (op & FOP_CMD_MASK) {
	case 0: case 6: case 9: case 11: case 13:
		return true;
	default:
		return false;
	}
}

/* ---- formatting ---- */

struct out {
	char *p;
	size_t len, used;
};

/*
 * The writer's hot path: plain appends instead of vsnprintf (which costs
 * most of the text writer's time).  Past the end nothing is copied but
 * the length still counts, so the caller sees -ENOSPC.
 */
static inline void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->used + n <= o->len)
		memcpy(o->p + o->used, s, n);
	o->used += n;
}

static inline void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static inline void put_ch(struct out *o, char c)
{
	if (o->used < o->len)
		o->p[o->used] = c;
	o->used++;
}

static void put_u64(struct out *o, uint64_t v)
{
	char b[20];
	size_t i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(o, b + i, sizeof(b) - i);
}

static void put_hex(struct out *o, uint64_t v)
{
	static const char dig[] = "0123456789abcdef";
	char b[18];
	size_t i = sizeof(b);

	do {
		b[--i] = dig[v & 15];
		v >>= 4;
	} while (v);
	b[--i] = 'x';
	b[--i] = '0';
	put_mem(o, b + i, sizeof(b) - i);
}

static void emit_time(struct out *o, uint64_t ns)
{
	char f[10];
	uint64_t r = ns % 1000000000u;

	put_u64(o, ns / 1000000000u);
	f[0] = '.';
	for (int i = 9; i >= 1; i--) {
		f[i] = (char)('0' + r % 10);
		r /= 10;
	}
	put_mem(o, f, sizeof(f));
}

static void emit_hex(struct out *o, uint64_t v)
{
	if (v)
		put_hex(o, v);
	else
		put_ch(o, '0');
}

static void emit_fop(struct out *o, uint32_t op)
{
	uint32_t cmd = op & FOP_CMD_MASK, rest = op & ~FOP_CMD_MASK;

	if (cmd >= NR_FOPS) {
		put_hex(o, op);
		return;
	}
	put_str(o, fop_names[cmd]);
	if (rest & FOP_PRIVATE)
		put_mem(o, "_PRIVATE", 8);
	if (rest & FOP_REALTIME)
		put_str(o, "|FUTEX_CLOCK_REALTIME");
	rest &= ~(FOP_PRIVATE | FOP_REALTIME);
	if (rest) {
		put_ch(o, '|');
		put_hex(o, rest);
	}
}

static void emit_f2(struct out *o, uint32_t fl)
{
	put_str(o, f2_sizes[fl & 3]);
	fl &= ~3u;
	for (size_t i = 0; i < sizeof(f2_flags) / sizeof(f2_flags[0]); i++) {
		if (fl & f2_flags[i].bit) {
			put_ch(o, '|');
			put_str(o, f2_flags[i].name);
			fl &= ~f2_flags[i].bit;
		}
	}
	if (fl) {
		put_ch(o, '|');
		put_hex(o, fl);
	}
}

static void emit_field(struct out *o, const struct fdesc *d, uint64_t v)
{
	put_ch(o, ' ');
	put_str(o, d->key);
	put_ch(o, '=');
	switch (d->style) {
	case S_HEX: emit_hex(o, v); break;
	case S_DEC: put_u64(o, v); break;
	case S_FOP: emit_fop(o, (uint32_t)v); break;
	case S_F2: emit_f2(o, (uint32_t)v); break;
	default:
		if (v == FX_TR_NO_TIMEOUT)
			put_mem(o, "none", 4);
		else
			emit_time(o, v);
	}
}

/**
 * fx_trace_format_rec - one record as its text line (no newline)
 * @rec: the record; @buf, @len: where to write (FX_TRACE_LINE_MAX is enough)
 * Return: the length of the line, -EINVAL (unknown kind) or -ENOSPC.
 */
int fx_trace_format_rec(const struct fx_trace_rec *rec, char *buf,
			size_t len)
{
	struct out o = { buf, len, 0 };
	unsigned covered = 0;
	const struct fdesc *d;

	if (rec->kind < 1 || rec->kind >= FX_TR_KIND_MAX)
		return -EINVAL;
	emit_time(&o, rec->t_ns);
	put_mem(&o, " pid=", 5);
	put_u64(&o, rec->pid);
	put_mem(&o, " tid=", 5);
	put_u64(&o, rec->tid);
	if (rec->cpu == FX_TR_NO_CPU) {
		put_mem(&o, " cpu=?", 6);
	} else {
		put_mem(&o, " cpu=", 5);
		put_u64(&o, rec->cpu);
	}
	put_ch(&o, ' ');
	put_str(&o, kind_names[rec->kind]);
	for (d = kind_fields[rec->kind]; d->key; d++) {
		if (d->cond == C_TIMED && !fop_timed(rec->op))
			continue;
		if (d->cond == C_UNTIMED && fop_timed(rec->op))
			continue;
		emit_field(&o, d, get_field(rec, d->field));
		covered |= 1u << d->field;
	}
	for (d = generic_fields; d->key; d++) {
		uint64_t v = get_field(rec, d->field);

		if (!(covered & 1u << d->field) && v)
			emit_field(&o, d, v);
	}
	if (rec->ret == FX_TR_UNFINISHED) {
		put_mem(&o, " ret=?", 6);
	} else {
		const char *name = NULL;

		for (size_t i = 0; i < NR_ERRNOS && rec->ret < 0; i++)
			if (rec->ret == -errnos[i].nr)
				name = errnos[i].name;
		put_mem(&o, " ret=", 5);
		if (name) {
			put_ch(&o, '-');
			put_str(&o, name);
		} else if (rec->ret < 0) {
			put_ch(&o, '-');
			put_u64(&o, 0 - (uint64_t)rec->ret);
		} else {
			put_u64(&o, (uint64_t)rec->ret);
		}
	}
	put_mem(&o, " dur=", 5);
	emit_time(&o, rec->dur_ns);
	if (o.used >= len) {
		if (len)
			buf[len - 1] = 0;
		return -ENOSPC;
	}
	buf[o.used] = 0;
	return (int)o.used;
}

/* ---- parsing ---- */

/* strict unsigned number: decimal or 0x hex, no sign, no junk */
static bool parse_u64(const char *s, uint64_t *out)
{
	int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* seconds with up to 9 decimals */
static bool parse_time(const char *s, uint64_t *out)
{
	uint64_t sec = 0, frac = 0;
	int nd = 0;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (sec > (UINT64_MAX - 9) / 10)
			return false;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nd++) {
			if (nd == 9)
				return false;
			frac = frac * 10 + (*s - '0');
		}
		if (!nd)
			return false;
	}
	if (*s)
		return false;
	for (; nd < 9; nd++)
		frac *= 10;
	if (sec > (UINT64_MAX - frac) / 1000000000u)
		return false;
	*out = sec * 1000000000u + frac;
	return true;
}

/* the next '|'-separated token of *s into tok; false at the end */
static bool next_tok(const char **s, char *tok, size_t len)
{
	const char *p = *s, *e;
	size_t n;

	if (!*p)
		return false;
	e = strchr(p, '|');
	n = e ? (size_t)(e - p) : strlen(p);
	if (n >= len)
		n = len - 1;
	memcpy(tok, p, n);
	tok[n] = 0;
	*s = e ? e + 1 : p + strlen(p);
	return true;
}

static int parse_fop(const char *s, uint32_t *out, char *err, size_t errlen)
{
	char tok[64];
	uint32_t op = 0;
	bool have_cmd = false;

	if (!*s)
		goto bad;
	while (next_tok(&s, tok, sizeof(tok))) {
		uint64_t v;
		size_t i, n = strlen(tok);
		bool priv = false;

		if (parse_u64(tok, &v) && v <= UINT32_MAX) {
			op |= v;
			continue;
		}
		if (!strcmp(tok, "FUTEX_PRIVATE_FLAG")) {
			op |= FOP_PRIVATE;
			continue;
		}
		if (!strcmp(tok, "FUTEX_CLOCK_REALTIME")) {
			op |= FOP_REALTIME;
			continue;
		}
		if (n > 8 && !strcmp(tok + n - 8, "_PRIVATE")) {
			tok[n - 8] = 0;
			priv = true;
		}
		for (i = 0; i < NR_FOPS; i++)
			if (!strcmp(tok, fop_names[i]))
				break;
		if (i == NR_FOPS) {
			if (priv)
				tok[n - 8] = '_';
			seterr(err, errlen, "unknown op '%s' (expected a futex op name or number)",
			       tok);
			return -EINVAL;
		}
		if (have_cmd) {
			seterr(err, errlen, "op names two commands ('%s')", tok);
			return -EINVAL;
		}
		have_cmd = true;
		op |= i | (priv ? FOP_PRIVATE : 0);
	}
	*out = op;
	return 0;
bad:
	seterr(err, errlen, "empty op (expected a futex op name or number)");
	return -EINVAL;
}

static int parse_f2(const char *s, uint32_t *out, char *err, size_t errlen)
{
	char tok[64];
	uint32_t fl = 0;

	if (!*s) {
		seterr(err, errlen, "empty flags (expected FUTEX2_* names or a number)");
		return -EINVAL;
	}
	while (next_tok(&s, tok, sizeof(tok))) {
		uint64_t v;
		size_t i;
		bool found = false;

		if (parse_u64(tok, &v) && v <= UINT32_MAX) {
			fl |= v;
			continue;
		}
		for (i = 0; i < 4 && !found; i++)
			if (!strcmp(tok, f2_sizes[i])) {
				fl |= i;
				found = true;
			}
		for (i = 0; i < sizeof(f2_flags) / sizeof(f2_flags[0]) && !found; i++)
			if (!strcmp(tok, f2_flags[i].name)) {
				fl |= f2_flags[i].bit;
				found = true;
			}
		if (!found) {
			seterr(err, errlen, "unknown flag '%s' (expected FUTEX2_* names or a number)",
			       tok);
			return -EINVAL;
		}
	}
	*out = fl;
	return 0;
}

static int parse_ret(const char *s, int64_t *out)
{
	uint64_t v;
	bool neg = false;

	if (!strcmp(s, "?")) {
		*out = FX_TR_UNFINISHED;
		return 0;
	}
	if (s[0] == '-' && s[1] == 'E') {
		for (size_t i = 0; i < NR_ERRNOS; i++)
			if (!strcmp(s + 1, errnos[i].name)) {
				*out = -(int64_t)errnos[i].nr;
				return 0;
			}
		return -1;
	}
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s < '0' || *s > '9' || !parse_u64(s, &v))
		return -1;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > INT64_MAX)
		return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static const struct fdesc *find_desc(const struct fdesc *d, const char *key)
{
	for (; d->key; d++)
		if (!strcmp(d->key, key))
			return d;
	return NULL;
}

#define MAX_TOKENS	32

/**
 * fx_trace_parse_rec - a text line (without its newline) back into a record
 * Return: 0, or -EINVAL with what was expected in @err (no file:line).
 */
int fx_trace_parse_rec(const char *line, struct fx_trace_rec *rec,
		       char *err, size_t errlen)
{
	char tok[FX_TRACE_LINE_MAX];
	const char *p = line;
	unsigned seen = 0;
	bool have_kind = false;
	int kind = 0;

	memset(rec, 0, sizeof(*rec));
	rec->cpu = FX_TR_NO_CPU;
	rec->ret = FX_TR_UNFINISHED;

	/* first pass: the record kind (a bare word after the time) */
	for (int i = 0; ; i++) {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t");
		if (i > 0 && !memchr(p, '=', n)) {
			for (int k = 1; k < FX_TR_KIND_MAX; k++)
				if (strlen(kind_names[k]) == n &&
				    !memcmp(p, kind_names[k], n)) {
					if (have_kind) {
						seterr(err, errlen, "two record kinds");
						return -EINVAL;
					}
					kind = k;
					have_kind = true;
				}
			if (!kind || strlen(kind_names[kind]) != n ||
			    memcmp(p, kind_names[kind], n)) {
				seterr(err, errlen, "unknown record kind '%.*s' (expected futex, futex_waitv, waitv_entry, futex_wait, futex_wake, futex_requeue, thread_new, thread_exit, set_robust_list, set_tid_address or map)",
				       (int)(n > 64 ? 64 : n), p);
				return -EINVAL;
			}
		}
		p += n;
	}
	if (!have_kind) {
		seterr(err, errlen, "missing record kind (expected e.g. 'futex' after the time)");
		return -EINVAL;
	}
	rec->kind = kind;

	/* second pass: the time and the fields */
	p = line;
	for (int i = 0; ; i++) {
		size_t n;
		char *val;
		const struct fdesc *d;
		uint64_t v;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t");
		memcpy(tok, p, n);
		tok[n] = 0;
		p += n;
		if (i == 0) {
			if (!parse_time(tok, &rec->t_ns)) {
				seterr(err, errlen, "bad time '%.64s' (expected seconds with up to 9 decimals)",
				       tok);
				return -EINVAL;
			}
			continue;
		}
		val = strchr(tok, '=');
		if (!val)
			continue;	/* the kind */
		*val++ = 0;
		if (!strcmp(tok, "pid") || !strcmp(tok, "tid")) {
			if (!parse_u64(val, &v) || v > UINT32_MAX)
				goto badnum;
			if (tok[0] == 'p')
				rec->pid = v;
			else
				rec->tid = v;
			continue;
		}
		if (!strcmp(tok, "cpu")) {
			if (!strcmp(val, "?"))
				rec->cpu = FX_TR_NO_CPU;
			else if (!parse_u64(val, &v) || v > 0xffff)
				goto badnum;
			else
				rec->cpu = v;
			continue;
		}
		if (!strcmp(tok, "ret")) {
			if (parse_ret(val, &rec->ret)) {
				seterr(err, errlen, "bad value '%.64s' for ret (expected a number, -ENAME or ?)",
				       val);
				return -EINVAL;
			}
			continue;
		}
		if (!strcmp(tok, "dur")) {
			if (!parse_time(val, &rec->dur_ns)) {
				seterr(err, errlen, "bad value '%.64s' for dur (expected seconds with up to 9 decimals)",
				       val);
				return -EINVAL;
			}
			continue;
		}
		d = find_desc(kind_fields[kind], tok);
		if (!d)
			d = find_desc(generic_fields, tok);
		if (!d) {
			seterr(err, errlen, "unknown field '%.64s' in a %s record",
			       tok, kind_names[kind]);
			return -EINVAL;
		}
		if (seen & 1u << d->field) {
			seterr(err, errlen, "field '%s' given twice", tok);
			return -EINVAL;
		}
		seen |= 1u << d->field;
		switch (d->style) {
		case S_FOP: {
			uint32_t op;

			if (parse_fop(val, &op, err, errlen))
				return -EINVAL;
			v = op;
			break;
		}
		case S_F2: {
			uint32_t fl;

			if (parse_f2(val, &fl, err, errlen))
				return -EINVAL;
			v = fl;
			break;
		}
		case S_TIME:
			if (!strcmp(val, "none")) {
				v = FX_TR_NO_TIMEOUT;
			} else if (!parse_time(val, &v)) {
				seterr(err, errlen, "bad value '%.64s' for %s (expected seconds with up to 9 decimals or none)",
				       val, tok);
				return -EINVAL;
			}
			break;
		default:
			if (!parse_u64(val, &v) ||
			    (field_is32(d->field) && v > UINT32_MAX))
				goto badnum;
		}
		set_field(rec, d->field, v);
		continue;
badnum:
		seterr(err, errlen, "bad value '%.64s' for %s (expected a number)",
		       val, tok);
		return -EINVAL;
	}
	return 0;
}

/* ---- readers ---- */

static int check_meta_str(const char *what, const char *s, size_t size,
			  char *err, size_t errlen, const char *path)
{
	size_t n = strnlen(s, size);

	if (n == size) {
		seterr(err, errlen, "%s: %s longer than %zu bytes", path, what,
		       size - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			seterr(err, errlen, "%s: %s has a control character",
			       path, what);
			return -EINVAL;
		}
	return 0;
}

static int open_binary(struct fx_trace_reader *r, struct fx_trace_meta *meta,
		       char *err, size_t errlen)
{
	unsigned char h[HDR_SIZE];
	size_t n = fread(h + 8, 1, HDR_SIZE - 8, r->f) + 8;
	uint32_t ver, hsz, rsz;

	if (n < HDR_SIZE) {
		seterr(err, errlen, "%s: truncated header (got %zu of %u bytes)",
		       r->path, n, HDR_SIZE);
		return -EINVAL;
	}
	ver = get_le32(h + 8);
	hsz = get_le32(h + 12);
	rsz = get_le32(h + 16);
	if (ver != FX_TRACE_VERSION) {
		seterr(err, errlen, "%s: unsupported binary version %" PRIu32 " (this futexsim reads %d)",
		       r->path, ver, FX_TRACE_VERSION);
		return -EINVAL;
	}
	if (hsz < HDR_SIZE || rsz != REC_SIZE) {
		seterr(err, errlen, "%s: bad header (header size %" PRIu32 ", record size %" PRIu32 "; expected at least %u and %u)",
		       r->path, hsz, rsz, HDR_SIZE, REC_SIZE);
		return -EINVAL;
	}
	for (uint32_t skip = hsz - HDR_SIZE; skip; skip--)
		if (fgetc(r->f) == EOF) {
			seterr(err, errlen, "%s: truncated header", r->path);
			return -EINVAL;
		}
	meta->cpus = get_le32(h + 20);
	meta->nodes = get_le32(h + 24);
	meta->slots = (int32_t)get_le32(h + 28);
	memcpy(meta->host, h + HDR_HOST, 64);
	memcpy(meta->kernel, h + HDR_KERNEL, 64);
	memcpy(meta->source, h + HDR_SOURCE, 64);
	memcpy(meta->program, h + HDR_PROGRAM, 128);
	if (check_meta_str("host", meta->host, 64, err, errlen, r->path) ||
	    check_meta_str("kernel", meta->kernel, 64, err, errlen, r->path) ||
	    check_meta_str("source", meta->source, 64, err, errlen, r->path) ||
	    check_meta_str("program", meta->program, 128, err, errlen, r->path))
		return -EINVAL;
	r->blk = malloc((size_t)BLOCK_RECS * REC_SIZE);
	return r->blk ? 0 : -ENOMEM;
}

/* the next line into r->buf (newline removed): 1, 0 at EOF, or -errno */
static int read_line(struct fx_trace_reader *r, char *err, size_t errlen)
{
	size_t n;

	if (!fgets(r->buf, FX_TRACE_LINE_MAX + 2, r->f)) {
		if (ferror(r->f)) {
			seterr(err, errlen, "%s: read error: %s", r->path,
			       strerror(errno));
			return -EIO;
		}
		return 0;
	}
	r->line++;
	n = strlen(r->buf);
	if (n && r->buf[n - 1] == '\n') {
		r->buf[--n] = 0;
	} else if (n > FX_TRACE_LINE_MAX) {
		seterr(err, errlen, "%s:%" PRIu64 ": line longer than %d bytes",
		       r->path, r->line, FX_TRACE_LINE_MAX);
		return -EINVAL;
	}
	return 1;
}

static int meta_str(char *dst, size_t size, const char *v, const char *key,
		    struct fx_trace_reader *r, char *err, size_t errlen)
{
	if (strlen(v) >= size) {
		seterr(err, errlen, "%s:%" PRIu64 ": %s longer than %zu bytes",
		       r->path, r->line, key, size - 1);
		return -EINVAL;
	}
	strcpy(dst, v);
	return 0;
}

static int open_text(struct fx_trace_reader *r, struct fx_trace_meta *meta,
		     char *err, size_t errlen)
{
	uint64_t ver;
	int rc;

	r->buf = malloc(FX_TRACE_LINE_MAX + 2);
	if (!r->buf)
		return -ENOMEM;
	rc = read_line(r, err, errlen);
	if (rc < 0)
		return rc;
	if (!rc || strncmp(r->buf, TEXT_MAGIC, strlen(TEXT_MAGIC))) {
		seterr(err, errlen, "%s:1: not a futexsim trace (expected '" TEXT_MAGIC "%d' or the binary magic " FX_TRACE_MAGIC ")",
		       r->path, FX_TRACE_VERSION);
		return -EINVAL;
	}
	if (!parse_u64(r->buf + strlen(TEXT_MAGIC), &ver) ||
	    ver != FX_TRACE_VERSION) {
		seterr(err, errlen, "%s:1: unsupported version '%.32s' (this futexsim reads %d)",
		       r->path, r->buf + strlen(TEXT_MAGIC), FX_TRACE_VERSION);
		return -EINVAL;
	}
	while ((rc = read_line(r, err, errlen)) > 0) {
		char *k = r->buf, *v;
		uint64_t u;

		if (!*k)
			continue;
		if (*k != '#') {
			r->pending = true;
			break;
		}
		if (strncmp(k, "# ", 2) || !(v = strchr(k, ':')))
			continue;	/* a comment */
		k += 2;
		*v++ = 0;
		if (*v == ' ')
			v++;
		rc = 0;
		if (!strcmp(k, "host"))
			rc = meta_str(meta->host, 64, v, k, r, err, errlen);
		else if (!strcmp(k, "kernel"))
			rc = meta_str(meta->kernel, 64, v, k, r, err, errlen);
		else if (!strcmp(k, "source"))
			rc = meta_str(meta->source, 64, v, k, r, err, errlen);
		else if (!strcmp(k, "program"))
			rc = meta_str(meta->program, 128, v, k, r, err, errlen);
		else if (!strcmp(k, "cpus") || !strcmp(k, "nodes")) {
			if (!parse_u64(v, &u) || u > UINT32_MAX)
				goto badnum;
			if (k[0] == 'c')
				meta->cpus = u;
			else
				meta->nodes = u;
		} else if (!strcmp(k, "slots")) {
			if (!strcmp(v, "-1"))
				meta->slots = -1;
			else if (!parse_u64(v, &u) || u > INT32_MAX)
				goto badnum;
			else
				meta->slots = u;
		}
		if (rc)
			return rc;
		continue;
badnum:
		seterr(err, errlen, "%s:%" PRIu64 ": bad value '%.64s' for %s (expected a number)",
		       r->path, r->line, v, k);
		return -EINVAL;
	}
	return rc < 0 ? rc : 0;
}

/**
 * fx_trace_open - open a trace in either form (detected by its magic)
 * @path: file ("-" for stdin: text only)
 * @out: the reader; @meta: the header
 * @err, @errlen: the message on failure
 *
 * Return: 0 or -errno / -EINVAL (bad header), message in @err.
 */
int fx_trace_open(const char *path, struct fx_trace_reader **out,
		  struct fx_trace_meta *meta, char *err, size_t errlen)
{
	bool is_stdin = !strcmp(path, "-");
	const char *name = is_stdin ? "<stdin>" : path;
	struct fx_trace_reader *r = calloc(1, sizeof(*r) + strlen(name) + 1);
	char magic[8];
	int rc;

	*out = NULL;
	if (!r) {
		seterr(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	strcpy(r->path, name);
	memset(meta, 0, sizeof(*meta));
	meta->slots = -1;
	r->f = is_stdin ? stdin : fopen(path, "rb");
	if (!r->f) {
		rc = -errno;
		seterr(err, errlen, "%s: %s", name, strerror(errno));
		free(r);
		return rc;
	}
	r->own = !is_stdin;
	if (r->own && fread(magic, 1, 8, r->f) == 8 &&
	    !memcmp(magic, FX_TRACE_MAGIC, 8)) {
		r->binary = true;
		rc = open_binary(r, meta, err, errlen);
	} else {
		if (r->own)
			rewind(r->f);
		rc = open_text(r, meta, err, errlen);
	}
	if (rc) {
		if (rc == -ENOMEM)
			seterr(err, errlen, "%s: out of memory", name);
		fx_trace_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/**
 * fx_trace_binary - whether @r reads the binary form
 */
bool fx_trace_binary(const struct fx_trace_reader *r)
{
	return r->binary;
}

static int next_binary(struct fx_trace_reader *r, struct fx_trace_rec *rec,
		       char *err, size_t errlen)
{
	if (r->pos == r->nrec) {
		size_t n;

		if (r->trunc) {
			seterr(err, errlen, "%s: record %" PRIu64 ": truncated (got %zu of %u bytes)",
			       r->path, r->line + 1, r->trunc, REC_SIZE);
			return -EINVAL;
		}
		if (r->eof)
			return 0;
		n = fread(r->blk, 1, (size_t)BLOCK_RECS * REC_SIZE, r->f);
		if (n < (size_t)BLOCK_RECS * REC_SIZE) {
			if (ferror(r->f)) {
				seterr(err, errlen, "%s: read error: %s",
				       r->path, strerror(errno));
				return -EIO;
			}
			r->eof = true;
		}
		r->nrec = n / REC_SIZE;
		r->trunc = n % REC_SIZE;
		r->pos = 0;
		if (!r->nrec)
			return next_binary(r, rec, err, errlen);
	}
	memcpy(rec, r->blk + r->pos++ * REC_SIZE, REC_SIZE);
	r->line++;
	rec_swap(rec);
	if (rec->kind < 1 || rec->kind >= FX_TR_KIND_MAX) {
		seterr(err, errlen, "%s: record %" PRIu64 ": unknown kind %u (expected 1 to %d)",
		       r->path, r->line, (unsigned)rec->kind,
		       FX_TR_KIND_MAX - 1);
		return -EINVAL;
	}
	return 1;
}

/**
 * fx_trace_next - the next record
 * @r: the reader; @rec: the record read
 * @err, @errlen: the message on failure
 *
 * Return: 1 (a record), 0 (end of trace), or -EINVAL (malformed: @err
 * names the file and line or record number and what was expected).
 */
int fx_trace_next(struct fx_trace_reader *r, struct fx_trace_rec *rec,
		  char *err, size_t errlen)
{
	char msg[256];
	int rc;

	if (r->binary)
		return next_binary(r, rec, err, errlen);
	for (;;) {
		if (r->pending) {
			r->pending = false;
		} else {
			rc = read_line(r, err, errlen);
			if (rc <= 0)
				return rc;
		}
		if (!r->buf[strspn(r->buf, " \t")] || r->buf[0] == '#')
			continue;
		if (fx_trace_parse_rec(r->buf, rec, msg, sizeof(msg))) {
			seterr(err, errlen, "%s:%" PRIu64 ": %s", r->path,
			       r->line, msg);
			return -EINVAL;
		}
		return 1;
	}
}

/**
 * fx_trace_close - close a reader (NULL is ignored)
 */
void fx_trace_close(struct fx_trace_reader *r)
{
	if (!r)
		return;
	if (r->own)
		fclose(r->f);
	free(r->buf);
	free(r->blk);
	free(r);
}

/* ---- writers ---- */

static int write_header(struct fx_trace_writer *w,
			const struct fx_trace_meta *m)
{
	if (w->binary) {
		unsigned char h[HDR_SIZE];

		memset(h, 0, sizeof(h));
		memcpy(h, FX_TRACE_MAGIC, 8);
		put_le32(h + 8, FX_TRACE_VERSION);
		put_le32(h + 12, HDR_SIZE);
		put_le32(h + 16, REC_SIZE);
		put_le32(h + 20, m->cpus);
		put_le32(h + 24, m->nodes);
		put_le32(h + 28, (uint32_t)m->slots);
		strcpy((char *)h + HDR_HOST, m->host);
		strcpy((char *)h + HDR_KERNEL, m->kernel);
		strcpy((char *)h + HDR_SOURCE, m->source);
		strcpy((char *)h + HDR_PROGRAM, m->program);
		fwrite(h, 1, sizeof(h), w->f);
	} else {
		fprintf(w->f, TEXT_MAGIC "%d\n# host: %s\n# kernel: %s\n"
			"# cpus: %u\n# nodes: %u\n# slots: %d\n# source: %s\n"
			"# program: %s\n", FX_TRACE_VERSION, m->host,
			m->kernel, m->cpus, m->nodes, m->slots, m->source,
			m->program);
	}
	return ferror(w->f) ? -EIO : 0;
}

/**
 * fx_trace_create - write a trace; @binary picks the form
 * @path: the file ("-": stdout, written as it goes)
 * @binary: the binary form, else text
 * @meta: the header (strings without control characters; slots >= -1)
 * @out: the writer
 * @err, @errlen: the message on failure
 *
 * The file is written under a temporary name and renamed by
 * fx_trace_commit(); fx_trace_abort() removes it.
 * Return: 0 or a negative errno with the message in @err.
 */
int fx_trace_create(const char *path, bool binary,
		    const struct fx_trace_meta *meta,
		    struct fx_trace_writer **out, char *err, size_t errlen)
{
	struct fx_trace_writer *w;
	int fd, rc;

	*out = NULL;
	if (check_meta_str("host", meta->host, 64, err, errlen, path) ||
	    check_meta_str("kernel", meta->kernel, 64, err, errlen, path) ||
	    check_meta_str("source", meta->source, 64, err, errlen, path) ||
	    check_meta_str("program", meta->program, 128, err, errlen, path))
		return -EINVAL;
	if (meta->slots < -1) {
		seterr(err, errlen, "%s: slots %d (expected -1 or more)", path,
		       meta->slots);
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w) + strlen(path) + 1);
	if (!w)
		goto nomem;
	strcpy(w->path, path);
	w->binary = binary;
	if (binary) {
		w->blk = malloc((size_t)BLOCK_RECS * REC_SIZE);
		if (!w->blk)
			goto nomem;
	}
	if (!strcmp(path, "-")) {
		w->f = stdout;
	} else {
		size_t len = strlen(path) + 16;

		w->tmp = malloc(len);
		if (!w->tmp)
			goto nomem;
		snprintf(w->tmp, len, "%s.tmpXXXXXX", path);
		fd = fx_mkstemp(w->tmp);
		if (fd < 0) {
			rc = -errno;
			seterr(err, errlen, "%s: cannot create a file beside it: %s",
			       path, strerror(errno));
			free(w->tmp);
			w->tmp = NULL;
			fx_trace_abort(w);
			return rc;
		}
		w->f = fdopen(fd, "wb");
		if (!w->f) {
			rc = -errno;
			close(fd);
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			fx_trace_abort(w);
			return rc;
		}
	}
	rc = write_header(w, meta);
	if (rc) {
		seterr(err, errlen, "%s: write failed: %s", path, strerror(-rc));
		fx_trace_abort(w);
		return rc;
	}
	*out = w;
	return 0;
nomem:
	seterr(err, errlen, "%s: out of memory", path);
	fx_trace_abort(w);
	return -ENOMEM;
}

static void flush_block(struct fx_trace_writer *w)
{
	if (w->n && fwrite(w->blk, REC_SIZE, w->n, w->f) != w->n && !w->err)
		w->err = errno ? -errno : -EIO;
	w->n = 0;
}

/**
 * fx_trace_write - append a record
 * @w: the writer; @rec: the record
 *
 * Return: 0, -EINVAL (a kind the format does not know: nothing written),
 * or the first write error (also reported by fx_trace_commit()).
 */
int fx_trace_write(struct fx_trace_writer *w, const struct fx_trace_rec *rec)
{
	if (rec->kind < 1 || rec->kind >= FX_TR_KIND_MAX)
		return -EINVAL;
	if (w->binary) {
		struct fx_trace_rec *d = (struct fx_trace_rec *)
			(void *)(w->blk + w->n * REC_SIZE);

		*d = *rec;
		rec_swap(d);
		if (++w->n == BLOCK_RECS)
			flush_block(w);
	} else {
		char line[FX_TRACE_LINE_MAX];
		int n = fx_trace_format_rec(rec, line, sizeof(line) - 1);

		if (n < 0)
			return n;
		line[n++] = '\n';
		if (fwrite(line, 1, n, w->f) != (size_t)n && !w->err)
			w->err = errno ? -errno : -EIO;
	}
	return w->err;
}

/**
 * fx_trace_commit - finish the trace: flush, sync, rename over the path
 * @w: the writer (freed)
 * @err, @errlen: the message on failure (the temporary file is removed)
 *
 * Return: 0 or a negative errno.
 */
int fx_trace_commit(struct fx_trace_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (w->binary)
		flush_block(w);
	if (fflush(w->f) || ferror(w->f))
		rc = errno ? -errno : -EIO;
	if (!rc && w->err)
		rc = w->err;
	if (w->tmp) {
		if (!rc && fsync(fileno(w->f)))
			rc = -errno;
		if (fclose(w->f) && !rc)
			rc = errno ? -errno : -EIO;
		w->f = NULL;
		if (!rc && rename(w->tmp, w->path))
			rc = -errno;
	}
	if (rc) {
		seterr(err, errlen, "%s: write failed: %s", w->path,
		       strerror(-rc));
		fx_trace_abort(w);
		return rc;
	}
	free(w->tmp);
	free(w->blk);
	free(w);
	return 0;
}

/**
 * fx_trace_abort - drop a trace being written (NULL is ignored)
 */
void fx_trace_abort(struct fx_trace_writer *w)
{
	if (!w)
		return;
	if (w->f && w->f != stdout)
		fclose(w->f);
	else if (w->f)
		fflush(w->f);
	if (w->tmp) {
		unlink(w->tmp);
		free(w->tmp);
	}
	free(w->blk);
	free(w);
}
