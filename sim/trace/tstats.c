// SPDX-License-Identifier: MIT
/*
 * tstats.c - "futexsim trace stats": counts, keys, waiters over time and
 * blocked time of a trace, streaming (see tstats.h, docs/trace-replay.md).
 *
 * Waiters over time is a sweep: records come in entry-time order, so the
 * start of every blocking wait is seen in order; its end (entry +
 * duration) goes into a min-heap, and ends are taken from the heap as the
 * sweep passes them.  Between two events the number of blocked threads is
 * constant; the area under that step function is accumulated into
 * FX_TS_FINE buckets whose width doubles (merging neighbours) whenever
 * the trace outgrows them, and resampled to FX_TS_SERIES buckets at the
 * end (assuming the area is uniform inside a fine bucket).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "futex.h"
#include "lib/kmap.h"
#include "trace/tstats.h"

/* ---- sets of keys (sim/lib/kmap.h) ---- */

/* kset_add - 1 if (a, b, c) is new, 0 if known, -ENOMEM */
static int kset_add(struct fx_kmap *s, uint64_t a, uint64_t b, uint64_t c)
{
	int r = fx_kmap_add(s, a, b, c, 0, NULL);

	return r < 0 ? r : !r;
}

/* ---- private state ---- */

struct tmap {			/* one MAP_SHARED record */
	uint32_t pid;
	uint64_t start, len, off, inode;
};

struct fx_tstats_priv {
	struct fx_kmap keys;
	struct fx_kmap tids;		/* (pid, tid, 0) -> thread index */
	size_t thr_cap;
	struct tmap *maps;
	size_t nmaps, maps_cap;
	uint64_t *heap;			/* ends of blocked waits, min-heap */
	size_t nheap, heap_cap;
	uint64_t cur;			/* threads blocked now */
	uint64_t tlast;			/* sweep position */
	uint64_t width;			/* fine bucket width, ns */
	double area[FX_TS_FINE];	/* waiter-ns per fine bucket */
	uint64_t fmax[FX_TS_FINE];
	bool started;
	uint64_t last_t;
};

int fx_tstats_init(struct fx_tstats *s)
{
	memset(s, 0, sizeof(*s));
	s->priv = calloc(1, sizeof(*s->priv));
	s->blocked_ns = malloc(sizeof(*s->blocked_ns));
	if (!s->priv || !s->blocked_ns) {
		fx_tstats_free(s);
		return -ENOMEM;
	}
	fx_qhist_init(s->blocked_ns);
	s->priv->width = 1;
	return 0;
}

void fx_tstats_free(struct fx_tstats *s)
{
	struct fx_tstats_priv *p = s->priv;

	if (p) {
		fx_kmap_free(&p->keys);
		fx_kmap_free(&p->tids);
		free(p->maps);
		free(p->heap);
		free(p);
	}
	free(s->blocked_ns);
	free(s->thr);
	memset(s, 0, sizeof(*s));
}

/* ---- classification ---- */

bool fx_tstats_is_wait(const struct fx_trace_rec *rec)
{
	switch (rec->kind) {
	case FX_TR_FUTEX:
		switch (rec->op & FX_CMD_MASK) {
		case FX_OP_WAIT:
		case FX_OP_WAIT_BITSET:
		case FX_OP_WAIT_REQUEUE_PI:
		case FX_OP_LOCK_PI:
		case FX_OP_LOCK_PI2:
			return true;
		}
		return false;
	case FX_TR_FUTEX_WAIT:
	case FX_TR_FUTEX_WAITV:
		return true;
	}
	return false;
}

bool fx_tstats_blocked(const struct fx_trace_rec *rec)
{
	if (!fx_tstats_is_wait(rec))
		return false;
	if (rec->ret == FX_TR_UNFINISHED)
		return true;
	/* woken, but the tracer gave no duration (perf's untimed lines) */
	if (!rec->dur_ns && rec->ret == 0)
		return true;
	return rec->dur_ns > 0 &&
	       (rec->ret >= 0 || rec->ret == -ETIMEDOUT || rec->ret == -EINTR);
}

static bool is_call(unsigned kind)
{
	return kind == FX_TR_FUTEX || kind == FX_TR_FUTEX_WAITV ||
	       kind == FX_TR_FUTEX_WAIT || kind == FX_TR_FUTEX_WAKE ||
	       kind == FX_TR_FUTEX_REQUEUE;
}

static const char *const errnames[FX_TS_NERRNO] = {
	[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
	[EINTR] = "EINTR", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
	[EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE", [ENOSYS] = "ENOSYS", [EDEADLK] = "EDEADLK",
	[ETIMEDOUT] = "ETIMEDOUT", [EOWNERDEAD] = "EOWNERDEAD",
	[ENOTRECOVERABLE] = "ENOTRECOVERABLE", [E2BIG] = "E2BIG",
	[EOPNOTSUPP] = "EOPNOTSUPP",
};

const char *fx_tstats_errname(unsigned e)
{
	return e < FX_TS_NERRNO ? errnames[e] : NULL;
}

static const char *const cmdnames[FX_TS_NCMD] = {
	"WAIT", "WAKE", "FD", "REQUEUE", "CMP_REQUEUE", "WAKE_OP",
	"LOCK_PI", "UNLOCK_PI", "TRYLOCK_PI", "WAIT_BITSET", "WAKE_BITSET",
	"WAIT_REQUEUE_PI", "CMP_REQUEUE_PI", "LOCK_PI2",
};

const char *fx_tstats_cmdname(unsigned cmd)
{
	return cmd < FX_TS_NCMD ? cmdnames[cmd] : "OTHER";
}

/* ---- keys ---- */

static int add_key(struct fx_tstats *s, uint32_t pid, uint64_t uaddr,
		   bool private)
{
	struct fx_tstats_priv *p = s->priv;
	int r;

	if (private) {
		r = kset_add(&p->keys, 0, pid, uaddr);
		if (r > 0)
			s->keys_private++;
		return r < 0 ? r : 0;
	}
	for (size_t i = p->nmaps; i-- > 0;) {
		const struct tmap *m = &p->maps[i];

		if (m->pid != pid || uaddr < m->start || uaddr - m->start >= m->len)
			continue;
		if (!m->inode)
			break;		/* shared anonymous: no identity */
		r = kset_add(&p->keys, 1, m->inode, m->off + (uaddr - m->start));
		if (r > 0)
			s->keys_shared++;
		return r < 0 ? r : 0;
	}
	r = kset_add(&p->keys, 2, pid, uaddr);
	if (r > 0)
		s->keys_unresolved++;
	return r < 0 ? r : 0;
}

static bool cmd_has_uaddr2(unsigned cmd)
{
	return cmd == FX_OP_REQUEUE || cmd == FX_OP_CMP_REQUEUE ||
	       cmd == FX_OP_WAKE_OP || cmd == FX_OP_WAIT_REQUEUE_PI ||
	       cmd == FX_OP_CMP_REQUEUE_PI;
}

/* ---- threads ---- */

static int thread_note(struct fx_tstats *s, const struct fx_trace_rec *rec)
{
	struct fx_tstats_priv *p = s->priv;
	uint32_t i = fx_kmap_get(&p->tids, rec->pid, rec->tid, 0);

	if (i != FX_KMAP_NONE) {
		struct fx_tstats_thread *t = &s->thr[i];

		t->calls++;
		t->last_ns = rec->t_ns;
		return 0;
	}
	if (s->nthr == p->thr_cap) {
		size_t cap = p->thr_cap ? 2 * p->thr_cap : 64;
		struct fx_tstats_thread *n = realloc(s->thr, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->thr = n;
		p->thr_cap = cap;
	}
	if (s->nthr >= FX_KMAP_NONE ||
	    fx_kmap_put(&p->tids, rec->pid, rec->tid, 0, (uint32_t)s->nthr))
		return -ENOMEM;
	s->thr[s->nthr++] = (struct fx_tstats_thread){
		.pid = rec->pid, .tid = rec->tid, .calls = 1,
		.first_ns = rec->t_ns, .last_ns = rec->t_ns };
	return 0;
}

/* ---- waiters over time ---- */

static void fine_rescale(struct fx_tstats_priv *p)
{
	for (unsigned i = 0; i < FX_TS_FINE / 2; i++) {
		p->area[i] = p->area[2 * i] + p->area[2 * i + 1];
		p->fmax[i] = p->fmax[2 * i] > p->fmax[2 * i + 1] ?
			     p->fmax[2 * i] : p->fmax[2 * i + 1];
	}
	memset(p->area + FX_TS_FINE / 2, 0, sizeof(p->area) / 2);
	memset(p->fmax + FX_TS_FINE / 2, 0, sizeof(p->fmax) / 2);
	p->width *= 2;
}

/* advance - the level p->cur holds over [p->tlast, t) */
static void advance(struct fx_tstats *s, uint64_t t)
{
	struct fx_tstats_priv *p = s->priv;
	uint64_t a = p->tlast - s->t0_ns, b = t - s->t0_ns;

	if (t <= p->tlast)
		return;
	p->tlast = t;
	if (!p->cur)
		return;
	while (b > (uint64_t)FX_TS_FINE * p->width && p->width < (1ull << 53))
		fine_rescale(p);
	for (uint64_t k = a / p->width; k < FX_TS_FINE && k * p->width < b; k++) {
		uint64_t lo = k * p->width, hi = lo + p->width;

		lo = lo > a ? lo : a;
		hi = hi < b ? hi : b;
		p->area[k] += (double)p->cur * (double)(hi - lo);
		if (p->fmax[k] < p->cur)
			p->fmax[k] = p->cur;
	}
}

static void heap_pop_until(struct fx_tstats *s, uint64_t t)
{
	struct fx_tstats_priv *p = s->priv;

	while (p->nheap && p->heap[0] <= t) {
		uint64_t e = p->heap[0], last = p->heap[--p->nheap];
		size_t i = 0;

		for (;;) {
			size_t c = 2 * i + 1;

			if (c >= p->nheap)
				break;
			if (c + 1 < p->nheap && p->heap[c + 1] < p->heap[c])
				c++;
			if (p->heap[c] >= last)
				break;
			p->heap[i] = p->heap[c];
			i = c;
		}
		if (p->nheap)
			p->heap[i] = last;
		advance(s, e);
		p->cur--;
	}
}

static int heap_push(struct fx_tstats_priv *p, uint64_t e)
{
	size_t i;

	if (p->nheap == p->heap_cap) {
		size_t cap = p->heap_cap ? 2 * p->heap_cap : 256;
		uint64_t *n = realloc(p->heap, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->heap = n;
		p->heap_cap = cap;
	}
	for (i = p->nheap++; i && p->heap[(i - 1) / 2] > e; i = (i - 1) / 2)
		p->heap[i] = p->heap[(i - 1) / 2];
	p->heap[i] = e;
	return 0;
}

/* ---- records ---- */

int fx_tstats_add(struct fx_tstats *s, const struct fx_trace_rec *rec)
{
	struct fx_tstats_priv *p = s->priv;
	unsigned cmd;
	int ret = 0;

	if (!p->started) {
		p->started = true;
		s->t0_ns = p->tlast = p->last_t = rec->t_ns;
	}
	if (rec->t_ns < p->last_t)
		return -EINVAL;
	p->last_t = rec->t_ns;
	s->records++;
	if (s->t_end_ns < rec->t_ns)
		s->t_end_ns = rec->t_ns;
	if (rec->ret != FX_TR_UNFINISHED && s->t_end_ns < rec->t_ns + rec->dur_ns)
		s->t_end_ns = rec->t_ns + rec->dur_ns;
	heap_pop_until(s, rec->t_ns);

	switch (rec->kind) {
	case FX_TR_THREAD_NEW: s->thread_new++; return 0;
	case FX_TR_THREAD_EXIT: s->thread_exit++; return 0;
	case FX_TR_SET_ROBUST: s->set_robust++; return 0;
	case FX_TR_SET_TID_ADDR: s->set_tid_addr++; return 0;
	case FX_TR_MAP:
		s->maps++;
		if (!(rec->op & FX_MAP_SHARED))
			return 0;
		if (p->nmaps == p->maps_cap) {
			size_t cap = p->maps_cap ? 2 * p->maps_cap : 16;
			struct tmap *n = realloc(p->maps, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			p->maps = n;
			p->maps_cap = cap;
		}
		p->maps[p->nmaps++] = (struct tmap){
			.pid = rec->pid, .start = rec->uaddr, .len = rec->val2,
			.off = rec->uaddr2, .inode = rec->inode };
		return 0;
	case FX_TR_WAITV_ENTRY:
		s->waitv_entries++;
		return add_key(s, rec->pid, rec->uaddr, rec->op & FX2_PRIVATE);
	}
	if (!is_call(rec->kind))
		return 0;

	s->calls++;
	if ((ret = thread_note(s, rec)))
		return ret;
	switch (rec->kind) {
	case FX_TR_FUTEX:
		cmd = rec->op & FX_CMD_MASK;
		if (cmd < FX_TS_NCMD)
			s->by_cmd[cmd]++;
		else
			s->cmd_other++;
		if (rec->op & FX_PRIVATE_FLAG)
			s->futex_private++;
		else
			s->futex_shared++;
		if (rec->op & FX_CLOCK_REALTIME)
			s->futex_clockrt++;
		ret = add_key(s, rec->pid, rec->uaddr, rec->op & FX_PRIVATE_FLAG);
		if (!ret && cmd_has_uaddr2(cmd))
			ret = add_key(s, rec->pid, rec->uaddr2,
				      rec->op & FX_PRIVATE_FLAG);
		break;
	case FX_TR_FUTEX_WAIT:
	case FX_TR_FUTEX_WAKE:
	case FX_TR_FUTEX_REQUEUE:
		if (rec->kind == FX_TR_FUTEX_WAIT)
			s->f2_wait++;
		else if (rec->kind == FX_TR_FUTEX_WAKE)
			s->f2_wake++;
		else
			s->f2_requeue++;
		if (rec->op & FX2_PRIVATE)
			s->f2_private++;
		ret = add_key(s, rec->pid, rec->uaddr, rec->op & FX2_PRIVATE);
		if (!ret && rec->kind == FX_TR_FUTEX_REQUEUE)
			ret = add_key(s, rec->pid, rec->uaddr2,
				      rec->op & FX2_PRIVATE);
		break;
	case FX_TR_FUTEX_WAITV:
		s->waitv++;
		break;
	}
	if (ret)
		return ret;

	if (rec->ret == FX_TR_UNFINISHED)
		s->ret_unfinished++;
	else if (rec->ret >= 0)
		s->ret_ok++;
	else if (-rec->ret < FX_TS_NERRNO)
		s->ret_errno[-rec->ret]++;
	else
		s->ret_other++;

	if (fx_tstats_is_wait(rec))
		s->waits++;
	if (fx_tstats_blocked(rec)) {
		s->waits_blocked++;
		if (rec->ret != FX_TR_UNFINISHED && rec->dur_ns)
			fx_qhist_add(s->blocked_ns, rec->dur_ns);
		advance(s, rec->t_ns);
		p->cur++;
		if (s->max_waiters < p->cur)
			s->max_waiters = p->cur;
		ret = heap_push(p, rec->ret == FX_TR_UNFINISHED ? UINT64_MAX :
				rec->t_ns + rec->dur_ns);
	}
	return ret;
}

static int thr_cmp(const void *a, const void *b)
{
	const struct fx_tstats_thread *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

int fx_tstats_finish(struct fx_tstats *s)
{
	struct fx_tstats_priv *p = s->priv;
	uint64_t T;

	/* unfinished waits last until the end of the trace */
	for (size_t i = 0; i < p->nheap; i++)
		if (p->heap[i] > s->t_end_ns)
			p->heap[i] = s->t_end_ns;
	heap_pop_until(s, UINT64_MAX);
	advance(s, s->t_end_ns);
	T = s->t_end_ns - s->t0_ns;
	memset(s->series_mean, 0, sizeof(s->series_mean));
	memset(s->series_max, 0, sizeof(s->series_max));
	s->mean_waiters = 0;
	if (T) {
		double total = 0;

		for (unsigned k = 0; k < FX_TS_FINE; k++)
			total += p->area[k];
		s->mean_waiters = total / (double)T;
		for (unsigned j = 0; j < FX_TS_SERIES; j++) {
			double lo = (double)T * j / FX_TS_SERIES;
			double hi = (double)T * (j + 1) / FX_TS_SERIES;
			double w = (double)p->width, area = 0;

			for (unsigned k = (unsigned)(lo / w); k < FX_TS_FINE && k * w < hi; k++) {
				double flo = k * w, fhi = flo + w;
				double olo = flo > lo ? flo : lo, ohi = fhi < hi ? fhi : hi;

				if (ohi <= olo)
					continue;
				area += p->area[k] * (ohi - olo) / w;
				if (s->series_max[j] < p->fmax[k])
					s->series_max[j] = p->fmax[k];
			}
			s->series_mean[j] = area / (hi - lo);
		}
	}
	if (s->nthr)
		qsort(s->thr, s->nthr, sizeof(*s->thr), thr_cmp);
	return 0;
}

/* ---- output ---- */

static double thr_rate(const struct fx_tstats *s, const struct fx_tstats_thread *t)
{
	uint64_t T = s->t_end_ns - s->t0_ns;

	return T ? (double)t->calls * 1e9 / (double)T : NAN;
}

static void print_text(FILE *f, const struct fx_tstats *s)
{
	const struct fx_qhist *h = s->blocked_ns;
	uint64_t T = s->t_end_ns - s->t0_ns;

	fprintf(f, "records %" PRIu64 ", futex calls %" PRIu64 ", span %.6f s\n",
		s->records, s->calls, T * 1e-9);
	fprintf(f, "futex(2) by op:");
	for (unsigned c = 0; c < FX_TS_NCMD; c++)
		if (s->by_cmd[c])
			fprintf(f, " %s %" PRIu64, cmdnames[c], s->by_cmd[c]);
	if (s->cmd_other)
		fprintf(f, " OTHER %" PRIu64, s->cmd_other);
	fprintf(f, "\nfutex(2) flags: PRIVATE %" PRIu64 ", shared %" PRIu64 ", CLOCK_REALTIME %" PRIu64 "\n",
		s->futex_private, s->futex_shared, s->futex_clockrt);
	fprintf(f, "futex2: futex_wait %" PRIu64 ", futex_wake %" PRIu64 ", futex_requeue %" PRIu64 " (PRIVATE %" PRIu64 "), futex_waitv %" PRIu64 " (%" PRIu64 " entries)\n",
		s->f2_wait, s->f2_wake, s->f2_requeue, s->f2_private, s->waitv,
		s->waitv_entries);
	fprintf(f, "process events: thread_new %" PRIu64 ", thread_exit %" PRIu64 ", set_robust_list %" PRIu64 ", set_tid_address %" PRIu64 ", map %" PRIu64 "\n",
		s->thread_new, s->thread_exit, s->set_robust, s->set_tid_addr,
		s->maps);
	fprintf(f, "keys: %" PRIu64 " private, %" PRIu64 " shared, %" PRIu64 " shared unresolved (no MAP record)\n",
		s->keys_private, s->keys_shared, s->keys_unresolved);
	fprintf(f, "returns: ok %" PRIu64, s->ret_ok);
	for (unsigned e = 1; e < FX_TS_NERRNO; e++) {
		if (!s->ret_errno[e])
			continue;
		if (errnames[e])
			fprintf(f, ", %s %" PRIu64, errnames[e], s->ret_errno[e]);
		else
			fprintf(f, ", errno%u %" PRIu64, e, s->ret_errno[e]);
	}
	if (s->ret_other)
		fprintf(f, ", other %" PRIu64, s->ret_other);
	fprintf(f, ", unfinished %" PRIu64 "\n", s->ret_unfinished);
	fprintf(f, "waits: %" PRIu64 ", blocked %" PRIu64 "; waiters max %" PRIu64 ", mean %.3f\n",
		s->waits, s->waits_blocked, s->max_waiters, s->mean_waiters);
	fprintf(f, "blocked time (ns, %" PRIu64 " finished waits): p50 %" PRIu64 " p90 %" PRIu64 " p99 %" PRIu64 " max %" PRIu64 " mean %.1f\n",
		h->count, fx_qhist_quantile(h, 0.5), fx_qhist_quantile(h, 0.9),
		fx_qhist_quantile(h, 0.99), h->max, fx_qhist_mean(h));
	fprintf(f, "waiters over time (%d buckets of %.6f s): mean/max\n ",
		FX_TS_SERIES, T * 1e-9 / FX_TS_SERIES);
	for (unsigned j = 0; j < FX_TS_SERIES; j++)
		fprintf(f, " %.2f/%" PRIu64, s->series_mean[j], s->series_max[j]);
	fprintf(f, "\nthreads: %" PRIu32 "%s\n", s->nthr,
		s->nthr > 10 ? " (top 10 by calls)" : "");
	for (uint32_t i = 0; i < s->nthr && i < 10; i++)
		fprintf(f, "  pid %" PRIu32 " tid %" PRIu32 ": %" PRIu64 " calls, %.1f calls/s\n",
			s->thr[i].pid, s->thr[i].tid, s->thr[i].calls,
			thr_rate(s, &s->thr[i]));
}

static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.6g", v);
}

static void print_json(FILE *f, const struct fx_tstats *s)
{
	const struct fx_qhist *h = s->blocked_ns;
	bool first = true;

	fprintf(f, "{\"records\": %" PRIu64 ", \"calls\": %" PRIu64 ", \"t0_ns\": %" PRIu64 ", \"t_end_ns\": %" PRIu64 ",\n",
		s->records, s->calls, s->t0_ns, s->t_end_ns);
	fprintf(f, " \"futex_ops\": {");
	for (unsigned c = 0; c < FX_TS_NCMD; c++)
		fprintf(f, "%s\"%s\": %" PRIu64, c ? ", " : "", cmdnames[c],
			s->by_cmd[c]);
	fprintf(f, ", \"OTHER\": %" PRIu64 "},\n", s->cmd_other);
	fprintf(f, " \"futex_flags\": {\"private\": %" PRIu64 ", \"shared\": %" PRIu64 ", \"clock_realtime\": %" PRIu64 "},\n",
		s->futex_private, s->futex_shared, s->futex_clockrt);
	fprintf(f, " \"futex2\": {\"futex_wait\": %" PRIu64 ", \"futex_wake\": %" PRIu64 ", \"futex_requeue\": %" PRIu64 ", \"private\": %" PRIu64 ", \"futex_waitv\": %" PRIu64 ", \"waitv_entries\": %" PRIu64 "},\n",
		s->f2_wait, s->f2_wake, s->f2_requeue, s->f2_private, s->waitv,
		s->waitv_entries);
	fprintf(f, " \"events\": {\"thread_new\": %" PRIu64 ", \"thread_exit\": %" PRIu64 ", \"set_robust_list\": %" PRIu64 ", \"set_tid_address\": %" PRIu64 ", \"map\": %" PRIu64 "},\n",
		s->thread_new, s->thread_exit, s->set_robust, s->set_tid_addr,
		s->maps);
	fprintf(f, " \"keys\": {\"private\": %" PRIu64 ", \"shared\": %" PRIu64 ", \"unresolved\": %" PRIu64 "},\n",
		s->keys_private, s->keys_shared, s->keys_unresolved);
	fprintf(f, " \"returns\": {\"ok\": %" PRIu64 ", \"unfinished\": %" PRIu64 ", \"other\": %" PRIu64,
		s->ret_ok, s->ret_unfinished, s->ret_other);
	for (unsigned e = 1; e < FX_TS_NERRNO; e++) {
		if (!s->ret_errno[e])
			continue;
		if (errnames[e])
			fprintf(f, ", \"%s\": %" PRIu64, errnames[e], s->ret_errno[e]);
		else
			fprintf(f, ", \"errno%u\": %" PRIu64, e, s->ret_errno[e]);
	}
	fprintf(f, "},\n \"waits\": %" PRIu64 ", \"waits_blocked\": %" PRIu64 ", \"max_waiters\": %" PRIu64 ", \"mean_waiters\": ",
		s->waits, s->waits_blocked, s->max_waiters);
	json_num(f, s->mean_waiters);
	fprintf(f, ",\n \"blocked_ns\": {\"count\": %" PRIu64 ", \"p50\": %" PRIu64 ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64 ", \"max\": %" PRIu64 ", \"mean\": ",
		h->count, fx_qhist_quantile(h, 0.5), fx_qhist_quantile(h, 0.9),
		fx_qhist_quantile(h, 0.99), h->max);
	json_num(f, fx_qhist_mean(h));
	fprintf(f, "},\n \"waiters_series\": {\"buckets\": %d, \"mean\": [", FX_TS_SERIES);
	for (unsigned j = 0; j < FX_TS_SERIES; j++) {
		fputs(j ? ", " : "", f);
		json_num(f, s->series_mean[j]);
	}
	fprintf(f, "], \"max\": [");
	for (unsigned j = 0; j < FX_TS_SERIES; j++)
		fprintf(f, "%s%" PRIu64, j ? ", " : "", s->series_max[j]);
	fprintf(f, "]},\n \"threads\": [");
	for (uint32_t i = 0; i < s->nthr; i++) {
		fprintf(f, "%s\n  {\"pid\": %" PRIu32 ", \"tid\": %" PRIu32 ", \"calls\": %" PRIu64 ", \"calls_per_s\": ",
			first ? "" : ",", s->thr[i].pid, s->thr[i].tid,
			s->thr[i].calls);
		json_num(f, thr_rate(s, &s->thr[i]));
		fputc('}', f);
		first = false;
	}
	fprintf(f, "%s]}\n", s->nthr ? "\n " : "");
}

void fx_tstats_print(FILE *f, const struct fx_tstats *s, bool json)
{
	if (json)
		print_json(f, s);
	else
		print_text(f, s);
}
