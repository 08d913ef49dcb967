// SPDX-License-Identifier: MIT
/*
 * futex_core.c - the simulated kernel's futex core: keys, the hashing
 * seam, bucket queueing, the wake queue, and the core object itself.
 *
 * Kernel counterpart: kernel/futex/core.c (get_futex_key, futex_hash,
 * __futex_queue, futex_unqueue, futex_top_waiter, requeue_futex).  Facts
 * with their sources are in docs/kernel-facts.md.
 *
 * The model runs each system call atomically, as if every bucket lock it
 * takes were held for the whole call, so the kernel's lockless waiter
 * counter is exact here and the lock_ptr retry loops never spin.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "futex_int.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"

int fx_errf(struct fx_core *core, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(core->errmsg, sizeof(core->errmsg), fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}

const char *fx_core_errmsg(const struct fx_core *core)
{
	return core->errmsg;
}

/* ---- the core object ---- */

struct fx_core *fx_core_new(const struct fx_core_config *cfg)
{
	struct fx_core *core = calloc(1, sizeof(*core));
	int ret;

	if (!core) {
		errno = ENOMEM;
		return NULL;
	}
	core->cfg = *cfg;
	if (!core->cfg.ncpus)
		core->cfg.ncpus = 1;
	if (!core->cfg.nnodes)
		core->cfg.nnodes = 1;
	if (core->cfg.nnodes > core->cfg.ncpus || core->cfg.bucket_lines > 2 ||
	    (core->cfg.placement != FX_PLACE_INTERLEAVE &&
	     core->cfg.placement != FX_PLACE_NODE0) ||
	    (core->cfg.refcount != FX_REF_PERCPU &&
	     core->cfg.refcount != FX_REF_ATOMIC) ||
	    (core->cfg.hash_slots &&
	     (core->cfg.hash_slots & (core->cfg.hash_slots - 1)))) {
		free(core);
		errno = EINVAL;
		return NULL;
	}
	core->hasher = cfg->hasher ? cfg->hasher : &fx_hasher_jhash2;
	core->layout_ops = cfg->layout ? cfg->layout : &fx_layout_private;
	core->cpu_node = calloc(core->cfg.ncpus, sizeof(int));
	if (!core->cpu_node)
		goto nomem;
	for (unsigned c = 0; c < core->cfg.ncpus; c++) {
		int n = cfg->cpu_node ? cfg->cpu_node[c] :
			(int)(c * core->cfg.nnodes / core->cfg.ncpus);

		if (n < 0 || (unsigned)n >= core->cfg.nnodes) {
			free(core->cpu_node);
			free(core);
			errno = EINVAL;
			return NULL;
		}
		core->cpu_node[c] = n;
	}
	core->cfg.cpu_node = NULL;
	list_init(&core->mms);
	list_init(&core->files);
	list_init(&core->tasks);
	list_init(&core->pi_states);
	core->next_kptr = 0xffff888100000000ull;
	ret = core->layout_ops->init(core, &core->layout);
	if (ret) {
		free(core->cpu_node);
		free(core);
		errno = -ret;
		return NULL;
	}
	return core;
nomem:
	free(core);
	errno = ENOMEM;
	return NULL;
}

void fx_core_free(struct fx_core *core)
{
	struct fx_task *t, *tn;
	struct fx_mm *mm, *mn;
	struct fx_file *f, *fn;
	struct fx_pi_state *ps, *pn;

	if (!core)
		return;
	list_for_each_entry_safe(t, tn, &core->tasks, all)
		fx_task_free(t);
	list_for_each_entry_safe(ps, pn, &core->pi_states, all) {
		list_del_init(&ps->all);
		free(ps);
	}
	list_for_each_entry_safe(mm, mn, &core->mms, node) {
		if (core->layout_ops->mm_fini)
			core->layout_ops->mm_fini(core, core->layout, mm);
		fx_mm_free(mm);
	}
	list_for_each_entry_safe(f, fn, &core->files, node)
		fx_file_free(f);
	core->layout_ops->fini(core, core->layout);
	free(core->tid_tab);
	free(core->wq);
	free(core->cpu_node);
	free(core);
}

/* ---- flags ---- */

unsigned fx_futex_to_flags(unsigned op)
{
	unsigned flags = FX_FLAGS_SIZE_32;

	if (!(op & FX_PRIVATE_FLAG))
		flags |= FX_FLAGS_SHARED;
	if (op & FX_CLOCK_REALTIME)
		flags |= FX_FLAGS_CLOCKRT;
	return flags;
}

unsigned fx_futex2_to_flags(unsigned flags2)
{
	unsigned flags = flags2 & FX2_SIZE_MASK;

	if (!(flags2 & FX2_PRIVATE))
		flags |= FX_FLAGS_SHARED;
	if (flags2 & FX2_NUMA)
		flags |= FX_FLAGS_NUMA;
	if (flags2 & FX2_MPOL)
		flags |= FX_FLAGS_MPOL;
	return flags;
}

bool fx_flags_valid(unsigned flags)
{
	/* Only 32-bit futexes are implemented. */
	return (flags & FX_FLAGS_SIZE_MASK) == FX_FLAGS_SIZE_32;
}

bool fx_validate_input(unsigned flags, uint64_t val)
{
	unsigned bits = 8u << (flags & FX_FLAGS_SIZE_MASK);

	return bits >= 64 || !(val >> bits);
}

/* ---- user memory as the futex code touches it ---- */

int fx_get_value(struct fx_mm *mm, uint64_t uaddr, uint32_t *val)
{
	return fx_uaccess_get32(mm, uaddr, val);
}

int fx_put_value(struct fx_mm *mm, uint64_t uaddr, uint32_t val)
{
	return fx_uaccess_put32(mm, uaddr, val);
}

int fx_cmpxchg_value(struct fx_mm *mm, uint64_t uaddr, uint32_t expect,
		     uint32_t newval, uint32_t *old)
{
	return fx_uaccess_cmpxchg32(mm, uaddr, expect, newval, old);
}

/* ---- keys ---- */

static uint64_t inode_seq(struct fx_core *core, struct fx_file *f)
{
	/* get_inode_sequence_number(): lazily from a global counter. */
	if (!f->i_seq)
		f->i_seq = ++core->inode_seq;
	return f->i_seq;
}

/* futex_mpol(): the node a VMA's memory policy names, if any. */
static int futex_mpol(struct fx_task *t, uint64_t addr)
{
	struct fx_vma *v = fx_find_vma(t->mm, addr);

	if (!v)
		return FX_NO_NODE;
	switch (v->mpol_mode) {
	case FX_MPOL_PREFERRED:
	case FX_MPOL_PREFERRED_MANY:
	case FX_MPOL_BIND:
		return v->mpol_node;
	default:
		return FX_NO_NODE;
	}
}

/**
 * fx_get_futex_key - compute the key of @uaddr for task @t
 * @t:     the calling task
 * @uaddr: the futex address
 * @flags: FX_FLAGS_*
 * @key:   out
 * @rw:    FX_READ or FX_WRITE: whether the op will write the word
 *
 * Follows get_futex_key(): alignment (size, doubled for NUMA) -> EINVAL,
 * beyond TASK_SIZE -> EFAULT, the NUMA node word (read, validated, written
 * back if chosen here), then private keys without any mapping check, and
 * shared keys from the page: anonymous (needs a writable page) or
 * file/shmem inode.
 *
 * Return: 0, -EINVAL or -EFAULT.
 */
int fx_get_futex_key(struct fx_task *t, uint64_t uaddr, unsigned flags,
		     union fx_key *key, enum fx_access rw)
{
	struct fx_mm *mm = t->mm;
	uint64_t address = uaddr, size = 1u << (flags & FX_FLAGS_SIZE_MASK);
	int node = FX_NO_NODE;
	bool node_updated = false;
	struct fx_vma *v;
	uint8_t *page;
	bool ro = false;

	memset(key, 0, sizeof(*key));
	if (flags & FX_FLAGS_NUMA)
		size *= 2;
	key->both.offset = (uint32_t)(address % FX_PAGE_SIZE);
	if (address % size)
		return -EINVAL;
	address -= key->both.offset;
	if (uaddr + size > FX_TASK_SIZE || uaddr + size < uaddr)
		return -EFAULT;

	if (flags & FX_FLAGS_NUMA) {
		uint32_t n;

		if (fx_get_value(mm, uaddr + size / 2, &n))
			return -EFAULT;
		node = (int)n;
		if (node != FX_NO_NODE && n >= t->core->cfg.nnodes)
			return -EINVAL;
	}
	if (node == FX_NO_NODE && (flags & FX_FLAGS_MPOL)) {
		node = futex_mpol(t, address);
		node_updated = true;
	}
	if (flags & FX_FLAGS_NUMA) {
		if (node == FX_NO_NODE) {
			node = t->core->cpu_node[t->cpu];
			node_updated = true;
		}
		if (node_updated && fx_put_value(mm, uaddr + size / 2,
						 (uint32_t)node))
			return -EFAULT;
	}
	key->both.node = (uint32_t)node;

	if (!(flags & FX_FLAGS_SHARED)) {
		key->private.mm = mm->kptr;
		key->private.address = address;
		return 0;
	}

	/* get_user_pages_fast(FOLL_WRITE), then read-only for FX_READ. */
	page = fx_page_lookup(mm, address, true, &v);
	if (!page && rw == FX_READ) {
		page = fx_page_lookup(mm, address, false, &v);
		ro = true;
	}
	if (!page)
		return -EFAULT;
	if (fx_page_is_anon(v, address)) {
		/* Anonymous page (incl. a COW copy of a private file page). */
		if (ro)
			return -EFAULT;
		key->both.offset |= FX_FUT_OFF_MMSHARED;
		key->private.mm = mm->kptr;
		key->private.address = address;
		return 0;
	}
	key->both.offset |= FX_FUT_OFF_INODE;
	key->shared.i_seq = inode_seq(t->core, v->obj->file);
	key->shared.pgoff = v->pgoff + (address - v->start) / FX_PAGE_SIZE;
	return 0;
}

/* ---- hashing seam ---- */

struct fx_hb *fx_hash(struct fx_core *core, const union fx_key *key,
		      struct fx_mm *mm, struct fx_hash_info *info)
{
	struct fx_hash_info tmp;

	return core->layout_ops->bucket(core, core->layout, key, mm,
					info ? info : &tmp);
}

/*
 * fx_hb_rehash - move every waiter of @old[0..n) whose key hashes
 * elsewhere now to its current bucket, in chain order; the others stay
 * where they are, in their order.
 */
void fx_hb_rehash(struct fx_core *core, struct fx_hb *old, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct fx_q *q, *tmp;

		plist_for_each_entry_safe(q, tmp, &old[i].chain, list) {
			struct fx_hb *hb = fx_hash(core, &q->key, q->task->mm,
						   NULL);

			if (hb == &old[i])
				continue;
			plist_del(&q->list, &old[i].chain);
			old[i].waiters--;
			plist_add(&q->list, &hb->chain);
			hb->waiters++;
			q->lock_ptr = hb;
		}
	}
}

/* ---- queueing ---- */

int fx_q_prio(const struct fx_task *t)
{
	return t->normal_prio < FX_MAX_RT_PRIO ? t->normal_prio :
	       FX_MAX_RT_PRIO;
}

void fx_q_init(struct fx_q *q, struct fx_task *t)
{
	memset(q, 0, sizeof(*q));
	plist_node_init(&q->list, fx_q_prio(t));
	q->task = t;
	q->wake = fx_wake_mark;
	q->bitset = FX_BITSET_MATCH_ANY;
}

/**
 * fx_queue - enqueue @q on @hb (__futex_queue)
 * @q:  an initialised futex_q with its key set
 * @hb: its bucket
 *
 * Wake priority is min(normal_prio, MAX_RT_PRIO): RT tasks by priority,
 * everyone else FIFO behind them.
 */
void fx_queue(struct fx_q *q, struct fx_hb *hb)
{
	plist_node_init(&q->list, fx_q_prio(q->task));
	plist_add(&q->list, &hb->chain);
	hb->waiters++;
	q->lock_ptr = hb;
}

/* fx_unqueue_locked - __futex_unqueue: unlink @q, keep lock_ptr. */
void fx_unqueue_locked(struct fx_q *q)
{
	struct fx_hb *hb = q->lock_ptr;

	if (!hb || plist_node_empty(&q->list))
		return;
	plist_del(&q->list, &hb->chain);
	hb->waiters--;
}

/**
 * fx_unqueue - futex_unqueue(): remove @q unless a waker already did
 * @q: the futex_q
 *
 * Return: true if @q was still queued (we removed it), false if a waker
 * had taken it.
 */
bool fx_unqueue(struct fx_q *q)
{
	if (!q->lock_ptr)
		return false;
	fx_note_bucket(q->task->core, q->lock_ptr);
	fx_unqueue_locked(q);
	q->lock_ptr = NULL;
	return true;
}

/**
 * fx_requeue_q - requeue_futex(): move @q from @hb1 to @hb2 under @key2
 * @q: a queued futex_q
 * @hb1: its bucket; @hb2: the target bucket; @key2: the target key
 *
 * When the buckets differ the node goes behind the equal-prio waiters on
 * @hb2; when they are the same bucket its chain position is kept.
 */
void fx_requeue_q(struct fx_q *q, struct fx_hb *hb1, struct fx_hb *hb2,
		  const union fx_key *key2)
{
	if (hb1 != hb2) {
		plist_del(&q->list, &hb1->chain);
		hb1->waiters--;
		plist_add(&q->list, &hb2->chain);
		hb2->waiters++;
		q->lock_ptr = hb2;
	}
	q->key = *key2;
}

struct fx_q *fx_top_waiter(struct fx_core *core, struct fx_hb *hb,
			   const union fx_key *key)
{
	struct fx_q *q;

	plist_for_each_entry(q, &hb->chain, list) {
		fx_note_walk(core, q, key);
		if (fx_key_match(&q->key, key))
			return q;
	}
	return NULL;
}

/* ---- what a call did ---- */

void fx_note_bucket(struct fx_core *core, const struct fx_hb *hb)
{
	struct fx_result *res = core->res;

	if (!res)
		return;
	for (unsigned i = 0; i < res->nbuckets; i++)
		if (res->bucket[i] == hb)
			return;
	if (res->nbuckets < 2)
		res->bucket[res->nbuckets++] = hb;
}

void fx_note_walk(struct fx_core *core, const struct fx_q *q,
		  const union fx_key *key)
{
	struct fx_result *res = core->res;

	if (!res)
		return;
	res->walked++;
	if (!fx_key_match(&q->key, key))
		res->foreign++;
}

/* ---- waking ---- */

/* fx_wake_q_add - wake_q_add(): queue @t once per call (O(1)). */
void fx_wake_q_add(struct fx_core *core, struct fx_task *t)
{
	if (t->in_wake_q)
		return;
	if (core->wq_len == core->wq_cap) {
		unsigned cap = core->wq_cap ? core->wq_cap * 2 : 16;
		struct fx_task **n = realloc(core->wq, cap * sizeof(*n));

		if (!n)
			abort();	/* the model cannot lose a wakeup */
		core->wq = n;
		core->wq_cap = cap;
	}
	core->wq[core->wq_len++] = t;
	t->in_wake_q = true;
}

/**
 * fx_wake_mark - futex_wake_mark(): take @q off its bucket and queue its
 * task for wakeup
 * @core: the core
 * @q:    a queued, non-PI futex_q
 *
 * Unlinking and clearing lock_ptr is what "woken" means to the waiter.
 */
void fx_wake_mark(struct fx_core *core, struct fx_q *q)
{
	fx_unqueue_locked(q);
	q->lock_ptr = NULL;
	fx_wake_q_add(core, q->task);
}

void fx_task_sleep(struct fx_task *t, fx_resume_fn resume)
{
	t->state = FX_TASK_SLEEPING;
	t->resume = resume;
}

/* ---- inspection ---- */

int fx_futex_locate(struct fx_task *t, uint64_t uaddr, unsigned flags2,
		    struct fx_hash_info *info)
{
	union fx_key key;
	int ret;

	ret = fx_get_futex_key(t, uaddr, fx_futex2_to_flags(flags2) |
			       FX_FLAGS_SIZE_32, &key, FX_READ);
	if (ret)
		return ret;
	fx_hash(t->core, &key, t->mm, info);
	return 0;
}

int fx_futex_waiters(struct fx_task *t, uint64_t uaddr, unsigned flags2)
{
	union fx_key key;
	struct fx_hb *hb;
	struct fx_q *q;
	int n = 0, ret;

	ret = fx_get_futex_key(t, uaddr, fx_futex2_to_flags(flags2) |
			       FX_FLAGS_SIZE_32, &key, FX_READ);
	if (ret)
		return ret;
	hb = fx_hash(t->core, &key, t->mm, NULL);
	plist_for_each_entry(q, &hb->chain, list)
		n += fx_key_match(&q->key, &key);
	return n;
}

int fx_private_hash_slots(struct fx_task *t)
{
	const struct fx_layout_ops *l = t->core->layout_ops;

	if (!l->prctl)
		return 0;
	return (int)l->prctl(t->core, t->core->layout, t->mm,
			     FX_PR_FUTEX_HASH_GET_SLOTS, 0, 0);
}
