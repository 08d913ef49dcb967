// SPDX-License-Identifier: MIT
/*
 * task.c - simulated tasks and processes: creation (fork/clone), the
 * scheduling priorities the futex code reads, and the system-call protocol
 * of the model: entry, sleep, wakeup by a waker, timer or signal, resume,
 * signal restart, and exit.
 *
 * Signals: every signal in the model has a handler.  When a call returns
 * one of the kernel's internal restart codes the handler runs and:
 *   -ERESTARTNOINTR          the call is restarted (same arguments);
 *   -ERESTARTSYS             restarted if the handler has SA_RESTART,
 *                            else the call returns -EINTR;
 *   -ERESTART_RESTARTBLOCK   -EINTR (a handler ran; FUTEX_WAIT with a
 *                            timeout uses this).
 * A restarted call keeps the absolute expiry of its timer, as the kernel's
 * restart block does, so the caller does not re-arm it.
 */
#include <stdlib.h>
#include <string.h>

#include "futex_int.h"
#include "layouts/layout.h"

/* ---- TID table: open addressing; tasks are never removed ---- */

static unsigned tid_slot(int tid, unsigned cap)
{
	return ((unsigned)tid * 2654435761u) & (cap - 1);
}

static int tid_insert(struct fx_core *core, struct fx_task *t)
{
	if ((core->ntasks + 1) * 2 > core->tid_cap) {
		unsigned cap = core->tid_cap ? core->tid_cap * 2 : 64;
		struct fx_task **n = calloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (unsigned i = 0; i < core->tid_cap; i++) {
			struct fx_task *o = core->tid_tab[i];
			unsigned s;

			if (!o)
				continue;
			for (s = tid_slot(o->tid, cap); n[s]; s = (s + 1) & (cap - 1))
				;
			n[s] = o;
		}
		free(core->tid_tab);
		core->tid_tab = n;
		core->tid_cap = cap;
	}
	for (unsigned s = tid_slot(t->tid, core->tid_cap);;
	     s = (s + 1) & (core->tid_cap - 1)) {
		if (!core->tid_tab[s]) {
			core->tid_tab[s] = t;
			core->ntasks++;
			return 0;
		}
	}
}

struct fx_task *fx_task_find(struct fx_core *core, int tid)
{
	if (!core->tid_cap)
		return NULL;
	for (unsigned s = tid_slot(tid, core->tid_cap);;
	     s = (s + 1) & (core->tid_cap - 1)) {
		struct fx_task *t = core->tid_tab[s];

		if (!t)
			return NULL;
		if (t->tid == tid)
			return t;
	}
}

/* ---- tasks ---- */

struct fx_task *fx_task_alloc(struct fx_core *core, struct fx_mm *mm,
			      int tid)
{
	struct fx_task *t;

	if (tid <= 0 || (unsigned)tid > FX_TID_MASK) {
		errno = EINVAL;
		return NULL;
	}
	if (fx_task_find(core, tid)) {
		errno = EEXIST;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->core = core;
	t->mm = mm;
	t->tid = tid;
	t->state = FX_TASK_RUNNING;
	t->policy = FX_SCHED_OTHER;
	t->normal_prio = t->prio = FX_DEFAULT_PRIO;
	t->order = core->task_order++;
	list_init(&t->pi_state_list);
	plist_head_init(&t->pi_waiters);
	plist_node_init(&t->q.list, FX_DEFAULT_PRIO);
	if (tid_insert(core, t)) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	list_add_tail(&t->mm_node, &mm->tasks);
	list_add_tail(&t->all, &core->tasks);
	mm->nr_threads++;
	mm->users++;
	return t;
}

void fx_task_free(struct fx_task *t)
{
	list_del_init(&t->mm_node);
	list_del_init(&t->all);
	free(t->vq);
	free(t);
}

static struct fx_mm *mm_alloc(struct fx_core *core, int pid)
{
	struct fx_mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->core = core;
	mm->pid = pid;
	mm->kptr = core->next_kptr;
	core->next_kptr += 0x400;	/* sizeof(struct mm_struct) rounded */
	list_init(&mm->vmas);
	list_init(&mm->tasks);
	list_add_tail(&mm->node, &core->mms);
	return mm;
}

struct fx_task *fx_mm_new(struct fx_core *core, int pid)
{
	struct fx_mm *mm = mm_alloc(core, pid);
	struct fx_task *t;

	if (!mm) {
		errno = ENOMEM;
		return NULL;
	}
	t = fx_task_alloc(core, mm, pid);
	if (!t)
		fx_mm_free(mm);
	return t;
}

struct fx_mm *fx_task_mm(struct fx_task *t)
{
	return t->mm;
}

int fx_task_tid(const struct fx_task *t)
{
	return t->tid;
}

enum fx_task_state fx_task_state(const struct fx_task *t)
{
	return t->state;
}

int fx_task_prio(const struct fx_task *t)
{
	return t->prio;
}

int fx_task_normal_prio(const struct fx_task *t)
{
	return t->normal_prio;
}

int fx_task_rt_prio_key(const struct fx_task *t)
{
	/* rt_mutex waiters: RT/DL tasks by effective prio, the rest equal. */
	return t->prio < FX_MAX_RT_PRIO ? t->prio : FX_DEFAULT_PRIO;
}

void fx_task_set_cpu(struct fx_task *t, unsigned cpu)
{
	if (cpu < t->core->cfg.ncpus)
		t->cpu = cpu;
}

int fx_task_setsched(struct fx_task *t, int policy, int rt_prio)
{
	int np;

	switch (policy) {
	case FX_SCHED_OTHER:
		if (rt_prio)
			return -EINVAL;
		np = FX_DEFAULT_PRIO;
		break;
	case FX_SCHED_FIFO:
	case FX_SCHED_RR:
		if (rt_prio < 1 || rt_prio > 99)
			return -EINVAL;
		np = FX_MAX_RT_PRIO - 1 - rt_prio;
		break;
	case FX_SCHED_DEADLINE:
		if (rt_prio)
			return -EINVAL;
		np = FX_DL_PRIO;
		break;
	default:
		return -EINVAL;
	}
	t->policy = policy;
	t->rt_prio = rt_prio;
	t->normal_prio = np;
	fx_rt_task_prio_changed(t);
	return 0;
}

struct fx_task *fx_task_clone(struct fx_task *parent, int tid,
			      unsigned long flags, uint64_t ctid)
{
	struct fx_core *core = parent->core;
	struct fx_mm *mm = parent->mm;
	struct fx_task *t;
	int ret;

	if (parent->state != FX_TASK_RUNNING) {
		errno = EBUSY;
		return NULL;
	}
	if (fx_task_find(core, tid) || tid <= 0 ||
	    (unsigned)tid > FX_TID_MASK) {
		errno = tid <= 0 || (unsigned)tid > FX_TID_MASK ? EINVAL : EEXIST;
		return NULL;
	}
	if (!(flags & FX_CLONE_VM)) {
		mm = mm_alloc(core, tid);
		if (!mm || fx_mm_copy(mm, parent->mm)) {
			if (mm)
				fx_mm_free(mm);
			errno = ENOMEM;
			return NULL;
		}
	} else if (core->layout_ops->thread_new) {
		/* copy_process(): size the private hash before the thread
		 * is counted. */
		ret = core->layout_ops->thread_new(core, core->layout, mm,
						   flags);
		if (ret) {
			errno = -ret;
			return NULL;
		}
	}
	t = fx_task_alloc(core, mm, tid);
	if (!t)
		return NULL;
	t->cpu = parent->cpu;
	t->policy = parent->policy;
	t->rt_prio = parent->rt_prio;
	t->normal_prio = t->prio = parent->normal_prio;
	if (flags & FX_CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	return t;
}

/* ---- the system-call protocol ---- */

static void call_begin(struct fx_core *core, struct fx_result *res)
{
	memset(res, 0, sizeof(*res));
	core->res = res;
	core->wq_len = 0;
}

/* deliver_signal - apply the handler's restart rule to @ret. */
static long deliver_signal(struct fx_task *t, long ret, int *status,
			   struct fx_result *res)
{
	while (*status == FX_DONE &&
	       (ret == -FX_ERESTARTSYS || ret == -FX_ERESTARTNOINTR ||
		ret == -FX_ERESTART_RESTARTBLOCK)) {
		bool restart = ret == -FX_ERESTARTNOINTR ||
			       (ret == -FX_ERESTARTSYS &&
				(t->sig_flags & FX_SIG_RESTART));

		t->sig_pending = false;
		if (!restart)
			return -EINTR;
		res->restarted = true;
		t->timed_out = false;
		ret = fx_sys_dispatch(t, t->sys_nr, t->args, status);
	}
	return ret;
}

static int call_end(struct fx_task *t, long ret, int status,
		    struct fx_result *res)
{
	struct fx_core *core = t->core;
	unsigned n = 0;

	ret = deliver_signal(t, ret, &status, res);
	if (status == FX_SLEEPING) {
		res->timer = t->timer;
	} else {
		t->state = FX_TASK_RUNNING;
		t->resume = NULL;
		t->timer.kind = FX_TIMER_NONE;
		t->timed_out = false;
		t->sig_pending = false;
		res->ret = ret;
	}
	/* wake_up_q(): only tasks that were asleep become runnable. */
	for (unsigned i = 0; i < core->wq_len; i++) {
		struct fx_task *w = core->wq[i];

		w->in_wake_q = false;
		if (w->state == FX_TASK_SLEEPING) {
			w->state = FX_TASK_WOKEN;
			core->wq[n++] = w;
		}
	}
	core->wq_len = n;
	res->woken = core->wq;
	res->nwoken = n;
	core->res = NULL;
	FX_CHECK(core);
	return status;
}

int fx_syscall(struct fx_task *t, int nr, const uint64_t a[6],
	       struct fx_result *res)
{
	int status = FX_DONE;
	long ret;

	if (t->state != FX_TASK_RUNNING)
		return -EBUSY;
	call_begin(t->core, res);
	t->sys_nr = nr;
	memcpy(t->args, a, sizeof(t->args));
	t->timer.kind = FX_TIMER_NONE;
	t->timed_out = false;
	t->sig_pending = false;
	ret = fx_sys_dispatch(t, nr, a, &status);
	return call_end(t, ret, status, res);
}

int fx_task_resume(struct fx_task *t, struct fx_result *res)
{
	int status = FX_DONE;
	long ret;

	if (t->state != FX_TASK_WOKEN || !t->resume)
		return -EBUSY;
	call_begin(t->core, res);
	t->state = FX_TASK_RUNNING;
	ret = t->resume(t, &status);
	return call_end(t, ret, status, res);
}

int fx_task_timeout(struct fx_task *t)
{
	if (t->timer.kind == FX_TIMER_NONE ||
	    (t->state != FX_TASK_SLEEPING && t->state != FX_TASK_WOKEN))
		return -EINVAL;
	t->timed_out = true;
	if (t->state == FX_TASK_SLEEPING) {
		t->state = FX_TASK_WOKEN;
		return 1;
	}
	return 0;
}

int fx_task_signal(struct fx_task *t, unsigned flags)
{
	if (t->state != FX_TASK_SLEEPING && t->state != FX_TASK_WOKEN)
		return 0;	/* handled on the way back to user space */
	t->sig_pending = true;
	t->sig_flags = flags;
	if (t->state == FX_TASK_SLEEPING) {
		t->state = FX_TASK_WOKEN;
		return 1;
	}
	return 0;
}

int fx_task_exit(struct fx_task *t, struct fx_result *res)
{
	struct fx_mm *mm = t->mm;

	if (t->state != FX_TASK_RUNNING)
		return -EBUSY;
	call_begin(t->core, res);
	t->state = FX_TASK_EXITING;
	t->futex_state = FX_FUTEX_STATE_EXITING;
	/* futex_cleanup(): robust list first, then owned PI states. */
	if (t->robust_list) {
		fx_exit_robust_list(t);
		t->robust_list = 0;
	}
	fx_pi_exit(t);
	/* mm_release(): CLONE_CHILD_CLEARTID, shared-key wake of one. */
	if (t->clear_child_tid) {
		if (mm->users > 1) {
			fx_put_value(mm, t->clear_child_tid, 0);
			fx_futex_wake(t, t->clear_child_tid,
				      FX_FLAGS_SIZE_32 | FX_FLAGS_SHARED, 1,
				      FX_BITSET_MATCH_ANY);
		}
		t->clear_child_tid = 0;
	}
	t->futex_state = FX_FUTEX_STATE_DEAD;
	mm->nr_threads--;
	mm->users--;
	call_end(t, 0, FX_DONE, res);
	t->state = FX_TASK_DEAD;
	return 0;
}
