/* SPDX-License-Identifier: MIT */
/*
 * des.h - the discrete-event engine: simulated CPUs running simulated
 * threads that call the futex core, with time charged by the cost model.
 *
 * A simulation (struct fx_des) owns one futex core, a topology, a cost
 * profile, an event queue ordered by (time, insertion sequence) and one
 * seeded random generator.  Workloads (workloads/) create processes and
 * threads; each thread is a small state machine whose step function the
 * engine calls whenever the thread is in user space and ready for its
 * next action:
 *
 *   FX_ACT_SYSCALL  enter a system call (fx_syscall() arguments); the
 *                   engine runs it through the op pipeline (op.c) and
 *                   calls step again when the thread is back in user
 *                   space, with th->ret set
 *   FX_ACT_ATOMIC   an atomic on a user word (load, store, xchg, cmpxchg,
 *                   add, or, and); th->uval holds the old value after it
 *   FX_ACT_THINK    compute in user space for a while
 *   FX_ACT_SLEEP    nanosleep(): leave the CPU for a while (plus the
 *                   timer slack of a SCHED_OTHER thread)
 *   FX_ACT_EXIT     the thread exits (robust list, clear_child_tid wakes)
 *   FX_ACT_PARK     leave the CPU until fx_des_thread_unpark() or a
 *                   timeout (th->ret 0 or -ETIMEDOUT); no system call,
 *                   for drivers that must hold a thread back (trace
 *                   replay), not a model of anything the kernel does
 *
 * Simulated time is in picoseconds (fx_ps, cost.h); every time the engine
 * reports is in nanoseconds.  The same seed, workload and configuration
 * give the same events in the same order, hence byte-identical output.
 */
#ifndef FX_DES_H
#define FX_DES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cost.h"
#include "futex.h"
#include "stats.h"
#include "topo.h"

struct fx_des;
struct fx_des_proc;
struct fx_des_thread;

/* ---- actions ---- */
enum fx_act_kind {
	FX_ACT_SYSCALL,
	FX_ACT_ATOMIC,
	FX_ACT_THINK,
	FX_ACT_SLEEP,
	FX_ACT_EXIT,
	FX_ACT_PARK,
};

enum fx_uop {
	FX_UA_LOAD,		/* uval = *addr */
	FX_UA_STORE,		/* *addr = a */
	FX_UA_XCHG,		/* uval = *addr; *addr = a */
	FX_UA_CMPXCHG,		/* uval = *addr; if (uval == a) *addr = b */
	FX_UA_ADD,		/* uval = *addr; *addr += a */
	FX_UA_OR,		/* uval = *addr; *addr |= a */
	FX_UA_AND,		/* uval = *addr; *addr &= a */
};

struct fx_des_act {
	enum fx_act_kind kind;
	int nr;			/* SYSCALL: FX_SYS_* */
	uint64_t a[6];		/* SYSCALL: arguments */
	enum fx_uop uop;	/* ATOMIC */
	uint64_t addr;		/* ATOMIC: user address of a 32-bit word */
	uint32_t x, y;		/* ATOMIC: operands a, b above */
	uint64_t ns;		/* THINK, SLEEP, PARK: nanoseconds */
};

typedef void (*fx_des_step_fn)(struct fx_des_thread *th,
			       struct fx_des_act *act);

/*
 * The part of a simulated thread that workloads read.  The engine's own
 * state follows it in the real struct (des_int.h).
 */
struct fx_des_thread {
	struct fx_des *des;
	struct fx_des_proc *proc;
	struct fx_task *task;	/* the futex core's task */
	int tid;
	unsigned idx;		/* creation index in the simulation */
	unsigned cpu;		/* the CPU it runs (or last ran) on */
	long ret;		/* return of the last system call */
	uint32_t uval;		/* old value of the last atomic */
	void *priv;		/* the workload's per-thread state */
	uint64_t scratch;	/* 256 bytes of the thread's own user memory
				   (timespecs, futex_waitv arrays) */
};

/* ---- action helpers for step functions ---- */
static inline void fx_act_syscall(struct fx_des_act *a, int nr, uint64_t a0,
				  uint64_t a1, uint64_t a2, uint64_t a3,
				  uint64_t a4, uint64_t a5)
{
	a->kind = FX_ACT_SYSCALL;
	a->nr = nr;
	a->a[0] = a0; a->a[1] = a1; a->a[2] = a2;
	a->a[3] = a3; a->a[4] = a4; a->a[5] = a5;
}

/* futex(uaddr, op, val, timeout/val2, uaddr2, val3) */
static inline void fx_act_futex(struct fx_des_act *a, uint64_t uaddr, int op,
				uint32_t val, uint64_t utime, uint64_t uaddr2,
				uint32_t val3)
{
	fx_act_syscall(a, FX_SYS_FUTEX, uaddr, (uint64_t)(unsigned)op, val,
		       utime, uaddr2, val3);
}

static inline void fx_act_atomic(struct fx_des_act *a, enum fx_uop op,
				 uint64_t addr, uint32_t x, uint32_t y)
{
	a->kind = FX_ACT_ATOMIC;
	a->uop = op;
	a->addr = addr;
	a->x = x;
	a->y = y;
}

static inline void fx_act_think(struct fx_des_act *a, uint64_t ns)
{
	a->kind = FX_ACT_THINK;
	a->ns = ns;
}

static inline void fx_act_sleep(struct fx_des_act *a, uint64_t ns)
{
	a->kind = FX_ACT_SLEEP;
	a->ns = ns;
}

static inline void fx_act_exit(struct fx_des_act *a)
{
	a->kind = FX_ACT_EXIT;
}

#define FX_DES_FOREVER	UINT64_MAX	/* fx_act_park(): no timeout */

/* park until unparked, or for at most @ns (FX_DES_FOREVER: no limit) */
static inline void fx_act_park(struct fx_des_act *a, uint64_t ns)
{
	a->kind = FX_ACT_PARK;
	a->ns = ns;
}

/* ---- configuration ---- */
struct fx_des_config {
	const struct fx_topo *topo;	/* required */
	const struct fx_cost *cost;	/* required */
	struct fx_core_config core;	/* hasher, layout, slots, knobs; the
					   engine fills ncpus/nnodes/cpu_node
					   from the topology */
	uint64_t seed;			/* the one random generator's seed */
	uint64_t end_ns;		/* stop at this simulated time; 0: run
					   until every thread has exited */
	uint64_t max_events;		/* safety limit; 0: none */
	bool check;			/* run fx_core_check() after every op */
	bool progress;			/* progress line on stderr */
};

/**
 * fx_des_new - create a simulation
 * @cfg: configuration (copied; topo and cost must outlive the simulation)
 *
 * Return: the simulation, or NULL with errno set (-EINVAL: a topology
 * larger than the core supports, a zero-CPU topology).
 */
struct fx_des *fx_des_new(const struct fx_des_config *cfg);
void fx_des_free(struct fx_des *des);

/* fx_des_core - the futex core the simulation drives */
struct fx_core *fx_des_core(struct fx_des *des);
const struct fx_topo *fx_des_topo(const struct fx_des *des);

/* fx_des_nthreads - threads created so far */
unsigned fx_des_nthreads(const struct fx_des *des);

/* fx_des_rand - the simulation's seeded generator (xoshiro256**) */
uint64_t fx_des_rand(struct fx_des *des);

/* fx_des_now - current simulated time in nanoseconds */
uint64_t fx_des_now(const struct fx_des *des);

/* ---- processes, memory, threads (workload setup) ---- */

/**
 * fx_des_proc_new - create a process with a 1 GiB private heap
 * @des: simulation
 *
 * Return: the process, or NULL (errno set).
 */
struct fx_des_proc *fx_des_proc_new(struct fx_des *des);

/**
 * fx_des_alloc - carve @size bytes, @align-aligned, from @p's heap
 * (zero-filled; first touch sets each line's home node)
 *
 * Return: the user address, or 0 when the heap is exhausted.
 */
uint64_t fx_des_alloc(struct fx_des_proc *p, uint64_t size, uint64_t align);

/**
 * fx_des_alloc_shared - map @size bytes of shared memory (MAP_SHARED
 * anonymous, as fork() shares it) at one address in every process of
 * @procs; futexes in it have shared keys when used without
 * FUTEX_PRIVATE_FLAG
 *
 * Return: the address, or 0 (errno set).
 */
uint64_t fx_des_alloc_shared(struct fx_des_proc **procs, unsigned nprocs,
			     uint64_t size);

/* fx_des_proc_pid - the process's pid */
/**
 * fx_des_map_shared - map [@addr, @addr + @len) as one shared anonymous
 * object in every process of @procs (page-aligned; the range must be
 * free in each), as memory a fork() shared does
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int fx_des_map_shared(struct fx_des_proc **procs, unsigned nprocs,
		      uint64_t addr, uint64_t len);

int fx_des_proc_pid(const struct fx_des_proc *p);

#define FX_DES_ANY_CPU	(-1)

/**
 * fx_des_thread_new - create a thread of @p
 * @p:        process; its first thread uses the process's first task,
 *            later ones are clone(CLONE_VM|CLONE_THREAD|...) of it
 * @step:     the thread's step function
 * @priv:     the workload's per-thread state (th->priv)
 * @cpu:      CPU the thread is pinned to, or FX_DES_ANY_CPU
 * @start_ns: when it first runs
 *
 * Return: the thread, or NULL (errno set: -EINVAL for a CPU outside the
 * topology).
 */
struct fx_des_thread *fx_des_thread_new(struct fx_des_proc *p,
					fx_des_step_fn step, void *priv,
					int cpu, uint64_t start_ns);

/* fx_des_thread_sched - FX_SCHED_OTHER or FX_SCHED_FIFO with rt_prio */
int fx_des_thread_sched(struct fx_des_thread *th, int policy, int rt_prio);

/*
 * fx_des_thread_daemon - the thread may be blocked when the run ends
 * without that meaning a deadlock (e.g. a waiter of an open-ended
 * benchmark loop)
 */
void fx_des_thread_daemon(struct fx_des_thread *th);

/* ---- workload accounting ---- */

/* fx_des_count_ops - the workload's unit of work ("operations") */
void fx_des_count_ops(struct fx_des_thread *th, uint64_t n);

/*
 * fx_des_value - a workload-specific result column (e.g. perf's own
 * averaged ops/s); @name must be a string constant; set again to update.
 * More than FX_DES_MAX_VALUES names fail the run (-ENOSPC).
 */
void fx_des_value(struct fx_des *des, const char *name, double v);

/* ---- running ---- */

/**
 * fx_des_run - run until end_ns, until every thread has exited, or until
 * nothing can happen any more
 * @des: simulation
 *
 * Return: 0; -EDEADLK when threads are still blocked with nothing left
 * that could wake them (fx_des_deadlock_report() says who waits on
 * what); -E2BIG when max_events was reached; -EIO when an invariant
 * check failed (message in fx_des_errmsg()); another negative errno when
 * a step function asked for something impossible.
 */
int fx_des_run(struct fx_des *des);

const char *fx_des_errmsg(const struct fx_des *des);
/* fx_des_status - 0, or the first error of the run or of a report */
int fx_des_status(const struct fx_des *des);

/* fx_des_deadlock_report - every live thread, what it waits on, since when */
void fx_des_deadlock_report(struct fx_des *des, FILE *out);

/* ---- results (metrics as docs/metrics.md defines them) ---- */
#define FX_DES_MAX_VALUES	32

struct fx_des_results {
	uint64_t sim_ns;		/* simulated time at the end */
	uint64_t events;		/* events processed */
	uint64_t syscalls;		/* system calls entered */
	uint64_t futex_ops;		/* of those, futex calls */
	uint64_t ops;			/* workload operations */
	double throughput;		/* ops per simulated second */
	uint64_t wakeups;		/* woken tasks that ran again */
	struct fx_qhist wake_lat;	/* wakeup latency, ns: waker's
					   syscall entry -> wakee in user
					   space */
	struct fx_qhist lock_wait;	/* bucket-lock wait per acquisition, ns */
	uint64_t lock_acq;		/* bucket-lock acquisitions */
	uint64_t lock_contended;	/* of those, that had to wait */
	uint64_t lock_wait_ns;		/* total wait, ns */
	uint64_t lock_wait_own_ns;	/* waiting behind the same key */
	uint64_t lock_wait_foreign_ns;	/* waiting behind other keys */
	struct fx_opstats opstats;	/* collision rate, chain, remote */
	uint64_t ctx_switches, ipis, idle_exits, migrations;
	uint64_t timeouts;		/* timers that fired and woke a task */
	unsigned nvalues;
	const char *value_name[FX_DES_MAX_VALUES];
	double value[FX_DES_MAX_VALUES];
};

/* fx_des_results - the results so far (pointer into @des) */
const struct fx_des_results *fx_des_results(const struct fx_des *des);

/**
 * fx_des_thread_unpark - let a thread parked by FX_ACT_PARK run again (its
 * th->ret becomes 0); it needs a CPU like any woken thread
 * @th: the thread
 *
 * May be called from a step function or a block hook.
 * Return: 1 if @th was parked, 0 if not.
 */
int fx_des_thread_unpark(struct fx_des_thread *th);

typedef void (*fx_des_block_fn)(struct fx_des_thread *th);

/*
 * fx_des_thread_on_block - call @fn each time @th goes to sleep inside a
 * futex call (it is queued in the core and has left its CPU); @fn may
 * unpark other threads, nothing else.  NULL removes the hook.
 */
void fx_des_thread_on_block(struct fx_des_thread *th, fx_des_block_fn fn);

/**
 * fx_des_wake_pair - the wakeup latencies (ns) of the wakeups whose waker
 * ran on a CPU of node @waker_node and whose wakee ran again on a CPU of
 * node @wakee_node (the split of results.wake_lat by node pair)
 *
 * Return: the histogram, or NULL when there was no such wakeup (or a
 * node is outside the topology).
 */
const struct fx_qhist *fx_des_wake_pair(const struct fx_des *des,
					unsigned waker_node,
					unsigned wakee_node);

#endif /* FX_DES_H */
