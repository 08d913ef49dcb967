// SPDX-License-Identifier: MIT
/*
 * op.c - the op pipeline: one system call as a sequence of charged steps.
 *
 * DESIGN
 *
 * The futex core executes a call atomically, as the kernel does under the
 * bucket lock(s); this file decides when that happens and what the time
 * around it costs (parameter names of docs/cost-model.md in brackets):
 *
 *   PH_LOCK    syscall entry [syscall.entry]; for each futex address the
 *              key [key.private, or key.shared: mmap lock + page lookup]
 *              and its hash [hash.NAME]; a key of a process-private hash
 *              takes a reference [refcount.percpu, or refcount.atomic
 *              plus the transfer of the mm's refcount line].  Then the
 *              bucket lock(s), in (table, index) order as double_lock_hb()
 *              takes them in address order.  A wake first reads the
 *              bucket's waiter count without the lock and returns if it is
 *              zero (futex_hb_waiters_pending()).
 *   lock       free: [lock.uncontended] plus bringing the lock line from
 *              its holder.  Held: the request joins the bucket's FIFO and
 *              the thread spins on its CPU.  At release the head request
 *              gets the lock after [lock.handoff] scaled by the node
 *              distance between the two CPUs, plus the transfer of the
 *              lock's line [line.xfer scaled the same way].
 *   PH_EXEC    the core op runs at the instant the last lock is granted.
 *              The time the locks are then held is charged from what the
 *              core reports: the futex word read or written under the lock
 *              (a user-memory line: home node by first touch, current
 *              holder), each chain entry walked [chain.step.local or
 *              .remote, by the bucket's home node], queueing a waiter
 *              [queue.waiter], marking each woken waiter [wake.mark].
 *   PH_UNLOCK  the locks are released in reverse order and handed on;
 *              a call that sleeps releases its CPU (and arms its timer
 *              [timer.arm]); otherwise each woken task is woken in wake_q
 *              order [wake.up each] and placed on a CPU (sched.c: IPI,
 *              idle exit, context switch), then [syscall.exit].
 *   PH_RESUME  a woken task gets its CPU back; PI calls retake the bucket
 *              lock of their futex before fx_task_resume(), as
 *              futex_lock_pi() and futex_wait_requeue_pi() do; then
 *              [syscall.exit].  Its wakeup latency runs from the waker's
 *              syscall entry to this return to user space.
 *
 * Lock wait is split by cause.  When the holder releases, every queued
 * request is charged the time it waited during that holder's turn (from
 * the later of its request and the turn's start), as own-key wait if the
 * holder came for the same key and as foreign-key wait (false contention)
 * if not; the handoff to the next request is charged to it the same way,
 * by the key of the holder that hands over.  The two parts add up to the
 * request's whole wait.
 *
 * futex_waitv locks its buckets one at a time; the model charges each
 * as an uncontended lock of that bucket without queueing (documented in
 * docs/des.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "des_int.h"

static uint64_t key_fp(const union fx_key *k)
{
	uint64_t h = k->both.ptr * 0x9e3779b97f4a7c15ull;

	h ^= k->both.word + 0x7f4a7c159e3779b9ull + (h << 6) + (h >> 2);
	h ^= (uint64_t)k->both.offset * 0xbf58476d1ce4e5b9ull;
	return h;
}

static inline struct des_opctx *opctx(struct fx_des *des,
				      struct des_thread *th)
{
	return &des->cpus[th->pub.cpu].op;
}

static inline unsigned th_node(const struct fx_des *des,
			       const struct des_thread *th)
{
	return (unsigned)des->cpu_node[th->pub.cpu];
}

/* ---- bucket locks ---- */

static fx_ps lock_line(struct fx_des *des, struct fx_hb *hb, unsigned cpu)
{
	return des_cacheline(des, &hb->sim.owner[0], &hb->sim.reader[0],
			     hb->node, cpu, true);
}

static void lock_granted(struct fx_des *des, struct des_lockreq *r,
			 fx_ps at)
{
	struct fx_des_results *res = &des->res;
	fx_ps wait = at - r->since;

	res->lock_acq++;
	if (wait)
		res->lock_contended++;
	fx_qhist_add(&res->lock_wait, wait / FX_PS_PER_NS);
	des->lock_wait_ps += wait;
	des->lock_own_ps += r->own;
	des->lock_foreign_ps += r->foreign;
}

/*
 * lock_request - ask for @r's bucket lock at des->now.  Returns the cost
 * until the lock is held, or FX_PS_NONE when the request was queued.
 */
#define FX_PS_NONE	UINT64_MAX

static fx_ps lock_request(struct fx_des *des, struct des_lockreq *r)
{
	struct fx_hb *hb = r->hb;
	fx_ps cost;

	r->since = des->now;
	r->own = r->foreign = 0;
	r->next = NULL;
	if (!hb->sim.holder) {
		cost = des_cost(des, FX_COST_lock_uncontended) +
		       lock_line(des, hb, r->th->pub.cpu);
		hb->sim.holder = r;
		hb->sim.busy_since = des->now;
		lock_granted(des, r, des->now);
		return cost;
	}
	if (hb->sim.qtail)
		((struct des_lockreq *)hb->sim.qtail)->next = r;
	else
		hb->sim.qhead = r;
	hb->sim.qtail = r;
	return FX_PS_NONE;
}

static void lock_release(struct fx_des *des, struct des_lockreq *h)
{
	struct fx_hb *hb = h->hb;
	struct des_lockreq *w, *next;
	unsigned from, to, d;
	fx_ps handoff;

	for (w = hb->sim.qhead; w; w = w->next) {
		fx_ps start = w->since > hb->sim.busy_since ? w->since :
							      hb->sim.busy_since;
		fx_ps waited = des->now > start ? des->now - start : 0;

		if (w->keyfp == h->keyfp)
			w->own += waited;
		else
			w->foreign += waited;
	}
	next = hb->sim.qhead;
	if (!next) {
		hb->sim.holder = NULL;
		return;
	}
	hb->sim.qhead = next->next;
	if (!next->next)
		hb->sim.qtail = NULL;
	from = h->th->pub.cpu;
	to = next->th->pub.cpu;
	d = des_dist(des, des->cpu_node[from], des->cpu_node[to]);
	/* the MCS handoff, then the lock word's line moves to the waiter */
	handoff = des_cost(des, FX_COST_lock_handoff) * d / 10 +
		  fx_cost_xfer(des->cost, d);
	/* the handoff is part of the wait the releasing holder caused */
	if (next->keyfp == h->keyfp)
		next->own += handoff;
	else
		next->foreign += handoff;
	hb->sim.holder = next;
	hb->sim.busy_since = des->now;
	hb->sim.owner[0] = to + 1;
	hb->sim.reader[0] = 0;
	lock_granted(des, next, des->now + handoff);
	next->th->state = TH_RUNNING;
	des_run_at(des, next->th, des->now + handoff);
}

/* ---- decoding a call ---- */

struct op_addr {
	uint64_t uaddr;
	unsigned flags;		/* FX_FLAGS_* */
};

enum op_kind {
	OPK_NONE,		/* no bucket lock (prctl, robust list, ...) */
	OPK_LOCK1,		/* one bucket, always locked */
	OPK_WAKE1,		/* one bucket, locked if it has waiters */
	OPK_LOCK2,		/* two buckets, double-locked */
	OPK_WAITV,		/* futex_waitv */
};

struct op_desc {
	enum op_kind kind;
	unsigned naddr;
	struct op_addr addr[2];
	bool uread, uwrite;	/* the futex word is read / written locked */
	bool resume_lock;	/* retakes addr[resume_idx]'s lock on wakeup */
	unsigned resume_idx;
};

static void decode(struct fx_des *des, struct des_thread *th,
		   const struct fx_des_act *act, struct op_desc *d)
{
	const uint64_t *a = act->a;

	memset(d, 0, sizeof(*d));
	switch (act->nr) {
	case FX_SYS_FUTEX: {
		unsigned op = (unsigned)a[1], cmd = op & FX_CMD_MASK;
		unsigned fl = fx_futex_to_flags(op);

		d->addr[0] = (struct op_addr){ a[0], fl };
		d->addr[1] = (struct op_addr){ a[4], fl };
		switch (cmd) {
		case FX_OP_WAIT:
		case FX_OP_WAIT_BITSET:
			d->kind = OPK_LOCK1;
			d->naddr = 1;
			d->uread = true;
			break;
		case FX_OP_WAKE:
		case FX_OP_WAKE_BITSET:
			d->kind = OPK_WAKE1;
			d->naddr = 1;
			break;
		case FX_OP_WAKE_OP:
			d->kind = OPK_LOCK2;
			d->naddr = 2;
			d->uread = d->uwrite = true;
			d->addr[0].uaddr = a[4];	/* the op works on uaddr2 */
			d->addr[1].uaddr = a[0];
			break;
		case FX_OP_REQUEUE:
		case FX_OP_CMP_REQUEUE:
		case FX_OP_CMP_REQUEUE_PI:
			d->kind = OPK_LOCK2;
			d->naddr = 2;
			d->uread = cmd != FX_OP_REQUEUE;
			d->uwrite = cmd == FX_OP_CMP_REQUEUE_PI;
			break;
		case FX_OP_LOCK_PI:
		case FX_OP_LOCK_PI2:
		case FX_OP_TRYLOCK_PI:
			d->resume_lock = cmd != FX_OP_TRYLOCK_PI;
			/* fallthrough */
		case FX_OP_UNLOCK_PI:
			d->kind = OPK_LOCK1;
			d->naddr = 1;
			d->uread = d->uwrite = true;
			break;
		case FX_OP_WAIT_REQUEUE_PI:
			d->kind = OPK_LOCK1;
			d->naddr = 1;
			d->uread = true;
			d->resume_lock = true;
			d->resume_idx = 1;
			break;
		default:
			d->kind = OPK_NONE;
		}
		break;
	}
	case FX_SYS_FUTEX_WAIT:
		d->kind = OPK_LOCK1;
		d->naddr = 1;
		d->uread = true;
		d->addr[0] = (struct op_addr){ a[0],
			fx_futex2_to_flags((unsigned)a[3]) };
		break;
	case FX_SYS_FUTEX_WAKE:
		d->kind = OPK_WAKE1;
		d->naddr = 1;
		d->addr[0] = (struct op_addr){ a[0],
			fx_futex2_to_flags((unsigned)a[3]) };
		break;
	case FX_SYS_FUTEX_REQUEUE: {
		struct fx_waitv v[2];

		if (fx_uaccess_read(fx_task_mm(th->pub.task), a[0], v,
				    sizeof(v)))
			break;
		d->kind = OPK_LOCK2;
		d->naddr = 2;
		for (unsigned i = 0; i < 2; i++)
			d->addr[i] = (struct op_addr){ v[i].uaddr,
				fx_futex2_to_flags(v[i].flags) };
		d->uread = true;
		break;
	}
	case FX_SYS_FUTEX_WAITV:
		d->kind = OPK_WAITV;
		break;
	default:
		d->kind = OPK_NONE;
	}
	(void)des;
}

/* ---- the pipeline ---- */

static fx_ps key_cost(struct fx_des *des, struct des_thread *th,
		      const struct op_addr *oa, struct fx_hb **hb,
		      struct fx_hash_info *info, union fx_key *key)
{
	bool shared = oa->flags & FX_FLAGS_SHARED;
	fx_ps cost = des_cost(des, shared ? FX_COST_key_shared :
					    FX_COST_key_private) +
		     des->hash_ps;

	*hb = NULL;
	if (fx_get_futex_key(th->pub.task, oa->uaddr, oa->flags, key,
			     FX_READ))
		return cost;
	*hb = fx_hash(des->core, key, fx_task_mm(th->pub.task), info);
	return cost;
}

static fx_ps ref_cost(struct fx_des *des, struct des_thread *th)
{
	if (des->refcount == FX_REF_ATOMIC)
		return des_cost(des, FX_COST_ref_atomic) +
		       des_cacheline(des, &th->pub.proc->ref_owner,
				     &th->pub.proc->ref_reader,
				     th->pub.proc->home, th->pub.cpu, true);
	return des_cost(des, FX_COST_ref_percpu);
}

static int lockreq_cmp(const struct des_lockreq *a,
		       const struct des_lockreq *b)
{
	if (a->hb->table != b->hb->table)
		return a->hb->table < b->hb->table ? -1 : 1;
	return a->hb->index < b->hb->index ? -1 :
	       a->hb->index > b->hb->index;
}

/* des_op_begin - @th enters the system call in its CPU's opctx->act */
void des_op_begin(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = opctx(des, th);
	struct op_desc d;
	fx_ps cost = des_cost(des, FX_COST_syscall_entry);

	th->sys_entry = des->now;
	th->resuming = false;
	des->res.syscalls++;
	decode(des, th, &o->act, &d);
	o->nlocks = o->lock_next = 0;
	o->extra = 0;
	o->wake_check = d.kind == OPK_WAKE1;
	o->private_hash = false;
	o->uaddr = 0;
	o->uwrite = d.uwrite;
	th->resume_lock = d.resume_lock;
	if (d.kind != OPK_NONE || o->act.nr <= FX_SYS_FUTEX_REQUEUE)
		des->res.futex_ops++;
	if (d.uread) {
		o->uaddr = d.addr[0].uaddr;
		o->space = des_space(th, o->uaddr);
	}
	if (d.resume_lock) {
		th->resume_uaddr = d.addr[d.resume_idx].uaddr;
		th->resume_flags = d.addr[d.resume_idx].flags;
	}
	if (d.kind == OPK_WAITV) {
		uint64_t n = o->act.a[1];
		struct fx_waitv v;

		for (uint64_t i = 0; i < n && i < FX_WAITV_MAX; i++) {
			struct op_addr oa;
			struct fx_hash_info info;
			union fx_key key;
			struct fx_hb *hb;

			if (fx_uaccess_read(fx_task_mm(th->pub.task),
					    o->act.a[0] + i * sizeof(v), &v,
					    sizeof(v)))
				break;
			oa = (struct op_addr){ v.uaddr,
					       fx_futex2_to_flags(v.flags) };
			cost += key_cost(des, th, &oa, &hb, &info, &key);
			if (hb)
				cost += des_cost(des, FX_COST_lock_uncontended) +
					lock_line(des, hb, th->pub.cpu);
		}
	}
	for (unsigned i = 0; i < d.naddr; i++) {
		struct des_lockreq *r = &o->lk[o->nlocks];
		struct fx_hash_info info;
		union fx_key key;
		struct fx_hb *hb;

		cost += key_cost(des, th, &d.addr[i], &hb, &info, &key);
		if (!hb)
			continue;
		if (info.table < 0 && !o->private_hash) {
			o->private_hash = true;
			cost += ref_cost(des, th);
		}
		if (i == 1 && o->nlocks == 1 && o->lk[0].hb == hb)
			continue;	/* both keys in one bucket: one lock */
		r->th = th;
		r->hb = hb;
		r->keyfp = key_fp(&key);
		o->nlocks++;
	}
	if (o->nlocks == 2 && lockreq_cmp(&o->lk[0], &o->lk[1]) > 0) {
		struct des_lockreq tmp = o->lk[0];

		o->lk[0] = o->lk[1];
		o->lk[1] = tmp;
	}
	th->phase = PH_LOCK;
	des_run_at(des, th, des->now + cost);
}

/* the chain as the op finds it when it holds the lock (docs/metrics.md) */
static void chain_facts(struct fx_des *des, struct des_thread *th,
			struct fx_op_fact *f)
{
	struct des_opctx *o = opctx(des, th);
	struct fx_mm *mm = fx_task_mm(th->pub.task);

	for (unsigned i = 0; i < o->nlocks && !f->xproc; i++) {
		struct fx_q *q;

		plist_for_each_entry(q, &o->lk[i].hb->chain, list) {
			if (key_fp(&q->key) == o->lk[i].keyfp)
				continue;
			f->collided = true;
			if (q->task->mm != mm)
				f->xproc = true;
			/* with one process there is nothing more to learn */
			if (f->xproc || des->nprocs == 1)
				break;
		}
	}
}

static void op_exec(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = opctx(des, th);
	struct fx_op_fact f = { 0 };
	struct fx_result *res = &o->res;
	unsigned node = th_node(des, th);
	fx_ps hold = o->extra;

	chain_facts(des, th, &f);
	if (th->resuming)
		o->status = fx_task_resume(th->pub.task, res);
	else
		o->status = fx_syscall(th->pub.task, o->act.nr, o->act.a, res);
	if (o->status < 0) {
		des_fail(des, o->status, "thread %d: the core refused the call (%d)",
			 th->pub.tid, o->status);
		return;
	}
	if (des->cfg.check && fx_core_check(des->core)) {
		des_fail(des, -EIO, "invariant violated after a call of thread %d: %s",
			 th->pub.tid, fx_core_errmsg(des->core));
		return;
	}
	if (res->nwoken > o->woken_cap) {
		unsigned cap = res->nwoken * 2;
		struct fx_task **w = realloc(o->woken, cap * sizeof(*w));

		if (!w) {
			des_fail(des, -ENOMEM, "out of memory for wakeups");
			return;
		}
		o->woken = w;
		o->woken_cap = cap;
	}
	o->nwoken = res->nwoken;
	if (res->nwoken)
		memcpy(o->woken, res->woken, res->nwoken * sizeof(*o->woken));

	if (!th->resuming) {
		f.nbuckets = res->nbuckets;
		f.walked = res->walked;
		f.foreign = res->foreign;
		for (unsigned b = 0; b < res->nbuckets; b++)
			f.remote += ((const struct fx_hb *)res->bucket[b])->node !=
				    (int)node;
		if (!f.nbuckets)
			f.collided = f.xproc = false;
		fx_opstats_add(&des->res.opstats, &f);
	}

	/* what holding the lock(s) costs */
	if (o->uaddr && o->nlocks)
		hold += des_line_access(des, o->space, o->uaddr, th->pub.cpu,
					o->uwrite);
	if (res->walked) {
		int bnode = o->nlocks ? o->lk[0].hb->node : (int)node;

		hold += (fx_ps)res->walked *
			des_cost(des, bnode == (int)node ?
				 FX_COST_chain_step_local :
				 FX_COST_chain_step_remote);
	}
	if (o->status == FX_SLEEPING && o->nlocks)
		hold += des_cost(des, FX_COST_queue_waiter);
	hold += (fx_ps)(res->nwoken + res->nrequeued) *
		des_cost(des, FX_COST_wake_mark);
	if (des->bucket_lines > 1)
		for (unsigned i = 0; i < o->nlocks; i++)
			hold += des_cacheline(des, &o->lk[i].hb->sim.owner[1],
					      &o->lk[i].hb->sim.reader[1],
					      o->lk[i].hb->node, th->pub.cpu,
					      true);
	th->phase = PH_UNLOCK;
	des_run_at(des, th, des->now + hold);
}

static void op_lock(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = opctx(des, th);
	fx_ps t = 0;

	if (o->wake_check && o->nlocks) {
		struct fx_hb *hb = o->lk[0].hb;
		unsigned line = des->bucket_lines > 1;

		o->wake_check = false;
		/* futex_hb_waiters_pending(): read the count, lock-free */
		t = des_cacheline(des, &hb->sim.owner[line],
				  &hb->sim.reader[line], hb->node,
				  th->pub.cpu, false);
		if (!hb->waiters) {
			/* nothing to wake: the call returns now, unlocked
			 * (the core finds the same empty bucket) */
			o->nlocks = 0;
			o->extra = t;
			th->phase = PH_EXEC;
			op_exec(des, th);
			return;
		}
		if (t) {
			des_run_at(des, th, des->now + t);
			return;
		}
	}
	while (o->lock_next < o->nlocks) {
		struct des_lockreq *r = &o->lk[o->lock_next++];

		t = lock_request(des, r);
		if (t == FX_PS_NONE) {
			th->state = TH_SPIN;
			return;
		}
		if (t) {
			des_run_at(des, th, des->now + t);
			return;
		}
	}
	th->phase = PH_EXEC;
	op_exec(des, th);
}

static void op_unlock(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = opctx(des, th);
	fx_ps t = des->now;
	unsigned cpu = th->pub.cpu;

	for (unsigned i = o->nlocks; i-- > 0; )
		lock_release(des, &o->lk[i]);
	o->nlocks = 0;
	if (o->status == FX_SLEEPING) {
		struct fx_timer *tm = &o->res.timer;

		th->state = TH_BLOCKED;
		th->blocked_since = des->now;
		th->wake_stamp = 0;
		th->timed = false;
		if (tm->kind != FX_TIMER_NONE) {
			fx_ps at = tm->kind == FX_TIMER_REL_MONO ?
				   des->now + (fx_ps)tm->ns * FX_PS_PER_NS :
				   (fx_ps)tm->ns * FX_PS_PER_NS;

			at += des_cost(des, FX_COST_timer_arm);
			if (tm->slack)
				at += des_slack(des, th);
			if (at < des->now)
				at = des->now;
			if (des_evq_push(&des->evq, at, th, EV_TIMER, ++th->tgen))
				des_fail(des, -ENOMEM, "out of memory for events");
		}
		des_sched_release(des, th);
		if (th->on_block)
			th->on_block(&th->pub);
		return;
	}
	for (unsigned i = 0; i < o->nwoken; i++) {
		struct des_thread *w = des->by_tid[fx_task_tid(o->woken[i])];

		t += des_cost(des, FX_COST_wake_up);
		if (!w || w->state != TH_BLOCKED)
			continue;	/* not one of ours, or already placed */
		w->tgen++;		/* its timer, if any, is moot now */
		w->wake_stamp = th->sys_entry;
		w->waker_cpu = th->pub.cpu;
		des_sched_wakeup(des, w, cpu, true, t);
	}
	th->pub.ret = o->res.ret;
	if (o->private_hash && des->refcount == FX_REF_ATOMIC)
		t += ref_cost(des, th);
	else if (o->private_hash)
		t += des_cost(des, FX_COST_ref_percpu);
	th->phase = PH_USER;
	des_run_at(des, th, t + des_cost(des, FX_COST_syscall_exit));
}

/* a woken thread has its CPU again: retake a PI lock, then resume */
static void op_resume(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = opctx(des, th);

	th->resuming = true;
	o->nlocks = o->lock_next = 0;
	o->extra = 0;
	o->wake_check = false;
	o->private_hash = false;
	o->uaddr = 0;
	if (th->resume_lock) {
		struct op_addr oa = { th->resume_uaddr, th->resume_flags };
		struct fx_hash_info info;
		union fx_key key;
		struct fx_hb *hb;

		key_cost(des, th, &oa, &hb, &info, &key);
		if (hb) {
			o->lk[0].th = th;
			o->lk[0].hb = hb;
			o->lk[0].keyfp = key_fp(&key);
			o->nlocks = 1;
		}
	}
	th->phase = PH_LOCK;
	op_lock(des, th);
}

void des_op_continue(struct fx_des *des, struct des_thread *th)
{
	switch (th->phase) {
	case PH_LOCK:
		op_lock(des, th);
		break;
	case PH_EXEC:
		op_exec(des, th);
		break;
	case PH_UNLOCK:
		op_unlock(des, th);
		break;
	case PH_RESUME:
		op_resume(des, th);
		break;
	case PH_EXIT:
		des_op_exit(des, th);
		break;
	case PH_USER:
		des_user(des, th);
		break;
	case PH_PREEMPT:
		des_sched_preempt(des, th);
		break;
	case PH_REST:
		th->phase = PH_USER;
		des_run_at(des, th, des->now + th->rest);
		break;
	case PH_UNPARKED:
		th->phase = PH_USER;
		des_user(des, th);
		break;
	case PH_SLEPT:
		th->pub.ret = 0;
		th->phase = PH_USER;
		des_run_at(des, th, des->now +
			   des_cost(des, FX_COST_syscall_exit));
		break;
	}
}

/* des_op_exit - the thread exits: robust list and clear_child_tid wakes */
int des_op_exit(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = opctx(des, th);
	struct fx_result *res = &o->res;
	fx_ps t = des->now;
	int rc = fx_task_exit(th->pub.task, res);

	if (rc < 0) {
		des_fail(des, rc, "thread %d: exit refused (%d)", th->pub.tid,
			 rc);
		return rc;
	}
	for (unsigned i = 0; i < res->nwoken; i++) {
		struct des_thread *w = des->by_tid[fx_task_tid(res->woken[i])];

		t += des_cost(des, FX_COST_wake_up);
		if (!w || w->state != TH_BLOCKED)
			continue;
		w->tgen++;
		w->wake_stamp = th->sys_entry;
		w->waker_cpu = th->pub.cpu;
		des_sched_wakeup(des, w, th->pub.cpu, true, t);
	}
	th->state = TH_DEAD;
	des->nlive--;
	des_sched_release(des, th);
	return 0;
}

/* des_op_name - "FUTEX_WAIT(0x1000)" style name of @th's blocked call */
const char *des_op_name(const struct des_thread *th, char *buf, size_t len)
{
	static const char *const cmds[] = {
		"WAIT", "WAKE", "FD", "REQUEUE", "CMP_REQUEUE", "WAKE_OP",
		"LOCK_PI", "UNLOCK_PI", "TRYLOCK_PI", "WAIT_BITSET",
		"WAKE_BITSET", "WAIT_REQUEUE_PI", "CMP_REQUEUE_PI", "LOCK_PI2",
	};
	const struct fx_task *t = th->pub.task;
	const char *name = "?";

	switch (t->sys_nr) {
	case FX_SYS_FUTEX: {
		unsigned cmd = (unsigned)t->args[1] & FX_CMD_MASK;

		if (cmd < sizeof(cmds) / sizeof(cmds[0]))
			snprintf(buf, len, "futex(0x%llx, FUTEX_%s%s, %llu)",
				 (unsigned long long)t->args[0], cmds[cmd],
				 (t->args[1] & FX_PRIVATE_FLAG) ? "_PRIVATE" : "",
				 (unsigned long long)t->args[2]);
		else
			snprintf(buf, len, "futex(0x%llx, op %u)",
				 (unsigned long long)t->args[0], cmd);
		return buf;
	}
	case FX_SYS_FUTEX_WAITV: name = "futex_waitv"; break;
	case FX_SYS_FUTEX_WAIT: name = "futex_wait"; break;
	case FX_SYS_FUTEX_WAKE: name = "futex_wake"; break;
	case FX_SYS_FUTEX_REQUEUE: name = "futex_requeue"; break;
	}
	snprintf(buf, len, "%s(0x%llx, ...)", name,
		 (unsigned long long)t->args[0]);
	return buf;
}
