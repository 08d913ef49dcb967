// SPDX-License-Identifier: MIT
/*
 * test_trace.c - the trace format (sim/trace/trace.c, workloads/FORMAT.md):
 * lossless text <-> binary round trips, every parse error with its
 * file:line message, truncated and foreign binaries, whole-or-nothing
 * writes, futexsim trace convert, and streaming a large trace in bounded
 * memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "trace/trace.h"

static char dir[64];

static const char *tpath(const char *name)
{
	static char buf[4][384];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/fxtraceXXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	(void)state;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlink(tpath(e->d_name));
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static struct fx_trace_meta test_meta(void)
{
	struct fx_trace_meta m;

	memset(&m, 0, sizeof(m));
	strcpy(m.host, "test host");
	strcpy(m.kernel, "6.17.0-rc1");
	m.cpus = 64;
	m.nodes = 2;
	m.slots = -1;
	strcpy(m.source, "synthetic");
	strcpy(m.program, "./a.out --threads 8");
	return m;
}

static struct fx_trace_rec mk(uint64_t t, int kind)
{
	struct fx_trace_rec r;

	memset(&r, 0, sizeof(r));
	r.t_ns = t;
	r.dur_ns = 4000;
	r.pid = 100;
	r.tid = 101;
	r.cpu = 3;
	r.kind = kind;
	return r;
}

/* every record kind, extreme values, unfinished calls, errnos */
static size_t all_kinds(struct fx_trace_rec *v)
{
	size_t n = 0;
	struct fx_trace_rec r;

	r = mk(1234567890123ull, FX_TR_FUTEX);
	r.uaddr = 0x7f00000010;
	r.op = 0x80;			/* FUTEX_WAIT_PRIVATE */
	r.val = 2;
	r.val2 = FX_TR_NO_TIMEOUT;
	r.ret = -EAGAIN;
	v[n++] = r;
	r.op = 0x189;			/* WAIT_BITSET|PRIVATE|CLOCK_REALTIME */
	r.val2 = 1500000000;
	r.val3 = 0xffffffff;
	r.ret = FX_TR_UNFINISHED;
	r.cpu = FX_TR_NO_CPU;
	r.dur_ns = 0;
	v[n++] = r;
	r = mk(1234567890124ull, FX_TR_FUTEX);
	r.op = 0x85;			/* WAKE_OP_PRIVATE */
	r.uaddr = 0x1000;
	r.uaddr2 = 0x1004;
	r.val = 1;
	r.val2 = 1;
	r.val3 = 0x04000001;
	r.ret = 1;
	v[n++] = r;
	r.op = 0x8e;			/* an unknown command */
	r.ret = -ENOSYS;
	v[n++] = r;
	r.op = 0x4184;			/* CMP_REQUEUE|PRIVATE|REALTIME|0x4000 */
	r.val2 = UINT64_MAX;
	r.ret = -600;			/* a negative without a name */
	v[n++] = r;
	r = mk(UINT64_MAX, FX_TR_FUTEX);
	r.pid = UINT32_MAX;
	r.tid = UINT32_MAX;
	r.cpu = 0xfffe;
	r.op = 6;			/* LOCK_PI */
	r.uaddr = UINT64_MAX;
	r.uaddr2 = UINT64_MAX;
	r.val = UINT32_MAX;
	r.val2 = UINT64_MAX - 1;
	r.val3 = UINT32_MAX;
	r.ret = INT64_MAX;
	r.dur_ns = UINT64_MAX;
	v[n++] = r;
	r.ret = INT64_MIN + 1;
	r.t_ns = 0;
	r.dur_ns = 0;
	r.cpu = 0;
	v[n++] = r;
	r = mk(2000000000, FX_TR_FUTEX_WAITV);
	r.uaddr = 0x5000;
	r.val = 2;
	r.val2 = 99;
	r.val3 = 1;
	r.ret = -ETIMEDOUT;
	v[n++] = r;
	r = mk(2000000000, FX_TR_WAITV_ENTRY);
	r.uaddr = 0x1000;
	r.val = 0;
	r.op = 0x82;			/* U32|PRIVATE */
	v[n++] = r;
	r.op = 0x8f;			/* U64|NUMA|MPOL|PRIVATE */
	v[n++] = r;
	r = mk(2000000001, FX_TR_FUTEX_WAIT);
	r.uaddr = 0x2000;
	r.val = 7;
	r.val3 = 0xffffffff;
	r.op = 0x106;			/* U32|NUMA|0x100 */
	r.val2 = FX_TR_NO_TIMEOUT;
	r.ret = -EINTR;
	v[n++] = r;
	r = mk(2000000002, FX_TR_FUTEX_WAKE);
	r.uaddr = 0x2000;
	r.val3 = 0xffffffff;
	r.val = 1;
	r.op = 0x82;
	r.ret = 0;
	v[n++] = r;
	r = mk(2000000003, FX_TR_FUTEX_REQUEUE);
	r.uaddr = 0x6000;
	r.val = 1;
	r.val2 = INT32_MAX;
	r.ret = -EINVAL;
	v[n++] = r;
	r = mk(2000000004, FX_TR_THREAD_NEW);
	r.tid = 102;
	r.val = 101;
	r.op = 0x3d0f00;
	r.ret = 102;
	v[n++] = r;
	r = mk(2000000005, FX_TR_THREAD_EXIT);
	r.ret = 0;
	v[n++] = r;
	r.inode = 5;			/* fields a kind does not name */
	r.val3 = 9;
	r.uaddr2 = 1;
	v[n++] = r;
	r = mk(2000000006, FX_TR_SET_ROBUST);
	r.uaddr = 0x7f0000000920;
	r.val = 24;
	r.ret = 0;
	v[n++] = r;
	r = mk(2000000007, FX_TR_SET_TID_ADDR);
	r.uaddr = 0x7f0000000910;
	r.ret = 101;
	v[n++] = r;
	r = mk(2000000008, FX_TR_MAP);
	r.uaddr = 0x7f0000000000;
	r.val2 = 0x21000;
	r.val3 = 3;
	r.op = 0x22;
	r.uaddr2 = 0x1000;
	r.inode = (0x803ull << 32) ^ 1234567;
	r.ret = 0;
	v[n++] = r;
	return n;
}

static void write_recs(const char *path, bool binary,
		       const struct fx_trace_rec *v, size_t n)
{
	struct fx_trace_meta m = test_meta();
	struct fx_trace_writer *w;
	char err[256];

	assert_int_equal(fx_trace_create(path, binary, &m, &w, err,
					 sizeof(err)), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fx_trace_write(w, &v[i]), 0);
	assert_int_equal(fx_trace_commit(w, err, sizeof(err)), 0);
}

static void convert(const char *in, const char *out, bool binary)
{
	struct fx_trace_reader *r;
	struct fx_trace_writer *w;
	struct fx_trace_meta m;
	struct fx_trace_rec rec;
	char err[256];
	int rc;

	assert_int_equal(fx_trace_open(in, &r, &m, err, sizeof(err)), 0);
	assert_int_equal(fx_trace_create(out, binary, &m, &w, err,
					 sizeof(err)), 0);
	while ((rc = fx_trace_next(r, &rec, err, sizeof(err))) > 0)
		assert_int_equal(fx_trace_write(w, &rec), 0);
	assert_int_equal(rc, 0);
	fx_trace_close(r);
	assert_int_equal(fx_trace_commit(w, err, sizeof(err)), 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = n;
	return buf;
}

static void assert_same_file(const char *a, const char *b)
{
	size_t na, nb;
	char *x = slurp(a, &na), *y = slurp(b, &nb);

	assert_int_equal(na, nb);
	assert_memory_equal(x, y, na);
	free(x);
	free(y);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_round_trip(void **state)
{
	struct fx_trace_rec v[64], rec;
	struct fx_trace_reader *r;
	struct fx_trace_meta m, want = test_meta();
	char err[256];
	size_t n = all_kinds(v), i = 0;
	int rc;

	(void)state;
	write_recs(tpath("a.bin"), true, v, n);
	convert(tpath("a.bin"), tpath("a.txt"), false);
	convert(tpath("a.txt"), tpath("b.bin"), true);
	convert(tpath("b.bin"), tpath("b.txt"), false);
	assert_same_file(tpath("a.bin"), tpath("b.bin"));
	assert_same_file(tpath("a.txt"), tpath("b.txt"));

	/* the text form reads back every field */
	assert_int_equal(fx_trace_open(tpath("a.txt"), &r, &m, err,
				       sizeof(err)), 0);
	assert_false(fx_trace_binary(r));
	assert_memory_equal(&m, &want, sizeof(m));
	while ((rc = fx_trace_next(r, &rec, err, sizeof(err))) > 0) {
		assert_true(i < n);
		assert_memory_equal(&rec, &v[i], sizeof(rec));
		i++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(i, n);
	fx_trace_close(r);

	/* the binary form is the header then the records as they are */
	{
		size_t len;
		char *b = slurp(tpath("a.bin"), &len);

		assert_int_equal(len, 352 + n * 80);
		assert_memory_equal(b, FX_TRACE_MAGIC, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		assert_memory_equal(b + 352, v, n * 80);
#endif
		free(b);
	}
}

static void test_format(void **state)
{
	static const char *const lines[] = {
		"1234.567890123 pid=100 tid=101 cpu=3 futex uaddr=0x7f00000010 op=FUTEX_WAIT_PRIVATE val=2 timeout=none uaddr2=0 val3=0 ret=-EAGAIN dur=0.000004000",
		"0.000000001 pid=1 tid=1 cpu=? futex uaddr=0x10 op=FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME val=0 timeout=1.500000000 uaddr2=0 val3=0xffffffff ret=? dur=0.000000000",
		"1.000000000 pid=1 tid=1 cpu=0 futex uaddr=0x10 op=FUTEX_WAKE_OP_PRIVATE val=1 val2=1 uaddr2=0x14 val3=0x4000001 ret=1 dur=0.000000100",
		"1.000000000 pid=1 tid=2 cpu=0 futex_wake uaddr=0x10 mask=0xffffffff nr=1 flags=FUTEX2_SIZE_U32|FUTEX2_NUMA|FUTEX2_PRIVATE ret=0 dur=0.000000100",
		"2.000000000 pid=1 tid=2 cpu=1 thread_exit inode=0x5 ret=0 dur=0.000000000",
	};
	char buf[FX_TRACE_LINE_MAX], err[256];
	struct fx_trace_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int rc = fx_trace_parse_rec(lines[i], &r, err, sizeof(err));

		if (rc)
			fail_msg("%s: %s", lines[i], err);
		assert_int_equal(fx_trace_format_rec(&r, buf, sizeof(buf)),
				 (int)strlen(lines[i]));
		assert_string_equal(buf, lines[i]);
	}
	/* other spellings parse to the same record */
	assert_int_equal(fx_trace_parse_rec("1.5 futex pid=7 tid=7 op=FUTEX_WAIT|FUTEX_PRIVATE_FLAG uaddr=16 ret=-11 cpu=2",
					    &r, err, sizeof(err)), 0);
	assert_int_equal(r.t_ns, 1500000000);
	assert_int_equal(r.op, 0x80);
	assert_int_equal(r.uaddr, 16);
	assert_int_equal(r.ret, -EAGAIN);
	assert_int_equal(r.cpu, 2);
	assert_int_equal(r.val2, 0);
	/* too small a buffer, unknown kind */
	assert_int_equal(fx_trace_format_rec(&r, buf, 10), -ENOSPC);
	r.kind = FX_TR_KIND_MAX;
	assert_int_equal(fx_trace_format_rec(&r, buf, sizeof(buf)), -EINVAL);
}

static const char hdr[] = "#!futexsim-trace 1\n# host: h\n";

/* a text trace with @line as its record (line 3) fails with @msg */
static void expect_text_error(const char *line, const char *msg)
{
	char text[8192], err[512], want[512];
	struct fx_trace_reader *r;
	struct fx_trace_meta m;
	struct fx_trace_rec rec;
	const char *p = tpath("bad.txt");

	snprintf(text, sizeof(text), "%s%s\n", hdr, line);
	write_file(p, text);
	if (fx_trace_open(p, &r, &m, err, sizeof(err)))
		fail_msg("open: %s", err);
	assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: %s", p, msg);
	assert_string_equal(err, want);
	fx_trace_close(r);
}

static void test_parse_errors(void **state)
{
	char longline[FX_TRACE_LINE_MAX + 100];

	(void)state;
	expect_text_error("1.0 pid=1 tid=1 futex op=FUTEX_FOO",
			  "unknown op 'FUTEX_FOO' (expected a futex op name or number)");
	expect_text_error("1.0 pid=1 tid=1 futex op=FUTEX_WAKE|FUTEX_WAIT",
			  "op names two commands ('FUTEX_WAIT')");
	expect_text_error("1.0 pid=1 tid=1 futex op=",
			  "empty op (expected a futex op name or number)");
	expect_text_error("1.0 pid=1 tid=1 futex_wake flags=FUTEX2_SIZE_U9",
			  "unknown flag 'FUTEX2_SIZE_U9' (expected FUTEX2_* names or a number)");
	expect_text_error("1.0 pid=1 tid=1 futex_foo",
			  "unknown record kind 'futex_foo' (expected futex, futex_waitv, waitv_entry, futex_wait, futex_wake, futex_requeue, thread_new, thread_exit, set_robust_list, set_tid_address or map)");
	expect_text_error("1.0 pid=1 tid=1",
			  "missing record kind (expected e.g. 'futex' after the time)");
	expect_text_error("1.0 futex futex",
			  "two record kinds");
	expect_text_error("x1.0 pid=1 futex",
			  "bad time 'x1.0' (expected seconds with up to 9 decimals)");
	expect_text_error("1.0123456789 pid=1 futex",
			  "bad time '1.0123456789' (expected seconds with up to 9 decimals)");
	expect_text_error("18446744073.709551616 pid=1 futex",
			  "bad time '18446744073.709551616' (expected seconds with up to 9 decimals)");
	expect_text_error("1.0 pid=-1 futex",
			  "bad value '-1' for pid (expected a number)");
	expect_text_error("1.0 pid=4294967296 futex",
			  "bad value '4294967296' for pid (expected a number)");
	expect_text_error("1.0 cpu=65536 futex",
			  "bad value '65536' for cpu (expected a number)");
	expect_text_error("1.0 futex val=0x100000000",
			  "bad value '0x100000000' for val (expected a number)");
	expect_text_error("1.0 futex uaddr=0xg",
			  "bad value '0xg' for uaddr (expected a number)");
	expect_text_error("1.0 futex ret=-EFOO",
			  "bad value '-EFOO' for ret (expected a number, -ENAME or ?)");
	expect_text_error("1.0 futex ret=-9223372036854775809",
			  "bad value '-9223372036854775809' for ret (expected a number, -ENAME or ?)");
	expect_text_error("1.0 futex dur=soon",
			  "bad value 'soon' for dur (expected seconds with up to 9 decimals)");
	expect_text_error("1.0 futex timeout=later",
			  "bad value 'later' for timeout (expected seconds with up to 9 decimals or none)");
	expect_text_error("1.0 futex_wake colour=red",
			  "unknown field 'colour' in a futex_wake record");
	expect_text_error("1.0 futex_wake nr=1 val=2",
			  "field 'val' given twice");
	expect_text_error("1.0 futex timeout=1 val2=2",
			  "field 'val2' given twice");

	/* a line too long (line 4), after a good record */
	memset(longline, 'a', sizeof(longline) - 1);
	memcpy(longline, "1.0 futex\n", 10);
	longline[sizeof(longline) - 1] = 0;
	{
		char text[8192], err[512], want[512];
		struct fx_trace_reader *r;
		struct fx_trace_meta m;
		struct fx_trace_rec rec;
		const char *p = tpath("long.txt");

		snprintf(text, sizeof(text), "%s%s\n", hdr, longline);
		write_file(p, text);
		assert_int_equal(fx_trace_open(p, &r, &m, err, sizeof(err)), 0);
		assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)), 1);
		assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want), "%s:4: line longer than 4096 bytes", p);
		assert_string_equal(err, want);
		fx_trace_close(r);
	}
}

static void expect_open_error(const char *p, const char *msg)
{
	struct fx_trace_reader *r;
	struct fx_trace_meta m;
	char err[512];

	assert_int_equal(fx_trace_open(p, &r, &m, err, sizeof(err)), -EINVAL);
	assert_null(r);
	assert_string_equal(err, msg);
}

static void test_header_errors(void **state)
{
	const char *p = tpath("h.txt");
	char want[512];
	unsigned char b[400];
	FILE *f;

	(void)state;
	write_file(p, "hello\n");
	snprintf(want, sizeof(want), "%s:1: not a futexsim trace (expected '#!futexsim-trace 1' or the binary magic FXTRACE1)", p);
	expect_open_error(p, want);
	write_file(p, "");
	expect_open_error(p, want);
	write_file(p, "FXTRACE2 and more");
	expect_open_error(p, want);
	write_file(p, "#!futexsim-trace 2\n");
	snprintf(want, sizeof(want), "%s:1: unsupported version '2' (this futexsim reads 1)", p);
	expect_open_error(p, want);
	write_file(p, "#!futexsim-trace 1\n# cpus: many\n");
	snprintf(want, sizeof(want), "%s:2: bad value 'many' for cpus (expected a number)", p);
	expect_open_error(p, want);

	/* binary: truncated header, wrong version, wrong record size */
	p = tpath("h.bin");
	write_file(p, "FXTRACE1\x01");
	snprintf(want, sizeof(want), "%s: truncated header (got 9 of 352 bytes)", p);
	expect_open_error(p, want);
	memset(b, 0, sizeof(b));
	memcpy(b, "FXTRACE1", 8);
	b[8] = 2;
	b[12] = 352 & 0xff;
	b[13] = 352 >> 8;
	b[16] = 80;
	f = fopen(p, "wb");
	fwrite(b, 1, 352, f);
	fclose(f);
	snprintf(want, sizeof(want), "%s: unsupported binary version 2 (this futexsim reads 1)", p);
	expect_open_error(p, want);
	b[8] = 1;
	b[16] = 88;
	f = fopen(p, "wb");
	fwrite(b, 1, 352, f);
	fclose(f);
	snprintf(want, sizeof(want), "%s: bad header (header size 352, record size 88; expected at least 352 and 80)", p);
	expect_open_error(p, want);
	b[16] = 80;
	memset(b + 32, 'x', 64);	/* host without its NUL */
	f = fopen(p, "wb");
	fwrite(b, 1, 352, f);
	fclose(f);
	snprintf(want, sizeof(want), "%s: host longer than 63 bytes", p);
	expect_open_error(p, want);
}

static void test_truncated_binary(void **state)
{
	struct fx_trace_rec v[64], rec;
	struct fx_trace_reader *r;
	struct fx_trace_meta m;
	char err[256], want[256];
	const char *p = tpath("t.bin");
	size_t n = all_kinds(v);

	(void)state;
	write_recs(p, true, v, n);
	assert_int_equal(truncate(p, 352 + (n - 1) * 80 + 37), 0);
	assert_int_equal(fx_trace_open(p, &r, &m, err, sizeof(err)), 0);
	assert_true(fx_trace_binary(r));
	for (size_t i = 0; i < n - 1; i++)
		assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)), 1);
	assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: record %zu: truncated (got 37 of 80 bytes)",
		 p, n);
	assert_string_equal(err, want);
	fx_trace_close(r);

	/* a record of an unknown kind */
	v[1].kind = 99;
	{
		FILE *f = fopen(p, "r+b");

		fseek(f, 352 + 80 + 26, SEEK_SET);
		fputc(99, f);
		fclose(f);
	}
	assert_int_equal(fx_trace_open(p, &r, &m, err, sizeof(err)), 0);
	assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)), 1);
	assert_int_equal(fx_trace_next(r, &rec, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: record 2: unknown kind 99 (expected 1 to 11)", p);
	assert_string_equal(err, want);
	fx_trace_close(r);
}

static size_t count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_whole_or_nothing(void **state)
{
	struct fx_trace_meta m = test_meta();
	struct fx_trace_writer *w;
	struct fx_trace_rec v[64];
	char err[256];

	(void)state;
	all_kinds(v);
	assert_int_equal(count_files(), 0);
	assert_int_equal(fx_trace_create(tpath("w.bin"), true, &m, &w, err,
					 sizeof(err)), 0);
	assert_int_equal(fx_trace_write(w, &v[0]), 0);
	assert_int_equal(count_files(), 1);	/* the temporary file */
	fx_trace_abort(w);
	assert_int_equal(count_files(), 0);
	assert_int_equal(access(tpath("w.bin"), F_OK), -1);

	v[0].kind = 0;
	assert_int_equal(fx_trace_create(tpath("w.txt"), false, &m, &w, err,
					 sizeof(err)), 0);
	assert_int_equal(fx_trace_write(w, &v[0]), -EINVAL);
	assert_int_equal(fx_trace_commit(w, err, sizeof(err)), 0);
	assert_int_equal(count_files(), 1);

	strcpy(m.host, "two\nlines");
	assert_int_equal(fx_trace_create(tpath("w.txt"), false, &m, &w, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "host has a control character"));
	assert_int_equal(fx_trace_create("/nonexistent/dir/x", false,
					 &m, &w, err, sizeof(err)), -EINVAL);
	m = test_meta();
	assert_int_equal(fx_trace_create("/nonexistent/dir/x", false,
					 &m, &w, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/dir/x: cannot create"));
}

static int run_convert(const char *a, const char *b, const char *c,
		       const char *d, const char *e)
{
	char *argv[6] = { (char *)"convert", (char *)a, (char *)b,
			  (char *)c, (char *)d, (char *)e };
	int argc = 1;

	while (argc < 6 && argv[argc])
		argc++;
	return fx_trace_cmd_convert(argc, argv);
}

static void test_convert_cmd(void **state)
{
	struct fx_trace_rec v[64];
	char text[256];
	size_t n = all_kinds(v);

	(void)state;
	write_recs(tpath("c.txt"), false, v, n);
	assert_int_equal(run_convert(tpath("c.txt"), "-o", tpath("c.bin"),
				     NULL, NULL), 0);
	assert_int_equal(run_convert(tpath("c.bin"), "-o", tpath("d.txt"),
				     NULL, NULL), 0);
	assert_same_file(tpath("c.txt"), tpath("d.txt"));
	assert_int_equal(run_convert(tpath("c.txt"), "-o", tpath("e.txt"),
				     "--text", NULL), 0);
	assert_same_file(tpath("c.txt"), tpath("e.txt"));
	assert_int_equal(run_convert(tpath("c.bin"), "--binary", "-o",
				     tpath("e.bin"), NULL), 0);
	assert_same_file(tpath("c.bin"), tpath("e.bin"));
	assert_int_equal(count_files(), 5);

	/* bad input: exit 2, no output file, no temporary left behind */
	snprintf(text, sizeof(text), "%s1.0 futex op=FUTEX_FOO\n", hdr);
	write_file(tpath("bad.txt"), text);
	assert_int_equal(run_convert(tpath("bad.txt"), "-o", tpath("x.bin"),
				     NULL, NULL), 2);
	assert_int_equal(run_convert(tpath("missing"), "-o", tpath("x.bin"),
				     NULL, NULL), 2);
	assert_int_equal(count_files(), 6);
	/* usage errors */
	assert_int_equal(run_convert(tpath("c.txt"), NULL, NULL, NULL, NULL), 2);
	assert_int_equal(run_convert(tpath("c.txt"), "-o", tpath("y"),
				     "--text", "--binary"), 2);
	assert_int_equal(count_files(), 6);
}

#define BIG	1000000u

static struct fx_trace_rec gen(uint32_t i)
{
	struct fx_trace_rec r = mk(1000ull * i, 1 + i % (FX_TR_KIND_MAX - 1));

	r.uaddr = 0x7f0000000000ull + 4ull * (i % 4096);
	r.op = (i % 14) | (i & 1 ? 0x80 : 0);
	r.val = i;
	r.val2 = i % 3 ? FX_TR_NO_TIMEOUT : i;
	r.ret = i % 5 ? -(int64_t)(i % 130) : FX_TR_UNFINISHED;
	r.tid = 100 + i % 64;
	r.cpu = i % 7 ? i % 64 : FX_TR_NO_CPU;
	return r;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* 1M records through both forms; the heap stays under 2 MB throughout */
static void test_streaming(void **state)
{
	struct fx_trace_meta m = test_meta(), m2;
	struct fx_trace_writer *w;
	struct fx_trace_reader *r;
	struct fx_trace_rec rec, want;
	size_t base = heap_in_use(), peak = 0;
	char err[256];
	uint32_t i;
	int rc;

	(void)state;
	assert_int_equal(fx_trace_create(tpath("big.bin"), true, &m, &w, err,
					 sizeof(err)), 0);
	for (i = 0; i < BIG; i++) {
		rec = gen(i);
		assert_int_equal(fx_trace_write(w, &rec), 0);
		if (i % 65536 == 0 && heap_in_use() > peak)
			peak = heap_in_use();
	}
	assert_int_equal(fx_trace_commit(w, err, sizeof(err)), 0);

	/* binary -> text, reading and writing at once */
	assert_int_equal(fx_trace_open(tpath("big.bin"), &r, &m2, err,
				       sizeof(err)), 0);
	assert_int_equal(fx_trace_create(tpath("big.txt"), false, &m2, &w,
					 err, sizeof(err)), 0);
	for (i = 0; (rc = fx_trace_next(r, &rec, err, sizeof(err))) > 0; i++) {
		want = gen(i);
		assert_memory_equal(&rec, &want, sizeof(rec));
		assert_int_equal(fx_trace_write(w, &rec), 0);
		if (i % 65536 == 0 && heap_in_use() > peak)
			peak = heap_in_use();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(i, BIG);
	fx_trace_close(r);
	assert_int_equal(fx_trace_commit(w, err, sizeof(err)), 0);

	/* text -> records */
	assert_int_equal(fx_trace_open(tpath("big.txt"), &r, &m2, err,
				       sizeof(err)), 0);
	for (i = 0; (rc = fx_trace_next(r, &rec, err, sizeof(err))) > 0; i++) {
		want = gen(i);
		assert_memory_equal(&rec, &want, sizeof(rec));
		if (i % 65536 == 0 && heap_in_use() > peak)
			peak = heap_in_use();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(i, BIG);
	fx_trace_close(r);
	assert_true(peak < base + 2 * 1024 * 1024);
	unlink(tpath("big.bin"));
	unlink(tpath("big.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test(test_format),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_convert_cmd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_streaming, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
