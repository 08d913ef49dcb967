// SPDX-License-Identifier: MIT
/*
 * futex_waitwake.c - FUTEX_WAIT/WAIT_BITSET/futex_wait, FUTEX_WAKE/
 * WAKE_BITSET/futex_wake, FUTEX_WAKE_OP and futex_waitv.
 *
 * Kernel counterpart: kernel/futex/waitwake.c.  Facts and sources are in
 * docs/kernel-facts.md (§3.1-3.3, §3.5).
 *
 * Why a futex wait cannot lose a wakeup
 * =====================================
 *
 * The contract: a waiter blocks only if the futex word still held the
 * value it expected at the moment it blocked.  User space reads the word,
 * decides to wait, and calls futex_wait(uaddr, val); a waker changes the
 * word and then calls futex_wake(uaddr).  Between the waiter's user-space
 * read and its enqueue there is a window in which the waker may change the
 * word and look for waiters.  The kernel closes it like this:
 *
 *   waiter (CPU 0)                       waker (CPU 1)
 *   hb->waiters++           (a)
 *   full barrier            (A) ------.
 *   lock(hb)                          |
 *   uval = *uaddr                     |   *uaddr = new
 *                                     `-> full barrier           (B)
 *   if (uval == val) {                    if (hb->waiters) {
 *       queue(q); unlock(hb);                 lock(hb)
 *       schedule();                           wake matching q's
 *   } else {                                  unlock(hb)
 *       unlock(hb); hb->waiters-- (b)     }
 *       return -EAGAIN;
 *   }
 *
 * (A) orders "I might wait" before the read of the word; (B) orders the
 * waker's store before its read of the counter.  Store-buffer reasoning
 * says the two reads cannot both miss the other side's write: either the
 * waiter sees the new value (and returns EAGAIN) or the waker sees the
 * waiter count (and takes the lock, behind which the waiter is either
 * already queued or still about to compare - and the compare then happens
 * under the same lock, after the store).  So a waker that finds
 * waiters == 0 may return 0 without touching the lock.
 *
 * The second half of the protocol is "woken" itself.  A waker unlinks the
 * futex_q from the chain and then clears q->lock_ptr with release
 * semantics; from then on the waiter owns its futex_q again and may return
 * without any lock.  A waiter that wakes up for any reason first tries to
 * unqueue itself: if lock_ptr is already NULL a waker got there first and
 * the wait succeeded (return 0), even if a timeout or a signal arrived at
 * the same time - a wake is never thrown away.  Only if it was still
 * queued does it report the timeout (ETIMEDOUT) or the signal
 * (ERESTARTSYS), and if neither happened the wakeup was spurious and it
 * starts over, re-reading the word.
 *
 * How the model maps this
 * -----------------------
 * The core runs each system call atomically, as if every bucket lock it
 * needs were held from entry to exit.  The window (a)..compare therefore
 * does not exist, hb->waiters is exact, and "waiters == 0 -> return 0" is
 * exactly the kernel's visible behaviour.  Sleeping is a state, not a
 * stack: the waiter's futex_q lives in its task (t->q, t->vq for waitv)
 * and the rest of the call after schedule() is a resume function that
 * task.c runs when the caller says the task got the CPU again.  The race
 * "wake vs. timeout vs. signal" becomes an order of events chosen by the
 * caller: whichever happened, the resume function looks at lock_ptr first,
 * exactly as futex_unqueue() does.  Faults: memory in the model does not
 * page out, so the kernel's "atomic read failed -> drop the lock, fault
 * the page in, retry" loops collapse into a single -EFAULT.
 */
#include <string.h>
#include <stdlib.h>

#include "futex_int.h"

/* ---- FUTEX_WAIT, FUTEX_WAIT_BITSET, futex_wait ---- */

static long wait_resume(struct fx_task *t, int *status);

/*
 * wait_setup - futex_wait_setup() + futex_wait_queue()'s enqueue: key,
 * bucket, compare, queue @t->q.  Returns 0 when queued, else -EFAULT,
 * -EINVAL (key) or -EWOULDBLOCK.
 */
static int wait_setup(struct fx_task *t, uint64_t uaddr, unsigned flags,
		      uint32_t val, uint32_t bitset)
{
	struct fx_core *core = t->core;
	union fx_key key;
	struct fx_hb *hb;
	uint32_t uval;
	int ret;

	ret = fx_get_futex_key(t, uaddr, flags, &key, FX_READ);
	if (ret)
		return ret;
	hb = fx_hash(core, &key, t->mm, NULL);
	fx_note_bucket(core, hb);
	/* futex_get_value_locked(); the retry after a fault-in is moot. */
	if (fx_get_value(t->mm, uaddr, &uval))
		return -EFAULT;
	if (uval != val)
		return -EWOULDBLOCK;
	fx_q_init(&t->q, t);
	t->q.key = key;
	t->q.bitset = bitset;
	fx_queue(&t->q, hb);
	return 0;
}

/**
 * fx_futex_wait - FUTEX_WAIT / FUTEX_WAIT_BITSET / futex_wait (futex2)
 * @t:      the calling task
 * @uaddr:  the futex word (also t->args[0]: every wait call has it first)
 * @flags:  FX_FLAGS_*
 * @val:    the expected value
 * @to:     the timer to arm while asleep, or NULL
 * @bitset: the waiter's bitset (FX_BITSET_MATCH_ANY for FUTEX_WAIT)
 * @status: set to FX_SLEEPING when the task went to sleep
 *
 * Return: 0 with *status FX_SLEEPING (asleep; the result comes from
 * fx_task_resume()), or -EINVAL (bitset 0, key), -EFAULT, -EWOULDBLOCK.
 */
long fx_futex_wait(struct fx_task *t, uint64_t uaddr, unsigned flags,
		   uint32_t val, const struct fx_timer *to, uint32_t bitset,
		   int *status)
{
	int ret;

	if (!bitset)
		return -EINVAL;
	ret = wait_setup(t, uaddr, flags, val, bitset);
	if (ret)
		return ret;
	t->flags = flags;
	t->wait_val = val;
	if (to)
		t->timer = *to;
	else
		t->timer.kind = FX_TIMER_NONE;
	fx_task_sleep(t, wait_resume);
	*status = FX_SLEEPING;
	return 0;
}

/*
 * wait_resume - the rest of __futex_wait() after schedule(), plus the
 * legacy futex_wait() wrapper's restart rule: a timed FUTEX_WAIT(_BITSET)
 * interrupted by a signal turns ERESTARTSYS into a restart block
 * (ERESTART_RESTARTBLOCK; user space sees EINTR once a handler ran);
 * futex2 futex_wait calls __futex_wait() directly and keeps ERESTARTSYS.
 */
static long wait_resume(struct fx_task *t, int *status)
{
	int ret;

	*status = FX_DONE;
	/* If a waker unqueued us, we succeeded, whatever else happened. */
	if (!fx_unqueue(&t->q))
		return 0;
	if (t->timer.kind != FX_TIMER_NONE && t->timed_out)
		return -ETIMEDOUT;
	if (t->sig_pending) {
		if (t->sys_nr == FX_SYS_FUTEX &&
		    t->timer.kind != FX_TIMER_NONE)
			return -FX_ERESTART_RESTARTBLOCK;
		return -FX_ERESTARTSYS;
	}
	/* Spurious wakeup: start over, re-reading the word. */
	ret = wait_setup(t, t->args[0], t->flags, t->wait_val, t->q.bitset);
	if (ret)
		return ret;
	fx_task_sleep(t, wait_resume);
	*status = FX_SLEEPING;
	return 0;
}

/* ---- FUTEX_WAKE, FUTEX_WAKE_BITSET, futex_wake ---- */

/**
 * fx_futex_wake - wake up to @nr_wake waiters of @uaddr whose bitset
 * intersects @bitset
 * @t:       the calling task (its mm keys private futexes)
 * @uaddr:   the futex word
 * @flags:   FX_FLAGS_*; FX_FLAGS_STRICT for futex2 (nr 0 wakes nobody)
 * @nr_wake: how many; the count is checked after each wake, so a legacy
 *           nr_wake <= 0 still wakes one (v6.18 behaviour)
 * @bitset:  FX_BITSET_MATCH_ANY for FUTEX_WAKE
 *
 * Walks the bucket in plist order (RT prio, then FIFO).  A PI or
 * requeue-PI waiter on the key stops the walk with -EINVAL; the waiters
 * already collected are still woken.  Also the kernel-internal wake of the
 * robust-list and clear_child_tid exit paths.
 *
 * Return: the number woken, or -EINVAL / -EFAULT.
 */
long fx_futex_wake(struct fx_task *t, uint64_t uaddr, unsigned flags,
		   int nr_wake, uint32_t bitset)
{
	struct fx_core *core = t->core;
	struct fx_q *q, *next;
	union fx_key key;
	struct fx_hb *hb;
	long ret;

	if (!bitset)
		return -EINVAL;
	ret = fx_get_futex_key(t, uaddr, flags, &key, FX_READ);
	if (ret)
		return ret;
	if ((flags & FX_FLAGS_STRICT) && !nr_wake)
		return 0;
	hb = fx_hash(core, &key, t->mm, NULL);
	/* futex_hb_waiters_pending(): nobody there, no lock taken. */
	if (!hb->waiters)
		return 0;
	fx_note_bucket(core, hb);
	plist_for_each_entry_safe(q, next, &hb->chain, list) {
		fx_note_walk(core, q, &key);
		if (!fx_key_match(&q->key, &key))
			continue;
		if (q->pi_state || q->rt_waiter) {
			ret = -EINVAL;
			break;
		}
		if (!(q->bitset & bitset))
			continue;
		q->wake(core, q);
		if (++ret >= nr_wake)
			break;
	}
	return ret;
}

/* ---- FUTEX_WAKE_OP ---- */

static int32_t sign_extend12(uint32_t v)
{
	return (int32_t)((v & 0xfff) ^ 0x800) - 0x800;
}

/*
 * futex_atomic_op_inuser - decode @encoded_op, apply it to *@uaddr and
 * evaluate the comparison on the old value.
 *
 * Return: 1 or 0 (comparison), -ENOSYS for an unknown op (nothing
 * written) or an unknown comparison (after the write), -EFAULT.
 */
static int futex_atomic_op_inuser(struct fx_mm *mm, uint32_t encoded_op,
				  uint64_t uaddr)
{
	unsigned op = (encoded_op & 0x70000000u) >> 28;
	unsigned cmp = (encoded_op & 0x0f000000u) >> 24;
	int32_t oparg = sign_extend12(encoded_op >> 12);
	int32_t cmparg = sign_extend12(encoded_op);
	uint32_t oldval, newval, cur;
	int ret;

	if (encoded_op & ((uint32_t)FX_WOP_OPARG_SHIFT << 28)) {
		/* The kernel warns (rate-limited) and masks. */
		if (oparg < 0 || oparg > 31)
			oparg &= 31;
		oparg = (int32_t)(1u << oparg);
	}
	if (op > FX_WOP_XOR)
		return -ENOSYS;	/* arch_futex_atomic_op_inuser() default */
	ret = fx_get_value(mm, uaddr, &oldval);
	if (ret)
		return -EFAULT;
	switch (op) {
	case FX_WOP_SET:
		newval = (uint32_t)oparg;
		break;
	case FX_WOP_ADD:
		newval = oldval + (uint32_t)oparg;
		break;
	case FX_WOP_OR:
		newval = oldval | (uint32_t)oparg;
		break;
	case FX_WOP_ANDN:
		newval = oldval & ~(uint32_t)oparg;
		break;
	default:
		newval = oldval ^ (uint32_t)oparg;
		break;
	}
	ret = fx_cmpxchg_value(mm, uaddr, oldval, newval, &cur);
	if (ret)
		return -EFAULT;	/* read-only: fault_in_user_writeable fails */
	switch (cmp) {
	case FX_WOP_CMP_EQ:
		return (int32_t)oldval == cmparg;
	case FX_WOP_CMP_NE:
		return (int32_t)oldval != cmparg;
	case FX_WOP_CMP_LT:
		return (int32_t)oldval < cmparg;
	case FX_WOP_CMP_GE:
		return (int32_t)oldval >= cmparg;
	case FX_WOP_CMP_LE:
		return (int32_t)oldval <= cmparg;
	case FX_WOP_CMP_GT:
		return (int32_t)oldval > cmparg;
	default:
		return -ENOSYS;
	}
}

/**
 * fx_futex_wake_op - FUTEX_WAKE_OP
 * @t:        the calling task
 * @uaddr1:   futex whose waiters are woken unconditionally (key READ)
 * @flags:    FX_FLAGS_*
 * @uaddr2:   word the op modifies, whose waiters are woken if the
 *            comparison on its old value holds (key WRITE)
 * @nr_wake:  waiters to wake on @uaddr1 (<= 0 still wakes one)
 * @nr_wake2: waiters to wake on @uaddr2 (the same quirk)
 * @op:       FX_OP(op, oparg, cmp, cmparg)
 *
 * Both buckets are locked, the op is applied, then @uaddr1's waiters are
 * woken, then (if the comparison holds) @uaddr2's.  Meeting a PI waiter
 * ends the call with -EINVAL, the collected wakes still happen.
 *
 * Return: the number woken, -EINVAL, -EFAULT or -ENOSYS.
 */
long fx_futex_wake_op(struct fx_task *t, uint64_t uaddr1, unsigned flags,
		      uint64_t uaddr2, int nr_wake, int nr_wake2, uint32_t op)
{
	struct fx_core *core = t->core;
	union fx_key key1, key2;
	struct fx_hb *hb1, *hb2;
	struct fx_q *q, *next;
	long ret;
	int op_ret;

	ret = fx_get_futex_key(t, uaddr1, flags, &key1, FX_READ);
	if (ret)
		return ret;
	ret = fx_get_futex_key(t, uaddr2, flags, &key2, FX_WRITE);
	if (ret)
		return ret;
	hb1 = fx_hash(core, &key1, t->mm, NULL);
	hb2 = fx_hash(core, &key2, t->mm, NULL);
	/* double_lock_hb() */
	fx_note_bucket(core, hb1);
	fx_note_bucket(core, hb2);
	op_ret = futex_atomic_op_inuser(t->mm, op, uaddr2);
	if (op_ret < 0)
		return op_ret;

	plist_for_each_entry_safe(q, next, &hb1->chain, list) {
		fx_note_walk(core, q, &key1);
		if (!fx_key_match(&q->key, &key1))
			continue;
		if (q->pi_state || q->rt_waiter)
			return -EINVAL;
		q->wake(core, q);
		if (++ret >= nr_wake)
			break;
	}
	if (op_ret > 0) {
		op_ret = 0;
		plist_for_each_entry_safe(q, next, &hb2->chain, list) {
			fx_note_walk(core, q, &key2);
			if (!fx_key_match(&q->key, &key2))
				continue;
			if (q->pi_state || q->rt_waiter)
				return -EINVAL;
			q->wake(core, q);
			if (++op_ret >= nr_wake2)
				break;
		}
		ret += op_ret;
	}
	return ret;
}

/* ---- futex_waitv ---- */

/*
 * The vector lives in the task: t->vq holds vq_cap futex_qs followed by
 * vq_cap copies of the user's futex_waitv entries (uaddr, val, flags are
 * needed again when a spurious wakeup redoes the setup).  Each q's
 * wake_data points at its entry.
 */
static struct fx_waitv *vq_entries(struct fx_task *t)
{
	return (struct fx_waitv *)(void *)(t->vq + t->vq_cap);
}

static int vq_reserve(struct fx_task *t, unsigned n)
{
	struct fx_q *nv;

	if (n <= t->vq_cap)
		return 0;
	nv = malloc(n * (sizeof(struct fx_q) + sizeof(struct fx_waitv)));
	if (!nv)
		return -ENOMEM;
	free(t->vq);
	t->vq = nv;
	t->vq_cap = n;
	return 0;
}

/* futex_wake_mark() for a waitv entry: also remember which one. */
static void waitv_wake(struct fx_core *core, struct fx_q *q)
{
	q->woken = true;
	fx_wake_mark(core, q);
}

/*
 * unqueue_multiple - futex_unqueue_multiple(): take entries [0, @count)
 * off their buckets.  Return the highest index a waker had already taken,
 * or -1.
 */
static int unqueue_multiple(struct fx_task *t, unsigned count)
{
	int ret = -1;

	for (unsigned i = 0; i < count; i++)
		if (!fx_unqueue(&t->vq[i]))
			ret = (int)i;
	return ret;
}

/*
 * waitv_setup - futex_wait_multiple_setup(): all keys first (any key
 * error is returned as is), then per entry in index order: lock, compare,
 * queue.  A mismatch at i unqueues 0..i-1; if one of those had been
 * woken the call succeeds with its index (return 1, *woken set).
 */
static int waitv_setup(struct fx_task *t, int *woken)
{
	struct fx_core *core = t->core;
	struct fx_waitv *w = vq_entries(t);
	unsigned n = t->nvq;
	int ret;

	for (unsigned i = 0; i < n; i++) {
		ret = fx_get_futex_key(t, w[i].uaddr,
				       fx_futex2_to_flags(w[i].flags),
				       &t->vq[i].key, FX_READ);
		if (ret)
			return ret;
	}
	for (unsigned i = 0; i < n; i++) {
		struct fx_q *q = &t->vq[i];
		struct fx_hb *hb = fx_hash(core, &q->key, t->mm, NULL);
		uint32_t uval;

		fx_note_bucket(core, hb);
		ret = fx_get_value(t->mm, w[i].uaddr, &uval);
		if (!ret && uval == (uint32_t)w[i].val) {
			q->woken = false;
			fx_queue(q, hb);
			continue;
		}
		*woken = unqueue_multiple(t, i);
		if (*woken >= 0)
			return 1;
		if (ret)
			return -EFAULT;	/* get_user() fails as well */
		return -EWOULDBLOCK;
	}
	return 0;
}

static long waitv_resume(struct fx_task *t, int *status);

/* waitv_run - one round of futex_wait_multiple(): set up, then sleep. */
static long waitv_run(struct fx_task *t, int *status)
{
	int ret, hint = 0;

	*status = FX_DONE;
	ret = waitv_setup(t, &hint);
	if (ret)
		return ret > 0 ? hint : ret;
	fx_task_sleep(t, waitv_resume);
	*status = FX_SLEEPING;
	return 0;
}

static long waitv_resume(struct fx_task *t, int *status)
{
	int ret;

	*status = FX_DONE;
	ret = unqueue_multiple(t, t->nvq);
	if (ret >= 0)
		return ret;
	if (t->timer.kind != FX_TIMER_NONE && t->timed_out)
		return -ETIMEDOUT;
	if (t->sig_pending)
		return -FX_ERESTARTSYS;
	/* Spurious wakeup: redo the whole setup. */
	return waitv_run(t, status);
}

/**
 * fx_futex_waitv - futex_wait_multiple(): wait on @n futexes at once
 * @t:      the calling task
 * @vs:     the validated entries (user flags FX2_*, u32 values)
 * @n:      1..FX_WAITV_MAX
 * @to:     absolute timer, or NULL
 * @status: set to FX_SLEEPING when the task went to sleep
 *
 * Every entry is an ordinary futex_q (private, shared and NUMA mixed as
 * the entries say), so a plain wake of any of them ends the wait; the
 * call then returns the highest index that had been woken.
 *
 * Return: an index (a wake seen during setup), 0 with *status
 * FX_SLEEPING, or -EINVAL/-EFAULT (keys), -EWOULDBLOCK, -ENOMEM.
 */
long fx_futex_waitv(struct fx_task *t, const struct fx_waitv *vs, unsigned n,
		    const struct fx_timer *to, int *status)
{
	struct fx_waitv *w;

	if (vq_reserve(t, n))
		return -ENOMEM;
	w = vq_entries(t);
	for (unsigned i = 0; i < n; i++) {
		struct fx_q *q = &t->vq[i];

		w[i] = vs[i];
		fx_q_init(q, t);
		q->wake = waitv_wake;
		q->wake_data = &w[i];
		q->index = i;
	}
	t->nvq = n;
	if (to)
		t->timer = *to;
	else
		t->timer.kind = FX_TIMER_NONE;
	return waitv_run(t, status);
}

/**
 * fx_waitwake_check_task - the wait/waitv part of fx_core_check() for @t
 * @t: a task
 *
 * A task asleep in a plain wait has t->q queued; a task asleep in
 * futex_waitv has every entry of its vector queued (the first wake makes
 * it runnable, so a sleeper cannot have lost one).
 *
 * Return: 0 or -EUCLEAN (message in the core).
 */
int fx_waitwake_check_task(struct fx_task *t)
{
	if (t->state != FX_TASK_SLEEPING)
		return 0;
	if (t->resume == wait_resume &&
	    (!t->q.lock_ptr || plist_node_empty(&t->q.list)))
		return fx_errf(t->core, "task %d asleep in futex_wait but its futex_q is not queued",
			       t->tid);
	if (t->resume == waitv_resume) {
		for (unsigned i = 0; i < t->nvq; i++)
			if (!t->vq[i].lock_ptr ||
			    plist_node_empty(&t->vq[i].list))
				return fx_errf(t->core, "task %d asleep in futex_waitv but entry %u is not queued",
					       t->tid, i);
	}
	return 0;
}
