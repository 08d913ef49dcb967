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
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "futex_int.h"
#include "stats.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "trace/openloop.h"
#include "trace/tstats.h"

#define CHUNK		(2ull << 20)	/* lazy mappings: 2 MiB, aligned */
#define PAGE		4096ull
#define KC_BITS		13
#define KC_SIZE		(1u << KC_BITS)

/* ---- a set of three-word keys with an optional value ---- */

struct kset {
	uint64_t (*k)[3];
	uint32_t *v;			/* value + 1; 0 = empty slot */
	size_t mask, n;
};

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline size_t kh(uint64_t a, uint64_t b, uint64_t c)
{
	return mix64(a ^ mix64(b ^ mix64(c)));
}

static int kset_grow(struct kset *s)
{
	size_t cap = s->mask ? 2 * (s->mask + 1) : 256;
	uint64_t (*k)[3] = malloc(cap * sizeof(*k));
	uint32_t *v = calloc(cap, sizeof(*v));

	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; s->mask && i <= s->mask; i++) {
		size_t j;

		if (!s->v[i])
			continue;
		j = kh(s->k[i][0], s->k[i][1], s->k[i][2]) & (cap - 1);
		while (v[j])
			j = (j + 1) & (cap - 1);
		v[j] = s->v[i];
		memcpy(k[j], s->k[i], sizeof(k[j]));
	}
	free(s->k);
	free(s->v);
	s->k = k;
	s->v = v;
	s->mask = cap - 1;
	return 0;
}

/*
 * kset_get - the value of (a, b, c); when absent and @val is not
 * UINT32_MAX, insert it with @val.  Return: value, UINT32_MAX (absent, or
 * out of memory: *nomem).
 */
static uint32_t kset_get(struct kset *s, uint64_t a, uint64_t b, uint64_t c,
			 uint32_t val, bool *nomem)
{
	size_t i;

	if (2 * (s->n + 1) > s->mask + 1 && kset_grow(s)) {
		*nomem = true;
		return UINT32_MAX;
	}
	for (i = kh(a, b, c) & s->mask; s->v[i]; i = (i + 1) & s->mask)
		if (s->k[i][0] == a && s->k[i][1] == b && s->k[i][2] == c)
			return s->v[i] - 1;
	if (val == UINT32_MAX)
		return UINT32_MAX;
	s->k[i][0] = a;
	s->k[i][1] = b;
	s->k[i][2] = c;
	s->v[i] = val + 1;
	s->n++;
	return UINT32_MAX;
}

static void kset_free(struct kset *s)
{
	free(s->k);
	free(s->v);
}

/* ---- engine ---- */

struct thr {			/* one traced thread */
	struct fx_task *t;
	uint64_t wait_seq;	/* its pending wait end, 0: none */
};

struct pend {			/* a blocked wait's traced return */
	uint64_t t, seq;
	uint32_t thr;
};

struct kcent {			/* key cache entry */
	const struct fx_mm *mm;
	uint64_t uaddr;
	uint64_t gen;		/* 0: empty */
	unsigned flags;
	int err;
	union fx_key key;
	struct fx_hb *hb;
};

struct fx_openloop {
	struct fx_openloop_config cfg;
	struct fx_core *core;
	struct fx_openloop_result res;
	struct kset tids;		/* (tid, 0, 0) -> thr index */
	struct thr *thr;
	size_t nthr, thr_cap;
	struct kset chunks;		/* (mm, chunk, 0) mapped */
	struct kset keys;		/* distinct keys */
	struct kset files;		/* (inode, 0, 0) -> file index */
	struct fx_file **file;
	size_t nfile, file_cap;
	struct pend *heap;
	size_t nheap, heap_cap;
	uint64_t seq, gen, last_t, nqueued, since_sample;
	struct kcent *kc;
	uint32_t tc_tid[KC_SIZE], tc_idx[KC_SIZE];	/* tid -> thr cache */
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
	kset_free(&ol->tids);
	kset_free(&ol->chunks);
	kset_free(&ol->keys);
	kset_free(&ol->files);
	free(ol->thr);
	free(ol->file);
	free(ol->heap);
	free(ol->kc);
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
	ol->kc = calloc(KC_SIZE, sizeof(*ol->kc));
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
			if (fx_task_signal(t, 0) != 1)
				return ol_err(ol, -EINVAL, "tid %d: a signal did not wake it",
					      t->tid);
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
static struct fx_task *clone_thread(struct fx_mm *mm, int tid)
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
	nt = fx_task_clone(parent, tid, FX_CLONE_VM | FX_CLONE_THREAD, 0);
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

		if (th->t->mm->pid != (int)pid)
			return -ESRCH;	/* tid reused by another process */
		if (th->t->state != FX_TASK_RUNNING &&
		    (ret = wait_return(ol, th)))
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
		t = clone_thread(leader->mm, (int)tid);
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
	ol->thr[i] = (struct thr){ .t = t };
	kset_get(&ol->tids, tid, 0, 0, i, &nomem);
	if (nomem)
		return -ENOMEM;
	ol->gen++;		/* the private hash may have grown */
cpu:
	if (cpu != FX_TR_NO_CPU)
		fx_task_set_cpu(ol->thr[i].t, cpu % ol->core->cfg.ncpus);
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

static const struct kcent *key_of(struct fx_openloop *ol, struct fx_task *t,
				  uint64_t uaddr, unsigned flags)
{
	struct fx_mm *mm = t->mm;
	struct kcent *e = &ol->kc[mix64((uintptr_t)mm ^ (uaddr * 0x9e3779b97f4a7c15ull) ^
					flags) & (KC_SIZE - 1)];
	bool nomem = false;

	if (e->gen == ol->gen && e->mm == mm && e->uaddr == uaddr &&
	    e->flags == flags)
		return e;
	ensure_mapped(ol, mm, uaddr);
	e->mm = mm;
	e->uaddr = uaddr;
	e->flags = flags;
	e->gen = ol->gen;
	e->err = fx_get_futex_key(t, uaddr, flags, &e->key, FX_READ);
	e->hb = NULL;
	if (!e->err) {
		e->hb = fx_hash(ol->core, &e->key, mm, NULL);
		kset_get(&ol->keys, e->key.both.ptr, e->key.both.word,
			 e->key.both.offset, 0, &nomem);
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

static int do_wait(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		   struct thr *th, int nr, const uint64_t a[6], unsigned flags)
{
	struct fx_task *t = th->t;
	const struct kcent *e = key_of(ol, t, rec->uaddr, flags);
	struct fx_op_fact f = { 0 };
	struct fx_result res;
	int rc;

	if (!fx_tstats_blocked(rec)) {
		/* did not block: EAGAIN and the like lock the bucket, read
		 * the word and unlock; a key error locks nothing */
		ol->res.fast++;
		if (!e->err && rec->ret != -EINVAL && rec->ret != -ENOSYS &&
		    rec->ret != -EPERM) {
			f.nbuckets = 1;
			f.remote = e->hb->node != ol->core->cpu_node[t->cpu];
			chain_fact(e->hb, &e->key, t->mm, &f);
		}
		account(ol, &f);
		return 0;
	}
	if (e->err) {
		account(ol, &f);
		return 0;
	}
	fx_uaccess_put32(t->mm, rec->uaddr, rec->val);
	chain_fact(e->hb, &e->key, t->mm, &f);
	rc = fx_syscall(t, nr, a, &res);
	if (rc < 0)
		return ol_err(ol, rc, "tid %d: fx_syscall: %s", t->tid,
			      strerror(-rc));
	res_fact(ol, t, &res, &f);
	account(ol, &f);
	if (rc != FX_SLEEPING)
		return 0;
	ol->res.blocked++;
	if (++ol->nqueued > ol->res.max_waiters)
		ol->res.max_waiters = ol->nqueued;
	th->wait_seq = ++ol->seq;
	return heap_push(ol, (struct pend){
		.t = rec->ret == FX_TR_UNFINISHED ? UINT64_MAX :
		     rec->t_ns + rec->dur_ns,
		.seq = th->wait_seq, .thr = (uint32_t)(th - ol->thr) });
}

static int do_call(struct fx_openloop *ol, const struct fx_trace_rec *rec,
		   struct thr *th, int nr, const uint64_t a[6], unsigned flags,
		   bool two, bool fast_empty)
{
	struct fx_task *t = th->t;
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
		chain_fact(e->hb, &e->key, t->mm, &f);
	if (two) {
		e = key_of(ol, t, rec->uaddr2, flags);
		if (!e->err)
			chain_fact(e->hb, &e->key, t->mm, &f);
	}
	rc = fx_syscall(t, nr, a, &res);
	if (rc < 0)
		return ol_err(ol, rc, "tid %d: fx_syscall: %s", t->tid,
			      strerror(-rc));
	res_fact(ol, t, &res, &f);
	account(ol, &f);
	if (rc == FX_SLEEPING) {
		/* cannot happen for wakes and requeues */
		return ol_err(ol, -EINVAL, "tid %d: a wake slept", t->tid);
	}
	woke(ol, &res);
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

/* sample - the bucket loads of the waiters queued now (fx_loadstats) */
static int sample(struct fx_openloop *ol)
{
	struct sent *s = malloc((ol->nheap + 1) * sizeof(*s));
	struct stab *tab = NULL;
	size_t n = 0, ntab = 0;
	struct fx_loadstats *L = ol->res.load;

	ol->since_sample = 0;
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < ol->nheap; i++) {
		const struct thr *th = &ol->thr[ol->heap[i].thr];
		const struct fx_task *t = th->t;

		if (th->wait_seq != ol->heap[i].seq ||
		    t->state != FX_TASK_SLEEPING || !t->q.lock_ptr)
			continue;
		s[n++] = (struct sent){ .hb = t->q.lock_ptr, .key = t->q.key,
					.mm = t->mm, .cpu = t->cpu };
	}
	if (!n) {
		free(s);
		return 0;
	}
	tab = calloc(n, sizeof(*tab));
	if (!tab) {
		free(s);
		return -ENOMEM;
	}
	qsort(s, n, sizeof(*s), sent_cmp);
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
				fx_loadstats_access(L, s[j].hb->node !=
						    ol->core->cpu_node[s[j].cpu]);
		}
		fx_loadstats_bucket(L, load, multi);
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
		fx_loadstats_table(L, tab[k].size ? tab[k].size : 1, tab[k].n);
	ol->res.samples++;
	free(tab);
	free(s);
	return 0;
}

/* ---- records ---- */

int fx_openloop_add(struct fx_openloop *ol, const struct fx_trace_rec *rec)
{
	unsigned cmd;
	uint64_t a[6];
	long ti;
	struct thr *th;
	int ret;

	if (rec->t_ns < ol->last_t)
		return ol_err(ol, -EINVAL, "record %" PRIu64 ": time %" PRIu64 " before %" PRIu64,
			      ol->res.records, rec->t_ns, ol->last_t);
	ol->last_t = rec->t_ns;
	ol->res.records++;
	if ((ret = drain(ol, rec->t_ns)))
		return ret;
	switch (rec->kind) {
	case FX_TR_MAP:
		return do_map(ol, rec);
	case FX_TR_FUTEX:
	case FX_TR_FUTEX_WAIT:
	case FX_TR_FUTEX_WAKE:
		break;
	case FX_TR_FUTEX_WAITV:
	case FX_TR_FUTEX_REQUEUE:
		ol->res.calls++;
		ol->res.unmodeled++;
		return 0;
	default:
		return 0;
	}
	ol->res.calls++;
	ti = get_thread(ol, rec->pid, rec->tid, rec->cpu);
	if (ti == -ESRCH) {
		ol->res.unmodeled++;
		return 0;
	}
	if (ti < 0)
		return ti == -ENOMEM ? ol_err(ol, -ENOMEM, "out of memory") :
		       (int)ti;
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
			ret = do_call(ol, rec, th, FX_SYS_FUTEX, a, flags,
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
			ret = do_call(ol, rec, th, FX_SYS_FUTEX, a, flags,
				      true, false);
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

		ret = do_call(ol, rec, th, FX_SYS_FUTEX_WAKE, b,
			      fx_futex2_to_flags(rec->op), false, true);
	}
	if (!ret && ol->since_sample >= ol->cfg.sample_every && ol->nqueued)
		ret = sample(ol);
	return ret;
}

int fx_openloop_finish(struct fx_openloop *ol)
{
	int ret;

	if (ol->nqueued && (ret = sample(ol)))
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
	return 0;
}
