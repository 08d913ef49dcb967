// SPDX-License-Identifier: MIT
/*
 * import.c - helpers shared by the trace importers (import.h): the
 * reorder queue, errno names and the line reader.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/import.h"

/* ---- reorder queue ---- */

struct trq_slot {
	struct fx_trace_rec rec;
	uint64_t seq;
	bool pending;
};

struct fx_trq {
	size_t window;
	fx_trq_emit_fn emit;
	void *ctx;
	struct trq_slot *slot;
	uint32_t *free;		/* free slot indexes */
	uint32_t *heap;		/* slot indexes, min (t_ns, seq) first */
	size_t cap, nfree, nheap;
	uint64_t seq, evicted;
	uint64_t lag_ns;	/* fx_trq_set_lag() */
	uint64_t max_t;		/* the latest t_ns added */
	uint64_t out_t;		/* t_ns of the last record out */
	uint64_t late;		/* records older than that, moved up to it */
};

struct fx_trq *fx_trq_new(size_t window, fx_trq_emit_fn emit, void *ctx)
{
	struct fx_trq *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->window = window ? window : FX_TR_WINDOW;
	q->emit = emit;
	q->ctx = ctx;
	return q;
}

static bool trq_less(const struct fx_trq *q, uint32_t a, uint32_t b)
{
	const struct trq_slot *x = &q->slot[a], *y = &q->slot[b];

	if (x->rec.t_ns != y->rec.t_ns)
		return x->rec.t_ns < y->rec.t_ns;
	return x->seq < y->seq;
}

static void trq_up(struct fx_trq *q, size_t i)
{
	while (i) {
		size_t up = (i - 1) / 2;
		uint32_t t;

		if (!trq_less(q, q->heap[i], q->heap[up]))
			break;
		t = q->heap[i];
		q->heap[i] = q->heap[up];
		q->heap[up] = t;
		i = up;
	}
}

static void trq_down(struct fx_trq *q, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint32_t t;

		if (l < q->nheap && trq_less(q, q->heap[l], q->heap[m]))
			m = l;
		if (l + 1 < q->nheap && trq_less(q, q->heap[l + 1], q->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = q->heap[i];
		q->heap[i] = q->heap[m];
		q->heap[m] = t;
		i = m;
	}
}

static int trq_pop(struct fx_trq *q)
{
	uint32_t s = q->heap[0];

	q->heap[0] = q->heap[--q->nheap];
	trq_down(q, 0);
	q->free[q->nfree++] = s;
	if (q->slot[s].pending)
		q->evicted++;
	q->slot[s].pending = false;
	q->out_t = q->slot[s].rec.t_ns;
	return q->emit(q->ctx, &q->slot[s].rec);
}

void fx_trq_set_lag(struct fx_trq *q, uint64_t lag_ns)
{
	q->lag_ns = lag_ns;
}

/* done and at least lag_ns older than the latest record seen */
static bool trq_ripe(const struct fx_trq *q, uint32_t s)
{
	return !q->slot[s].pending &&
	       q->slot[s].rec.t_ns + q->lag_ns <= q->max_t;
}

/* out what may leave: ripe records at the front, or beyond the window */
static int trq_drain(struct fx_trq *q)
{
	int rc;

	while (q->nheap && (trq_ripe(q, q->heap[0]) ||
			    q->nheap > q->window)) {
		rc = trq_pop(q);
		if (rc)
			return rc;
	}
	return 0;
}

static int trq_grow(struct fx_trq *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024, i;
	struct trq_slot *s;
	uint32_t *f, *h;

	if (cap > UINT32_MAX)
		return -ENOMEM;
	s = realloc(q->slot, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	q->slot = s;
	f = realloc(q->free, cap * sizeof(*f));
	if (!f)
		return -ENOMEM;
	q->free = f;
	h = realloc(q->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	q->heap = h;
	for (i = cap; i > q->cap; i--)
		q->free[q->nfree++] = (uint32_t)(i - 1);
	q->cap = cap;
	return 0;
}

int fx_trq_add(struct fx_trq *q, const struct fx_trace_rec *r, int n,
	       bool pending, uint64_t *id)
{
	int i, rc;

	for (i = 0; i < n; i++) {
		uint32_t s;

		if (!q->nfree && (rc = trq_grow(q)))
			return rc;
		s = q->free[--q->nfree];
		q->slot[s].rec = r[i];
		if (r[i].t_ns < q->out_t) {	/* later than the lag allowed */
			q->slot[s].rec.t_ns = q->out_t;
			q->late++;
		}
		if (r[i].t_ns > q->max_t)
			q->max_t = r[i].t_ns;
		q->slot[s].seq = q->seq++;
		q->slot[s].pending = pending && i == 0;
		if (i == 0 && id)
			*id = (q->slot[s].seq << 32) | s;
		q->heap[q->nheap++] = s;
		trq_up(q, q->nheap - 1);
	}
	return trq_drain(q);
}

struct fx_trace_rec *fx_trq_get(struct fx_trq *q, uint64_t id)
{
	uint32_t s = (uint32_t)id;

	if (s >= q->cap || !q->slot[s].pending ||
	    (q->slot[s].seq & 0xffffffffu) != id >> 32)
		return NULL;
	return &q->slot[s].rec;
}

int fx_trq_done(struct fx_trq *q, uint64_t id)
{
	if (!fx_trq_get(q, id))
		return 0;
	q->slot[(uint32_t)id].pending = false;
	return trq_drain(q);
}

int fx_trq_flush(struct fx_trq *q)
{
	int rc;

	while (q->nheap) {
		q->slot[q->heap[0]].pending = false;	/* not evicted: ended */
		rc = trq_pop(q);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t fx_trq_evicted(const struct fx_trq *q)
{
	return q->evicted;
}

uint64_t fx_trq_late(const struct fx_trq *q)
{
	return q->late;
}

void fx_trq_free(struct fx_trq *q)
{
	if (!q)
		return;
	free(q->slot);
	free(q->free);
	free(q->heap);
	free(q);
}

/* ---- errno names ---- */

int fx_tr_errno(const char *s, size_t n)
{
	static const struct { const char *name; int no; } kernel[] = {
		{ "ERESTARTSYS", 512 }, { "ERESTARTNOINTR", 513 },
		{ "ERESTARTNOHAND", 514 }, { "ENOIOCTLCMD", 515 },
		{ "ERESTART_RESTARTBLOCK", 516 },
	};
	size_t i;
	int e;

	for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		if (strlen(kernel[i].name) == n &&
		    !memcmp(kernel[i].name, s, n))
			return kernel[i].no;
	for (e = 1; e < 512; e++) {
		const char *name = strerrorname_np(e);

		if (name && strlen(name) == n && !memcmp(name, s, n))
			return e;
	}
	return 0;
}

/* ---- line reader ---- */

int fx_tr_run_lines(FILE *in, const char *name, bool skip_bad,
		    fx_tr_feed_fn feed, void *p, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0;
	uint64_t lineno = 0;
	ssize_t n;
	int rc = 0;

	errno = 0;
	while ((n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (n > (64 << 20)) {
			snprintf(err, errlen, "%s:%llu: line longer than 64 MiB",
				 name, (unsigned long long)lineno);
			rc = -EINVAL;
		} else {
			rc = feed(p, line, (size_t)n, err, errlen);
		}
		if (rc == -EINVAL && skip_bad)
			rc = 0;
		if (rc)
			break;
		errno = 0;
	}
	if (!rc && ferror(in)) {
		snprintf(err, errlen, "%s: read error: %s", name,
			 strerror(errno ? errno : EIO));
		rc = -EIO;
	}
	free(line);
	return rc;
}


/* ---- /proc/PID/maps snapshots (docs/capture.md) ---- */

struct mapent {			/* one shared mapping, as snapshots saw it */
	uint32_t pid;
	uint64_t start, end, off, inode;
	uint32_t prot;
	uint64_t first_ns, last_ns;	/* first and last snapshot showing it */
	uint64_t place_ns;		/* when its MAP record is placed */
};

struct mapproc {		/* a process's current set */
	uint32_t pid;
	uint64_t last_ns;	/* its last snapshot or seen line */
	size_t *ent, nent, cap;
};

struct fx_tr_maps {
	struct mapent *e;
	size_t n, cap;
	struct mapproc *proc;
	size_t nproc, proccap;
	struct fx_trace_rec *rec;	/* the MAP records, absolute times */
	size_t nrec;
	/* parsing */
	const char *name;
	uint64_t lineno, start_ns, prev_poll_ns, poll_ns;
	uint32_t *poll_pid;
	size_t npoll, pollcap;
	struct mapproc *cur;		/* inside "# snapshot" */
	size_t *newset, nnew, newcap;
	uint64_t cur_ns;
};

/* parse_ts - "SECONDS[.FRACTION]" into ns; Return: chars used, 0: bad */
static size_t parse_ts(const char *s, uint64_t *ns)
{
	const char *p = s;
	uint64_t sec = 0, frac = 0, scale = 1000000000ull;

	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > UINT64_MAX / 10 / 1000000000ull)
			return 0;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
	*ns = sec * 1000000000ull + frac;
	return (size_t)(p - s);
}

static int maps_err(struct fx_tr_maps *m, char *err, size_t errlen,
		    const char *what)
{
	snprintf(err, errlen, "%s:%llu: %s", m->name,
		 (unsigned long long)m->lineno, what);
	return -EINVAL;
}

static struct mapproc *maps_proc(struct fx_tr_maps *m, uint32_t pid)
{
	for (size_t i = 0; i < m->nproc; i++)
		if (m->proc[i].pid == pid)
			return &m->proc[i];
	if (m->nproc == m->proccap) {
		size_t cap = m->proccap ? 2 * m->proccap : 16;
		struct mapproc *n = realloc(m->proc, cap * sizeof(*n));

		if (!n)
			return NULL;
		m->proc = n;
		m->proccap = cap;
	}
	m->proc[m->nproc] = (struct mapproc){ .pid = pid };
	return &m->proc[m->nproc++];
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 64;
	q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/*
 * poll_note - polls: capture.sh writes one snapshot or seen line per
 * process per poll; a pid met twice starts the next poll.
 */
static int poll_note(struct fx_tr_maps *m, uint32_t pid, uint64_t ts)
{
	for (size_t i = 0; i < m->npoll; i++)
		if (m->poll_pid[i] == pid) {
			m->prev_poll_ns = m->poll_ns;
			m->npoll = 0;
			break;
		}
	if (!m->npoll)
		m->poll_ns = ts;
	if (grow((void **)&m->poll_pid, &m->pollcap, m->npoll, sizeof(uint32_t)))
		return -ENOMEM;
	m->poll_pid[m->npoll++] = pid;
	return 0;
}

/* maps_line - "START-END PERMS OFFSET MAJ:MIN INODE [PATH]" */
static int maps_line(struct fx_tr_maps *m, const char *s, char *err,
		     size_t errlen)
{
	char perms[8];
	unsigned long long start, stop, off, ino;
	unsigned maj, min;
	int n = 0;
	struct mapproc *p = m->cur;
	struct mapent e;
	size_t idx;

	if (sscanf(s, "%llx-%llx %7s %llx %x:%x %llu%n", &start, &stop, perms,
		   &off, &maj, &min, &ino, &n) != 7 || strlen(perms) != 4 ||
	    stop < start)
		return maps_err(m, err, errlen, "expected a maps line 'START-END PERMS OFFSET MAJ:MIN INODE [PATH]'");
	(void)n;
	if (perms[3] != 's' || stop > 0x800000000000ull)
		return 0;		/* private, or not user memory */
	e = (struct mapent){
		.pid = p->pid, .start = start, .end = stop, .off = off,
		.inode = ino ? ((uint64_t)((maj << 20) | min) << 32) ^ ino : 0,
		.prot = (perms[0] == 'r') | (perms[1] == 'w') << 1 |
			(perms[2] == 'x') << 2,
		.first_ns = m->cur_ns, .last_ns = m->cur_ns };
	/* the same mapping in the process's previous snapshot */
	for (size_t i = 0; i < p->nent; i++) {
		struct mapent *o = &m->e[p->ent[i]];

		if (o->start == e.start && o->end == e.end && o->off == e.off &&
		    o->inode == e.inode && o->prot == e.prot) {
			o->last_ns = m->cur_ns;
			idx = p->ent[i];
			goto keep;
		}
	}
	/* new since the process's last poll (or, for a new process, since
	 * the previous poll; the capture's start in the first) */
	e.place_ns = p->last_ns ? p->last_ns :
		     m->prev_poll_ns ? m->prev_poll_ns :
		     m->start_ns ? m->start_ns : m->cur_ns;
	if (grow((void **)&m->e, &m->cap, m->n, sizeof(*m->e)))
		return -ENOMEM;
	idx = m->n;
	m->e[m->n++] = e;
keep:
	if (grow((void **)&m->newset, &m->newcap, m->nnew, sizeof(size_t)))
		return -ENOMEM;
	m->newset[m->nnew++] = idx;
	return 0;
}

/* maps_directive - "# snapshot", "# seen", "# end", the header */
static int maps_directive(struct fx_tr_maps *m, const char *s, char *err,
			  size_t errlen)
{
	uint64_t ts;
	unsigned long pid;
	size_t k;
	char *e;
	bool seen;

	if (!strncmp(s, "# futexsim capture maps v1:", 27)) {
		const char *p = strstr(s, " start ");

		if (p && !parse_ts(p + 7, &m->start_ns))
			return maps_err(m, err, errlen, "expected 'start SECONDS.NANOSECONDS' in the header");
		return 0;
	}
	if (!strncmp(s, "# end ", 6)) {
		if (!m->cur)
			return maps_err(m, err, errlen, "'# end' without a '# snapshot'");
		pid = strtoul(s + 6, &e, 10);
		if (e == s + 6 || pid != m->cur->pid)
			return maps_err(m, err, errlen, "expected '# end PID' of the open snapshot");
		/* the snapshot's set becomes the process's */
		free(m->cur->ent);
		m->cur->ent = m->newset;
		m->cur->nent = m->nnew;
		m->cur->cap = m->newcap;
		m->cur->last_ns = m->cur_ns;
		m->newset = NULL;
		m->nnew = m->newcap = 0;
		m->cur = NULL;
		return 0;
	}
	if (strncmp(s, "# snapshot ", 11) && strncmp(s, "# seen ", 7))
		return 0;			/* a comment */
	if (m->cur)
		return maps_err(m, err, errlen, "a new snapshot before '# end' of the open one");
	seen = s[3] == 'e';
	s += seen ? 7 : 11;
	k = parse_ts(s, &ts);
	if (!k || strncmp(s + k, " pid ", 5))
		return maps_err(m, err, errlen, "expected 'TS pid PID' after '# snapshot' or '# seen'");
	pid = strtoul(s + k + 5, &e, 10);
	if (e == s + k + 5 || !pid || pid > UINT32_MAX)
		return maps_err(m, err, errlen, "expected a pid");
	if (poll_note(m, (uint32_t)pid, ts))
		return -ENOMEM;
	if (seen) {
		struct mapproc *p = maps_proc(m, (uint32_t)pid);

		if (!p)
			return -ENOMEM;
		for (size_t i = 0; i < p->nent; i++)
			m->e[p->ent[i]].last_ns = ts;
		p->last_ns = ts;
		return 0;
	}
	m->cur = maps_proc(m, (uint32_t)pid);
	if (!m->cur)
		return -ENOMEM;
	m->cur_ns = ts;
	m->nnew = 0;
	return 0;
}

static int maps_feed(void *arg, const char *line, size_t len, char *err,
		     size_t errlen)
{
	struct fx_tr_maps *m = arg;
	char buf[4096];

	m->lineno++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= sizeof(buf))
		return maps_err(m, err, errlen, "line too long");
	memcpy(buf, line, len);
	buf[len] = 0;
	if (!len)
		return 0;
	if (buf[0] == '#')
		return maps_directive(m, buf, err, errlen);
	if (!m->cur)
		return maps_err(m, err, errlen, "a maps line outside '# snapshot ... # end'");
	return maps_line(m, buf, err, errlen);
}

static int ent_cmp(const void *a, const void *b)
{
	const struct fx_trace_rec *x = a, *y = b;

	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->uaddr < y->uaddr ? -1 : x->uaddr > y->uaddr;
}

int fx_tr_maps_load(const char *path, struct fx_tr_maps **out, char *err,
		    size_t errlen)
{
	struct fx_tr_maps *m = calloc(1, sizeof(*m));
	FILE *in;
	int ret;

	*out = NULL;
	if (!m)
		goto nomem;
	m->name = path;
	in = fopen(path, "r");
	if (!in) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fx_tr_maps_free(m);
		return -ENOENT;
	}
	snprintf(err, errlen, "%s: out of memory", path);
	ret = fx_tr_run_lines(in, path, false, maps_feed, m, err, errlen);
	fclose(in);
	if (!ret && m->cur) {
		m->lineno++;
		ret = maps_err(m, err, errlen, "the file ends inside a snapshot (no '# end')");
	}
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", path);
		fx_tr_maps_free(m);
		return ret;
	}
	m->rec = calloc(m->n ? m->n : 1, sizeof(*m->rec));
	if (!m->rec)
		goto nomem;
	for (size_t i = 0; i < m->n; i++) {
		const struct mapent *e = &m->e[i];

		m->rec[i] = (struct fx_trace_rec){
			.t_ns = e->place_ns, .pid = e->pid, .tid = e->pid,
			.cpu = FX_TR_NO_CPU, .kind = FX_TR_MAP,
			.op = 0x01 | (e->inode ? 0 : 0x20), .uaddr = e->start,
			.uaddr2 = e->off, .val2 = e->end - e->start,
			.val3 = e->prot, .inode = e->inode,
			.ret = (int64_t)e->start };
	}
	m->nrec = m->n;
	qsort(m->rec, m->nrec, sizeof(*m->rec), ent_cmp);
	*out = m;
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
	fx_tr_maps_free(m);
	return -ENOMEM;
}

const struct fx_trace_rec *fx_tr_maps_records(const struct fx_tr_maps *m,
					      size_t *n)
{
	*n = m->nrec;
	return m->rec;
}

bool fx_tr_maps_fill(const struct fx_tr_maps *m, struct fx_trace_rec *rec,
		     uint64_t abs_ns)
{
	const struct mapent *best = NULL;

	for (size_t i = 0; i < m->n; i++) {
		const struct mapent *e = &m->e[i];

		if (e->pid != rec->pid || e->start != rec->uaddr ||
		    e->last_ns < abs_ns)
			continue;
		if (!best || e->first_ns < best->first_ns)
			best = e;
	}
	if (!best || !best->inode)
		return false;
	rec->inode = best->inode;
	rec->uaddr2 = best->off;
	return true;
}

void fx_tr_maps_free(struct fx_tr_maps *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nproc; i++)
		free(m->proc[i].ent);
	free(m->proc);
	free(m->e);
	free(m->rec);
	free(m->poll_pid);
	free(m->newset);
	free(m);
}

/* ---- the format-free part of a line importer ---- */

static struct fx_tr_lcount *li_count(struct fx_tr_lineimp *li)
{
	return li->st;		/* FX_TR_LCOUNT heads the stats */
}

static int li_emit(void *ctx, const struct fx_trace_rec *rec)
{
	struct fx_tr_lineimp *li = ctx;
	struct fx_tr_lcount *c = li_count(li);

	c->records++;
	if (rec->ret == FX_TR_UNFINISHED && rec->kind != FX_TR_WAITV_ENTRY)
		c->never_finished++;
	return li->emit(li->ectx, rec);
}

int fx_tr_li_init(struct fx_tr_lineimp *li, const char *name, size_t window,
		  fx_trq_emit_fn emit, void *ectx, void *st, size_t stsz,
		  int (*parse)(void *imp, const char *s, const char *e),
		  void *imp)
{
	if (stsz > FX_TR_STATS_MAX)
		return -EINVAL;
	li->emit = emit;
	li->ectx = ectx;
	li->q = fx_trq_new(window, li_emit, li);
	if (!li->q)
		return -ENOMEM;
	snprintf(li->name, sizeof(li->name), "%s", name);
	li->st = st;
	li->stsz = stsz;
	li->parse = parse;
	li->imp = imp;
	return 0;
}

int fx_tr_li_fail(struct fx_tr_lineimp *li, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(li->msg, sizeof(li->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void li_counts(struct fx_tr_lineimp *li)
{
	li_count(li)->evicted = fx_trq_evicted(li->q);
	li_count(li)->late = fx_trq_late(li->q);
}

int fx_tr_li_feed(struct fx_tr_lineimp *li, const char *line, size_t len,
		  char *err, size_t errlen)
{
	struct fx_tr_lcount *c = li_count(li);
	const char *e = line + len;
	int rc;

	if (e > line && e[-1] == '\n')
		e--;
	if (e > line && e[-1] == '\r')
		e--;
	memcpy(li->save, li->st, li->stsz);
	c->lines++;
	rc = li->parse(li->imp, line, e);
	if (rc == -EINVAL) {
		uint64_t lines = c->lines;

		snprintf(err, errlen, "%s:%llu: %s", li->name,
			 (unsigned long long)lines, li->msg);
		memcpy(li->st, li->save, li->stsz);
		c->lines = lines;
		c->bad++;
		if (!c->first_bad_line) {
			c->first_bad_line = lines;
			snprintf(c->first_bad, sizeof(c->first_bad), "%s",
				 err);
		}
	}
	li_counts(li);
	return rc;
}

int fx_tr_li_finish(struct fx_tr_lineimp *li)
{
	int rc = fx_trq_flush(li->q);

	li_counts(li);
	return rc;
}

static int li_feed(void *li, const char *line, size_t len, char *err,
		   size_t errlen)
{
	return fx_tr_li_feed(li, line, len, err, errlen);
}

int fx_tr_li_run(struct fx_tr_lineimp *li, FILE *in, bool skip_bad,
		 char *err, size_t errlen)
{
	return fx_tr_run_lines(in, li->name, skip_bad, li_feed, li, err,
			       errlen);
}

void fx_tr_li_fini(struct fx_tr_lineimp *li)
{
	fx_trq_free(li->q);
	li->q = NULL;
}
