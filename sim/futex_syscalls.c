// SPDX-License-Identifier: MIT
/*
 * futex_syscalls.c - argument decoding for every system call the model
 * knows: futex(2) with all of its ops, the futex2 calls (futex_waitv,
 * futex_wake, futex_wait, futex_requeue), set/get_robust_list,
 * set_tid_address and prctl(PR_FUTEX_HASH).
 *
 * Kernel counterpart: kernel/futex/syscalls.c (SYSCALL_DEFINE6(futex),
 * do_futex(), futex_init_timeout(), futex_parse_waitv(),
 * futex2_setup_timeout(), sys_futex_waitv/wake/wait/requeue, the robust
 * list calls) and kernel/sys.c for prctl.
 *
 * The order of the checks is the kernel's, and it is observable: a
 * FUTEX_WAIT with FUTEX_CLOCK_REALTIME and an unreadable timespec fails
 * with EFAULT, not ENOSYS, because the syscall entry reads the timeout
 * before do_futex() looks at the clock flag; futex_waitv validates its
 * timeout before it reads a single array entry; the array is copied and
 * validated entry by entry, so an invalid entry 0 wins over a fault at
 * entry 1.
 *
 * Timeouts are not converted to absolute time here: the core is
 * time-free, so a timeout is passed on as the kind of timer the kernel
 * would arm (struct fx_timer) and the caller (DES, harness) owns the clock.
 */
#include <string.h>

#include "futex_int.h"
#include "layouts/layout.h"

#define NSEC_PER_SEC	1000000000ll

/* futex_cmd_has_timeout(): the ops whose 4th argument is a timespec. */
static bool cmd_has_timeout(int cmd)
{
	switch (cmd) {
	case FX_OP_WAIT:
	case FX_OP_LOCK_PI:
	case FX_OP_LOCK_PI2:
	case FX_OP_WAIT_BITSET:
	case FX_OP_WAIT_REQUEUE_PI:
		return true;
	}
	return false;
}

/*
 * read_timespec - get_timespec64() + timespec64_valid() + the saturating
 * timespec64_to_ktime() conversion.
 */
static int read_timespec(struct fx_task *t, uint64_t uts, int64_t *ns)
{
	struct fx_timespec ts;

	if (fx_uaccess_read(t->mm, uts, &ts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (ts.tv_sec >= INT64_MAX / NSEC_PER_SEC)
		*ns = INT64_MAX;	/* KTIME_MAX */
	else
		*ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

/*
 * futex_timer - futex_init_timeout() for @cmd: which clock, relative or
 * absolute, and whether timer slack applies (futex_setup_timer() is given
 * current->timer_slack_ns by the wait paths and 0 by futex_lock_pi()).
 */
static void futex_timer(int cmd, int op, int64_t ns, struct fx_timer *to)
{
	to->ns = ns;
	to->slack = cmd != FX_OP_LOCK_PI && cmd != FX_OP_LOCK_PI2;
	if (cmd == FX_OP_WAIT)
		to->kind = FX_TIMER_REL_MONO;
	else if (cmd == FX_OP_LOCK_PI || (op & FX_CLOCK_REALTIME))
		to->kind = FX_TIMER_ABS_REAL;
	else
		to->kind = FX_TIMER_ABS_MONO;
}

/* do_futex(): flags, the CLOCK_REALTIME rule, the op switch. */
static long do_futex(struct fx_task *t, uint64_t uaddr, int op, uint32_t val,
		     const struct fx_timer *to, uint64_t uaddr2, uint32_t val2,
		     uint32_t val3, int *status)
{
	unsigned flags = fx_futex_to_flags((unsigned)op);
	int cmd = op & FX_CMD_MASK;

	if ((flags & FX_FLAGS_CLOCKRT) && cmd != FX_OP_WAIT_BITSET &&
	    cmd != FX_OP_WAIT_REQUEUE_PI && cmd != FX_OP_LOCK_PI2)
		return -ENOSYS;

	switch (cmd) {
	case FX_OP_WAIT:
		val3 = FX_BITSET_MATCH_ANY;
		/* fall through */
	case FX_OP_WAIT_BITSET:
		return fx_futex_wait(t, uaddr, flags, val, to, val3, status);
	case FX_OP_WAKE:
		val3 = FX_BITSET_MATCH_ANY;
		/* fall through */
	case FX_OP_WAKE_BITSET:
		return fx_futex_wake(t, uaddr, flags, (int)val, val3);
	case FX_OP_REQUEUE:
		return fx_futex_requeue(t, uaddr, flags, uaddr2, flags, (int)val,
					(int)val2, NULL, 0);
	case FX_OP_CMP_REQUEUE:
		return fx_futex_requeue(t, uaddr, flags, uaddr2, flags, (int)val,
					(int)val2, &val3, 0);
	case FX_OP_WAKE_OP:
		return fx_futex_wake_op(t, uaddr, flags, uaddr2, (int)val,
					(int)val2, val3);
	case FX_OP_LOCK_PI:
		flags |= FX_FLAGS_CLOCKRT;
		/* fall through */
	case FX_OP_LOCK_PI2:
		return fx_futex_lock_pi(t, uaddr, flags, to, false, status);
	case FX_OP_UNLOCK_PI:
		return fx_futex_unlock_pi(t, uaddr, flags);
	case FX_OP_TRYLOCK_PI:
		return fx_futex_lock_pi(t, uaddr, flags, NULL, true, status);
	case FX_OP_WAIT_REQUEUE_PI:
		return fx_futex_wait_requeue_pi(t, uaddr, flags, val, to,
						FX_BITSET_MATCH_ANY, uaddr2,
						status);
	case FX_OP_CMP_REQUEUE_PI:
		return fx_futex_requeue(t, uaddr, flags, uaddr2, flags, (int)val,
					(int)val2, &val3, 1);
	}
	return -ENOSYS;
}

/* SYSCALL_DEFINE6(futex, uaddr, op, val, utime, uaddr2, val3) */
static long sys_futex(struct fx_task *t, const uint64_t a[6], int *status)
{
	int op = (int)a[1], cmd = op & FX_CMD_MASK;
	struct fx_timer tm, *to = NULL;

	if (a[3] && cmd_has_timeout(cmd)) {
		int64_t ns;
		int ret = read_timespec(t, a[3], &ns);

		if (ret)
			return ret;
		futex_timer(cmd, op, ns, &tm);
		to = &tm;
	}
	/* For the other ops the pointer value is val2, cut to u32. */
	return do_futex(t, a[0], op, (uint32_t)a[2], to, a[4], (uint32_t)a[3],
			(uint32_t)a[5], status);
}

/*
 * futex2_setup_timeout - the futex2 timeout: absolute, CLOCK_MONOTONIC or
 * CLOCK_REALTIME; the clock is checked before the timespec is read, and
 * nothing is checked without a timeout.
 */
static int futex2_setup_timeout(struct fx_task *t, uint64_t uts, int clockid,
				struct fx_timer *to)
{
	int64_t ns;
	int ret;

	if (clockid != FX_CLOCK_REALTIME_ID && clockid != FX_CLOCK_MONOTONIC_ID)
		return -EINVAL;
	ret = read_timespec(t, uts, &ns);
	if (ret)
		return ret;
	to->kind = clockid == FX_CLOCK_REALTIME_ID ? FX_TIMER_ABS_REAL :
		   FX_TIMER_ABS_MONO;
	to->ns = ns;
	to->slack = true;
	return 0;
}

/*
 * futex_parse_waitv - copy and validate @n entries of a user futex_waitv
 * array, one at a time (copy fault -> EFAULT; unknown flag bits or a
 * nonzero reserved word -> EINVAL; size other than u32 -> EINVAL; a value
 * wider than the size -> EINVAL).
 */
static int futex_parse_waitv(struct fx_task *t, uint64_t uwaitv,
			     struct fx_waitv *vs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct fx_waitv aux;
		unsigned flags;

		if (fx_uaccess_read(t->mm, uwaitv + (uint64_t)i * sizeof(aux),
				    &aux, sizeof(aux)))
			return -EFAULT;
		if ((aux.flags & ~(uint32_t)FX2_VALID_MASK) || aux.reserved)
			return -EINVAL;
		flags = fx_futex2_to_flags(aux.flags);
		if (!fx_flags_valid(flags))
			return -EINVAL;
		if (!fx_validate_input(flags, aux.val))
			return -EINVAL;
		vs[i] = aux;
	}
	return 0;
}

/* SYSCALL_DEFINE5(futex_waitv, waiters, nr_futexes, flags, timeout, clockid) */
static long sys_futex_waitv(struct fx_task *t, const uint64_t a[6],
			    int *status)
{
	struct fx_waitv vs[FX_WAITV_MAX];
	unsigned nr = (unsigned)a[1], flags = (unsigned)a[2];
	struct fx_timer tm, *to = NULL;
	int ret;

	if (flags)
		return -EINVAL;
	if (!nr || nr > FX_WAITV_MAX || !a[0])
		return -EINVAL;
	if (a[3]) {
		ret = futex2_setup_timeout(t, a[3], (int)a[4], &tm);
		if (ret)
			return ret;
		to = &tm;
	}
	ret = futex_parse_waitv(t, a[0], vs, nr);
	if (ret)
		return ret;
	return fx_futex_waitv(t, vs, nr, to, status);
}

/* SYSCALL_DEFINE4(futex_wake, uaddr, mask, nr, flags) */
static long sys_futex_wake(struct fx_task *t, const uint64_t a[6])
{
	unsigned flags = (unsigned)a[3];

	if (flags & ~(unsigned)FX2_VALID_MASK)
		return -EINVAL;
	flags = fx_futex2_to_flags(flags);
	if (!fx_flags_valid(flags))
		return -EINVAL;
	if (!fx_validate_input(flags, a[1]))
		return -EINVAL;
	return fx_futex_wake(t, a[0], FX_FLAGS_STRICT | flags, (int)a[2],
			     (uint32_t)a[1]);
}

/* SYSCALL_DEFINE6(futex_wait, uaddr, val, mask, flags, timeout, clockid) */
static long sys_futex_wait(struct fx_task *t, const uint64_t a[6],
			   int *status)
{
	unsigned flags = (unsigned)a[3];
	struct fx_timer tm, *to = NULL;
	int ret;

	if (flags & ~(unsigned)FX2_VALID_MASK)
		return -EINVAL;
	flags = fx_futex2_to_flags(flags);
	if (!fx_flags_valid(flags))
		return -EINVAL;
	if (!fx_validate_input(flags, a[1]) || !fx_validate_input(flags, a[2]))
		return -EINVAL;
	if (a[4]) {
		ret = futex2_setup_timeout(t, a[4], (int)a[5], &tm);
		if (ret)
			return ret;
		to = &tm;
	}
	return fx_futex_wait(t, a[0], flags, (uint32_t)a[1], to,
			     (uint32_t)a[2], status);
}

/* SYSCALL_DEFINE4(futex_requeue, waiters, flags, nr_wake, nr_requeue) */
static long sys_futex_requeue(struct fx_task *t, const uint64_t a[6])
{
	struct fx_waitv w[2];
	uint32_t cmpval;
	int ret;

	if ((unsigned)a[1])
		return -EINVAL;
	if (!a[0])
		return -EINVAL;
	ret = futex_parse_waitv(t, a[0], w, 2);
	if (ret)
		return ret;
	cmpval = (uint32_t)w[0].val;
	return fx_futex_requeue(t, w[0].uaddr, fx_futex2_to_flags(w[0].flags),
				w[1].uaddr, fx_futex2_to_flags(w[1].flags),
				(int)a[2], (int)a[3], &cmpval, 0);
}

/* SYSCALL_DEFINE2(set_robust_list, head, len) */
static long sys_set_robust_list(struct fx_task *t, const uint64_t a[6])
{
	if (a[1] != FX_ROBUST_LIST_HEAD_LEN)
		return -EINVAL;
	t->robust_list = a[0];
	t->robust_len = a[1];
	return 0;
}

/*
 * SYSCALL_DEFINE3(get_robust_list, pid, head_ptr, len_ptr).  The model
 * has no credentials, so the ptrace check always passes; an exited task
 * is gone (-ESRCH) as a reaped thread is.
 */
static long sys_get_robust_list(struct fx_task *t, const uint64_t a[6])
{
	int pid = (int)a[0];
	struct fx_task *p = t;
	uint64_t len = FX_ROBUST_LIST_HEAD_LEN, head;

	if (pid) {
		p = fx_task_find(t->core, pid);
		if (!p || p->state == FX_TASK_DEAD)
			return -ESRCH;
	}
	head = p->robust_list;
	if (fx_uaccess_write(t->mm, a[2], &len, sizeof(len)))
		return -EFAULT;
	if (fx_uaccess_write(t->mm, a[1], &head, sizeof(head)))
		return -EFAULT;
	return 0;
}

/* prctl(PR_FUTEX_HASH, sub-op, arg3, arg4): futex_hash_prctl(). */
static long sys_prctl(struct fx_task *t, const uint64_t a[6])
{
	struct fx_core *core = t->core;

	if ((int)a[0] != FX_PR_FUTEX_HASH)	/* option is an int */
		return -EINVAL;
	if (core->layout_ops->prctl)
		return core->layout_ops->prctl(core, core->layout, t->mm,
					       (unsigned long)a[1],
					       (unsigned long)a[2],
					       (unsigned long)a[3]);
	/* A kernel without CONFIG_FUTEX_PRIVATE_HASH. */
	return a[1] == FX_PR_FUTEX_HASH_GET_SLOTS ? 0 : -EINVAL;
}

/**
 * fx_sys_dispatch - decode and run system call @nr of task @t
 * @t:      the calling task (running)
 * @nr:     FX_SYS_*
 * @a:      the six arguments as the ABI passes them
 * @status: set to FX_SLEEPING if the task went to sleep in the call; left
 *          alone (FX_DONE) otherwise
 *
 * Also the restart path: task.c calls it again with the saved arguments
 * when a signal handler asks for the call to be restarted.
 *
 * Return: the system call's value (>= 0 or -errno); meaningless when
 * *status is FX_SLEEPING.  An unknown @nr is -ENOSYS.
 */
long fx_sys_dispatch(struct fx_task *t, int nr, const uint64_t a[6],
		     int *status)
{
	switch (nr) {
	case FX_SYS_FUTEX:
		return sys_futex(t, a, status);
	case FX_SYS_FUTEX_WAITV:
		return sys_futex_waitv(t, a, status);
	case FX_SYS_FUTEX_WAKE:
		return sys_futex_wake(t, a);
	case FX_SYS_FUTEX_WAIT:
		return sys_futex_wait(t, a, status);
	case FX_SYS_FUTEX_REQUEUE:
		return sys_futex_requeue(t, a);
	case FX_SYS_SET_ROBUST_LIST:
		return sys_set_robust_list(t, a);
	case FX_SYS_GET_ROBUST_LIST:
		return sys_get_robust_list(t, a);
	case FX_SYS_SET_TID_ADDRESS:
		t->clear_child_tid = a[0];
		return t->tid;
	case FX_SYS_PRCTL:
		return sys_prctl(t, a);
	}
	return -ENOSYS;
}
