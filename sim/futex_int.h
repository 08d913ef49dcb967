/* SPDX-License-Identifier: MIT */
/*
 * futex_int.h - data structures of the futex core model, private to sim/.
 *
 * They mirror kernel/futex/futex.h (union futex_key, struct futex_q, struct
 * futex_hash_bucket, struct futex_pi_state) and the parts of task_struct,
 * mm_struct and rt_mutex the futex code touches.  Field comments name the
 * kernel field each one models.
 */
#ifndef FX_FUTEX_INT_H
#define FX_FUTEX_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "futex.h"
#include "lib/list.h"
#include "lib/plist.h"

#ifndef FX_DEBUG
#define FX_DEBUG 0
#endif

#define FX_PAGE_SIZE		4096ull
#define FX_PAGE_MASK		(~(FX_PAGE_SIZE - 1))
#define FX_TASK_SIZE		0x00007ffffffff000ull	/* x86_64 TASK_SIZE_MAX */

/* key->both.offset kind bits (FUT_OFF_*) */
#define FX_FUT_OFF_INODE	1u
#define FX_FUT_OFF_MMSHARED	2u

/* internal flags, futex_to_flags()/futex2_to_flags() (FLAGS_*) */
#define FX_FLAGS_SIZE_8		0x0000
#define FX_FLAGS_SIZE_16	0x0001
#define FX_FLAGS_SIZE_32	0x0002
#define FX_FLAGS_SIZE_64	0x0003
#define FX_FLAGS_SIZE_MASK	0x0003
#define FX_FLAGS_SHARED		0x0010
#define FX_FLAGS_CLOCKRT	0x0020
#define FX_FLAGS_HAS_TIMEOUT	0x0040
#define FX_FLAGS_NUMA		0x0080
#define FX_FLAGS_STRICT		0x0100
#define FX_FLAGS_MPOL		0x0200

enum fx_access { FX_READ, FX_WRITE };

/* kernel prio scale */
#define FX_MAX_RT_PRIO		100
#define FX_DEFAULT_PRIO		120
#define FX_DL_PRIO		(-1)
#define FX_MAX_LOCK_DEPTH	1024

/* union futex_key; 64-bit layout */
union fx_key {
	struct {
		uint64_t i_seq;
		uint64_t pgoff;
		uint32_t offset;
	} shared;
	struct {
		uint64_t mm;		/* the mm's simulated kernel address */
		uint64_t address;	/* page-aligned */
		uint32_t offset;
	} private;
	struct {
		uint64_t ptr;
		uint64_t word;
		uint32_t offset;
		uint32_t node;		/* NOT hashed, not compared */
	} both;
};

static inline bool fx_key_match(const union fx_key *a, const union fx_key *b)
{
	return a->both.ptr == b->both.ptr && a->both.word == b->both.word &&
	       a->both.offset == b->both.offset;
}

/* struct futex_hash_bucket */
struct fx_hb {
	unsigned waiters;		/* atomic_t waiters */
	struct plist_head chain;	/* waiters of every key in the bucket */
	int node;			/* home node of the bucket's memory */
	int table;			/* table id (node, or -1 = private) */
	unsigned index;			/* index in its table */
	/*
	 * The engine's view of the bucket (sim/des/op.c): the spinlock as a
	 * contended resource and the CPUs holding the bucket's cache lines.
	 * All zero is "unlocked, in no cache".  The time-free core never
	 * reads it.
	 */
	struct fx_hb_sim {
		void *holder;		/* request holding the lock */
		void *qhead, *qtail;	/* FIFO of waiting requests */
		uint64_t busy_since;	/* ps: start of the holder's share */
		uint32_t owner[2];	/* CPU + 1 last writing line 0/1 */
		uint32_t reader[2];	/* CPU + 1 last reading it since */
	} sim;
};

struct fx_pi_state;
struct fx_rt_waiter;

/* requeue_state values (Q_REQUEUE_PI_*) */
enum {
	FX_RQ_NONE = 0,
	FX_RQ_IGNORE,
	FX_RQ_IN_PROGRESS,
	FX_RQ_WAIT,
	FX_RQ_DONE,
	FX_RQ_LOCKED,
};

struct fx_q;
typedef void (*fx_wake_fn)(struct fx_core *core, struct fx_q *q);

/* struct futex_q */
struct fx_q {
	struct plist_node list;		/* on hb->chain; prio = wake prio */
	struct fx_task *task;
	struct fx_hb *lock_ptr;		/* bucket; NULL once a waker took it */
	fx_wake_fn wake;		/* default fx_wake_mark */
	void *wake_data;		/* waitv: the waiting task's vector */
	union fx_key key;
	struct fx_pi_state *pi_state;
	struct fx_rt_waiter *rt_waiter;	/* set only by WAIT_REQUEUE_PI */
	union fx_key requeue_pi_key;
	uint32_t bitset;
	int requeue_state;
	unsigned index;			/* waitv: index in the vector */
	bool woken;			/* waitv: this entry was woken */
};

/* the rt-mutex of a pi_state (rt_mutex_base) */
struct fx_rt_mutex {
	struct fx_task *owner;		/* NULL: free or handoff pending */
	struct plist_head waiters;	/* fx_rt_waiter.tree_entry, by rt prio */
};

/* struct rt_mutex_waiter */
struct fx_rt_waiter {
	struct plist_node tree_entry;	/* on lock->waiters */
	struct plist_node pi_tree_entry; /* on owner->pi_waiters if top */
	struct fx_task *task;
	struct fx_rt_mutex *lock;	/* NULL when not enqueued */
};

/* struct futex_pi_state */
struct fx_pi_state {
	struct list_head list;		/* on owner->pi_state_list */
	struct fx_rt_mutex pi_mutex;
	struct fx_task *owner;		/* NULL after owner death */
	int refcount;
	union fx_key key;
	struct list_head all;		/* on core->pi_states (checks, free) */
};

/* A memory object: anonymous memory, a file's page cache, shmem. */
struct fx_mobj {
	int refcount;
	struct fx_file *file;		/* file/shmem: its inode, else NULL */
	uint64_t npages_cap;		/* page table capacity (power of 2) */
	uint64_t npages;		/* pages present */
	struct fx_page { uint64_t idx; uint8_t *data; } *pages;
};

struct fx_file {
	struct fx_core *core;
	uint64_t i_seq;			/* 0 until a futex first uses it */
	bool shmem;			/* anonymous shmem (MAP_SHARED|ANON) */
	struct fx_mobj *obj;
	struct list_head node;		/* on core->files */
};

struct fx_vma {
	uint64_t start, end;
	int prot, flags;
	struct fx_mobj *obj;		/* private anon, file or shmem */
	struct fx_mobj *cow;		/* MAP_PRIVATE file: copied pages */
	uint64_t pgoff;			/* in obj, pages */
	int mpol_mode, mpol_node;
	struct list_head node;		/* on mm->vmas, sorted by start */
};

struct fx_mm {
	struct fx_core *core;
	int pid;
	uint64_t kptr;			/* simulated mm_struct address */
	struct list_head vmas;
	struct list_head tasks;		/* fx_task.mm_node */
	unsigned nr_threads;		/* live tasks (get_nr_threads) */
	unsigned users;			/* mm_users */
	void *hash;			/* layout's per-process state */
	struct list_head node;		/* on core->mms */
};

/* futex_state of task_struct (exit handling) */
enum { FX_FUTEX_STATE_OK, FX_FUTEX_STATE_EXITING, FX_FUTEX_STATE_DEAD };

/*
 * fx_resume_fn - the rest of a system call after the task was woken.
 * Returns the call's value and sets *status to FX_DONE, or puts the task
 * back to sleep with fx_task_sleep() and sets *status to FX_SLEEPING.
 */
typedef long (*fx_resume_fn)(struct fx_task *t, int *status);

struct fx_task {
	struct fx_core *core;
	struct fx_mm *mm;
	int tid;
	enum fx_task_state state;
	struct list_head mm_node;	/* on mm->tasks */
	struct list_head all;		/* on core->tasks */
	unsigned cpu;

	/* scheduling */
	int policy, rt_prio;
	int normal_prio;		/* 99-rt_prio, -1 for DL, 120 other */
	int prio;			/* effective, PI-boosted */
	uint64_t order;			/* creation order (stable sorting) */
	bool in_wake_q;			/* on core->wq for the call in progress */

	/* the system call in flight */
	int sys_nr;
	uint64_t args[6];
	fx_resume_fn resume;		/* what runs on fx_task_resume() */
	struct fx_timer timer;		/* armed timeout (kind NONE: none) */
	bool timed_out;			/* hrtimer expired */
	bool sig_pending;
	unsigned sig_flags;
	unsigned flags;			/* FX_FLAGS_* of the call */
	struct fx_q q;			/* wait, lock_pi, wait_requeue_pi */
	struct fx_q *vq;		/* futex_waitv vector */
	unsigned nvq, vq_cap;
	uint32_t wait_val;		/* value the wait compares with */
	uint64_t uaddr2;		/* second address of the call */

	/* PI */
	struct list_head pi_state_list;	/* pi_states this task owns */
	struct plist_head pi_waiters;	/* top waiters of owned rt-mutexes */
	struct fx_rt_waiter *pi_blocked_on;
	struct fx_rt_waiter rt_waiter;	/* the waiter "on the stack" */
	bool rt_acquired;		/* the rt-mutex became ours */

	/* robust list, exit */
	uint64_t robust_list;		/* set_robust_list head */
	uint64_t robust_len;
	uint64_t clear_child_tid;
	int futex_state;
};

/* ---- the core ---- */
struct fx_layout;

struct fx_core {
	struct fx_core_config cfg;
	const struct fx_hasher *hasher;
	const struct fx_layout_ops *layout_ops;
	void *layout;			/* the layout's state */
	int *cpu_node;			/* node of each CPU */
	struct list_head mms, files, tasks, pi_states;
	struct fx_task **tid_tab;	/* open addressing by TID */
	unsigned tid_cap, ntasks;
	uint64_t inode_seq;		/* last i_seq handed out */
	uint64_t next_kptr;
	uint64_t task_order;

	/* results of the call in progress */
	struct fx_result *res;
	struct fx_task **wq;		/* wake_q */
	unsigned wq_len, wq_cap;

	char errmsg[256];
};

/* ---- futex_core.c: keys, buckets, queueing ---- */
unsigned fx_futex_to_flags(unsigned op);
unsigned fx_futex2_to_flags(unsigned flags2);
bool fx_flags_valid(unsigned flags);
bool fx_validate_input(unsigned flags, uint64_t val);
int fx_get_futex_key(struct fx_task *t, uint64_t uaddr, unsigned flags,
		     union fx_key *key, enum fx_access rw);
struct fx_hb *fx_hash(struct fx_core *core, const union fx_key *key,
		      struct fx_mm *mm, struct fx_hash_info *info);
void fx_q_init(struct fx_q *q, struct fx_task *t);
int fx_q_prio(const struct fx_task *t);
void fx_queue(struct fx_q *q, struct fx_hb *hb);
void fx_unqueue_locked(struct fx_q *q);
bool fx_unqueue(struct fx_q *q);
void fx_requeue_q(struct fx_q *q, struct fx_hb *hb1, struct fx_hb *hb2,
		  const union fx_key *key2);
struct fx_q *fx_top_waiter(struct fx_core *core, struct fx_hb *hb,
			   const union fx_key *key);
void fx_note_bucket(struct fx_core *core, const struct fx_hb *hb);
void fx_note_walk(struct fx_core *core, const struct fx_q *q,
		  const union fx_key *key);
void fx_wake_mark(struct fx_core *core, struct fx_q *q);
void fx_wake_q_add(struct fx_core *core, struct fx_task *t);
void fx_task_sleep(struct fx_task *t, fx_resume_fn resume);
int fx_get_value(struct fx_mm *mm, uint64_t uaddr, uint32_t *val);
int fx_put_value(struct fx_mm *mm, uint64_t uaddr, uint32_t val);
int fx_cmpxchg_value(struct fx_mm *mm, uint64_t uaddr, uint32_t expect,
		     uint32_t newval, uint32_t *old);
void fx_hb_rehash(struct fx_core *core, struct fx_hb *old, unsigned n);
int fx_errf(struct fx_core *core, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- mm.c: address space and memory ---- */
struct fx_vma *fx_find_vma(struct fx_mm *mm, uint64_t addr);
uint8_t *fx_page_lookup(struct fx_mm *mm, uint64_t addr, bool write,
			struct fx_vma **vmap);
bool fx_page_is_anon(struct fx_vma *v, uint64_t addr);
void fx_mm_free(struct fx_mm *mm);
void fx_file_free(struct fx_file *f);
int fx_mm_copy(struct fx_mm *dst, struct fx_mm *src);

/* ---- task.c ---- */
struct fx_task *fx_task_alloc(struct fx_core *core, struct fx_mm *mm,
			      int tid);
void fx_task_free(struct fx_task *t);
void fx_task_set_prio(struct fx_task *t, int prio);
int fx_task_rt_prio_key(const struct fx_task *t);	/* rt-mutex order */

/* ---- futex_syscalls.c: argument decoding for every FX_SYS_* ---- */
long fx_sys_dispatch(struct fx_task *t, int nr, const uint64_t a[6],
		     int *status);

/* ---- futex_waitwake.c ---- */
long fx_futex_wait(struct fx_task *t, uint64_t uaddr, unsigned flags,
		   uint32_t val, const struct fx_timer *to, uint32_t bitset,
		   int *status);
long fx_futex_wake(struct fx_task *t, uint64_t uaddr, unsigned flags,
		   int nr_wake, uint32_t bitset);
long fx_futex_wake_op(struct fx_task *t, uint64_t uaddr1, unsigned flags,
		      uint64_t uaddr2, int nr_wake, int nr_wake2, uint32_t op);
long fx_futex_waitv(struct fx_task *t, const struct fx_waitv *vs, unsigned n,
		    const struct fx_timer *to, int *status);

/* ---- futex_requeue.c ---- */
long fx_futex_requeue(struct fx_task *t, uint64_t uaddr1, unsigned flags1,
		      uint64_t uaddr2, unsigned flags2, int nr_wake,
		      int nr_requeue, const uint32_t *cmpval, int requeue_pi);
long fx_futex_wait_requeue_pi(struct fx_task *t, uint64_t uaddr,
			      unsigned flags, uint32_t val,
			      const struct fx_timer *to, uint32_t bitset,
			      uint64_t uaddr2, int *status);

/* ---- futex_pi.c ---- */
long fx_futex_lock_pi(struct fx_task *t, uint64_t uaddr, unsigned flags,
		      const struct fx_timer *to, bool trylock, int *status);
long fx_futex_unlock_pi(struct fx_task *t, uint64_t uaddr, unsigned flags);
void fx_pi_exit(struct fx_task *t);

/* ---- futex_rtmutex.c: the rt-mutex model (waiters, boosting, chains) ---- */
/* fx_rt_task_prio_changed - @t's normal prio changed: re-sort, re-boost */
void fx_rt_task_prio_changed(struct fx_task *t);

/* ---- futex_exit.c ---- */
void fx_exit_robust_list(struct fx_task *t);

/* ---- invariant checks (futex_check.c) ---- */
void fx_core_check_or_die(struct fx_core *core, const char *file, int line);
/* fx_waitwake_check_task - wait/waitv sleepers are queued (waitwake.c) */
int fx_waitwake_check_task(struct fx_task *t);
/* fx_pi_check - pi_state/rt-mutex invariants (futex_pi.c); 0 or -EUCLEAN */
int fx_pi_check(struct fx_core *core);
#if FX_DEBUG
#define FX_CHECK(core) fx_core_check_or_die(core, __FILE__, __LINE__)
#else
#define FX_CHECK(core) ((void)0)
#endif

#endif /* FX_FUTEX_INT_H */
