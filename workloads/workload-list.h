/* SPDX-License-Identifier: MIT */
/* workload-list.h - every workload, once: FX_WORKLOAD(symbol suffix). */
FX_WORKLOAD(perf_hash)
FX_WORKLOAD(perf_wake)
FX_WORKLOAD(perf_wake_parallel)
FX_WORKLOAD(perf_requeue)
FX_WORKLOAD(perf_lock_pi)
FX_WORKLOAD(mutex)
FX_WORKLOAD(condvar)
FX_WORKLOAD(barrier)
FX_WORKLOAD(rwlock)
FX_WORKLOAD(semaphore)
FX_WORKLOAD(pi_mutex)
FX_WORKLOAD(noisy_neighbour)
