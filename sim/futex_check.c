// SPDX-License-Identifier: MIT
/*
 * futex_check.c - invariant checker over the whole core (fx_core_check),
 * run by the tests after every call and, in FX_DEBUG builds, by task.c
 * after every system call, resume and exit (FX_CHECK).
 *
 * What it checks, and why each holds in the model (calls are atomic, so
 * between calls every bucket lock is free and every structure is at rest):
 *
 *  buckets  every bucket of every table (the global tables once, each
 *           process's private tables once): plist structure and order;
 *           hb->waiters equals the chain length (the kernel's counter is
 *           exact once no call is in flight); every futex_q on the chain
 *           points back at it (lock_ptr), hashes to it (fx_hash of its key
 *           in its task's mm), belongs to its task (t->q or one of the
 *           task's waitv entries), and its task is blocked (SLEEPING) or
 *           made runnable but not yet resumed (WOKEN).
 *  tasks    a task that is running, exiting or dead has no queued futex_q
 *           and, if running, no pending resume; a blocked or woken task has
 *           a resume function; a task asleep in a plain wait or in waitv
 *           has its futex_q(s) queued (fx_waitwake_check_task).
 *  totals   the chains hold exactly the queued futex_qs of all tasks: no
 *           waiter is lost or counted twice.
 *  PI       pi_state and rt-mutex invariants: fx_pi_check() (futex_pi.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "futex_int.h"
#include "layouts/layout.h"

struct chk {
	struct fx_core *core;
	int err;
	unsigned long nq;	/* futex_qs found on chains */
};

static bool q_of_task(const struct fx_q *q, const struct fx_task *t)
{
	if (q == &t->q)
		return true;
	return t->vq && q >= t->vq && q < t->vq + t->nvq;
}

static void check_bucket(struct fx_hb *hb, void *arg)
{
	struct chk *c = arg;
	struct fx_core *core = c->core;
	unsigned n = 0;
	struct fx_q *q;

	if (c->err)
		return;
	if (plist_check(&hb->chain)) {
		c->err = fx_errf(core, "bucket %d/%u: plist corrupt", hb->table,
				 hb->index);
		return;
	}
	plist_for_each_entry(q, &hb->chain, list) {
		struct fx_task *t = q->task;

		n++;
		if (q->lock_ptr != hb) {
			c->err = fx_errf(core, "bucket %d/%u: futex_q of task %d has lock_ptr %p",
					 hb->table, hb->index, t ? t->tid : -1,
					 (void *)q->lock_ptr);
			return;
		}
		if (!t || !q_of_task(q, t)) {
			c->err = fx_errf(core, "bucket %d/%u: futex_q not owned by its task",
					 hb->table, hb->index);
			return;
		}
		if (t->state != FX_TASK_SLEEPING && t->state != FX_TASK_WOKEN) {
			c->err = fx_errf(core, "bucket %d/%u: task %d queued in state %d",
					 hb->table, hb->index, t->tid,
					 (int)t->state);
			return;
		}
		if (fx_hash(core, &q->key, t->mm, NULL) != hb) {
			c->err = fx_errf(core, "bucket %d/%u: task %d queued in a bucket its key does not hash to",
					 hb->table, hb->index, t->tid);
			return;
		}
	}
	if (n != hb->waiters) {
		c->err = fx_errf(core, "bucket %d/%u: waiters %u, chain holds %u",
				 hb->table, hb->index, hb->waiters, n);
		return;
	}
	c->nq += n;
}

static unsigned task_queued(const struct fx_task *t)
{
	unsigned n = !plist_node_empty(&t->q.list);

	for (unsigned i = 0; t->vq && i < t->nvq; i++)
		n += !plist_node_empty(&t->vq[i].list);
	return n;
}

static int check_task(struct fx_core *core, struct fx_task *t,
		      unsigned long *nq)
{
	unsigned n = task_queued(t);

	*nq += n;
	switch (t->state) {
	case FX_TASK_RUNNING:
		if (t->resume)
			return fx_errf(core, "task %d running with a resume pending",
				       t->tid);
		/* fall through */
	case FX_TASK_EXITING:
	case FX_TASK_DEAD:
		if (n)
			return fx_errf(core, "task %d in state %d has %u queued futex_q",
				       t->tid, (int)t->state, n);
		return 0;
	case FX_TASK_SLEEPING:
	case FX_TASK_WOKEN:
		if (!t->resume)
			return fx_errf(core, "task %d blocked without a resume function",
				       t->tid);
		return fx_waitwake_check_task(t);
	}
	return fx_errf(core, "task %d: bad state %d", t->tid, (int)t->state);
}

/**
 * fx_core_check - run every invariant checker over the whole core
 * @core: the core (no call in progress)
 *
 * Return: 0, or -EUCLEAN with the first violation in fx_core_errmsg().
 */
int fx_core_check(struct fx_core *core)
{
	struct chk c = { .core = core };
	unsigned long tq = 0;
	struct fx_task *t;
	struct fx_mm *mm;
	int ret;

	core->layout_ops->for_each_bucket(core, core->layout, NULL,
					  check_bucket, &c);
	list_for_each_entry(mm, &core->mms, node) {
		if (c.err)
			break;
		core->layout_ops->for_each_bucket(core, core->layout, mm,
						  check_bucket, &c);
	}
	if (c.err)
		return c.err;
	list_for_each_entry(t, &core->tasks, all) {
		ret = check_task(core, t, &tq);
		if (ret)
			return ret;
	}
	if (tq != c.nq)
		return fx_errf(core, "tasks have %lu queued futex_qs, bucket chains hold %lu",
			       tq, c.nq);
	return fx_pi_check(core);
}

/**
 * fx_core_check_or_die - fx_core_check(), aborting with a message
 * @core: the core
 * @file: caller's file (FX_CHECK)
 * @line: caller's line
 *
 * For FX_DEBUG builds: an invariant violation is a bug in the model, and
 * the sooner it stops the easier it is to find.
 */
void fx_core_check_or_die(struct fx_core *core, const char *file, int line)
{
	if (fx_core_check(core)) {
		fprintf(stderr, "%s:%d: futex core invariant violated: %s\n",
			file, line, fx_core_errmsg(core));
		abort();
	}
}
