// SPDX-License-Identifier: MIT
/*
 * futex_pi.c - priority-inheritance futexes: pi_state lifecycle, the
 * lock_pi atomic step, FUTEX_LOCK_PI / LOCK_PI2 / TRYLOCK_PI / UNLOCK_PI,
 * owner fixups, and the release of a dying owner's PI states.
 *
 * Kernel counterpart: kernel/futex/pi.c (and exit_pi_state_list in
 * core.c).  The rt-mutex underneath is futex_rtmutex.c.
 *
 * The user-space word is   WAITERS(31) | OWNER_DIED(30) | TID(29..0).
 * Contended, the kernel keeps a pi_state per futex: its rt_mutex is
 * created already locked by the TID's task, every blocked locker holds a
 * reference and has a waiter on the rt_mutex, and WAITERS stays set while
 * the pi_state lives.  The rule everything else serves: after every
 * operation the TID in the word names the rt_mutex owner -- except while
 * a handoff is pending, when it names the task the lock was handed to.
 *
 * Handoff and steal (T1 owns, T2 waits, T3 strictly higher than T2):
 *
 *   CPU0 (T1)                    CPU1 (T3)               T2 (sleeping)
 *   UNLOCK_PI
 *     word = WAITERS|T2
 *     pi_state->owner = T2
 *     rt owner = NULL, wake T2 ------------------------> woken, not yet run
 *                                LOCK_PI
 *                                  attach: word TID == pi_state owner
 *                                  try_to_take: no owner,
 *                                  T3 < T2 in prio: steal
 *                                  fixup_pi_owner (stole):
 *                                    word = WAITERS|T3
 *                                    pi_state->owner = T3
 *                                  returns 0                 runs:
 *                                                            try_to_take
 *                                                            fails (T3),
 *                                                            sleeps again
 *
 * Had T3 had T2's priority (or lower), try_to_take would have failed, T3
 * would have enqueued behind T2 and T2 would have taken the lock when it
 * ran (no lateral steals for futexes).  A timed-out or signalled waiter
 * that finds the lock handed to it takes it anyway: acquisition overrides
 * the error.
 *
 * Owner death: exit sets pi_state->owner = NULL and unlocks the rt_mutex;
 * the woken top waiter's fixup writes its TID | WAITERS | OWNER_DIED.
 */
#include <stdlib.h>

#include "futex_rt.h"

/* bound on internal EAGAIN/EBUSY retries; each is a real state change in
 * the kernel and cannot repeat in an atomic model */
#define FX_PI_RETRY_MAX	64

/* ---- pi_state lifecycle ---- */

struct fx_pi_state *fx_pi_state_alloc(struct fx_core *core)
{
	struct fx_pi_state *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	list_init(&ps->list);
	list_init(&ps->all);
	fx_rt_mutex_init_proxy_locked(&ps->pi_mutex, NULL);
	ps->refcount = 1;
	(void)core;
	return ps;
}

/* free an unpublished (cached) pi_state */
void fx_pi_state_free(struct fx_pi_state *ps)
{
	if (ps)
		list_del_init(&ps->all);
	free(ps);
}

void fx_get_pi_state(struct fx_pi_state *ps)
{
	ps->refcount++;
}

/* pi_state_update_owner: move @ps to @new_owner's pi_state_list */
static void pi_state_update_owner(struct fx_pi_state *ps,
				  struct fx_task *new_owner)
{
	if (ps->owner)
		list_del_init(&ps->list);
	if (new_owner)
		list_add(&ps->list, &new_owner->pi_state_list);
	ps->owner = new_owner;
}

/**
 * fx_put_pi_state - drop a reference; the last one unlinks @ps from its
 * owner, proxy-unlocks the rt_mutex and frees it
 * @ps: the pi_state
 */
void fx_put_pi_state(struct fx_pi_state *ps)
{
	if (--ps->refcount > 0)
		return;
	if (ps->owner) {
		pi_state_update_owner(ps, NULL);
		fx_rt_mutex_proxy_unlock(&ps->pi_mutex);
	}
	list_del_init(&ps->all);
	free(ps);
}

/* __attach_to_pi_owner: publish the cached pi_state, owned by @p */
static void attach_new_pi_state(struct fx_task *p, const union fx_key *key,
				struct fx_pi_state **ps,
				struct fx_pi_state **cache)
{
	struct fx_pi_state *s = *cache;

	*cache = NULL;
	fx_rt_mutex_init_proxy_locked(&s->pi_mutex, p);
	s->key = *key;
	list_add(&s->list, &p->pi_state_list);
	s->owner = p;
	list_add_tail(&s->all, &p->core->pi_states);
	*ps = s;
}

/* ---- the atomic step ---- */

/*
 * attach_to_pi_state - validate the word against the existing @pi_state
 * (the table of pi.c) and take a reference.
 */
static int attach_to_pi_state(struct fx_mm *mm, uint64_t uaddr, uint32_t uval,
			      struct fx_pi_state *pi_state,
			      struct fx_pi_state **ps)
{
	uint32_t pid = uval & FX_TID_MASK, uval2;

	if (!pi_state)
		return -EINVAL;			/* [3] a plain waiter */
	if (fx_get_value(mm, uaddr, &uval2))
		return -EFAULT;
	if (uval != uval2)
		return -EAGAIN;
	if (uval & FX_OWNER_DIED) {
		if (!pi_state->owner) {
			if (pid)
				return -EINVAL;		/* [5] */
			goto out_attach;		/* [4] */
		}
		if (!pid)
			goto out_attach;		/* [6] */
	} else if (!pi_state->owner) {
		return -EINVAL;				/* [7] */
	}
	if (pid != (uint32_t)pi_state->owner->tid)
		return -EINVAL;				/* [9/10] */
out_attach:
	fx_get_pi_state(pi_state);
	*ps = pi_state;
	return 0;
}

/* handle_exit_race - the TID names no live owner: changed word or ESRCH */
static int handle_exit_race(struct fx_mm *mm, uint64_t uaddr, uint32_t uval,
			    const struct fx_task *tsk)
{
	uint32_t uval2;

	if (tsk && tsk->futex_state != FX_FUTEX_STATE_DEAD)
		return -EBUSY;
	if (fx_get_value(mm, uaddr, &uval2))
		return -EFAULT;
	if (uval2 != uval)
		return -EAGAIN;
	return -ESRCH;
}

/*
 * attach_to_pi_owner - first waiter: create the pi_state owned by the task
 * the TID names.  A kernel-thread owner (-EPERM) cannot occur: the model
 * has no kernel threads.
 */
static int attach_to_pi_owner(struct fx_core *core, struct fx_mm *mm,
			      uint64_t uaddr, uint32_t uval,
			      const union fx_key *key, struct fx_pi_state **ps,
			      struct fx_pi_state **cache)
{
	uint32_t pid = uval & FX_TID_MASK;
	struct fx_task *p;

	if (!pid)
		return -EAGAIN;
	p = fx_task_find(core, (int)pid);
	if (!p)
		return handle_exit_race(mm, uaddr, uval, NULL);
	if (p->futex_state != FX_FUTEX_STATE_OK || p->state == FX_TASK_DEAD)
		return handle_exit_race(mm, uaddr, uval, p);
	attach_new_pi_state(p, key, ps, cache);
	return 0;
}

static int lock_pi_update_atomic(struct fx_mm *mm, uint64_t uaddr,
				 uint32_t uval, uint32_t newval)
{
	uint32_t curval;

	if (fx_cmpxchg_value(mm, uaddr, uval, newval, &curval))
		return -EFAULT;
	return curval == uval ? 0 : -EAGAIN;
}

/**
 * fx_futex_lock_pi_atomic - futex_lock_pi_atomic(): take the PI futex or
 * find/create the pi_state to block on
 * @mm:          address space the word is read in (the caller's)
 * @uaddr:       the PI futex word
 * @hb:          its bucket
 * @key:         its key
 * @ps:          out: the pi_state, with a reference, when 0 is returned
 * @task:        the task that wants the lock (a requeue-PI waiter when
 *               called by the requeue side)
 * @set_waiters: force WAITERS (requeue-PI with waiters to requeue); the
 *               pi_state is then created for @task when it takes the word
 * @cache:       a preallocated pi_state (refill_pi_state_cache); consumed
 *               (set to NULL) when a new pi_state is published
 *
 * Return: 1 acquired, 0 contended (*ps set), -EDEADLK (the word names
 * @task), -EINVAL (inconsistent state), -EAGAIN (value changed: retry),
 * -EBUSY (owner exiting: retry), -ESRCH (owner gone), -EFAULT.
 */
int fx_futex_lock_pi_atomic(struct fx_mm *mm, uint64_t uaddr,
			    struct fx_hb *hb, const union fx_key *key,
			    struct fx_pi_state **ps, struct fx_task *task,
			    bool set_waiters, struct fx_pi_state **cache)
{
	struct fx_core *core = task->core;
	uint32_t uval, newval, vpid = (uint32_t)task->tid;
	struct fx_q *top;
	int ret;

	if (fx_get_value(mm, uaddr, &uval))
		return -EFAULT;
	if ((uval & FX_TID_MASK) == vpid)
		return -EDEADLK;
	top = fx_top_waiter(core, hb, key);
	if (top)
		return attach_to_pi_state(mm, uaddr, uval, top->pi_state, ps);

	if (!(uval & FX_TID_MASK)) {
		/* Take over; OWNER_DIED is preserved. */
		newval = (uval & FX_OWNER_DIED) | vpid;
		if (set_waiters)
			newval |= FX_WAITERS;
		ret = lock_pi_update_atomic(mm, uaddr, uval, newval);
		if (ret)
			return ret;
		if (set_waiters)
			attach_new_pi_state(task, key, ps, cache);
		return 1;
	}

	/* First waiter: WAITERS before attaching, so unlock comes to us. */
	newval = uval | FX_WAITERS;
	ret = lock_pi_update_atomic(mm, uaddr, uval, newval);
	if (ret)
		return ret;
	return attach_to_pi_owner(core, mm, uaddr, newval, key, ps, cache);
}

/* ---- owner fixups ---- */

/*
 * fixup_pi_state_owner - __fixup_pi_state_owner(): make the word and
 * pi_state name the rt_mutex owner.  @argowner == @t: we hold the rt_mutex
 * (stole it or took it from a dead owner); NULL: it was handed to us but
 * somebody else holds it.
 *
 * Return: 1 if @t owns the lock, 0 if not, -EFAULT.
 */
static int fixup_pi_state_owner(struct fx_task *t, uint64_t uaddr,
				struct fx_q *q, struct fx_task *argowner)
{
	struct fx_pi_state *ps = q->pi_state;
	struct fx_task *oldowner = ps->owner, *newowner;
	uint32_t uval, newtid, curval;

	if (!argowner) {
		if (oldowner != t)
			return 0;
		if (fx_rt_mutex_futex_trylock(&ps->pi_mutex, t))
			return 1;
		newowner = ps->pi_mutex.owner;
		if (!newowner) {
			/*
			 * Departure: the kernel drops its locks and retries
			 * until the woken top waiter has taken the rt_mutex
			 * and fixed the state itself.  The model cannot wait
			 * inside a call, so it leaves the handoff pending to
			 * that waiter, which is what the kernel ends up
			 * with.
			 */
			newowner = fx_rt_mutex_top_waiter(&ps->pi_mutex)->task;
		}
	} else {
		if (oldowner == t)
			return 1;
		newowner = argowner;
	}

	newtid = (uint32_t)newowner->tid | FX_WAITERS;
	if (!ps->owner)
		newtid |= FX_OWNER_DIED;
	if (fx_get_value(t->mm, uaddr, &uval))
		goto fault;
	for (;;) {
		uint32_t newval = (uval & FX_OWNER_DIED) | newtid;

		if (fx_cmpxchg_value(t->mm, uaddr, uval, newval, &curval))
			goto fault;
		if (curval == uval)
			break;
		uval = curval;
	}
	pi_state_update_owner(ps, newowner);
	return argowner == t;
fault:
	/* User state is immutable: at least make the kernel state agree. */
	pi_state_update_owner(ps, ps->pi_mutex.owner);
	return -EFAULT;
}

/**
 * fx_fixup_pi_owner - fixup_pi_owner(): after a PI lock attempt, repair
 * the word/pi_state when a steal happened either way
 * @t:      the running task
 * @uaddr:  the PI futex word (in @t's address space)
 * @q:      @t's futex_q, with pi_state
 * @locked: whether @t acquired the rt_mutex
 *
 * Return: 1 if @t owns the lock, 0 if not, or -EFAULT.
 */
int fx_fixup_pi_owner(struct fx_task *t, uint64_t uaddr, struct fx_q *q,
		      bool locked)
{
	struct fx_pi_state *ps = q->pi_state;

	if (locked) {
		if (ps->owner != t)
			return fixup_pi_state_owner(t, uaddr, q, t);
		return 1;
	}
	if (ps->owner == t)
		return fixup_pi_state_owner(t, uaddr, q, NULL);
	if (ps->pi_mutex.owner == t)	/* paranoia, as the kernel */
		return fixup_pi_state_owner(t, uaddr, q, t);
	return 0;
}

/* futex_unqueue_pi: off the bucket, drop the pi_state reference */
void fx_unqueue_pi(struct fx_q *q)
{
	if (q->lock_ptr)
		fx_unqueue_locked(q);
	q->lock_ptr = NULL;
	if (q->pi_state)
		fx_put_pi_state(q->pi_state);
	q->pi_state = NULL;
}

/* ---- FUTEX_LOCK_PI / LOCK_PI2 / TRYLOCK_PI ---- */

static long lock_pi_resume(struct fx_task *t, int *status);

/*
 * lock_pi_finish - the common tail of futex_lock_pi(): leave the rt_mutex
 * on failure (cleanup:), fix the owner (no_block:), unqueue.
 */
static long lock_pi_finish(struct fx_task *t, long ret, bool cleanup)
{
	struct fx_q *q = &t->q;
	int res;

	if (ret && cleanup &&
	    !fx_rt_mutex_cleanup_proxy_lock(&q->pi_state->pi_mutex,
					    &t->rt_waiter, t))
		ret = 0;
	res = fx_fixup_pi_owner(t, t->uaddr2, q, !ret);
	if (res)
		ret = res < 0 ? res : 0;
	fx_unqueue_pi(q);
	return ret == -EINTR ? -FX_ERESTARTNOINTR : ret;
}

/**
 * fx_futex_lock_pi - FUTEX_LOCK_PI, FUTEX_LOCK_PI2 and FUTEX_TRYLOCK_PI
 * @t:       the calling task
 * @uaddr:   the PI futex word
 * @flags:   FX_FLAGS_*
 * @to:      absolute timeout, or NULL
 * @trylock: FUTEX_TRYLOCK_PI: never block
 * @status:  out: FX_DONE, or FX_SLEEPING when @t blocks on the rt_mutex
 *
 * The PI futex address is kept in t->uaddr2 while @t sleeps.
 *
 * Return: 0 (lock acquired), -EDEADLK, -EINVAL, -ESRCH, -EFAULT, -ENOMEM,
 * -EWOULDBLOCK (trylock contended), -ETIMEDOUT, -ERESTARTNOINTR (signal;
 * LOCK_PI never returns EINTR), or 0 with FX_SLEEPING.
 */
long fx_futex_lock_pi(struct fx_task *t, uint64_t uaddr, unsigned flags,
		      const struct fx_timer *to, bool trylock, int *status)
{
	struct fx_core *core = t->core;
	struct fx_pi_state *cache;
	struct fx_q *q = &t->q;
	union fx_key key;
	struct fx_hb *hb;
	int ret, tries = 0;

	*status = FX_DONE;
	cache = fx_pi_state_alloc(core);	/* refill_pi_state_cache */
	if (!cache)
		return -ENOMEM;
retry:
	ret = fx_get_futex_key(t, uaddr, flags, &key, FX_WRITE);
	if (ret)
		goto out;
	hb = fx_hash(core, &key, t->mm, NULL);
	fx_note_bucket(core, hb);
	fx_q_init(q, t);
	q->key = key;
	ret = fx_futex_lock_pi_atomic(t->mm, uaddr, hb, &key, &q->pi_state,
				      t, false, &cache);
	if (ret) {
		if (ret == 1)
			ret = 0;
		else if ((ret == -EAGAIN || ret == -EBUSY) &&
			 ++tries < FX_PI_RETRY_MAX)
			goto retry;
		goto out;
	}

	fx_queue(q, hb);
	t->uaddr2 = uaddr;
	t->flags = flags;
	if (trylock) {
		ret = fx_rt_mutex_futex_trylock(&q->pi_state->pi_mutex, t) ?
		      0 : -EWOULDBLOCK;
		ret = (int)lock_pi_finish(t, ret, false);
		goto out;
	}
	fx_rt_waiter_init(&t->rt_waiter, t);
	ret = fx_rt_mutex_start_proxy_lock_locked(&q->pi_state->pi_mutex,
						  &t->rt_waiter, t);
	if (ret == 0) {
		/* rt_mutex_wait_proxy_lock(): try once, then sleep */
		if (to)
			t->timer = *to;
		else
			t->timer.kind = FX_TIMER_NONE;
		ret = (int)lock_pi_resume(t, status);
		goto out;
	}
	ret = (int)lock_pi_finish(t, ret == 1 ? 0 : ret, true);
out:
	fx_pi_state_free(cache);
	return ret;
}

/* rt_mutex_wait_proxy_lock() and the rest of futex_lock_pi() */
static long lock_pi_resume(struct fx_task *t, int *status)
{
	int ret = fx_rt_mutex_wait_proxy_lock(&t->q.pi_state->pi_mutex,
					      &t->rt_waiter, t);

	if (ret == FX_RT_BLOCK) {
		fx_task_sleep(t, lock_pi_resume);
		*status = FX_SLEEPING;
		return 0;
	}
	*status = FX_DONE;
	return lock_pi_finish(t, ret, true);
}

/* ---- FUTEX_UNLOCK_PI ---- */

/*
 * wake_futex_pi - hand the lock to the rt_mutex top waiter: word =
 * WAITERS | its TID (OWNER_DIED cleared), pi_state owner = it, rt_mutex
 * released with the handoff pending.
 */
static int wake_futex_pi(struct fx_mm *mm, uint64_t uaddr, uint32_t uval,
			 struct fx_pi_state *ps, struct fx_rt_waiter *top)
{
	struct fx_task *new_owner = top->task;
	uint32_t newval = FX_WAITERS | (uint32_t)new_owner->tid, curval;

	if (fx_cmpxchg_value(mm, uaddr, uval, newval, &curval))
		return -EFAULT;
	if (curval != uval)
		return (FX_TID_MASK & curval) == uval ? -EAGAIN : -EINVAL;
	pi_state_update_owner(ps, new_owner);
	fx_rt_mutex_futex_unlock(&ps->pi_mutex);
	return 0;
}

/**
 * fx_futex_unlock_pi - FUTEX_UNLOCK_PI
 * @t:     the calling task
 * @uaddr: the PI futex word
 * @flags: FX_FLAGS_*
 *
 * Return: 0; -EPERM (the word's TID is not @t); -EINVAL (a waiter without
 * pi_state, or a pi_state @t does not own, or the word changed
 * inconsistently); -EAGAIN (no kernel waiters and the word changed:
 * user space retries); -EFAULT.
 */
long fx_futex_unlock_pi(struct fx_task *t, uint64_t uaddr, unsigned flags)
{
	struct fx_core *core = t->core;
	uint32_t uval, curval, vpid = (uint32_t)t->tid;
	union fx_key key;
	struct fx_hb *hb;
	int ret, tries = 0;

retry:
	if (fx_get_value(t->mm, uaddr, &uval))
		return -EFAULT;
	if ((uval & FX_TID_MASK) != vpid)
		return -EPERM;
	ret = fx_get_futex_key(t, uaddr, flags, &key, FX_WRITE);
	if (ret)
		return ret;
	hb = fx_hash(core, &key, t->mm, NULL);
	fx_note_bucket(core, hb);
	for (;;) {
		struct fx_q *top = fx_top_waiter(core, hb, &key);
		struct fx_pi_state *ps;
		struct fx_rt_waiter *rtw;

		if (!top)
			break;
		ps = top->pi_state;
		if (!ps || ps->owner != t)
			return -EINVAL;
		rtw = fx_rt_mutex_top_waiter(&ps->pi_mutex);
		if (!rtw) {
			/* that waiter is on its way out */
			fx_unqueue_locked(top);
			continue;
		}
		fx_get_pi_state(ps);
		ret = wake_futex_pi(t->mm, uaddr, uval, ps, rtw);
		fx_put_pi_state(ps);
		if (ret == -EAGAIN && ++tries < FX_PI_RETRY_MAX)
			goto retry;
		return ret;
	}
	/* No kernel state: drop WAITERS and OWNER_DIED with the TID. */
	if (fx_cmpxchg_value(t->mm, uaddr, uval, 0, &curval))
		return -EFAULT;
	return curval == uval ? 0 : -EAGAIN;
}

/* ---- owner exit ---- */

/**
 * fx_pi_exit - exit_pi_state_list(): release every PI futex @t still owns
 * @t: the exiting task
 *
 * Each pi_state loses its owner and its rt_mutex is unlocked: the top
 * waiter is woken, takes the lock when it runs and its fixup writes
 * TID | WAITERS | OWNER_DIED.
 */
void fx_pi_exit(struct fx_task *t)
{
	struct fx_core *core = t->core;

	while (!list_empty(&t->pi_state_list)) {
		struct fx_pi_state *ps = list_first_entry(&t->pi_state_list,
							  struct fx_pi_state,
							  list);

		fx_note_bucket(core, fx_hash(core, &ps->key, t->mm, NULL));
		fx_get_pi_state(ps);
		pi_state_update_owner(ps, NULL);
		fx_rt_mutex_futex_unlock(&ps->pi_mutex);
		fx_put_pi_state(ps);
	}
}

/* ---- invariants ---- */

static int ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* the pi_states referenced by futex_qs, sorted (one entry per q) */
static struct fx_pi_state **pi_state_refs(struct fx_core *core, size_t *n)
{
	struct fx_pi_state **v;
	struct fx_task *t;
	size_t k = 0;

	list_for_each_entry(t, &core->tasks, all)
		k += t->q.pi_state != NULL;
	v = malloc((k ? k : 1) * sizeof(*v));
	if (!v)
		return NULL;
	k = 0;
	list_for_each_entry(t, &core->tasks, all)
		if (t->q.pi_state)
			v[k++] = t->q.pi_state;
	qsort(v, k, sizeof(*v), ptr_cmp);
	*n = k;
	return v;
}

static unsigned pi_state_users(struct fx_pi_state *const *v, size_t n,
			       const struct fx_pi_state *ps)
{
	size_t lo = 0, hi = n;
	unsigned users = 0;

	while (lo < hi) {		/* first entry >= ps */
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)v[mid] < (uintptr_t)ps)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < n && v[lo++] == ps)
		users++;
	return users;
}

static int pi_state_check(struct fx_core *core, struct fx_pi_state *ps,
			  unsigned users)
{
	struct fx_task *rt_owner = ps->pi_mutex.owner;
	struct fx_pi_state *o;
	bool listed = false;
	int ret;

	if (ps->refcount < 1 || (unsigned)ps->refcount < users)
		return fx_errf(core, "pi_state %p: refcount %d < %u users",
			       (void *)ps, ps->refcount, users);
	if (ps->owner) {
		list_for_each_entry(o, &ps->owner->pi_state_list, list)
			listed |= o == ps;
		if (!listed)
			return fx_errf(core, "pi_state %p: not on owner %d's "
				       "list", (void *)ps, ps->owner->tid);
	} else if (!list_empty(&ps->list)) {
		return fx_errf(core, "pi_state %p: no owner but listed",
			       (void *)ps);
	}
	/*
	 * rt owner == pi_state owner, except while a handoff or a requeue-PI
	 * lock is pending: then the rt owner (if any) is a woken task that
	 * has not yet run its fixup.
	 */
	if (rt_owner && rt_owner != ps->owner &&
	    !(rt_owner->state == FX_TASK_WOKEN && rt_owner->q.pi_state == ps))
		return fx_errf(core, "pi_state %p: rt owner %d, pi_state owner "
			       "%d", (void *)ps, rt_owner->tid,
			       ps->owner ? ps->owner->tid : 0);
	ret = fx_rt_mutex_check(core, &ps->pi_mutex);
	return ret;
}

/**
 * fx_pi_check - invariants of every pi_state and rt-mutex in @core
 * @core: the core
 *
 * Refcounts cover the futex_qs that reference each pi_state; owner lists
 * hold exactly the owned pi_states; rt waiter lists and pi_waiters are
 * sorted and consistent; the rt-mutex owner agrees with the pi_state owner
 * except during a pending handoff; effective priorities match the boosts.
 *
 * Return: 0, -EUCLEAN (message in fx_core_errmsg()) or -ENOMEM.
 */
int fx_pi_check(struct fx_core *core)
{
	struct fx_pi_state *ps, **refs;
	struct fx_task *t;
	size_t nrefs;
	int ret = 0;

	refs = pi_state_refs(core, &nrefs);
	if (!refs)
		return -ENOMEM;
	list_for_each_entry(ps, &core->pi_states, all) {
		ret = pi_state_check(core, ps,
				     pi_state_users(refs, nrefs, ps));
		if (ret)
			break;
	}
	free(refs);
	if (ret)
		return ret;
	list_for_each_entry(t, &core->tasks, all) {
		list_for_each_entry(ps, &t->pi_state_list, list)
			if (ps->owner != t)
				return fx_errf(core, "task %d: lists pi_state "
					       "%p owned by another", t->tid,
					       (void *)ps);
		if (t->q.pi_state && t->q.pi_state->refcount < 1)
			return fx_errf(core, "task %d: q holds a freed "
				       "pi_state", t->tid);
		ret = fx_rt_task_check(core, t);
		if (ret)
			return ret;
	}
	return 0;
}
