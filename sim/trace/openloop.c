// SPDX-License-Identifier: MIT
/*
 * openloop.c - open-loop replay of a trace on the futex core (openloop.h,
 * docs/trace-replay.md).
 *
 * Per record: first every blocked wait whose traced return time has come
 * returns (a min-heap of (time, sequence) "wait ends"); then the record's
 * call is replayed.  Facts follow sim/stats.h and cmd_collide.c: the
 * collision flags come from the chain of each bucket the op locks, as it
 * is when the op takes the lock; walked, foreign and nbuckets from the
 * core's struct fx_result.  The fast path (waits that did not block,
 * wakes of a bucket without waiters) finds the key and bucket through a
 * direct-mapped cache of (mm, address, flags) -> (key, bucket), flushed
 * whenever a thread or a mapping is added (a new thread may resize the
 * process-private hash).
 *
 * PI calls, futex_waitv and futex2 requeue go through the core like the
 * rest; since the trace has no user-space atomics, the futex word is set
 * before each call to what makes the core do what the trace shows (a
 * blocked PI lock finds the lock owned, by a per-process placeholder task
 * when the core has no owner: placeholder()).  Copies (cfg.copies) are
 * the same records with remapped ids (copy_of()), fed one after the other
 * for each record.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cli/cli.h"
#include "futex_int.h"
#include "stats.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "lib/kmap.h"
#include "trace/openloop.h"
#include "trace/tstats.h"

#define CHUNK		(2ull << 20)	/* lazy mappings: 2 MiB, aligned */
#define PAGE		4096ull
#define KC_BITS		13
#define KC_SIZE		(1u << KC_BITS)
#define KC_ALIGN	(2u << 20)

/* ---- three-word keys with an optional value (sim/lib/kmap.h) ---- */

/*
 * kset_get - the value of (a, b, c); when absent and @val is not
 * UINT32_MAX, insert it with @val.  Return: value, UINT32_MAX (absent, or
 * out of memory: *nomem).
 */
static inline uint32_t kset_get(struct fx_kmap *s, uint64_t a, uint64_t b,
				uint64_t c, uint32_t val, bool *nomem)
{
	uint32_t v = UINT32_MAX;

	if (val == UINT32_MAX)
		return fx_kmap_get(s, a, b, c);
	switch (fx_kmap_add(s, a, b, c, val, &v)) {
	case 1:
		return v;
	case 0:
		return UINT32_MAX;
	default:
		*nomem = true;
		return UINT32_MAX;
	}
}

/* ---- engine ---- */

struct thr {			/* one traced thread */
	struct fx_task *t;
	uint64_t wait_seq;	/* its pending wait end, 0: none (the task
				   is running exactly when this is 0) */
	uint32_t pid;		/* its process (traced pid) */
	uint16_t cpu;		/* the traced CPU last set, FX_TR_NO_CPU */
	bool timed;		/* the wait is ended by its timer, not a
				   signal (PI waits restart on a signal) */
};

struct pend {			/* a blocked wait's traced return */
	uint64_t t, seq;
	uint32_t thr;
};

struct kcent {			/* key cache entry: two ways per 64 bytes */
	const struct fx_mm *mm;
	uint64_t uaddr;
	struct fx_hb *hb;
	uint32_t gen;		/* low bits of ol->gen; 0: empty */
	uint16_t flags;
	int16_t err;
};				/* its key: ol->kkey[same index] (KEY()) */

struct tcache {			/* an ideal table's fx_loadstats terms */
	uint64_t m, n;
	struct fx_loadstats *s;
};

#define TC_SIZE		16

struct fx_openloop {
	struct fx_openloop_config cfg;
	struct fx_core *core;
	struct fx_openloop_result res;
	struct fx_kmap tids;		/* (tid, 0, 0) -> thr index */
	struct thr *thr;
	size_t nthr, thr_cap;
	struct fx_kmap chunks;		/* (mm, chunk, 0) mapped */
	struct fx_kmap keys;		/* distinct keys */
	struct fx_kmap files;		/* (inode, 0, 0) -> file index */
	struct fx_file **file;
	size_t nfile, file_cap;
	struct pend *heap;
	size_t nheap, heap_cap;
	uint64_t seq, gen, last_t, nqueued, since_sample, since_row;
	struct kcent *kc;
	union fx_key *kkey;		/* the keys of kc's entries */
	uint32_t tc_tid[KC_SIZE], tc_idx[KC_SIZE];	/* tid -> thr cache */
	struct fx_kmap owners;		/* (mm, 0, 0) -> placeholder index */
	struct fx_task **owner;
	size_t nowner, owner_cap;
	/* a futex_waitv / futex2 requeue waiting for its entries */
	struct fx_trace_rec mcall, ment[FX_WAITV_MAX];
	unsigned nment, mwant;
	bool mpending;
	struct tcache tc[TC_SIZE];	/* table_add() */
	bool started;			/* t0 is known */
	uint64_t t0, next_mark;		/* series: first time, next mark */
	char err[256];
};

static int ol_err(struct fx_openloop *ol, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ol_err(struct fx_openloop *ol, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ol->err, sizeof(ol->err), fmt, ap);
	va_end(ap);
	return ret;
}

const struct fx_openloop_result *fx_openloop_result(const struct fx_openloop *ol)
{
	return &ol->res;
}

const char *fx_openloop_errmsg(const struct fx_openloop *ol)
{
	return ol->err;
}

uint64_t fx_openloop_queued(const struct fx_openloop *ol)
{
	return ol->nqueued;
}

void fx_openloop_free(struct fx_openloop *ol)
{
	if (!ol)
		return;
	fx_core_free(ol->core);
	fx_kmap_free(&ol->tids);
	fx_kmap_free(&ol->chunks);
	fx_kmap_free(&ol->keys);
	fx_kmap_free(&ol->files);
	fx_kmap_free(&ol->owners);
	free(ol->owner);
	free(ol->res.series);
	free(ol->thr);
	free(ol->file);
	free(ol->heap);
	free(ol->kc);
	for (unsigned i = 0; i < TC_SIZE; i++)
		free(ol->tc[i].s);
	free(ol->res.ops);
	free(ol->res.load);
	free(ol);
}

int fx_openloop_new(const struct fx_openloop_config *cfg,
		    struct fx_openloop **out, char *err, size_t errlen)
{
	struct fx_openloop *ol = calloc(1, sizeof(*ol));
	struct fx_core_config cc = { 0 };

	*out = NULL;
	if (!ol)
		goto nomem;
	ol->cfg = *cfg;
	if (!ol->cfg.sample_every)
		ol->cfg.sample_every = 4096;
	ol->cfg.layout = cfg->layout ? cfg->layout : fx_layout_find("private");
	if (!ol->cfg.copies)
		ol->cfg.copies = 1;
	if (ol->cfg.copies > FX_OL_MAXCOPIES ||
	    (ol->cfg.copy_mode != FX_OL_COPY_PROCESS &&
	     ol->cfg.copy_mode != FX_OL_COPY_THREAD) ||
	    (ol->cfg.copies > 1 && ol->cfg.copy_mode == FX_OL_COPY_THREAD &&
	     (!ol->cfg.stride || ol->cfg.stride % CHUNK))) {
		snprintf(err, errlen, "%u copies (mode %d, stride %" PRIu64 "): expected 1..%d copies and, for thread copies, a stride that is a multiple of 2 MiB",
			 ol->cfg.copies, ol->cfg.copy_mode, ol->cfg.stride,
			 FX_OL_MAXCOPIES);
		fx_openloop_free(ol);
		return -EINVAL;
	}
	if (cfg->knobs)
		cc = *cfg->knobs;
	cc.hasher = cfg->hasher;
	cc.layout = ol->cfg.layout;
	cc.seed = cfg->hash_seed;
	cc.ncpus = cfg->ncpus;
	cc.nnodes = cfg->nnodes;
	if (ol->cfg.layout && !ol->cfg.layout->prctl)
		cc.hash_slots = cfg->slots;
	ol->res.ops = malloc(sizeof(*ol->res.ops));
	ol->res.load = malloc(sizeof(*ol->res.load));
	/* the key cache and its keys in one 2 MiB-aligned block, on a huge
	 * page where the kernel gives one (the lookups are random) */
	ol->kc = aligned_alloc(KC_ALIGN, KC_ALIGN);
	if (ol->kc) {
		madvise(ol->kc, KC_ALIGN, MADV_HUGEPAGE);
		memset(ol->kc, 0, KC_SIZE * (sizeof(*ol->kc) + sizeof(*ol->kkey)));
		ol->kkey = (union fx_key *)(void *)(ol->kc + KC_SIZE);
	}
	if (!ol->res.ops || !ol->res.load || !ol->kc)
		goto nomem;
	fx_opstats_init(ol->res.ops);
	fx_loadstats_init(ol->res.load);
	ol->gen = 1;
	ol->core = fx_core_new(&cc);
	if (!ol->core) {
		snprintf(err, errlen, "layout %s with %u slots, %u CPUs, %u nodes: %s",
			 ol->cfg.layout ? ol->cfg.layout->name : "?", cfg->slots,
			 cfg->ncpus, cfg->nnodes, strerror(errno));
		fx_openloop_free(ol);
		return -EINVAL;
	}
	*out = ol;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	fx_openloop_free(ol);
	return -ENOMEM;
}

/* ---- pending wait ends ---- */

static inline bool pend_lt(const struct pend *a, const struct pend *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int heap_push(struct fx_openloop *ol, struct pend p)
{
	size_t i;

	if (ol->nheap == ol->heap_cap) {
		size_t cap = ol->heap_cap ? 2 * ol->heap_cap : 256;
		struct pend *n = realloc(ol->heap, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ol->heap = n;
		ol->heap_cap = cap;
	}
	for (i = ol->nheap++; i && pend_lt(&p, &ol->heap[(i - 1) / 2]);
	     i = (i - 1) / 2)
		ol->heap[i] = ol->heap[(i - 1) / 2];
	ol->heap[i] = p;
	return 0;
}

static struct pend heap_pop(struct fx_openloop *ol)
{
	struct pend top = ol->heap[0], last = ol->heap[--ol->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= ol->nheap)
			break;
		if (c + 1 < ol->nheap && pend_lt(&ol->heap[c + 1], &ol->heap[c]))
			c++;
		if (!pend_lt(&ol->heap[c], &last))
			break;
		ol->heap[i] = ol->heap[c];
		i = c;
	}
	if (ol->nheap)
		ol->heap[i] = last;
	return top;
}

/*
 * wait_return - the traced wait of @th returns now: resume it if a
 * replayed wake woke it, else take it off its queue with a signal.
 */
static int wait_return(struct fx_openloop *ol, struct thr *th)
{
	struct fx_task *t = th->t;
	struct fx_result res;

	th->wait_seq = 0;
	for (int tries = 0; t->state != FX_TASK_RUNNING; tries++) {
		if (tries == 4)
			return ol_err(ol, -EINVAL, "tid %d: its wait does not end (state %d)",
				      t->tid, t->state);
		if (t->state == FX_TASK_SLEEPING) {
			if ((th->timed ? fx_task_timeout(t) :
			     fx_task_signal(t, 0)) != 1)
				return ol_err(ol, -EINVAL, "tid %d: a %s did not wake it",
					      t->tid, th->timed ? "timeout" : "signal");
			ol->res.forced++;
			ol->nqueued--;
		}
		if (t->state == FX_TASK_WOKEN &&
		    fx_task_resume(t, &res) == FX_SLEEPING)
			ol->nqueued++;
	}
	return 0;
}

static int drain(struct fx_openloop *ol, uint64_t t)
{
	while (ol->nheap && ol->heap[0].t <= t) {
		struct pend p = heap_pop(ol);
		struct thr *th = &ol->thr[p.thr];
		int ret;

		if (th->wait_seq != p.seq)
			continue;	/* returned early (see get_thread) */
		ret = wait_return(ol, th);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- processes, threads, memory ---- */

/*
 * clone_thread - a new thread @tid of @mm.  The traced creator was
 * running, but which thread it was the trace may not say; fx_task_clone()
 * wants a running parent, so when every modelled thread of the process is
 * in a call, one of them is marked running for the clone (clone copies
 * only its scheduling class and CPU, never its call).
 */
static struct fx_task *clone_thread(struct fx_mm *mm, int tid,
				    unsigned long flags)
{
	struct fx_task *t, *parent = NULL, *nt;
	enum fx_task_state st;

	list_for_each_entry(t, &mm->tasks, mm_node) {
		if (t->state == FX_TASK_RUNNING) {
			parent = t;
			break;
		}
		if (!parent && (t->state == FX_TASK_SLEEPING ||
				t->state == FX_TASK_WOKEN))
			parent = t;
	}
	if (!parent)
		return NULL;
	st = parent->state;
	parent->state = FX_TASK_RUNNING;
	nt = fx_task_clone(parent, tid, flags, 0);
	parent->state = st;
	return nt;
}

/*
 * get_thread - the task of (@pid, @tid), made on first use; its previous
 * wait returns first if the model still has it in the call.
 * Return: the thread index, or -errno (-ESRCH: cannot be modelled).
 */
static long get_thread(struct fx_openloop *ol, uint32_t pid, uint32_t tid,
		       uint16_t cpu)
{
	bool nomem = false;
	uint32_t i, tc = tid & (KC_SIZE - 1);
	struct fx_task *t, *leader;
	uint64_t a[6] = { FX_PR_FUTEX_HASH, FX_PR_FUTEX_HASH_SET_SLOTS,
			  ol->cfg.slots, 0, 0, 0 };
	struct fx_result res;
	int ret;

	res.ret = 0;
	if (ol->tc_tid[tc] == tid && tid)
		i = ol->tc_idx[tc];
	else
		i = kset_get(&ol->tids, tid, 0, 0, UINT32_MAX, &nomem);
	if (nomem)
		return -ENOMEM;
	if (i != UINT32_MAX) {
		ol->tc_tid[tc] = tid;
		ol->tc_idx[tc] = i;
		struct thr *th = &ol->thr[i];

		if (th->pid != pid)
			return -ESRCH;	/* tid reused by another process */
		if (th->wait_seq && (ret = wait_return(ol, th)))
			return ret;
		goto cpu;
	}
	if (!pid || !tid || pid > FX_TID_MASK || tid > FX_TID_MASK)
		return -ESRCH;
	leader = fx_task_find(ol->core, (int)pid);
	if (!leader) {
		leader = fx_mm_new(ol->core, (int)pid);
		if (!leader)
			return -ESRCH;
		if (ol->cfg.slots && ol->cfg.layout->prctl &&
		    (fx_syscall(leader, FX_SYS_PRCTL, a, &res) != FX_DONE ||
		     res.ret))
			return ol_err(ol, -EINVAL, "layout %s: PR_FUTEX_HASH_SET_SLOTS %u failed (%ld)",
				      ol->cfg.layout->name, ol->cfg.slots, res.ret);
	} else if (leader->mm->pid != (int)pid) {
		return -ESRCH;	/* the pid is a thread of another process */
	}
	if (pid == tid) {
		t = leader;
	} else {
		if (fx_task_find(ol->core, (int)tid))
			return -ESRCH;
		t = clone_thread(leader->mm, (int)tid,
				 FX_CLONE_VM | FX_CLONE_THREAD);
		if (!t)
			return -ESRCH;
	}
	if (ol->nthr == ol->thr_cap) {
		size_t cap = ol->thr_cap ? 2 * ol->thr_cap : 64;
		struct thr *n = realloc(ol->thr, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ol->thr = n;
		ol->thr_cap = cap;
	}
	i = (uint32_t)ol->nthr++;
	ol->thr[i] = (struct thr){ .t = t, .pid = pid, .cpu = FX_TR_NO_CPU };
	kset_get(&ol->tids, tid, 0, 0, i, &nomem);
	if (nomem)
		return -ENOMEM;
	ol->gen++;		/* the private hash may have grown */
cpu:
	if (cpu != ol->thr[i].cpu) {
		ol->thr[i].cpu = cpu;
		if (cpu != FX_TR_NO_CPU)
			fx_task_set_cpu(ol->thr[i].t, cpu % ol->core->cfg.ncpus);
	}
	return i;
}

/* ensure_mapped - lazily map the memory around @uaddr, anonymous private */
static void ensure_mapped(struct fx_openloop *ol, struct fx_mm *mm,
			  uint64_t uaddr)
{
	bool nomem = false;
	uint64_t c = uaddr / CHUNK;

	if (kset_get(&ol->chunks, (uintptr_t)mm, c, 0, 0, &nomem) != UINT32_MAX ||
	    nomem)
		return;
	kset_get(&ol->chunks, (uintptr_t)mm, c, 0, 1, &nomem);
	/* a chunk may overlap a MAP record's mapping: then the page */
	if (fx_mmap(mm, c * CHUNK, CHUNK, FX_PROT_READ | FX_PROT_WRITE,
		    FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0))
		fx_mmap(mm, uaddr & ~(PAGE - 1), PAGE,
			FX_PROT_READ | FX_PROT_WRITE,
			FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0);
	ol->gen++;
}

static int do_map(struct fx_openloop *ol, const struct fx_trace_rec *rec)
{
	struct fx_file *file = NULL;
	struct fx_mm *mm;
	bool nomem = false;
	uint64_t len = (rec->val2 + PAGE - 1) & ~(PAGE - 1);
	long ti;
	int ret;

	if (!(rec->op & FX_MAP_SHARED) || !len || (rec->uaddr & (PAGE - 1)) ||
	    (rec->uaddr2 & (PAGE - 1)))
		return 0;	/* private mappings: lazily, as anonymous */
	ti = get_thread(ol, rec->pid, rec->pid, FX_TR_NO_CPU);
	if (ti == -ESRCH)
		return 0;
	if (ti < 0)
		return (int)ti;
	mm = ol->thr[ti].t->mm;
	if (rec->inode) {
		uint32_t fi = kset_get(&ol->files, rec->inode, 0, 0, UINT32_MAX,
				       &nomem);

		if (nomem)
			return -ENOMEM;
		if (fi == UINT32_MAX) {
			if (ol->nfile == ol->file_cap) {
				size_t cap = ol->file_cap ? 2 * ol->file_cap : 16;
				struct fx_file **n = realloc(ol->file, cap * sizeof(*n));

				if (!n)
					return -ENOMEM;
				ol->file = n;
				ol->file_cap = cap;
			}
			fi = (uint32_t)ol->nfile;
			ol->file[ol->nfile++] = fx_file_new(ol->core);
			if (!ol->file[fi])
				return -ENOMEM;
			kset_get(&ol->files, rec->inode, 0, 0, fi, &nomem);
		}
		file = ol->file[fi];
	}
	fx_munmap(mm, rec->uaddr, len);
	ret = fx_mmap(mm, rec->uaddr, len, FX_PROT_READ | FX_PROT_WRITE,
		      FX_MAP_SHARED | (file ? 0 : FX_MAP_ANON), file,
		      rec->uaddr2);
	ol->gen++;
	return ret == -ENOMEM ? ret : 0;
}

/* ---- keys and facts ---- */

#define KEY(ol, e)	(&(ol)->kkey[(e) - (ol)->kc])

/* kc_slot - the first way of (process, address): from the pid, which a
 * record carries, so that add_one() can prefetch it before the lookup */
static inline size_t kc_slot(uint32_t pid, uint64_t uaddr)
{
	return fx_kmap_mix(((uint64_t)pid << 48) ^
			   (uaddr * 0x9e3779b97f4a7c15ull)) & (KC_SIZE - 2);
}

static const struct kcent *key_of(struct fx_openloop *ol, struct fx_task *t,
				  uint64_t uaddr, unsigned flags)
{
	struct fx_mm *mm = t->mm;
	size_t i = kc_slot((uint32_t)mm->pid, uaddr);
	struct kcent *e = &ol->kc[i];
	uint32_t gen = (uint32_t)ol->gen;
	union fx_key *key;
	bool nomem = false;

	/* two ways in one line: the most recently filled first */
	if (e->gen == gen && e->mm == mm && e->uaddr == uaddr &&
	    e->flags == flags)
		return e;
	if (e[1].gen == gen && e[1].mm == mm && e[1].uaddr == uaddr &&
	    e[1].flags == flags)
		return e + 1;
	e[1] = e[0];
	ol->kkey[i + 1] = ol->kkey[i];
	ensure_mapped(ol, mm, uaddr);
	key = &ol->kkey[i];
	e->mm = mm;
	e->uaddr = uaddr;
	e->flags = (uint16_t)flags;
	e->gen = (uint32_t)ol->gen;
	e->err = (int16_t)fx_get_futex_key(t, uaddr, flags, key, FX_READ);
	e->hb = NULL;
	if (!e->err) {
		e->hb = fx_hash(ol->core, key, mm, NULL);
		kset_get(&ol->keys, key->both.ptr, key->both.word,
			 key->both.offset, 0, &nomem);
		ol->res.keys = ol->keys.n;
	}
	return e;
}

/* chain_fact - collision flags of a bucket chain met by @key of @mm */
static void chain_fact(const struct fx_hb *hb, const union fx_key *key,
		       const struct fx_mm *mm, struct fx_op_fact *f)
{
	struct fx_q *q;

	if (!hb->waiters)
		return;
	plist_for_each_entry(q, &hb->chain, list) {
		if (fx_key_match(&q->key, key))
			continue;
		f->collided = true;
		if (q->task->mm != mm) {
			f->xproc = true;
			break;
		}
	}
}

static void account(struct fx_openloop *ol, struct fx_op_fact *f)
{
	if (!f->nbuckets)
		f->collided = f->xproc = false;
	fx_opstats_add(ol->res.ops, f);
	ol->since_sample++;
	ol->since_row++;
}

static void res_fact(struct fx_openloop *ol, struct fx_task *t,
		     const struct fx_result *res, struct fx_op_fact *f)
{
	f->nbuckets = res->nbuckets;
	f->walked = res->walked;
	f->foreign = res->foreign;
	f->remote = 0;
	for (unsigned b = 0; b < res->nbuckets; b++)
		f->remote += ((const struct fx_hb *)res->bucket[b])->node !=
			     ol->core->cpu_node[t->cpu];
}

/* a call that completed: the tasks it woke leave their queues */
static void woke(struct fx_openloop *ol, const struct fx_result *res)
{
	ol->nqueued -= res->nwoken;
}

/*
 * fast_fact - a call that did not enter the core: EAGAIN and the like
 * lock the bucket, read the word and unlock; a key error, EINVAL, ENOSYS
 * and EPERM lock nothing.
 */
static void fast_fact(struct fx_openloop *ol, const struct fx_task *t,
		      const struct kcent *e, int64_t ret)
{
	struct fx_op_fact f = { 0 };

	ol->res.fast++;
	if (!e->err && ret != -EINVAL && ret != -ENOSYS && ret != -EPERM) {
		f.nbuckets = 1;
		f.remote = e->hb->node != ol->core->cpu_node[t->cpu];
		chain_fact(e->hb, KEY(ol, e), t->mm, &f);
	}
	account(ol, &f);
}

/* slept - @th went to sleep in the core; it returns at its traced time */
static int slept(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		 struct thr *th, bool timed)
{
	ol->res.blocked++;
	if (++ol->nqueued > ol->res.max_waiters)
		ol->res.max_waiters = ol->nqueued;
	th->wait_seq = ++ol->seq;
	th->timed = timed;
	/* unfinished, or woken without a duration: until the end, or until
	 * the thread's next call (get_thread() ends the wait then) */
	return heap_push(ol, (struct pend){
		.t = rec->ret == FX_TR_UNFINISHED || !rec->dur_ns ? UINT64_MAX :
		     rec->t_ns + rec->dur_ns,
		.seq = th->wait_seq, .thr = (uint32_t)(th - ol->thr) });
}

static int do_wait(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		   struct thr *th, int nr, const uint64_t a[6], unsigned flags)
{
	struct fx_task *t = th->t;
	const struct kcent *e = key_of(ol, t, rec->uaddr, flags);
	struct fx_op_fact f = { 0 };
	struct fx_result res;
	int rc;

	if (!fx_tstats_blocked(rec)) {
		fast_fact(ol, t, e, rec->ret);
		return 0;
	}
	if (e->err) {
		account(ol, &f);
		return 0;
	}
	fx_uaccess_put32(t->mm, rec->uaddr, rec->val);
	chain_fact(e->hb, KEY(ol, e), t->mm, &f);
	rc = fx_syscall(t, nr, a, &res);
	if (rc < 0)
		return ol_err(ol, rc, "tid %d: fx_syscall: %s", t->tid,
			      strerror(-rc));
	res_fact(ol, t, &res, &f);
	account(ol, &f);
	woke(ol, &res);
	return rc == FX_SLEEPING ? slept(ol, rec, th, false) : 0;
}

/* do_call - issue a call that never sleeps as task @t */
static int do_call(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		   struct fx_task *t, int nr, const uint64_t a[6],
		   unsigned flags, bool two, bool fast_empty)
{
	const struct kcent *e = key_of(ol, t, rec->uaddr, flags);
	struct fx_op_fact f = { 0 };
	struct fx_result res;
	int rc;

	if (fast_empty && !e->err && !e->hb->waiters) {
		ol->res.fast++;		/* futex_hb_waiters_pending(): no lock */
		account(ol, &f);
		return 0;
	}
	if (!e->err)
		chain_fact(e->hb, KEY(ol, e), t->mm, &f);
	if (two) {
		e = key_of(ol, t, rec->uaddr2, flags);
		if (!e->err)
			chain_fact(e->hb, KEY(ol, e), t->mm, &f);
	}
	rc = fx_syscall(t, nr, a, &res);
	if (rc < 0)
		return ol_err(ol, rc, "tid %d: fx_syscall: %s", t->tid,
			      strerror(-rc));
	res_fact(ol, t, &res, &f);
	account(ol, &f);
	if (rc == FX_SLEEPING) {
		/* cannot happen for wakes, requeues, trylock and unlock */
		return ol_err(ol, -EINVAL, "tid %d: a call that cannot block slept",
			      t->tid);
	}
	woke(ol, &res);
	return 0;
}

/* ---- PI futexes ---- */

/* key_queued - some waiter of @e's key is on its bucket chain */
static bool key_queued(const struct fx_openloop *ol, const struct kcent *e)
{
	struct fx_q *q;

	if (e->err || !e->hb->waiters)
		return false;
	plist_for_each_entry(q, &e->hb->chain, list)
		if (fx_key_match(&q->key, KEY(ol, e)))
			return true;
	return false;
}

/*
 * placeholder - the task that owns, in the core, the PI locks of @mm
 * whose traced owner the trace does not name.  One per process, made on
 * first use with CLONE_VM but not CLONE_THREAD (so that, under the
 * default rule, it does not size the process-private hash) and a TID
 * counted down from FX_TID_MASK (above any traced or copied id).  It never
 * sleeps.
 */
static struct fx_task *placeholder(struct fx_openloop *ol, struct fx_mm *mm)
{
	bool nomem = false;
	uint32_t i = kset_get(&ol->owners, (uintptr_t)mm, 0, 0, UINT32_MAX,
			      &nomem);
	struct fx_task *t;
	int tid = FX_TID_MASK - (int)ol->nowner;

	if (nomem)
		return NULL;
	if (i != UINT32_MAX)
		return ol->owner[i];
	if (ol->nowner == ol->owner_cap) {
		size_t cap = ol->owner_cap ? 2 * ol->owner_cap : 16;
		struct fx_task **n = realloc(ol->owner, cap * sizeof(*n));

		if (!n)
			return NULL;
		ol->owner = n;
		ol->owner_cap = cap;
	}
	while (fx_task_find(ol->core, tid))
		tid--;
	t = clone_thread(mm, tid, FX_CLONE_VM);
	if (!t)
		return NULL;
	ol->owner[ol->nowner] = t;
	kset_get(&ol->owners, (uintptr_t)mm, 0, 0, (uint32_t)ol->nowner++,
		 &nomem);
	ol->gen++;
	return nomem ? NULL : t;
}

/* live_owner - the task the word's TID names, if it is alive and not @t */
static struct fx_task *live_owner(struct fx_openloop *ol,
				  const struct fx_task *t, uint32_t word)
{
	struct fx_task *o;

	if (!(word & FX_TID_MASK))
		return NULL;
	o = fx_task_find(ol->core, (int)(word & FX_TID_MASK));
	return o && o != t && o->state != FX_TASK_DEAD ? o : NULL;
}

/*
 * pi_owned - make the PI word at @uaddr show a lock held by another task,
 * for a lock that blocked in the trace: a queued waiter means the core
 * already has a pi_state (its owner stays); a word naming a live task
 * other than @t stays; else the word gets the process's placeholder.
 */
static int pi_owned(struct fx_openloop *ol, struct fx_task *t,
		    const struct kcent *e, uint64_t uaddr)
{
	struct fx_task *o;
	uint32_t w;

	if (key_queued(ol, e) || fx_uaccess_get32(t->mm, uaddr, &w) ||
	    live_owner(ol, t, w))
		return 0;
	o = placeholder(ol, t->mm);
	if (!o)
		return ol_err(ol, -ENOMEM, "tid %d: cannot make a PI placeholder owner",
			      t->tid);
	fx_uaccess_put32(t->mm, uaddr, (uint32_t)o->tid);
	return 0;
}

/* pi_free - a lock taken without sleeping: free unless a waiter queues */
static void pi_free(const struct fx_openloop *ol, struct fx_task *t,
		    const struct kcent *e, uint64_t uaddr)
{
	if (!key_queued(ol, e))
		fx_uaccess_put32(t->mm, uaddr, 0);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * scratch_put - write @len bytes of @buf into the page of @uaddr, at a
 * 1 KiB slot that overlaps neither the word at @uaddr nor at @uaddr2, the
 * old bytes going to @save.  The kernel reads a timeout at entry, so the
 * caller restores them right after the call.  Return: the address, or 0.
 */
static uint64_t scratch_put(struct fx_mm *mm, uint64_t uaddr, uint64_t uaddr2,
			    const void *buf, size_t len, void *save)
{
	uint64_t page = uaddr & ~(PAGE - 1);

	for (unsigned k = 0; k < 4; k++) {
		uint64_t a = page + k * 1024;

		if (overlaps(a, len, uaddr, 4) || overlaps(a, len, uaddr2, 4))
			continue;
		if (fx_uaccess_read(mm, a, save, len) ||
		    fx_uaccess_write(mm, a, buf, len))
			return 0;
		return a;
	}
	return 0;
}

/*
 * do_pi_wait - LOCK_PI, LOCK_PI2, WAIT_REQUEUE_PI.  A blocked lock finds
 * the lock owned (pi_owned()); a lock taken without time finds it free; a
 * blocked WAIT_REQUEUE_PI finds its traced value.  Each is issued with a
 * timeout so that fx_task_timeout() can end it at its traced return (a
 * signal restarts LOCK_PI: -ERESTARTNOINTR).
 */
static int do_pi_wait(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		      struct thr *th, unsigned cmd, unsigned flags)
{
	struct fx_task *t = th->t;
	const struct kcent *e;
	bool blocked = fx_tstats_blocked(rec);
	struct fx_timespec ts = { .tv_sec = 1ll << 33, .tv_nsec = 0 };
	struct fx_timespec save;
	uint64_t a[6] = { rec->uaddr, rec->op, rec->val, 0, rec->uaddr2,
			  rec->val3 };
	struct fx_op_fact f = { 0 };
	struct fx_result res;
	int rc;

	/* the second word first: a key_of() may move the cache entry an
	 * earlier one returned */
	if (cmd == FX_OP_WAIT_REQUEUE_PI)
		key_of(ol, t, rec->uaddr2, flags);	/* mapped */
	e = key_of(ol, t, rec->uaddr, flags);
	if (!blocked && (cmd == FX_OP_WAIT_REQUEUE_PI || rec->ret != 0)) {
		fast_fact(ol, t, e, rec->ret);
		return 0;
	}
	if (e->err) {
		account(ol, &f);
		return 0;
	}
	if (cmd == FX_OP_WAIT_REQUEUE_PI) {
		fx_uaccess_put32(t->mm, rec->uaddr, rec->val);
	} else if (blocked) {
		if ((rc = pi_owned(ol, t, e, rec->uaddr)))
			return rc;
	} else {
		pi_free(ol, t, e, rec->uaddr);
	}
	chain_fact(e->hb, KEY(ol, e), t->mm, &f);
	a[3] = scratch_put(t->mm, rec->uaddr, cmd == FX_OP_WAIT_REQUEUE_PI ?
			   rec->uaddr2 : rec->uaddr, &ts, sizeof(ts), &save);
	rc = fx_syscall(t, FX_SYS_FUTEX, a, &res);
	if (a[3])
		fx_uaccess_write(t->mm, a[3], &save, sizeof(save));
	if (rc < 0)
		return ol_err(ol, rc, "tid %d: fx_syscall: %s", t->tid,
			      strerror(-rc));
	res_fact(ol, t, &res, &f);
	account(ol, &f);
	woke(ol, &res);
	return rc == FX_SLEEPING ? slept(ol, rec, th, a[3] != 0) : 0;
}

/*
 * do_pi_call - TRYLOCK_PI, UNLOCK_PI, CMP_REQUEUE_PI, which never sleep.
 * A successful trylock finds the lock free.  A successful unlock is
 * issued by the caller when the core has no waiter of the lock (the word
 * gets the caller's TID: it held the lock in user space) or already names
 * it as the owner; with waiters and another owner, by that owner (the
 * placeholder standing for the untraced holder, or the task a handoff
 * left it to) if it is not itself in a call, else it is unmodeled.  A
 * CMP_REQUEUE_PI finds its compared value (successful) or another one,
 * and the target word free when it names no live task.
 * Return: 0, 1 (unmodeled), -errno.
 */
static int do_pi_call(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		      struct thr *th, unsigned cmd, unsigned flags)
{
	struct fx_task *t = th->t, *by = t;
	const struct kcent *e = key_of(ol, t, rec->uaddr, flags);
	uint64_t a[6] = { rec->uaddr, rec->op, rec->val, rec->val2,
			  rec->uaddr2, rec->val3 };
	struct fx_op_fact f = { 0 };
	uint32_t w;

	if (cmd != FX_OP_CMP_REQUEUE_PI && rec->ret != 0) {
		fast_fact(ol, t, e, rec->ret);
		return 0;
	}
	if (e->err) {
		account(ol, &f);
		return 0;
	}
	if (cmd == FX_OP_TRYLOCK_PI) {
		pi_free(ol, t, e, rec->uaddr);
	} else if (cmd == FX_OP_UNLOCK_PI) {
		if (fx_uaccess_get32(t->mm, rec->uaddr, &w))
			w = 0;
		if ((w & FX_TID_MASK) != (uint32_t)t->tid) {
			if (!key_queued(ol, e)) {
				fx_uaccess_put32(t->mm, rec->uaddr, (uint32_t)t->tid);
			} else {
				bool nomem = false;
				uint32_t k;

				by = live_owner(ol, t, w);
				if (!by || by->state != FX_TASK_RUNNING)
					return 1;
				/* a placeholder runs on the caller's CPU */
				k = kset_get(&ol->owners, (uintptr_t)by->mm, 0, 0,
					     UINT32_MAX, &nomem);
				if (k != UINT32_MAX && ol->owner[k] == by)
					fx_task_set_cpu(by, t->cpu);
			}
		}
	} else {
		const struct kcent *e2 = key_of(ol, t, rec->uaddr2, flags);

		fx_uaccess_put32(t->mm, rec->uaddr, rec->ret >= 0 ? rec->val3 :
				 rec->val3 + 1);
		if (!e2->err && !key_queued(ol, e2) &&
		    !fx_uaccess_get32(t->mm, rec->uaddr2, &w) &&
		    !live_owner(ol, t, w))
			fx_uaccess_put32(t->mm, rec->uaddr2, 0);
	}
	return do_call(ol, rec, by, FX_SYS_FUTEX, a, flags,
		       cmd == FX_OP_CMP_REQUEUE_PI, false);
}

/* ---- futex_waitv and futex2 requeue ---- */

/*
 * vec_addr - where to write the vector of a waitv/requeue: the traced
 * array address, or when the trace does not have it (0: strace prints
 * the array, not its address) the first 64-byte-aligned spot of the first
 * entry's page that overlaps no entry's word.  Return: 0 if none.
 */
static uint64_t vec_addr(struct fx_openloop *ol, struct fx_task *t,
			 uint64_t traced, const struct fx_trace_rec *ent,
			 unsigned n, size_t len)
{
	uint64_t page = ent[0].uaddr & ~(PAGE - 1);

	if (traced) {
		ensure_mapped(ol, t->mm, traced);
		ensure_mapped(ol, t->mm, traced + len - 1);
		return traced;
	}
	for (uint64_t a = page; a + len <= page + PAGE; a += 64) {
		unsigned i;

		for (i = 0; i < n; i++)
			if (overlaps(a, len, ent[i].uaddr, 4))
				break;
		if (i == n)
			return a;
	}
	return 0;
}

/*
 * do_multi - a futex_waitv or futex2 futex_requeue with its @n entries.
 * The vector is written for the call at the traced array address (or,
 * without one, a free spot of the first entry's page: vec_addr()) and the
 * old bytes put back after it: the kernel copies it at entry.  A
 * blocked waitv finds every entry's traced value and sleeps until its
 * traced return; one that did not block is accounted as failing at its
 * first entry (the trace does not say which entry differed).  A requeue
 * finds its source entry's value when it succeeded, another one when not.
 * Return: 0, 1 (unmodeled), -errno.
 */
static int do_multi(struct fx_openloop *ol, const struct fx_trace_rec *call,
		    struct thr *th, const struct fx_trace_rec *ent, unsigned n)
{
	struct fx_task *t = th->t;
	struct fx_waitv v[FX_WAITV_MAX];
	unsigned char save[sizeof(v)];
	size_t len = n * sizeof(v[0]);
	bool waitv = call->kind == FX_TR_FUTEX_WAITV;
	const struct kcent *e;
	struct fx_op_fact f = { 0 };
	struct fx_result res;
	uint64_t a[6] = { call->uaddr, n, 0, 0, call->val3, 0 };
	int rc;

	for (unsigned i = 0; i < n; i++) {
		v[i] = (struct fx_waitv){ .val = ent[i].val,
					  .uaddr = ent[i].uaddr,
					  .flags = ent[i].op };
		e = key_of(ol, t, ent[i].uaddr, fx_futex2_to_flags(ent[i].op));
		if (waitv && !fx_tstats_blocked(call)) {
			fast_fact(ol, t, e, call->ret);
			return 0;
		}
		if (!e->err)
			chain_fact(e->hb, KEY(ol, e), t->mm, &f);
		if (waitv)
			fx_uaccess_put32(t->mm, ent[i].uaddr, (uint32_t)ent[i].val);
		else if (!i)
			fx_uaccess_put32(t->mm, ent[i].uaddr, call->ret >= 0 ?
					 ent[i].val : ent[i].val + 1);
	}
	if (!waitv) {
		a[1] = call->op;
		a[2] = call->val;
		a[3] = call->val2;
		a[4] = 0;
	}
	a[0] = vec_addr(ol, t, call->uaddr, ent, n, len);
	if (!a[0] || fx_uaccess_read(t->mm, a[0], save, len) ||
	    fx_uaccess_write(t->mm, a[0], v, len))
		return 1;
	rc = fx_syscall(t, waitv ? FX_SYS_FUTEX_WAITV : FX_SYS_FUTEX_REQUEUE,
			a, &res);
	fx_uaccess_write(t->mm, a[0], save, len);
	if (rc < 0)
		return ol_err(ol, rc, "tid %d: fx_syscall: %s", t->tid,
			      strerror(-rc));
	res_fact(ol, t, &res, &f);
	account(ol, &f);
	woke(ol, &res);
	if (rc == FX_SLEEPING) {
		if (!waitv)
			return ol_err(ol, -EINVAL, "tid %d: futex_requeue slept",
				      t->tid);
		return slept(ol, call, th, false);
	}
	return 0;
}

/* ---- occupancy samples ---- */

struct sent {
	const struct fx_hb *hb;
	union fx_key key;
	const struct fx_mm *mm;
	unsigned cpu;
};

/* by bucket (table, owner process of a private table, index), then key,
 * then process: an order that does not depend on where memory lies, so
 * that the float sums of the samples are the same from run to run */
static int sent_cmp(const void *a, const void *b)
{
	const struct sent *x = a, *y = b;

	if (x->hb != y->hb) {
		int xo = x->hb->table < 0 ? x->mm->pid : 0;
		int yo = y->hb->table < 0 ? y->mm->pid : 0;

		if (x->hb->table != y->hb->table)
			return x->hb->table < y->hb->table ? -1 : 1;
		if (xo != yo)
			return xo < yo ? -1 : 1;
		return x->hb->index < y->hb->index ? -1 : 1;
	}
	if (x->key.both.ptr != y->key.both.ptr)
		return x->key.both.ptr < y->key.both.ptr ? -1 : 1;
	if (x->key.both.word != y->key.both.word)
		return x->key.both.word < y->key.both.word ? -1 : 1;
	if (x->key.both.offset != y->key.both.offset)
		return x->key.both.offset < y->key.both.offset ? -1 : 1;
	if (x->mm != y->mm)
		return x->mm->pid < y->mm->pid ? -1 : 1;
	return 0;
}

struct stab {
	int table;
	const struct fx_mm *mm;
	uint64_t size, n;
};

static size_t sent_add(struct sent *s, size_t n, const struct fx_q *q,
		       const struct fx_task *t)
{
	if (!q->lock_ptr)
		return n;
	s[n] = (struct sent){ .hb = q->lock_ptr, .key = q->key, .mm = t->mm,
			      .cpu = t->cpu };
	return n + 1;
}

/*
 * table_add - fx_loadstats_table(@L, @m, @n) through a small cache of the
 * ideal's contributions: fx_loadstats_table() takes FX_LOAD_KMAX
 * logarithms, while samples repeat the same (m, n).  Merging a
 * contribution computed into a zeroed fx_loadstats adds the same terms in
 * the same order, so the sums are bit for bit those of the direct call.
 */
static int table_add(struct fx_openloop *ol, struct fx_loadstats *L,
		     uint64_t m, uint64_t n)
{
	struct tcache *c = &ol->tc[(m * 31 + n) % TC_SIZE];

	if (!c->s) {
		c->s = malloc(sizeof(*c->s));
		if (!c->s)
			return -ENOMEM;
		c->m = 0;
	}
	if (c->m != m || c->n != n) {
		fx_loadstats_init(c->s);
		fx_loadstats_table(c->s, m, n);
		c->m = m;
		c->n = n;
	}
	fx_loadstats_merge(L, c->s);
	return 0;
}

/* loads - account the sorted entries @s into each of @L[0..nl) */
static int loads(struct fx_openloop *ol, const struct sent *s, size_t n,
		 struct fx_loadstats *const *L, unsigned nl, uint64_t *maxq)
{
	struct stab *tab = calloc(n ? n : 1, sizeof(*tab));
	size_t ntab = 0;

	if (!tab)
		return -ENOMEM;
	*maxq = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		uint64_t load = 0;
		bool multi = false;
		struct fx_hash_info info;
		const struct fx_mm *tmm;
		size_t k;

		for (; j < n && s[j].hb == s[i].hb; j++) {
			if (j == i || !fx_key_match(&s[j].key, &s[j - 1].key))
				load++;
			if (s[j].mm != s[i].mm)
				multi = true;
			if (j == i || sent_cmp(&s[j], &s[j - 1]))
				for (unsigned l = 0; l < nl; l++)
					fx_loadstats_access(L[l], s[j].hb->node !=
							    ol->core->cpu_node[s[j].cpu]);
		}
		if (j - i > *maxq)
			*maxq = j - i;
		for (unsigned l = 0; l < nl; l++)
			fx_loadstats_bucket(L[l], load, multi);
		fx_hash(ol->core, &s[i].key, (struct fx_mm *)s[i].mm, &info);
		tmm = info.table < 0 ? s[i].mm : NULL;
		for (k = 0; k < ntab; k++)
			if (tab[k].table == info.table && tab[k].mm == tmm)
				break;
		if (k == ntab)
			tab[ntab++] = (struct stab){ .table = info.table,
						     .mm = tmm };
		if (tab[k].size < info.table_size)
			tab[k].size = info.table_size;
		tab[k].n += load;
		i = j;
	}
	for (size_t k = 0; k < ntab; k++)
		for (unsigned l = 0; l < nl; l++)
			if (table_add(ol, L[l], tab[k].size ? tab[k].size : 1,
				      tab[k].n)) {
				free(tab);
				return -ENOMEM;
			}
	free(tab);
	return 0;
}

/*
 * sample - the bucket loads of the waiters queued now (fx_loadstats):
 * merged into the result when @merge and a waiter is queued; one series
 * row at trace time @t_rel when @row.
 */
static int sample(struct fx_openloop *ol, bool merge, bool row,
		  uint64_t t_rel)
{
	struct sent *s;
	size_t n = 0, cap = 0;
	struct fx_loadstats *L[2], *one = NULL;
	unsigned nl = 0;
	uint64_t maxq = 0;
	int ret = 0;

	if (merge)
		ol->since_sample = 0;
	if (row)
		ol->since_row = 0;
	for (size_t i = 0; i < ol->nheap; i++)
		cap += 1 + ol->thr[ol->heap[i].thr].t->nvq;
	s = malloc((cap + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < ol->nheap; i++) {
		const struct thr *th = &ol->thr[ol->heap[i].thr];
		const struct fx_task *t = th->t;

		if (th->wait_seq != ol->heap[i].seq ||
		    t->state != FX_TASK_SLEEPING)
			continue;
		n = sent_add(s, n, &t->q, t);
		if (t->sys_nr == FX_SYS_FUTEX_WAITV)
			for (unsigned k = 0; k < t->nvq; k++)
				n = sent_add(s, n, &t->vq[k], t);
	}
	if (!n && !row)
		goto out;
	if (n && merge)
		L[nl++] = ol->res.load;
	if (row) {
		one = malloc(sizeof(*one));
		if (!one) {
			ret = -ENOMEM;
			goto out;
		}
		fx_loadstats_init(one);
		L[nl++] = one;
	}
	qsort(s, n, sizeof(*s), sent_cmp);
	if ((ret = loads(ol, s, n, L, nl, &maxq)))
		goto out;
	if (n && merge)
		ol->res.samples++;
	if (one) {
		struct fx_openloop_sample *rows;
		struct fx_loadmetrics lm;

		if (ol->res.nseries % 256 == 0) {
			rows = realloc(ol->res.series, (ol->res.nseries + 256) *
				       sizeof(*rows));
			if (!rows) {
				ret = -ENOMEM;
				goto out;
			}
			ol->res.series = rows;
		}
		fx_loadstats_metrics(one, &lm);
		ol->res.series[ol->res.nseries++] = (struct fx_openloop_sample){
			.t_ns = t_rel, .calls = ol->res.ops->ops,
			.waiters = ol->nqueued, .nonempty = one->nonempty,
			.buckets = one->buckets, .max_load = maxq,
			.keys_per_bucket = one->keys ? lm.keys_per_bucket : NAN,
			.exp_keys_per_bucket = one->keys ? lm.exp_keys_per_bucket : NAN };
	}
out:
	free(one);
	free(s);
	return ret;
}

/* ---- records ---- */

/*
 * call_thread - count a call and find (or make) its thread in *@ti.
 * Return: 0; 1 when its thread is not modelled (a tid reused by another
 * process: counted as unmodeled); or a negative errno.
 */
static int call_thread(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		       long *ti)
{
	ol->res.calls++;
	*ti = get_thread(ol, rec->pid, rec->tid, rec->cpu);
	if (*ti == -ESRCH) {
		ol->res.unmodeled++;
		return 1;
	}
	if (*ti < 0)
		return *ti == -ENOMEM ? ol_err(ol, -ENOMEM, "out of memory") :
		       (int)*ti;
	return 0;
}

/*
 * add_one - replay one record of one copy (ids and addresses already
 * those of the copy).  Return: 0 or a negative errno.
 */
static int add_one(struct fx_openloop *ol, const struct fx_trace_rec *rec)
{
	unsigned cmd;
	uint64_t a[6];
	long ti;
	struct thr *th;
	int ret;

	switch (rec->kind) {
	case FX_TR_MAP:
		return do_map(ol, rec);
	case FX_TR_THREAD_NEW:
		/*
		 * The thread is made when the trace says, not at its first
		 * call: a process's private hash is sized when it gains a
		 * thread, which cannot happen while its only thread waits.
		 */
		ti = get_thread(ol, rec->pid, rec->tid, rec->cpu);
		if (ti == -ENOMEM)
			return ol_err(ol, -ENOMEM, "out of memory");
		return ti < 0 && ti != -ESRCH ? (int)ti : 0;
	case FX_TR_FUTEX:
	case FX_TR_FUTEX_WAIT:
	case FX_TR_FUTEX_WAKE:
		break;
	default:
		return 0;
	}
	/* the key cache line, fetched while the thread is looked up */
	__builtin_prefetch(&ol->kc[kc_slot(rec->pid, rec->uaddr)]);
	ret = call_thread(ol, rec, &ti);
	if (ret)
		return ret > 0 ? 0 : ret;
	th = &ol->thr[ti];
	if (rec->kind == FX_TR_FUTEX) {
		unsigned flags = fx_futex_to_flags(rec->op);

		cmd = rec->op & FX_CMD_MASK;
		a[0] = rec->uaddr;
		a[1] = rec->op;
		a[2] = rec->val;
		a[3] = 0;
		a[4] = rec->uaddr2;
		a[5] = rec->val3;
		switch (cmd) {
		case FX_OP_WAIT:
		case FX_OP_WAIT_BITSET:
			ret = do_wait(ol, rec, th, FX_SYS_FUTEX, a, flags);
			break;
		case FX_OP_WAKE:
		case FX_OP_WAKE_BITSET:
			ret = do_call(ol, rec, th->t, FX_SYS_FUTEX, a, flags,
				      false, true);
			break;
		case FX_OP_REQUEUE:
		case FX_OP_CMP_REQUEUE:
		case FX_OP_WAKE_OP:
			a[3] = rec->val2;
			if (cmd == FX_OP_CMP_REQUEUE && rec->ret >= 0) {
				key_of(ol, th->t, rec->uaddr, flags);
				fx_uaccess_put32(th->t->mm, rec->uaddr, rec->val3);
			}
			ret = do_call(ol, rec, th->t, FX_SYS_FUTEX, a, flags,
				      true, false);
			break;
		case FX_OP_LOCK_PI:
		case FX_OP_LOCK_PI2:
		case FX_OP_WAIT_REQUEUE_PI:
			ret = do_pi_wait(ol, rec, th, cmd, flags);
			break;
		case FX_OP_TRYLOCK_PI:
		case FX_OP_UNLOCK_PI:
		case FX_OP_CMP_REQUEUE_PI:
			ret = do_pi_call(ol, rec, th, cmd, flags);
			if (ret == 1) {
				ol->res.unmodeled++;
				ret = 0;
			}
			break;
		default:
			ol->res.unmodeled++;
			return 0;
		}
	} else if (rec->kind == FX_TR_FUTEX_WAIT) {
		/* futex_wait(uaddr, val, mask, flags, timeout, clockid) */
		uint64_t b[6] = { rec->uaddr, rec->val, rec->val3, rec->op, 0,
				  FX_CLOCK_MONOTONIC_ID };

		ret = do_wait(ol, rec, th, FX_SYS_FUTEX_WAIT, b,
			      fx_futex2_to_flags(rec->op));
	} else {
		/* futex_wake(uaddr, mask, nr, flags) */
		uint64_t b[6] = { rec->uaddr, rec->val3, rec->val, rec->op, 0, 0 };

		ret = do_call(ol, rec, th->t, FX_SYS_FUTEX_WAKE, b,
			      fx_futex2_to_flags(rec->op), false, true);
	}
	return ret;
}

/* add_multi - a futex_waitv or futex2 requeue call of one copy */
static int add_multi(struct fx_openloop *ol, const struct fx_trace_rec *call,
		     const struct fx_trace_rec *ent, unsigned n)
{
	long ti;
	int ret;

	ret = call_thread(ol, call, &ti);
	if (ret)
		return ret > 0 ? 0 : ret;
	ret = do_multi(ol, call, &ol->thr[ti], ent, n);
	if (ret == 1) {
		ol->res.unmodeled++;
		ret = 0;
	}
	return ret;
}

/* is_addr2 - futex(2) commands whose uaddr2 is a futex address */
static bool is_addr2(const struct fx_trace_rec *rec)
{
	switch (rec->op & FX_CMD_MASK) {
	case FX_OP_REQUEUE:
	case FX_OP_CMP_REQUEUE:
	case FX_OP_WAKE_OP:
	case FX_OP_WAIT_REQUEUE_PI:
	case FX_OP_CMP_REQUEUE_PI:
		return true;
	default:
		return false;
	}
}

/*
 * copy_of - @in as copy @c sees it: process copies add c << 22 to pid and
 * tid; thread copies add it to the tid and c * stride to every address
 * (not to a mapping's file offset).  Return: false when an id is too
 * large to be remapped.
 */
static bool copy_of(const struct fx_openloop *ol, const struct fx_trace_rec *in,
		    unsigned c, struct fx_trace_rec *out)
{
	uint32_t off = (uint32_t)c << FX_OL_ID_SHIFT;
	uint64_t sh = c * ol->cfg.stride;

	*out = *in;
	if (in->pid >> FX_OL_ID_SHIFT || in->tid >> FX_OL_ID_SHIFT)
		return false;
	if (!c)
		return true;
	out->tid += off;
	if (ol->cfg.copy_mode == FX_OL_COPY_PROCESS) {
		out->pid += off;
		return true;
	}
	out->uaddr += sh;
	if (in->kind == FX_TR_FUTEX && is_addr2(in))
		out->uaddr2 += sh;
	return true;
}

static bool is_call_kind(unsigned kind)
{
	return kind == FX_TR_FUTEX || kind == FX_TR_FUTEX_WAITV ||
	       kind == FX_TR_FUTEX_WAIT || kind == FX_TR_FUTEX_WAKE ||
	       kind == FX_TR_FUTEX_REQUEUE;
}

/* flush_multi - a pending waitv/requeue whose entries never came */
static void flush_multi(struct fx_openloop *ol)
{
	if (!ol->mpending)
		return;
	ol->mpending = false;
	ol->res.calls += ol->cfg.copies;
	ol->res.unmodeled += ol->cfg.copies;
}

static int run_multi(struct fx_openloop *ol)
{
	struct fx_trace_rec call, ent[FX_WAITV_MAX];
	int ret = 0;

	ol->mpending = false;
	for (unsigned c = 0; c < ol->cfg.copies && !ret; c++) {
		bool ok = copy_of(ol, &ol->mcall, c, &call);

		for (unsigned i = 0; ok && i < ol->nment; i++)
			ok = copy_of(ol, &ol->ment[i], c, &ent[i]);
		if (!ok) {
			ol->res.calls++;
			ol->res.unmodeled++;
			continue;
		}
		ret = add_multi(ol, &call, ent, ol->nment);
	}
	return ret;
}

/* series_marks - the time-mark samples due before trace time @t */
static int series_marks(struct fx_openloop *ol, uint64_t t)
{
	uint64_t span = ol->cfg.series_span;
	int ret;

	while (ol->next_mark <= FX_OL_TIME_MARKS) {
		uint64_t k = ol->next_mark;
		uint64_t m = span / FX_OL_TIME_MARKS * k +
			     span % FX_OL_TIME_MARKS * k / FX_OL_TIME_MARKS;

		if (ol->t0 + m > t)
			break;
		ol->next_mark++;
		if ((ret = drain(ol, ol->t0 + m)) ||
		    (ret = sample(ol, false, true, m)))
			return ret;
	}
	return 0;
}

int fx_openloop_add(struct fx_openloop *ol, const struct fx_trace_rec *rec)
{
	int ret = 0;

	if (rec->t_ns < ol->last_t)
		return ol_err(ol, -EINVAL, "record %" PRIu64 ": time %" PRIu64 " before %" PRIu64,
			      ol->res.records, rec->t_ns, ol->last_t);
	if (!ol->started) {
		ol->started = true;
		ol->t0 = rec->t_ns;
		ol->next_mark = 1;
	}
	ol->last_t = rec->t_ns;
	ol->res.records++;
	if (ol->cfg.series && ol->cfg.series_span &&
	    (ret = series_marks(ol, rec->t_ns)))
		return ret;
	if ((ret = drain(ol, rec->t_ns)))
		return ret;
	if (ol->mpending) {
		if (rec->kind == FX_TR_WAITV_ENTRY && rec->pid == ol->mcall.pid &&
		    rec->tid == ol->mcall.tid && rec->t_ns == ol->mcall.t_ns) {
			ol->ment[ol->nment++] = *rec;
			if (ol->nment == ol->mwant)
				ret = run_multi(ol);
			goto out;
		}
		flush_multi(ol);
	}
	if (rec->kind == FX_TR_FUTEX_WAITV || rec->kind == FX_TR_FUTEX_REQUEUE) {
		unsigned want = rec->kind == FX_TR_FUTEX_WAITV ? rec->val : 2;

		if (!want || want > FX_WAITV_MAX) {
			ol->res.calls += ol->cfg.copies;
			ol->res.unmodeled += ol->cfg.copies;
			return 0;
		}
		ol->mcall = *rec;
		ol->mwant = want;
		ol->nment = 0;
		ol->mpending = true;
		return 0;
	}
	if (rec->kind == FX_TR_WAITV_ENTRY)
		return 0;		/* without its call */
	if (ol->cfg.copies == 1) {
		ret = add_one(ol, rec);
	} else {
		for (unsigned c = 0; c < ol->cfg.copies && !ret; c++) {
			struct fx_trace_rec r;

			if (!copy_of(ol, rec, c, &r)) {
				if (is_call_kind(rec->kind)) {
					ol->res.calls++;
					ol->res.unmodeled++;
				}
				continue;
			}
			ret = add_one(ol, &r);
		}
	}
out:
	/* the CSV's samples: every sample_every calls when a waiter is
	 * queued; the series' rows: those, and every sample_every calls
	 * (counted apart, so that the CSV is the same with or without) */
	if (!ret) {
		bool merge = ol->since_sample >= ol->cfg.sample_every &&
			     ol->nqueued;
		bool row = ol->cfg.series &&
			   (merge || ol->since_row >= ol->cfg.sample_every);

		if (merge || row)
			ret = sample(ol, merge, row, rec->t_ns - ol->t0);
	}
	return ret;
}

int fx_openloop_finish(struct fx_openloop *ol)
{
	int ret;

	flush_multi(ol);
	if ((ol->nqueued || ol->cfg.series) &&
	    (ret = sample(ol, true, ol->cfg.series, ol->last_t - ol->t0)))
		return ret;
	if ((ret = drain(ol, UINT64_MAX)))
		return ret;
	if (ol->nqueued)
		return ol_err(ol, -EUCLEAN, "%" PRIu64 " waiters left queued at the end",
			      ol->nqueued);
	if (fx_core_check(ol->core))
		return ol_err(ol, -EUCLEAN, "%s", fx_core_errmsg(ol->core));
	return 0;
}

/* ---- the first pass: touched chunks and time span ---- */

void fx_openloop_scan_init(struct fx_openloop_scan *s)
{
	memset(s, 0, sizeof(*s));
}

void fx_openloop_scan_free(struct fx_openloop_scan *s)
{
	if (s->set)
		fx_kmap_free(s->set);
	free(s->set);
	free(s->chunk);
	memset(s, 0, sizeof(*s));
}

static int scan_chunk(struct fx_openloop_scan *s, uint64_t c)
{
	bool nomem = false;

	if (kset_get(s->set, c, 0, 0, 0, &nomem) != UINT32_MAX || nomem)
		return nomem ? -ENOMEM : 0;
	if (s->nchunk == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		uint64_t *n = realloc(s->chunk, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->chunk = n;
		s->cap = cap;
	}
	s->chunk[s->nchunk++] = c;
	return 0;
}

/* the largest mapping the scan accounts chunk by chunk: 64 GiB */
#define SCAN_MAXMAP	(32768 * CHUNK)

int fx_openloop_scan_add(struct fx_openloop_scan *s,
			 const struct fx_trace_rec *rec)
{
	uint64_t lo = rec->uaddr, hi = rec->uaddr;
	int ret = 0;

	if (!s->set && !(s->set = calloc(1, sizeof(struct fx_kmap))))
		return -ENOMEM;
	if (!s->records++)
		s->t_first = rec->t_ns;
	s->t_last = rec->t_ns;
	switch (rec->kind) {
	case FX_TR_FUTEX:
		if (is_addr2(rec))
			ret = scan_chunk(s, rec->uaddr2 / CHUNK);
		break;
	case FX_TR_FUTEX_WAITV:
	case FX_TR_FUTEX_REQUEUE:
		hi = lo + (rec->kind == FX_TR_FUTEX_WAITV ? rec->val : 2) *
			  sizeof(struct fx_waitv);
		break;
	case FX_TR_WAITV_ENTRY:
	case FX_TR_FUTEX_WAIT:
	case FX_TR_FUTEX_WAKE:
		break;
	case FX_TR_MAP:
		if (!(rec->op & FX_MAP_SHARED) || !rec->val2)
			return 0;
		hi = lo + (rec->val2 < SCAN_MAXMAP ? rec->val2 : SCAN_MAXMAP) - 1;
		break;
	default:
		return 0;
	}
	for (uint64_t c = lo / CHUNK; !ret && c <= hi / CHUNK; c++)
		ret = scan_chunk(s, c);
	return ret;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define TASK_CHUNKS	(FX_TASK_SIZE / CHUNK)	/* whole chunks below it */

int fx_openloop_stride(const struct fx_openloop_scan *s, unsigned copies,
		       uint64_t *stride, char *err, size_t errlen)
{
	uint64_t *c, lo, hi, kmax, k;
	uint8_t *bad;
	size_t n = s->nchunk;

	*stride = CHUNK;
	if (!n || copies < 2)
		return 0;
	c = malloc(n * sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(c, s->chunk, n * sizeof(*c));
	qsort(c, n, sizeof(*c), u64_cmp);
	lo = c[0];
	hi = c[n - 1];
	if (hi >= TASK_CHUNKS) {
		snprintf(err, errlen, "the trace uses the last 2 MiB below TASK_SIZE (from 0x%" PRIx64 "): no copy fits above it",
			 (uint64_t)(hi * CHUNK));
		free(c);
		return -E2BIG;
	}
	/* above the span, if that fits */
	k = hi - lo + 1;
	if (hi + (copies - 1) * k < TASK_CHUNKS) {
		*stride = k * CHUNK;
		free(c);
		return 0;
	}
	/* else the smallest k such that no two touched chunks differ by
	 * m * k, 1 <= m < copies, and the last copy stays below TASK_SIZE */
	kmax = (TASK_CHUNKS - 1 - hi) / (copies - 1);
	if (!kmax || n > 8192) {
		snprintf(err, errlen, "%u copies of %zu chunks of 2 MiB from 0x%" PRIx64 " to 0x%" PRIx64 " do not fit below TASK_SIZE",
			 copies, n, (uint64_t)(lo * CHUNK),
			 (uint64_t)(hi * CHUNK + CHUNK));
		free(c);
		return -E2BIG;
	}
	bad = calloc(kmax + 1, 1);
	if (!bad) {
		free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			uint64_t d = c[j] - c[i], m = d / kmax;

			for (m = m ? m : 1; m < copies; m++)
				if (d % m == 0 && d / m <= kmax)
					bad[d / m] = 1;
		}
	for (k = 1; k <= kmax && bad[k]; k++)
		;
	free(bad);
	free(c);
	if (k > kmax) {
		snprintf(err, errlen, "no stride keeps %u copies of the trace's %zu chunks of 2 MiB apart below TASK_SIZE",
			 copies, n);
		return -E2BIG;
	}
	*stride = k * CHUNK;
	return 0;
}

/* ---- options ---- */

/* parse_list - split a copy of @arg at commas; each item through @one */
static int parse_list(const char *opt, const char *arg, unsigned *n,
		      int (*one)(const char *item, unsigned i, void *out),
		      void *out, char *err, size_t errlen)
{
	char buf[1024], *save = NULL, *item;

	*n = 0;
	if (strlen(arg) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: list too long", opt);
		return -EINVAL;
	}
	strcpy(buf, arg);
	for (item = strtok_r(buf, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (*n == FX_REPLAY_MAXLIST) {
			snprintf(err, errlen, "%s: more than %d items", opt,
				 FX_REPLAY_MAXLIST);
			return -EINVAL;
		}
		if (one(item, *n, out)) {
			snprintf(err, errlen, "%s '%s'", opt, item);
			return -EINVAL;
		}
		(*n)++;
	}
	if (!*n) {
		snprintf(err, errlen, "%s: empty list", opt);
		return -EINVAL;
	}
	return 0;
}

static int one_hash(const char *item, unsigned i, void *out)
{
	struct fx_replay_opts *o = out;

	o->hasher[i] = fx_hasher_find(item);
	return o->hasher[i] ? 0 : -1;
}

static int one_layout(const char *item, unsigned i, void *out)
{
	struct fx_replay_opts *o = out;

	o->layout[i] = fx_layout_find(item);
	return o->layout[i] ? 0 : -1;
}

static int one_slots(const char *item, unsigned i, void *out)
{
	struct fx_replay_opts *o = out;
	uint64_t v;

	if (!fx_parse_u64(item, &v) || v > (1u << 24) || (v & (v - 1)))
		return -1;
	o->slots[i] = (unsigned)v;
	return 0;
}

int fx_replay_parse_args(int argc, char **argv, struct fx_replay_opts *o,
			 char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "hash", required_argument, NULL, 'H' },
		{ "hasher", required_argument, NULL, 'H' },
		{ "layout", required_argument, NULL, 'L' },
		{ "slots", required_argument, NULL, 'S' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "hash-seed", required_argument, NULL, 'E' },
		{ "sample", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'O' },
		{ "timing", no_argument, NULL, 't' },
		{ "copies", required_argument, NULL, 'C' },
		{ "copy-mode", required_argument, NULL, 'M' },
		{ "series", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		FX_CLI_KNOB_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	size_t ol;
	int c;

	memset(o, 0, sizeof(*o));
	o->ncpus = 4;
	o->nnodes = 1;
	o->copies = 1;
	o->hasher[0] = fx_hasher_find("jhash2");
	o->layout[0] = fx_layout_find("private");
	o->nhash = o->nlayout = o->nslots = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			if (parse_list("--hash", optarg, &o->nhash, one_hash, o,
				       err, errlen)) {
				snprintf(err + strlen(err), errlen - strlen(err),
					 ": expected hashers from: %s", fx_hasher_names());
				return -EINVAL;
			}
			break;
		case 'L':
			if (parse_list("--layout", optarg, &o->nlayout, one_layout,
				       o, err, errlen)) {
				snprintf(err + strlen(err), errlen - strlen(err),
					 ": expected layouts from: %s", fx_layout_names());
				return -EINVAL;
			}
			break;
		case 'S':
			if (parse_list("--slots", optarg, &o->nslots, one_slots,
				       o, err, errlen)) {
				snprintf(err + strlen(err), errlen - strlen(err),
					 ": expected 0 (the kernel's size) or a power of two 1..16777216");
				return -EINVAL;
			}
			break;
		case 'c':
			if (!fx_parse_u64(optarg, &v) || !v || v > 4096) {
				snprintf(err, errlen, "--cpus '%s': expected 1..4096", optarg);
				return -EINVAL;
			}
			o->ncpus = (unsigned)v;
			break;
		case 'n':
			if (!fx_parse_u64(optarg, &v) || !v || v > 1024) {
				snprintf(err, errlen, "--nodes '%s': expected 1..1024", optarg);
				return -EINVAL;
			}
			o->nnodes = (unsigned)v;
			break;
		case 'E':
			if (!fx_parse_u64(optarg, &o->hash_seed)) {
				snprintf(err, errlen, "--hash-seed '%s': expected a number", optarg);
				return -EINVAL;
			}
			break;
		case 'm':
			if (!fx_parse_u64(optarg, &o->sample_every) || !o->sample_every) {
				snprintf(err, errlen, "--sample '%s': expected a number of calls >= 1", optarg);
				return -EINVAL;
			}
			break;
		case 'O':
			o->out = optarg;
			break;
		case 't':
			o->timing = true;
			break;
		case 'C':
			if (!fx_parse_u64(optarg, &v) || !v || v > FX_OL_MAXCOPIES) {
				snprintf(err, errlen, "--copies '%s': expected 1..%d", optarg,
					 FX_OL_MAXCOPIES);
				return -EINVAL;
			}
			o->copies = (unsigned)v;
			break;
		case 'M':
			if (!strcmp(optarg, "process")) {
				o->copy_mode = FX_OL_COPY_PROCESS;
			} else if (!strcmp(optarg, "thread")) {
				o->copy_mode = FX_OL_COPY_THREAD;
			} else {
				snprintf(err, errlen, "--copy-mode '%s': expected process or thread",
					 optarg);
				return -EINVAL;
			}
			break;
		case 'R':
			o->series = optarg;
			break;
		case 'h':
			o->help = true;
			return 0;
		case FX_CLI_KNOB_PLACEMENT:
		case FX_CLI_KNOB_REFCOUNT:
		case FX_CLI_KNOB_LINES:
			if (fx_cli_knob("trace replay", c, optarg, &o->knobs)) {
				snprintf(err, errlen, "bad layout knob (see above)");
				return -EINVAL;
			}
			break;
		default:
			snprintf(err, errlen, "unknown option '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		snprintf(err, errlen, "expected a trace FILE (see --help)");
		return -EINVAL;
	}
	o->trace = argv[optind++];
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)",
			 argv[optind]);
		return -EINVAL;
	}
	if (o->nnodes > o->ncpus) {
		snprintf(err, errlen, "--nodes %u exceeds --cpus %u", o->nnodes,
			 o->ncpus);
		return -EINVAL;
	}
	if (o->out) {
		ol = strlen(o->out);
		if (ol < 5 || strcmp(o->out + ol - 4, ".csv")) {
			snprintf(err, errlen, "--out '%s': expected FILE.csv", o->out);
			return -EINVAL;
		}
	}
	if (o->series) {
		ol = strlen(o->series);
		if (ol < 5 || strcmp(o->series + ol - 4, ".csv")) {
			snprintf(err, errlen, "--series '%s': expected FILE.csv", o->series);
			return -EINVAL;
		}
		if (o->out && !strcmp(o->out, o->series)) {
			snprintf(err, errlen, "--series '%s': the same file as --out", o->series);
			return -EINVAL;
		}
	}
	return 0;
}
