// SPDX-License-Identifier: MIT
/*
 * fxtest.c - see fxtest.h.
 */
#include "fxtest.h"

#include <stdio.h>
#include <string.h>

struct fx_result fxt_res;
static struct fx_core *cur;	/* the core of the running test */

struct fx_core *fxt_core_cfg(const struct fx_core_config *cfg)
{
	struct fx_core *core = fx_core_new(cfg);

	assert_non_null(core);
	cur = core;
	return core;
}

struct fx_core *fxt_core_new(void)
{
	struct fx_core_config cfg = { .ncpus = 2, .nnodes = 1 };

	return fxt_core_cfg(&cfg);
}

struct fx_task *fxt_proc(struct fx_core *core, int pid)
{
	struct fx_task *t = fx_mm_new(core, pid);

	assert_non_null(t);
	assert_int_equal(fx_mmap(fx_task_mm(t), FXT_MEM, FXT_MEMLEN,
				 FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	return t;
}

struct fx_task *fxt_thread(struct fx_task *parent, int tid)
{
	struct fx_task *t = fx_task_clone(parent, tid,
					  FX_CLONE_VM | FX_CLONE_THREAD, 0);

	assert_non_null(t);
	return t;
}

void fxt_check(struct fx_core *core)
{
	int ret = fx_core_check(core);

	if (ret)
		fail_msg("fx_core_check: %s", fx_core_errmsg(core));
}

int fxt_sys(struct fx_task *t, int nr, uint64_t a0, uint64_t a1, uint64_t a2,
	    uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	int st = fx_syscall(t, nr, a, &fxt_res);

	assert_true(st == FX_DONE || st == FX_SLEEPING);
	fxt_check(cur);
	return st;
}

long fxt_done(struct fx_task *t, int nr, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	assert_int_equal(fxt_sys(t, nr, a0, a1, a2, a3, a4, a5), FX_DONE);
	assert_int_equal(fx_task_state(t), FX_TASK_RUNNING);
	return fxt_res.ret;
}

void fxt_sleeps(struct fx_task *t, int nr, uint64_t a0, uint64_t a1,
		uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	assert_int_equal(fxt_sys(t, nr, a0, a1, a2, a3, a4, a5), FX_SLEEPING);
	assert_int_equal(fx_task_state(t), FX_TASK_SLEEPING);
}

long fxt_resume(struct fx_task *t)
{
	assert_int_equal(fx_task_state(t), FX_TASK_WOKEN);
	assert_int_equal(fx_task_resume(t, &fxt_res), FX_DONE);
	fxt_check(cur);
	assert_int_equal(fx_task_state(t), FX_TASK_RUNNING);
	return fxt_res.ret;
}

void fxt_resume_sleeps(struct fx_task *t)
{
	assert_int_equal(fx_task_state(t), FX_TASK_WOKEN);
	assert_int_equal(fx_task_resume(t, &fxt_res), FX_SLEEPING);
	fxt_check(cur);
	assert_int_equal(fx_task_state(t), FX_TASK_SLEEPING);
}

int fxt_woken(const struct fx_task *t)
{
	for (unsigned i = 0; i < fxt_res.nwoken; i++)
		if (fxt_res.woken[i] == t)
			return 1;
	return 0;
}

void fxt_put32(struct fx_task *t, uint64_t addr, uint32_t v)
{
	assert_int_equal(fx_uaccess_put32(fx_task_mm(t), addr, v), 0);
}

uint32_t fxt_get32(struct fx_task *t, uint64_t addr)
{
	uint32_t v;

	assert_int_equal(fx_uaccess_get32(fx_task_mm(t), addr, &v), 0);
	return v;
}

void fxt_put64(struct fx_task *t, uint64_t addr, uint64_t v)
{
	assert_int_equal(fx_uaccess_write(fx_task_mm(t), addr, &v, 8), 0);
}

uint64_t fxt_get64(struct fx_task *t, uint64_t addr)
{
	uint64_t v;

	assert_int_equal(fx_uaccess_read(fx_task_mm(t), addr, &v, 8), 0);
	return v;
}

uint64_t fxt_ts(struct fx_task *t, uint64_t addr, int64_t sec, int64_t nsec)
{
	struct fx_timespec ts = { sec, nsec };

	assert_int_equal(fx_uaccess_write(fx_task_mm(t), addr, &ts,
					  sizeof(ts)), 0);
	return addr;
}

void fxt_waitv(struct fx_task *t, uint64_t base, unsigned i, uint64_t val,
	       uint64_t uaddr, uint32_t flags, uint32_t reserved)
{
	struct fx_waitv w = { val, uaddr, flags, reserved };

	assert_int_equal(fx_uaccess_write(fx_task_mm(t), base + 24ull * i, &w,
					  sizeof(w)), 0);
}

struct fx_core *fxt_core;

int fxt_setup(void **state)
{
	(void)state;
	fxt_core = fxt_core_new();
	return fxt_core ? 0 : -1;
}

int fxt_teardown(void **state)
{
	(void)state;
	fx_core_free(fxt_core);
	fxt_core = NULL;
	return 0;
}
