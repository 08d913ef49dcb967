// SPDX-License-Identifier: MIT
/*
 * test_conform_model.c - the model runner gives the expected traces on
 * small scenarios; compare and the expectation check catch injected
 * differences; the random generator is deterministic per seed; the
 * minimiser shrinks an injected divergence to the step that causes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"
#include "futex.h"

static void load(const char *text, struct fxc_scenario *sc)
{
	char err[512];

	if (fxc_parse_string("t.fxs", text, sc, err, sizeof(err)))
		fail_msg("%s", err);
}

static void run(const struct fxc_scenario *sc, struct fxc_trace *tr)
{
	memset(tr, 0, sizeof(*tr));
	if (fxc_run_model(sc, tr))
		fail_msg("model runner: %s", tr->error);
	assert_int_equal(tr->nsteps, sc->nsteps);
}

static long ret_of(const struct fxc_step_trace *st, int thread)
{
	for (int i = 0; i < st->nret; i++)
		if (st->rets[i].thread == thread)
			return st->rets[i].ret;
	fail_msg("thread %d did not return", thread);
	return 0;
}

static void test_wait_wake(void **state)
{
	struct fxc_scenario sc;
	struct fxc_trace tr;

	(void)state;
	load("map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A\nthread B\nthread C\n"
	     "A wait F1 0\nB wait F1 0\nC wake F1 5\nC store F1 3\nA wait F1 0\n",
	     &sc);
	run(&sc, &tr);
	assert_true(tr.steps[0].blocked);
	assert_int_equal(tr.steps[0].nret, 0);
	assert_true(tr.steps[1].blocked);
	assert_false(tr.steps[2].blocked);
	assert_int_equal(tr.steps[2].nret, 3);
	assert_int_equal(tr.steps[2].rets[0].thread, 0);	/* sorted */
	assert_int_equal(ret_of(&tr.steps[2], 0), 0);
	assert_int_equal(ret_of(&tr.steps[2], 1), 0);
	assert_int_equal(ret_of(&tr.steps[2], 2), 2);
	assert_int_equal(ret_of(&tr.steps[3], 2), 0);		/* store */
	assert_int_equal(tr.steps[3].words[0], 3);
	assert_int_equal(ret_of(&tr.steps[4], 0), -EAGAIN);
	fxc_trace_free(&tr);
	fxc_scenario_free(&sc);
}

static void test_pi_canonical(void **state)
{
	struct fxc_scenario sc;
	struct fxc_trace tr;

	(void)state;
	load("requires pi\nmap M1 anon-private 1 rw\nfutex L M1+0 tid\n"
	     "futex G M1+64 init 0x3ffff000 tid\nthread A\nthread B\n"
	     "A lock_pi L\nB lock_pi L\nA unlock_pi L\nB store G A|WAITERS\n", &sc);
	run(&sc, &tr);
	assert_int_equal(ret_of(&tr.steps[0], 0), 0);
	assert_int_equal(tr.steps[0].words[0], FXC_TID_BASE + 0);
	assert_int_equal(tr.steps[0].words[1], FXC_TID_UNKNOWN);
	assert_true(tr.steps[1].blocked);
	assert_int_equal(tr.steps[1].words[0], FX_WAITERS | FXC_TID_BASE);
	assert_int_equal(ret_of(&tr.steps[2], 0), 0);
	assert_int_equal(ret_of(&tr.steps[2], 1), 0);
	assert_int_equal(tr.steps[2].words[0], FX_WAITERS | (FXC_TID_BASE + 1));
	assert_int_equal(tr.steps[3].words[1], FX_WAITERS | FXC_TID_BASE);
	fxc_trace_free(&tr);
	fxc_scenario_free(&sc);
}

static void test_expire_signal_exit(void **state)
{
	struct fxc_scenario sc;
	struct fxc_trace tr;

	(void)state;
	load("map M1 anon-private 1 rw\nmap RO anon-private 1 r\nfutex F1 M1+0\n"
	     "futex L M1+64 tid\nfutex R RO+0\nthread A\nthread B\nthread C lazy\n"
	     "A wait F1 0 timeout=expire\nA expire\n"
	     "A wait F1 0\nA signal restart\nA signal\n"
	     "B robust L\nB store L B|WAITERS\nC spawn\nC wait L B|WAITERS shared\nB exit\n"
	     "mprotect M1 none\nA store R 1\n", &sc);
	run(&sc, &tr);
	assert_true(tr.steps[0].blocked);
	assert_int_equal(ret_of(&tr.steps[1], 0), -ETIMEDOUT);
	assert_false(tr.steps[1].blocked);
	assert_int_equal(tr.steps[3].nret, 0);			/* restarted */
	assert_int_equal(ret_of(&tr.steps[4], 0), -EINTR);
	assert_true(tr.steps[8].blocked);
	assert_int_equal(ret_of(&tr.steps[9], 2), 0);		/* robust wake */
	assert_int_equal(tr.steps[9].words[1], FX_WAITERS | FX_OWNER_DIED);
	assert_true(tr.steps[10].word_fault[0]);
	assert_true(tr.steps[10].word_fault[1]);
	assert_false(tr.steps[10].word_fault[2]);
	assert_int_equal(ret_of(&tr.steps[11], 0), -EFAULT);	/* RO store */
	fxc_trace_free(&tr);
	fxc_scenario_free(&sc);
}

/* the first thread of a process other than P1 is its initial task (TID =
 * pid, canonicalised like any thread): GET_SLOTS 0 until a second thread
 * exists; get_robust_list canonicalised; the process's memory reads as a
 * fault once every thread has exited */
static void test_initial_thread(void **state)
{
	struct fxc_scenario sc;
	struct fxc_trace tr;

	(void)state;
	load("process P2\nmap M1 anon-private 1 rw proc P2\nfutex L M1+0 tid\nfutex G M1+64\n"
	     "thread A proc P2\nthread B proc P2 lazy\nthread C\n"
	     "A prctl get_slots\nA robust L:pi\nA get_robust\nC get_robust pid=A\nB spawn\n"
	     "A prctl get_slots\nA lock_pi L\nA exit\nB store G 7\nB prctl get_slots\n"
	     "B get_robust pid=A\nC get_robust pid=unknown\nB exit\n", &sc);
	assert_true(fxc_initial_thread(&sc, 0));
	assert_false(fxc_initial_thread(&sc, 1));
	assert_false(fxc_initial_thread(&sc, 2));
	run(&sc, &tr);
	assert_int_equal(ret_of(&tr.steps[0], 0), 0);
	assert_int_equal(ret_of(&tr.steps[1], 0), 0);
	assert_int_equal(ret_of(&tr.steps[2], 0), 0);
	assert_int_equal(ret_of(&tr.steps[3], 2), 0);
	assert_true(ret_of(&tr.steps[5], 0) >= 16);
	assert_int_equal(ret_of(&tr.steps[6], 0), 0);
	assert_int_equal(tr.steps[6].words[0], FXC_TID_BASE + 0);
	assert_int_equal(tr.steps[7].words[0], FX_OWNER_DIED);
	assert_int_equal(tr.steps[8].words[1], 7);
	assert_true(ret_of(&tr.steps[9], 1) >= 16);
	/* D12: a dead task is ESRCH (the kernel may find a zombie leader) */
	assert_int_equal(ret_of(&tr.steps[10], 1), -ESRCH);
	assert_int_equal(ret_of(&tr.steps[11], 2), -ESRCH);
	assert_false(tr.steps[11].word_fault[0]);
	assert_true(tr.steps[12].word_fault[0]);
	assert_true(tr.steps[12].word_fault[1]);
	fxc_trace_free(&tr);
	fxc_scenario_free(&sc);
}

static void test_runner_errors(void **state)
{
	static const char *const bad[] = {
		"map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A\nA wait F1 0\nA wake F1 1\n",
		"map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A\nA expire\n",
		"map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A\nA wait F1 0\nA expire\n",
		"map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A lazy\nA wake F1 1\n",
		"map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A\nA exit\nA wake F1 1\n",
		/* no idle thread of P2 to clone B from (the kernel runner
		 * has none to run the spawn either) */
		"process P2\nmap M1 anon-private 1 rw proc P2\nfutex F1 M1+0\n"
		"thread A proc P2\nthread B proc P2 lazy\nA wait F1 0\nB spawn\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fxc_scenario sc;
		struct fxc_trace tr = { 0 };

		load(bad[i], &sc);
		assert_true(fxc_run_model(&sc, &tr) < 0);
		assert_true(tr.error[0] != '\0');
		fxc_trace_free(&tr);
		fxc_scenario_free(&sc);
	}
}

static void test_compare(void **state)
{
	struct fxc_scenario sc;
	struct fxc_trace a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	load("map M1 anon-private 1 rw\nfutex F1 M1+0\nthread A\nthread B\n"
	     "A wait F1 0 => blocks\nB wake F1 1 => 1\nB store F1 2 => 0\n", &sc);
	run(&sc, &a);
	run(&sc, &b);
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), -1);
	assert_int_equal(fxc_check_expect(&sc, &a, "model", NULL), -1);

	b.steps[1].rets[1].ret = 2;			/* a return value */
	out = open_memstream(&buf, &len);
	assert_int_equal(fxc_compare(&sc, &a, &b, out), 1);
	fclose(out);
	assert_non_null(strstr(buf, "t.fxs:6: step 1"));
	assert_non_null(strstr(buf, "kernel"));
	assert_non_null(strstr(buf, "* B"));
	free(buf);
	assert_int_equal(fxc_check_expect(&sc, &b, "model", NULL), 1);
	b.steps[1].rets[1].ret = 1;

	b.steps[2].words[0] = 3;			/* a word */
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), 2);
	b.steps[2].words[0] = 2;
	b.steps[2].word_fault[0] = true;		/* a fault */
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), 2);
	b.steps[2].word_fault[0] = false;
	b.steps[0].blocked = false;			/* blocked flag */
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), 0);
	b.steps[0].blocked = true;
	b.steps[0].rets[0].thread = 0;			/* an extra return */
	b.steps[0].rets[0].ret = 0;
	b.steps[0].nret = 1;
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), 0);
	assert_int_equal(fxc_check_expect(&sc, &b, "model", NULL), 0);
	b.steps[0].nret = 0;
	b.nsteps = 2;					/* length */
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), 2);
	b.nsteps = 3;
	assert_int_equal(fxc_compare(&sc, &a, &b, NULL), -1);
	fxc_trace_free(&a);
	fxc_trace_free(&b);
	fxc_scenario_free(&sc);
}

static char *block_text(uint64_t seed, int n)
{
	struct fxc_features feat = { .futex2 = true, .rt = true, .pi = true };
	struct fxc_scenario sc;
	struct fxc_rng rng;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	fxc_rng_seed(&rng, seed);
	if (fxc_random_block(&rng, &feat, n, 0, &sc, err, sizeof(err)))
		fail_msg("generator: %s", err);
	assert_true(sc.nsteps >= n - 1 && sc.nsteps <= n + 1);
	f = open_memstream(&buf, &len);
	fxc_scenario_print(f, &sc);
	fclose(f);
	fxc_scenario_free(&sc);
	return buf;
}

static void test_generator_deterministic(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		char *a = block_text(seed, 80), *b = block_text(seed, 80);
		char *c = block_text(seed + 1000, 80);

		assert_string_equal(a, b);
		assert_string_not_equal(a, c);
		free(a);
		free(b);
		free(c);
	}
}

static void test_generator_valid(void **state)
{
	struct fxc_features feat = { .futex2 = true, .rt = false, .pi = true };
	struct fxc_rng rng;

	(void)state;
	fxc_rng_seed(&rng, 42);
	for (int i = 0; i < 50; i++) {
		struct fxc_scenario sc, again;
		struct fxc_trace tr;
		char err[256], *buf = NULL;
		size_t len = 0;
		FILE *f;

		if (fxc_random_block(&rng, &feat, 100, i, &sc, err, sizeof(err)))
			fail_msg("generator: %s", err);
		/* every timed wait that blocked is followed by its EXPIRE */
		run(&sc, &tr);
		for (int k = 0; k < sc.nsteps; k++)
			if (sc.steps[k].to.kind == FXC_TO_EXPIRE && tr.steps[k].blocked) {
				assert_true(k + 1 < sc.nsteps);
				assert_int_equal(sc.steps[k + 1].kind, FXC_STEP_EXPIRE);
			}
		/* and it replays from its text */
		f = open_memstream(&buf, &len);
		fxc_scenario_print(f, &sc);
		fclose(f);
		if (fxc_parse_string("gen.fxs", buf, &again, err, sizeof(err)))
			fail_msg("%s\n%s", err, buf);
		assert_int_equal(again.nsteps, sc.nsteps);
		free(buf);
		fxc_trace_free(&tr);
		fxc_scenario_free(&again);
		fxc_scenario_free(&sc);
	}
}

static void test_rng(void **state)
{
	struct fxc_rng a, b;
	unsigned hist[4] = { 0 };

	(void)state;
	fxc_rng_seed(&a, 7);
	fxc_rng_seed(&b, 7);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(fxc_rng_next(&a), fxc_rng_next(&b));
	for (int i = 0; i < 4000; i++)
		hist[fxc_rng_below(&a, 4)]++;
	for (int i = 0; i < 4; i++)
		assert_true(hist[i] > 800 && hist[i] < 1200);
}

/* a "kernel" that disagrees with the model on every wake of F2 */
static int buggy_runner(const struct fxc_scenario *sc, struct fxc_trace *tr)
{
	int ret = fxc_run_model(sc, tr);

	if (ret)
		return ret;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct fxc_step *s = &sc->steps[i];

		if (s->kind == FXC_STEP_FUTEX && (s->op & FX_CMD_MASK) == FX_OP_WAKE &&
		    s->addr.futex == 1)
			for (int k = 0; k < tr->steps[i].nret; k++)
				if (tr->steps[i].rets[k].thread == s->thread)
					tr->steps[i].rets[k].ret += 100;
	}
	return 0;
}

static void test_minimise(void **state)
{
	struct fxc_scenario sc, min;
	int tries = 0;

	(void)state;
	load("map M1 anon-private 1 rw\nfutex F1 M1+0\nfutex F2 M1+64\n"
	     "thread A\nthread B\nthread C\n"
	     "A wait F1 0\nB wake F1 1\nC store F1 1\nA wait F1 1 timeout=expire\n"
	     "A expire\nB wait F1 1\nC wake F1 1\nA store F2 4\nB wake_op F1 F2 1 1 SET:1:EQ:4\n"
	     "A wait F1 1\nC wake F2 1\nB wake F1 1\nC store F1 0\nA wait F1 5\n", &sc);
	assert_int_equal(fxc_diverges(&sc, buggy_runner, fxc_run_model), 1);
	assert_int_equal(fxc_diverges(&sc, fxc_run_model, fxc_run_model), 0);
	assert_int_equal(fxc_minimise(&sc, buggy_runner, fxc_run_model, &min, &tries), 0);
	assert_int_equal(min.nsteps, 1);
	assert_int_equal(min.steps[0].kind, FXC_STEP_FUTEX);
	assert_int_equal(min.steps[0].addr.futex, 1);
	assert_int_equal(min.steps[0].line, 17);
	assert_true(tries > 1);
	fxc_scenario_free(&min);
	/* no divergence: nothing to minimise */
	assert_true(fxc_minimise(&sc, fxc_run_model, fxc_run_model, &min, NULL) < 0);
	fxc_scenario_free(&min);
	fxc_scenario_free(&sc);
}

/* minimising keeps a timed wait and its EXPIRE together */
static int expire_runner(const struct fxc_scenario *sc, struct fxc_trace *tr)
{
	int ret = fxc_run_model(sc, tr);

	if (ret)
		return ret;
	for (int i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == FXC_STEP_EXPIRE && tr->steps[i].nret)
			tr->steps[i].rets[0].ret = -EINTR;
	return 0;
}

static void test_minimise_generated(void **state)
{
	struct fxc_features feat = { .futex2 = true, .rt = false, .pi = true };
	struct fxc_rng rng;
	int done = 0;

	(void)state;
	fxc_rng_seed(&rng, 99);
	for (int i = 0; i < 40 && done < 3; i++) {
		struct fxc_scenario sc, min;
		char err[256];

		if (fxc_random_block(&rng, &feat, 60, i, &sc, err, sizeof(err)))
			fail_msg("%s", err);
		if (fxc_diverges(&sc, expire_runner, fxc_run_model) == 1) {
			assert_int_equal(fxc_minimise(&sc, expire_runner, fxc_run_model,
						      &min, NULL), 0);
			/* a timed call and its EXPIRE, plus at most what made
			 * the call block (a PI owner) */
			assert_true(min.nsteps >= 2 && min.nsteps <= 3);
			assert_int_equal(min.steps[min.nsteps - 2].to.kind, FXC_TO_EXPIRE);
			assert_int_equal(min.steps[min.nsteps - 1].kind, FXC_STEP_EXPIRE);
			fxc_scenario_free(&min);
			done++;
		}
		fxc_scenario_free(&sc);
	}
	assert_true(done > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_wake),
		cmocka_unit_test(test_pi_canonical),
		cmocka_unit_test(test_expire_signal_exit),
		cmocka_unit_test(test_initial_thread),
		cmocka_unit_test(test_runner_errors),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_generator_deterministic),
		cmocka_unit_test(test_generator_valid),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_minimise),
		cmocka_unit_test(test_minimise_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
