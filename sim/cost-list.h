/* SPDX-License-Identifier: MIT */
/*
 * cost-list.h - every cost-model parameter, listed once:
 * FX_COST(id, "profile.name", default, unit, "source of the default"),
 * unit FX_NS (nanoseconds, stored as picoseconds; a default may have up
 * to 3 decimals) or FX_UNITLESS (stored as given: node distances).
 * docs/cost-model.md explains each, says where the engine charges it,
 * and cites every source in full.
 *
 * "measured" figures are medians over 10 runs of bench/cost_probe.c on
 * the host named in FX_COST_HOST (each run: best of 15 loops, or the
 * median of 2001 wake-ups).  That host is a KVM guest with one NUMA
 * node, so figures that cross sockets are published ones, and figures
 * that involve an IPI include the guest's VM exits (see the docs).
 *
 * The per-hasher "hash.NAME" defaults are the measured figures of
 * docs/bench.md, in sim/cost.c (hash_measured[]); a hasher without one
 * follows hash.default.
 *
 * No include guard on purpose (an X-macro list); FX_COST_HOST is defined
 * once.
 */
#ifndef FX_COST_HOST
#define FX_COST_HOST	"2-CPU KVM guest, Linux 6.18, AMD EPYC (Zen 4)"
#define FX_COST_PROBE	"measured: " FX_COST_HOST ", bench/cost_probe.c: "
#endif
FX_COST(syscall_entry, "syscall.entry", 84.9, FX_NS,
	FX_COST_PROBE "half a SYS_getppid round trip")
FX_COST(syscall_exit, "syscall.exit", 84.9, FX_NS,
	FX_COST_PROBE "half a SYS_getppid round trip")
FX_COST(key_private, "key.private", 60.4, FX_NS,
	FX_COST_PROBE "empty FUTEX_WAKE_PRIVATE - getppid - hash - line.hit")
FX_COST(key_shared, "key.shared", 155.6, FX_NS,
	FX_COST_PROBE "key.private + (empty FUTEX_WAKE on MAP_SHARED - empty FUTEX_WAKE_PRIVATE)")
FX_COST(hash_default, "hash.default", 5.32, FX_NS,
	"measured: docs/bench.md, jhash2 on the 16-byte key, " FX_COST_HOST)
FX_COST(lock_uncontended, "lock.uncontended", 2.6, FX_NS,
	FX_COST_PROBE "= user.atomic (qspinlock fast path: one lock cmpxchg)")
FX_COST(lock_handoff, "lock.handoff", 42.7, FX_NS,
	FX_COST_PROBE "= line.xfer (MCS handoff: one more line transfer)")
FX_COST(line_hit, "line.hit", 1.1, FX_NS,
	FX_COST_PROBE "dependent load in a 16 KiB random cycle (L1)")
FX_COST(line_xfer, "line.xfer", 42.7, FX_NS,
	FX_COST_PROBE "half a cache-line ping-pong between the 2 vCPUs")
FX_COST(mem_local, "mem.local", 169.3, FX_NS,
	FX_COST_PROBE "dependent load in a 512 MiB random cycle, THP")
FX_COST(chain_step_local, "chain.step.local", 43.9, FX_NS,
	FX_COST_PROBE "line.xfer + line.hit (futex_q written by its waiter's CPU)")
FX_COST(chain_step_remote, "chain.step.remote", 135.1, FX_NS,
	"published: 134 ns cross-socket c2c, 2x Xeon Platinum 8275CL (nviennot/core-to-core-latency) + line.hit")
FX_COST(queue_waiter, "queue.waiter", 7.1, FX_NS,
	FX_COST_PROBE "replica of lib/plist.c plist_add + one atomic")
FX_COST(ref_percpu, "refcount.percpu", 2.4, FX_NS,
	FX_COST_PROBE "half of (empty FUTEX_WAKE_PRIVATE with private hash - without)")
FX_COST(ref_atomic, "refcount.atomic", 2.0, FX_NS,
	FX_COST_PROBE "one uncontended lock xadd (rcuref_get or _put)")
FX_COST(wake_mark, "wake.mark", 12.4, FX_NS,
	FX_COST_PROBE "replica plist_del + 3 atomics (futex_wake_mark)")
FX_COST(wake_up, "wake.up", 7400, FX_NS,
	FX_COST_PROBE "waker's FUTEX_WAKE of 1 waiter on the idle vCPU - empty wake - lock - mark")
FX_COST(ipi_local, "ipi.local", 5150, FX_NS,
	FX_COST_PROBE "wake-up latency into a busy vCPU - waker's FUTEX_WAKE - ctx.switch")
FX_COST(ipi_remote, "ipi.remote", 5324, FX_NS,
	"estimate: ipi.local + 2 x (134 - 47) ns, two socket crossings at the c2c latencies of nviennot/core-to-core-latency")
FX_COST(idle_exit, "idle.exit", 7180, FX_NS,
	FX_COST_PROBE "wake-up into the halted vCPU - into the busy vCPU (haltpoll cpuidle)")
FX_COST(ctx_switch, "ctx.switch", 1165, FX_NS,
	FX_COST_PROBE "sched_yield ping-pong on one CPU, per switch - getppid")
FX_COST(uatomic, "user.atomic", 2.6, FX_NS,
	FX_COST_PROBE "lock cmpxchg on a line in L1, back to back")
FX_COST(timer_arm, "timer.arm", 427, FX_NS,
	FX_COST_PROBE "timerfd_settime re-arm (hrtimer cancel + start) - getppid")
FX_COST(timer_slack, "timer.slack", 50000, FX_NS,
	"kernel: default timer_slack_ns of a SCHED_OTHER task (init_task.h, prctl(PR_SET_TIMERSLACK)); 0 for RT tasks")
FX_COST(sched_slice, "sched.slice", 700000, FX_NS,
	"kernel/sched/fair.c: normalized sysctl_sched_base_slice, 0.70 ms since 6.15 and stable backports (0.75 ms before, from 6.6); the kernel scales it by 1 + ilog2(min(ncpus, 8))")
FX_COST(dist_local, "distance.local", 10, FX_UNITLESS,
	"ACPI SLIT: a locality's distance to itself is 10 (Linux LOCAL_DISTANCE)")
FX_COST(dist_package, "distance.package", 11, FX_UNITLESS,
	"published: SLIT 10/11/21 of a 2-socket Xeon with sub-NUMA clustering (LKML, CFS load-balance rework thread, 2019-10-30)")
FX_COST(dist_remote, "distance.remote", 21, FX_UNITLESS,
	"published: SLIT 10/21 of 2-socket Xeon servers (numactl --hardware; same LKML thread)")
