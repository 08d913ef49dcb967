// SPDX-License-Identifier: MIT
/*
 * futex_rtmutex.c - the rt-mutex model behind PI futexes: waiter order,
 * priority inheritance along blocking chains, deadlock detection, the
 * futex flavour of unlock (handoff with a window for steals) and the proxy
 * locking that FUTEX_LOCK_PI and requeue-PI use.
 *
 * Kernel counterpart: kernel/locking/rtmutex.c and rtmutex_api.c
 * (try_to_take_rt_mutex, task_blocks_on_rt_mutex, remove_waiter,
 * rt_mutex_adjust_prio_chain, mark_wakeup_next_waiter, the *_proxy_lock
 * family, rt_mutex_adjust_pi).  The model runs atomically, so wait_lock and
 * pi_lock disappear and the chain walk never has to drop and retake locks.
 *
 * Data:
 *
 *   lock->waiters     every rt_waiter blocked on the lock, a plist ordered
 *                     by fx_task_rt_prio_key() at enqueue/requeue time: RT
 *                     and DL tasks by effective prio, all others equal, so
 *                     FIFO among them.
 *   owner->pi_waiters the top waiter of each lock the task owns (the
 *                     waiter's pi_tree_entry, prio cloned).
 *   task->prio        min(normal_prio, prio of the top pi_waiter's task).
 *
 * The chain walk (rt_mutex_adjust_prio_chain), for T1 blocking on L1:
 *
 *   T1 --waits--> L1 --owned by--> T2 --waits--> L2 --owned by--> T3
 *         [1] enqueue      [2] boost T2        [3] requeue T2's     [4] boost
 *                                                  waiter in L2         T3 ...
 *
 * At each step: depth > FX_MAX_LOCK_DEPTH, or a lock equal to the lock the
 * walk started from, or a lock owned by the task that started it, is a
 * deadlock (-EDEADLK).  With full detection (every futex path) the walk
 * goes on to the end of the chain even when nothing needs re-sorting.
 *
 * Unlock (futex flavour): the top waiter is woken and the lock is left
 * without owner until that waiter runs and takes it (try_to_take); in that
 * window a task strictly higher in priority than the top waiter may take
 * it (steal).  Equal priority never steals here (lateral steals exist only
 * in the PREEMPT_RT spinlock build).
 */
#include "futex_rt.h"

/* ---- small helpers ---- */

static struct fx_rt_waiter *pi_top_waiter(const struct fx_task *t)
{
	return container_of(plist_first(&t->pi_waiters), struct fx_rt_waiter,
			    pi_tree_entry);
}

bool fx_rt_mutex_has_waiters(const struct fx_rt_mutex *lock)
{
	return !plist_head_empty(&lock->waiters);
}

struct fx_rt_waiter *fx_rt_mutex_top_waiter(const struct fx_rt_mutex *lock)
{
	if (!fx_rt_mutex_has_waiters(lock))
		return NULL;
	return container_of(plist_first(&lock->waiters), struct fx_rt_waiter,
			    tree_entry);
}

void fx_rt_waiter_init(struct fx_rt_waiter *w, struct fx_task *t)
{
	plist_node_init(&w->tree_entry, FX_DEFAULT_PRIO);
	plist_node_init(&w->pi_tree_entry, FX_DEFAULT_PRIO);
	w->task = t;
	w->lock = NULL;
}

void fx_rt_mutex_init_proxy_locked(struct fx_rt_mutex *lock,
				   struct fx_task *owner)
{
	lock->owner = owner;
	plist_head_init(&lock->waiters);
}

/* rt_mutex_proxy_unlock: the lock has no waiters; just clear the owner. */
void fx_rt_mutex_proxy_unlock(struct fx_rt_mutex *lock)
{
	lock->owner = NULL;
}

static void rt_enqueue(struct fx_rt_mutex *lock, struct fx_rt_waiter *w)
{
	plist_node_init(&w->tree_entry, fx_task_rt_prio_key(w->task));
	plist_add(&w->tree_entry, &lock->waiters);
	w->lock = lock;
}

static void rt_dequeue(struct fx_rt_mutex *lock, struct fx_rt_waiter *w)
{
	if (plist_node_empty(&w->tree_entry))
		return;
	plist_del(&w->tree_entry, &lock->waiters);
	plist_node_init(&w->tree_entry, w->tree_entry.prio);
}

/* rt_mutex_enqueue_pi: the waiter's prio is cloned into the pi entry. */
static void rt_enqueue_pi(struct fx_task *t, struct fx_rt_waiter *w)
{
	plist_node_init(&w->pi_tree_entry, w->tree_entry.prio);
	plist_add(&w->pi_tree_entry, &t->pi_waiters);
}

static void rt_dequeue_pi(struct fx_task *t, struct fx_rt_waiter *w)
{
	if (!w || plist_node_empty(&w->pi_tree_entry))
		return;
	plist_del(&w->pi_tree_entry, &t->pi_waiters);
	plist_node_init(&w->pi_tree_entry, w->pi_tree_entry.prio);
}

/* rt_mutex_adjust_prio/rt_mutex_setprio: effective prio from pi_waiters */
static void rt_adjust_prio(struct fx_task *t)
{
	int prio = t->normal_prio;

	if (!plist_head_empty(&t->pi_waiters)) {
		struct fx_rt_waiter *w = pi_top_waiter(t);

		if (w->task->prio < prio)
			prio = w->task->prio;
	}
	t->prio = prio;
}

/*
 * rt_wake - wake_up_state()/wake_q_add() for a task the rt-mutex code
 * wakes.  Inside a system call the core's wake queue collects it; outside
 * one (fx_task_setsched) the sleeping task is made runnable directly.
 */
static void rt_wake(struct fx_task *t)
{
	if (t->core->res)
		fx_wake_q_add(t->core, t);
	else if (t->state == FX_TASK_SLEEPING)
		t->state = FX_TASK_WOKEN;
}

static struct fx_rt_mutex *task_blocked_on_lock(const struct fx_task *t)
{
	return t->pi_blocked_on ? t->pi_blocked_on->lock : NULL;
}

/* ---- the chain walk ---- */

/**
 * rt_adjust_prio_chain - rt_mutex_adjust_prio_chain(): propagate a
 * priority change along the blocking chain that starts at @task
 * @task:        the owner of the lock whose waiters changed (or the task
 *               whose own priority changed)
 * @detect:      full deadlock detection: walk to the end of the chain
 * @orig_lock:   the lock the change happened on, or NULL
 * @next_lock:   the lock @task was blocked on when the walk was decided
 * @orig_waiter: the waiter that blocked, or NULL (deboost / prio change)
 * @top_task:    the task that started the walk
 *
 * Return: 0, or -EDEADLK for a cycle or a chain deeper than
 * FX_MAX_LOCK_DEPTH.
 */
static int rt_adjust_prio_chain(struct fx_task *task, bool detect,
				struct fx_rt_mutex *orig_lock,
				struct fx_rt_mutex *next_lock,
				struct fx_rt_waiter *orig_waiter,
				struct fx_task *top_task)
{
	struct fx_rt_waiter *top_waiter = orig_waiter;
	int depth = 0;

	for (;;) {
		struct fx_rt_waiter *waiter, *prerequeue_top;
		struct fx_rt_mutex *lock;
		bool requeue = true;

		if (++depth > FX_MAX_LOCK_DEPTH)
			return -EDEADLK;
		waiter = task->pi_blocked_on;
		/* [3] end of chain, or the lock was released meanwhile */
		if (!waiter)
			return 0;
		if (orig_waiter && !orig_lock->owner)
			return 0;
		if (next_lock != waiter->lock)
			return 0;
		/* [4] is the change still relevant for @task? */
		if (top_waiter) {
			if (plist_head_empty(&task->pi_waiters))
				return 0;
			if (top_waiter != pi_top_waiter(task)) {
				if (!detect)
					return 0;
				requeue = false;
			}
		}
		if (waiter->tree_entry.prio == fx_task_rt_prio_key(task)) {
			if (!detect)
				return 0;
			requeue = false;
		}
		lock = waiter->lock;
		/* [6] deadlock detection */
		if (lock == orig_lock || lock->owner == top_task)
			return -EDEADLK;

		if (!requeue) {
			/* only walking for deadlock detection */
			if (!lock->owner)
				return 0;
			task = lock->owner;
			next_lock = task_blocked_on_lock(task);
			top_waiter = fx_rt_mutex_top_waiter(lock);
			if (!next_lock)
				return 0;
			continue;
		}

		/* [7] re-sort @task's waiter in @lock */
		prerequeue_top = fx_rt_mutex_top_waiter(lock);
		rt_dequeue(lock, waiter);
		rt_enqueue(lock, waiter);

		/* [9] no owner (handoff pending): wake a new top waiter */
		if (!lock->owner) {
			struct fx_rt_waiter *top = fx_rt_mutex_top_waiter(lock);

			if (prerequeue_top != top)
				rt_wake(top->task);
			return 0;
		}

		/* [10]/[11] the owner: fix its pi_waiters and its prio */
		task = lock->owner;
		if (waiter == fx_rt_mutex_top_waiter(lock)) {
			rt_dequeue_pi(task, prerequeue_top);
			rt_enqueue_pi(task, waiter);
			rt_adjust_prio(task);
		} else if (prerequeue_top == waiter) {
			rt_dequeue_pi(task, waiter);
			waiter = fx_rt_mutex_top_waiter(lock);
			rt_enqueue_pi(task, waiter);
			rt_adjust_prio(task);
		}

		/* [12]/[13] */
		next_lock = task_blocked_on_lock(task);
		top_waiter = fx_rt_mutex_top_waiter(lock);
		if (!next_lock)
			return 0;
		if (!detect && waiter != top_waiter)
			return 0;
	}
}

/* ---- taking, blocking, leaving ---- */

/* rt_mutex_steal: only a strictly higher priority takes the lock early */
static bool rt_steal(int prio, const struct fx_rt_waiter *top)
{
	return prio < top->tree_entry.prio;
}

/**
 * fx_rt_mutex_try_to_take - try_to_take_rt_mutex()
 * @lock:   the lock
 * @task:   the task that wants it
 * @waiter: @task's enqueued waiter, or NULL for a trylock/proxy attempt
 *
 * An unowned lock goes to its top waiter, or to anybody strictly higher in
 * priority than the top waiter (steal).
 *
 * Return: true if @task now owns @lock.
 */
bool fx_rt_mutex_try_to_take(struct fx_rt_mutex *lock, struct fx_task *task,
			     struct fx_rt_waiter *waiter)
{
	if (lock->owner)
		return false;
	if (waiter && !plist_node_empty(&waiter->tree_entry)) {
		struct fx_rt_waiter *top = fx_rt_mutex_top_waiter(lock);

		if (waiter != top && !rt_steal(waiter->tree_entry.prio, top))
			return false;
		rt_dequeue(lock, waiter);
		waiter->lock = NULL;
	} else if (fx_rt_mutex_has_waiters(lock)) {
		if (!rt_steal(fx_task_rt_prio_key(task),
			      fx_rt_mutex_top_waiter(lock)))
			return false;
	} else {
		lock->owner = task;
		return true;
	}
	task->pi_blocked_on = NULL;
	if (fx_rt_mutex_has_waiters(lock)) {
		rt_enqueue_pi(task, fx_rt_mutex_top_waiter(lock));
		rt_adjust_prio(task);
	}
	lock->owner = task;
	return true;
}

/* rt_mutex_futex_trylock -> rt_mutex_slowtrylock */
bool fx_rt_mutex_futex_trylock(struct fx_rt_mutex *lock, struct fx_task *t)
{
	if (lock->owner)
		return false;
	return fx_rt_mutex_try_to_take(lock, t, NULL);
}

/**
 * task_blocks_on - task_blocks_on_rt_mutex(): enqueue @waiter, boost the
 * owner and walk the chain
 * @lock:   the lock; @waiter: @task's waiter; @task: the blocking task
 * @detect: full deadlock detection
 *
 * Return: 0 or -EDEADLK (the waiter stays enqueued; the caller removes it).
 */
static int task_blocks_on(struct fx_rt_mutex *lock,
			  struct fx_rt_waiter *waiter, struct fx_task *task,
			  bool detect)
{
	struct fx_task *owner = lock->owner;
	struct fx_rt_waiter *top = fx_rt_mutex_top_waiter(lock);
	bool walk = false;

	if (owner == task)
		return -EDEADLK;
	waiter->task = task;
	rt_enqueue(lock, waiter);
	task->pi_blocked_on = waiter;
	if (!owner)
		return 0;
	if (waiter == fx_rt_mutex_top_waiter(lock)) {
		rt_dequeue_pi(owner, top);
		rt_enqueue_pi(owner, waiter);
		rt_adjust_prio(owner);
		if (owner->pi_blocked_on)
			walk = true;
	} else if (detect) {
		walk = true;
	}
	if (!walk)
		return 0;
	return rt_adjust_prio_chain(owner, detect, lock,
				    task_blocked_on_lock(owner), waiter, task);
}

/*
 * remove_waiter - take @waiter off @lock after a failed attempt; deboost
 * the owner and walk its chain.  Clears pi_blocked_on of the waiter's
 * task (the kernel once cleared current's; fixed upstream by 3bfdc63936dd
 * because requeue-PI calls this for another task).
 */
static void remove_waiter(struct fx_rt_mutex *lock,
			  struct fx_rt_waiter *waiter)
{
	bool is_top = waiter == fx_rt_mutex_top_waiter(lock);
	struct fx_task *owner = lock->owner, *task = waiter->task;
	struct fx_rt_mutex *next_lock;

	if (task->pi_blocked_on == waiter)
		task->pi_blocked_on = NULL;
	if (plist_node_empty(&waiter->tree_entry)) {
		waiter->lock = NULL;
		return;
	}
	rt_dequeue(lock, waiter);
	waiter->lock = NULL;
	if (!owner || !is_top)
		return;
	rt_dequeue_pi(owner, waiter);
	if (fx_rt_mutex_has_waiters(lock))
		rt_enqueue_pi(owner, fx_rt_mutex_top_waiter(lock));
	rt_adjust_prio(owner);
	next_lock = task_blocked_on_lock(owner);
	if (!next_lock)
		return;
	rt_adjust_prio_chain(owner, false, lock, next_lock, NULL, task);
}

/**
 * fx_rt_mutex_futex_unlock - __rt_mutex_futex_unlock() +
 * mark_wakeup_next_waiter(): release @lock for its owner
 * @lock: an owned lock
 *
 * With waiters the top waiter is woken and stays enqueued; the lock is
 * ownerless until it runs (or until a strictly higher task steals it).
 * The old owner loses the boost that waiter gave it.
 *
 * Return: true if a waiter was woken.
 */
bool fx_rt_mutex_futex_unlock(struct fx_rt_mutex *lock)
{
	struct fx_task *owner = lock->owner;
	struct fx_rt_waiter *w = fx_rt_mutex_top_waiter(lock);

	if (!w) {
		lock->owner = NULL;
		return false;
	}
	if (owner) {
		rt_dequeue_pi(owner, w);
		rt_adjust_prio(owner);
	}
	lock->owner = NULL;
	rt_wake(w->task);
	return true;
}

/**
 * fx_rt_mutex_start_proxy_lock_locked - __rt_mutex_start_proxy_lock():
 * take @lock for @task or enqueue @waiter, with full deadlock detection
 * @lock: the lock; @waiter: @task's waiter; @task: the task (may be
 *        another task than the caller: requeue-PI)
 *
 * Return: 1 acquired, 0 enqueued, -EDEADLK (waiter left enqueued).  A
 * deadlock found while the lock lost its owner during the walk is reported
 * as 0: the waiter sorts it out when it runs.
 */
int fx_rt_mutex_start_proxy_lock_locked(struct fx_rt_mutex *lock,
					struct fx_rt_waiter *waiter,
					struct fx_task *task)
{
	int ret;

	if (fx_rt_mutex_try_to_take(lock, task, NULL))
		return 1;
	ret = task_blocks_on(lock, waiter, task, true);
	if (ret && !lock->owner)
		ret = 0;
	return ret;
}

/* rt_mutex_start_proxy_lock(): as above, but removes the waiter on error */
int fx_rt_mutex_start_proxy_lock(struct fx_rt_mutex *lock,
				 struct fx_rt_waiter *waiter,
				 struct fx_task *task)
{
	int ret = fx_rt_mutex_start_proxy_lock_locked(lock, waiter, task);

	if (ret < 0)
		remove_waiter(lock, waiter);
	return ret;
}

/**
 * fx_rt_mutex_wait_proxy_lock - one pass of rt_mutex_slowlock_block() for
 * a task that was woken while blocked on @lock
 * @lock: the lock; @waiter: @t's enqueued waiter; @t: the running task
 *
 * Taking the lock wins over a fired timer and a pending signal.
 *
 * Return: 0 acquired, -ETIMEDOUT, -EINTR, or FX_RT_BLOCK: sleep again.
 */
int fx_rt_mutex_wait_proxy_lock(struct fx_rt_mutex *lock,
				struct fx_rt_waiter *waiter,
				struct fx_task *t)
{
	if (fx_rt_mutex_try_to_take(lock, t, waiter))
		return 0;
	if (t->timer.kind != FX_TIMER_NONE && t->timed_out)
		return -ETIMEDOUT;
	if (t->sig_pending)
		return -EINTR;
	return FX_RT_BLOCK;
}

/**
 * fx_rt_mutex_cleanup_proxy_lock - rt_mutex_cleanup_proxy_lock(): after a
 * failed wait, a last try to take the lock, else leave it
 * @lock: the lock; @waiter: @t's waiter; @t: the running task
 *
 * Return: true if @t left the lock (the failure stands), false if it got
 * the lock after all.
 */
bool fx_rt_mutex_cleanup_proxy_lock(struct fx_rt_mutex *lock,
				    struct fx_rt_waiter *waiter,
				    struct fx_task *t)
{
	fx_rt_mutex_try_to_take(lock, t, waiter);
	if (lock->owner != t) {
		remove_waiter(lock, waiter);
		return true;
	}
	return false;
}

/**
 * fx_rt_task_prio_changed - sched_setscheduler()'s PI part: recompute the
 * effective prio of @t and, if it waits on an rt-mutex, re-sort its waiter
 * and walk the chain (rt_mutex_adjust_pi, no deadlock detection)
 * @t: the task whose normal_prio changed
 */
void fx_rt_task_prio_changed(struct fx_task *t)
{
	struct fx_rt_waiter *w;

	rt_adjust_prio(t);
	w = t->pi_blocked_on;
	if (!w || w->tree_entry.prio == fx_task_rt_prio_key(t))
		return;
	rt_adjust_prio_chain(t, false, NULL, w->lock, NULL, t);
}

/* ---- invariants ---- */

/**
 * fx_rt_mutex_check - @lock's waiter plist is sorted and consistent
 * @core: for the message; @lock: the lock
 *
 * Every waiter points back at @lock and its task is blocked on it; the top
 * waiter is in the owner's pi_waiters; without an owner (handoff pending)
 * the top waiter has been woken.
 *
 * Return: 0 or -EUCLEAN.
 */
int fx_rt_mutex_check(struct fx_core *core, const struct fx_rt_mutex *lock)
{
	struct fx_rt_waiter *w, *top = fx_rt_mutex_top_waiter(lock);

	if (plist_check(&lock->waiters))
		return fx_errf(core, "rt_mutex %p: waiter list corrupt",
			       (const void *)lock);
	plist_for_each_entry(w, &lock->waiters, tree_entry) {
		if (w->lock != lock || w->task->pi_blocked_on != w)
			return fx_errf(core, "rt_mutex %p: waiter of task %d "
				       "not blocked on it", (const void *)lock,
				       w->task->tid);
		if (w != top && !plist_node_empty(&w->pi_tree_entry))
			return fx_errf(core, "rt_mutex %p: non-top waiter of "
				       "task %d in a pi_waiters list",
				       (const void *)lock, w->task->tid);
	}
	if (!top)
		return 0;
	if (lock->owner && plist_node_empty(&top->pi_tree_entry))
		return fx_errf(core, "rt_mutex %p: top waiter %d not in owner "
			       "%d's pi_waiters", (const void *)lock,
			       top->task->tid, lock->owner->tid);
	if (!lock->owner && top->task->state != FX_TASK_WOKEN)
		return fx_errf(core, "rt_mutex %p: ownerless with waiters but "
			       "top waiter %d not woken", (const void *)lock,
			       top->task->tid);
	return 0;
}

/**
 * fx_rt_task_check - @t's pi_waiters are sorted, each is the top waiter of
 * a lock @t owns, and @t's effective prio is what they make it
 * @core: for the message; @t: the task
 *
 * Return: 0 or -EUCLEAN.
 */
int fx_rt_task_check(struct fx_core *core, const struct fx_task *t)
{
	struct fx_rt_waiter *w;
	int prio = t->normal_prio;

	if (plist_check(&t->pi_waiters))
		return fx_errf(core, "task %d: pi_waiters corrupt", t->tid);
	plist_for_each_entry(w, &t->pi_waiters, pi_tree_entry) {
		if (!w->lock || w->lock->owner != t ||
		    fx_rt_mutex_top_waiter(w->lock) != w)
			return fx_errf(core, "task %d: pi_waiter of task %d is "
				       "not the top waiter of a lock it owns",
				       t->tid, w->task->tid);
	}
	/*
	 * The boost comes from the top pi_waiter's task prio when it was
	 * last adjusted; a chain walk cut short (max_lock_depth, a deadlock
	 * found while deboosting) leaves the clone in the waiter stale, as
	 * in the kernel, so either value is accepted.
	 */
	if (!plist_head_empty(&t->pi_waiters)) {
		const struct fx_rt_waiter *top = pi_top_waiter(t);
		int p1 = top->task->prio < prio ? top->task->prio : prio;
		int p2 = top->pi_tree_entry.prio < prio ?
			 top->pi_tree_entry.prio : prio;

		prio = t->prio == p2 ? p2 : p1;
	}
	if (t->prio != prio)
		return fx_errf(core, "task %d: prio %d, expected %d", t->tid,
			       t->prio, prio);
	if (t->pi_blocked_on && (!t->pi_blocked_on->lock ||
				 t->pi_blocked_on->task != t))
		return fx_errf(core, "task %d: pi_blocked_on inconsistent",
			       t->tid);
	return 0;
}
