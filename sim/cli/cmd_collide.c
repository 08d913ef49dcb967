// SPDX-License-Identifier: MIT
/*
 * cmd_collide.c - "futexsim collide": collision metrics of key sets and
 * open-loop op streams, over hasher x layout x table size.
 *
 * For every key spec (sim/keygen.h), hasher, layout and table size:
 *
 *  1. Key set: every generated futex is live at once.  Each (key, process)
 *     entry is placed with the layout's bucket() through fx_hash(), on a
 *     core whose processes have the generated mm addresses; the loads per
 *     bucket feed struct fx_loadstats (occupancy against balls into bins,
 *     chi-square, max-load ratio, cross-process buckets, remote share).
 *
 *  2. Op stream: --ops operations, open loop, seeded.  Each picks an entry
 *     uniformly; with c waiters already queued for that entry, it is a
 *     wait (adds a waiter) if c = 0, a wake of one (FUTEX_WAKE, nr = 1)
 *     if c = --waiters, else either with probability 1/2.  A wake wakes
 *     the first waiter of the key in chain order, whichever entry queued
 *     it.  Two engines, with the same definitions (sim/stats.h):
 *       core  every op is fx_syscall() on the real futex core (tasks,
 *             mappings, FUTEX_WAIT/FUTEX_WAKE); walked/foreign/nbuckets
 *             come from struct fx_result, collisions from the bucket
 *             chain as it is when the op takes the lock.
 *       fast  the bucket of each entry from the layout's bucket() (as in
 *             1), and a FIFO chain per bucket kept here: a wait walks
 *             nothing, a wake walks from the head to the first waiter of
 *             its key.  This is what the core does for these two ops with
 *             SCHED_OTHER tasks (plist FIFO within one priority), and
 *             scripts/check-collide.sh checks that both engines print the
 *             same numbers.  It runs ~10x faster than the core.
 *
 * Table size (--slots): for a layout with a process-private hash
 * (prctl(PR_FUTEX_HASH)), the private-hash slot count set with
 * PR_FUTEX_HASH_SET_SLOTS in every process (the global tables keep the
 * kernel's size for --cpus/--nodes); for every other layout the global
 * table size, cfg.hash_slots.  A power of two, 2..2^24.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "futex_int.h"
#include "keygen.h"
#include "stats.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"

/* The bundled default study: one key set of each kind a real program has. */
#define DEFAULT_KEYS "page:n=1000;heap:n=2000;stack:threads=64;shm:procs=16,n=16;samevaddr:procs=16,n=16"

static const char collide_usage[] =
	"usage: futexsim collide --keys SPEC[;SPEC...] [--hash H1,H2,...]\n"
	"                        [--layout L1,L2,...] [--slots N1,N2,...]\n"
	"                        [--cpus N] [--nodes N] [--seed S] [--ops N]\n"
	"                        [--waiters W] [--engine fast|core]\n"
	"                        [--out FILE.csv|FILE.json] [--json] [--timing]\n"
	"  Collision metrics (docs/metrics.md) of key sets and op streams.\n"
	"  --keys SPEC     key sets, ';'-separated, FAMILY[:param=value,...]\n"
	"  --hash LIST     hashers (default jhash2; 'futexsim list --hashers')\n"
	"  --layout LIST   layouts (default private)\n"
	"  --slots LIST    table sizes, powers of two 2..2^24 (default\n"
	"                  16,64,256,1024,4096): private-hash slots for a layout\n"
	"                  with PR_FUTEX_HASH, else the global table size\n"
	"  --cpus N        CPUs (default 4)       --nodes N  NUMA nodes (default 1)\n"
	"  --seed S        seeds the keys and the op stream (default 1)\n"
	"  --hash-seed S   the hashers' seed (default 0: kernel functions exact)\n"
	"  --ops N         open-loop ops per configuration (default 100000; 0: none)\n"
	"  --waiters W     max waiters per (futex, process) entry (default 1)\n"
	"  --engine E      fast: chains kept here (default); core: fx_syscall()\n"
	"  --out FILE      write CSV (JSON if FILE ends in .json), atomically\n"
	"  --json          print JSON on stdout instead of the table\n"
	"  --timing        print key-set throughput (keys/s) to stderr\n"
	FX_CLI_KNOB_HELP
	"Without --keys the bundled default study runs: " DEFAULT_KEYS "\n"
	"key families:\n";

#define CMD "collide"

/* ---- an open-addressing map from three words to a dense index ---- */

struct omap {
	uint64_t (*k)[3];
	uint32_t *v;		/* index + 1; 0 = empty */
	size_t mask;
	uint32_t n;
};

static int omap_init(struct omap *m, size_t want)
{
	size_t cap = 16;

	while (cap < want * 2)
		cap <<= 1;
	m->k = malloc(cap * sizeof(*m->k));
	m->v = calloc(cap, sizeof(*m->v));
	m->mask = cap - 1;
	m->n = 0;
	return m->k && m->v ? 0 : -ENOMEM;
}

static void omap_fini(struct omap *m)
{
	free(m->k);
	free(m->v);
}

static inline uint64_t omap_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* omap_get - the index of (a,b,c), added as m->n if new; *added says so */
static inline uint32_t omap_get(struct omap *m, uint64_t a, uint64_t b,
				uint64_t c, bool *added)
{
	size_t i = omap_mix(a ^ omap_mix(b ^ omap_mix(c))) & m->mask;

	for (;; i = (i + 1) & m->mask) {
		if (!m->v[i]) {
			m->k[i][0] = a;
			m->k[i][1] = b;
			m->k[i][2] = c;
			m->v[i] = ++m->n;
			*added = true;
			return m->n - 1;
		}
		if (m->k[i][0] == a && m->k[i][1] == b && m->k[i][2] == c) {
			*added = false;
			return m->v[i] - 1;
		}
	}
}

/* ---- one configuration ---- */

struct bslot {			/* one non-empty bucket */
	const struct fx_hb *hb;
	uint32_t table;
	uint32_t load;		/* distinct keys */
	uint32_t pid0;		/* first user process */
	bool multi;		/* a second process uses it */
	/* fast engine: the chain, FIFO */
	uint32_t head, tail;	/* waiter node + 1; 0 = none */
	uint32_t nwaiters;
};

struct wnode {			/* fast engine: one queued waiter */
	uint32_t entry;
	uint32_t next, prev;	/* node + 1 */
};

struct tinfo {
	uint64_t size, n;	/* buckets (largest table_size seen), keys */
	uint32_t *slot;		/* bucket index -> bucket slot + 1 */
	size_t cap;
};

struct run {
	/* configuration */
	const struct fx_keyset *ks;
	const struct fx_hasher *hasher;
	const struct fx_layout_ops *layout;
	unsigned slots, ncpus, nnodes, waiters;
	uint64_t seed, hash_seed, nops;
	bool core_engine;
	/* model */
	struct fx_core *core;
	struct fx_task **leader;	/* [nprocs] */
	/* key set */
	uint32_t *ekey;			/* entry -> distinct key */
	uint32_t *eslot;		/* entry -> bucket slot */
	struct bslot *slot;
	struct tinfo *tab;
	uint32_t nslots, ntabs;
	/* results (heap: ~100 KB together) */
	struct fx_loadstats *load;
	struct fx_opstats *ops;
	double keyset_sec;
	char err[256];
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The layouts' knobs (--placement, --refcount, --bucket-lines), the same
 * for every configuration of one command; they are in the provenance
 * line's args. */
static struct fx_core_config knobs;

static int run_core_new(struct run *r)
{
	const struct fx_keyset *ks = r->ks;
	struct fx_core_config cfg = knobs;
	uint64_t a[6] = { FX_PR_FUTEX_HASH, FX_PR_FUTEX_HASH_SET_SLOTS,
			  r->slots, 0, 0, 0 };

	cfg.hasher = r->hasher;
	cfg.layout = r->layout;
	cfg.seed = r->hash_seed;
	cfg.ncpus = r->ncpus;
	cfg.nnodes = r->nnodes;
	if (!r->layout->prctl)
		cfg.hash_slots = r->slots;
	r->core = fx_core_new(&cfg);
	if (!r->core) {
		snprintf(r->err, sizeof(r->err), "layout %s with %u slots, %u CPUs, %u nodes: %s",
			 r->layout->name, r->slots, r->ncpus, r->nnodes,
			 strerror(errno));
		return -1;
	}
	r->leader = calloc(ks->nprocs, sizeof(*r->leader));
	if (!r->leader)
		goto nomem;
	for (unsigned p = 0; p < ks->nprocs; p++) {
		struct fx_result res;

		r->leader[p] = fx_mm_new(r->core, (int)p + 1);
		if (!r->leader[p])
			goto nomem;
		fx_task_mm(r->leader[p])->kptr = ks->mm_kptr[p];
		if (r->layout->prctl &&
		    (fx_syscall(r->leader[p], FX_SYS_PRCTL, a, &res) != FX_DONE ||
		     res.ret)) {
			snprintf(r->err, sizeof(r->err), "layout %s: PR_FUTEX_HASH_SET_SLOTS %u failed (%ld)",
				 r->layout->name, r->slots, res.ret);
			return -1;
		}
	}
	return 0;
nomem:
	snprintf(r->err, sizeof(r->err), "out of memory");
	return -1;
}

/*
 * run_keyset - place every entry, count loads per bucket and table.
 * A table is what the layout reports in fx_hash_info: its table id, and
 * for a process-private table (id < 0) the process; a bucket is its index
 * in that table.  Distinct keys come from the generator's key_id
 * (test_keygen checks that equal ids mean equal keys).
 */
static int run_keyset(struct run *r)
{
	const struct fx_keyset *ks = r->ks;
	size_t maxtab = ks->nprocs + r->nnodes + 16;
	struct omap tmap;
	uint8_t *seen = calloc(ks->nkeyids ? ks->nkeyids : 1, 1);
	int lasttable = INT32_MIN;
	const struct fx_mm *lastmm = NULL;
	uint32_t lastti = 0, nslots = 0;
	int ret = -1;
	double t0;

	r->ekey = malloc(ks->nkeys * sizeof(*r->ekey));
	r->eslot = malloc(ks->nkeys * sizeof(*r->eslot));
	r->slot = malloc(ks->nkeys * sizeof(*r->slot));
	r->tab = calloc(maxtab, sizeof(*r->tab));
	if (omap_init(&tmap, maxtab) || !seen || !r->ekey || !r->eslot ||
	    !r->slot || !r->tab) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	t0 = now_sec();
	for (size_t e = 0; e < ks->nkeys; e++) {
		const struct fx_keygen_key *k = &ks->keys[e];
		struct fx_mm *mm = fx_task_mm(r->leader[k->proc]);
		struct fx_hash_info info;
		const struct fx_hb *hb = fx_hash(r->core, &k->key, mm, &info);
		const struct fx_mm *tmm = info.table < 0 ? mm : NULL;
		struct tinfo *t;
		struct bslot *s;
		uint32_t bi;

		if (info.table != lasttable || tmm != lastmm) {
			bool added;

			lastti = omap_get(&tmap, (uint64_t)(int64_t)info.table,
					  (uintptr_t)tmm, 0, &added);
			if (lastti >= maxtab) {
				snprintf(r->err, sizeof(r->err), "layout %s: more than %zu tables",
					 r->layout->name, maxtab);
				goto out;
			}
			lasttable = info.table;
			lastmm = tmm;
		}
		t = &r->tab[lastti];
		if (info.table_size > t->size)
			t->size = info.table_size;
		if (info.bucket >= t->cap) {
			size_t cap = t->cap ? t->cap : 16;
			uint32_t *n;

			while (cap <= info.bucket || cap < t->size)
				cap *= 2;
			n = realloc(t->slot, cap * sizeof(*n));
			if (!n) {
				snprintf(r->err, sizeof(r->err), "out of memory");
				goto out;
			}
			memset(n + t->cap, 0, (cap - t->cap) * sizeof(*n));
			t->slot = n;
			t->cap = cap;
		}
		bi = t->slot[info.bucket];
		if (!bi) {
			bi = t->slot[info.bucket] = ++nslots;
			r->slot[bi - 1] = (struct bslot){
				.hb = hb, .table = lastti, .pid0 = k->proc };
		}
		s = &r->slot[--bi];
		if (k->proc != s->pid0)
			s->multi = true;
		if (!seen[k->key_id]) {
			seen[k->key_id] = 1;
			s->load++;
			t->n++;
		}
		r->ekey[e] = k->key_id;
		r->eslot[e] = bi;
		fx_loadstats_access(r->load,
				    hb->node != r->core->cpu_node[k->cpu]);
	}
	r->keyset_sec = now_sec() - t0;
	r->nslots = nslots;
	r->ntabs = tmap.n;
	for (uint32_t i = 0; i < r->nslots; i++)
		fx_loadstats_bucket(r->load, r->slot[i].load, r->slot[i].multi);
	for (uint32_t i = 0; i < r->ntabs; i++)
		fx_loadstats_table(r->load, r->tab[i].size, r->tab[i].n);
	ret = 0;
out:
	free(seen);
	omap_fini(&tmap);
	return ret;
}

static uint64_t rng_next(uint64_t *s)
{
	return omap_mix(*s += 0x9e3779b97f4a7c15ull);
}

/* op_pick - the next op: entry and whether it is a wait */
static uint32_t op_pick(struct run *r, uint64_t *rng, const uint32_t *count,
			bool *wait)
{
	uint64_t x = rng_next(rng);
	uint32_t e = (uint32_t)((x >> 1) % r->ks->nkeys);
	uint32_t c = count[e];

	*wait = c == 0 || (c < r->waiters && (x & 1));
	return e;
}

static int run_ops_fast(struct run *r)
{
	const struct fx_keyset *ks = r->ks;
	uint32_t *count = calloc(ks->nkeys, sizeof(*count));
	uint32_t *kwait = calloc(ks->nkeyids ? ks->nkeyids : 1, sizeof(*kwait));
	size_t ncap = 1024, nn = 0;
	struct wnode *node = malloc(ncap * sizeof(*node));
	uint32_t freel = 0;		/* free node list, node + 1 */
	uint64_t rng = r->seed ^ 0x6f70737472656d31ull;	/* "opstrem1" */
	int ret = -1;

	if (!count || !kwait || !node)
		goto out;
	for (uint32_t i = 0; i < r->nslots; i++)
		r->slot[i].head = r->slot[i].tail = r->slot[i].nwaiters = 0;
	for (uint64_t op = 0; op < r->nops; op++) {
		struct fx_op_fact f = { .nbuckets = 1 };
		bool wait;
		uint32_t e = op_pick(r, &rng, count, &wait);
		uint32_t ki = r->ekey[e], me = ks->keys[e].proc;
		struct bslot *s = &r->slot[r->eslot[e]];

		f.collided = s->nwaiters > kwait[ki];
		for (uint32_t w = f.collided ? s->head : 0; w; w = node[w - 1].next) {
			uint32_t oe = node[w - 1].entry;

			if (r->ekey[oe] != ki && ks->keys[oe].proc != me) {
				f.xproc = true;
				break;
			}
		}
		f.remote = s->hb->node != r->core->cpu_node[ks->keys[e].cpu];
		if (wait) {
			uint32_t w;

			if (freel) {
				w = freel;
				freel = node[w - 1].next;
			} else {
				if (nn == ncap) {
					struct wnode *n2 = realloc(node, 2 * ncap * sizeof(*node));

					if (!n2)
						goto out;
					node = n2;
					ncap *= 2;
				}
				w = (uint32_t)++nn;
			}
			node[w - 1] = (struct wnode){ .entry = e, .prev = s->tail };
			if (s->tail)
				node[s->tail - 1].next = w;
			else
				s->head = w;
			s->tail = w;
			s->nwaiters++;
			kwait[ki]++;
			count[e]++;
		} else {
			uint32_t w;

			for (w = s->head; w; w = node[w - 1].next) {
				f.walked++;
				if (r->ekey[node[w - 1].entry] == ki)
					break;
				f.foreign++;
			}
			if (!w) {	/* cannot happen: count[e] > 0 */
				snprintf(r->err, sizeof(r->err), "fast engine: lost waiter");
				goto out;
			}
			if (node[w - 1].prev)
				node[node[w - 1].prev - 1].next = node[w - 1].next;
			else
				s->head = node[w - 1].next;
			if (node[w - 1].next)
				node[node[w - 1].next - 1].prev = node[w - 1].prev;
			else
				s->tail = node[w - 1].prev;
			s->nwaiters--;
			kwait[ki]--;
			count[node[w - 1].entry]--;
			node[w - 1].next = freel;
			freel = w;
		}
		fx_opstats_add(r->ops, &f);
	}
	ret = 0;
out:
	if (ret && !r->err[0])
		snprintf(r->err, sizeof(r->err), "out of memory");
	free(count);
	free(kwait);
	free(node);
	return ret;
}

/* ---- the core engine ---- */

struct taskpool {
	struct fx_task **t;
	size_t n, cap;
};

static int pool_push(struct taskpool *p, struct fx_task *t)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		struct fx_task **n = realloc(p->t, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->t = n;
		p->cap = cap;
	}
	p->t[p->n++] = t;
	return 0;
}

/* core_map - build every mapping of the key set in the model */
static int core_map(struct run *r)
{
	const struct fx_keyset *ks = r->ks;
	struct fx_file **files = calloc(ks->nsegs + 1, sizeof(*files));
	int ret = 0;

	if (!files)
		return -ENOMEM;
	for (unsigned s = 0; s < ks->nsegs && !ret; s++) {
		files[s] = fx_file_new(r->core);
		if (!files[s])
			ret = -ENOMEM;
		else
			files[s]->i_seq = ks->seg_iseq[s];
	}
	if (ks->nsegs)
		r->core->inode_seq = ks->seg_iseq[ks->nsegs - 1];
	for (size_t i = 0; i < ks->nmaps && !ret; i++) {
		const struct fx_keygen_map *m = &ks->maps[i];
		struct fx_mm *mm = fx_task_mm(r->leader[m->proc]);

		if (m->seg < 0)
			ret = fx_mmap(mm, m->start, m->len,
				      FX_PROT_READ | FX_PROT_WRITE,
				      FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0);
		else
			ret = fx_mmap(mm, m->start, m->len,
				      FX_PROT_READ | FX_PROT_WRITE,
				      FX_MAP_SHARED, files[m->seg], 0);
	}
	free(files);
	return ret;
}

static int run_ops_core(struct run *r)
{
	const struct fx_keyset *ks = r->ks;
	struct taskpool *idle = calloc(ks->nprocs, sizeof(*idle));
	uint32_t *count = calloc(ks->nkeys, sizeof(*count));
	uint32_t *tentry = NULL;
	size_t tcap = 0;
	int next_tid = (int)ks->nprocs + 1;
	uint64_t rng = r->seed ^ 0x6f70737472656d31ull;
	int ret;

	if (!idle || !count) {
		ret = -ENOMEM;
		goto out;
	}
	ret = core_map(r);
	if (ret) {
		snprintf(r->err, sizeof(r->err), "core engine: mapping the key set: %s",
			 strerror(-ret));
		goto out;
	}
	/* The leaders never wait: they clone the waiting threads. */
	/* The keys the generator made must be the kernel's keys. */
	for (size_t e = 0; e < ks->nkeys && !ret; e++) {
		const struct fx_keygen_key *k = &ks->keys[e];
		union fx_key key;
		unsigned fl = FX_FLAGS_SIZE_32 | (k->seg >= 0 ? FX_FLAGS_SHARED : 0);

		ret = fx_get_futex_key(r->leader[k->proc], k->uaddr, fl, &key,
				       FX_READ);
		if (!ret && (!fx_key_match(&key, &k->key) ||
			     key.both.node != k->key.both.node)) {
			snprintf(r->err, sizeof(r->err), "core engine: entry %zu (0x%" PRIx64 "): generated key differs from the core's",
				 e, k->uaddr);
			ret = -EINVAL;
		}
	}
	for (uint64_t op = 0; op < r->nops && !ret; op++) {
		struct fx_op_fact f = { 0 };
		struct fx_result res;
		struct fx_hb *hb;
		struct fx_q *q;
		bool wait;
		uint32_t e = op_pick(r, &rng, count, &wait);
		const struct fx_keygen_key *k = &ks->keys[e];
		struct taskpool *ip = &idle[k->proc];
		struct fx_mm *mm = fx_task_mm(r->leader[k->proc]);
		struct fx_task *t;
		uint64_t a[6] = { k->uaddr, 0, 0, 0, 0, 0 };
		int rc;

		a[1] = (wait ? FX_OP_WAIT : FX_OP_WAKE) |
		       (k->seg < 0 ? FX_PRIVATE_FLAG : 0);
		a[2] = wait ? 0 : 1;
		if (!ip->n) {
			t = fx_task_clone(r->leader[k->proc], next_tid++,
					  FX_CLONE_VM | FX_CLONE_THREAD, 0);
			if (!t) {
				snprintf(r->err, sizeof(r->err), "core engine: clone: %s",
					 strerror(errno));
				ret = -EINVAL;
				break;
			}
			if ((ret = pool_push(ip, t)))
				break;
		}
		t = ip->t[--ip->n];
		fx_task_set_cpu(t, k->cpu);
		/* the chain as the op will find it when it takes the lock */
		hb = fx_hash(r->core, &k->key, mm, NULL);
		plist_for_each_entry(q, &hb->chain, list) {
			if (fx_key_match(&q->key, &k->key))
				continue;
			f.collided = true;
			if (q->task->mm != mm) {
				f.xproc = true;
				break;
			}
		}
		rc = fx_syscall(t, FX_SYS_FUTEX, a, &res);
		f.nbuckets = res.nbuckets;
		f.walked = res.walked;
		f.foreign = res.foreign;
		for (unsigned b = 0; b < res.nbuckets; b++)
			f.remote += ((const struct fx_hb *)res.bucket[b])->node !=
				    r->core->cpu_node[k->cpu];
		if (!f.nbuckets)
			f.collided = f.xproc = false;
		if (wait) {
			if (rc != FX_SLEEPING) {
				snprintf(r->err, sizeof(r->err), "core engine: wait at 0x%" PRIx64 " did not sleep (%ld)",
					 k->uaddr, res.ret);
				ret = -EINVAL;
				break;
			}
			if ((size_t)fx_task_tid(t) >= tcap) {
				size_t cap = 2 * (size_t)fx_task_tid(t) + 64;
				uint32_t *n = realloc(tentry, cap * sizeof(*n));

				if (!n) {
					ret = -ENOMEM;
					break;
				}
				tentry = n;
				tcap = cap;
			}
			tentry[fx_task_tid(t)] = e;
			count[e]++;
		} else {
			struct fx_task *w;
			struct fx_result res2;

			if (rc != FX_DONE || res.ret != 1 || res.nwoken != 1) {
				snprintf(r->err, sizeof(r->err), "core engine: wake at 0x%" PRIx64 " woke %ld",
					 k->uaddr, res.ret);
				ret = -EINVAL;
				break;
			}
			w = res.woken[0];
			if ((ret = pool_push(ip, t)))
				break;
			if (fx_task_resume(w, &res2) != FX_DONE || res2.ret) {
				snprintf(r->err, sizeof(r->err), "core engine: woken task did not finish its wait");
				ret = -EINVAL;
				break;
			}
			/* the woken task is idle again, in its own process */
			{
				uint32_t we = tentry[fx_task_tid(w)];

				count[we]--;
				ret = pool_push(&idle[ks->keys[we].proc], w);
			}
			if (ret)
				break;
			fx_opstats_add(r->ops, &f);
			continue;
		}
		fx_opstats_add(r->ops, &f);
	}
	if (!ret && r->nops && fx_core_check(r->core)) {
		snprintf(r->err, sizeof(r->err), "core engine: %s",
			 fx_core_errmsg(r->core));
		ret = -EUCLEAN;
	}
out:
	if (ret && !r->err[0])
		snprintf(r->err, sizeof(r->err), "core engine: %s", strerror(-ret));
	for (unsigned p = 0; idle && p < ks->nprocs; p++)
		free(idle[p].t);
	free(idle);
	free(count);
	free(tentry);
	return ret ? -1 : 0;
}

static void run_free(struct run *r)
{
	fx_core_free(r->core);
	free(r->leader);
	free(r->ekey);
	free(r->eslot);
	free(r->slot);
	for (uint32_t i = 0; r->tab && i < r->ks->nprocs + r->nnodes + 16; i++)
		free(r->tab[i].slot);
	free(r->tab);
	free(r->load);
	free(r->ops);
	memset(r, 0, sizeof(*r));
}

static int run_config(struct run *r)
{
	int ret;

	r->load = malloc(sizeof(*r->load));
	r->ops = malloc(sizeof(*r->ops));
	if (!r->load || !r->ops) {
		snprintf(r->err, sizeof(r->err), "out of memory");
		return -1;
	}
	fx_loadstats_init(r->load);
	fx_opstats_init(r->ops);
	ret = run_core_new(r);
	if (!ret)
		ret = run_keyset(r);
	if (!ret && r->nops)
		ret = r->core_engine ? run_ops_core(r) : run_ops_fast(r);
	return ret;
}

/* ---- output ---- */

#define OCC_BINS 8	/* keys per non-empty bucket: 1..7, >= 8 */

static const char *const csv_cols =
	"spec,family,hasher,layout,slots,cpus,nodes,seed,hash_seed,engine,entries,keys,"
	"procs,tables,buckets,nonempty,exp_nonempty,keys_per_bucket,"
	"exp_keys_per_bucket,chi2,chi2_df,chi2_p,max_load,exp_max_load,"
	"max_load_ratio,xproc_buckets,xproc_bucket_share,remote_share_keys,"
	"ops,locked_ops,collision_rate,xproc_rate,walked_mean,walked_p99,"
	"walked_max,foreign_mean,remote_share_ops";

struct outrow {
	struct run run;			/* the configuration; no pointers kept
					   but ks, hasher, layout */
	const struct run *r;		/* = &run */
	struct fx_loadstats_sum {
		uint64_t keys, buckets, nonempty, maxload, xproc_buckets;
		double exp_nonempty;
	} l;
	uint64_t nops, locked;
	struct fx_loadmetrics lm;
	struct fx_opmetrics om;
	uint64_t occ[OCC_BINS + 1];
	double exp_occ[OCC_BINS + 1];
};

static void row_fill(struct outrow *o, const struct run *r)
{
	o->run = (struct run){
		.ks = r->ks, .hasher = r->hasher, .layout = r->layout,
		.slots = r->slots, .ncpus = r->ncpus, .nnodes = r->nnodes,
		.waiters = r->waiters, .seed = r->seed,
		.hash_seed = r->hash_seed, .nops = r->nops,
		.core_engine = r->core_engine, .ntabs = r->ntabs };
	o->r = &o->run;
	o->l = (struct fx_loadstats_sum){
		.keys = r->load->keys, .buckets = r->load->buckets,
		.nonempty = r->load->nonempty, .maxload = r->load->maxload,
		.xproc_buckets = r->load->xproc_buckets,
		.exp_nonempty = r->load->exp_nonempty };
	o->nops = r->ops->ops;
	o->locked = r->ops->locked;
	fx_loadstats_metrics(r->load, &o->lm);
	fx_opstats_metrics(r->ops, &o->om);
	memset(o->occ, 0, sizeof(o->occ));
	memset(o->exp_occ, 0, sizeof(o->exp_occ));
	for (unsigned j = 1; j <= FX_LOAD_HMAX; j++) {
		unsigned b = j < OCC_BINS ? j : OCC_BINS;

		o->occ[b] += r->load->hist[j];
		o->exp_occ[b] += r->load->exp_hist[j];
	}
}

/* fmt_d - a double as %.6g, "nan" for NaN (CSV and table) */
static const char *fmt_d(char *buf, double v)
{
	if (isnan(v))
		return "nan";
	snprintf(buf, 32, "%.6g", v);
	return buf;
}

static void spec_nocomma(char *dst, const char *src, size_t len)
{
	snprintf(dst, len, "%s", src);
	for (char *p = dst; *p; p++)
		if (*p == ',')
			*p = ' ';
}

static void csv_row(FILE *f, const struct outrow *o)
{
	const struct run *r = o->r;
	const struct fx_loadstats_sum *l = &o->l;
	char spec[160], b[16][32];

	spec_nocomma(spec, r->ks->spec, sizeof(spec));
	fprintf(f, "%s,%s,%s,%s,%u,%u,%u,%" PRIu64 ",%" PRIu64 ",%s,%zu,%" PRIu64 ",%u,%u,%" PRIu64
		",%" PRIu64 ",%s,%s,%s,%s,%u,%s,%" PRIu64 ",%s,%s,%" PRIu64 ",%s,%s,"
		"%" PRIu64 ",%" PRIu64 ",%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%s",
		spec, r->ks->family, r->hasher->name, r->layout->name, r->slots,
		r->ncpus, r->nnodes, r->seed, r->hash_seed,
		r->core_engine ? "core" : "fast",
		r->ks->nkeys, l->keys, r->ks->nprocs, r->ntabs, l->buckets,
		l->nonempty, fmt_d(b[0], l->exp_nonempty),
		fmt_d(b[1], o->lm.keys_per_bucket),
		fmt_d(b[2], o->lm.exp_keys_per_bucket),
		fmt_d(b[3], o->lm.chi2), o->lm.chi2_df,
		fmt_d(b[4], o->lm.chi2_p), l->maxload,
		fmt_d(b[5], o->lm.exp_maxload),
		fmt_d(b[6], o->lm.maxload_ratio), l->xproc_buckets,
		fmt_d(b[7], o->lm.xproc_share),
		fmt_d(b[8], o->lm.remote_share),
		o->nops, o->locked, fmt_d(b[9], o->om.collision_rate),
		fmt_d(b[10], o->om.xproc_rate), fmt_d(b[11], o->om.walked_mean),
		o->om.walked_p99, o->om.walked_max,
		fmt_d(b[12], o->om.foreign_mean),
		fmt_d(b[13], o->om.remote_share));
	for (unsigned j = 1; j <= OCC_BINS; j++)
		fprintf(f, ",%" PRIu64, o->occ[j]);
	for (unsigned j = 1; j <= OCC_BINS; j++)
		fprintf(f, ",%s", fmt_d(b[0], o->exp_occ[j]));
	fputc('\n', f);
}

static void csv_header(FILE *f)
{
	fputs(csv_cols, f);
	for (unsigned j = 1; j <= OCC_BINS; j++)
		fprintf(f, ",occ_%u%s", j, j == OCC_BINS ? "plus" : "");
	for (unsigned j = 1; j <= OCC_BINS; j++)
		fprintf(f, ",exp_occ_%u%s", j, j == OCC_BINS ? "plus" : "");
	fputc('\n', f);
}

/* JSON: the CSV's columns as an object per row (NaN -> null). */
static void json_rows(FILE *f, const struct outrow *rows, size_t n,
		      const char *prov)
{
	fprintf(f, "{\"provenance\": \"");
	for (const char *p = prov; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if ((unsigned char)*p >= 0x20)
			fputc(*p, f);
	}
	fprintf(f, "\",\n \"rows\": [\n");
	for (size_t i = 0; i < n; i++) {
		char *line = NULL, *hdr = NULL;
		size_t ll = 0, hl = 0;
		FILE *m = open_memstream(&line, &ll), *h = open_memstream(&hdr, &hl);
		char *sv, *sh, *c, *v;
		bool first = true;

		if (!m || !h) {
			if (m)
				fclose(m);
			if (h)
				fclose(h);
			free(line);
			free(hdr);
			continue;
		}
		csv_row(m, &rows[i]);
		csv_header(h);
		fclose(m);
		fclose(h);
		fprintf(f, "  {");
		for (c = strtok_r(hdr, ",\n", &sh), v = strtok_r(line, ",\n", &sv);
		     c && v; c = strtok_r(NULL, ",\n", &sh),
		     v = strtok_r(NULL, ",\n", &sv)) {
			char *end;
			bool num;

			strtod(v, &end);
			num = *v && !*end && strcmp(v, "nan");
			fprintf(f, "%s\"%s\": ", first ? "" : ", ", c);
			if (!strcmp(c, "spec"))
				fprintf(f, "\"%s\"", rows[i].r->ks->spec);
			else if (!strcmp(v, "nan"))
				fputs("null", f);
			else if (num)
				fputs(v, f);
			else
				fprintf(f, "\"%s\"", v);
			first = false;
		}
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
		free(line);
		free(hdr);
	}
	fprintf(f, " ]}\n");
}

static void table_rows(FILE *f, const struct outrow *rows, size_t n)
{
	const char *last = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct outrow *o = &rows[i];
		const struct run *r = o->r;
		char b[8][32];

		if (!last || strcmp(last, r->ks->spec)) {
			fprintf(f, "%skeys %s: %zu entries, %" PRIu64 " distinct keys, %u processes\n",
				last ? "\n" : "", r->ks->spec, r->ks->nkeys,
				o->l.keys, r->ks->nprocs);
			fprintf(f, "%-14s %-9s %7s %9s %9s %6s %6s %8s %6s %6s | %8s %8s %7s %5s %5s %6s\n",
				"hasher", "layout", "slots", "nonempty", "ideal",
				"k/b", "ideal", "chi2_p", "maxLR", "xproc",
				"ops", "coll", "xproc", "walk", "p99", "remote");
			last = r->ks->spec;
		}
		fprintf(f, "%-14s %-9s %7u %9" PRIu64 " %9.1f %6.3f %6.3f %8s %6s %6s | %8" PRIu64
			" %8s %7s %5.2f %5" PRIu64 " %6s\n",
			r->hasher->name, r->layout->name, r->slots,
			o->l.nonempty, o->l.exp_nonempty,
			o->lm.keys_per_bucket, o->lm.exp_keys_per_bucket,
			fmt_d(b[0], o->lm.chi2_p), fmt_d(b[1], o->lm.maxload_ratio),
			fmt_d(b[2], o->lm.xproc_share), o->locked,
			fmt_d(b[3], o->om.collision_rate),
			fmt_d(b[4], o->om.xproc_rate), o->om.walked_mean,
			o->om.walked_p99, fmt_d(b[5], o->om.remote_share));
	}
}

/* ---- argument lists ---- */

#define MAXLIST 64

/* split - cut @s (modified) at @sep into at most MAXLIST non-empty items */
static int split(char *s, char sep, char **out)
{
	int n = 0;
	char *p = s;

	while (p && *p) {
		char *e = strchr(p, sep);

		if (e)
			*e = 0;
		if (*p) {
			if (n == MAXLIST)
				return -1;
			out[n++] = p;
		}
		p = e ? e + 1 : NULL;
	}
	return n;
}

static int write_output(const char *path, bool json, const struct outrow *rows,
			size_t n, const char *prov)
{
	char *tmp;
	FILE *f;
	int ret = fx_cli_tmpfile(CMD, path, &tmp, &f);

	if (ret)
		return ret;
	if (json) {
		json_rows(f, rows, n, prov);
	} else {
		fprintf(f, "# %s\n", prov);
		csv_header(f);
		for (size_t i = 0; i < n; i++)
			csv_row(f, &rows[i]);
	}
	ret = fx_cli_tmpfile_close(CMD, path, tmp, f);
	return ret ? ret : fx_cli_tmpfile_commit(CMD, path, tmp);
}

int fx_cli_collide(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "hash", required_argument, NULL, 'H' },
		{ "hasher", required_argument, NULL, 'H' },
		{ "layout", required_argument, NULL, 'L' },
		{ "slots", required_argument, NULL, 'S' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "hash-seed", required_argument, NULL, 'E' },
		{ "ops", required_argument, NULL, 'o' },
		{ "waiters", required_argument, NULL, 'w' },
		{ "engine", required_argument, NULL, 'e' },
		{ "out", required_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'j' },
		{ "timing", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		FX_CLI_KNOB_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	static char default_keys[] = DEFAULT_KEYS;	/* split() writes */
	char *keys_arg = NULL, *hash_arg = NULL, *layout_arg = NULL,
	     *slots_arg = NULL, *out = NULL;
	char *specs[MAXLIST], *hnames[MAXLIST], *lnames[MAXLIST], *snames[MAXLIST];
	const struct fx_hasher *hashers[MAXLIST];
	const struct fx_layout_ops *layouts[MAXLIST];
	unsigned slots[MAXLIST];
	int nspecs, nh, nl, ns;
	uint64_t v, seed = 1, hash_seed = 0, nops = 100000, waiters = 1;
	unsigned ncpus = 4, nnodes = 1;
	bool json = false, timing = false, core_engine = false;
	struct fx_keyset *ks = NULL;
	struct run run;
	struct outrow *rows = NULL;
	size_t nruns = 0;
	char prov[1024], err[256];
	size_t poff;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keys_arg = optarg; break;
		case 'H': hash_arg = optarg; break;
		case 'L': layout_arg = optarg; break;
		case 'S': slots_arg = optarg; break;
		case 'O': out = optarg; break;
		case 'j': json = true; break;
		case 't': timing = true; break;
		case 'c':
			if (!fx_parse_u64(optarg, &v) || !v || v > 4096)
				return fx_cli_error(CMD, "--cpus '%s': expected 1..4096", optarg);
			ncpus = (unsigned)v;
			break;
		case 'n':
			if (!fx_parse_u64(optarg, &v) || !v || v > 1024)
				return fx_cli_error(CMD, "--nodes '%s': expected 1..1024", optarg);
			nnodes = (unsigned)v;
			break;
		case 's':
			if (!fx_parse_u64(optarg, &seed))
				return fx_cli_error(CMD, "--seed '%s': expected a number", optarg);
			break;
		case 'E':
			if (!fx_parse_u64(optarg, &hash_seed))
				return fx_cli_error(CMD, "--hash-seed '%s': expected a number", optarg);
			break;
		case 'o':
			if (!fx_parse_u64(optarg, &nops) || nops > (1ull << 40))
				return fx_cli_error(CMD, "--ops '%s': expected 0..2^40", optarg);
			break;
		case 'w':
			if (!fx_parse_u64(optarg, &waiters) || !waiters || waiters > 1024)
				return fx_cli_error(CMD, "--waiters '%s': expected 1..1024", optarg);
			break;
		case 'e':
			if (!strcmp(optarg, "core"))
				core_engine = true;
			else if (!strcmp(optarg, "fast"))
				core_engine = false;
			else
				return fx_cli_error(CMD, "--engine '%s': expected fast or core", optarg);
			break;
		case 'h':
			fputs(collide_usage, stdout);
			fputs(fx_keygen_help(), stdout);
			return 0;
		case FX_CLI_KNOB_PLACEMENT:
		case FX_CLI_KNOB_REFCOUNT:
		case FX_CLI_KNOB_LINES:
			if (fx_cli_knob(CMD, c, optarg, &knobs))
				return 2;
			break;
		default:
			fputs(collide_usage, stderr);
			return 2;
		}
	}
	if (optind < argc)
		return fx_cli_error(CMD, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!keys_arg)
		keys_arg = default_keys;
	if (nnodes > ncpus)
		return fx_cli_error(CMD, "--nodes %u exceeds --cpus %u", nnodes, ncpus);

	/* provenance, before strtok-like splitting mangles the arguments */
	poff = (size_t)snprintf(prov, sizeof(prov), "futexsim %s collide seed=%" PRIu64 " hash_seed=%" PRIu64 " args:",
				FX_VERSION, seed, hash_seed);
	for (int i = 1; i < argc && poff < sizeof(prov); i++)
		poff += (size_t)snprintf(prov + poff, sizeof(prov) - poff, " %s", argv[i]);

	nspecs = split(keys_arg, ';', specs);
	nh = split(hash_arg ? hash_arg : (char[]){ "jhash2" }, ',', hnames);
	nl = split(layout_arg ? layout_arg : (char[]){ "private" }, ',', lnames);
	ns = split(slots_arg ? slots_arg : (char[]){ "16,64,256,1024,4096" }, ',', snames);
	if (nspecs <= 0 || nh <= 0 || nl <= 0 || ns <= 0)
		return fx_cli_error(CMD, "empty or over-long list (at most %d items) in --keys/--hash/--layout/--slots", MAXLIST);
	for (int i = 0; i < nh; i++)
		if (!(hashers[i] = fx_hasher_find(hnames[i])))
			return fx_cli_error(CMD, "unknown hasher '%s'; expected one of: %s",
					    hnames[i], fx_hasher_names());
	for (int i = 0; i < nl; i++)
		if (!(layouts[i] = fx_layout_find(lnames[i])))
			return fx_cli_error(CMD, "unknown layout '%s'; expected one of: %s",
					    lnames[i], fx_layout_names());
	for (int i = 0; i < ns; i++) {
		if (!fx_parse_u64(snames[i], &v) || v < 2 || v > (1u << 24) ||
		    (v & (v - 1)))
			return fx_cli_error(CMD, "--slots '%s': expected a power of two: 2, 4, 8, ..., 8388608, 16777216",
					    snames[i]);
		slots[i] = (unsigned)v;
	}
	if (out) {
		size_t ol = strlen(out);

		if (json)
			return fx_cli_error(CMD, "--json prints to stdout; with --out, name the file FILE.json instead");
		json = ol > 5 && !strcmp(out + ol - 5, ".json");
	}

	ks = calloc((size_t)nspecs, sizeof(*ks));
	memset(&run, 0, sizeof(run));
	rows = calloc((size_t)nspecs * (size_t)nh * (size_t)nl * (size_t)ns,
		      sizeof(*rows));
	if (!ks || !rows) {
		ret = fx_cli_error(CMD, "out of memory");
		goto done;
	}
	for (int i = 0; i < nspecs; i++) {
		struct fx_keygen_ctx ctx = { .seed = seed, .ncpus = ncpus,
					     .nnodes = nnodes };

		if (fx_keygen(specs[i], &ctx, &ks[i], err, sizeof(err))) {
			ret = fx_cli_error(CMD, "%s", err);
			goto done;
		}
	}
	for (int i = 0; i < nspecs; i++)
		for (int h = 0; h < nh; h++)
			for (int l = 0; l < nl; l++)
				for (int s = 0; s < ns; s++) {
					struct run *r = &run;

					*r = (struct run){
						.ks = &ks[i], .hasher = hashers[h],
						.layout = layouts[l], .slots = slots[s],
						.ncpus = ncpus, .nnodes = nnodes,
						.waiters = (unsigned)waiters,
						.seed = seed, .hash_seed = hash_seed,
						.nops = nops,
						.core_engine = core_engine };
					if (run_config(r)) {
						ret = fx_cli_error(CMD, "keys %s, hasher %s, layout %s, slots %u: %s",
								   ks[i].spec, hashers[h]->name,
								   layouts[l]->name, slots[s], r->err);
						run_free(r);
						goto done;
					}
					row_fill(&rows[nruns++], r);
					if (timing)
						fprintf(stderr, "timing: %s %s %s %u: key set %zu entries in %.3f s = %.2f M keys/s\n",
							ks[i].spec, hashers[h]->name, layouts[l]->name,
							slots[s], ks[i].nkeys, r->keyset_sec,
							ks[i].nkeys / r->keyset_sec / 1e6);
					run_free(r);
				}
	if (out)
		ret = write_output(out, json, rows, nruns, prov);
	else if (json)
		json_rows(stdout, rows, nruns, prov);
	if (!json || out) {
		printf("# %s\n", prov);
		table_rows(stdout, rows, nruns);
	}
done:
	for (int i = 0; ks && i < nspecs; i++)
		fx_keyset_free(&ks[i]);
	free(ks);
	free(rows);
	return ret;
}
