/* SPDX-License-Identifier: MIT */
/*
 * kernel_int.h - private header of the live-kernel conformance runner
 * (kernel.c: the caller's side, requirements, watchdog; kernel_run.c: M,
 * setup, steps and settling; kernel_proc.c: scenario processes, threads
 * and the system calls they make).
 *
 * Process tree of one fxc_run_kernel() call:
 *
 *   caller --fork--> M (scenario process 0, "the orchestrator")
 *                    |-- scenario threads of process 0 (pthreads)
 *                    |--fork--> process 1: its initial thread is its first
 *                    |          scenario thread; the others are pthreads
 *                    `--fork--> process k ...
 *
 * A process other than M has no runner thread: its initial thread runs
 * its first scenario thread's steps (a process without scenario threads
 * keeps a bare control loop).  Process commands (mprotect, spawn) go to
 * an idle scenario thread of the process as FXK_T_PCMD; signals need no
 * command (SIGUSR1 has a handler without SA_RESTART, SIGUSR2 one with).
 *
 * M owns everything; the caller only waits for M (with a stall watchdog)
 * and copies the trace out of a MAP_SHARED result area.  Killing M's
 * process group ends the scenario whatever state it is in.
 *
 * Address layout (identical in every scenario process, since every process
 * is forked from M after M laid it out):
 *
 *   FXK_BASE                 one PROT_NONE page      (FXC_RAW_PROT_NONE)
 *   FXK_BASE + 1 MiB         never mapped            (FXC_RAW_UNMAPPED)
 *   FXK_MAP_ADDR(i)          mapping i (at most FXK_MAP_MAX bytes), left
 *                            unmapped in processes that do not hold it
 *   FXK_MAP_ADDR(i) + FXK_SHADOW_OFF + t * FXK_SHADOW_STRIDE
 *                            robust-list entries of thread t for words of
 *                            mapping i (entry = word + that offset)
 */
#ifndef FX_CONFORM_KERNEL_INT_H
#define FX_CONFORM_KERNEL_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "conform/scenario.h"

#define FXK_BASE		0x7e0000000000ull
#define FXK_PROT_NONE_ADDR	FXK_BASE
#define FXK_UNMAPPED_ADDR	(FXK_BASE + (1ull << 20))
#define FXK_MAP_STRIDE		(1ull << 33)	/* 8 GiB per mapping */
#define FXK_MAP_ADDR(i)		(FXK_BASE + ((uint64_t)(i) + 1) * FXK_MAP_STRIDE)
#define FXK_MAP_MAX		(64ull << 20)
#define FXK_SHADOW_OFF		(1ull << 32)
#define FXK_SHADOW_STRIDE	(64ull << 20)
#define FXK_PAGE		4096ull

/* a TID for a lazy thread that has not been spawned yet: above PID_MAX */
#define FXK_TID_NOT_STARTED(t)	(0x3fff0000u + (uint32_t)(t))

/* timing (nanoseconds) */
#define FXK_EXPIRE_NS		20000000ll	/* FXC_TO_EXPIRE unit, try 1 */
#define FXK_EXPIRE_TRIES	3		/* x4 longer on each retry */
#define FXK_NO_EXPIRE_NS	60000000000ll	/* no EXPIRE step follows */
#define FXK_SETTLE_NS		2000000000ll	/* settle / command limit */
#define FXK_EXPIRE_GRACE_NS	3000000000ll	/* EXPIRE waits this long more */
#define FXK_GAP_NS		200000ll	/* between the two settle polls */
#define FXK_STALL_NS		20000000000ll	/* caller's watchdog */

/* syscall numbers that old libc headers may lack */
#define FXK_NR_FUTEX		202
#define FXK_NR_RESTART		219
#define FXK_NR_FUTEX_WAITV	449
#define FXK_NR_FUTEX_WAKE	454
#define FXK_NR_FUTEX_WAIT	455
#define FXK_NR_FUTEX_REQUEUE	456
#define FXK_NR_GET_ROBUST_LIST	274
#define FXK_SIG_NORESTART	SIGUSR1	/* handler without SA_RESTART */
#define FXK_SIG_RESTART		SIGUSR2	/* handler with SA_RESTART */

enum fxk_tcmd {
	FXK_T_CALL = 1,		/* run step ->step's call */
	FXK_T_EXIT,		/* syscall(SYS_exit, 0) */
	FXK_T_PCMD,		/* run process command ->pcmd(->parg) */
};

enum fxk_pcmd {
	FXK_P_SYNC_PROT = 1,	/* mprotect held mappings to ctl->prot[] */
	FXK_P_SPAWN,		/* start scenario thread arg */
};

enum fxk_tstate {
	FXK_TS_NONE,		/* not started (lazy) */
	FXK_TS_READY,		/* running, tid valid */
	FXK_TS_EXITED,		/* gone after an EXIT step */
	FXK_TS_FAILED,		/* could not start: ->err = errno */
};

/* runner errors a scenario thread reports in ->err along with a return */
enum fxk_terr {
	FXK_TERR_NONE,
	FXK_TERR_ROBUST_LAYOUT,	/* robust entries overlap (words < 8 B apart) */
	FXK_TERR_SHADOW,	/* could not map a robust-entry page */
	FXK_TERR_BAD_STEP,	/* step kind the thread cannot run */
};

/* One scenario thread's control slot (in the MAP_SHARED control block). */
struct fxk_tslot {
	_Atomic uint32_t cmd_seq;	/* futex word the idle thread waits on */
	_Atomic uint32_t done_seq;	/* = cmd_seq once the call returned */
	int cmd;			/* enum fxk_tcmd */
	int step;			/* step index for FXK_T_CALL */
	int64_t to_ns;			/* length of an FXC_TO_EXPIRE timeout */
	int pcmd, parg;			/* FXK_T_PCMD: enum fxk_pcmd, arg */
	uint64_t robust_head;		/* head registered by a robust step */
	long ret;			/* value or -errno */
	int err;			/* enum fxk_terr, or errno if FAILED */
	_Atomic int state;		/* enum fxk_tstate */
	_Atomic int tid;
} __attribute__((aligned(64)));

/* One scenario process's control slot (process 0's is unused). */
struct fxk_pslot {
	_Atomic uint32_t cmd_seq;
	_Atomic uint32_t done_seq;
	int cmd;			/* enum fxk_pcmd */
	int arg;
	long ret;
	_Atomic int pid;
} __attribute__((aligned(64)));

struct fxk_ctl {
	struct fxk_tslot t[FXC_MAX_THREADS];
	struct fxk_pslot p[FXC_MAX_PROCS];
	_Atomic int prot[FXC_MAX_MAPS];	/* FX_PROT_* wanted in all holders */
};

/* the result area M fills and the caller reads (MAP_SHARED) */
struct fxk_out {
	_Atomic unsigned heartbeat;	/* progress, for the watchdog */
	int64_t expire_ns;		/* FXC_TO_EXPIRE unit (caller sets) */
	bool expired_early;		/* a timer beat its EXPIRE step */
	int nsteps_done;
	char error[256];
	struct fxc_step_trace steps[];
};

/* The per-process view; every scenario process has its own copy. */
struct fxk_proc {
	const struct fxc_scenario *sc;
	struct fxk_ctl *ctl;
	int proc;			/* this process's scenario index */
	int cur_prot[FXC_MAX_MAPS];	/* protections applied here */
};

extern struct fxk_proc fxk_self;

/* kernel_run.c */
int fxk_m_main(const struct fxc_scenario *sc, struct fxk_out *out);

/* kernel_proc.c */
bool fxk_holds(const struct fxc_scenario *sc, int map, int proc);
uint64_t fxk_futex_addr(const struct fxc_scenario *sc, int f);
uint64_t fxk_addr(const struct fxc_scenario *sc, const struct fxc_addr *a);
uint32_t fxk_tid_real(const struct fxc_scenario *sc, const struct fxk_ctl *ctl,
		      int f, uint32_t v);
uint32_t fxk_tid_canon(const struct fxc_scenario *sc,
		       const struct fxk_ctl *ctl, int f, uint32_t v);
bool fxk_step_expires(const struct fxc_step *st);
int fxk_spawn(int t);
int fxk_sync_prot(void);
int fxk_sigact(int sig, int flags);
void fxk_sigusr1(int sig);
long fxk_pcmd_run(int cmd, int arg);
void fxk_child_main(int proc) __attribute__((noreturn));
long fxk_sys(long nr, long a, long b, long c, long d, long e, long f);
int64_t fxk_now_ns(void);
void fxk_sleep_ns(long ns);

#endif /* FX_CONFORM_KERNEL_INT_H */
