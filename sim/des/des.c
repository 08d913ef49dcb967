// SPDX-License-Identifier: MIT
/*
 * des.c - simulations: creation, processes, memory, threads, the actions
 * of user space, the run loop, results and the deadlock report.
 *
 * The run loop pops the earliest event, sets the clock to its time and
 * hands it to its thread: EV_START puts a new thread on a CPU, EV_RUN
 * continues the thread's current phase (a user-space action, or a step
 * of the op pipeline in op.c), EV_TIMER fires a futex timeout.  An event
 * of a thread carries the thread's generation when it was scheduled; a
 * timer whose wait already ended is recognised as stale and dropped.
 *
 * The run ends at end_ns, when every thread has exited, or when the queue
 * is empty: then any thread still blocked waits for something that can
 * no longer happen, and unless it was declared a daemon that is reported
 * as a deadlock (-EDEADLK, fx_des_deadlock_report()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "des_int.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "lib/rand.h"

#define DES_HEAP_BASE	0x10000000ull		/* private heap of a process */
#define DES_HEAP_LEN	(1ull << 30)
#define DES_SHARED_BASE	0x500000000000ull	/* shared mappings */

void des_fail(struct fx_des *des, int err, const char *fmt, ...)
{
	va_list ap;

	if (des->err)
		return;
	des->err = err;
	va_start(ap, fmt);
	vsnprintf(des->errmsg, sizeof(des->errmsg), fmt, ap);
	va_end(ap);
}

const char *fx_des_errmsg(const struct fx_des *des)
{
	return des->errmsg;
}

int fx_des_status(const struct fx_des *des)
{
	return des->err;
}

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---- */

uint64_t fx_des_rand(struct fx_des *des)
{
	return fx_xoshiro_next(des->rng);
}

/* ---- creation ---- */

struct fx_des *fx_des_new(const struct fx_des_config *cfg)
{
	struct fx_des *des;
	struct fx_core_config cc;

	if (!cfg->topo || !cfg->cost || !cfg->topo->ncpus) {
		errno = EINVAL;
		return NULL;
	}
	des = calloc(1, sizeof(*des));
	if (!des)
		return NULL;
	des->cfg = *cfg;
	des->topo = cfg->topo;
	des->cost = cfg->cost;
	des->ncpus = cfg->topo->ncpus;
	des->cpu_node = cfg->topo->cpu_node;
	des->end = cfg->end_ns * FX_PS_PER_NS;
	des->next_tid = 100;
	cc = cfg->core;
	cc.ncpus = des->ncpus;
	cc.nnodes = cfg->topo->nnodes;
	cc.cpu_node = cfg->topo->cpu_node;
	des->core = fx_core_new(&cc);
	des->cpus = calloc(des->ncpus, sizeof(*des->cpus));
	des->wake_pair = calloc((size_t)cfg->topo->nnodes * cfg->topo->nnodes,
				sizeof(*des->wake_pair));
	if (!des->core || !des->cpus || !des->wake_pair || des_evq_init(&des->evq) ||
	    des_lines_init(&des->lines)) {
		int e = errno ? errno : ENOMEM;

		fx_des_free(des);
		errno = e;
		return NULL;
	}
	des_sched_init(des);
	fx_xoshiro_seed(des->rng, cfg->seed);
	des->hash_ps = fx_cost_hash(des->cost, des->core->hasher->name);
	des->refcount = cc.refcount;
	des->bucket_lines = cc.bucket_lines ? cc.bucket_lines : 1;
	des->shared_brk = DES_SHARED_BASE;
	fx_qhist_init(&des->res.wake_lat);
	fx_qhist_init(&des->res.lock_wait);
	fx_opstats_init(&des->res.opstats);
	return des;
}

void fx_des_free(struct fx_des *des)
{
	if (!des)
		return;
	for (unsigned i = 0; i < des->nthreads; i++)
		free(des->threads[i]);
	for (unsigned i = 0; i < des->nprocs; i++)
		free(des->procs[i]);
	for (unsigned i = 0; des->cpus && i < des->ncpus; i++)
		free(des->cpus[i].op.woken);
	for (unsigned i = 0; des->wake_pair &&
	     i < des->topo->nnodes * des->topo->nnodes; i++)
		free(des->wake_pair[i]);
	free(des->wake_pair);
	free(des->threads);
	free(des->by_tid);
	free(des->procs);
	free(des->cpus);
	des_evq_fini(&des->evq);
	des_lines_fini(&des->lines);
	fx_core_free(des->core);
	free(des);
}

struct fx_core *fx_des_core(struct fx_des *des)
{
	return des->core;
}

const struct fx_topo *fx_des_topo(const struct fx_des *des)
{
	return des->topo;
}

unsigned fx_des_nthreads(const struct fx_des *des)
{
	return des->nthreads;
}

uint64_t fx_des_now(const struct fx_des *des)
{
	return des->now / FX_PS_PER_NS;
}

/* ---- processes and memory ---- */

static int grow(void **arr, unsigned *cap, unsigned need, size_t size)
{
	void *p;
	unsigned n = *cap ? *cap : 16;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * size);
	if (!p)
		return -ENOMEM;
	memset((char *)p + *cap * size, 0, (n - *cap) * size);
	*arr = p;
	*cap = n;
	return 0;
}

static int tid_slot(struct fx_des *des, int tid)
{
	return grow((void **)&des->by_tid, &des->tid_cap, (unsigned)tid + 1,
		    sizeof(*des->by_tid));
}

struct fx_des_proc *fx_des_proc_new(struct fx_des *des)
{
	struct fx_des_proc *p;
	struct fx_task *t;

	if (grow((void **)&des->procs, &des->procs_cap, des->nprocs + 1,
		 sizeof(*des->procs)) || tid_slot(des, des->next_tid)) {
		errno = ENOMEM;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	t = fx_mm_new(des->core, des->next_tid);
	if (!t || fx_mmap(fx_task_mm(t), DES_HEAP_BASE, DES_HEAP_LEN,
			  FX_PROT_READ | FX_PROT_WRITE,
			  FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0)) {
		free(p);
		errno = errno ? errno : ENOMEM;
		return NULL;
	}
	p->des = des;
	p->leader = t;
	p->pid = des->next_tid++;
	p->brk = DES_HEAP_BASE;
	p->heap_end = DES_HEAP_BASE + DES_HEAP_LEN;
	p->idx = des->nprocs;
	des->procs[des->nprocs++] = p;
	return p;
}

int fx_des_proc_pid(const struct fx_des_proc *p)
{
	return p->pid;
}

uint64_t fx_des_alloc(struct fx_des_proc *p, uint64_t size, uint64_t align)
{
	uint64_t a;

	if (!align || (align & (align - 1)))
		return 0;
	a = (p->brk + align - 1) & ~(align - 1);
	if (a + size > p->heap_end || a + size < a)
		return 0;
	p->brk = a + size;
	return a;
}

int fx_des_map_shared(struct fx_des_proc **procs, unsigned nprocs,
		      uint64_t addr, uint64_t len)
{
	if (!nprocs || !len || (addr | len) & 4095)
		return -EINVAL;
	if (fx_mmap(fx_task_mm(procs[0]->leader), addr, len,
		    FX_PROT_READ | FX_PROT_WRITE, FX_MAP_SHARED | FX_MAP_ANON,
		    NULL, 0))
		return -ENOMEM;
	for (unsigned i = 1; i < nprocs; i++)
		if (fx_mmap_share(fx_task_mm(procs[i]->leader), addr,
				  fx_task_mm(procs[0]->leader), addr, len,
				  FX_PROT_READ | FX_PROT_WRITE))
			return -ENOMEM;
	return 0;
}

uint64_t fx_des_alloc_shared(struct fx_des_proc **procs, unsigned nprocs,
			     uint64_t size)
{
	struct fx_des *des;
	uint64_t addr, len = (size + 4095) & ~4095ull;
	int rc;

	if (!nprocs || !size) {
		errno = EINVAL;
		return 0;
	}
	des = procs[0]->des;
	addr = des->shared_brk;
	rc = fx_des_map_shared(procs, nprocs, addr, len);
	if (rc) {
		errno = -rc;
		return 0;
	}
	des->shared_brk = addr + len + 4096;	/* a guard page apart */
	return addr;
}

/* des_space - the address space a user address belongs to (line.c) */
uint64_t des_space(const struct des_thread *th, uint64_t addr)
{
	return addr >= DES_SHARED_BASE ? 0 : (uint64_t)th->pub.proc->pid;
}

/* ---- threads ---- */

struct fx_des_thread *fx_des_thread_new(struct fx_des_proc *p,
					fx_des_step_fn step, void *priv,
					int cpu, uint64_t start_ns)
{
	struct fx_des *des = p->des;
	struct des_thread *th;
	struct fx_task *t;
	int tid;

	if (cpu != FX_DES_ANY_CPU && (cpu < 0 || (unsigned)cpu >= des->ncpus)) {
		errno = EINVAL;
		return NULL;
	}
	if (grow((void **)&des->threads, &des->threads_cap, des->nthreads + 1,
		 sizeof(*des->threads))) {
		errno = ENOMEM;
		return NULL;
	}
	if (p->leader_used) {
		tid = des->next_tid;
		if (tid_slot(des, tid)) {
			errno = ENOMEM;
			return NULL;
		}
		t = fx_task_clone(p->leader, tid,
				  FX_CLONE_VM | FX_CLONE_THREAD, 0);
		if (!t)
			return NULL;
		des->next_tid++;
	} else {
		t = p->leader;
		tid = p->pid;
		p->leader_used = true;
		p->home = des->cpu_node[cpu >= 0 ? (unsigned)cpu :
					des->nthreads % des->ncpus];
	}
	th = calloc(1, sizeof(*th));
	if (!th)
		return NULL;
	th->pub.des = des;
	th->pub.proc = p;
	th->pub.task = t;
	th->pub.tid = tid;
	th->pub.idx = des->nthreads;
	th->pub.priv = priv;
	th->pub.scratch = fx_des_alloc(p, 256, 64);
	th->step = step;
	th->pin = cpu;
	th->state = TH_NEW;
	list_init(&th->rq_node);
	th->pub.cpu = cpu >= 0 ? (unsigned)cpu : th->pub.idx % des->ncpus;
	fx_task_set_cpu(t, th->pub.cpu);
	des->threads[des->nthreads++] = th;
	des->by_tid[tid] = th;
	des->nlive++;
	if (des_evq_push(&des->evq, start_ns * FX_PS_PER_NS, th, EV_START, 0)) {
		errno = ENOMEM;
		return NULL;
	}
	return &th->pub;
}

int fx_des_thread_sched(struct fx_des_thread *th, int policy, int rt_prio)
{
	return fx_task_setsched(th->task, policy, rt_prio);
}

void fx_des_thread_daemon(struct fx_des_thread *th)
{
	des_th(th)->daemon = true;
}

void fx_des_count_ops(struct fx_des_thread *th, uint64_t n)
{
	des_th(th)->ops += n;
	th->des->res.ops += n;
}

void fx_des_value(struct fx_des *des, const char *name, double v)
{
	struct fx_des_results *r = &des->res;
	unsigned i;

	for (i = 0; i < r->nvalues; i++)
		if (!strcmp(r->value_name[i], name))
			break;
	if (i == FX_DES_MAX_VALUES) {
		des_fail(des, -ENOSPC, "workload value '%s': more than %d result columns",
			 name, FX_DES_MAX_VALUES);
		return;
	}
	if (i == r->nvalues) {
		r->value_name[i] = name;
		r->nvalues++;
	}
	r->value[i] = v;
}

/* ---- user space ---- */

static int do_atomic(struct des_thread *th, const struct fx_des_act *a)
{
	struct fx_mm *mm = fx_task_mm(th->pub.task);
	uint32_t old, nv;
	int rc;

	if (a->uop == FX_UA_CMPXCHG) {
		rc = fx_uaccess_cmpxchg32(mm, a->addr, a->x, a->y, &old);
		th->pub.uval = old;
		return rc;
	}
	rc = fx_uaccess_get32(mm, a->addr, &old);
	if (rc)
		return rc;
	th->pub.uval = old;
	switch (a->uop) {
	case FX_UA_LOAD:
		return 0;
	case FX_UA_STORE:
	case FX_UA_XCHG:
		nv = a->x;
		break;
	case FX_UA_ADD:
		nv = old + a->x;
		break;
	case FX_UA_OR:
		nv = old | a->x;
		break;
	case FX_UA_AND:
		nv = old & a->x;
		break;
	default:
		return -EINVAL;
	}
	return fx_uaccess_put32(mm, a->addr, nv);
}

/* wake_pair_add - a wakeup's latency, by (waker node, wakee node) */
static void wake_pair_add(struct fx_des *des, struct des_thread *th,
			  uint64_t ns)
{
	unsigned nn = des->topo->nnodes;
	unsigned i = (unsigned)des->cpu_node[th->waker_cpu] * nn +
		     (unsigned)des->cpu_node[th->pub.cpu];

	if (!des->wake_pair[i]) {
		des->wake_pair[i] = malloc(sizeof(struct fx_qhist));
		if (!des->wake_pair[i]) {
			des_fail(des, -ENOMEM, "out of memory for the node-pair latencies");
			return;
		}
		fx_qhist_init(des->wake_pair[i]);
	}
	fx_qhist_add(des->wake_pair[i], ns);
}

const struct fx_qhist *fx_des_wake_pair(const struct fx_des *des,
					unsigned waker_node,
					unsigned wakee_node)
{
	unsigned nn = des->topo->nnodes;

	if (waker_node >= nn || wakee_node >= nn)
		return NULL;
	return des->wake_pair[waker_node * nn + wakee_node];
}

/*
 * des_user - @th is in user space: account a finished wakeup, let the
 * scheduler preempt, then run the step function and start its action.
 */
void des_user(struct fx_des *des, struct des_thread *th)
{
	struct des_opctx *o = &des->cpus[th->pub.cpu].op;
	struct fx_des_act *a = &o->act;
	fx_ps cost;
	int rc;

	if (th->wake_stamp) {
		uint64_t ns = (des->now - th->wake_stamp) / FX_PS_PER_NS;

		fx_qhist_add(&des->res.wake_lat, ns);
		wake_pair_add(des, th, ns);
		des->res.wakeups++;
		th->wake_stamp = 0;
	}
	if (des_sched_boundary(des, th))
		return;
	memset(a, 0, sizeof(*a));
	a->kind = FX_ACT_EXIT;
	th->step(&th->pub, a);
	switch (a->kind) {
	case FX_ACT_SYSCALL:
		if (a->nr < 0 || a->nr >= FX_SYS_NR) {
			des_fail(des, -ENOSYS, "thread %d: unknown system call %d",
				 th->pub.tid, a->nr);
			return;
		}
		des_op_begin(des, th);
		return;
	case FX_ACT_ATOMIC:
		rc = do_atomic(th, a);
		if (rc) {
			des_fail(des, rc, "thread %d: user atomic at 0x%" PRIx64 " faulted (%d)",
				 th->pub.tid, a->addr, rc);
			return;
		}
		cost = des_cost(des, FX_COST_uatomic) +
		       des_line_access(des, des_space(th, a->addr), a->addr,
				       th->pub.cpu, a->uop != FX_UA_LOAD);
		des_run_at(des, th, des->now + cost);
		return;
	case FX_ACT_THINK:
		des_run_at(des, th, des->now + a->ns * FX_PS_PER_NS);
		return;
	case FX_ACT_SLEEP:
		th->sys_entry = des->now;
		des->res.syscalls++;
		th->state = TH_BLOCKED;
		th->nanosleep = true;
		th->blocked_since = des->now;
		if (des_evq_push(&des->evq, des->now +
				 des_cost(des, FX_COST_syscall_entry) +
				 des_cost(des, FX_COST_timer_arm) +
				 a->ns * FX_PS_PER_NS + des_slack(des, th),
				 th, EV_TIMER, ++th->tgen))
			des_fail(des, -ENOMEM, "out of memory for events");
		des_sched_release(des, th);
		return;
	case FX_ACT_PARK:
		th->state = TH_BLOCKED;
		th->parked = true;
		th->blocked_since = des->now;
		++th->tgen;
		if (a->ns != FX_DES_FOREVER &&
		    des_evq_push(&des->evq, des->now + a->ns * FX_PS_PER_NS,
				 th, EV_TIMER, th->tgen))
			des_fail(des, -ENOMEM, "out of memory for events");
		des_sched_release(des, th);
		return;
	case FX_ACT_EXIT:
		th->sys_entry = des->now;
		th->phase = PH_EXIT;
		des_run_at(des, th, des->now +
			   des_cost(des, FX_COST_syscall_entry));
		return;
	}
	des_fail(des, -EINVAL, "thread %d: unknown action %d", th->pub.tid,
		 (int)a->kind);
}

/* ---- the run loop ---- */

/* unpark - @th leaves FX_ACT_PARK with @ret */
static void unpark(struct fx_des *des, struct des_thread *th, long ret)
{
	th->parked = false;
	th->tgen++;
	th->pub.ret = ret;
	des_sched_wakeup(des, th, th->pub.cpu, false, des->now);
	th->phase = PH_UNPARKED;
}

int fx_des_thread_unpark(struct fx_des_thread *p)
{
	struct des_thread *th = des_th(p);

	if (th->state != TH_BLOCKED || !th->parked)
		return 0;
	unpark(p->des, th, 0);
	return 1;
}

void fx_des_thread_on_block(struct fx_des_thread *th, fx_des_block_fn fn)
{
	des_th(th)->on_block = fn;
}

static void on_timer(struct fx_des *des, struct des_thread *th)
{
	if (th->state != TH_BLOCKED)
		return;
	if (th->parked) {
		unpark(des, th, -ETIMEDOUT);
		return;
	}
	if (th->nanosleep) {
		th->nanosleep = false;
		des_sched_wakeup(des, th, th->pub.cpu, false, des->now);
		th->phase = PH_SLEPT;
		return;
	}
	if (fx_task_timeout(th->pub.task) != 1)
		return;
	des->res.timeouts++;
	th->timed = true;
	th->wake_stamp = 0;
	des_sched_wakeup(des, th, th->pub.cpu, false, des->now);
}

static void progress(struct fx_des *des)
{
	if (des->end)
		fprintf(stderr, "\rsimulated %.3f of %.3f ms, %" PRIu64 " events  ",
			(double)des->now / 1e9, (double)des->end / 1e9,
			des->res.events);
	else
		fprintf(stderr, "\rsimulated %.3f ms, %" PRIu64 " events, %u threads live  ",
			(double)des->now / 1e9, des->res.events, des->nlive);
}

static unsigned stuck_threads(const struct fx_des *des)
{
	unsigned n = 0;

	for (unsigned i = 0; i < des->nthreads; i++) {
		const struct des_thread *th = des->threads[i];

		if (th->state != TH_DEAD && !th->daemon)
			n++;
	}
	return n;
}

int fx_des_run(struct fx_des *des)
{
	struct des_ev ev;
	bool tty = des->cfg.progress && isatty(2);
	int rc = 0;

	while (des_evq_pop(&des->evq, &ev)) {
		struct des_thread *th = ev.th;

		if (des->end && ev.t > des->end) {
			des->now = des->end;
			break;
		}
		des->now = ev.t;
		des->res.events++;
		switch (ev.kind) {
		case EV_START:
			des_sched_start(des, th);
			break;
		case EV_RUN:
			if (ev.gen == th->gen && th->state == TH_RUNNING)
				des_op_continue(des, th);
			break;
		case EV_TIMER:
			if (ev.gen == th->tgen)
				on_timer(des, th);
			break;
		}
		if (des->err)
			return des->err;
		if (des->cfg.max_events && des->res.events >= des->cfg.max_events) {
			snprintf(des->errmsg, sizeof(des->errmsg),
				 "stopped after %" PRIu64 " events (the limit)",
				 des->res.events);
			return -E2BIG;
		}
		if (tty && des->res.events >= des->next_progress) {
			des->next_progress = des->res.events + (1u << 20);
			progress(des);
		}
	}
	if (tty)
		fputs("\r\033[K", stderr);
	if (des->end && des->now < des->end && !stuck_threads(des))
		des->now = des->end;
	if (des_evq_empty(&des->evq) && stuck_threads(des) &&
	    (!des->end || des->now < des->end)) {
		snprintf(des->errmsg, sizeof(des->errmsg),
			 "deadlock: %u thread(s) blocked at %.3f ms with nothing left to wake them",
			 stuck_threads(des), (double)des->now / 1e9);
		rc = -EDEADLK;
	}
	return rc;
}

void fx_des_deadlock_report(struct fx_des *des, FILE *out)
{
	char buf[128];

	fprintf(out, "at %.6f ms simulated:\n", (double)des->now / 1e9);
	for (unsigned i = 0; i < des->nthreads; i++) {
		struct des_thread *th = des->threads[i];
		struct fx_hash_info info;
		int w;

		if (th->state == TH_DEAD)
			continue;
		if (th->state != TH_BLOCKED) {
			fprintf(out, "  thread %d (pid %d, cpu %u): %s\n",
				th->pub.tid, th->pub.proc->pid, th->pub.cpu,
				th->state == TH_SPIN ? "spinning on a bucket lock" :
				th->state == TH_READY ? "ready" : "running");
			continue;
		}
		if (th->nanosleep || th->parked) {
			fprintf(out, "  thread %d (pid %d, cpu %u)%s: %s since %.6f ms\n",
				th->pub.tid, th->pub.proc->pid, th->pub.cpu,
				th->daemon ? " [daemon]" : "",
				th->nanosleep ? "in nanosleep()" :
				"parked by its workload",
				(double)th->blocked_since / 1e9);
			continue;
		}
		des_op_name(th, buf, sizeof(buf));
		w = fx_futex_locate(th->pub.task, th->pub.task->args[0],
				    (th->pub.task->args[1] & FX_PRIVATE_FLAG) ?
				    FX2_PRIVATE : 0, &info);
		fprintf(out, "  thread %d (pid %d, cpu %u)%s: blocked in %s since %.6f ms",
			th->pub.tid, th->pub.proc->pid, th->pub.cpu,
			th->daemon ? " [daemon]" : "", buf,
			(double)th->blocked_since / 1e9);
		if (!w)
			fprintf(out, ", bucket %u of table %d (%d waiter(s) on this futex)",
				info.bucket, info.table,
				fx_futex_waiters(th->pub.task,
						 th->pub.task->args[0],
						 (th->pub.task->args[1] &
						  FX_PRIVATE_FLAG) ?
						 FX2_PRIVATE : 0));
		fputc('\n', out);
	}
}

const struct fx_des_results *fx_des_results(const struct fx_des *des)
{
	struct fx_des_results *r = (struct fx_des_results *)&des->res;

	r->sim_ns = des->now / FX_PS_PER_NS;
	r->throughput = r->sim_ns ? (double)r->ops * 1e9 / (double)r->sim_ns :
				    0.0;
	r->lock_wait_ns = des->lock_wait_ps / FX_PS_PER_NS;
	r->lock_wait_own_ns = des->lock_own_ps / FX_PS_PER_NS;
	r->lock_wait_foreign_ns = des->lock_foreign_ps / FX_PS_PER_NS;
	return r;
}
