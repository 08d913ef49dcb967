/* SPDX-License-Identifier: MIT */
/*
 * futex_rt.h - the rt-mutex model and the pi_state helpers shared by
 * futex_rtmutex.c, futex_pi.c and futex_requeue.c.  Private to those files
 * (kernel counterparts: kernel/locking/rtmutex_common.h and the PI part of
 * kernel/futex/futex.h).
 */
#ifndef FX_FUTEX_RT_H
#define FX_FUTEX_RT_H

#include "futex_int.h"

/* fx_rt_mutex_wait_proxy_lock(): nothing decided, sleep again */
#define FX_RT_BLOCK	1

/* ---- futex_rtmutex.c ---- */
void fx_rt_mutex_init_proxy_locked(struct fx_rt_mutex *lock,
				   struct fx_task *owner);
void fx_rt_mutex_proxy_unlock(struct fx_rt_mutex *lock);
void fx_rt_waiter_init(struct fx_rt_waiter *w, struct fx_task *t);
bool fx_rt_mutex_has_waiters(const struct fx_rt_mutex *lock);
struct fx_rt_waiter *fx_rt_mutex_top_waiter(const struct fx_rt_mutex *lock);
bool fx_rt_mutex_try_to_take(struct fx_rt_mutex *lock, struct fx_task *task,
			     struct fx_rt_waiter *waiter);
bool fx_rt_mutex_futex_trylock(struct fx_rt_mutex *lock, struct fx_task *t);
bool fx_rt_mutex_futex_unlock(struct fx_rt_mutex *lock);
int fx_rt_mutex_start_proxy_lock_locked(struct fx_rt_mutex *lock,
					struct fx_rt_waiter *waiter,
					struct fx_task *task);
int fx_rt_mutex_start_proxy_lock(struct fx_rt_mutex *lock,
				 struct fx_rt_waiter *waiter,
				 struct fx_task *task);
int fx_rt_mutex_wait_proxy_lock(struct fx_rt_mutex *lock,
				struct fx_rt_waiter *waiter,
				struct fx_task *t);
bool fx_rt_mutex_cleanup_proxy_lock(struct fx_rt_mutex *lock,
				    struct fx_rt_waiter *waiter,
				    struct fx_task *t);
int fx_rt_mutex_check(struct fx_core *core, const struct fx_rt_mutex *lock);
int fx_rt_task_check(struct fx_core *core, const struct fx_task *t);

/* ---- futex_pi.c ---- */
struct fx_pi_state *fx_pi_state_alloc(struct fx_core *core);
void fx_pi_state_free(struct fx_pi_state *ps);
void fx_get_pi_state(struct fx_pi_state *ps);
void fx_put_pi_state(struct fx_pi_state *ps);
int fx_futex_lock_pi_atomic(struct fx_mm *mm, uint64_t uaddr,
			    struct fx_hb *hb, const union fx_key *key,
			    struct fx_pi_state **ps, struct fx_task *task,
			    bool set_waiters, struct fx_pi_state **cache);
int fx_fixup_pi_owner(struct fx_task *t, uint64_t uaddr, struct fx_q *q,
		      bool locked);
void fx_unqueue_pi(struct fx_q *q);

#endif /* FX_FUTEX_RT_H */
