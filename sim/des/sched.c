// SPDX-License-Identifier: MIT
/*
 * sched.c - simulated CPUs: runqueues, wake placement, preemption.
 *
 * Each CPU runs one thread at a time; a thread keeps its CPU from the
 * moment it runs until it blocks in a futex call, exits, or is preempted
 * at a user-space boundary (between two actions: the model never
 * preempts inside the kernel, where the futex paths hold spinlocks or
 * are short).  A runqueue holds the ready threads in priority order
 * (the core's effective prio, so PI boosts count), FIFO within a
 * priority.
 *
 * Wake placement follows the kernel's select_idle_sibling() in spirit:
 *
 *   1. a pinned thread goes to its CPU;
 *   2. else its previous CPU, if idle;
 *   3. else an idle CPU of the previous CPU's node, lowest id first;
 *   4. else it queues on its previous CPU.
 *
 * Waking a thread onto an idle CPU other than the waker's costs an IPI
 * (local or remote by node), the idle exit of that CPU and a context
 * switch; the thread runs when they have passed.  Waking onto a busy CPU
 * queues the thread.  If its priority is higher (SCHED_FIFO over
 * SCHED_OTHER) it preempts the running thread: at once through a resched
 * IPI when that thread is in user space (its unfinished user work resumes
 * when it runs again), else at its next user-space boundary.  Otherwise
 * it waits until the CPU is released or the running thread's slice
 * (sched.slice) is used up.
 */
#include "des_int.h"

void des_sched_init(struct fx_des *des)
{
	for (unsigned i = 0; i < des->ncpus; i++) {
		des->cpus[i].id = i;
		des->cpus[i].node = des->cpu_node[i];
		list_init(&des->cpus[i].rq);
	}
}

void des_run_at(struct fx_des *des, struct des_thread *th, fx_ps t)
{
	th->next_at = t;
	if (des_evq_push(&des->evq, t, th, EV_RUN, ++th->gen))
		des_fail(des, -ENOMEM, "out of memory for events");
}

static int th_prio(const struct des_thread *th)
{
	return fx_task_prio(th->pub.task);
}

static void rq_add(struct des_cpu *c, struct des_thread *th)
{
	struct list_head *pos = c->rq.prev;
	int prio = th_prio(th);

	/* behind every thread of the same or better priority */
	while (pos != &c->rq &&
	       th_prio(list_entry(pos, struct des_thread, rq_node)) > prio)
		pos = pos->prev;
	list_insert_between(&th->rq_node, pos, pos->next);
	c->nr_ready++;
	th->state = TH_READY;
}

/*
 * rq_best - the ready thread to run next: the best effective priority,
 * FIFO among equals.  Priorities change while threads wait (PI boosts and
 * their end), so the order kept by rq_add() is only a starting point: the
 * queue is scanned, as short as it is (the kernel requeues on a boost).
 */
static struct des_thread *rq_best(struct des_cpu *c)
{
	struct des_thread *th, *best = NULL;

	list_for_each_entry(th, &c->rq, rq_node)
		if (!best || th_prio(th) < th_prio(best))
			best = th;
	return best;
}

static struct des_thread *rq_pop(struct des_cpu *c)
{
	struct des_thread *th = rq_best(c);

	if (!th)
		return NULL;
	list_del_init(&th->rq_node);
	c->nr_ready--;
	return th;
}

/* switch @c to @th, running at @at */
static void cpu_run(struct fx_des *des, struct des_cpu *c,
		    struct des_thread *th, fx_ps at)
{
	if (th->pub.cpu != c->id)
		des->res.migrations++;
	c->curr = th;
	th->pub.cpu = c->id;
	fx_task_set_cpu(th->pub.task, c->id);
	th->state = TH_RUNNING;
	th->slice_start = at;
	des_run_at(des, th, at);
}

void des_sched_start(struct fx_des *des, struct des_thread *th)
{
	unsigned cpu = th->pin >= 0 ? (unsigned)th->pin :
					th->pub.idx % des->ncpus;
	struct des_cpu *c = &des->cpus[cpu];

	th->pub.cpu = cpu;
	th->phase = PH_USER;
	if (!c->curr) {
		cpu_run(des, c, th, des->now);
		return;
	}
	rq_add(c, th);
	if (th_prio(th) < th_prio(c->curr))
		c->need_resched = true;
}

static unsigned pick_cpu(struct fx_des *des, struct des_thread *th)
{
	unsigned prev = th->pub.cpu;
	int node;

	if (th->pin >= 0)
		return (unsigned)th->pin;
	if (!des->cpus[prev].curr)
		return prev;
	node = des->cpu_node[prev];
	for (unsigned i = 0; i < des->ncpus; i++)
		if (des->cpu_node[i] == node && !des->cpus[i].curr)
			return i;
	return prev;
}

void des_sched_wakeup(struct fx_des *des, struct des_thread *th,
		      unsigned waker_cpu, bool from_waker, fx_ps at)
{
	const struct fx_cost *cost = des->cost;
	unsigned cpu = pick_cpu(des, th);
	struct des_cpu *c = &des->cpus[cpu];
	fx_ps delay = 0;

	th->phase = PH_RESUME;
	if (c->curr) {
		struct des_thread *cur = c->curr;

		rq_add(c, th);
		if (th_prio(th) >= th_prio(cur))
			return;
		c->need_resched = true;
		/*
		 * A higher-priority wakee preempts the running thread
		 * through a resched IPI (none when the waker runs there),
		 * as soon as that thread is in user space; inside the
		 * kernel it waits for the next boundary.
		 */
		if (cur->state != TH_RUNNING || cur->phase != PH_USER)
			return;
		if (from_waker && cpu != waker_cpu) {
			at += cost->v[des->cpu_node[waker_cpu] != c->node ?
				      FX_COST_ipi_remote : FX_COST_ipi_local];
			des->res.ipis++;
		}
		if (at < des->now)
			at = des->now;
		cur->rest = cur->next_at > at ? cur->next_at - at : 0;
		cur->phase = PH_PREEMPT;
		des_run_at(des, cur, at);
		return;
	}
	if (from_waker && cpu != waker_cpu) {
		bool remote = des->cpu_node[waker_cpu] != c->node;

		delay += cost->v[remote ? FX_COST_ipi_remote :
					  FX_COST_ipi_local];
		des->res.ipis++;
	}
	delay += cost->v[FX_COST_idle_exit] + cost->v[FX_COST_ctx_switch];
	des->res.idle_exits++;
	des->res.ctx_switches++;
	cpu_run(des, c, th, at + delay);
}

void des_sched_release(struct fx_des *des, struct des_thread *th)
{
	struct des_cpu *c = &des->cpus[th->pub.cpu];
	struct des_thread *next;

	if (c->curr != th)
		return;
	c->curr = NULL;
	c->need_resched = false;
	next = rq_pop(c);
	if (!next)
		return;
	des->res.ctx_switches++;
	cpu_run(des, c, next, des->now + des_cost(des, FX_COST_ctx_switch));
}

bool des_sched_boundary(struct fx_des *des, struct des_thread *th)
{
	struct des_cpu *c = &des->cpus[th->pub.cpu];
	struct des_thread *first;
	int p, q;

	if (!c->nr_ready)
		return false;
	first = rq_best(c);
	p = th_prio(th);
	q = th_prio(first);
	if (!(q < p || (q == p && p >= 100 && des->now - th->slice_start >=
				   des_cost(des, FX_COST_sched_slice))))
		return false;
	c->curr = NULL;
	c->need_resched = false;
	rq_add(c, th);
	first = rq_pop(c);
	des->res.ctx_switches++;
	cpu_run(des, c, first, des->now + des_cost(des, FX_COST_ctx_switch));
	return true;
}

void des_sched_preempt(struct fx_des *des, struct des_thread *th)
{
	struct des_cpu *c = &des->cpus[th->pub.cpu];
	struct des_thread *next;

	th->phase = PH_REST;
	c->curr = NULL;
	c->need_resched = false;
	rq_add(c, th);
	next = rq_pop(c);
	des->res.ctx_switches++;
	cpu_run(des, c, next, des->now + des_cost(des, FX_COST_ctx_switch));
}
