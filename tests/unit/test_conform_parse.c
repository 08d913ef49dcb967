// SPDX-License-Identifier: MIT
/*
 * test_conform_parse.c - the scenario text format: every bundled file
 * parses and round-trips through the printer; malformed input gives the
 * expected file:line message; individual forms fill the expected fields.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "futex.h"

static const char *scenario_dir(void)
{
	static const char *const dirs[] = {
		"tests/conform", "../tests/conform", "../../tests/conform", NULL
	};
	const char *env = getenv("FXC_SCENARIO_DIR");

	if (env)
		return env;
	for (int i = 0; dirs[i]; i++) {
		DIR *d = opendir(dirs[i]);

		if (d) {
			closedir(d);
			return dirs[i];
		}
	}
	return NULL;
}

static int parse(const char *text, struct fxc_scenario *sc, char *err,
		 size_t len)
{
	return fxc_parse_string("t.fxs", text, sc, err, len);
}

/* steps equal apart from the line number */
static void assert_steps_equal(const struct fxc_scenario *a,
			       const struct fxc_scenario *b)
{
	assert_int_equal(a->nsteps, b->nsteps);
	for (int i = 0; i < a->nsteps; i++) {
		struct fxc_step x = a->steps[i], y = b->steps[i];

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x))) {
			char bx[1024], by[1024];

			fxc_step_format(a, &a->steps[i], bx, sizeof(bx));
			fxc_step_format(b, &b->steps[i], by, sizeof(by));
			fail_msg("step %d differs after a round trip:\n  %s\n  %s", i, bx, by);
		}
	}
}

static void round_trip(const struct fxc_scenario *sc)
{
	struct fxc_scenario again;
	char *buf = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fxc_scenario_print(f, sc), 0);
	fclose(f);
	if (parse(buf, &again, err, sizeof(err)))
		fail_msg("reparse of %s failed: %s\n%s", sc->name, err, buf);
	assert_string_equal(again.name, sc->name);
	assert_string_equal(again.requires, sc->requires);
	assert_int_equal(again.nprocs, sc->nprocs);
	assert_int_equal(again.nmaps, sc->nmaps);
	assert_int_equal(again.nfutexes, sc->nfutexes);
	assert_int_equal(again.nthreads, sc->nthreads);
	assert_memory_equal(again.maps, sc->maps, sizeof(sc->maps[0]) * (size_t)sc->nmaps);
	assert_memory_equal(again.futexes, sc->futexes,
			    sizeof(sc->futexes[0]) * (size_t)sc->nfutexes);
	assert_memory_equal(again.threads, sc->threads,
			    sizeof(sc->threads[0]) * (size_t)sc->nthreads);
	assert_steps_equal(sc, &again);
	fxc_scenario_free(&again);
	free(buf);
}

static void test_bundled_files(void **state)
{
	const char *dir = scenario_dir();
	struct dirent *e;
	DIR *d;
	int n = 0;

	(void)state;
	if (!dir)
		skip();
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct fxc_scenario sc;
		char path[512], err[512];

		if (len < 5 || strcmp(e->d_name + len - 4, ".fxs"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (fxc_parse_file(path, &sc, err, sizeof(err)))
			fail_msg("%s", err);
		assert_true(sc.nsteps > 0);
		round_trip(&sc);
		fxc_scenario_free(&sc);
		n++;
	}
	closedir(d);
	assert_true(n >= 30);
}

struct bad {
	const char *text;
	const char *msg;	/* expected substring of the error */
};

#define HDR "map M1 anon-private 1 rw\nfutex F1 M1+0\nfutex F2 M1+64\nthread T\n"

static const struct bad bad_inputs[] = {
	{ "map M1 anon-privat 1 rw\n",
	  "t.fxs:1: unexpected 'anon-privat': expected a map kind" },
	{ "map M1 anon-private 0 rw\n",
	  "t.fxs:1: unexpected '0': expected a page count in [1, 256]" },
	{ "map M1 anon-private 1 rwx\n",
	  "t.fxs:1: unexpected 'rwx': expected a protection" },
	{ "map M1 anon-private 1\n",
	  "t.fxs:1: missing token: expected a protection" },
	{ "map M1 anon-private 1 rw share P2\n",
	  "t.fxs:1: unexpected 'P2': expected a declared process" },
	{ "process P2\nmap M1 anon-private 1 rw share P2\n",
	  "t.fxs:2: unexpected 'share': expected no 'share' on an anon-private map" },
	{ "map M1 anon-private 1 rw\nfutex F1 M1+4094\n",
	  "t.fxs:2: unexpected 'M1+4094': expected a byte offset" },
	{ "map M1 anon-private 1 rw\nfutex F1 M2+0\n",
	  "t.fxs:2: unexpected 'M2+0': expected a location" },
	{ "map M1 anon-private 1 rw\nfutex M1 M1+0\n",
	  "t.fxs:2: unexpected 'M1': expected a name not declared before" },
	{ "thread 1T\n", "t.fxs:1: unexpected '1T': expected a name" },
	{ "thread T fifo 10\n", "t.fxs:1: unexpected 'fifo': expected 'requires rt'" },
	{ "requires rt\nthread T fifo 100\n",
	  "t.fxs:2: unexpected '100': expected an RT priority in [1, 99]" },
	{ "requires futex3\n", "t.fxs:1: unexpected 'futex3': expected a feature" },
	{ "scenario a b\n", "t.fxs:1: unexpected 'b': expected 'scenario NAME'" },
	{ HDR "T wiat F1 0\n", "t.fxs:5: unexpected 'wiat': expected a step verb" },
	{ HDR "U wait F1 0\n", "t.fxs:5: unexpected 'U': expected a declaration" },
	{ HDR "T wait F9 0\n", "t.fxs:5: unexpected 'F9': expected an address" },
	{ HDR "T wait F1\n", "t.fxs:5: missing token: expected a value" },
	{ HDR "T wait F1 zero\n", "t.fxs:5: unexpected 'zero': expected a value" },
	{ HDR "T wake F1 1 => -EFOO\n",
	  "t.fxs:5: unexpected '-EFOO': expected an errno name" },
	{ HDR "T wake F1 1 => 1 2\n",
	  "t.fxs:5: unexpected '2': expected end of line after the expectation" },
	{ HDR "T wake F1 1 =>\n", "t.fxs:5: missing token: expected an expectation" },
	{ HDR "T wake F1 1 bitset=1 frob=2\n",
	  "t.fxs:5: unexpected 'frob=2': expected an option of this step" },
	{ HDR "T futex FUTEX_WAIT|FUTEX_WAKE F1\n",
	  "t.fxs:5: unexpected 'FUTEX_WAIT|FUTEX_WAKE': expected exactly one futex op" },
	{ HDR "T futex FUTEX_SLEEP F1\n",
	  "t.fxs:5: unexpected 'FUTEX_SLEEP': expected a futex op" },
	{ HDR "T wait F1 0 timeout=soon\n",
	  "t.fxs:5: unexpected 'soon': expected a timeout" },
	{ HDR "T wake_op F1 F2 1 1 SET:1:EQ\n",
	  "t.fxs:5: unexpected 'SET:1:EQ': expected a wake_op encoding" },
	{ HDR "T wake_op F1 F2 1 1 MUL:1:EQ:0\n",
	  "t.fxs:5: unexpected 'MUL:1:EQ:0': expected a wake_op encoding" },
	{ HDR "T waitv F1\n", "t.fxs:5: unexpected 'F1': expected a waitv entry" },
	{ HDR "T waitv F1:0:huge\n", "t.fxs:5: unexpected 'huge': expected futex2 flags" },
	{ HDR "T futex_wait F1 0 flags=\n", "t.fxs:5: missing token: expected futex2 flags" },
	{ HDR "T wake F1 1 bitset=\n", "t.fxs:5: missing token: expected a value" },
	{ HDR "T robust F1 F1:rt\n",
	  "t.fxs:5: unexpected 'F1:rt': expected a robust entry FUTEX or FUTEX:pi" },
	{ "map M1 anon-private 1 rw\nfutex A M1+0\nfutex B M1+4\nthread T\nT robust A B\n",
	  "t.fxs:5: unexpected 'B': expected robust futex words at least 8 bytes apart" },
	{ HDR "T spawn\n", "t.fxs:5: unexpected 'T': expected a thread declared 'lazy'" },
	{ "process P2\nthread T\nthread U proc P2 lazy\n",
	  "t.fxs:3: unexpected 'U': expected a thread that is not lazy (the first thread of process P2 is its initial thread)" },
	{ HDR "T get_robust pid=nobody\n",
	  "t.fxs:5: unexpected 'pid=nobody': expected pid=self, pid=THREAD or pid=unknown" },
	{ HDR "T get_robust 0\n",
	  "t.fxs:5: unexpected '0': expected pid=self, pid=THREAD or pid=unknown" },
	{ "map M1 anon-private 1 rw\nfutex A M1+0\nfutex B M1+8\nfutex C M1+16\nfutex D M1+24\n"
	  "futex E M1+32\nfutex F M1+40\nfutex G M1+48\nfutex H M1+56\nfutex I M1+64\n"
	  "futex J M1+72\nfutex K M1+80\nfutex L M1+88\nfutex M M1+96\nfutex N M1+104\n"
	  "futex O M1+112\nfutex P M1+120\nfutex Q M1+128\nthread T\n"
	  "T robust A B C D E F G H I J K L M N O P Q\n",
	  "t.fxs:20: unexpected 'Q': expected at most 16 robust entries" },
	{ HDR "T signal now\n", "t.fxs:5: unexpected 'now': expected 'restart'" },
	{ HDR "T store null 1\n", "t.fxs:5: unexpected 'null': expected a futex address" },
	{ HDR "T prctl set_slots\n", "t.fxs:5: missing token: expected a slot count" },
	{ HDR "mprotect M1 rw => 0\n",
	  "t.fxs:5: unexpected '=>': expected no expectation on a step without a thread" },
	{ HDR "mprotect M9 rw\n", "t.fxs:5: unexpected 'M9': expected a declared map" },
	{ HDR "T wake F1 1\nthread U\n",
	  "t.fxs:6: unexpected 'thread': expected a step: declarations come before" },
	{ HDR "T wait F1+x 0\n", "t.fxs:5: unexpected 'F1+x': expected an address" },
	{ HDR "T wait F1 1||2\n", "t.fxs:5: unexpected '1||2': expected a value" },
};

static void test_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		struct fxc_scenario sc;
		char err[512];
		int ret = parse(bad_inputs[i].text, &sc, err, sizeof(err));

		if (ret != -EINVAL)
			fail_msg("input %zu parsed (ret %d):\n%s", i, ret, bad_inputs[i].text);
		if (!strstr(err, bad_inputs[i].msg))
			fail_msg("input %zu:\n  got      '%s'\n  expected '%s'", i, err,
				 bad_inputs[i].msg);
		fxc_scenario_free(&sc);
	}
}

static void test_missing_file(void **state)
{
	struct fxc_scenario sc;
	char err[256];

	(void)state;
	assert_int_equal(fxc_parse_file("/nonexistent/x.fxs", &sc, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.fxs"));
	fxc_scenario_free(&sc);
}

static void test_forms(void **state)
{
	static const char text[] =
		"# comment line\n"
		"scenario forms   # trailing comment\n"
		"requires futex2 pi\n"
		"process P2\n"
		"map M1 anon-shared 2 rw share P2\n"
		"map M2 file-private 1 r proc P2\n"
		"thread T1\n"
		"thread T0 proc P2\n"
		"thread T2 proc P2 lazy\n"
		"futex F1 M1+0 init 5\n"
		"futex L M1+64 init T2|WAITERS tid\n"
		"futex F2 M2\n"
		"T1 futex FUTEX_WAIT_BITSET|PRIVATE F1 val=0 bitset=0x1 timeout=expire\n"
		"T1 wake F1 1 shared => 1\n"
		"T1 wake_op F1 F2 1 2 ADD|SHIFT:3:GT:-1 => -EAGAIN\n"
		"T1 waitv F1:0:private L:0:shared F1+4:7:u32|numa:3 timeout=past clock=realtime\n"
		"T1 futex_wait F1 0 mask=3 flags=U32|NUMA\n"
		"T1 robust F1 L:pi pending=F2 circular len=12\n"
		"T1 prctl set_slots 4 => 0\n"
		"T1 prctl get_slots\n"
		"T1 lock_pi2 L realtime timeout=1,500\n"
		"T2 spawn\n"
		"T1 signal restart => blocks\n"
		"mprotect M1 none\n"
		"T1 store L T1|OWNER_DIED\n"
		"T1 wait unmapped+8 0 => -EFAULT\n"
		"T1 get_robust pid=T0 => 0\n"
		"T1 get_robust pid=unknown => -ESRCH\n"
		"T1 get_robust\n";
	struct fxc_scenario sc;
	const struct fxc_step *s;
	char err[512];

	(void)state;
	if (parse(text, &sc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(sc.name, "forms");
	assert_true(fxc_scenario_requires(&sc, "pi"));
	assert_false(fxc_scenario_requires(&sc, "p"));
	assert_int_equal(sc.nprocs, 2);
	assert_int_equal(sc.maps[0].kind, FXC_MAP_ANON_SHARED);
	assert_int_equal(sc.maps[0].shared_with, 2);
	assert_int_equal(sc.maps[1].proc, 1);
	assert_int_equal(sc.maps[1].prot, FX_PROT_READ);
	assert_false(sc.lazy[1]);
	assert_true(sc.lazy[2]);
	assert_true(fxc_initial_thread(&sc, 1));
	assert_false(fxc_initial_thread(&sc, 0));
	assert_false(fxc_initial_thread(&sc, 2));
	assert_int_equal(sc.futexes[1].init, FX_WAITERS | (FXC_TID_BASE + 2));
	assert_true(sc.futexes[1].tid_word);
	assert_int_equal(sc.nsteps, 17);

	s = &sc.steps[0];
	assert_int_equal(s->line, 13);
	assert_int_equal(s->kind, FXC_STEP_FUTEX);
	assert_int_equal(s->op, FX_OP_WAIT_BITSET | FX_PRIVATE_FLAG);
	assert_int_equal(s->val3, 1);
	assert_int_equal(s->to.kind, FXC_TO_EXPIRE);
	s = &sc.steps[1];
	assert_int_equal(s->op, FX_OP_WAKE);
	assert_true(s->has_expect);
	assert_int_equal(s->expect_ret, 1);
	s = &sc.steps[2];
	assert_int_equal(s->op, FX_OP_WAKE_OP | FX_PRIVATE_FLAG);
	assert_int_equal(s->val3, FX_OP(FX_WOP_ADD | FX_WOP_OPARG_SHIFT, 3,
					FX_WOP_CMP_GT, -1));
	assert_int_equal(s->addr2.futex, 2);
	assert_int_equal(s->val2, 2);
	assert_int_equal(s->expect_ret, -EAGAIN);
	s = &sc.steps[3];
	assert_int_equal(s->kind, FXC_STEP_WAITV);
	assert_int_equal(s->nwaitv, 3);
	assert_int_equal(s->nr, 3);
	assert_int_equal(s->waitv[0].flags, FX2_SIZE_U32 | FX2_PRIVATE);
	assert_int_equal(s->waitv[1].flags, FX2_SIZE_U32);
	assert_int_equal(s->waitv[2].flags, FX2_SIZE_U32 | FX2_NUMA);
	assert_int_equal(s->waitv[2].addr.delta, 4);
	assert_int_equal(s->waitv[2].val, 7);
	assert_int_equal(s->waitv[2].reserved, 3);
	assert_int_equal(s->to.kind, FXC_TO_PAST);
	assert_int_equal(s->clockid, FX_CLOCK_REALTIME_ID);
	s = &sc.steps[4];
	assert_int_equal(s->kind, FXC_STEP_FUTEX_WAIT);
	assert_int_equal(s->mask, 3);
	assert_int_equal(s->flags, FX2_SIZE_U32 | FX2_NUMA);
	s = &sc.steps[5];
	assert_int_equal(s->kind, FXC_STEP_SET_ROBUST);
	assert_int_equal(s->robust.nent, 2);
	assert_false(s->robust.pi[0]);
	assert_true(s->robust.pi[1]);
	assert_int_equal(s->robust.pending, 2);
	assert_true(s->robust.circular);
	assert_int_equal(s->robust.len, 12);
	s = &sc.steps[6];
	assert_int_equal(s->kind, FXC_STEP_PRCTL_HASH);
	assert_int_equal(s->val, FX_PR_FUTEX_HASH_SET_SLOTS);
	assert_int_equal(s->val2, 4);
	assert_int_equal(sc.steps[7].val, FX_PR_FUTEX_HASH_GET_SLOTS);
	s = &sc.steps[8];
	assert_int_equal(s->op, FX_OP_LOCK_PI2 | FX_PRIVATE_FLAG | FX_CLOCK_REALTIME);
	assert_int_equal(s->to.kind, FXC_TO_RAW);
	assert_int_equal(s->to.sec, 1);
	assert_int_equal(s->to.nsec, 500);
	assert_int_equal(sc.steps[9].kind, FXC_STEP_SPAWN);
	assert_int_equal(sc.steps[9].thread, 2);
	s = &sc.steps[10];
	assert_int_equal(s->kind, FXC_STEP_SIGNAL);
	assert_true(s->sa_restart);
	assert_true(s->expect_block);
	s = &sc.steps[11];
	assert_int_equal(s->kind, FXC_STEP_MPROTECT);
	assert_int_equal(s->thread, -1);
	assert_int_equal(s->prot, FX_PROT_NONE);
	s = &sc.steps[12];
	assert_int_equal(s->kind, FXC_STEP_STORE);
	assert_int_equal(s->val, FX_OWNER_DIED | FXC_TID_BASE);
	s = &sc.steps[13];
	assert_int_equal(s->addr.futex, -1);
	assert_int_equal(s->addr.raw, FXC_RAW_UNMAPPED);
	assert_int_equal(s->addr.delta, 8);
	s = &sc.steps[14];
	assert_int_equal(s->kind, FXC_STEP_GET_ROBUST);
	assert_int_equal(s->pid_thread, 1);
	assert_int_equal(s->expect_ret, 0);
	assert_int_equal(sc.steps[15].pid_thread, FXC_PID_UNKNOWN);
	assert_int_equal(sc.steps[15].expect_ret, -ESRCH);
	assert_int_equal(sc.steps[16].pid_thread, FXC_PID_SELF);
	round_trip(&sc);
	fxc_scenario_free(&sc);
}

static void test_default_name(void **state)
{
	struct fxc_scenario sc;
	char err[256];

	(void)state;
	assert_int_equal(fxc_parse_string("dir/my_case.fxs", "thread T\nT wake null 1\n",
					  &sc, err, sizeof(err)), 0);
	assert_string_equal(sc.name, "my_case");
	assert_int_equal(sc.steps[0].addr.raw, 0);
	fxc_scenario_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bundled_files),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_default_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
