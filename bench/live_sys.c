// SPDX-License-Identifier: MIT
/*
 * live_sys.c - system support of the live-kernel runner: raw calls,
 * pinning, placement, host metadata, children and commands (live_sys.h).
 */
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#if HAVE_NUMA
#include <numa.h>
#include <numaif.h>
#endif
#if HAVE_HWLOC
#include <hwloc.h>
#endif

#include "live_probe.h"
#include "live_sys.h"

long fx_live_futex(uint32_t *uaddr, int op, uint32_t val, unsigned long val2,
		   uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

long fx_live_futex2_wake(void *uaddr, unsigned long mask, int nr,
			 unsigned int flags)
{
	return syscall(FX_LIVE_NR_FUTEX_WAKE, uaddr, mask, nr, flags);
}

long fx_live_futex2_wait(void *uaddr, unsigned long val, unsigned long mask,
			 unsigned int flags)
{
	return syscall(FX_LIVE_NR_FUTEX_WAIT, uaddr, val, mask, flags, NULL,
		       CLOCK_MONOTONIC);
}

int fx_live_slots_get(void)
{
	int r = prctl(FX_LIVE_PR_FUTEX_HASH, FX_LIVE_PR_FUTEX_HASH_GET_SLOTS,
		      0, 0, 0);

	return r < 0 ? -errno : r;
}

int fx_live_slots_set(unsigned slots)
{
	if (prctl(FX_LIVE_PR_FUTEX_HASH, FX_LIVE_PR_FUTEX_HASH_SET_SLOTS,
		  (unsigned long)slots, 0, 0) < 0)
		return -errno;
	return 0;
}

pid_t fx_live_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

int fx_live_thread_start(pthread_t *t, int cpu, void *(*fn)(void *),
			 void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int ret;

	ret = pthread_attr_init(&attr);
	if (ret)
		return -ret;
	if (cpu >= 0) {
		if (cpu >= CPU_SETSIZE) {
			pthread_attr_destroy(&attr);
			return -EINVAL;
		}
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		ret = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (!ret)
		ret = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -ret;
}

int fx_live_task_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');		/* the name may hold spaces */
	if (!p || p[1] != ' ' || !p[2])
		return -EIO;
	return (unsigned char)p[2];
}

int fx_live_wait_asleep(pid_t tid, uint64_t timeout_ns)
{
	uint64_t end = fx_probe_now_ns() + timeout_ns;

	for (;;) {
		int s = fx_live_task_state(tid);

		if (s < 0)
			return s;
		if (s == 'S')
			return 0;
		if (fx_probe_now_ns() > end)
			return -ETIMEDOUT;
		sched_yield();
	}
}

void *fx_live_alloc(size_t size, int node, char *err, size_t errlen)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(err, errlen, "mmap %zu bytes: %s", size, strerror(errno));
		return NULL;
	}
	if (node < 0)
		return p;
#if HAVE_NUMA
	if (node < FX_LIVE_MAX_NODES) {
		unsigned long mask = 1ul << node;

		if (mbind(p, size, MPOL_PREFERRED, &mask, sizeof(mask) * 8, 0) == 0)
			return p;
		snprintf(err, errlen, "mbind(MPOL_PREFERRED, node %d): %s", node,
			 strerror(errno));
	} else {
		snprintf(err, errlen, "node %d: out of range", node);
	}
#else
	snprintf(err, errlen, "built without libnuma: cannot place memory on node %d",
		 node);
#endif
	munmap(p, size);
	return NULL;
}

void fx_live_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

/* ---- host ---- */

static void read_model(struct fx_live_host *h)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	bool hyp = false;

	snprintf(h->model, sizeof(h->model), "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && !strcmp(h->model, "unknown CPU")) {
			char *p = strchr(line, ':');

			if (p) {
				p += 1 + strspn(p + 1, " \t");
				p[strcspn(p, "\n")] = '\0';
				snprintf(h->model, sizeof(h->model), "%s", p);
			}
		}
		if (!strncmp(line, "flags", 5) && strstr(line, " hypervisor"))
			hyp = true;
	}
	fclose(f);
	h->virt[0] = '\0';
	if (hyp) {
		/* the vendor's signature, CPUID leaf 0x40000000 (as lscpu) */
		const char *v = "a hypervisor";
#if defined(__x86_64__) || defined(__i386__)
		unsigned a, b, c, d;
		char sig[13] = "";

		__cpuid(0x40000000, a, b, c, d);
		memcpy(sig, &b, 4);
		memcpy(sig + 4, &c, 4);
		memcpy(sig + 8, &d, 4);
		v = !strncmp(sig, "KVMKVMKVM", 9) ? "KVM" :
		    !strncmp(sig, "Microsoft Hv", 12) ? "Hyper-V" :
		    !strncmp(sig, "VMwareVMware", 12) ? "VMware" :
		    !strncmp(sig, "XenVMMXenVMM", 12) ? "Xen" : v;
#endif
		snprintf(h->virt, sizeof(h->virt), "guest of %s", v);
	}
}

static void probe_nodes(struct fx_live_host *h)
{
	int i, j;

	h->nodes = 1;
	h->node_id[0] = 0;
	h->dist[0] = 10;
	for (i = 0; i <= h->maxcpu; i++)
		h->cpu_node[i] = 0;
#if HAVE_NUMA
	if (numa_available() < 0)
		return;
	h->libnuma = true;
	h->nodes = 0;
	for (i = 0; i <= numa_max_node() && h->nodes < FX_LIVE_MAX_NODES; i++)
		if (numa_bitmask_isbitset(numa_nodes_ptr, (unsigned)i))
			h->node_id[h->nodes++] = i;
	if (!h->nodes) {
		h->nodes = 1;
		h->node_id[0] = 0;
	}
	for (i = 0; i < h->nodes; i++)
		for (j = 0; j < h->nodes; j++) {
			int d = numa_distance(h->node_id[i], h->node_id[j]);

			/* 0: unknown; Linux's own defaults */
			if (d <= 0)
				d = i == j ? 10 : 20;
			h->dist[i * h->nodes + j] = (unsigned)d;
		}
	for (i = 0; i <= h->maxcpu; i++) {
		int n = numa_node_of_cpu(i);

		for (j = 0; j < h->nodes; j++)
			if (h->node_id[j] == n)
				h->cpu_node[i] = j;
	}
#endif
}

static void probe_cores(struct fx_live_host *h)
{
	int i;

	for (i = 0; i <= h->maxcpu; i++) {
		h->cpu_core[i] = -1;
		h->cpu_package[i] = -1;
	}
#if HAVE_HWLOC
	hwloc_topology_t topo;

	if (hwloc_topology_init(&topo))
		return;
	if (hwloc_topology_load(topo) == 0) {
		for (i = 0; i <= h->maxcpu; i++) {
			hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)i);
			hwloc_obj_t o;

			if (!pu)
				continue;
			o = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
			h->cpu_core[i] = o ? (int)o->logical_index : (int)pu->logical_index;
			o = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, pu);
			h->cpu_package[i] = o ? (int)o->logical_index : -1;
		}
		h->hwloc = true;
	}
	hwloc_topology_destroy(topo);
#endif
	for (i = 0; i <= h->maxcpu; i++)
		if (h->cpu_core[i] < 0)
			h->cpu_core[i] = 100000 + i;	/* each its own core */
}

static _Atomic uint32_t hold_word;

static void *hold_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&hold_word))
		fx_live_futex((uint32_t *)&hold_word, FUTEX_WAIT_PRIVATE, 0, 0,
			      NULL, 0);
	return NULL;
}

/* in a child: may this process set its private hash's size? */
static int child_set_slots(void *arg, void *out, char *err, size_t errlen)
{
	(void)arg;
	*(int *)out = fx_live_slots_set(2);
	return 0;
}

/* in a child: the slots the kernel gives a process of ncpu + 1 threads */
static int child_auto_slots(void *arg, void *out, char *err, size_t errlen)
{
	int n = *(int *)arg, i, started = 0, ret = 0;
	pthread_t *t = calloc((size_t)n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	atomic_store(&hold_word, 0);
	for (i = 0; i < n && !ret; i++) {
		ret = fx_live_thread_start(&t[i], -1, hold_thread, NULL);
		started += !ret;
	}
	*(int *)out = fx_live_slots_get();
	atomic_store(&hold_word, 1);
	fx_live_futex((uint32_t *)&hold_word, FUTEX_WAKE_PRIVATE, INT32_MAX, 0,
		      NULL, 0);
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
	if (ret)
		snprintf(err, errlen, "cannot start threads: %s", strerror(-ret));
	return ret;
}

static void probe_futex2(struct fx_live_host *h)
{
	_Alignas(8) uint32_t w[2] = { 0, FX_LIVE_FUTEX_NO_NODE };
	unsigned fl = FX_LIVE_FUTEX2_SIZE_U32 | FX_LIVE_FUTEX2_PRIVATE;

	h->futex2 = fx_live_futex2_wake(w, FX_LIVE_FUTEX2_MASK_ANY, 1, fl) >= 0;
	if (!h->futex2)
		return;
	h->futex2_numa = fx_live_futex2_wake(w, FX_LIVE_FUTEX2_MASK_ANY, 1,
					     fl | FX_LIVE_FUTEX2_NUMA) >= 0;
	w[1] = FX_LIVE_FUTEX_NO_NODE;
	h->futex2_mpol = h->futex2_numa &&
		fx_live_futex2_wake(w, FX_LIVE_FUTEX2_MASK_ANY, 1,
				    fl | FX_LIVE_FUTEX2_NUMA |
				    FX_LIVE_FUTEX2_MPOL) >= 0;
}

static void probe_perf(struct fx_live_host *h)
{
	const char *cmd = getenv("PERF");
	char out[4096];
	char *argv[3];
	int st, ret;

	snprintf(h->perf_cmd, sizeof(h->perf_cmd), "%s", cmd && *cmd ? cmd : "perf");
	argv[0] = h->perf_cmd;
	argv[1] = (char *)"--version";
	argv[2] = NULL;
	h->perf[0] = '\0';
	ret = fx_live_run_cmd(argv, out, sizeof(out), 20, &st);
	out[strcspn(out, "\n")] = '\0';
	if (ret)
		snprintf(h->perf_why, sizeof(h->perf_why), "%.200s --version: %s",
			 h->perf_cmd, strerror(-ret));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(h->perf_why, sizeof(h->perf_why), "perf not installed (%.200s not found)",
			 h->perf_cmd);
	else if (!WIFEXITED(st) || WEXITSTATUS(st) || strncmp(out, "perf version", 12))
		snprintf(h->perf_why, sizeof(h->perf_why), "%.200s --version failed: %.160s",
			 h->perf_cmd, out);
	else
		snprintf(h->perf, sizeof(h->perf), "%.250s", out);
}

int fx_live_host_probe(struct fx_live_host *h)
{
	struct utsname u;
	cpu_set_t set;
	time_t now = time(NULL);
	struct tm tm;
	size_t len;
	char *p;
	int i, j, r;

	memset(h, 0, sizeof(*h));
	uname(&u);
	snprintf(h->host, sizeof(h->host), "%s", u.nodename);
	snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	gmtime_r(&now, &tm);
	strftime(h->date, sizeof(h->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	read_model(h);
	h->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (sched_getaffinity(0, sizeof(set), &set))
		CPU_ZERO(&set);
	h->maxcpu = 0;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			h->ncpu++;
			h->maxcpu = i;
		}
	if (h->maxcpu < h->cpus - 1)
		h->maxcpu = h->cpus - 1;
	h->cpu = calloc((size_t)h->ncpu + 1, sizeof(int));
	h->cpu_node = calloc((size_t)h->maxcpu + 1, sizeof(int));
	h->cpu_core = calloc((size_t)h->maxcpu + 1, sizeof(int));
	h->cpu_package = calloc((size_t)h->maxcpu + 1, sizeof(int));
	if (!h->cpu || !h->cpu_node || !h->cpu_core || !h->cpu_package)
		goto nomem;
	for (i = 0, j = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			h->cpu[j++] = i;
	probe_nodes(h);
	probe_cores(h);

	len = (size_t)h->nodes * (size_t)h->nodes * 12 + 1;
	h->distances = malloc(len);
	if (!h->distances)
		goto nomem;
	p = h->distances;
	for (i = 0; i < h->nodes; i++)
		for (j = 0; j < h->nodes; j++)
			p += snprintf(p, len - (size_t)(p - h->distances), "%u%s",
				      h->dist[i * h->nodes + j],
				      j + 1 < h->nodes ? " " :
				      i + 1 < h->nodes ? ";" : "");

	r = fx_live_slots_get();
	h->prctl_hash = r >= 0;
	h->slots = r >= 0 ? r : -1;
	if (h->prctl_hash) {
		int set_ret = -ENOSYS, n = h->ncpu, slots = 0;
		char err[256];

		if (!fx_live_in_child(child_set_slots, NULL, &set_ret,
				      sizeof(set_ret), 20, err, sizeof(err)))
			h->private_hash = set_ret == 0;
		if (h->private_hash &&
		    !fx_live_in_child(child_auto_slots, &n, &slots, sizeof(slots),
				      20, err, sizeof(err)))
			h->auto_slots = slots;
	}
	probe_futex2(h);
	probe_perf(h);
	return 0;
nomem:
	fx_live_host_free(h);
	return -ENOMEM;
}

void fx_live_host_free(struct fx_live_host *h)
{
	free(h->cpu);
	free(h->cpu_node);
	free(h->cpu_core);
	free(h->cpu_package);
	free(h->distances);
	h->cpu = h->cpu_node = h->cpu_core = h->cpu_package = NULL;
	h->distances = NULL;
}

unsigned fx_live_distance(const struct fx_live_host *h, int a, int b)
{
	return h->dist[h->cpu_node[a] * h->nodes + h->cpu_node[b]];
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

void fx_live_host_write(const struct fx_live_host *h, FILE *out)
{
	int i, j, n;

	fprintf(out, "Host:                 %s\n", h->host);
	fprintf(out, "Date (UTC):           %s\n", h->date);
	fprintf(out, "Kernel:               %s\n", h->kernel);
	fprintf(out, "Model name:           %s\n", h->model);
	fprintf(out, "Virtualization:       %s\n", *h->virt ? h->virt : "none (bare metal)");
	fprintf(out, "Online CPU(s):        %d\n", h->cpus);
	fprintf(out, "CPU(s) used:          %d:", h->ncpu);
	for (i = 0; i < h->ncpu; i++)
		fprintf(out, " %d", h->cpu[i]);
	fprintf(out, "\n");
	if (h->hwloc) {
		int cores = 0, pkgs = 0;

		for (i = 0; i < h->ncpu; i++) {
			bool newc = true, newp = true;

			for (j = 0; j < i; j++) {
				if (h->cpu_core[h->cpu[j]] == h->cpu_core[h->cpu[i]])
					newc = false;
				if (h->cpu_package[h->cpu[j]] == h->cpu_package[h->cpu[i]])
					newp = false;
			}
			cores += newc;
			pkgs += newp;
		}
		fprintf(out, "Cores, packages:      %d, %d (hwloc; of the CPUs used)\n",
			cores, pkgs);
	} else {
		fprintf(out, "Cores, packages:      unknown (built without hwloc)\n");
	}
	fprintf(out, "NUMA node(s):         %d%s\n", h->nodes,
		h->libnuma ? "" : " (built without libnuma, or NUMA not available)");
	for (n = 0; n < h->nodes; n++) {
		fprintf(out, "NUMA node%d CPU(s):    ", h->node_id[n]);
		for (i = 0; i < h->ncpu; i++)
			if (h->cpu_node[h->cpu[i]] == n)
				fprintf(out, " %d", h->cpu[i]);
		fprintf(out, "\n");
	}
	fprintf(out, "Node distances:       %s\n", h->distances);
	fprintf(out, "PR_FUTEX_HASH:        %s", yes(h->prctl_hash));
	if (h->prctl_hash)
		fprintf(out, "; GET_SLOTS at start %ld; SET_SLOTS %s; "
			"auto size with %d threads: %d slots", h->slots,
			h->private_hash ? "works" : "refused", h->ncpu + 1,
			h->auto_slots);
	fprintf(out, "\n");
	fprintf(out, "futex2 syscalls:      %s (futex_wake 454, futex_wait 455)\n",
		yes(h->futex2));
	fprintf(out, "FUTEX2_NUMA:          %s\n", yes(h->futex2_numa));
	fprintf(out, "FUTEX2_MPOL:          %s\n", yes(h->futex2_mpol));
	fprintf(out, "perf:                 %s\n", *h->perf ? h->perf : h->perf_why);
}

/* ---- children ---- */

struct child_shm {
	int rc;
	int done;
	char err[1024];
	_Alignas(64) unsigned char out[];
};

int fx_live_in_child(fx_live_child_fn fn, void *arg, void *out,
		     size_t outsize, unsigned timeout_s, char *err,
		     size_t errlen)
{
	size_t size = sizeof(struct child_shm) + outsize;
	struct child_shm *shm;
	pid_t pid;
	int st, ret;

	shm = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		ret = -errno;
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		return ret;
	}
	shm->rc = -ECHILD;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(err, errlen, "fork: %s", strerror(errno));
		munmap(shm, size);
		return ret;
	}
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		if (timeout_s)
			alarm(timeout_s);
		shm->rc = fn(arg, shm->out, shm->err, sizeof(shm->err));
		shm->done = 1;
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = 0;
			break;
		}
	if (WIFSIGNALED(st) || !shm->done) {
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
			ret = -ETIMEDOUT;
			snprintf(err, errlen, "timed out after %u s", timeout_s);
		} else {
			ret = -ECHILD;
			snprintf(err, errlen, "the benchmark process died (%s)",
				 WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) :
				 "exit before the end");
		}
	} else {
		ret = shm->rc;
		if (ret)
			snprintf(err, errlen, "%s", shm->err);
		else
			memcpy(out, shm->out, outsize);
	}
	munmap(shm, size);
	return ret;
}

int fx_live_run_cmd(char *const argv[], char *out, size_t outlen,
		    unsigned timeout_s, int *status)
{
	uint64_t end = fx_probe_now_ns() + (uint64_t)timeout_s * 1000000000ull;
	size_t len = 0;
	int p[2], ret = 0;
	pid_t pid;

	if (outlen)
		out[0] = '\0';
	*status = 0;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(p[0]);
		close(p[1]);
		return ret;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		uint64_t now = fx_probe_now_ns();
		char buf[4096];
		ssize_t n;
		int r;

		if (now >= end) {
			kill(pid, SIGKILL);
			ret = -ETIMEDOUT;
			break;
		}
		r = poll(&pfd, 1, (int)((end - now) / 1000000 + 1));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;	/* the deadline check kills it */
		n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (outlen && len < outlen - 1) {
			size_t k = (size_t)n < outlen - 1 - len ? (size_t)n :
				   outlen - 1 - len;

			memcpy(out + len, buf, k);
			len += k;
			out[len] = '\0';
		}
	}
	close(p[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return ret ? ret : -errno;
	return ret;
}
