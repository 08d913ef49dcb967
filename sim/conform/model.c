// SPDX-License-Identifier: MIT
/*
 * model.c - run a conformance scenario on the futex model (sim/futex.h).
 *
 * The simulated system mirrors what the live-kernel runner builds:
 *
 *   - one simulated kernel with the host's online CPUs and NUMA nodes, the
 *     default layout ("private", 6.16+) and jhash2;
 *   - process i has pid 1000 + i; the first task of process 0 is the
 *     runner's own main thread, which never makes a scenario call; in every
 *     other process the first task (the fork) is the process's first
 *     scenario thread (TID = pid), so a process with one thread is
 *     single-threaded;
 *   - the other scenario threads, created with the clone flags
 *     pthread_create() uses, in index order (lazy ones at their SPAWN step,
 *     cloned from an idle thread of the process, as the kernel runner
 *     does); thread i has TID 2000 + i and a CLONE_CHILD_CLEARTID word of
 *     its own in the runner's scratch mapping;
 *   - scenario map i at MAP_BASE + i * MAP_STRIDE in every process that
 *     maps it; the robust-list entries of its words in a private "shadow"
 *     mapping ROBUST_SHADOW bytes above it (futex_offset = -ROBUST_SHADOW);
 *   - per process: a scratch mapping (timespecs, waitv arrays, robust list
 *     heads, ctid words; one 8 KiB slot per thread), a PROT_NONE page
 *     (FXC_RAW_PROT_NONE) and an address with nothing mapped
 *     (FXC_RAW_UNMAPPED).
 *
 * After each step the runner settles the system: every woken task runs
 * (in thread index order, repeatedly) until none is left runnable; each
 * call that completes is recorded.  Then the futex words are read and
 * canonicalised, and fx_core_check() verifies the model's invariants.
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conform/conform.h"
#include "futex.h"

#define PAGE		4096ull
#define MAP_BASE	0x10000000ull
#define MAP_STRIDE	0x01000000ull
#define ROBUST_SHADOW	0x00800000ull
#define UNMAPPED_ADDR	0x30000000ull
#define PROTNONE_ADDR	0x38000000ull
#define SCRATCH_BASE	0x40000000ull
#define SCRATCH_SLOT	0x2000ull
#define FILE_TMP_ADDR	0x50000000ull
#define PID_BASE	1000
#define TID_BASE_REAL	2000
#define SETTLE_LIMIT	100000

/* offsets in a thread's scratch slot */
#define S_TIMESPEC	0
#define S_ROBUST_HEAD	64
#define S_CTID		128
#define S_GETROBUST	256	/* get_robust_list's head and len */
#define S_WAITV		1024

/* the clone flags of pthread_create() (values of uapi/linux/sched.h) */
#define PTHREAD_CLONE_FLAGS						\
	(FX_CLONE_VM | 0x200 /* FS */ | 0x400 /* FILES */ |		\
	 0x800 /* SIGHAND */ | FX_CLONE_THREAD | 0x40000 /* SYSVSEM */ |	\
	 0x80000 /* SETTLS */ | 0x100000 /* PARENT_SETTID */ |		\
	 FX_CLONE_CHILD_CLEARTID)

struct fxc_model {
	const struct fxc_scenario *sc;
	struct fxc_trace *tr;
	struct fx_core *core;
	struct fx_task *main[FXC_MAX_PROCS];
	struct fx_task *thr[FXC_MAX_THREADS];
	bool busy[FXC_MAX_THREADS];	/* a call in flight */
	bool dead[FXC_MAX_THREADS];
	uint64_t robust_head[FXC_MAX_THREADS];	/* registered by a robust step */
	struct fxc_step_trace *cur;
};

static int fail(struct fxc_model *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct fxc_model *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->tr->error, sizeof(m->tr->error), fmt, ap);
	va_end(ap);
	return err;
}

static unsigned host_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

static unsigned host_nodes(void)
{
	glob_t g;
	unsigned n = 1;

	if (!glob("/sys/devices/system/node/node[0-9]*", 0, NULL, &g)) {
		n = g.gl_pathc ? (unsigned)g.gl_pathc : 1;
		globfree(&g);
	}
	return n;
}

static uint64_t map_addr(int map)
{
	return MAP_BASE + (uint64_t)map * MAP_STRIDE;
}

static uint64_t futex_addr(const struct fxc_scenario *sc, int f)
{
	return map_addr(sc->futexes[f].map) + sc->futexes[f].offset;
}

static uint64_t scratch(int thread)
{
	return SCRATCH_BASE + (uint64_t)thread * SCRATCH_SLOT;
}

static bool proc_maps(const struct fxc_map *mp, int proc)
{
	return mp->proc == proc || (mp->shared_with & (1u << proc));
}

static uint64_t user_addr(const struct fxc_scenario *sc,
			  const struct fxc_addr *a)
{
	if (a->futex >= 0)
		return futex_addr(sc, a->futex) + (int64_t)a->delta;
	if (a->raw == FXC_RAW_UNMAPPED)
		return UNMAPPED_ADDR + (int64_t)a->delta;
	if (a->raw == FXC_RAW_PROT_NONE)
		return PROTNONE_ADDR + (int64_t)a->delta;
	return a->raw + (int64_t)a->delta;
}

static int real_tid(const struct fxc_scenario *sc, int thread)
{
	if (fxc_initial_thread(sc, thread))
		return PID_BASE + sc->threads[thread].proc;
	return TID_BASE_REAL + thread;
}

/* canonical TIDs (FXC_TID_BASE + i) in @v -> the model's TIDs */
static uint32_t decanon(const struct fxc_scenario *sc, uint32_t v)
{
	uint32_t tid = v & FX_TID_MASK;

	if (tid >= FXC_TID_BASE && tid < FXC_TID_BASE + (uint32_t)sc->nthreads)
		return (v & ~FX_TID_MASK) |
		       (uint32_t)real_tid(sc, (int)(tid - FXC_TID_BASE));
	return v;
}

/* a compare/store value for the word at @a: canonical TIDs -> real ones
 * (only for an exact TID-bearing word, as the kernel runner does) */
static uint64_t call_val(const struct fxc_scenario *sc,
			 const struct fxc_addr *a, uint64_t v)
{
	if (a->futex < 0 || a->delta || v > UINT32_MAX ||
	    !sc->futexes[a->futex].tid_word)
		return v;
	return decanon(sc, (uint32_t)v);
}

static uint32_t canon(const struct fxc_scenario *sc, uint32_t v)
{
	uint32_t tid = v & FX_TID_MASK;

	if (!tid)
		return v;
	for (int i = 0; i < sc->nthreads; i++)
		if ((uint32_t)real_tid(sc, i) == tid)
			return (v & ~FX_TID_MASK) | (FXC_TID_BASE + (uint32_t)i);
	return (v & ~FX_TID_MASK) | FXC_TID_UNKNOWN;
}

int fxc_trace_reset(struct fxc_trace *tr, int nsteps)
{
	fxc_trace_free(tr);
	if (nsteps > 0) {
		tr->steps = calloc((size_t)nsteps, sizeof(*tr->steps));
		if (!tr->steps)
			return -ENOMEM;
	}
	tr->nsteps = 0;
	return 0;
}

static int trace_room(struct fxc_model *m, int i)
{
	struct fxc_trace *tr = m->tr;
	struct fxc_step_trace *s;
	static const size_t chunk = 64;

	if (i < tr->nsteps)
		return 0;
	/* capacity is kept in chunks; steps beyond nsteps are scratch */
	if (!tr->steps || (size_t)i % chunk == 0) {
		size_t cap = ((size_t)i / chunk + 1) * chunk;

		s = realloc(tr->steps, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		tr->steps = s;
	}
	memset(&tr->steps[i], 0, sizeof(tr->steps[i]));
	tr->nsteps = i + 1;
	return 0;
}

/* has process @p ended (it has scenario threads and all have exited)? */
static bool proc_gone(const struct fxc_model *m, int p)
{
	bool any = false;

	if (p == 0)
		return false;
	for (int i = 0; i < m->sc->nthreads; i++) {
		if (m->sc->threads[i].proc != p)
			continue;
		any = true;
		if (m->thr[i] && !m->dead[i])
			return false;
	}
	return any;
}

/* the task that clones a new thread of process @p: the runner's main task
 * in process 0, else the lowest-index idle thread (the kernel runner's
 * choice), or NULL if every thread is blocked or gone */
static struct fx_task *clone_parent(struct fxc_model *m, int p)
{
	if (p == 0)
		return m->main[0];
	for (int i = 0; i < m->sc->nthreads; i++)
		if (m->sc->threads[i].proc == p && m->thr[i] && !m->dead[i] &&
		    fx_task_state(m->thr[i]) == FX_TASK_RUNNING)
			return m->thr[i];
	return m->main[p];	/* a process without scenario threads */
}

/* the scheduling policy is set explicitly: a clone inherits its parent's */
static int set_policy(struct fxc_model *m, int i)
{
	const struct fxc_thread *th = &m->sc->threads[i];

	if (fx_task_setsched(m->thr[i], th->policy,
			     th->policy == FX_SCHED_OTHER ? 0 : th->rt_prio))
		return fail(m, -EINVAL, "setsched of thread %s failed", th->name);
	return 0;
}

static int spawn(struct fxc_model *m, int i)
{
	const struct fxc_thread *th = &m->sc->threads[i];
	struct fx_task *t, *parent;

	if (fxc_initial_thread(m->sc, i)) {
		/* the process's initial task, made by fx_mm_new() */
		m->thr[i] = m->main[th->proc];
		return set_policy(m, i);
	}
	parent = clone_parent(m, th->proc);
	if (fx_task_state(parent) != FX_TASK_RUNNING)
		return fail(m, -EINVAL, "process %s has no idle thread to clone thread %s from",
			    m->sc->procs[th->proc], th->name);
	t = fx_task_clone(parent, real_tid(m->sc, i), PTHREAD_CLONE_FLAGS,
			  scratch(i) + S_CTID);
	if (!t)
		return fail(m, -errno, "clone of thread %s failed: %s", th->name,
			    strerror(errno));
	m->thr[i] = t;
	return set_policy(m, i);
}

static int build(struct fxc_model *m)
{
	const struct fxc_scenario *sc = m->sc;
	struct fx_core_config cfg = { .ncpus = host_cpus(), .nnodes = host_nodes() };
	struct fx_file *files[FXC_MAX_MAPS] = { NULL };
	int ret;

	m->core = fx_core_new(&cfg);
	if (!m->core)
		return fail(m, -ENOMEM, "fx_core_new failed: %s", strerror(errno));
	for (int p = 0; p < sc->nprocs; p++) {
		struct fx_mm *mm;

		m->main[p] = fx_mm_new(m->core, PID_BASE + p);
		if (!m->main[p])
			return fail(m, -ENOMEM, "fx_mm_new failed");
		mm = fx_task_mm(m->main[p]);
		if ((ret = fx_mmap(mm, SCRATCH_BASE, SCRATCH_SLOT * FXC_MAX_THREADS,
				   FX_PROT_READ | FX_PROT_WRITE,
				   FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0)) ||
		    (ret = fx_mmap(mm, PROTNONE_ADDR, PAGE, FX_PROT_NONE,
				   FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0)))
			return fail(m, ret, "runner mappings failed (%d)", ret);
	}
	/* file contents first: initial values of file maps live in the file */
	for (int i = 0; i < sc->nmaps; i++) {
		const struct fxc_map *mp = &sc->maps[i];

		if (mp->kind != FXC_MAP_FILE_SHARED && mp->kind != FXC_MAP_FILE_PRIVATE)
			continue;
		files[i] = fx_file_new(m->core);
		if (!files[i])
			return fail(m, -ENOMEM, "fx_file_new failed");
	}
	for (int i = 0; i < sc->nmaps; i++) {
		const struct fxc_map *mp = &sc->maps[i];
		uint64_t len = mp->pages * PAGE;
		struct fx_mm *owner = fx_task_mm(m->main[mp->proc]);
		int flags;

		for (int p = 0; p < sc->nprocs; p++) {
			struct fx_mm *mm = fx_task_mm(m->main[p]);

			if (!proc_maps(mp, p))
				continue;
			switch (mp->kind) {
			case FXC_MAP_ANON_PRIVATE:
			case FXC_MAP_ANON_SHARED:
				flags = (mp->kind == FXC_MAP_ANON_SHARED ? FX_MAP_SHARED
									 : FX_MAP_PRIVATE) |
					FX_MAP_ANON;
				if (p == mp->proc)
					ret = fx_mmap(mm, map_addr(i), len,
						      FX_PROT_READ | FX_PROT_WRITE,
						      flags, NULL, 0);
				else
					ret = 0;	/* shared below */
				break;
			default:
				flags = mp->kind == FXC_MAP_FILE_SHARED ? FX_MAP_SHARED
									: FX_MAP_PRIVATE;
				ret = fx_mmap(mm, map_addr(i), len,
					      FX_PROT_READ | FX_PROT_WRITE, flags,
					      files[i], 0);
				break;
			}
			if (!ret)
				ret = fx_mmap(mm, map_addr(i) + ROBUST_SHADOW, len + PAGE,
					      FX_PROT_READ | FX_PROT_WRITE,
					      FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0);
			if (ret)
				return fail(m, ret, "mapping %s failed (%d)", mp->name, ret);
		}
		if (mp->kind == FXC_MAP_ANON_SHARED)
			for (int p = 0; p < sc->nprocs; p++)
				if (p != mp->proc && proc_maps(mp, p) &&
				    (ret = fx_mmap_share(fx_task_mm(m->main[p]), map_addr(i),
							 owner, map_addr(i), len,
							 FX_PROT_READ | FX_PROT_WRITE)))
					return fail(m, ret, "sharing %s failed (%d)",
						    mp->name, ret);
	}
	/* initial values: into the file for file maps, else the mapping */
	for (int f = 0; f < sc->nfutexes; f++) {
		const struct fxc_futex *fx = &sc->futexes[f];
		const struct fxc_map *mp = &sc->maps[fx->map];
		uint32_t v = fx->tid_word ? decanon(sc, fx->init) : fx->init;
		struct fx_mm *mm = fx_task_mm(m->main[mp->proc]);

		if (!fx->init)
			continue;
		if (files[fx->map]) {
			if ((ret = fx_mmap(mm, FILE_TMP_ADDR, mp->pages * PAGE,
					   FX_PROT_READ | FX_PROT_WRITE, FX_MAP_SHARED,
					   files[fx->map], 0)) ||
			    (ret = fx_uaccess_put32(mm, FILE_TMP_ADDR + fx->offset, v)) ||
			    (ret = fx_munmap(mm, FILE_TMP_ADDR, mp->pages * PAGE)))
				return fail(m, ret, "initialising %s failed (%d)", fx->name, ret);
		} else if ((ret = fx_uaccess_put32(mm, futex_addr(sc, f), v))) {
			return fail(m, ret, "initialising %s failed (%d)", fx->name, ret);
		}
	}
	for (int i = 0; i < sc->nmaps; i++) {
		const struct fxc_map *mp = &sc->maps[i];

		if (mp->prot == (FX_PROT_READ | FX_PROT_WRITE))
			continue;
		for (int p = 0; p < sc->nprocs; p++)
			if (proc_maps(mp, p) &&
			    (ret = fx_mprotect(fx_task_mm(m->main[p]), map_addr(i),
					       mp->pages * PAGE, mp->prot)))
				return fail(m, ret, "mprotect of %s failed (%d)", mp->name, ret);
	}
	for (int i = 0; i < sc->nthreads; i++) {
		if (sc->lazy[i] && fxc_initial_thread(sc, i))
			return fail(m, -EINVAL, "thread %s: the initial thread of process %s cannot be lazy",
				    sc->threads[i].name, sc->procs[sc->threads[i].proc]);
		if (!sc->lazy[i] && (ret = spawn(m, i)))
			return ret;
	}
	return 0;
}

struct fxc_model *fxc_model_open(const struct fxc_scenario *sc,
				 struct fxc_trace *tr)
{
	struct fxc_model *m;

	memset(tr, 0, sizeof(*tr));	/* as the kernel runner: never freed here */
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(tr->error, sizeof(tr->error), "out of memory");
		return NULL;
	}
	m->sc = sc;
	m->tr = tr;
	if (build(m)) {
		fxc_model_close(m);
		return NULL;
	}
	return m;
}

void fxc_model_close(struct fxc_model *m)
{
	if (!m)
		return;
	if (m->core)
		fx_core_free(m->core);
	free(m);
}

bool fxc_model_busy(const struct fxc_model *m, int thread)
{
	return m->busy[thread];
}

bool fxc_model_alive(const struct fxc_model *m, int thread)
{
	return m->thr[thread] && !m->dead[thread];
}

static void record(struct fxc_model *m, int thread, long ret)
{
	struct fxc_step_trace *st = m->cur;
	int i = st->nret;

	if (st->nret == FXC_MAX_THREADS)
		return;
	/* keep sorted by thread */
	while (i > 0 && st->rets[i - 1].thread > thread) {
		st->rets[i] = st->rets[i - 1];
		i--;
	}
	st->rets[i].thread = thread;
	st->rets[i].ret = ret;
	st->nret++;
	m->busy[thread] = false;
}

static int settle(struct fxc_model *m)
{
	struct fx_result res;

	for (int rounds = 0; rounds < SETTLE_LIMIT; rounds++) {
		bool any = false;

		for (int i = 0; i < m->sc->nthreads; i++) {
			struct fx_task *t = m->thr[i];
			int st;

			if (!t || m->dead[i] || fx_task_state(t) != FX_TASK_WOKEN)
				continue;
			any = true;
			st = fx_task_resume(t, &res);
			if (st < 0)
				return fail(m, st, "fx_task_resume(%s) failed (%d)",
					    m->sc->threads[i].name, st);
			if (st == FX_DONE)
				record(m, i, res.ret);
		}
		if (!any)
			return 0;
	}
	return fail(m, -ELOOP, "the model did not settle (tasks keep waking)");
}

/* Does a raw timespec count as already expired?  (docs/conform-format.md) */
static bool raw_expired(const struct fxc_timeout *to, enum fx_timer_kind k)
{
	if (k == FX_TIMER_REL_MONO)
		return to->sec < 1;
	return to->sec < (1ll << 40);
}

static int put_timeout(struct fxc_model *m, struct fx_mm *mm, int thread,
		       const struct fxc_timeout *to, bool relative, uint64_t *ptr)
{
	struct fx_timespec ts = { 0, 0 };

	switch (to->kind) {
	case FXC_TO_NONE:
		*ptr = 0;
		return 0;
	case FXC_TO_FAULT:
		*ptr = UNMAPPED_ADDR;
		return 0;
	case FXC_TO_EXPIRE:
		/* far enough never to fire on its own */
		ts.tv_sec = relative ? 1000000 : (int64_t)1 << 42;
		break;
	case FXC_TO_PAST:
		break;
	case FXC_TO_RAW:
		ts.tv_sec = to->sec;
		ts.tv_nsec = to->nsec;
		break;
	}
	*ptr = scratch(thread) + S_TIMESPEC;
	if (fx_uaccess_write(mm, *ptr, &ts, sizeof(ts)))
		return fail(m, -EFAULT, "writing a timespec failed");
	return 0;
}

static int put_waitv(struct fxc_model *m, struct fx_mm *mm, int thread,
		     const struct fxc_waitv_ent *e, int n, uint64_t *ptr)
{
	struct fx_waitv w[FXC_MAX_WAITV];

	for (int i = 0; i < n; i++) {
		w[i].val = call_val(m->sc, &e[i].addr, e[i].val);
		w[i].uaddr = user_addr(m->sc, &e[i].addr);
		w[i].flags = e[i].flags;
		w[i].reserved = e[i].reserved;
	}
	*ptr = scratch(thread) + S_WAITV;
	if (n && fx_uaccess_write(mm, *ptr, w, sizeof(w[0]) * (size_t)n))
		return fail(m, -EFAULT, "writing a waitv array failed");
	return 0;
}

static int put_robust(struct fxc_model *m, struct fx_mm *mm, int thread,
		      const struct fxc_robust *r, uint64_t *ptr)
{
	const struct fxc_scenario *sc = m->sc;
	uint64_t head = scratch(thread) + S_ROBUST_HEAD, next;
	uint64_t hw[3];
	int ret = 0;

	/* entry of word W lives at W + ROBUST_SHADOW: futex_offset < 0 */
	next = head;
	for (int i = r->nent - 1; i >= 0; i--) {
		uint64_t ent = futex_addr(sc, r->futex[i]) + ROBUST_SHADOW;
		uint64_t link = next;

		if (r->circular && i == r->nent - 1)
			link = (futex_addr(sc, r->futex[0]) + ROBUST_SHADOW) |
			       (r->pi[0] ? 1 : 0);
		ret |= fx_uaccess_write(mm, ent, &link, sizeof(link));
		next = ent | (r->pi[i] ? 1 : 0);
	}
	hw[0] = next;
	hw[1] = (uint64_t)-(int64_t)ROBUST_SHADOW;
	hw[2] = 0;
	if (r->pending >= 0) {
		bool pi = false;

		for (int i = 0; i < r->nent; i++)
			if (r->futex[i] == r->pending)
				pi = r->pi[i];
		hw[2] = (futex_addr(sc, r->pending) + ROBUST_SHADOW) | (pi ? 1 : 0);
	}
	ret |= fx_uaccess_write(mm, head, hw, sizeof(hw));
	if (ret)
		return fail(m, -EFAULT, "writing the robust list of %s failed (is every word's map mapped in its process?)",
			    sc->threads[thread].name);
	*ptr = head;
	return 0;
}

static bool op_takes_timespec(int op)
{
	switch (op & FX_CMD_MASK) {
	case FX_OP_WAIT: case FX_OP_LOCK_PI: case FX_OP_LOCK_PI2:
	case FX_OP_WAIT_BITSET: case FX_OP_WAIT_REQUEUE_PI:
		return true;
	default:
		return false;
	}
}

/* get_robust_list's result as both runners report it (scenario.h) */
static long get_robust_canon(struct fxc_model *m, struct fx_mm *mm,
			     const struct fxc_step *s)
{
	int x = s->pid_thread == FXC_PID_SELF ? s->thread : s->pid_thread;
	uint64_t out[2];

	if (fx_uaccess_read(mm, scratch(s->thread) + S_GETROBUST, out, sizeof(out)))
		return 1;
	return out[0] == (x >= 0 ? m->robust_head[x] : 0) &&
	       out[1] == FX_ROBUST_LIST_HEAD_LEN ? 0 : 1;
}

static int do_call(struct fxc_model *m, const struct fxc_step *s)
{
	const struct fxc_scenario *sc = m->sc;
	struct fx_task *t = m->thr[s->thread];
	struct fx_mm *mm = fx_task_mm(t);
	uint64_t a[6] = { 0 }, p;
	struct fx_result res;
	int nr, st, ret = 0;

	switch (s->kind) {
	case FXC_STEP_FUTEX:
		nr = FX_SYS_FUTEX;
		a[0] = user_addr(sc, &s->addr);
		a[1] = (uint32_t)s->op;
		a[2] = (uint32_t)s->val;
		switch (s->op & FX_CMD_MASK) {
		case FX_OP_WAIT: case FX_OP_WAIT_BITSET: case FX_OP_WAIT_REQUEUE_PI:
			a[2] = (uint32_t)call_val(sc, &s->addr, s->val);
			break;
		}
		if (op_takes_timespec(s->op))
			ret = put_timeout(m, mm, s->thread, &s->to,
					  (s->op & FX_CMD_MASK) == FX_OP_WAIT, &a[3]);
		else
			a[3] = s->val2;
		a[4] = user_addr(sc, &s->addr2);
		a[5] = (uint32_t)s->val3;
		if ((s->op & FX_CMD_MASK) == FX_OP_CMP_REQUEUE ||
		    (s->op & FX_CMD_MASK) == FX_OP_CMP_REQUEUE_PI)
			a[5] = (uint32_t)call_val(sc, &s->addr, s->val3);
		break;
	case FXC_STEP_FUTEX_WAIT:
		nr = FX_SYS_FUTEX_WAIT;
		a[0] = user_addr(sc, &s->addr);
		a[1] = call_val(sc, &s->addr, s->val);
		a[2] = s->mask;
		a[3] = s->flags;
		ret = put_timeout(m, mm, s->thread, &s->to, false, &a[4]);
		a[5] = (uint64_t)(int64_t)s->clockid;
		break;
	case FXC_STEP_FUTEX_WAKE:
		nr = FX_SYS_FUTEX_WAKE;
		a[0] = user_addr(sc, &s->addr);
		a[1] = s->mask;
		a[2] = (uint64_t)(int64_t)s->nr;
		a[3] = s->flags;
		break;
	case FXC_STEP_FUTEX_REQUEUE:
		nr = FX_SYS_FUTEX_REQUEUE;
		ret = put_waitv(m, mm, s->thread, s->waitv, 2, &a[0]);
		a[1] = s->flags;
		a[2] = (uint64_t)(int64_t)s->nr;
		a[3] = (uint64_t)(int64_t)s->nr2;
		break;
	case FXC_STEP_WAITV:
		nr = FX_SYS_FUTEX_WAITV;
		ret = put_waitv(m, mm, s->thread, s->waitv, s->nwaitv, &p);
		a[0] = s->waitv_null ? 0 : p;
		a[1] = (uint64_t)(uint32_t)s->nwaitv;
		a[2] = s->flags;
		if (!ret)
			ret = put_timeout(m, mm, s->thread, &s->to, false, &a[3]);
		a[4] = (uint64_t)(int64_t)s->clockid;
		break;
	case FXC_STEP_PRCTL_HASH:
		nr = FX_SYS_PRCTL;
		a[0] = FX_PR_FUTEX_HASH;
		a[1] = s->val;
		a[2] = s->val2;
		a[3] = s->val3;
		break;
	case FXC_STEP_SET_ROBUST:
		nr = FX_SYS_SET_ROBUST_LIST;
		ret = put_robust(m, mm, s->thread, &s->robust, &a[0]);
		a[1] = (uint64_t)s->robust.len;
		break;
	case FXC_STEP_GET_ROBUST:
		nr = FX_SYS_GET_ROBUST_LIST;
		if (s->pid_thread == FXC_PID_UNKNOWN)
			a[0] = FXC_TID_UNKNOWN;
		else if (s->pid_thread >= 0)
			a[0] = (uint64_t)real_tid(sc, s->pid_thread);
		a[1] = scratch(s->thread) + S_GETROBUST;
		a[2] = a[1] + 8;
		break;
	default:
		return fail(m, -EINVAL, "not a call step");
	}
	if (ret)
		return ret;
	st = fx_syscall(t, nr, a, &res);
	if (st < 0)
		return fail(m, st, "fx_syscall failed (%d)", st);
	if (st == FX_DONE) {
		if (s->kind == FXC_STEP_SET_ROBUST && res.ret == 0)
			m->robust_head[s->thread] = a[0];
		if (s->kind == FXC_STEP_GET_ROBUST && res.ret == 0)
			res.ret = get_robust_canon(m, mm, s);
		record(m, s->thread, res.ret);
		return 0;
	}
	m->busy[s->thread] = true;
	if (res.timer.kind != FX_TIMER_NONE &&
	    (s->to.kind == FXC_TO_PAST ||
	     (s->to.kind == FXC_TO_RAW && raw_expired(&s->to, res.timer.kind))))
		fx_task_timeout(t);
	return 0;
}

static int check_thread(struct fxc_model *m, const struct fxc_step *s,
			bool want_busy)
{
	const char *name = m->sc->threads[s->thread].name;

	if (!m->thr[s->thread])
		return fail(m, -EINVAL, "line %d: thread %s has not been spawned",
			    s->line, name);
	if (m->dead[s->thread])
		return fail(m, -EINVAL, "line %d: thread %s has exited", s->line, name);
	if (m->busy[s->thread] != want_busy)
		return fail(m, -EINVAL, "line %d: thread %s is %s", s->line, name,
			    want_busy ? "not blocked in a call" : "blocked in a call");
	return 0;
}

static void read_words(struct fxc_model *m)
{
	const struct fxc_scenario *sc = m->sc;

	for (int f = 0; f < sc->nfutexes; f++) {
		const struct fxc_futex *fx = &sc->futexes[f];
		struct fx_mm *mm = fx_task_mm(m->main[sc->maps[fx->map].proc]);
		uint32_t v = 0;

		/* the kernel runner reads through the creating process: once
		 * all its threads exited, its memory is gone */
		if (proc_gone(m, sc->maps[fx->map].proc) ||
		    fx_uaccess_get32(mm, futex_addr(sc, f), &v)) {
			m->cur->word_fault[f] = true;
			continue;
		}
		m->cur->words[f] = fx->tid_word ? canon(sc, v) : v;
	}
}

int fxc_model_step(struct fxc_model *m, int i)
{
	const struct fxc_scenario *sc = m->sc;
	const struct fxc_step *s = &sc->steps[i];
	struct fx_result res;
	int ret = 0;

	if ((ret = trace_room(m, i)))
		return fail(m, ret, "out of memory");
	m->cur = &m->tr->steps[i];
	switch (s->kind) {
	case FXC_STEP_FUTEX: case FXC_STEP_FUTEX_WAIT: case FXC_STEP_FUTEX_WAKE:
	case FXC_STEP_FUTEX_REQUEUE: case FXC_STEP_WAITV:
	case FXC_STEP_PRCTL_HASH: case FXC_STEP_SET_ROBUST:
	case FXC_STEP_GET_ROBUST:
		if (!(ret = check_thread(m, s, false)))
			ret = do_call(m, s);
		break;
	case FXC_STEP_STORE:
		/* a user-space store; the kernel runner reports a fault as
		 * -EFAULT (it writes through process_vm_writev) */
		if (!(ret = check_thread(m, s, false)))
			record(m, s->thread,
			       fx_uaccess_put32(fx_task_mm(m->thr[s->thread]),
						user_addr(sc, &s->addr),
						(uint32_t)call_val(sc, &s->addr, s->val)));
		break;
	case FXC_STEP_EXPIRE:
		if (!(ret = check_thread(m, s, true)) &&
		    fx_task_timeout(m->thr[s->thread]) < 0)
			ret = fail(m, -EINVAL, "line %d: thread %s has no timeout armed",
				   s->line, sc->threads[s->thread].name);
		break;
	case FXC_STEP_SIGNAL:
		if (!m->thr[s->thread] || m->dead[s->thread])
			ret = fail(m, -EINVAL, "line %d: thread %s is not alive",
				   s->line, sc->threads[s->thread].name);
		else
			fx_task_signal(m->thr[s->thread], s->sa_restart ? FX_SIG_RESTART : 0);
		break;
	case FXC_STEP_EXIT:
		if (!(ret = check_thread(m, s, false))) {
			ret = fx_task_exit(m->thr[s->thread], &res);
			if (ret)
				ret = fail(m, ret, "fx_task_exit failed (%d)", ret);
			m->dead[s->thread] = true;
		}
		break;
	case FXC_STEP_SPAWN:
		if (m->thr[s->thread])
			ret = fail(m, -EINVAL, "line %d: thread %s spawned twice",
				   s->line, sc->threads[s->thread].name);
		else
			ret = spawn(m, s->thread);
		break;
	case FXC_STEP_MPROTECT: {
		const struct fxc_map *mp = &sc->maps[s->map];

		for (int p = 0; p < sc->nprocs && !ret; p++)
			if (proc_maps(mp, p) && !proc_gone(m, p) &&
			    (ret = fx_mprotect(fx_task_mm(m->main[p]), map_addr(s->map),
					       mp->pages * PAGE, s->prot)))
				ret = fail(m, ret, "mprotect failed (%d)", ret);
		break;
	}
	}
	if (!ret)
		ret = settle(m);
	if (ret)
		return ret;
	/* "blocked" is about the step's own call: call steps only */
	if (fxc_step_is_call(s->kind))
		m->cur->blocked = m->busy[s->thread];
	read_words(m);
	if ((ret = fx_core_check(m->core)))
		return fail(m, ret, "after step %d (line %d): model invariant broken: %s",
			    i, s->line, fx_core_errmsg(m->core));
	return 0;
}

int fxc_run_model(const struct fxc_scenario *sc, struct fxc_trace *tr)
{
	struct fxc_model *m = fxc_model_open(sc, tr);
	int ret = 0;

	if (!m)
		return -EINVAL;
	for (int i = 0; i < sc->nsteps && !ret; i++)
		ret = fxc_model_step(m, i);
	fxc_model_close(m);
	return ret;
}
