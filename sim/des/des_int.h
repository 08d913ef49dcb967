/* SPDX-License-Identifier: MIT */
/*
 * des_int.h - the engine's private structures, shared by its files:
 *
 *   evq.c    the event queue: a binary heap ordered by (time, sequence)
 *   sched.c  simulated CPUs, runqueues, wake placement, preemption
 *   line.c   cache lines of user memory: home node and current holder
 *   op.c     the op pipeline: a system call split into charged steps,
 *            bucket locks as FIFO resources
 *   des.c    simulations, processes, threads, actions, the run loop
 */
#ifndef FX_DES_INT_H
#define FX_DES_INT_H

#include "des.h"
#include "futex_int.h"
#include "lib/list.h"

/* ---- events ---- */
enum des_ev_kind {
	EV_RUN,		/* the thread continues its current phase */
	EV_TIMER,	/* the thread's futex timeout fires */
	EV_START,	/* the thread is created and becomes runnable */
};

struct des_ev {
	fx_ps t;
	uint64_t seq;
	struct des_thread *th;
	uint32_t kind;
	uint32_t gen;		/* EV_RUN/EV_TIMER: stale when != th's gen */
};

struct des_evq {
	struct des_ev *h;	/* heap, h[0] is the earliest */
	size_t n, cap;
	uint64_t seq;		/* insertion sequence */
};

int des_evq_init(struct des_evq *q);
void des_evq_fini(struct des_evq *q);
int des_evq_push(struct des_evq *q, fx_ps t, struct des_thread *th,
		 uint32_t kind, uint32_t gen);
/* des_evq_pop - remove the earliest event into @ev; false when empty */
bool des_evq_pop(struct des_evq *q, struct des_ev *ev);
static inline bool des_evq_empty(const struct des_evq *q) { return !q->n; }
static inline fx_ps des_evq_min(const struct des_evq *q) { return q->h[0].t; }

/* ---- threads ---- */
enum des_th_state {
	TH_NEW,		/* created, EV_START pending */
	TH_READY,	/* runnable, on a runqueue */
	TH_RUNNING,	/* on its CPU, an EV_RUN pending */
	TH_SPIN,	/* on its CPU, queued for a bucket lock */
	TH_BLOCKED,	/* asleep in a futex call */
	TH_DEAD,
};

/* where a running thread is in its action (op.c) */
enum des_phase {
	PH_USER,	/* back in user space: call step() */
	PH_LOCK,	/* entered the kernel: take the bucket lock(s) */
	PH_EXEC,	/* locks held: run the core op */
	PH_UNLOCK,	/* release locks, wake, return */
	PH_RESUME,	/* woken: lock if needed, fx_task_resume() */
	PH_EXIT,	/* the thread exits */
	PH_SLEPT,	/* back from nanosleep() */
	PH_PREEMPT,	/* a resched IPI arrives: leave the CPU (sched.c) */
	PH_REST,	/* back on a CPU: finish the preempted user work */
	PH_UNPARKED,	/* back from FX_ACT_PARK */
};

/* A bucket-lock request: one per lock a thread takes or waits for. */
struct des_lockreq {
	struct des_thread *th;
	struct fx_hb *hb;
	struct des_lockreq *next;	/* FIFO on hb->sim */
	fx_ps since;			/* asked at */
	uint64_t keyfp;			/* the key it comes for */
	fx_ps own, foreign;		/* wait so far, by cause */
};

struct des_thread {
	struct fx_des_thread pub;
	fx_des_step_fn step;
	enum des_th_state state;
	enum des_phase phase;
	int pin;			/* CPU or FX_DES_ANY_CPU */
	bool daemon;
	uint32_t gen;			/* EV_RUN generation */
	uint32_t tgen;			/* timer generation */
	struct list_head rq_node;	/* on cpu->rq when TH_READY */
	uint64_t rq_seq;		/* FIFO order on the runqueue */
	fx_ps slice_start;
	fx_ps next_at;			/* time of the pending EV_RUN */
	fx_ps rest;			/* user work left when preempted */

	fx_ps sys_entry;		/* entry time of the call in flight */
	/* a blocked call that retakes a bucket lock when woken (PI) */
	uint64_t resume_uaddr;
	unsigned resume_flags;		/* FX_FLAGS_* of that key */
	bool resume_lock;
	bool resuming;			/* the call in flight is a resume */

	/* wakeup latency: the waker's syscall entry, 0: not woken by one */
	fx_ps wake_stamp;
	unsigned waker_cpu;		/* CPU of the call that woke it */
	bool timed;			/* woken by its timer */
	bool nanosleep;			/* blocked in FX_ACT_SLEEP */
	bool parked;			/* blocked in FX_ACT_PARK */
	fx_des_block_fn on_block;	/* fx_des_thread_on_block() */
	fx_ps blocked_since;
	uint64_t ops;
};

static inline struct des_thread *des_th(struct fx_des_thread *p)
{
	return container_of(p, struct des_thread, pub);
}

/* ---- processes ---- */
struct fx_des_proc {
	struct fx_des *des;
	struct fx_task *leader;		/* first task */
	bool leader_used;
	int pid;
	uint64_t brk, heap_end;		/* private heap */
	uint32_t ref_owner, ref_reader;	/* CPU + 1 holding the private hash's
					   atomic refcount line */
	int home;			/* node of the process's memory */
	unsigned idx;
};

/*
 * The system call a CPU is executing for its current thread.  A thread
 * has a call in flight only while it holds its CPU (running or spinning
 * on a bucket lock: the model preempts only in user space), so this
 * state lives in the CPU and a blocked thread costs nothing but its task.
 */
struct des_opctx {
	struct fx_des_act act;
	int status;			/* FX_DONE / FX_SLEEPING */
	struct fx_result res;
	unsigned nlocks;		/* bucket locks of this call */
	unsigned lock_next;		/* next to take */
	struct des_lockreq lk[2];
	int lnode[2];			/* home node of each locked bucket */
	bool wake_check;		/* lockless waiters check first */
	fx_ps extra;			/* charged before the unlock step */
	bool shared;			/* the shared-key path */
	uint64_t space;			/* address space of the futex word */
	uint64_t uaddr;			/* the futex word read under the lock */
	bool uwrite;			/* ... and written (PI, wake_op) */
	bool private_hash;		/* the key went to a private hash */
	unsigned nwoken;
	struct fx_task **woken;		/* copied from res.woken */
	unsigned woken_cap;
};

/* ---- CPUs ---- */
struct des_cpu {
	struct des_opctx op;
	unsigned id;
	int node;
	struct des_thread *curr;	/* running or spinning; NULL: idle */
	struct list_head rq;		/* TH_READY threads, by prio, FIFO */
	unsigned nr_ready;
	bool need_resched;
};

/* ---- cache lines of user memory ---- */
struct des_line {
	uint64_t tag;			/* (space + 1) << 42 | line; 0: free */
	uint32_t owner;			/* CPU + 1 that last wrote it */
	uint32_t reader;		/* CPU + 1 that last read it since */
	int home;			/* node of first touch */
};

struct des_lines {
	struct des_line *tab;
	size_t n, cap;			/* power of two */
};

/* ---- the simulation ---- */
struct fx_des {
	struct fx_des_config cfg;
	struct fx_core *core;
	const struct fx_topo *topo;
	const struct fx_cost *cost;
	int *cpu_node;
	fx_ps now;
	fx_ps end;			/* 0: none */
	struct des_evq evq;
	struct des_cpu *cpus;
	unsigned ncpus;
	struct des_thread **threads;
	unsigned nthreads, threads_cap;
	struct des_thread **by_tid;	/* [tid_cap], by TID */
	unsigned tid_cap;
	unsigned nlive;			/* threads not dead */
	struct fx_des_proc **procs;
	unsigned nprocs, procs_cap;
	int next_tid;
	uint64_t rng[4];
	fx_ps hash_ps;			/* hashing one key with the core's hasher */
	int refcount;			/* FX_REF_* */
	unsigned bucket_lines;
	uint64_t rq_seq;
	struct des_lines lines;
	struct fx_des_results res;
	struct fx_qhist **wake_pair;	/* [nnodes * nnodes], waker node
					   major; NULL until a wakeup */
	fx_ps lock_wait_ps, lock_own_ps, lock_foreign_ps;
	uint64_t shared_brk;		/* next shared mapping */
	char errmsg[256];
	int err;			/* first error of a step */
	uint64_t next_progress;
};

/* sched.c */
void des_sched_init(struct fx_des *des);
/* des_sched_wakeup - @th, woken at @at by @waker_cpu (or by its timer:
 * !@from_waker), is placed on a CPU; IPI, idle exit, switch charged */
void des_sched_wakeup(struct fx_des *des, struct des_thread *th,
		      unsigned waker_cpu, bool from_waker, fx_ps at);
void des_sched_start(struct fx_des *des, struct des_thread *th);
/* des_sched_release - @th leaves its CPU (blocked or dead): run the next */
void des_sched_release(struct fx_des *des, struct des_thread *th);
/* des_sched_boundary - at a user-space boundary: preempt @th if due;
 * returns true when @th was preempted (it is TH_READY now) */
bool des_sched_boundary(struct fx_des *des, struct des_thread *th);
/* des_sched_preempt - @th takes the resched IPI: off its CPU, next runs */
void des_sched_preempt(struct fx_des *des, struct des_thread *th);
void des_run_at(struct fx_des *des, struct des_thread *th, fx_ps t);

/* line.c */
int des_lines_init(struct des_lines *l);
void des_lines_fini(struct des_lines *l);
/* des_line_access - cost of @cpu touching the line of @addr in @space */
fx_ps des_line_access(struct fx_des *des, uint64_t space, uint64_t addr,
		      unsigned cpu, bool write);
/* des_cacheline - cost of @cpu touching a line with the given holders
 * and home node; updates the holders */
fx_ps des_cacheline(struct fx_des *des, uint32_t *owner, uint32_t *reader,
		    int home, unsigned cpu, bool write);

/* op.c */
void des_op_begin(struct fx_des *des, struct des_thread *th);
void des_op_continue(struct fx_des *des, struct des_thread *th);
int des_op_exit(struct fx_des *des, struct des_thread *th);
const char *des_op_name(const struct des_thread *th, char *buf, size_t len);

/* des.c */
void des_fail(struct fx_des *des, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void des_user(struct fx_des *des, struct des_thread *th);
uint64_t des_space(const struct des_thread *th, uint64_t addr);

static inline unsigned des_dist(const struct fx_des *des, int a, int b)
{
	return fx_topo_distance(des->topo, a, b);
}

static inline fx_ps des_cost(const struct fx_des *des, enum fx_cost_id id)
{
	return des->cost->v[id];
}

/* des_slack - how late @th's timers fire: SCHED_OTHER only */
static inline fx_ps des_slack(const struct fx_des *des,
			      const struct des_thread *th)
{
	return fx_task_prio(th->pub.task) >= 100 ?
	       des->cost->v[FX_COST_timer_slack] : 0;
}

#endif /* FX_DES_INT_H */
