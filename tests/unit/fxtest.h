/* SPDX-License-Identifier: MIT */
/*
 * fxtest.h - helpers shared by the cmocka unit tests of the futex core:
 * building a core, processes and threads, issuing system calls with the
 * ABI's argument vector, and asserting outcomes.  Every helper that enters
 * the core runs fx_core_check() afterwards and fails the test on a
 * violated invariant.
 */
#ifndef FXTEST_H
#define FXTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "futex.h"

#define FXT_MEM		0x10000ull	/* private anon RW mapping of every process */
#define FXT_MEMLEN	(16 * 4096ull)
#define FXT_W(i)	(FXT_MEM + 4 * (uint64_t)(i))	/* futex word i */
#define FXT_SCRATCH	(FXT_MEM + 0x8000)	/* timespecs, arrays */
#define FXT_UNMAPPED	0x7000000ull

/* The result of the last call made through these helpers. */
extern struct fx_result fxt_res;

struct fx_core *fxt_core_new(void);		/* 2 CPUs, 1 node, defaults */

/* A per-test fixture: fxt_setup makes fxt_core with fxt_core_new(),
 * fxt_teardown frees it (cmocka_unit_test_setup_teardown). */
extern struct fx_core *fxt_core;
int fxt_setup(void **state);
int fxt_teardown(void **state);
struct fx_core *fxt_core_cfg(const struct fx_core_config *cfg);
struct fx_task *fxt_proc(struct fx_core *core, int pid);
struct fx_task *fxt_thread(struct fx_task *parent, int tid);
void fxt_check(struct fx_core *core);

/* fxt_sys - fx_syscall(); returns FX_DONE/FX_SLEEPING, checks the core. */
int fxt_sys(struct fx_task *t, int nr, uint64_t a0, uint64_t a1, uint64_t a2,
	    uint64_t a3, uint64_t a4, uint64_t a5);
/* fxt_done - the call must complete; returns its value. */
long fxt_done(struct fx_task *t, int nr, uint64_t a0, uint64_t a1,
	      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
/* fxt_sleeps - the call must put the task to sleep. */
void fxt_sleeps(struct fx_task *t, int nr, uint64_t a0, uint64_t a1,
		uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

#define fxt_futex(t, uaddr, op, val, utime, uaddr2, val3)		\
	fxt_done(t, FX_SYS_FUTEX, uaddr, (uint64_t)(unsigned)(op),	\
		 (uint64_t)(uint32_t)(val), utime, uaddr2,		\
		 (uint64_t)(uint32_t)(val3))
#define fxt_futex_sleeps(t, uaddr, op, val, utime, uaddr2, val3)	\
	fxt_sleeps(t, FX_SYS_FUTEX, uaddr, (uint64_t)(unsigned)(op),	\
		   (uint64_t)(uint32_t)(val), utime, uaddr2,		\
		   (uint64_t)(uint32_t)(val3))

/* fxt_resume - @t must be woken; it finishes its call; returns the value. */
long fxt_resume(struct fx_task *t);
/* fxt_resume_sleeps - @t resumes and goes back to sleep. */
void fxt_resume_sleeps(struct fx_task *t);
/* fxt_woken - @t is in the last call's woken list. */
int fxt_woken(const struct fx_task *t);

void fxt_put32(struct fx_task *t, uint64_t addr, uint32_t v);
uint32_t fxt_get32(struct fx_task *t, uint64_t addr);
void fxt_put64(struct fx_task *t, uint64_t addr, uint64_t v);
uint64_t fxt_get64(struct fx_task *t, uint64_t addr);
/* fxt_ts - write a timespec at @addr, return @addr */
uint64_t fxt_ts(struct fx_task *t, uint64_t addr, int64_t sec, int64_t nsec);
/* fxt_waitv - write entry @i of a futex_waitv array at @base */
void fxt_waitv(struct fx_task *t, uint64_t base, unsigned i, uint64_t val,
	       uint64_t uaddr, uint32_t flags, uint32_t reserved);

#endif /* FXTEST_H */
