/* SPDX-License-Identifier: MIT */
/*
 * kernel.c - run a conformance scenario on the live kernel: the caller's
 * side (requirements, the scenario process, the watchdog, the trace).
 *
 * fxc_run_kernel() forks M, a fresh process that is scenario process 0 and
 * owns every other scenario process (kernel_run.c), so a stuck scenario
 * can always be killed and each scenario starts with a clean private futex
 * hash.  The trace comes back through a MAP_SHARED result area.  The
 * caller waits on a pidfd and SIGKILLs M's process group when M's
 * heartbeat stalls for FXK_STALL_NS; M's children die with M (PDEATHSIG).
 *
 * FXC_TO_EXPIRE timeouts are real timers (kernel_run.c); when one fires
 * before its EXPIRE step because the machine was slow, M says so and the
 * whole scenario is run again with timers 4x longer (FXK_EXPIRE_TRIES).
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "futex.h"
#include "conform/kernel_int.h"

#define FXK_NR_PIDFD_OPEN	434
#define FXK_ROBUST_UNLOCK	512

/* ---- requirements ---- */

enum {
	FXK_F_FUTEX2 = 1 << 0,
	FXK_F_NUMA = 1 << 1,
	FXK_F_MPOL = 1 << 2,
	FXK_F_PRIVHASH = 1 << 3,
	FXK_F_PI = 1 << 4,
	FXK_F_RT = 1 << 5,
	FXK_F_MULTINODE = 1 << 6,
	FXK_F_ROBUSTUNLOCK = 1 << 7,
};


static const struct {
	const char *name;
	int bit;
	const char *why;
} fxk_reqs[] = {
	{ "futex2", FXK_F_FUTEX2, "futex_wake(2) returns ENOSYS" },
	{ "numa", FXK_F_NUMA, "FUTEX2_NUMA is refused" },
	{ "mpol", FXK_F_MPOL, "FUTEX2_MPOL is refused" },
	{ "privhash", FXK_F_PRIVHASH, "PR_FUTEX_HASH is refused" },
	{ "pi", FXK_F_PI, "FUTEX_LOCK_PI does not work" },
	{ "rt", FXK_F_RT, "SCHED_FIFO is not permitted" },
	{ "multinode", FXK_F_MULTINODE, "only one NUMA node is online" },
	{ "robustunlock", FXK_F_ROBUSTUNLOCK,
	  "FUTEX_ROBUST_UNLOCK returns ENOSYS" },
};

static _Atomic int fxk_feat_cache = -1;

static int fxk_count_nodes(void)
{
	char path[64];
	int n, count = 0;

	for (n = 0; n < 1024; n++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d",
			 n);
		if (access(path, F_OK) == 0)
			count++;
	}
	return count;
}

/* the probes; run in a throw-away child (they change scheduling, the
 * private hash and take a PI lock) */
static int fxk_probe(void)
{
	uint32_t w = 0, pw = 0;
	uint32_t nw[4] __attribute__((aligned(8))) = { 0, 0xffffffffu, 0,
						       0xffffffffu };
	uint64_t pending = 0;
	struct sched_param sp = { .sched_priority = 1 };
	long any = 0xffffffffl;
	int f = 0;

	if (fxk_sys(FXK_NR_FUTEX_WAKE, (long)&w, any, 0,
		    FX2_SIZE_U32 | FX2_PRIVATE, 0, 0) != -ENOSYS)
		f |= FXK_F_FUTEX2;
	if (fxk_sys(FXK_NR_FUTEX_WAKE, (long)&nw[0], any, 0,
		    FX2_SIZE_U32 | FX2_NUMA | FX2_PRIVATE, 0, 0) == 0)
		f |= FXK_F_NUMA;
	if (fxk_sys(FXK_NR_FUTEX_WAKE, (long)&nw[2], any, 0,
		    FX2_SIZE_U32 | FX2_NUMA | FX2_MPOL | FX2_PRIVATE, 0, 0) == 0)
		f |= FXK_F_MPOL;
	if (fxk_sys(SYS_prctl, FX_PR_FUTEX_HASH, FX_PR_FUTEX_HASH_GET_SLOTS,
		    0, 0, 0, 0) >= 0 &&
	    fxk_sys(SYS_prctl, FX_PR_FUTEX_HASH, FX_PR_FUTEX_HASH_SET_SLOTS,
		    16, 0, 0, 0) == 0)
		f |= FXK_F_PRIVHASH;
	if (fxk_sys(FXK_NR_FUTEX, (long)&pw, FX_OP_LOCK_PI | FX_PRIVATE_FLAG,
		    0, 0, 0, 0) == 0) {
		f |= FXK_F_PI;
		fxk_sys(FXK_NR_FUTEX, (long)&pw,
			FX_OP_UNLOCK_PI | FX_PRIVATE_FLAG, 0, 0, 0, 0);
	}
	if (sched_setscheduler(0, SCHED_FIFO, &sp) == 0)
		f |= FXK_F_RT;
	if (fxk_sys(FXK_NR_FUTEX, (long)&w,
		    FX_OP_WAKE | FX_PRIVATE_FLAG | FXK_ROBUST_UNLOCK, 1, 0,
		    (long)&pending, 0) != -ENOSYS)
		f |= FXK_F_ROBUSTUNLOCK;
	return f;
}

/* fxk_features - FXK_F_* of this machine (probed once), or -errno */
static int fxk_features(void)
{
	int f = atomic_load(&fxk_feat_cache), st;
	_Atomic int *shm;
	pid_t pid;

	if (f >= 0)
		return f;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return -errno;
	atomic_store(shm, -1);
	pid = fork();
	if (pid == 0) {
		atomic_store(shm, fxk_probe());
		_exit(0);
	}
	if (pid < 0) {
		f = -errno;
		munmap(shm, sizeof(*shm));
		return f;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	f = atomic_load(shm);
	munmap(shm, sizeof(*shm));
	if (f < 0)
		return -EIO;
	if (fxk_count_nodes() > 1)
		f |= FXK_F_MULTINODE;
	atomic_store(&fxk_feat_cache, f);
	return f;
}

/* fxk_requires - 1 (and @skip says why) if a requirement is missing */
static int fxk_requires(const char *req, char *skip, size_t n)
{
	char buf[sizeof(((struct fxc_scenario *)0)->requires) + 1];
	char *tok, *save = NULL;
	size_t i;
	int f;

	snprintf(buf, sizeof(buf), "%s", req);
	for (tok = strtok_r(buf, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		for (i = 0; i < sizeof(fxk_reqs) / sizeof(fxk_reqs[0]); i++)
			if (!strcmp(tok, fxk_reqs[i].name))
				break;
		if (i == sizeof(fxk_reqs) / sizeof(fxk_reqs[0])) {
			snprintf(skip, n, "requires %s: unknown requirement",
				 tok);
			return 1;
		}
		f = fxk_features();
		if (f < 0) {
			snprintf(skip, n, "requires %s: probing failed: %s",
				 tok, strerror(-f));
			return 1;
		}
		if (!(f & fxk_reqs[i].bit)) {
			snprintf(skip, n, "requires %s: %s", tok,
				 fxk_reqs[i].why);
			return 1;
		}
	}
	return 0;
}

/* ---- the caller's side ---- */

/* wait for M; SIGKILL its process group if it makes no progress.
 * Returns true if it had to be killed. */
static bool fxk_wait_m(pid_t pid, struct fxk_out *out, int *status)
{
	int pfd = (int)syscall(FXK_NR_PIDFD_OPEN, pid, 0);
	unsigned hb = atomic_load(&out->heartbeat), cur;
	int64_t last = fxk_now_ns();
	bool killed = false;
	pid_t w;

	*status = 0;
	for (;;) {
		w = waitpid(pid, status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };

			poll(&p, 1, 100);
		} else {
			fxk_sleep_ns(1000000);
		}
		cur = atomic_load(&out->heartbeat);
		if (cur != hb) {
			hb = cur;
			last = fxk_now_ns();
		} else if (!killed && fxk_now_ns() - last > FXK_STALL_NS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			killed = true;
		}
	}
	if (pfd >= 0)
		close(pfd);
	return killed;
}

/* fork M, let it run the scenario into @out, reap it; 0 or -errno */
static int fxk_run_once(const struct fxc_scenario *sc, struct fxk_out *out,
			int *status, bool *killed)
{
	pid_t me = getpid(), pid;

	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != me)
			_exit(1);
		_exit(fxk_m_main(sc, out) ? 1 : 0);
	}
	if (pid < 0)
		return -errno;
	setpgid(pid, pid);
	*killed = fxk_wait_m(pid, out, status);
	return 0;
}

/**
 * fxc_run_kernel - run @sc on the live kernel and fill @tr.
 * @sc: the scenario (read only)
 * @tr: overwritten; free with fxc_trace_free()
 *
 * Context: forks (and reaps) a scenario process tree; blocks until it is
 * done.  Bounded: every wait inside has a limit and a watchdog kills the
 * tree if it stops making progress.
 *
 * Return: 0 with the trace (or tr->skip set when a requirement is
 * missing); -EINVAL/-ENOMEM/-EIO with tr->error set when the runner failed
 * (tr->nsteps then counts the steps traced before the failure).
 */
int fxc_run_kernel(const struct fxc_scenario *sc, struct fxc_trace *tr)
{
	struct fxk_out *out;
	size_t size;
	int status, n, try, rc;
	bool killed;

	memset(tr, 0, sizeof(*tr));
	if (!sc || sc->nsteps < 0 || (sc->nsteps > 0 && !sc->steps)) {
		snprintf(tr->error, sizeof(tr->error),
			 "kernel runner: malformed scenario");
		return -EINVAL;
	}
	if (fxk_requires(sc->requires, tr->skip, sizeof(tr->skip)))
		return 0;
	size = sizeof(*out) + (size_t)sc->nsteps * sizeof(out->steps[0]);
	out = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (out == MAP_FAILED) {
		snprintf(tr->error, sizeof(tr->error),
			 "kernel runner: result area: %s", strerror(errno));
		return -ENOMEM;
	}
	for (try = 0;; try++) {
		memset(out, 0, size);
		out->expire_ns = FXK_EXPIRE_NS << (2 * try);
		rc = fxk_run_once(sc, out, &status, &killed);
		if (rc) {
			snprintf(tr->error, sizeof(tr->error),
				 "kernel runner: fork: %s", strerror(-rc));
			munmap(out, size);
			return -EIO;
		}
		if (killed || !out->expired_early ||
		    try + 1 >= FXK_EXPIRE_TRIES)
			break;
	}
	n = out->nsteps_done;
	if (n > 0) {
		tr->steps = calloc((size_t)n, sizeof(tr->steps[0]));
		if (!tr->steps) {
			snprintf(tr->error, sizeof(tr->error),
				 "kernel runner: out of memory");
			munmap(out, size);
			return -ENOMEM;
		}
		memcpy(tr->steps, out->steps, (size_t)n * sizeof(tr->steps[0]));
		tr->nsteps = n;
	}
	if (killed)
		snprintf(tr->error, sizeof(tr->error),
			 "kernel runner: scenario made no progress for %lld s; "
			 "killed", FXK_STALL_NS / 1000000000ll);
	else if (out->error[0])
		memcpy(tr->error, out->error, sizeof(tr->error));
	else if (WIFSIGNALED(status))
		snprintf(tr->error, sizeof(tr->error),
			 "kernel runner: scenario process killed by signal %d",
			 WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		 n != sc->nsteps)
		snprintf(tr->error, sizeof(tr->error),
			 "kernel runner: scenario stopped after %d of %d steps",
			 n, sc->nsteps);
	munmap(out, size);
	return tr->error[0] ? -EIO : 0;
}
