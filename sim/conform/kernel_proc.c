/* SPDX-License-Identifier: MIT */
/*
 * kernel_proc.c - the scenario side of the live-kernel runner: scenario
 * processes other than M, scenario threads, and the one system call each
 * step makes.
 *
 * A scenario thread is a pthread that, once started, only ever does this:
 *
 *	wait on its control word (a shared FUTEX_WAIT on ctl->t[t].cmd_seq)
 *	run the call the orchestrator named, record ret (or -errno)
 *	publish done_seq = cmd_seq, wait again
 *
 * The orchestrator tells "idle" from "blocked in the scenario's call" by
 * the first syscall argument in /proc/<pid>/task/<tid>/syscall: an idle
 * thread waits on &ctl->t[t].cmd_seq, which no scenario address can be.
 *
 * Processes other than M run fxk_child_main(): they drop the mappings they
 * do not hold, start their non-lazy threads other than the first in index
 * order, and then the initial thread becomes the process's first scenario
 * thread (so a process with one scenario thread is single-threaded).
 * Every scenario thread also runs process commands (mprotect, spawn) that
 * M hands it while it is idle.  A process without scenario threads serves
 * them on its own control word instead.  Every call goes through raw
 * syscall(2).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "conform/kernel_int.h"

#define FXK_FUTEX_WAIT		0
#define FXK_FUTEX_WAKE		1

struct fxk_proc fxk_self;

/* struct robust_list_head, one per scenario thread of this process */
struct fxk_rhead {
	uint64_t next;
	int64_t futex_offset;
	uint64_t pending;
};

static struct fxk_rhead fxk_heads[FXC_MAX_THREADS];

long fxk_sys(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r == -1 ? -errno : r;
}

int64_t fxk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

void fxk_sleep_ns(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

void fxk_sigusr1(int sig)
{
	(void)sig;
}

bool fxk_holds(const struct fxc_scenario *sc, int map, int proc)
{
	const struct fxc_map *m = &sc->maps[map];

	return m->proc == proc || ((m->shared_with >> proc) & 1);
}

uint64_t fxk_futex_addr(const struct fxc_scenario *sc, int f)
{
	const struct fxc_futex *fu = &sc->futexes[f];

	return FXK_MAP_ADDR(fu->map) + fu->offset;
}

uint64_t fxk_addr(const struct fxc_scenario *sc, const struct fxc_addr *a)
{
	uint64_t base;

	if (a->futex >= 0) {
		if (a->futex >= sc->nfutexes)
			base = FXK_UNMAPPED_ADDR;
		else
			base = fxk_futex_addr(sc, a->futex);
	} else if (a->raw == FXC_RAW_UNMAPPED) {
		base = FXK_UNMAPPED_ADDR;
	} else if (a->raw == FXC_RAW_PROT_NONE) {
		base = FXK_PROT_NONE_ADDR;
	} else {
		base = a->raw;		/* 0 = NULL, else literal */
	}
	return base + (uint64_t)(int64_t)a->delta;
}

/*
 * fxk_tid_real - turn a canonical TID in a value meant for TID-bearing
 * word @f into the named thread's real TID (a stand-in TID above PID_MAX
 * while a lazy thread has not started).  Other values pass unchanged.
 */
uint32_t fxk_tid_real(const struct fxc_scenario *sc, const struct fxk_ctl *ctl,
		      int f, uint32_t v)
{
	uint32_t id = v & FX_TID_MASK, real;
	int t;

	if (f < 0 || f >= sc->nfutexes || !sc->futexes[f].tid_word)
		return v;
	if (id < FXC_TID_BASE || id >= FXC_TID_BASE + (uint32_t)sc->nthreads)
		return v;
	t = (int)(id - FXC_TID_BASE);
	real = (uint32_t)atomic_load(&ctl->t[t].tid);
	if (!real)
		real = FXK_TID_NOT_STARTED(t);
	return (v & ~FX_TID_MASK) | real;
}

/* fxk_tid_canon - the inverse, applied to words read back */
uint32_t fxk_tid_canon(const struct fxc_scenario *sc,
		       const struct fxk_ctl *ctl, int f, uint32_t v)
{
	uint32_t id = v & FX_TID_MASK;
	int t;

	if (!sc->futexes[f].tid_word || !id)
		return v;
	for (t = 0; t < sc->nthreads; t++) {
		if ((uint32_t)atomic_load(&ctl->t[t].tid) == id ||
		    id == FXK_TID_NOT_STARTED(t))
			return (v & ~FX_TID_MASK) | (FXC_TID_BASE + (uint32_t)t);
	}
	return (v & ~FX_TID_MASK) | FXC_TID_UNKNOWN;
}

/* the legacy ops whose 4th argument is a timespec */
static bool fxk_futex_has_to(int op)
{
	switch (op & FX_CMD_MASK) {
	case FX_OP_WAIT:
	case FX_OP_LOCK_PI:
	case FX_OP_LOCK_PI2:
	case FX_OP_WAIT_BITSET:
	case FX_OP_WAIT_REQUEUE_PI:
		return true;
	default:
		return false;
	}
}

/* does @st arm a timer that only an EXPIRE step may let fire? */
bool fxk_step_expires(const struct fxc_step *st)
{
	if (st->to.kind != FXC_TO_EXPIRE)
		return false;
	switch (st->kind) {
	case FXC_STEP_FUTEX:
		return fxk_futex_has_to(st->op);
	case FXC_STEP_FUTEX_WAIT:
	case FXC_STEP_WAITV:
		return true;
	default:
		return false;
	}
}

/*
 * fxk_timeout - the timespec pointer for @to: relative (@abs false) or
 * absolute on @clk; an FXC_TO_EXPIRE timeout is @len ns from now.
 * Returns the pointer as a syscall argument (0 = NULL).
 */
static long fxk_timeout(const struct fxc_timeout *to, bool abs, clockid_t clk,
			int64_t len, struct timespec *ts)
{
	switch (to->kind) {
	case FXC_TO_NONE:
		return 0;
	case FXC_TO_EXPIRE:
		if (abs) {
			clock_gettime(clk, ts);
		} else {
			ts->tv_sec = 0;
			ts->tv_nsec = 0;
		}
		ts->tv_nsec += (long)(len % 1000000000ll);
		ts->tv_sec += (time_t)(len / 1000000000ll);
		if (ts->tv_nsec >= 1000000000l) {
			ts->tv_nsec -= 1000000000l;
			ts->tv_sec++;
		}
		break;
	case FXC_TO_PAST:
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		if (abs) {
			clock_gettime(clk, ts);
			ts->tv_sec = ts->tv_sec >= 1 ? ts->tv_sec - 1 : 0;
		}
		break;
	case FXC_TO_RAW:
		ts->tv_sec = (time_t)to->sec;
		ts->tv_nsec = (long)to->nsec;
		break;
	case FXC_TO_FAULT:
		return (long)FXK_PROT_NONE_ADDR;
	}
	return (long)ts;
}

static clockid_t fxk_clock(int clockid)
{
	return clockid == FX_CLOCK_REALTIME_ID ? CLOCK_REALTIME : CLOCK_MONOTONIC;
}

/* canonical TIDs in a compare value for word @a (only an exact word) */
static uint64_t fxk_val(const struct fxc_addr *a, uint64_t v)
{
	const struct fxc_scenario *sc = fxk_self.sc;

	if (a->futex < 0 || a->delta != 0 || v > UINT32_MAX)
		return v;
	return fxk_tid_real(sc, fxk_self.ctl, a->futex, (uint32_t)v);
}

static void fxk_waitv_fill(struct fx_waitv *w, const struct fxc_waitv_ent *e,
			   int n)
{
	int i;

	for (i = 0; i < n; i++) {
		w[i].val = fxk_val(&e[i].addr, e[i].val);
		w[i].uaddr = fxk_addr(fxk_self.sc, &e[i].addr);
		w[i].flags = e[i].flags;
		w[i].reserved = e[i].reserved;
	}
}

static long fxk_call_futex(const struct fxc_step *st, int64_t len)
{
	const struct fxc_scenario *sc = fxk_self.sc;
	int cmd = st->op & FX_CMD_MASK;
	uint64_t val = st->val, val3 = st->val3;
	struct timespec ts;
	long utime;

	if (cmd == FX_OP_WAIT || cmd == FX_OP_WAIT_BITSET ||
	    cmd == FX_OP_WAIT_REQUEUE_PI)
		val = fxk_val(&st->addr, val);
	if (cmd == FX_OP_CMP_REQUEUE || cmd == FX_OP_CMP_REQUEUE_PI)
		val3 = fxk_val(&st->addr, val3);
	if (fxk_futex_has_to(st->op)) {
		bool rt = cmd == FX_OP_LOCK_PI || (st->op & FX_CLOCK_REALTIME);

		utime = fxk_timeout(&st->to, cmd != FX_OP_WAIT,
				    rt ? CLOCK_REALTIME : CLOCK_MONOTONIC, len,
				    &ts);
	} else {
		utime = (long)st->val2;
	}
	return fxk_sys(FXK_NR_FUTEX, (long)fxk_addr(sc, &st->addr), st->op,
		       (long)val, utime, (long)fxk_addr(sc, &st->addr2),
		       (long)val3);
}

/* is [a, a+4) a naturally aligned word in a writable mapping here? */
static bool fxk_writable(uint64_t a)
{
	const struct fxc_scenario *sc = fxk_self.sc;
	int i;

	if (a & 3)
		return false;
	for (i = 0; i < sc->nmaps; i++) {
		uint64_t lo = FXK_MAP_ADDR(i);
		uint64_t hi = lo + (uint64_t)sc->maps[i].pages * FXK_PAGE;

		if (a >= lo && a + 4 <= hi)
			return fxk_holds(sc, i, fxk_self.proc) &&
			       (fxk_self.cur_prot[i] & PROT_WRITE);
	}
	return false;
}

static long fxk_call_store(const struct fxc_step *st)
{
	uint64_t a = fxk_addr(fxk_self.sc, &st->addr);
	uint32_t v = (uint32_t)fxk_val(&st->addr, st->val);
	struct iovec lo = { &v, 4 }, re = { (void *)(uintptr_t)a, 4 };
	ssize_t n;

	if (fxk_writable(a)) {
		__atomic_store_n((uint32_t *)(uintptr_t)a, v, __ATOMIC_SEQ_CST);
		return 0;
	}
	/* not a plain writable word: let the kernel say EFAULT, not SIGSEGV */
	n = process_vm_writev(getpid(), &lo, 1, &re, 1, 0);
	if (n == 4)
		return 0;
	return n < 0 ? -errno : -EFAULT;
}

/* map the private page(s) holding robust entry [e, e+8) */
static int fxk_shadow_map(uint64_t e)
{
	uint64_t pg;

	for (pg = e & ~(FXK_PAGE - 1); pg < e + 8; pg += FXK_PAGE) {
		void *p = mmap((void *)(uintptr_t)pg, FXK_PAGE,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			       -1, 0);

		if (p == MAP_FAILED) {
			if (errno != EEXIST)
				return -errno;
		} else if (p != (void *)(uintptr_t)pg) {
			munmap(p, FXK_PAGE);
			return -EEXIST;
		}
	}
	return 0;
}

static void fxk_put64(uint64_t addr, uint64_t v)
{
	memcpy((void *)(uintptr_t)addr, &v, sizeof(v));
}

static bool fxk_overlap(uint64_t a, uint64_t b)
{
	return a != b && (a > b ? a - b : b - a) < 8;
}

/*
 * fxk_call_robust - build thread @t's robust list and register it.
 *
 * Entries live at word + off with off = FXK_SHADOW_OFF + t *
 * FXK_SHADOW_STRIDE, in private pages of this process, so that one
 * futex_offset (-off) reaches every word; bit 0 of a link marks a PI
 * entry.  Words closer than 8 bytes would need overlapping entries and are
 * refused (runner error); so is a word listed twice.
 */
static long fxk_call_robust(int t, const struct fxc_step *st, int *err)
{
	const struct fxc_scenario *sc = fxk_self.sc;
	const struct fxc_robust *r = &st->robust;
	struct fxk_rhead *h = &fxk_heads[t];
	uint64_t off = FXK_SHADOW_OFF + (uint64_t)t * FXK_SHADOW_STRIDE;
	uint64_t ent[FXC_ROBUST_MAX], link[FXC_ROBUST_MAX];
	uint64_t head = (uint64_t)(uintptr_t)h;
	int n = r->nent, k, j;
	long ret;

	if (n < 0 || n > FXC_ROBUST_MAX)
		goto bad;
	for (k = 0; k < n; k++) {
		if (r->futex[k] < 0 || r->futex[k] >= sc->nfutexes)
			goto bad;
		ent[k] = fxk_futex_addr(sc, r->futex[k]) + off;
		link[k] = ent[k] | (r->pi[k] ? 1 : 0);
		for (j = 0; j < k; j++) {
			if (ent[j] == ent[k] || fxk_overlap(ent[j], ent[k])) {
				*err = FXK_TERR_ROBUST_LAYOUT;
				return -EINVAL;
			}
		}
		if (fxk_shadow_map(ent[k])) {
			*err = FXK_TERR_SHADOW;
			return -ENOMEM;
		}
	}
	for (k = 0; k < n; k++)
		fxk_put64(ent[k], k + 1 < n ? link[k + 1] :
			  r->circular ? link[0] : head);
	h->next = n ? link[0] : head;
	h->futex_offset = -(int64_t)off;
	h->pending = 0;
	if (r->pending >= 0) {
		uint64_t p;
		bool pi = false;

		if (r->pending >= sc->nfutexes)
			goto bad;
		p = fxk_futex_addr(sc, r->pending) + off;
		for (k = 0; k < n; k++) {
			if (fxk_overlap(ent[k], p)) {
				*err = FXK_TERR_ROBUST_LAYOUT;
				return -EINVAL;
			}
			if (r->futex[k] == r->pending)
				pi = r->pi[k];
		}
		if (fxk_shadow_map(p)) {
			*err = FXK_TERR_SHADOW;
			return -ENOMEM;
		}
		h->pending = p | (pi ? 1 : 0);
	}
	ret = fxk_sys(SYS_set_robust_list, (long)h, (long)r->len, 0, 0, 0, 0);
	if (!ret)
		fxk_self.ctl->t[t].robust_head = head;
	return ret;
bad:
	*err = FXK_TERR_BAD_STEP;
	return -EINVAL;
}

/*
 * fxk_call_get_robust - get_robust_list(pid, &head, &len) by thread @t,
 * canonicalised: -errno, or 0 if head is what the target registered with
 * a robust step (NULL if none: fxk_thread_main cleared glibc's list) and
 * len is 24, else 1.
 */
static long fxk_call_get_robust(int t, const struct fxc_step *st, int *err)
{
	const struct fxk_ctl *ctl = fxk_self.ctl;
	int x = st->pid_thread, pid = 0;
	uint64_t head = 0, len = 0, want;
	long ret;

	if (x == FXC_PID_SELF) {
		x = t;
	} else if (x == FXC_PID_UNKNOWN) {
		pid = (int)FXC_TID_UNKNOWN;	/* above PID_MAX_LIMIT */
	} else if (x >= 0 && x < fxk_self.sc->nthreads) {
		pid = atomic_load(&ctl->t[x].tid);
		if (!pid)
			pid = (int)FXK_TID_NOT_STARTED(x);
	} else {
		*err = FXK_TERR_BAD_STEP;
		return -EINVAL;
	}
	ret = fxk_sys(FXK_NR_GET_ROBUST_LIST, pid, (long)&head, (long)&len,
		      0, 0, 0);
	if (ret < 0)
		return ret;
	want = x >= 0 ? ctl->t[x].robust_head : 0;
	return head == want && len == FX_ROBUST_LIST_HEAD_LEN ? 0 : 1;
}

/* fxk_call - run step @st's call in scenario thread @t; -errno on error */
static long fxk_call(int t, const struct fxc_step *st, int *err)
{
	const struct fxc_scenario *sc = fxk_self.sc;
	struct fx_waitv w[FXC_MAX_WAITV];
	int64_t len = fxk_self.ctl->t[t].to_ns;
	struct timespec ts;
	long to, wp;
	int n;

	switch (st->kind) {
	case FXC_STEP_FUTEX:
		return fxk_call_futex(st, len);
	case FXC_STEP_FUTEX_WAIT:
		to = fxk_timeout(&st->to, true, fxk_clock(st->clockid), len,
				 &ts);
		return fxk_sys(FXK_NR_FUTEX_WAIT,
			       (long)fxk_addr(sc, &st->addr),
			       (long)fxk_val(&st->addr, st->val), (long)st->mask,
			       (long)st->flags, to, st->clockid);
	case FXC_STEP_FUTEX_WAKE:
		return fxk_sys(FXK_NR_FUTEX_WAKE,
			       (long)fxk_addr(sc, &st->addr), (long)st->mask,
			       st->nr, (long)st->flags, 0, 0);
	case FXC_STEP_FUTEX_REQUEUE:
		fxk_waitv_fill(w, st->waitv, 2);
		wp = st->waitv_null ? 0 : (long)w;
		return fxk_sys(FXK_NR_FUTEX_REQUEUE, wp, (long)st->flags,
			       st->nr, st->nr2, 0, 0);
	case FXC_STEP_WAITV:
		n = st->nwaitv < 0 ? 0 : st->nwaitv > FXC_MAX_WAITV ?
			FXC_MAX_WAITV : st->nwaitv;
		fxk_waitv_fill(w, st->waitv, n);
		wp = st->waitv_null ? 0 : (long)w;
		to = fxk_timeout(&st->to, true, fxk_clock(st->clockid), len,
				 &ts);
		return fxk_sys(FXK_NR_FUTEX_WAITV, wp, st->nwaitv,
			       (long)st->flags, to, st->clockid, 0);
	case FXC_STEP_PRCTL_HASH:
		return fxk_sys(SYS_prctl, FX_PR_FUTEX_HASH, (long)st->val,
			       (long)st->val2, (long)st->val3, 0, 0);
	case FXC_STEP_SET_ROBUST:
		return fxk_call_robust(t, st, err);
	case FXC_STEP_GET_ROBUST:
		return fxk_call_get_robust(t, st, err);
	case FXC_STEP_STORE:
		return fxk_call_store(st);
	default:
		*err = FXK_TERR_BAD_STEP;
		return -EINVAL;
	}
}

/* fxk_pcmd_run - a process command, run by any thread of this process */
long fxk_pcmd_run(int cmd, int arg)
{
	switch (cmd) {
	case FXK_P_SYNC_PROT:
		return fxk_sync_prot();
	case FXK_P_SPAWN:
		return fxk_spawn(arg);
	default:
		return -EINVAL;
	}
}

/*
 * fxk_thread_main - body of scenario thread @t (a pthread, or a child
 * process's initial thread): set its policy explicitly (a clone inherits
 * its creator's), drop glibc's robust list (a scenario thread has none
 * until a robust step, as in the model), then serve commands forever.
 */
static void *fxk_thread_main(void *arg)
{
	int t = (int)(intptr_t)arg;
	struct fxk_tslot *s = &fxk_self.ctl->t[t];
	const struct fxc_thread *th = &fxk_self.sc->threads[t];
	struct sched_param sp = { .sched_priority = 0 };
	int policy = SCHED_OTHER;
	uint32_t seen, seq;

	if (th->policy == FX_SCHED_FIFO || th->policy == FX_SCHED_RR) {
		policy = th->policy;
		sp.sched_priority = th->rt_prio;
	}
	if (sched_getscheduler(0) != policy || policy != SCHED_OTHER) {
		if (sched_setscheduler(0, policy, &sp)) {
			s->err = errno;
			atomic_store(&s->state, FXK_TS_FAILED);
			return NULL;
		}
	}
	fxk_sys(SYS_set_robust_list, 0, FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0);
	s->robust_head = 0;
	atomic_store(&s->tid, (int)syscall(SYS_gettid));
	seen = atomic_load(&s->cmd_seq);
	atomic_store(&s->state, FXK_TS_READY);
	for (;;) {
		while ((seq = atomic_load(&s->cmd_seq)) == seen)
			syscall(SYS_futex, &s->cmd_seq, FXK_FUTEX_WAIT, seen,
				NULL, NULL, 0);
		seen = seq;
		if (s->cmd == FXK_T_EXIT)
			syscall(SYS_exit, 0);
		if (s->cmd == FXK_T_PCMD)
			s->ret = fxk_pcmd_run(s->pcmd, s->parg);
		else
			s->ret = fxk_call(t, &fxk_self.sc->steps[s->step],
					  &s->err);
		atomic_store(&s->done_seq, seq);
	}
	return NULL;
}

/* fxk_spawn - start scenario thread @t in this process */
int fxk_spawn(int t)
{
	pthread_attr_t at;
	pthread_t pt;
	int rc;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 1u << 20);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&pt, &at, fxk_thread_main, (void *)(intptr_t)t);
	pthread_attr_destroy(&at);
	if (rc) {
		fxk_self.ctl->t[t].err = rc;
		atomic_store(&fxk_self.ctl->t[t].state, FXK_TS_FAILED);
	}
	return -rc;
}

/* fxk_sync_prot - apply ctl->prot[] to the mappings this process holds */
int fxk_sync_prot(void)
{
	const struct fxc_scenario *sc = fxk_self.sc;
	int i, want;

	for (i = 0; i < sc->nmaps; i++) {
		if (!fxk_holds(sc, i, fxk_self.proc))
			continue;
		want = atomic_load(&fxk_self.ctl->prot[i]);
		if (want == fxk_self.cur_prot[i])
			continue;
		if (mprotect((void *)(uintptr_t)FXK_MAP_ADDR(i),
			     (size_t)sc->maps[i].pages * FXK_PAGE, want))
			return -errno;
		fxk_self.cur_prot[i] = want;
	}
	return 0;
}

int fxk_sigact(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fxk_sigusr1;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) ? -errno : 0;
}

/*
 * fxk_child_main - scenario process @proc (> 0), just forked from M.
 * Dies with M (PDEATHSIG) or when M kills it; never returns.  Its initial
 * thread starts the process's other non-lazy threads in index order and
 * then becomes its first scenario thread.
 */
void fxk_child_main(int proc)
{
	const struct fxc_scenario *sc = fxk_self.sc;
	struct fxk_pslot *p = &fxk_self.ctl->p[proc];
	pid_t m = atomic_load(&fxk_self.ctl->p[0].pid);
	uint32_t seen = 0, seq;
	int i, first = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != m)
		_exit(1);
	fxk_self.proc = proc;
	atomic_store(&p->pid, (int)getpid());
	for (i = 0; i < sc->nmaps; i++)
		if (!fxk_holds(sc, i, proc))
			munmap((void *)(uintptr_t)FXK_MAP_ADDR(i),
			       (size_t)sc->maps[i].pages * FXK_PAGE);
	for (i = 0; i < sc->nthreads; i++) {
		if (sc->threads[i].proc != proc)
			continue;
		if (first < 0)
			first = i;	/* never lazy (the parser checks) */
		else if (!sc->lazy[i])
			fxk_spawn(i);
	}
	if (first >= 0) {
		fxk_thread_main((void *)(intptr_t)first);
		_exit(1);	/* could not set its policy: M reports it */
	}
	for (;;) {
		while ((seq = atomic_load(&p->cmd_seq)) == seen)
			syscall(SYS_futex, &p->cmd_seq, FXK_FUTEX_WAIT, seen,
				NULL, NULL, 0);
		seen = seq;
		p->ret = fxk_pcmd_run(p->cmd, p->arg);
		atomic_store(&p->done_seq, seq);
	}
}
