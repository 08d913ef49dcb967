// SPDX-License-Identifier: MIT
/*
 * cost_probe.c - measure, on the host it runs on, the cost-model
 * parameters (sim/cost-list.h) that user space can observe, and print
 * them as a profile fragment that "futexsim --cost-file" loads.
 *
 *	gcc -O2 -o build/cost_probe bench/cost_probe.c bench/live_probe.c -lpthread
 *	build/cost_probe > my-host.prof
 *	build/cost_probe -q		(one run per figure: quick, noisier)
 *
 * Standalone on purpose: plain C for x86-64 Linux, no part of futexsim.
 * The loops it shares with the live-kernel runner (make bench: syscall,
 * empty wake, ping-pong, yield, wake-up latency) are in bench/live_probe.c.
 * It needs two CPUs for the cross-CPU figures (line.xfer, wake.up,
 * ipi.local, idle.exit); with one CPU those lines are printed as comments.
 *
 * Every loop figure is the best of RUNS runs of a loop (see measure()),
 * every wake-up figure the median of SAMPLES single events.  Each line
 * says how the figure was obtained; docs/cost-model.md explains why each
 * experiment measures what the model charges, and which figures are
 * differences of two measurements (noisier than either).
 *
 * Output: "name = value  # measured ..." lines, values in ns with two
 * decimals, then "#" lines with the raw figures the derived ones came
 * from.  Negative differences (noise larger than the effect) are clamped
 * to 0 and say so.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stddef.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "live_probe.h"

#define RUNS_FULL	15
#define SAMPLES_FULL	2001
#define LINE		64

static int runs = RUNS_FULL;
static int samples = SAMPLES_FULL;
static int ncpus;
static char host[256];

/* ---- small helpers (the rest are in live_probe.c) ---- */

static void pin(int cpu)
{
	if (fx_probe_pin(cpu)) {
		fprintf(stderr, "cost_probe: cannot pin to CPU %d\n", cpu);
		exit(1);
	}
}

#define now_ns		fx_probe_now_ns
#define median		fx_probe_median
#define TIMED_LOOP	FX_PROBE_TIMED_LOOP

static uint64_t rng = 0x9e3779b97f4a7c15ull;	/* fixed: reproducible */

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- loops, each returning ns per operation for one run ---- */

static double run_getppid(void)
{
	return fx_probe_getppid(200000);
}

static uint32_t *wake_word;
static int wake_op;

static double run_wake_empty(void)
{
	return fx_probe_wake_empty(wake_word, wake_op, 200000);
}

static _Alignas(LINE) uint32_t atom_word;

static double run_cmpxchg(void)
{
	uint32_t v = atom_word;

	return TIMED_LOOP(2000000, {
		uint32_t exp = v;

		__atomic_compare_exchange_n(&atom_word, &exp, v + 1, 0,
					    __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		v = exp + 1;
	});
}

/* rcuref-style get + put: two locked read-modify-writes (per pair) */
static double run_xadd_pair(void)
{
	return TIMED_LOOP(2000000, {
		__atomic_fetch_add(&atom_word, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&atom_word, 1, __ATOMIC_RELEASE);
	});
}

/* this_cpu_inc / this_cpu_dec: plain read-modify-writes, no lock prefix */
static _Alignas(LINE) uint32_t pcpu_word;

static double run_percpu_pair(void)
{
	return TIMED_LOOP(2000000, {
		__asm__ volatile("incl %0" : "+m"(pcpu_word));
		__asm__ volatile("" ::: "memory");	/* rcu/preempt guard */
		__asm__ volatile("decl %0" : "+m"(pcpu_word));
	});
}

/*
 * A user-space replica of lib/plist.c (plist_add/plist_del) over the
 * kernel's list_head, with every futex_q at the same priority, as
 * SCHED_OTHER waiters are.  One iteration adds a node behind 7 others
 * and deletes the oldest: the queue stays 8 long, all lines hot.
 */
struct lh { struct lh *next, *prev; };
struct pnode { int prio; struct lh prio_list, node_list; };

static inline void lh_add_tail(struct lh *n, struct lh *head)
{
	struct lh *prev = head->prev;

	n->next = head;
	n->prev = prev;
	prev->next = n;
	head->prev = n;
}

static inline void lh_del_init(struct lh *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = e;
}

#define PN_OF(p, m) ((struct pnode *)((char *)(p) - offsetof(struct pnode, m)))

static void plist_add_r(struct pnode *n, struct lh *head)
{
	struct lh *node_next = head;

	if (head->next != head) {
		struct pnode *first = PN_OF(head->next, node_list);
		struct pnode *iter = first, *prev = NULL;
		struct lh *reverse_iter = first->prio_list.prev;

		do {
			if (n->prio < iter->prio) {
				node_next = &iter->node_list;
				break;
			}
			prev = iter;
			iter = PN_OF(iter->prio_list.next, prio_list);
			if (n->prio >= PN_OF(reverse_iter, prio_list)->prio) {
				node_next = PN_OF(reverse_iter, prio_list)->node_list.next;
				break;
			}
			reverse_iter = reverse_iter->prev;
		} while (iter != first);
		if (!prev || prev->prio != n->prio)
			lh_add_tail(&n->prio_list, &iter->prio_list);
	}
	lh_add_tail(&n->node_list, node_next);
}

static void plist_del_r(struct pnode *n, struct lh *head)
{
	if (n->prio_list.next != &n->prio_list) {
		if (n->node_list.next != head) {
			struct pnode *next = PN_OF(n->node_list.next, node_list);

			if (next->prio_list.next == &next->prio_list)
				lh_add_tail(&next->prio_list, &n->prio_list);
		}
		lh_del_init(&n->prio_list);
	}
	lh_del_init(&n->node_list);
}

static double run_plist_pair(void)
{
	static struct pnode nodes[8];
	struct lh head = { &head, &head };
	unsigned k;

	for (k = 0; k < 8; k++) {
		nodes[k].prio = 120;
		nodes[k].prio_list.next = nodes[k].prio_list.prev = &nodes[k].prio_list;
		nodes[k].node_list.next = nodes[k].node_list.prev = &nodes[k].node_list;
	}
	for (k = 0; k < 7; k++)
		plist_add_r(&nodes[k], &head);
	k = 7;
	return TIMED_LOOP(2000000, {
		plist_add_r(&nodes[k], &head);
		k = (k + 1) & 7;
		plist_del_r(&nodes[k], &head);
		__asm__ volatile("" ::: "memory");
	});
}

/* pointer chase over @bytes (a random cycle of cache lines) */
static void **chase_buf;

static void chase_setup(size_t bytes)
{
	size_t n = bytes / LINE, i;
	size_t *perm;

	chase_buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chase_buf == MAP_FAILED) {
		perror("cost_probe: mmap");
		exit(1);
	}
	madvise(chase_buf, bytes, MADV_HUGEPAGE);
	perm = malloc(n * sizeof(*perm));
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {		/* Sattolo: one cycle */
		size_t j = (size_t)(xorshift() % i), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		chase_buf[perm[i] * (LINE / sizeof(void *))] =
			&chase_buf[perm[(i + 1) % n] * (LINE / sizeof(void *))];
	free(perm);
}

static void *volatile chase_sink;	/* keeps the chase alive */

static double run_chase(long loads)
{
	void **p = chase_buf;
	double r;

	r = TIMED_LOOP(loads, p = (void **)*p);
	chase_sink = p;
	return r;
}

static double run_chase_l1(void)
{
	return run_chase(20000000);
}

static double run_chase_mem(void)
{
	return run_chase(2000000);
}

static double run_timerfd(void)
{
	static int fd = -1;
	struct itimerspec its = { .it_value = { .tv_sec = 1000 } };

	if (fd < 0)
		fd = timerfd_create(CLOCK_MONOTONIC, 0);
	return TIMED_LOOP(200000, timerfd_settime(fd, 0, &its, NULL));
}

/* ---- two threads (live_probe.c) ---- */

/* one cache-line transfer: half a ping-pong round trip CPU 0 <-> 1 */
static double run_pingpong(void)
{
	double ns;

	if (fx_probe_pingpong(0, 1, 200000, &ns)) {
		fprintf(stderr, "cost_probe: cannot run the ping-pong on CPUs 0, 1\n");
		exit(1);
	}
	return ns;
}

static double yield_switches;	/* context switches per yield, checked */

/* sched_yield between two threads on CPU 0: a switch per yield */
static double run_yield(void)
{
	double ns;

	if (fx_probe_yield(0, 100000, &ns, &yield_switches)) {
		fprintf(stderr, "cost_probe: cannot run the yield ping-pong\n");
		exit(1);
	}
	return ns;	/* our yield + the peer's yield + two switches */
}

/*
 * Wake-up experiments (fx_probe_wake()): a waiter on CPU 1, the waker on
 * CPU 0 spinning 300 us before each wake; fills w1[] (waker's syscall
 * time) and lat[] (wake-up latency).
 */
static int wake_experiment(int busy, double *w1, double *lat, int n)
{
	int got = fx_probe_wake(0, 1, busy, 300000, w1, lat, n, NULL);

	return got < 0 ? 0 : got;
}

/* ---- driver ---- */

/*
 * The best (smallest) of @runs runs of a loop: interference from other
 * work on the host (or, in a guest, from the hypervisor) only ever adds
 * time, so the minimum is the figure least disturbed by it.  The median
 * is kept in last_median for the "# raw" lines.
 */
static double last_median;

struct fn0 {
	double (*fn)(void);
};

static double call_fn0(void *arg)
{
	return ((struct fn0 *)arg)->fn();
}

static double measure(double (*fn)(void))
{
	struct fn0 f = { fn };

	return fx_probe_best(call_fn0, &f, runs, &last_median);
}

static void *sleeper(void *arg)
{
	int *fds = arg;
	char c;

	return (void *)(long)read(fds[0], &c, 1);
}

static double clamp0(double v, const char **note)
{
	if (v < 0) {
		*note = " (negative difference clamped to 0)";
		return 0;
	}
	*note = "";
	return v;
}

#define SRC "measured: %s, bench/cost_probe.c"

int main(int argc, char **argv)
{
	double sys, e_st, e_mt, e_sh, e_mmsh, cas, xadd2, pcpu2, plist2;
	double l1, mem, tfd, xfer = -1, xfer_med = -1, ctx;
	double w1 = -1, w1_busy = -1, lat_idle = -1, lat_busy = -1;
	const char *note;
	char model[128] = "unknown CPU";
	struct utsname u;
	FILE *f;
	int fds[2];
	pthread_t sl;
	uint32_t *shm;

	if (argc > 1 && strcmp(argv[1], "-q") == 0) {
		runs = 1;
		samples = 101;
	}
	ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	f = fopen("/proc/cpuinfo", "r");
	if (f) {
		char line[512];

		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "model name", 10) == 0) {
				char *p = strchr(line, ':');

				if (p) {
					p += 1 + strspn(p + 1, " \t");
					p[strcspn(p, "\n")] = '\0';
					snprintf(model, sizeof(model), "%s", p);
				}
				break;
			}
		fclose(f);
	}
	uname(&u);
	{
		char virt[32] = "";
		char rel[80];
		unsigned a, b, c, d;
		size_t dots = 0, k;

		/* hypervisor bit, then the vendor signature at 0x40000000 */
		__cpuid(1, a, b, c, d);
		if (c & (1u << 31)) {
			char sig[13] = "";

			__cpuid(0x40000000, a, b, c, d);
			memcpy(sig, &b, 4);
			memcpy(sig + 4, &c, 4);
			memcpy(sig + 8, &d, 4);
			snprintf(virt, sizeof(virt), " %s guest",
				 strncmp(sig, "KVMKVMKVM", 9) == 0 ? "KVM" :
				 strncmp(sig, "Microsoft Hv", 12) == 0 ? "Hyper-V" :
				 strncmp(sig, "VMwareVMware", 12) == 0 ? "VMware" :
				 "VM");
		}
		snprintf(rel, sizeof(rel), "%s", u.release);
		for (k = 0; rel[k]; k++)	/* "6.18.44-..." -> "6.18" */
			if ((rel[k] == '.' && ++dots == 2) || rel[k] == '-') {
				rel[k] = '\0';
				break;
			}
		snprintf(host, sizeof(host), "%d-CPU%s, Linux %s, %s", ncpus,
			 virt, rel, model);
	}

	pin(0);
	sys = measure(run_getppid);

	/* single-threaded: private keys use the global hash, no refcount */
	static _Alignas(LINE) uint32_t word;

	wake_word = &word;
	wake_op = FUTEX_WAKE_PRIVATE;
	e_st = measure(run_wake_empty);

	/* a second thread: 6.16+ gives the process its private hash */
	if (pipe(fds) || pthread_create(&sl, NULL, sleeper, fds)) {
		fprintf(stderr, "cost_probe: cannot start a second thread\n");
		return 1;
	}
	usleep(1000);
	e_mt = measure(run_wake_empty);

	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shm[0] = 0;
	wake_word = shm;
	wake_op = FUTEX_WAKE;
	e_sh = measure(run_wake_empty);
	wake_word = &word;	/* private anon page, shared op: MMSHARED key */
	e_mmsh = measure(run_wake_empty);

	cas = measure(run_cmpxchg);
	xadd2 = measure(run_xadd_pair);
	pcpu2 = measure(run_percpu_pair);
	plist2 = measure(run_plist_pair);
	tfd = measure(run_timerfd);
	ctx = measure(run_yield) / 2 - sys;

	chase_setup(16 << 10);
	l1 = measure(run_chase_l1);
	munmap(chase_buf, 16 << 10);
	chase_setup((size_t)512 << 20);
	mem = measure(run_chase_mem);
	munmap(chase_buf, (size_t)512 << 20);

	if (ncpus >= 2) {
		double *a = malloc(sizeof(double) * (size_t)samples);
		double *b = malloc(sizeof(double) * (size_t)samples);
		int n;

		xfer = measure(run_pingpong);
		xfer_med = last_median;
		pin(0);
		n = wake_experiment(0, a, b, samples);
		if (n > 0) {
			w1 = median(a, n);
			lat_idle = median(b, n);
		}
		n = wake_experiment(1, a, b, samples);
		if (n > 0) {
			w1_busy = median(a, n);
			lat_busy = median(b, n);
		}
		free(a);
		free(b);
	}
	if (write(fds[1], "x", 1) == 1)
		pthread_join(sl, NULL);

	/* ---- derived figures: see docs/cost-model.md ---- */
	double hash_j = 5.32;	/* docs/bench.md: jhash2, 16B key, this host */
	double entry = sys / 2, exitc = sys / 2;
	double keyp = clamp0(e_st - sys - hash_j - l1, &note);
	const char *note_kp = note;
	/* the engine charges a refcount at the get and again at the put */
	double ref_pc = clamp0(e_mt - e_st, &note) / 2, ref_at = xadd2 / 2;
	const char *note_rp = note;
	double keys = keyp + (e_sh - e_mt) + 2 * ref_pc;
	double lock_u = cas;
	double queue = plist2 / 2 + cas;
	double mark = plist2 / 2 + 3 * cas;
	double wake_up = -1, ipi = -1, idle = -1;
	const char *note_wu = "", *note_ipi = "", *note_idle = "";

	if (w1 >= 0) {
		wake_up = clamp0(w1 - e_mt - lock_u - mark, &note);
		note_wu = note;
		ipi = clamp0(lat_busy - w1_busy - ctx, &note);
		note_ipi = note;
		idle = clamp0((lat_idle - w1) - (lat_busy - w1_busy), &note);
		note_idle = note;
	}

	printf("# cost profile fragment measured by bench/cost_probe.c\n");
	printf("# host: %s\n", host);
	printf("# loops: best of %d run(s); wake-ups: median of %d events; values in ns\n",
	       runs, samples);
	printf("syscall.entry = %.2f  # " SRC "; half of a SYS_getppid round trip (%.2f)\n",
	       entry, host, sys);
	printf("syscall.exit = %.2f  # " SRC "; half of a SYS_getppid round trip\n",
	       exitc, host);
	printf("key.private = %.2f  # " SRC "; empty FUTEX_WAKE_PRIVATE, 1 thread (%.2f) - getppid - hash.jhash2 (%.2f, docs/bench.md) - line.hit%s\n",
	       keyp, host, e_st, hash_j, note_kp);
	printf("key.shared = %.2f  # " SRC "; key.private + empty FUTEX_WAKE on MAP_SHARED (%.2f) - empty FUTEX_WAKE_PRIVATE, 2 threads (%.2f) + 2 x refcount.percpu\n",
	       keys, host, e_sh, e_mt);
	printf("lock.uncontended = %.2f  # " SRC "; = user.atomic: queued spinlock fast path is one lock cmpxchg, unlock a plain store\n",
	       lock_u, host);
	printf("line.hit = %.2f  # " SRC "; dependent load, 16 KiB random line cycle (L1)\n",
	       l1, host);
	if (xfer >= 0) {
		printf("line.xfer = %.2f  # " SRC "; half a cache-line ping-pong round trip CPU 0 <-> CPU 1\n",
		       xfer, host);
		printf("lock.handoff = %.2f  # " SRC "; = line.xfer: qspinlock MCS handoff writes the next waiter's node (one more line transfer)\n",
		       xfer, host);
		printf("chain.step.local = %.2f  # " SRC "; = line.xfer + line.hit: a futex_q line last written by its waiter's CPU, then futex_match\n",
		       xfer + l1, host);
	} else {
		printf("# line.xfer, lock.handoff, chain.step.local: need 2 CPUs\n");
	}
	printf("mem.local = %.2f  # " SRC "; dependent load, 512 MiB random line cycle, THP\n",
	       mem, host);
	printf("queue.waiter = %.2f  # " SRC "; half a plist add+del pair, replica of lib/plist.c (%.2f) + one atomic (hb waiters inc)\n",
	       queue, host, plist2);
	printf("refcount.percpu = %.2f  # " SRC "; half of (empty FUTEX_WAKE_PRIVATE with a private hash (2 threads) - without (1 thread)): one get or put, 6.17+ per-CPU%s\n",
	       ref_pc, host, note_rp);
	printf("refcount.atomic = %.2f  # " SRC "; one uncontended lock xadd (rcuref_get or rcuref_put, 6.16)\n",
	       ref_at, host);
	printf("wake.mark = %.2f  # " SRC "; half a plist add+del pair + 3 atomics (waiters dec, get_task_struct, wake_q_add cmpxchg)\n",
	       mark, host);
	if (w1 >= 0) {
		printf("wake.up = %.2f  # " SRC "; FUTEX_WAKE_PRIVATE waking 1 waiter idle on CPU 1 (%.2f) - empty wake (2 threads) - lock.uncontended - wake.mark%s\n",
		       wake_up, host, w1, note_wu);
		printf("ipi.local = %.2f  # " SRC "; wake-up latency into CPU 1 busy with a SCHED_IDLE spinner (%.2f) - that waker's FUTEX_WAKE (%.2f) - ctx.switch%s\n",
		       ipi, host, lat_busy, w1_busy, note_ipi);
		printf("idle.exit = %.2f  # " SRC "; (latency - waker's FUTEX_WAKE) into idle CPU 1 (%.2f - %.2f) minus the same into busy CPU 1%s\n",
		       idle, host, lat_idle, w1, note_idle);
	} else {
		printf("# wake.up, ipi.local, idle.exit: need 2 CPUs\n");
	}
	printf("ctx.switch = %.2f  # " SRC "; sched_yield ping-pong of 2 threads on CPU 0: half an iteration - getppid (%.2f switches per yield)\n",
	       ctx, host, yield_switches);
	printf("user.atomic = %.2f  # " SRC "; lock cmpxchg on a line in L1, back to back\n",
	       cas, host);
	printf("timer.arm = %.2f  # " SRC "; timerfd_settime re-arm (hrtimer cancel + start) (%.2f) - getppid\n",
	       tfd - sys > 0 ? tfd - sys : 0, host, tfd);
	printf("# raw: empty FUTEX_WAKE_PRIVATE 1 thread %.2f, 2 threads %.2f; FUTEX_WAKE shared on MAP_SHARED %.2f, on MAP_PRIVATE anon %.2f\n",
	       e_st, e_mt, e_sh, e_mmsh);
	printf("# raw: replica this_cpu_inc + this_cpu_dec pair %.2f (the bare per-CPU counter, a lower bound of refcount.percpu)\n",
	       pcpu2);
	printf("# not measured here: chain.step.remote, ipi.remote (need two nodes), sched.slice (a kernel setting), distance.* (numactl --hardware), hash.* (make bench-hash)\n");
	if (xfer >= 0)
		printf("# raw: line.xfer median of the runs %.2f (best %.2f)\n",
		       xfer_med, xfer);
	if (w1 >= 0)
		printf("# raw: wake-up latency idle CPU %.2f, busy CPU %.2f; waker FUTEX_WAKE idle target %.2f, busy target %.2f\n",
		       lat_idle, lat_busy, w1, w1_busy);
	return 0;
}
