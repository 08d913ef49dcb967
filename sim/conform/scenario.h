/* SPDX-License-Identifier: MIT */
/*
 * scenario.h - conformance scenarios: the parsed form shared by the text
 * parser, the random generator, and the two runners (live kernel, model),
 * and the trace both runners produce for comparison.
 *
 * A scenario names processes, memory mappings, futex words inside those
 * mappings, and threads; then lists steps in the order they must happen.
 * Each runner executes the steps in order and, after every step, waits
 * until the system has settled: every thread with a call in flight has
 * either returned or is blocked in the kernel.  It records, per step,
 * every call that returned during that step (thread, return value, errno)
 * and the value of every futex word.  Values that contain a TID (PI words,
 * robust-list words) are canonicalised: the TID bits are replaced by
 * FXC_TID_BASE + thread index (or FXC_TID_UNKNOWN) so that the kernel's
 * real TIDs and the model's compare equal.
 */
#ifndef FX_CONFORM_SCENARIO_H
#define FX_CONFORM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#define FXC_NAME_MAX	32
#define FXC_MAX_PROCS	8
#define FXC_MAX_MAPS	16
#define FXC_MAX_FUTEXES	64
#define FXC_MAX_THREADS	64
#define FXC_MAX_WAITV	128
#define FXC_TID_BASE	0x100	/* canonical TID of thread i: BASE + i */
#define FXC_TID_UNKNOWN	0x3ffffff0
/* special fxc_addr.raw values (futex < 0); delta is added to them */
#define FXC_RAW_UNMAPPED	1	/* a page the runners keep unmapped */
#define FXC_RAW_PROT_NONE	2	/* a PROT_NONE page in every process */

enum fxc_map_kind {
	FXC_MAP_ANON_PRIVATE,	/* mmap(MAP_PRIVATE|MAP_ANONYMOUS) */
	FXC_MAP_ANON_SHARED,	/* mmap(MAP_SHARED|MAP_ANONYMOUS): shmem */
	FXC_MAP_FILE_SHARED,	/* a temporary file, MAP_SHARED */
	FXC_MAP_FILE_PRIVATE,	/* a temporary file, MAP_PRIVATE (COW) */
};

struct fxc_map {
	char name[FXC_NAME_MAX];
	int proc;		/* process that maps it first */
	enum fxc_map_kind kind;
	uint32_t pages;		/* length in pages */
	int prot;		/* FX_PROT_* at creation */
	uint32_t shared_with;	/* bitmask of other processes mapping it
				   (same object; ANON_SHARED/FILE_* only) */
};

struct fxc_futex {
	char name[FXC_NAME_MAX];
	int map;		/* index in maps */
	uint32_t offset;	/* byte offset in the mapping */
	uint32_t init;		/* initial value written before step 0
				   (TID-bearing values use canonical TIDs) */
	bool tid_word;		/* canonicalise TIDs in this word */
};

struct fxc_thread {
	char name[FXC_NAME_MAX];
	int proc;
	int policy;		/* FX_SCHED_OTHER / FX_SCHED_FIFO */
	int rt_prio;
};

/* A user address: a futex word plus a byte delta, or a raw address. */
struct fxc_addr {
	int futex;		/* index, or -1: raw */
	int32_t delta;		/* added to the futex's address */
	uint64_t raw;		/* when futex < 0: 0 = NULL, or a literal
				   address known to be unmapped/kernel */
};

enum fxc_timeout_kind {
	FXC_TO_NONE,		/* NULL pointer */
	FXC_TO_EXPIRE,		/* a timeout that fires only when an "expire"
				   step for the thread comes; the kernel
				   runner uses a long real timeout (relative
				   or absolute as the op requires) and the
				   expire step waits for the return */
	FXC_TO_PAST,		/* an absolute time already past / relative 0 */
	FXC_TO_RAW,		/* tv_sec/tv_nsec given literally (error tests) */
	FXC_TO_FAULT,		/* a non-NULL pointer that faults */
};

struct fxc_timeout {
	enum fxc_timeout_kind kind;
	int64_t sec, nsec;	/* FXC_TO_RAW */
};

struct fxc_waitv_ent {
	struct fxc_addr addr;
	uint64_t val;
	uint32_t flags;		/* FX2_* */
	uint32_t reserved;
};

enum fxc_step_kind {
	FXC_STEP_FUTEX,		/* futex(2): op, val, val2, addr2, val3 */
	FXC_STEP_FUTEX_WAIT,	/* futex_wait(addr, val, mask, flags, to, clk) */
	FXC_STEP_FUTEX_WAKE,	/* futex_wake(addr, mask, nr, flags) */
	FXC_STEP_FUTEX_REQUEUE,	/* futex_requeue(waitv[2], flags, nr_wake, nr_requeue) */
	FXC_STEP_WAITV,		/* futex_waitv(waitv, nr, flags, to, clockid) */
	FXC_STEP_PRCTL_HASH,	/* prctl(PR_FUTEX_HASH, sub, arg3, arg4) */
	FXC_STEP_SET_ROBUST,	/* set_robust_list(head, len): see robust */
	FXC_STEP_GET_ROBUST,	/* get_robust_list(pid, &head, &len): returns
				   -errno, or 0 if head is the one the runner
				   registered for the target thread (NULL if
				   none) and len is 24, else 1 */
	FXC_STEP_STORE,		/* the thread stores a value into a word */
	FXC_STEP_EXPIRE,	/* the thread's timeout fires */
	FXC_STEP_SIGNAL,	/* a signal with a handler hits the thread */
	FXC_STEP_EXIT,		/* the thread exits (must be idle) */
	FXC_STEP_SPAWN,		/* the thread starts (threads marked lazy
				   start here; others exist from the start) */
	FXC_STEP_MPROTECT,	/* change a mapping's protections */
};

/*
 * Robust lists: a scenario declares for a thread a robust list whose
 * entries are futex words (each optionally PI); the runners build the
 * struct robust_list_head and the entries in a private mapping of the
 * thread's process, with futex_offset pointing at the word.
 */
#define FXC_ROBUST_MAX	16	/* entries of one scenario robust list */

struct fxc_robust {
	int nent;
	int futex[FXC_ROBUST_MAX];
	bool pi[FXC_ROBUST_MAX];
	int pending;		/* futex index for list_op_pending, or -1 */
	bool circular;		/* make the list point back into itself */
	int64_t len;		/* len argument (24 = correct) */
};

struct fxc_step {
	enum fxc_step_kind kind;
	int line;		/* line in the scenario file (0: generated) */
	int thread;
	/* FUTEX */
	int op;			/* full op incl. PRIVATE/CLOCK_REALTIME bits */
	uint64_t val, val2, val3;
	struct fxc_addr addr, addr2;
	struct fxc_timeout to;
	/* futex2 */
	uint64_t mask;
	uint32_t flags;
	int nr, nr2;
	int clockid;
	int nwaitv;
	struct fxc_waitv_ent waitv[FXC_MAX_WAITV];
	bool waitv_null;	/* pass NULL as the array */
	/* PRCTL_HASH: sub = val, arg3 = val2, arg4 = val3 */
	/* SET_ROBUST */
	struct fxc_robust robust;
	/* GET_ROBUST: target thread index, or FXC_PID_SELF / FXC_PID_UNKNOWN */
	int pid_thread;
	/* SIGNAL */
	bool sa_restart;
	/* MPROTECT */
	int map;
	int prot;
	/* optional expectation on this step's own call (selftest asserts):
	   checked against both runners when set */
	bool has_expect;
	bool expect_block;
	long expect_ret;	/* >= 0, or -errno */
};

/*
 * fxc_step_is_call - the step is a system call (or a user-space store) the
 * thread makes; only such steps can leave their thread blocked.
 */
static inline bool fxc_step_is_call(enum fxc_step_kind k)
{
	switch (k) {
	case FXC_STEP_FUTEX:
	case FXC_STEP_FUTEX_WAIT:
	case FXC_STEP_FUTEX_WAKE:
	case FXC_STEP_FUTEX_REQUEUE:
	case FXC_STEP_WAITV:
	case FXC_STEP_PRCTL_HASH:
	case FXC_STEP_SET_ROBUST:
	case FXC_STEP_GET_ROBUST:
	case FXC_STEP_STORE:
		return true;
	default:
		return false;
	}
}

struct fxc_scenario {
	char name[64];
	char file[256];
	char requires[128];	/* features needed: "futex2 numa privhash
				   pi rt" (space separated) */
	int nprocs;
	char procs[FXC_MAX_PROCS][FXC_NAME_MAX];
	int nmaps;
	struct fxc_map maps[FXC_MAX_MAPS];
	int nfutexes;
	struct fxc_futex futexes[FXC_MAX_FUTEXES];
	int nthreads;
	struct fxc_thread threads[FXC_MAX_THREADS];
	bool lazy[FXC_MAX_THREADS];	/* starts at a SPAWN step */
	int nsteps, cap_steps;
	struct fxc_step *steps;
};

#define FXC_PID_SELF	(-1)	/* GET_ROBUST pid 0 */
#define FXC_PID_UNKNOWN	(-2)	/* GET_ROBUST: a pid no task has */

/*
 * fxc_initial_thread - is thread @t the initial thread of its process?
 * In every process but the first (P1, where the runners' own control
 * thread lives) the first thread declared for the process is the
 * process's initial thread (the task fork() made); later threads are
 * clones of it.  So a process with one scenario thread is single-threaded.
 */
static inline bool fxc_initial_thread(const struct fxc_scenario *sc, int t)
{
	int p = sc->threads[t].proc;

	if (p <= 0)
		return false;
	for (int j = 0; j < t; j++)
		if (sc->threads[j].proc == p)
			return false;
	return true;
}

/* What one call returned, observed during a step. */
struct fxc_ret {
	int thread;
	long ret;		/* >= 0, or -errno as the kernel returns it */
};

struct fxc_step_trace {
	bool blocked;		/* the step's own call did not return */
	int nret;
	struct fxc_ret rets[FXC_MAX_THREADS];	/* sorted by thread */
	uint32_t words[FXC_MAX_FUTEXES];	/* canonicalised */
	bool word_fault[FXC_MAX_FUTEXES];	/* word unreadable */
};

struct fxc_trace {
	int nsteps;
	struct fxc_step_trace *steps;	/* one per scenario step */
	char skip[256];		/* non-empty: the scenario was skipped */
	char error[256];	/* non-empty: the runner failed */
};

/* runners: 0 on success (trace filled; trace->skip may say it skipped),
 * negative errno when the runner itself failed (trace->error says why) */
int fxc_run_kernel(const struct fxc_scenario *sc, struct fxc_trace *tr);
int fxc_run_model(const struct fxc_scenario *sc, struct fxc_trace *tr);
void fxc_trace_free(struct fxc_trace *tr);

#endif /* FX_CONFORM_SCENARIO_H */
