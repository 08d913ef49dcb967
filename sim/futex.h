/* SPDX-License-Identifier: MIT */
/*
 * futex.h - public API of the time-free model of the Linux futex core.
 *
 * The model is a small simulated kernel: processes (struct fx_mm) with an
 * address space of mappings over memory objects (anonymous memory, files,
 * shmem), tasks (struct fx_task) with scheduling priorities, and the futex
 * core proper (keys, hash buckets, plist waiters, wait/wake, requeue, PI,
 * futex2, robust lists).  It knows nothing about time: a caller (the DES
 * engine, the conformance harness, a test) decides the order of events and
 * tells the core about each one:
 *
 *   fx_syscall()      a task enters a futex-related system call.  The call
 *                     either completes (FX_DONE, result in res->ret) or the
 *                     task goes to sleep (FX_SLEEPING).
 *   fx_task_resume()  a task that something woke (res->woken of another
 *                     call, a timer, a signal) gets the CPU and finishes its
 *                     system call, or sleeps again (FX_SLEEPING).
 *   fx_task_timeout() the task's armed timer fires.
 *   fx_task_signal()  a signal is delivered to the task.
 *   fx_task_clone(), fx_task_exit()  thread creation and exit (private
 *                     hash sizing, robust list, CLONE_CHILD_CLEARTID wake).
 *
 * Arguments follow the system-call ABI: pointers are addresses in the
 * task's simulated address space, so the timespec of a timed wait, the
 * futex_waitv array and the robust list are read from simulated memory and
 * fault as the kernel faults them.  fx_uaccess_*() let the caller put data
 * there and act as the user-space atomics on futex words.
 *
 * Every function returns 0 (or a count) or a negative errno.  Facts the
 * model follows are listed, with their kernel sources, in
 * docs/kernel-facts.md; departures in docs/departures.md.
 */
#ifndef FX_FUTEX_H
#define FX_FUTEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- uapi constants (values of include/uapi/linux/futex.h) ---- */
enum {
	FX_OP_WAIT = 0,
	FX_OP_WAKE = 1,
	FX_OP_FD = 2,
	FX_OP_REQUEUE = 3,
	FX_OP_CMP_REQUEUE = 4,
	FX_OP_WAKE_OP = 5,
	FX_OP_LOCK_PI = 6,
	FX_OP_UNLOCK_PI = 7,
	FX_OP_TRYLOCK_PI = 8,
	FX_OP_WAIT_BITSET = 9,
	FX_OP_WAKE_BITSET = 10,
	FX_OP_WAIT_REQUEUE_PI = 11,
	FX_OP_CMP_REQUEUE_PI = 12,
	FX_OP_LOCK_PI2 = 13,
};

#define FX_PRIVATE_FLAG		128
#define FX_CLOCK_REALTIME	256
#define FX_CMD_MASK		(~(FX_PRIVATE_FLAG | FX_CLOCK_REALTIME))

#define FX_WAITERS		0x80000000u
#define FX_OWNER_DIED		0x40000000u
#define FX_TID_MASK		0x3fffffffu
#define FX_BITSET_MATCH_ANY	0xffffffffu

/* WAKE_OP encoding: FX_OP(op, oparg, cmp, cmparg) */
#define FX_WOP_SET		0
#define FX_WOP_ADD		1
#define FX_WOP_OR		2
#define FX_WOP_ANDN		3
#define FX_WOP_XOR		4
#define FX_WOP_OPARG_SHIFT	8
#define FX_WOP_CMP_EQ		0
#define FX_WOP_CMP_NE		1
#define FX_WOP_CMP_LT		2
#define FX_WOP_CMP_LE		3
#define FX_WOP_CMP_GT		4
#define FX_WOP_CMP_GE		5
#define FX_OP(op, oparg, cmp, cmparg)					\
	((((uint32_t)(op) & 0xf) << 28) | (((uint32_t)(cmp) & 0xf) << 24) | \
	 (((uint32_t)(oparg) & 0xfff) << 12) | ((uint32_t)(cmparg) & 0xfff))

/* futex2 flags */
#define FX2_SIZE_U8		0x00
#define FX2_SIZE_U16		0x01
#define FX2_SIZE_U32		0x02
#define FX2_SIZE_U64		0x03
#define FX2_NUMA		0x04
#define FX2_MPOL		0x08
#define FX2_PRIVATE		FX_PRIVATE_FLAG
#define FX2_SIZE_MASK		0x03
#define FX2_VALID_MASK		(FX2_SIZE_MASK | FX2_NUMA | FX2_MPOL | FX2_PRIVATE)
#define FX_WAITV_MAX		128
#define FX_NO_NODE		(-1)

/* clock ids */
#define FX_CLOCK_REALTIME_ID	0
#define FX_CLOCK_MONOTONIC_ID	1

/* prctl(PR_FUTEX_HASH) */
#define FX_PR_FUTEX_HASH		78
#define FX_PR_FUTEX_HASH_SET_SLOTS	1
#define FX_PR_FUTEX_HASH_GET_SLOTS	2

/* clone flags the model looks at (values of include/uapi/linux/sched.h) */
#define FX_CLONE_VM			0x00000100
#define FX_CLONE_VFORK			0x00004000
#define FX_CLONE_THREAD			0x00010000
#define FX_CLONE_CHILD_CLEARTID		0x00200000

/* mmap/mprotect */
#define FX_PROT_NONE	0
#define FX_PROT_READ	1
#define FX_PROT_WRITE	2
#define FX_MAP_SHARED	0x01
#define FX_MAP_PRIVATE	0x02
#define FX_MAP_ANON	0x20

/* scheduling policies */
#define FX_SCHED_OTHER		0
#define FX_SCHED_FIFO		1
#define FX_SCHED_RR		2
#define FX_SCHED_DEADLINE	6

/* memory policy modes (mbind) the model uses for FUTEX2_MPOL */
#define FX_MPOL_DEFAULT		0
#define FX_MPOL_PREFERRED	1
#define FX_MPOL_BIND		2
#define FX_MPOL_PREFERRED_MANY	5

/* errno values the kernel uses internally and that user space never sees */
#define FX_ERESTARTSYS		512
#define FX_ERESTARTNOINTR	513
#define FX_ERESTART_RESTARTBLOCK 516

/* ---- user-memory layouts (x86_64 ABI) ---- */
struct fx_timespec {		/* struct __kernel_timespec, 16 bytes */
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct fx_waitv {		/* struct futex_waitv, 24 bytes */
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

#define FX_ROBUST_LIST_HEAD_LEN	24	/* sizeof(struct robust_list_head) */
#define FX_ROBUST_LIST_LIMIT	2048

/* ---- the simulated kernel ---- */
struct fx_core;
struct fx_mm;
struct fx_task;
struct fx_file;
struct fx_hasher;
struct fx_layout_ops;

struct fx_core_config {
	const struct fx_hasher *hasher;	/* NULL: jhash2 */
	const struct fx_layout_ops *layout; /* NULL: "private" (6.16+) */
	uint64_t seed;			/* hasher seed; 0 = the kernel */
	unsigned ncpus;			/* possible = online CPUs; 0: 1 */
	unsigned nnodes;		/* possible NUMA nodes; 0: 1 */
	const int *cpu_node;		/* node of each CPU; NULL: blocks */
	unsigned hash_slots;		/* 0: the kernel's size rule */
	int layout_opt;			/* knob of a researcher's layout */
	int placement;			/* global table: FX_PLACE_* */
	int refcount;			/* private hash: FX_REF_* */
	unsigned bucket_lines;		/* 0 or 1: lock, waiter count and chain
					   head share one 64-byte line (the
					   kernel's); 2: the lock on its own
					   line, count and chain on another */
	bool private_hash_clone_vm;	/* the post-6.17 clone rule (CLONE_VM
					   && !CLONE_VFORK) instead of
					   CLONE_THREAD|CLONE_VM */
};

/* cfg.placement: where the pre-6.16 global table's pages live */
#define FX_PLACE_INTERLEAVE	0	/* hashdist: pages interleaved */
#define FX_PLACE_NODE0		1	/* hashdist=0: all on node 0 */
/* cfg.refcount: the process-private hash's reference count */
#define FX_REF_PERCPU		0	/* 6.17+: per-CPU, atomic only while
					   a replacement is pending */
#define FX_REF_ATOMIC		1	/* 6.16: one shared rcuref line */

/**
 * fx_core_new - create a simulated kernel
 * @cfg: configuration; zero-initialised fields take the defaults
 *
 * Return: the core, or NULL (errno set) on an invalid configuration or
 * allocation failure.
 */
struct fx_core *fx_core_new(const struct fx_core_config *cfg);

/* fx_core_free - free the core and everything in it. */
void fx_core_free(struct fx_core *core);

/**
 * fx_core_check - run every invariant checker over the whole core
 * @core: the core
 *
 * Checks bucket waiter counts against their chains, plist order, that
 * every sleeping task is queued where its state says, pi_state refcounts
 * and owner links, and the rt-mutex waiter trees.
 *
 * Return: 0, or -EUCLEAN with a description in fx_core_errmsg().
 */
int fx_core_check(struct fx_core *core);
const char *fx_core_errmsg(const struct fx_core *core);

/* ---- processes, memory, files ---- */

/**
 * fx_mm_new - create a process (address space + its first task)
 * @core: the core
 * @pid:  the pid, which is also the TID of the first task (must be unused,
 *        1..FX_TID_MASK)
 *
 * Return: the first task of the new process, or NULL (errno set).
 */
struct fx_task *fx_mm_new(struct fx_core *core, int pid);

/* fx_file_new - a file (inode) whose pages any process may map. */
struct fx_file *fx_file_new(struct fx_core *core);

/**
 * fx_mmap - map [@addr, @addr+@len) in @mm
 * @mm:    the address space (fx_task_mm())
 * @addr:  page-aligned start; must not overlap an existing mapping
 * @len:   length, rounded up to whole pages
 * @prot:  FX_PROT_* bits
 * @flags: FX_MAP_SHARED or FX_MAP_PRIVATE, optionally | FX_MAP_ANON
 * @file:  backing file for a non-anonymous mapping, else NULL
 * @off:   page-aligned offset in @file
 *
 * A MAP_SHARED|MAP_ANON mapping gets a fresh shmem object of its own (as
 * the kernel does); share it across processes with fx_mmap_share().
 *
 * Return: 0, -EINVAL (alignment, overlap, bad flags), -ENOMEM.
 */
int fx_mmap(struct fx_mm *mm, uint64_t addr, uint64_t len, int prot,
	    int flags, struct fx_file *file, uint64_t off);

/**
 * fx_mmap_share - map the object behind @src_addr of @src into @dst
 * @dst: destination address space
 * @addr: page-aligned start in @dst
 * @src: source address space
 * @src_addr: an address inside a MAP_SHARED mapping of @src
 * @len: length
 * @prot: protections in @dst
 *
 * Models fork()/shmat() sharing of a shmem or file object.
 *
 * Return: 0 or a negative errno.
 */
int fx_mmap_share(struct fx_mm *dst, uint64_t addr, struct fx_mm *src,
		  uint64_t src_addr, uint64_t len, int prot);

int fx_munmap(struct fx_mm *mm, uint64_t addr, uint64_t len);
int fx_mprotect(struct fx_mm *mm, uint64_t addr, uint64_t len, int prot);

/**
 * fx_mbind - set the memory policy of [@addr, @addr+@len)
 * @mm: address space; @addr/@len: a whole mapping or a part of one
 * @mode: FX_MPOL_*; @node: preferred or home node, or FX_NO_NODE
 *
 * Return: 0 or a negative errno.
 */
int fx_mbind(struct fx_mm *mm, uint64_t addr, uint64_t len, int mode,
	     int node);

/*
 * User-space accesses.  They ignore protections as far as the model's
 * caller is concerned only where noted; they fail with -EFAULT on an
 * unmapped address and on PROT_NONE.  Writes need PROT_WRITE.  Memory is
 * zero-filled on first touch.
 */
int fx_uaccess_read(struct fx_mm *mm, uint64_t addr, void *buf, size_t len);
int fx_uaccess_write(struct fx_mm *mm, uint64_t addr, const void *buf,
		     size_t len);
int fx_uaccess_get32(struct fx_mm *mm, uint64_t addr, uint32_t *val);
int fx_uaccess_put32(struct fx_mm *mm, uint64_t addr, uint32_t val);
/* fx_uaccess_cmpxchg32 - returns 0 and the old value in *old. */
int fx_uaccess_cmpxchg32(struct fx_mm *mm, uint64_t addr, uint32_t expect,
			 uint32_t newval, uint32_t *old);

/* ---- tasks ---- */
enum fx_task_state {
	FX_TASK_RUNNING,	/* in user space, may call fx_syscall() */
	FX_TASK_SLEEPING,	/* blocked in a system call */
	FX_TASK_WOKEN,		/* made runnable, must fx_task_resume() */
	FX_TASK_EXITING,	/* fx_task_exit() is running (internal) */
	FX_TASK_DEAD,		/* exited; kept so its TID stays reserved */
};

struct fx_mm *fx_task_mm(struct fx_task *t);
int fx_task_tid(const struct fx_task *t);
enum fx_task_state fx_task_state(const struct fx_task *t);
struct fx_task *fx_task_find(struct fx_core *core, int tid);

/**
 * fx_task_setsched - set the policy and RT priority of @t
 * @t: the task; @policy: FX_SCHED_*; @rt_prio: 1..99 for FIFO/RR, else 0
 *
 * Re-sorts @t wherever it waits (rt-mutex) and re-walks the PI chain.
 * Futex plist queue positions are not changed (the kernel keeps them).
 *
 * Return: 0 or -EINVAL.
 */
int fx_task_setsched(struct fx_task *t, int policy, int rt_prio);

/* fx_task_prio - effective (possibly PI-boosted) kernel prio, 0..139 */
int fx_task_prio(const struct fx_task *t);
/* fx_task_normal_prio - the unboosted kernel prio */
int fx_task_normal_prio(const struct fx_task *t);

/* fx_task_set_cpu - the CPU the task runs on (for MPOL's local node). */
void fx_task_set_cpu(struct fx_task *t, unsigned cpu);

/**
 * fx_task_clone - create a task from @parent
 * @parent: running task
 * @tid: the new TID (unused)
 * @flags: FX_CLONE_* bits; without FX_CLONE_VM a new process is made whose
 *         private anonymous memory is a copy of the parent's
 * @ctid: the CLONE_CHILD_CLEARTID address (used if the flag is set)
 *
 * A new thread of a process may size (or grow) the process-private hash,
 * as copy_process() does.
 *
 * Return: the new task, or NULL (errno set).
 */
struct fx_task *fx_task_clone(struct fx_task *parent, int tid,
			      unsigned long flags, uint64_t ctid);

/* ---- results ---- */
#define FX_DONE		0	/* the call completed; see res->ret */
#define FX_SLEEPING	1	/* the task is asleep in the call */

enum fx_timer_kind {
	FX_TIMER_NONE,		/* no timeout */
	FX_TIMER_REL_MONO,	/* relative, CLOCK_MONOTONIC (FUTEX_WAIT) */
	FX_TIMER_ABS_MONO,	/* absolute, CLOCK_MONOTONIC */
	FX_TIMER_ABS_REAL,	/* absolute, CLOCK_REALTIME */
};

struct fx_timer {
	enum fx_timer_kind kind;
	int64_t ns;		/* as given: relative or absolute nanoseconds */
	bool slack;		/* the task's timer slack applies (not PI) */
};

/* What the core did in one call, for the DES cost model and the stats. */
struct fx_result {
	long ret;		/* the system call's return (FX_DONE only) */
	unsigned nwoken;	/* tasks this call made runnable */
	struct fx_task **woken;	/* them, in wake order; valid until the
				   next call into the core */
	unsigned nrequeued;	/* waiters moved to another futex */
	unsigned walked;	/* chain entries visited under bucket locks */
	unsigned foreign;	/* of those, entries of other futexes */
	unsigned nbuckets;	/* buckets locked: 0, 1 or 2 */
	const void *bucket[2];	/* identity of those buckets */
	struct fx_timer timer;	/* armed when the task went to sleep */
	bool restarted;		/* a signal restarted the call */
};

/**
 * fx_syscall - task @t enters a system call
 * @t:   a task in FX_TASK_RUNNING
 * @nr:  FX_SYS_*
 * @a:   the six syscall arguments, as the ABI passes them
 * @res: filled with what the core did
 *
 * Return: FX_DONE (res->ret holds the return value, >= 0 or -errno),
 * FX_SLEEPING (the task sleeps; res->timer says which timer to arm), or a
 * negative errno for a misuse of the API (task not running: -EBUSY;
 * unknown @nr: -ENOSYS is returned in res->ret instead).
 */
int fx_syscall(struct fx_task *t, int nr, const uint64_t a[6],
	       struct fx_result *res);

enum {
	FX_SYS_FUTEX,		/* futex(uaddr, op, val, utime/val2, uaddr2, val3) */
	FX_SYS_FUTEX_WAITV,	/* futex_waitv(waiters, nr, flags, timeout, clockid) */
	FX_SYS_FUTEX_WAKE,	/* futex_wake(uaddr, mask, nr, flags) */
	FX_SYS_FUTEX_WAIT,	/* futex_wait(uaddr, val, mask, flags, timeout, clockid) */
	FX_SYS_FUTEX_REQUEUE,	/* futex_requeue(waiters, flags, nr_wake, nr_requeue) */
	FX_SYS_SET_ROBUST_LIST,	/* set_robust_list(head, len) */
	FX_SYS_GET_ROBUST_LIST,	/* get_robust_list(pid, head_ptr, len_ptr) */
	FX_SYS_SET_TID_ADDRESS,	/* set_tid_address(tidptr) */
	FX_SYS_PRCTL,		/* prctl(option, arg2, arg3, arg4, arg5) */
	FX_SYS_NR,
};

/**
 * fx_task_resume - a woken task runs and finishes its system call
 * @t:   a task in FX_TASK_WOKEN
 * @res: filled as for fx_syscall()
 *
 * Return: FX_DONE or FX_SLEEPING (e.g. a PI waiter whose lock was stolen,
 * a requeue-PI waiter now blocked on the PI lock, a restarted call).
 */
int fx_task_resume(struct fx_task *t, struct fx_result *res);

/**
 * fx_task_timeout - the timer armed for @t's current call fires
 * @t: the task
 *
 * Return: 1 if this woke the task, 0 if it was not asleep (already woken:
 * the flag is still recorded, as hrtimer expiry is), -EINVAL if no timer
 * was armed.
 */
int fx_task_timeout(struct fx_task *t);

#define FX_SIG_RESTART	0x1	/* the handler has SA_RESTART */

/**
 * fx_task_signal - a signal with a handler is delivered to @t
 * @t: the task
 * @flags: FX_SIG_*
 *
 * Return: 1 if this woke the task, 0 otherwise.
 */
int fx_task_signal(struct fx_task *t, unsigned flags);

/**
 * fx_task_exit - @t exits (do_exit's futex part)
 * @t:   a running task
 * @res: wakes done by the exit (robust list, clear_child_tid, PI handoff)
 *
 * Walks the robust list, then releases every PI state @t owns, then, if
 * the mm has other users, clears the CLONE_CHILD_CLEARTID word and wakes
 * one waiter on it with a shared key.
 *
 * Return: 0 or a negative errno (-EBUSY if @t is not running).
 */
int fx_task_exit(struct fx_task *t, struct fx_result *res);

/* ---- inspection (tests, the CLI, the DES) ---- */

/* Where a key lands: the result of the hash seam. */
struct fx_hash_info {
	uint32_t words[4];	/* the hashed key words */
	unsigned nwords;
	uint32_t initval;	/* the key offset incl. FUT_OFF bits */
	uint64_t hash;		/* the hasher's value */
	int table;		/* table id: node for global tables, -1 for
				   the process-private hash */
	int node;		/* home node of the bucket */
	unsigned bucket;	/* index in its table */
	unsigned table_size;	/* buckets in that table */
};

/**
 * fx_futex_locate - compute the key of @uaddr as task @t would and report
 * the bucket it maps to
 * @t: task; @uaddr: futex address; @flags2: FX2_* flags (PRIVATE, NUMA...)
 * @info: out
 *
 * Return: 0 or the key error (-EINVAL, -EFAULT).
 */
int fx_futex_locate(struct fx_task *t, uint64_t uaddr, unsigned flags2,
		    struct fx_hash_info *info);

/* fx_futex_waiters - number of tasks queued on the futex at @uaddr. */
int fx_futex_waiters(struct fx_task *t, uint64_t uaddr, unsigned flags2);

/* fx_private_hash_slots - PR_FUTEX_HASH_GET_SLOTS of @t's process */
int fx_private_hash_slots(struct fx_task *t);

#endif /* FX_FUTEX_H */
