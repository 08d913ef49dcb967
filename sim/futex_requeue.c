// SPDX-License-Identifier: MIT
/*
 * futex_requeue.c - FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, futex2
 * futex_requeue, and the requeue-PI pair FUTEX_WAIT_REQUEUE_PI /
 * FUTEX_CMP_REQUEUE_PI with its state machine.
 *
 * Kernel counterpart: kernel/futex/requeue.c.
 *
 * Requeue-PI moves a condvar waiter from a plain futex (uaddr1) onto a PI
 * futex (uaddr2) without waking it, or takes uaddr2 for it and wakes it.
 * The waiter and the requeuer synchronise through q->requeue_state:
 *
 *   waiter (W)                       requeuer (R)
 *   WAIT_REQUEUE_PI on uaddr1
 *     state NONE, sleeps
 *                                    CMP_REQUEUE_PI
 *                                      NONE -> IN_PROGRESS
 *                                      take uaddr2 for W?
 *                                        yes: W off uaddr1,   -> LOCKED,
 *                                             wake W
 *                                        no:  W's rt_waiter on uaddr2's
 *                                             rt_mutex, futex_q moved to
 *                                             uaddr2's bucket -> DONE
 *                                        deadlock: -> NONE (error)
 *   wakes (lock handed over, timer, signal):
 *     NONE   -> IGNORE: still on uaddr1; dequeue; -ETIMEDOUT, or
 *               -ERESTARTNOINTR (signal: restarted, value re-checked),
 *               or -EWOULDBLOCK
 *     LOCKED -> owns uaddr2 (fix the owner if stolen from a handoff), 0
 *     DONE   -> block on the rt_mutex with the same timer (sleep again);
 *               0 when acquired, -ETIMEDOUT, signal -> -EWOULDBLOCK;
 *               acquiring wins over both errors
 *
 * In the kernel an early wake that races an in-flight requeue moves
 * IN_PROGRESS -> WAIT and waits for the requeuer.  Here each call is
 * atomic, so IN_PROGRESS and WAIT exist only inside a requeue call.  A
 * task woken by a timer or a signal stays queued until it runs (it is
 * FX_TASK_WOKEN with q.lock_ptr set); a requeue that comes first sees
 * NONE and may requeue it or lock uaddr2 for it, exactly as in the kernel
 * where NONE -> IGNORE happens only when the waiter runs.
 */
#include "futex_rt.h"

/* ---- requeue_state transitions ---- */

/* futex_requeue_pi_prepare: NONE -> IN_PROGRESS unless the waiter left */
static bool requeue_pi_prepare(struct fx_q *q, struct fx_pi_state *ps)
{
	if (q->requeue_state == FX_RQ_IGNORE)
		return false;
	if (q->requeue_state == FX_RQ_NONE)
		q->requeue_state = FX_RQ_IN_PROGRESS;
	q->pi_state = ps;
	return true;
}

/* futex_requeue_pi_complete: DONE/LOCKED on success, else rewind */
static void requeue_pi_complete(struct fx_q *q, int locked)
{
	if (locked >= 0)
		q->requeue_state = locked ? FX_RQ_LOCKED : FX_RQ_DONE;
	else if (q->requeue_state == FX_RQ_IN_PROGRESS)
		q->requeue_state = FX_RQ_NONE;
	else
		q->requeue_state = FX_RQ_IGNORE;
}

/* futex_requeue_pi_wakeup_sync: the waiter runs; NONE -> IGNORE */
static int requeue_pi_wakeup_sync(struct fx_q *q)
{
	if (q->requeue_state == FX_RQ_NONE ||
	    q->requeue_state == FX_RQ_IN_PROGRESS ||
	    q->requeue_state == FX_RQ_WAIT)
		q->requeue_state = FX_RQ_IGNORE;
	return q->requeue_state;
}

/*
 * requeue_pi_wake_futex - the waiter got uaddr2: off uaddr1, key2, LOCKED,
 * woken.  (The kernel points lock_ptr at hb2 for the waiter's fixup; the
 * model needs no lock and clears it.)
 */
static void requeue_pi_wake_futex(struct fx_core *core, struct fx_q *q,
				  const union fx_key *key2)
{
	q->key = *key2;
	fx_unqueue_locked(q);
	q->rt_waiter = NULL;
	q->lock_ptr = NULL;
	requeue_pi_complete(q, 1);
	fx_wake_q_add(core, q->task);
}

/*
 * proxy_trylock_atomic - futex_proxy_trylock_atomic(): try to take uaddr2
 * for the top waiter of key1.
 *
 * Return: 1 taken (waiter woken LOCKED), 0 contended (*ps held) or no
 * waiter, or a negative errno.
 */
static int proxy_trylock_atomic(struct fx_task *t, uint64_t uaddr2,
				struct fx_hb *hb1, struct fx_hb *hb2,
				const union fx_key *key1,
				const union fx_key *key2,
				struct fx_pi_state **ps, int set_waiters,
				struct fx_pi_state **cache)
{
	struct fx_q *top = fx_top_waiter(t->core, hb1, key1);
	int ret;

	(void)hb2;
	if (!top)
		return 0;
	if (!top->rt_waiter || top->pi_state)
		return -EINVAL;
	if (!fx_key_match(&top->requeue_pi_key, key2))
		return -EINVAL;
	if (!requeue_pi_prepare(top, NULL))
		return -EAGAIN;
	ret = fx_futex_lock_pi_atomic(t->mm, uaddr2, hb2, key2, ps, top->task,
				      set_waiters, cache);
	if (ret == 1)
		requeue_pi_wake_futex(t->core, top, key2);
	else if (ret < 0)
		requeue_pi_complete(top, ret);
	return ret;
}

/* the requeue-PI treatment of one waiter of key1 (the loop body) */
static int requeue_pi_one(struct fx_core *core, struct fx_q *this,
			  struct fx_hb *hb1, struct fx_hb *hb2,
			  const union fx_key *key2, struct fx_pi_state *ps,
			  int *task_count, unsigned *requeued)
{
	int ret;

	fx_get_pi_state(ps);
	if (!requeue_pi_prepare(this, ps)) {
		fx_put_pi_state(ps);
		return 0;
	}
	ret = fx_rt_mutex_start_proxy_lock(&ps->pi_mutex, this->rt_waiter,
					   this->task);
	if (ret == 1) {
		/* got the lock: the waiter keeps the reference for its fixup */
		requeue_pi_wake_futex(core, this, key2);
		(*task_count)++;
	} else if (!ret) {
		fx_requeue_q(this, hb1, hb2, key2);
		requeue_pi_complete(this, 0);
		(*task_count)++;
		(*requeued)++;
	} else {
		this->pi_state = NULL;
		fx_put_pi_state(ps);
		requeue_pi_complete(this, ret);
	}
	return ret < 0 ? ret : 0;
}

/**
 * fx_futex_requeue - FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, futex2
 * futex_requeue and FUTEX_CMP_REQUEUE_PI
 * @t:          the calling task
 * @uaddr1:     the futex the waiters are on
 * @flags1:     its FX_FLAGS_*
 * @uaddr2:     the target futex (PI futex for requeue-PI)
 * @flags2:     its FX_FLAGS_* (futex2 lets them differ)
 * @nr_wake:    waiters to wake (must be 1 for requeue-PI)
 * @nr_requeue: waiters to move
 * @cmpval:     expected value of *uaddr1, or NULL (FUTEX_REQUEUE)
 * @requeue_pi: FUTEX_CMP_REQUEUE_PI
 *
 * Waiters are taken in bucket plist order: the first @nr_wake are woken,
 * the next @nr_requeue moved to @uaddr2 (behind equal-prio waiters there;
 * in place when both futexes share a bucket).  Requeue-PI first tries to
 * take @uaddr2 for the top waiter, then puts further waiters on the PI
 * futex's rt_mutex.  res->nrequeued counts the moved waiters.
 *
 * Return: woken + requeued, or -EINVAL (negative counts; requeue-PI with
 * uaddr1 == uaddr2, equal keys or nr_wake != 1; a PI or requeue-PI waiter
 * met by a plain requeue -- wakes already marked still happen; a plain
 * waiter or a requeue_pi_key mismatch met by requeue-PI), -EAGAIN (*uaddr1
 * != *cmpval), -EFAULT, -ENOMEM, or the PI errors of the atomic step and
 * of the proxy lock (-EDEADLK, -ESRCH).
 */
long fx_futex_requeue(struct fx_task *t, uint64_t uaddr1, unsigned flags1,
		      uint64_t uaddr2, unsigned flags2, int nr_wake,
		      int nr_requeue, const uint32_t *cmpval, int requeue_pi)
{
	struct fx_core *core = t->core;
	struct fx_pi_state *ps = NULL, *cache = NULL;
	int task_count = 0;
	unsigned requeued = 0;
	union fx_key key1, key2;
	struct fx_hb *hb1, *hb2;
	struct fx_q *this, *next;
	int ret, tries = 0;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	if (requeue_pi) {
		if (uaddr1 == uaddr2)
			return -EINVAL;
		if (nr_wake != 1)
			return -EINVAL;
		cache = fx_pi_state_alloc(core);
		if (!cache)
			return -ENOMEM;
	}
retry:
	ret = fx_get_futex_key(t, uaddr1, flags1, &key1, FX_READ);
	if (ret)
		goto out;
	ret = fx_get_futex_key(t, uaddr2, flags2, &key2,
			       requeue_pi ? FX_WRITE : FX_READ);
	if (ret)
		goto out;
	if (requeue_pi && fx_key_match(&key1, &key2)) {
		ret = -EINVAL;
		goto out;
	}
	hb1 = fx_hash(core, &key1, t->mm, NULL);
	hb2 = fx_hash(core, &key2, t->mm, NULL);
	fx_note_bucket(core, hb1);
	fx_note_bucket(core, hb2);

	if (cmpval) {
		uint32_t curval;

		if (fx_get_value(t->mm, uaddr1, &curval)) {
			ret = -EFAULT;
			goto out;
		}
		if (curval != *cmpval) {
			ret = -EAGAIN;
			goto out;
		}
	}

	if (requeue_pi) {
		ret = proxy_trylock_atomic(t, uaddr2, hb1, hb2, &key1, &key2,
					   &ps, nr_requeue, &cache);
		switch (ret) {
		case 0:
			break;
		case 1:
			task_count++;
			ret = 0;
			break;
		case -EAGAIN:
		case -EBUSY:
			if (++tries < 64)
				goto retry;
			goto out;
		default:
			goto out;
		}
	}

	plist_for_each_entry_safe(this, next, &hb1->chain, list) {
		if (task_count - nr_wake >= nr_requeue)
			break;
		fx_note_walk(core, this, &key1);
		if (!fx_key_match(&this->key, &key1))
			continue;
		if ((requeue_pi && !this->rt_waiter) ||
		    (!requeue_pi && this->rt_waiter) || this->pi_state) {
			ret = -EINVAL;
			break;
		}
		if (!requeue_pi) {
			if (++task_count <= nr_wake) {
				this->wake(core, this);
			} else {
				fx_requeue_q(this, hb1, hb2, &key2);
				requeued++;
			}
			continue;
		}
		if (!fx_key_match(&this->requeue_pi_key, &key2)) {
			ret = -EINVAL;
			break;
		}
		ret = requeue_pi_one(core, this, hb1, hb2, &key2, ps,
				     &task_count, &requeued);
		if (ret)
			break;
	}
	if (ps)
		fx_put_pi_state(ps);
out:
	fx_pi_state_free(cache);
	if (core->res)
		core->res->nrequeued += requeued;
	return ret ? ret : (long)task_count;
}

/* ---- the waiter side ---- */

/* handle_early_requeue_pi_wakeup: woken while still on uaddr1 */
static long early_requeue_pi_wakeup(struct fx_task *t)
{
	struct fx_q *q = &t->q;

	fx_unqueue(q);
	if (t->timer.kind != FX_TIMER_NONE && t->timed_out)
		return -ETIMEDOUT;
	if (t->sig_pending)
		return -FX_ERESTARTNOINTR;
	return -EWOULDBLOCK;
}

/* LOCKED: the requeue took uaddr2 for us */
static long requeue_pi_locked(struct fx_task *t)
{
	struct fx_q *q = &t->q;
	long ret = 0;

	if (q->pi_state) {
		if (q->pi_state->owner != t) {
			ret = fx_fixup_pi_owner(t, t->uaddr2, q, true);
			ret = ret < 0 ? ret : 0;
		}
		fx_put_pi_state(q->pi_state);
		q->pi_state = NULL;
	}
	q->lock_ptr = NULL;
	return ret;
}

static long wait_requeue_pi_resume(struct fx_task *t, int *status);

/* DONE: blocked on uaddr2's rt_mutex; one pass of the lock wait */
static long requeue_pi_done(struct fx_task *t, int *status)
{
	struct fx_q *q = &t->q;
	struct fx_rt_mutex *pi_mutex = &q->pi_state->pi_mutex;
	int ret = fx_rt_mutex_wait_proxy_lock(pi_mutex, &t->rt_waiter, t);
	int res;

	if (ret == FX_RT_BLOCK) {
		fx_task_sleep(t, wait_requeue_pi_resume);
		*status = FX_SLEEPING;
		return 0;
	}
	if (ret && !fx_rt_mutex_cleanup_proxy_lock(pi_mutex, &t->rt_waiter,
						   t))
		ret = 0;
	res = fx_fixup_pi_owner(t, t->uaddr2, q, !ret);
	if (res)
		ret = res < 0 ? res : 0;
	fx_unqueue_pi(q);
	/* already requeued: a restart would only see the value changed */
	return ret == -EINTR ? -EWOULDBLOCK : ret;
}

static long wait_requeue_pi_resume(struct fx_task *t, int *status)
{
	*status = FX_DONE;
	switch (requeue_pi_wakeup_sync(&t->q)) {
	case FX_RQ_IGNORE:
		return early_requeue_pi_wakeup(t);
	case FX_RQ_LOCKED:
		return requeue_pi_locked(t);
	case FX_RQ_DONE:
		return requeue_pi_done(t, status);
	default:
		return -EINVAL;		/* BUG() in the kernel */
	}
}

/**
 * fx_futex_wait_requeue_pi - FUTEX_WAIT_REQUEUE_PI
 * @t:      the calling task
 * @uaddr:  the condvar futex (non-PI)
 * @flags:  FX_FLAGS_* (both futexes)
 * @val:    expected value of *@uaddr
 * @to:     absolute timeout, or NULL
 * @bitset: must be non-zero (the op passes MATCH_ANY)
 * @uaddr2: the PI futex the requeue will move us to
 * @status: out: FX_SLEEPING when queued
 *
 * The PI futex address is kept in t->uaddr2 while @t sleeps.
 *
 * Return: -EINVAL (uaddr == uaddr2, bitset 0, equal keys), key errors,
 * -EWOULDBLOCK (value mismatch), or 0 with FX_SLEEPING; the final value
 * comes from the resume (see the top of this file).
 */
long fx_futex_wait_requeue_pi(struct fx_task *t, uint64_t uaddr,
			      unsigned flags, uint32_t val,
			      const struct fx_timer *to, uint32_t bitset,
			      uint64_t uaddr2, int *status)
{
	struct fx_core *core = t->core;
	struct fx_q *q = &t->q;
	union fx_key key2;
	struct fx_hb *hb;
	uint32_t uval;
	int ret;

	*status = FX_DONE;
	if (uaddr == uaddr2)
		return -EINVAL;
	if (!bitset)
		return -EINVAL;
	ret = fx_get_futex_key(t, uaddr2, flags, &key2, FX_WRITE);
	if (ret)
		return ret;
	fx_q_init(q, t);
	fx_rt_waiter_init(&t->rt_waiter, t);
	q->bitset = bitset;
	q->rt_waiter = &t->rt_waiter;
	q->requeue_pi_key = key2;
	q->requeue_state = FX_RQ_NONE;

	/* futex_wait_setup() */
	ret = fx_get_futex_key(t, uaddr, flags, &q->key, FX_READ);
	if (ret)
		return ret;
	hb = fx_hash(core, &q->key, t->mm, NULL);
	fx_note_bucket(core, hb);
	if (fx_get_value(t->mm, uaddr, &uval))
		return -EFAULT;
	if (uval != val)
		return -EWOULDBLOCK;
	if (fx_key_match(&q->key, &key2))
		return -EINVAL;
	fx_queue(q, hb);

	t->uaddr2 = uaddr2;
	t->flags = flags;
	if (to)
		t->timer = *to;
	else
		t->timer.kind = FX_TIMER_NONE;
	fx_task_sleep(t, wait_requeue_pi_resume);
	*status = FX_SLEEPING;
	return 0;
}
