/* SPDX-License-Identifier: MIT */
/*
 * kernel_run.c - M, the scenario's process 0: sets the scenario up, runs
 * its steps in order and traces them.
 *
 *   1. maps the special pages and every mapping at its fixed address
 *      (kernel_int.h), SIGUSR1 handler installed, control block shared;
 *   2. forks processes 1..n-1 (they drop mappings they do not hold, start
 *      their non-lazy threads but the first in index order, and their
 *      initial thread becomes the first), then starts its own non-lazy
 *      threads in index order;
 *   3. writes the futex init values (canonical TIDs made real), applies
 *      the initial protections everywhere;
 *   4. runs the steps; after each one it settles and records the returns
 *      and the (canonicalised) futex words into the result area;
 *   5. SIGKILLs and reaps its children; the caller _exit()s it (its own
 *      threads die with it, blocked or not).
 *
 * Settling.  After a step, every thread with a call in flight must have
 * returned (done_seq caught up) or be blocked in the kernel: its
 * /proc/<pid>/task/<tid>/stat state is S or D and its syscall file shows a
 * futex-family call (202, 449, 454-456, or restart_syscall 219) whose
 * first argument is not its own control word.  When at least one thread is
 * blocked the condition must hold on two polls at least FXK_GAP_NS apart.
 * Wakes the kernel does on behalf of a step (futex_wake, unlock_pi
 * hand-off, robust-list and exit wakes, tgkill) make the wakee runnable
 * before the waking call returns, so a woken thread never looks blocked.
 * A step that does not settle within FXK_SETTLE_NS is a runner error.
 *
 * Timeouts only an EXPIRE step may fire.  The runner cannot move time, so
 * such a timeout is a real one of n * unit, n = 1 + the number of EXPIRE
 * steps of other threads before this thread's own EXPIRE step (timers then
 * fire in EXPIRE order); the EXPIRE step waits for the return.  A call
 * that times out before its EXPIRE step is reported (out->expired_early)
 * and the caller retries with a longer unit; never a silent mismatch.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "futex.h"
#include "conform/kernel_int.h"

#define FXK_FUTEX_WAKE		1

/* M's private state */
struct fxk_run {
	const struct fxc_scenario *sc;
	struct fxk_ctl *ctl;
	struct fxk_out *out;
	pid_t pid[FXC_MAX_PROCS];
	int file_fd[FXC_MAX_MAPS];
	int fd_stat[FXC_MAX_THREADS];
	int fd_sys[FXC_MAX_THREADS];
	uint32_t seq[FXC_MAX_THREADS];	/* last command issued */
	bool inflight[FXC_MAX_THREADS];
	bool expiring[FXC_MAX_THREADS];	/* call armed an EXPIRE timer */
	int64_t issued[FXC_MAX_THREADS];
	bool got[FXC_MAX_THREADS];	/* returned during this step */
	long got_ret[FXC_MAX_THREADS];
	int step;			/* step being run, -1 in setup */
};

enum { FXK_RUNNING, FXK_BLOCKED, FXK_GONE };

static int fxk_fail(struct fxk_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fxk_fail(struct fxk_run *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (r->out->error[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->step >= 0)
		snprintf(r->out->error, sizeof(r->out->error),
			 "kernel runner: step %d (line %d): %s", r->step,
			 r->sc->steps[r->step].line, msg);
	else
		snprintf(r->out->error, sizeof(r->out->error),
			 "kernel runner: setup: %s", msg);
	return -1;
}

/* polls 0..15 yield (a woken thread usually returns within microseconds),
 * later ones sleep */
static void fxk_pause(unsigned n)
{
	if (n < 16)
		sched_yield();
	else
		fxk_sleep_ns(n < 64 ? 20000 : 100000);
}

static void fxk_beat(struct fxk_run *r)
{
	atomic_fetch_add(&r->out->heartbeat, 1);
}
/* ---- M: setup ---- */

static int fxk_validate(struct fxk_run *r)
{
	const struct fxc_scenario *sc = r->sc;
	int i;

	if (sc->nprocs < 1 || sc->nprocs > FXC_MAX_PROCS ||
	    sc->nmaps < 0 || sc->nmaps > FXC_MAX_MAPS ||
	    sc->nfutexes < 0 || sc->nfutexes > FXC_MAX_FUTEXES ||
	    sc->nthreads < 0 || sc->nthreads > FXC_MAX_THREADS)
		return fxk_fail(r, "counts out of range");
	for (i = 0; i < sc->nmaps; i++) {
		const struct fxc_map *m = &sc->maps[i];

		if (m->proc < 0 || m->proc >= sc->nprocs ||
		    (m->shared_with >> sc->nprocs) != 0 ||
		    m->kind < FXC_MAP_ANON_PRIVATE ||
		    m->kind > FXC_MAP_FILE_PRIVATE)
			return fxk_fail(r, "mapping %s: bad process or kind",
					m->name);
		if (m->pages < 1 || m->pages * FXK_PAGE > FXK_MAP_MAX)
			return fxk_fail(r, "mapping %s: %u pages (1..%llu)",
					m->name, m->pages,
					FXK_MAP_MAX / FXK_PAGE);
		if (m->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
			return fxk_fail(r, "mapping %s: bad prot", m->name);
	}
	for (i = 0; i < sc->nfutexes; i++)
		if (sc->futexes[i].map < 0 || sc->futexes[i].map >= sc->nmaps)
			return fxk_fail(r, "futex %s: bad mapping",
					sc->futexes[i].name);
	for (i = 0; i < sc->nthreads; i++) {
		if (sc->threads[i].proc < 0 ||
		    sc->threads[i].proc >= sc->nprocs)
			return fxk_fail(r, "thread %s: bad process",
					sc->threads[i].name);
		if (sc->lazy[i] && fxc_initial_thread(sc, i))
			return fxk_fail(r, "thread %s: the initial thread of "
					"process %s cannot be lazy",
					sc->threads[i].name,
					sc->procs[sc->threads[i].proc]);
	}
	return 0;
}

static int fxk_setup_maps(struct fxk_run *r)
{
	const struct fxc_scenario *sc = r->sc;
	void *want, *p;
	int i;

	want = (void *)(uintptr_t)FXK_PROT_NONE_ADDR;
	p = mmap(want, FXK_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != want)
		return fxk_fail(r, "cannot map the PROT_NONE page at %p", want);
	want = (void *)(uintptr_t)FXK_UNMAPPED_ADDR;
	p = mmap(want, FXK_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != want)
		return fxk_fail(r, "address %p is in use", want);
	munmap(p, FXK_PAGE);

	for (i = 0; i < sc->nmaps; i++) {
		const struct fxc_map *m = &sc->maps[i];
		size_t len = (size_t)m->pages * FXK_PAGE;
		int flags = MAP_FIXED_NOREPLACE, fd = -1;
		char path[] = "/tmp/futexsim-k-XXXXXX";

		switch (m->kind) {
		case FXC_MAP_ANON_PRIVATE:
			flags |= MAP_PRIVATE | MAP_ANONYMOUS;
			break;
		case FXC_MAP_ANON_SHARED:
			flags |= MAP_SHARED | MAP_ANONYMOUS;
			break;
		case FXC_MAP_FILE_SHARED:
		case FXC_MAP_FILE_PRIVATE:
			/* unlinked at once: nothing is left behind even if
			 * M is killed; the open fd keeps the inode */
			fd = mkstemp(path);
			if (fd < 0)
				return fxk_fail(r, "mkstemp: %s",
						strerror(errno));
			unlink(path);
			r->file_fd[i] = fd;
			if (ftruncate(fd, (off_t)len))
				return fxk_fail(r, "ftruncate: %s",
						strerror(errno));
			flags |= m->kind == FXC_MAP_FILE_SHARED ?
				MAP_SHARED : MAP_PRIVATE;
			break;
		}
		want = (void *)(uintptr_t)FXK_MAP_ADDR(i);
		p = mmap(want, len, PROT_READ | PROT_WRITE, flags, fd, 0);
		if (p != want)
			return fxk_fail(r, "mapping %s at %p: %s", m->name,
					want, p == MAP_FAILED ?
					strerror(errno) : "moved");
		fxk_self.cur_prot[i] = PROT_READ | PROT_WRITE;
		atomic_store(&r->ctl->prot[i], PROT_READ | PROT_WRITE);
	}
	return 0;
}

/* does process @k (> 0) have scenario threads (its initial thread is one)? */
static bool fxk_has_threads(struct fxk_run *r, int k)
{
	int t;

	for (t = 0; t < r->sc->nthreads; t++)
		if (r->sc->threads[t].proc == k)
			return true;
	return false;
}

/* a running scenario thread of process @k, preferring idle ones (lowest
 * index), or -1 if none runs (every thread exited: the process is gone) */
static int fxk_live_thread(struct fxk_run *r, int k, bool idle)
{
	int t;

	for (t = 0; t < r->sc->nthreads; t++)
		if (r->sc->threads[t].proc == k &&
		    atomic_load(&r->ctl->t[t].state) == FXK_TS_READY &&
		    (!idle || !r->inflight[t]))
			return t;
	return -1;
}

/* has process @k (> 0) ended (all its scenario threads exited)? */
static bool fxk_proc_gone(struct fxk_run *r, int k)
{
	return k > 0 && fxk_has_threads(r, k) && fxk_live_thread(r, k, false) < 0;
}

/* a TID through which process @k's memory can be read: its pid unless the
 * initial thread has exited (a zombie leader has no mm) */
static pid_t fxk_mem_tid(struct fxk_run *r, int k)
{
	int t = k > 0 ? fxk_live_thread(r, k, false) : -1;

	return t >= 0 ? atomic_load(&r->ctl->t[t].tid) : r->pid[k];
}

static void fxk_issue(struct fxk_run *r, int t, int cmd, int step);

/*
 * fxk_pcmd - have process @k (> 0) run a command; its result in @ret.
 * An idle scenario thread of the process runs it; a process without
 * scenario threads runs it on its control word.
 */
static int fxk_pcmd(struct fxk_run *r, int k, int cmd, int arg, long *ret)
{
	struct fxk_pslot *p = &r->ctl->p[k];
	_Atomic uint32_t *done = &p->done_seq;
	int64_t deadline = fxk_now_ns() + FXK_SETTLE_NS;
	uint32_t seq;
	unsigned n;
	int t = -1;

	if (fxk_has_threads(r, k)) {
		t = fxk_live_thread(r, k, true);
		if (t < 0)
			return fxk_fail(r, "process %s has no idle thread to "
					"run a %s (its threads are all blocked "
					"or gone)", r->sc->procs[k],
					cmd == FXK_P_SPAWN ? "spawn" :
					"mprotect");
		r->ctl->t[t].pcmd = cmd;
		r->ctl->t[t].parg = arg;
		fxk_issue(r, t, FXK_T_PCMD, r->step);
		seq = r->seq[t];
		done = &r->ctl->t[t].done_seq;
	} else {
		seq = atomic_load(&p->cmd_seq) + 1;
		p->cmd = cmd;
		p->arg = arg;
		atomic_store(&p->cmd_seq, seq);
		syscall(SYS_futex, &p->cmd_seq, FXK_FUTEX_WAKE, 1, NULL, NULL,
			0);
	}
	for (n = 0; atomic_load(done) != seq; n++) {
		if (fxk_now_ns() > deadline)
			return fxk_fail(r, "process %s does not answer",
					r->sc->procs[k]);
		fxk_pause(n);
	}
	*ret = t >= 0 ? r->ctl->t[t].ret : p->ret;
	return 0;
}

/* fxk_prot_all - make the holders of @map (all maps: -1) apply ctl->prot */
static int fxk_prot_all(struct fxk_run *r, int map)
{
	const struct fxc_scenario *sc = r->sc;
	long ret;
	int k;

	for (k = 0; k < sc->nprocs; k++) {
		if ((map >= 0 && !fxk_holds(sc, map, k)) ||
		    fxk_proc_gone(r, k))
			continue;
		if (k == 0)
			ret = fxk_sync_prot();
		else if (fxk_pcmd(r, k, FXK_P_SYNC_PROT, 0, &ret))
			return -1;
		if (ret)
			return fxk_fail(r, "mprotect in process %s: %s",
					sc->procs[k], strerror((int)-ret));
	}
	return 0;
}

static int fxk_open_task(struct fxk_run *r, int t)
{
	char path[96];
	int pid = r->pid[r->sc->threads[t].proc];
	int tid = atomic_load(&r->ctl->t[t].tid);

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	r->fd_stat[t] = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	r->fd_sys[t] = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd_stat[t] < 0 || r->fd_sys[t] < 0)
		return fxk_fail(r, "open %s: %s", path, strerror(errno));
	return 0;
}

static void fxk_close_task(struct fxk_run *r, int t)
{
	if (r->fd_stat[t] >= 0)
		close(r->fd_stat[t]);
	if (r->fd_sys[t] >= 0)
		close(r->fd_sys[t]);
	r->fd_stat[t] = r->fd_sys[t] = -1;
}

/* wait until thread @t has its TID (or failed to start) */
static int fxk_wait_ready(struct fxk_run *r, int t)
{
	struct fxk_tslot *s = &r->ctl->t[t];
	int64_t deadline = fxk_now_ns() + FXK_SETTLE_NS;
	unsigned n;
	int st;

	for (n = 0; (st = atomic_load(&s->state)) != FXK_TS_READY; n++) {
		if (st == FXK_TS_FAILED)
			return fxk_fail(r, "thread %s could not start: %s",
					r->sc->threads[t].name,
					strerror(s->err));
		if (fxk_now_ns() > deadline)
			return fxk_fail(r, "thread %s did not start",
					r->sc->threads[t].name);
		fxk_pause(n);
	}
	return fxk_open_task(r, t);
}

static int fxk_write_init(struct fxk_run *r)
{
	const struct fxc_scenario *sc = r->sc;
	int f, k;

	for (f = 0; f < sc->nfutexes; f++) {
		const struct fxc_futex *fu = &sc->futexes[f];
		const struct fxc_map *m = &sc->maps[fu->map];
		uint32_t v = fxk_tid_real(sc, r->ctl, f, fu->init);
		uint64_t a = fxk_futex_addr(sc, f);
		struct iovec lo = { &v, 4 }, re = { (void *)(uintptr_t)a, 4 };

		if (!fu->init)
			continue;	/* fresh memory reads 0 */
		if ((uint64_t)fu->offset + 4 > (uint64_t)m->pages * FXK_PAGE)
			return fxk_fail(r, "futex %s: init outside its mapping",
					fu->name);
		if (m->kind == FXC_MAP_FILE_SHARED ||
		    m->kind == FXC_MAP_FILE_PRIVATE) {
			/* into the page cache: every holder sees it until
			 * it writes (MAP_PRIVATE COW) */
			if (pwrite(r->file_fd[fu->map], &v, 4, fu->offset) != 4)
				return fxk_fail(r, "futex %s: pwrite: %s",
						fu->name, strerror(errno));
			continue;
		}
		for (k = 0; k < sc->nprocs; k++) {
			if (!fxk_holds(sc, fu->map, k) ||
			    (m->kind == FXC_MAP_ANON_SHARED && k != m->proc))
				continue;
			if (process_vm_writev(fxk_mem_tid(r, k), &lo, 1, &re, 1,
					      0) != 4)
				return fxk_fail(r, "futex %s: init write: %s",
						fu->name, strerror(errno));
		}
	}
	return 0;
}

static int fxk_setup(struct fxk_run *r)
{
	const struct fxc_scenario *sc = r->sc;
	struct fxk_ctl *ctl;
	pid_t pid;
	int i, k;

	if (fxk_validate(r))
		return -1;
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctl == MAP_FAILED)
		return fxk_fail(r, "control block: %s", strerror(errno));
	r->ctl = ctl;
	fxk_self.sc = sc;
	fxk_self.ctl = ctl;
	fxk_self.proc = 0;
	r->pid[0] = getpid();
	atomic_store(&ctl->p[0].pid, (int)r->pid[0]);
	if (fxk_sigact(FXK_SIG_NORESTART, 0) ||
	    fxk_sigact(FXK_SIG_RESTART, SA_RESTART))
		return fxk_fail(r, "sigaction: %s", strerror(errno));
	if (fxk_setup_maps(r))
		return -1;

	/* the other processes first, while M is still single-threaded */
	for (k = 1; k < sc->nprocs; k++) {
		pid = fork();
		if (pid == 0)
			fxk_child_main(k);
		if (pid < 0)
			return fxk_fail(r, "fork: %s", strerror(errno));
		r->pid[k] = pid;
	}
	for (i = 0; i < sc->nmaps; i++)
		if (!fxk_holds(sc, i, 0))
			munmap((void *)(uintptr_t)FXK_MAP_ADDR(i),
			       (size_t)sc->maps[i].pages * FXK_PAGE);
	for (i = 0; i < sc->nthreads; i++)
		if (sc->threads[i].proc == 0 && !sc->lazy[i])
			fxk_spawn(i);
	for (i = 0; i < sc->nthreads; i++)
		if (!sc->lazy[i] && fxk_wait_ready(r, i))
			return -1;
	if (fxk_write_init(r))
		return -1;
	for (i = 0; i < sc->nmaps; i++)
		atomic_store(&ctl->prot[i], sc->maps[i].prot);
	return fxk_prot_all(r, -1);
}

static void fxk_teardown(struct fxk_run *r)
{
	int k, t;

	for (k = 1; k < r->sc->nprocs; k++)
		if (r->pid[k] > 0)
			kill(r->pid[k], SIGKILL);
	for (k = 1; k < r->sc->nprocs; k++)
		if (r->pid[k] > 0)
			while (waitpid(r->pid[k], NULL, 0) < 0 &&
			       errno == EINTR)
				;
	for (t = 0; t < FXC_MAX_THREADS; t++)
		fxk_close_task(r, t);
	for (k = 0; k < FXC_MAX_MAPS; k++)
		if (r->file_fd[k] >= 0)
			close(r->file_fd[k]);
}

/* ---- M: settling ---- */

static bool fxk_futex_nr(long nr)
{
	return nr == FXK_NR_FUTEX || nr == FXK_NR_FUTEX_WAITV ||
	       nr == FXK_NR_FUTEX_WAKE || nr == FXK_NR_FUTEX_WAIT ||
	       nr == FXK_NR_FUTEX_REQUEUE || nr == FXK_NR_RESTART;
}

/* fxk_task_state - FXK_BLOCKED if thread @t sleeps inside a scenario
 * futex call, FXK_GONE once it no longer exists, else FXK_RUNNING */
static int fxk_task_state(struct fxk_run *r, int t)
{
	char buf[512], *p, *end;
	unsigned long long arg0;
	ssize_t n;
	long nr;

	n = pread(r->fd_stat[t], buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return FXK_GONE;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return FXK_RUNNING;
	if (p[2] == 'Z' || p[2] == 'X' || p[2] == 'x')
		return FXK_GONE;
	if (p[2] != 'S' && p[2] != 'D')
		return FXK_RUNNING;
	n = pread(r->fd_sys[t], buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return FXK_RUNNING;
	buf[n] = 0;
	nr = strtol(buf, &end, 10);
	if (end == buf || !fxk_futex_nr(nr))
		return FXK_RUNNING;
	if (nr == FXK_NR_RESTART)
		return FXK_BLOCKED;
	arg0 = strtoull(end, NULL, 16);
	if (arg0 == (unsigned long long)(uintptr_t)&r->ctl->t[t].cmd_seq)
		return FXK_RUNNING;	/* idle: waiting for a command */
	return FXK_BLOCKED;
}

static const char *fxk_terr_str(int err)
{
	switch (err) {
	case FXK_TERR_ROBUST_LAYOUT:
		return "robust-list words must be 8 bytes apart and distinct";
	case FXK_TERR_SHADOW:
		return "cannot map a robust-list entry page";
	case FXK_TERR_BAD_STEP:
		return "malformed step";
	default:
		return "unknown thread error";
	}
}

/* fxk_collect - record thread @t's return if its call has returned */
static bool fxk_collect(struct fxk_run *r, int t)
{
	struct fxk_tslot *s = &r->ctl->t[t];

	if (atomic_load(&s->done_seq) != r->seq[t])
		return false;
	r->inflight[t] = false;
	r->got[t] = true;
	r->got_ret[t] = s->ret;
	if (s->err)
		fxk_fail(r, "thread %s: %s", r->sc->threads[t].name,
			 fxk_terr_str(s->err));
	if (r->expiring[t] && s->ret == -ETIMEDOUT &&
	    !(r->sc->steps[r->step].kind == FXC_STEP_EXPIRE &&
	      r->sc->steps[r->step].thread == t)) {
		r->out->expired_early = true;
		fxk_fail(r, "thread %s: timed call expired before its EXPIRE "
			 "step (timer %lld ms too short for this machine)",
			 r->sc->threads[t].name, (long long)(s->to_ns / 1000000));
	}
	r->expiring[t] = false;
	return true;
}

/*
 * fxk_settle - wait until every thread with a call in flight has returned
 * or is blocked in a futex call, the latter seen on two polls at least
 * FXK_GAP_NS apart.  Returns 0, or -1 (trace error) after FXK_SETTLE_NS.
 */
static int fxk_settle(struct fxk_run *r)
{
	const struct fxc_scenario *sc = r->sc;
	int64_t deadline = fxk_now_ns() + FXK_SETTLE_NS, stable = -1, now;
	char names[160];
	unsigned n;
	int t, len;

	for (n = 0;; n++) {
		bool all = true, blocked = false;

		for (t = 0; t < sc->nthreads; t++) {
			if (!r->inflight[t] || fxk_collect(r, t))
				continue;
			switch (fxk_task_state(r, t)) {
			case FXK_BLOCKED:
				blocked = true;
				break;
			case FXK_GONE:
				return fxk_fail(r, "thread %s vanished during "
						"its call", sc->threads[t].name);
			default:
				all = false;
				break;
			}
		}
		if (all && !blocked)
			return 0;
		now = fxk_now_ns();
		if (all) {
			if (stable < 0)
				stable = now;
			else if (now - stable >= FXK_GAP_NS)
				return 0;
			fxk_sleep_ns((long)(FXK_GAP_NS - (now - stable)));
			continue;
		}
		stable = -1;
		if (now > deadline)
			break;
		fxk_pause(n);
	}
	names[0] = 0;
	for (t = 0, len = 0; t < sc->nthreads; t++)
		if (r->inflight[t] && fxk_task_state(r, t) != FXK_BLOCKED &&
		    len < (int)sizeof(names) - 40)
			len += snprintf(names + len, sizeof(names) - (size_t)len,
					" %s", sc->threads[t].name);
	return fxk_fail(r, "did not settle within %lld ms:%s",
			FXK_SETTLE_NS / 1000000, names);
}

static void fxk_issue(struct fxk_run *r, int t, int cmd, int step)
{
	struct fxk_tslot *s = &r->ctl->t[t];

	s->cmd = cmd;
	s->step = step;
	s->err = 0;
	r->issued[t] = fxk_now_ns();
	atomic_store(&s->cmd_seq, ++r->seq[t]);
	syscall(SYS_futex, &s->cmd_seq, FXK_FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* read every futex word from its owner's view, canonicalised */
static void fxk_read_words(struct fxk_run *r, struct fxc_step_trace *tr)
{
	const struct fxc_scenario *sc = r->sc;
	struct iovec lo[FXC_MAX_FUTEXES], re[FXC_MAX_FUTEXES];
	uint32_t val[FXC_MAX_FUTEXES];
	int idx[FXC_MAX_FUTEXES], f, k, n, j;
	pid_t pid;

	for (k = 0; k < sc->nprocs; k++) {
		for (f = 0, n = 0; f < sc->nfutexes; f++) {
			if (sc->maps[sc->futexes[f].map].proc != k)
				continue;
			idx[n] = f;
			lo[n].iov_base = &val[f];
			lo[n].iov_len = 4;
			re[n].iov_base = (void *)(uintptr_t)fxk_futex_addr(sc, f);
			re[n].iov_len = 4;
			n++;
		}
		if (!n)
			continue;
		pid = fxk_mem_tid(r, k);
		if (process_vm_readv(pid, lo, (unsigned long)n, re,
				     (unsigned long)n, 0) == 4 * n) {
			for (j = 0; j < n; j++)
				tr->word_fault[idx[j]] = false;
			continue;
		}
		for (j = 0; j < n; j++)
			tr->word_fault[idx[j]] =
				process_vm_readv(pid, &lo[j], 1, &re[j],
						 1, 0) != 4;
	}
	for (f = 0; f < sc->nfutexes; f++)
		tr->words[f] = tr->word_fault[f] ? 0 :
			fxk_tid_canon(sc, r->ctl, f, val[f]);
}

/* ---- M: steps ---- */

/*
 * fxk_expire_len - length of an FXC_TO_EXPIRE timeout armed by thread @t
 * at step @i: one unit per EXPIRE step (its own included) up to its own,
 * so that timers fire in the order of their EXPIRE steps.
 */
static int64_t fxk_expire_len(struct fxk_run *r, int i, int t)
{
	const struct fxc_scenario *sc = r->sc;
	int64_t n = 1;
	int j;

	for (j = i + 1; j < sc->nsteps; j++) {
		const struct fxc_step *st = &sc->steps[j];

		if (st->kind == FXC_STEP_EXPIRE) {
			if (st->thread == t)
				return n * r->out->expire_ns;
			n++;
		} else if (st->thread == t && (fxc_step_is_call(st->kind) ||
						st->kind == FXC_STEP_EXIT)) {
			break;		/* its next call: no EXPIRE first */
		}
	}
	return FXK_NO_EXPIRE_NS;
}

static int fxk_expire(struct fxk_run *r, int t)
{
	int64_t limit = r->issued[t] + r->ctl->t[t].to_ns + FXK_EXPIRE_GRACE_NS;
	unsigned n;

	if (!r->inflight[t])
		return 0;	/* already returned: nothing to fire */
	if (!r->expiring[t])
		return fxk_fail(r, "EXPIRE: the call of thread %s has no "
				"expiring timeout", r->sc->threads[t].name);
	for (n = 0; !fxk_collect(r, t); n++) {
		if (fxk_now_ns() > limit)
			return fxk_fail(r, "EXPIRE: thread %s did not time out",
					r->sc->threads[t].name);
		fxk_sleep_ns(n < 100 ? 50000 : 1000000);
		fxk_beat(r);
	}
	return 0;
}

/* the signal's handler has SA_RESTART or not by its number: no
 * sigaction needed in the target's process, which may have no idle thread */
static int fxk_signal(struct fxk_run *r, const struct fxc_step *st)
{
	int t = st->thread, k = r->sc->threads[t].proc;
	int sig = st->sa_restart ? FXK_SIG_RESTART : FXK_SIG_NORESTART;
	long ret;

	if (atomic_load(&r->ctl->t[t].state) != FXK_TS_READY)
		return 0;	/* not running: nobody to hit */
	ret = fxk_sys(SYS_tgkill, r->pid[k], atomic_load(&r->ctl->t[t].tid),
		      sig, 0, 0, 0);
	if (ret && ret != -ESRCH)
		return fxk_fail(r, "tgkill: %s", strerror((int)-ret));
	return 0;
}

static int fxk_exit(struct fxk_run *r, int t)
{
	int64_t deadline = fxk_now_ns() + FXK_SETTLE_NS;
	unsigned n;

	fxk_issue(r, t, FXK_T_EXIT, r->step);
	/* gone from /proc = exit_mm() (robust list, PI state, the
	 * clear_child_tid wake) is done */
	for (n = 0; fxk_task_state(r, t) != FXK_GONE; n++) {
		if (fxk_now_ns() > deadline)
			return fxk_fail(r, "thread %s did not exit",
					r->sc->threads[t].name);
		fxk_pause(n);
	}
	atomic_store(&r->ctl->t[t].state, FXK_TS_EXITED);
	fxk_close_task(r, t);
	return 0;
}

static int fxk_spawn_step(struct fxk_run *r, int t)
{
	int k = r->sc->threads[t].proc;
	long ret;

	if (atomic_load(&r->ctl->t[t].state) != FXK_TS_NONE)
		return fxk_fail(r, "SPAWN: thread %s was already started",
				r->sc->threads[t].name);
	if (k == 0)
		fxk_spawn(t);
	else if (fxk_pcmd(r, k, FXK_P_SPAWN, t, &ret))
		return -1;
	return fxk_wait_ready(r, t);
}

static int fxk_step(struct fxk_run *r, int i)
{
	const struct fxc_scenario *sc = r->sc;
	const struct fxc_step *st = &sc->steps[i];
	struct fxc_step_trace *tr = &r->out->steps[i];
	int t = st->thread, rc = 0, u;

	r->step = i;
	memset(r->got, 0, sizeof(r->got));
	if ((t < 0 || t >= sc->nthreads) && st->kind != FXC_STEP_MPROTECT)
		return fxk_fail(r, "bad thread %d", t);
	if (fxc_step_is_call(st->kind) || st->kind == FXC_STEP_EXIT) {
		if (atomic_load(&r->ctl->t[t].state) != FXK_TS_READY)
			return fxk_fail(r, "thread %s is not running",
					sc->threads[t].name);
		if (r->inflight[t])
			return fxk_fail(r, "thread %s is still in a call",
					sc->threads[t].name);
	}
	if (fxc_step_is_call(st->kind)) {
		r->ctl->t[t].to_ns = fxk_expire_len(r, i, t);
		fxk_issue(r, t, FXK_T_CALL, i);
		r->inflight[t] = true;
		r->expiring[t] = fxk_step_expires(st);
	} else switch (st->kind) {
	case FXC_STEP_EXPIRE:
		rc = fxk_expire(r, t);
		break;
	case FXC_STEP_SIGNAL:
		rc = fxk_signal(r, st);
		break;
	case FXC_STEP_EXIT:
		rc = fxk_exit(r, t);
		break;
	case FXC_STEP_SPAWN:
		rc = fxk_spawn_step(r, t);
		break;
	case FXC_STEP_MPROTECT:
		if (st->map < 0 || st->map >= sc->nmaps)
			return fxk_fail(r, "MPROTECT: bad mapping %d", st->map);
		atomic_store(&r->ctl->prot[st->map], st->prot);
		rc = fxk_prot_all(r, st->map);
		break;
	default:
		return fxk_fail(r, "unknown step kind %d", (int)st->kind);
	}
	if (rc || fxk_settle(r) || r->out->error[0])
		return -1;
	tr->blocked = fxc_step_is_call(st->kind) && r->inflight[t];
	tr->nret = 0;
	for (u = 0; u < sc->nthreads; u++) {
		if (!r->got[u])
			continue;
		tr->rets[tr->nret].thread = u;
		tr->rets[tr->nret].ret = r->got_ret[u];
		tr->nret++;
	}
	fxk_read_words(r, tr);
	return 0;
}

/* M's body: the scenario's process 0 */
int fxk_m_main(const struct fxc_scenario *sc, struct fxk_out *out)
{
	struct fxk_run *r = calloc(1, sizeof(*r));
	int i, rc;

	if (!r) {
		snprintf(out->error, sizeof(out->error),
			 "kernel runner: out of memory");
		return -1;
	}
	r->sc = sc;
	r->out = out;
	r->step = -1;
	for (i = 0; i < FXC_MAX_THREADS; i++)
		r->fd_stat[i] = r->fd_sys[i] = -1;
	for (i = 0; i < FXC_MAX_MAPS; i++)
		r->file_fd[i] = -1;
	/* finer sleeps for the polls (inherited by the threads M starts;
	 * that only sharpens their timers) */
	prctl(PR_SET_TIMERSLACK, 1000UL);
	rc = fxk_setup(r);
	fxk_beat(r);
	for (i = 0; !rc && i < sc->nsteps; i++) {
		rc = fxk_step(r, i);
		if (!rc)
			out->nsteps_done = i + 1;
		fxk_beat(r);
	}
	if (r->ctl)
		fxk_teardown(r);
	return rc;
}

