// SPDX-License-Identifier: MIT
/*
 * futex_exit.c - the robust-list walk at thread exit.
 *
 * Kernel counterpart: exit_robust_list() and handle_futex_death() in
 * kernel/futex/core.c; called from futex_cleanup() (task.c's
 * fx_task_exit(), before the PI states are released and before the
 * clear_child_tid wake).  Facts: docs/kernel-facts.md §5.
 *
 * The protocol
 * ------------
 * A robust mutex lives in user memory and user space keeps, per thread, a
 * circular singly linked list of the robust mutexes it holds:
 *
 *   head (24 bytes): list.next | futex_offset (long) | list_op_pending
 *
 *   head.next -> entry A -> entry B -> ... -> back to &head
 *                  |
 *                  +-- futex word at A + futex_offset
 *
 * Bit 0 of every pointer (list links and list_op_pending) marks a PI
 * futex.  list_op_pending names the lock user space is in the middle of
 * acquiring or releasing: the thread may die after taking the lock but
 * before linking it, or after unlocking it but before waking a waiter.
 *
 * At exit the kernel walks the list very defensively - it is user memory
 * and may be garbage: any fault or a misaligned futex word silently ends
 * the walk; at most ROBUST_LIST_LIMIT (2048) entries are visited, which
 * also ends a list that loops without returning to the head.  The next
 * pointer is read *before* the current entry is handled, because the
 * handling may wake a waiter that frees the entry.  The pending entry is
 * skipped when met in the list and handled last.
 *
 * Per entry: if the word's TID part is the dying thread, the word becomes
 * (old & WAITERS) | OWNER_DIED with a cmpxchg, and for a non-PI futex
 * with WAITERS set one waiter is woken with a *shared* key - the kernel
 * cannot know whether the mutex was process-private, so robust-mutex
 * waiters must wait with shared ops.  PI entries are only rewritten; their
 * waiters are handed the lock by the PI exit path (fx_pi_exit()).  The
 * pending entry has one extra rule: non-PI with TID part 0 means "unlocked,
 * died before the wake", so one waiter is woken and the word left alone.
 *
 * In the model the walk runs atomically inside fx_task_exit(), so the
 * cmpxchg never races, and a write fault is final (the kernel would try
 * fault_in_user_writeable() and give up when that fails too).
 */
#include "futex_int.h"

/* fetch_robust_entry - read a list pointer; bit 0 is the PI flag. */
static int fetch_robust_entry(struct fx_task *t, uint64_t from,
			      uint64_t *entry, unsigned *pi)
{
	uint64_t u;

	if (fx_uaccess_read(t->mm, from, &u, sizeof(u)))
		return -EFAULT;
	*entry = u & ~1ull;
	*pi = (unsigned)(u & 1);
	return 0;
}

/*
 * handle_futex_death - process one robust futex of dying task @t
 * Return: 0 to go on, -1 to stop the walk (misaligned, fault).
 */
static int handle_futex_death(struct fx_task *t, uint64_t uaddr, bool pi,
			      bool pending_op)
{
	uint32_t uval, mval, nval, owner;

	if (uaddr % sizeof(uint32_t))
		return -1;
retry:
	if (fx_get_value(t->mm, uaddr, &uval))
		return -1;
	owner = uval & FX_TID_MASK;
	if (pending_op && !pi && !owner) {
		fx_futex_wake(t, uaddr, FX_FLAGS_SIZE_32 | FX_FLAGS_SHARED, 1,
			      FX_BITSET_MATCH_ANY);
		return 0;
	}
	if (owner != (uint32_t)t->tid)
		return 0;
	mval = (uval & FX_WAITERS) | FX_OWNER_DIED;
	if (fx_cmpxchg_value(t->mm, uaddr, uval, mval, &nval))
		return -1;	/* not writable: the lock stays as it is */
	if (nval != uval)
		goto retry;
	/* Non-PI waiters are woken here, PI ones by the pi_state exit. */
	if (!pi && (uval & FX_WAITERS))
		fx_futex_wake(t, uaddr, FX_FLAGS_SIZE_32 | FX_FLAGS_SHARED, 1,
			      FX_BITSET_MATCH_ANY);
	return 0;
}

/**
 * fx_exit_robust_list - exit_robust_list() for exiting task @t
 * @t: the exiting task; t->robust_list is the registered head (nonzero)
 *
 * Marks every robust futex @t still owns OWNER_DIED and wakes one waiter
 * of each non-PI one that had waiters; handles list_op_pending last.
 * Wakes go to the call result of fx_task_exit().  Never fails: a bad list
 * just ends the walk.
 */
void fx_exit_robust_list(struct fx_task *t)
{
	uint64_t head = t->robust_list, entry, next_entry, pending, off;
	unsigned limit = FX_ROBUST_LIST_LIMIT, pi, pip, next_pi;
	int rc;

	if (fetch_robust_entry(t, head, &entry, &pi))
		return;
	if (fx_uaccess_read(t->mm, head + 8, &off, sizeof(off)))
		return;
	if (fetch_robust_entry(t, head + 16, &pending, &pip))
		return;

	while (entry != head) {
		/* Read the link before the entry is handled (and freed). */
		rc = fetch_robust_entry(t, entry, &next_entry, &next_pi);
		if (entry != pending &&
		    handle_futex_death(t, entry + off, pi, false))
			return;
		if (rc)
			return;
		entry = next_entry;
		pi = next_pi;
		if (!--limit)
			break;
	}
	if (pending)
		handle_futex_death(t, pending + off, pip, true);
}
