/* SPDX-License-Identifier: MIT */
/*
 * live_sys.h - what the live-kernel runner (make bench, bench/live_bench.cc)
 * needs from the system: raw futex, futex2 and prctl(PR_FUTEX_HASH) calls,
 * pinning (sched_setaffinity, libnuma), memory placed on a node (mbind),
 * the host's metadata and capabilities (libnuma, hwloc, uname, perf),
 * and two ways to run something apart: a function in a forked child
 * process, and a command with its output captured.
 *
 * Every benchmark runs in a child process of its own, so each starts as
 * perf does: a fresh single-threaded process, no private futex hash yet,
 * and nothing the previous benchmark changed (prctl(PR_FUTEX_HASH) is
 * for the process's lifetime: a size set by slot_sweep or chain_walk
 * would otherwise stick).
 *
 * Functions return 0 or a negative errno, or a count; none exits.
 */
#ifndef FX_LIVE_SYS_H
#define FX_LIVE_SYS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* uapi values, spelled out: older headers lack them */
#define FX_LIVE_PR_FUTEX_HASH		78
#define FX_LIVE_PR_FUTEX_HASH_SET_SLOTS	1
#define FX_LIVE_PR_FUTEX_HASH_GET_SLOTS	2
#define FX_LIVE_NR_FUTEX_WAKE		454
#define FX_LIVE_NR_FUTEX_WAIT		455
#define FX_LIVE_FUTEX2_SIZE_U32		0x02
#define FX_LIVE_FUTEX2_NUMA		0x04
#define FX_LIVE_FUTEX2_MPOL		0x08
#define FX_LIVE_FUTEX2_PRIVATE		128
#define FX_LIVE_FUTEX_NO_NODE		0xffffffffu
#define FX_LIVE_FUTEX2_MASK_ANY		0xfffffffful

#define FX_LIVE_MAX_NODES		64

/* ---- raw calls: -1 and errno on error, as syscall(2) ---- */

/* fx_live_futex - futex(2): @val2 is the timeout pointer or nr_requeue */
long fx_live_futex(uint32_t *uaddr, int op, uint32_t val, unsigned long val2,
		   uint32_t *uaddr2, uint32_t val3);
/* fx_live_futex2_wake - futex_wake(2) (Linux 6.7+) */
long fx_live_futex2_wake(void *uaddr, unsigned long mask, int nr,
			 unsigned int flags);
/* fx_live_futex2_wait - futex_wait(2) without a timeout (Linux 6.7+) */
long fx_live_futex2_wait(void *uaddr, unsigned long val, unsigned long mask,
			 unsigned int flags);

/**
 * fx_live_slots_get - prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_GET_SLOTS)
 * Return: the private hash's slots (0: none, or the global hash), or a
 * negative errno (-EINVAL: the kernel has no PR_FUTEX_HASH).
 */
int fx_live_slots_get(void);

/**
 * fx_live_slots_set - prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_SET_SLOTS, @slots)
 * @slots: 0 (the global hash, for good) or a power of two >= 2
 *
 * For the rest of the process's life: the kernel stops resizing it.
 * Return: 0 or a negative errno.
 */
int fx_live_slots_set(unsigned slots);

/* fx_live_gettid - the calling thread's TID */
pid_t fx_live_gettid(void);

/* ---- threads ---- */

/**
 * fx_live_thread_start - pthread_create(), pinned to @cpu from the start
 * @cpu: a CPU id, or -1 to leave the thread unpinned (perf's wakers)
 * Return: 0 or a negative errno.
 */
int fx_live_thread_start(pthread_t *t, int cpu, void *(*fn)(void *),
			 void *arg);

/**
 * fx_live_task_state - the state letter of thread @tid of this process
 * ('R', 'S', 'D', ...), from /proc/self/task/TID/stat
 * Return: the letter, or a negative errno.
 */
int fx_live_task_state(pid_t tid);

/**
 * fx_live_wait_asleep - wait until thread @tid sleeps ('S')
 * @tid:        a thread of this process
 * @timeout_ns: give up after this long
 *
 * Only meaningful when the caller knows the thread's next sleep is the
 * one it waits for (it set a flag just before its system call).
 *
 * Return: 0, -ETIMEDOUT, or the error of reading its state.
 */
int fx_live_wait_asleep(pid_t tid, uint64_t timeout_ns);

/* ---- memory ---- */

/**
 * fx_live_alloc - @size bytes of zeroed, page-aligned anonymous memory
 * @size: bytes
 * @node: -1 for no policy; else the libnuma node whose memory to prefer
 *        (mbind MPOL_PREFERRED: the policy FUTEX2_MPOL reads)
 * @err/@errlen: why, on failure
 *
 * Return: the memory (free with fx_live_free()), or NULL.
 */
void *fx_live_alloc(size_t size, int node, char *err, size_t errlen);
void fx_live_free(void *p, size_t size);

/* ---- the host ---- */

struct fx_live_host {
	char host[256];		/* uname -n */
	char kernel[256];	/* uname -r */
	char model[256];	/* CPU model name */
	char virt[64];		/* "KVM guest", ... or "" on bare metal */
	char date[32];		/* UTC, at probe time */
	int cpus;		/* online CPUs */
	int ncpu;		/* CPUs this process may use ... */
	int *cpu;		/* ... [ncpu], ascending: perf's CPU map */
	int maxcpu;		/* the arrays below are [maxcpu + 1] */
	int *cpu_node;		/* logical node (0..nodes-1) of each CPU id */
	int *cpu_core;		/* a core id (SMT siblings share it), -1 */
	int *cpu_package;	/* a package id, -1 */
	int nodes;		/* NUMA nodes (1 without libnuma) */
	int node_id[FX_LIVE_MAX_NODES];	/* libnuma's number of each */
	unsigned dist[FX_LIVE_MAX_NODES * FX_LIVE_MAX_NODES];
	char *distances;	/* "10 21;21 10" */
	long slots;		/* GET_SLOTS at probe time, -1: no prctl */
	bool prctl_hash;	/* the kernel knows PR_FUTEX_HASH */
	bool private_hash;	/* SET_SLOTS 2 works (tried in a child) */
	int auto_slots;		/* GET_SLOTS of a child with ncpu threads */
	bool futex2;		/* futex_wake/futex_wait exist */
	bool futex2_numa;	/* FUTEX2_NUMA accepted */
	bool futex2_mpol;	/* FUTEX2_NUMA | FUTEX2_MPOL accepted */
	bool libnuma;		/* built with libnuma and numa_available() */
	bool hwloc;		/* cores and packages came from hwloc */
	char perf_cmd[256];	/* $PERF or "perf" */
	char perf[256];		/* its "perf version ..." line, "" if none */
	char perf_why[512];	/* why perf cannot be used, if it cannot */
};

/**
 * fx_live_host_probe - fill @h with this host's metadata and capabilities
 * Return: 0 or -ENOMEM (everything else degrades to "not available").
 */
int fx_live_host_probe(struct fx_live_host *h);
void fx_live_host_free(struct fx_live_host *h);

/* fx_live_distance - SLIT distance between the nodes of CPUs @a and @b */
unsigned fx_live_distance(const struct fx_live_host *h, int a, int b);

/* fx_live_host_write - host.txt: an lscpu-like summary of @h */
void fx_live_host_write(const struct fx_live_host *h, FILE *out);

/* ---- running things apart ---- */

/*
 * fx_live_child_fn - what a child runs: fill @out (shared with the
 * parent), return 0 or a negative errno with @err set
 */
typedef int (*fx_live_child_fn)(void *arg, void *out, char *err,
				size_t errlen);

/**
 * fx_live_in_child - run @fn in a forked child process and get its @out
 * @fn/@arg:   what to run
 * @out:       @outsize bytes, copied back when @fn returned 0
 * @timeout_s: SIGALRM kills the child after this long (0: never)
 * @err/@errlen: the child's message, or how it died
 *
 * Return: 0, @fn's negative errno, -ETIMEDOUT (killed by the alarm),
 * -ECHILD (died otherwise), or an error of mmap/fork.
 */
int fx_live_in_child(fx_live_child_fn fn, void *arg, void *out,
		     size_t outsize, unsigned timeout_s, char *err,
		     size_t errlen);

/**
 * fx_live_run_cmd - run @argv, stdout and stderr into @out
 * @argv:      NULL-terminated; argv[0] is looked up in PATH
 * @out:       the output, NUL-terminated (truncated to @outlen - 1)
 * @timeout_s: SIGKILL after this long
 * @status:    the wait status
 *
 * Return: 0 (see @status), -ETIMEDOUT, or a negative errno.
 */
int fx_live_run_cmd(char *const argv[], char *out, size_t outlen,
		    unsigned timeout_s, int *status);

#ifdef __cplusplus
}
#endif

#endif /* FX_LIVE_SYS_H */
