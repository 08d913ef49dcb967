// SPDX-License-Identifier: MIT
/*
 * mm.c - the simulated address space: mappings (VMAs) over memory objects
 * (private anonymous memory, files, shmem), zero-filled pages on first
 * touch, protections, copy-on-write for MAP_PRIVATE file mappings, memory
 * policies, and the user-space accessors.
 *
 * What the futex core needs from it: whether an address is mapped and with
 * which protections, whether its page is anonymous or belongs to a file or
 * shmem inode (and at which page offset), and the words themselves.
 */
#include <stdlib.h>
#include <string.h>

#include "futex_int.h"

/* ---- memory objects: a sparse page table, open addressing ---- */

static struct fx_mobj *mobj_new(struct fx_file *file)
{
	struct fx_mobj *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->refcount = 1;
	o->file = file;
	return o;
}

static void mobj_put(struct fx_mobj *o)
{
	if (!o || --o->refcount > 0)
		return;
	for (uint64_t i = 0; i < o->npages_cap; i++)
		free(o->pages[i].data);
	free(o->pages);
	free(o);
}

static uint64_t page_slot(uint64_t idx, uint64_t cap)
{
	idx ^= idx >> 29;
	idx *= 0xbf58476d1ce4e5b9ull;
	idx ^= idx >> 32;
	return idx & (cap - 1);
}

static uint8_t *mobj_find(struct fx_mobj *o, uint64_t idx)
{
	if (!o->npages_cap)
		return NULL;
	for (uint64_t s = page_slot(idx, o->npages_cap);;
	     s = (s + 1) & (o->npages_cap - 1)) {
		if (!o->pages[s].data)
			return NULL;
		if (o->pages[s].idx == idx)
			return o->pages[s].data;
	}
}

static int mobj_grow(struct fx_mobj *o)
{
	uint64_t cap = o->npages_cap ? o->npages_cap * 2 : 16;
	struct fx_page *np = calloc(cap, sizeof(*np));

	if (!np)
		return -ENOMEM;
	for (uint64_t i = 0; i < o->npages_cap; i++) {
		uint64_t s;

		if (!o->pages[i].data)
			continue;
		for (s = page_slot(o->pages[i].idx, cap); np[s].data;
		     s = (s + 1) & (cap - 1))
			;
		np[s] = o->pages[i];
	}
	free(o->pages);
	o->pages = np;
	o->npages_cap = cap;
	return 0;
}

/* mobj_page - the page @idx of @o, zero-filled or copied from @init. */
static uint8_t *mobj_page(struct fx_mobj *o, uint64_t idx, const uint8_t *init)
{
	uint8_t *p = mobj_find(o, idx);
	uint64_t s;

	if (p)
		return p;
	if ((o->npages + 1) * 2 > o->npages_cap && mobj_grow(o))
		return NULL;
	p = init ? malloc(FX_PAGE_SIZE) : calloc(1, FX_PAGE_SIZE);
	if (!p)
		return NULL;
	if (init)
		memcpy(p, init, FX_PAGE_SIZE);
	for (s = page_slot(idx, o->npages_cap); o->pages[s].data;
	     s = (s + 1) & (o->npages_cap - 1))
		;
	o->pages[s].idx = idx;
	o->pages[s].data = p;
	o->npages++;
	return p;
}

static struct fx_mobj *mobj_clone(struct fx_mobj *src)
{
	struct fx_mobj *o = mobj_new(NULL);

	if (!o)
		return NULL;
	for (uint64_t i = 0; i < src->npages_cap; i++) {
		if (src->pages[i].data &&
		    !mobj_page(o, src->pages[i].idx, src->pages[i].data)) {
			mobj_put(o);
			return NULL;
		}
	}
	return o;
}

/* ---- files ---- */

struct fx_file *fx_file_new(struct fx_core *core)
{
	struct fx_file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->core = core;
	f->obj = mobj_new(f);
	if (!f->obj) {
		free(f);
		return NULL;
	}
	list_add_tail(&f->node, &core->files);
	return f;
}

void fx_file_free(struct fx_file *f)
{
	list_del_init(&f->node);
	f->obj->file = NULL;
	mobj_put(f->obj);
	free(f);
}

/* ---- VMAs ---- */

struct fx_vma *fx_find_vma(struct fx_mm *mm, uint64_t addr)
{
	struct fx_vma *v;

	list_for_each_entry(v, &mm->vmas, node) {
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

static void vma_insert(struct fx_mm *mm, struct fx_vma *nv)
{
	struct fx_vma *v;

	list_for_each_entry(v, &mm->vmas, node) {
		if (v->start > nv->start) {
			list_add_tail(&nv->node, &v->node);
			return;
		}
	}
	list_add_tail(&nv->node, &mm->vmas);
}

static void vma_free(struct fx_vma *v)
{
	list_del_init(&v->node);
	mobj_put(v->obj);
	mobj_put(v->cow);
	free(v);
}

/* vma_split - split @v at @addr (inside it); the upper half is new. */
static int vma_split(struct fx_mm *mm, struct fx_vma *v, uint64_t addr)
{
	struct fx_vma *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = addr;
	n->pgoff = v->pgoff + (addr - v->start) / FX_PAGE_SIZE;
	v->end = addr;
	n->obj->refcount++;
	if (n->cow)
		n->cow->refcount++;
	list_init(&n->node);
	vma_insert(mm, n);
	return 0;
}

/* vma_isolate - make [start, end) consist of whole VMAs. */
static int vma_isolate(struct fx_mm *mm, uint64_t start, uint64_t end)
{
	struct fx_vma *v;
	int ret;

	v = fx_find_vma(mm, start);
	if (v && v->start < start && (ret = vma_split(mm, v, start)))
		return ret;
	v = fx_find_vma(mm, end - 1);
	if (v && v->end > end && (ret = vma_split(mm, v, end)))
		return ret;
	return 0;
}

static bool range_ok(uint64_t addr, uint64_t len)
{
	return !(addr & ~FX_PAGE_MASK) && len && addr + len > addr &&
	       addr + len <= FX_TASK_SIZE;
}

/* vma_new - a VMA for the free range [addr, addr+len), not yet linked. */
static int vma_new(struct fx_mm *mm, uint64_t addr, uint64_t len, int prot,
		   int flags, struct fx_vma **out)
{
	struct fx_vma *v;

	for (uint64_t a = addr; a < addr + len; a += FX_PAGE_SIZE)
		if (fx_find_vma(mm, a))
			return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->start = addr;
	v->end = addr + len;
	v->prot = prot;
	v->flags = flags;
	v->mpol_mode = FX_MPOL_DEFAULT;
	v->mpol_node = FX_NO_NODE;
	list_init(&v->node);
	*out = v;
	return 0;
}

int fx_mmap(struct fx_mm *mm, uint64_t addr, uint64_t len, int prot,
	    int flags, struct fx_file *file, uint64_t off)
{
	int type = flags & (FX_MAP_SHARED | FX_MAP_PRIVATE);
	bool anon = flags & FX_MAP_ANON;
	struct fx_vma *v;
	int ret;

	len = (len + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	if (!range_ok(addr, len) || (off & ~FX_PAGE_MASK) ||
	    (type != FX_MAP_SHARED && type != FX_MAP_PRIVATE) ||
	    anon == (file != NULL) || (prot & ~(FX_PROT_READ | FX_PROT_WRITE)))
		return -EINVAL;
	ret = vma_new(mm, addr, len, prot, flags, &v);
	if (ret)
		return ret;
	if (anon && type == FX_MAP_PRIVATE) {
		v->obj = mobj_new(NULL);
	} else if (anon) {
		/* MAP_SHARED|MAP_ANONYMOUS is shmem: an inode of its own. */
		struct fx_file *f = fx_file_new(mm->core);

		if (f) {
			f->shmem = true;
			v->obj = f->obj;
			v->obj->refcount++;
			/* The mapping holds the only reference that matters;
			 * the file stays listed for the core to free. */
		}
	} else {
		v->obj = file->obj;
		v->obj->refcount++;
		v->pgoff = off / FX_PAGE_SIZE;
	}
	if (!v->obj) {
		free(v);
		return -ENOMEM;
	}
	vma_insert(mm, v);
	return 0;
}

int fx_mmap_share(struct fx_mm *dst, uint64_t addr, struct fx_mm *src,
		  uint64_t src_addr, uint64_t len, int prot)
{
	struct fx_vma *sv = fx_find_vma(src, src_addr), *v;
	int ret;

	len = (len + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	if (!sv || !(sv->flags & FX_MAP_SHARED) || !range_ok(addr, len) ||
	    (src_addr & ~FX_PAGE_MASK) || src_addr + len > sv->end)
		return -EINVAL;
	ret = vma_new(dst, addr, len, prot, sv->flags, &v);
	if (ret)
		return ret;
	v->obj = sv->obj;
	v->obj->refcount++;
	v->pgoff = sv->pgoff + (src_addr - sv->start) / FX_PAGE_SIZE;
	vma_insert(dst, v);
	return 0;
}

int fx_munmap(struct fx_mm *mm, uint64_t addr, uint64_t len)
{
	struct fx_vma *v, *n;
	int ret;

	len = (len + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	if (!range_ok(addr, len))
		return -EINVAL;
	ret = vma_isolate(mm, addr, addr + len);
	if (ret)
		return ret;
	list_for_each_entry_safe(v, n, &mm->vmas, node)
		if (v->start >= addr && v->end <= addr + len)
			vma_free(v);
	return 0;
}

/* apply_range - isolate [addr, addr+len) and require it fully mapped. */
static int apply_range(struct fx_mm *mm, uint64_t addr, uint64_t len)
{
	if (!range_ok(addr, len))
		return -EINVAL;
	for (uint64_t a = addr; a < addr + len; a += FX_PAGE_SIZE)
		if (!fx_find_vma(mm, a))
			return -ENOMEM;
	return vma_isolate(mm, addr, addr + len);
}

int fx_mprotect(struct fx_mm *mm, uint64_t addr, uint64_t len, int prot)
{
	struct fx_vma *v;
	int ret;

	len = (len + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	if (prot & ~(FX_PROT_READ | FX_PROT_WRITE))
		return -EINVAL;
	ret = apply_range(mm, addr, len);
	if (ret)
		return ret;
	list_for_each_entry(v, &mm->vmas, node)
		if (v->start >= addr && v->end <= addr + len)
			v->prot = prot;
	return 0;
}

int fx_mbind(struct fx_mm *mm, uint64_t addr, uint64_t len, int mode,
	     int node)
{
	struct fx_vma *v;
	int ret;

	len = (len + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	if (mode != FX_MPOL_DEFAULT && mode != FX_MPOL_PREFERRED &&
	    mode != FX_MPOL_BIND && mode != FX_MPOL_PREFERRED_MANY)
		return -EINVAL;
	if (node != FX_NO_NODE &&
	    (node < 0 || (unsigned)node >= mm->core->cfg.nnodes))
		return -EINVAL;
	ret = apply_range(mm, addr, len);
	if (ret)
		return ret;
	list_for_each_entry(v, &mm->vmas, node) {
		if (v->start >= addr && v->end <= addr + len) {
			v->mpol_mode = mode;
			v->mpol_node = mode == FX_MPOL_DEFAULT ? FX_NO_NODE : node;
		}
	}
	return 0;
}

/* ---- page access ---- */

uint8_t *fx_page_lookup(struct fx_mm *mm, uint64_t addr, bool write,
			struct fx_vma **vmap)
{
	struct fx_vma *v = addr < FX_TASK_SIZE ? fx_find_vma(mm, addr) : NULL;
	uint64_t idx;
	uint8_t *p;

	if (vmap)
		*vmap = v;
	if (!v || !(v->prot & (FX_PROT_READ | FX_PROT_WRITE)))
		return NULL;
	if (write && !(v->prot & FX_PROT_WRITE))
		return NULL;
	idx = v->pgoff + (addr - v->start) / FX_PAGE_SIZE;
	if (v->obj->file && (v->flags & FX_MAP_PRIVATE)) {
		/* MAP_PRIVATE file mapping: copied pages shadow the file. */
		p = v->cow ? mobj_find(v->cow, idx) : NULL;
		if (p || !write)
			return p ? p : mobj_page(v->obj, idx, NULL);
		if (!v->cow && !(v->cow = mobj_new(NULL)))
			return NULL;
		return mobj_page(v->cow, idx, mobj_page(v->obj, idx, NULL));
	}
	return mobj_page(v->obj, idx, NULL);
}

/* fx_page_is_anon - the page at @addr is anonymous (incl. a COW copy). */
bool fx_page_is_anon(struct fx_vma *v, uint64_t addr)
{
	uint64_t idx = v->pgoff + (addr - v->start) / FX_PAGE_SIZE;

	if (!v->obj->file)
		return true;
	return (v->flags & FX_MAP_PRIVATE) && v->cow && mobj_find(v->cow, idx);
}

static int uaccess(struct fx_mm *mm, uint64_t addr, void *buf,
		   const void *src, size_t len)
{
	while (len) {
		uint64_t in = addr & ~FX_PAGE_MASK;
		size_t n = FX_PAGE_SIZE - in < len ? FX_PAGE_SIZE - in : len;
		uint8_t *p = fx_page_lookup(mm, addr, src != NULL, NULL);

		if (!p)
			return -EFAULT;
		if (src) {
			memcpy(p + in, src, n);
			src = (const uint8_t *)src + n;
		} else {
			memcpy(buf, p + in, n);
			buf = (uint8_t *)buf + n;
		}
		addr += n;
		len -= n;
	}
	return 0;
}

int fx_uaccess_read(struct fx_mm *mm, uint64_t addr, void *buf, size_t len)
{
	return uaccess(mm, addr, buf, NULL, len);
}

int fx_uaccess_write(struct fx_mm *mm, uint64_t addr, const void *buf,
		     size_t len)
{
	return uaccess(mm, addr, NULL, buf, len);
}

int fx_uaccess_get32(struct fx_mm *mm, uint64_t addr, uint32_t *val)
{
	return fx_uaccess_read(mm, addr, val, sizeof(*val));
}

int fx_uaccess_put32(struct fx_mm *mm, uint64_t addr, uint32_t val)
{
	return fx_uaccess_write(mm, addr, &val, sizeof(val));
}

int fx_uaccess_cmpxchg32(struct fx_mm *mm, uint64_t addr, uint32_t expect,
			 uint32_t newval, uint32_t *old)
{
	uint8_t *p;

	if (addr & 3)
		return -EINVAL;
	p = fx_page_lookup(mm, addr, true, NULL);
	if (!p)
		return -EFAULT;
	memcpy(old, p + (addr & ~FX_PAGE_MASK), 4);
	if (*old == expect)
		memcpy(p + (addr & ~FX_PAGE_MASK), &newval, 4);
	return 0;
}

/* ---- whole address spaces ---- */

int fx_mm_copy(struct fx_mm *dst, struct fx_mm *src)
{
	struct fx_vma *v, *n;

	list_for_each_entry(v, &src->vmas, node) {
		n = malloc(sizeof(*n));
		if (!n)
			return -ENOMEM;
		*n = *v;
		list_init(&n->node);
		if (!v->obj->file) {
			n->obj = mobj_clone(v->obj);
		} else {
			n->obj = v->obj;
			n->obj->refcount++;
		}
		n->cow = v->cow ? mobj_clone(v->cow) : NULL;
		if (!n->obj || (v->cow && !n->cow)) {
			mobj_put(n->obj);
			mobj_put(n->cow);
			free(n);
			return -ENOMEM;
		}
		list_add_tail(&n->node, &dst->vmas);
	}
	return 0;
}

void fx_mm_free(struct fx_mm *mm)
{
	struct fx_vma *v, *n;

	list_for_each_entry_safe(v, n, &mm->vmas, node)
		vma_free(v);
	list_del_init(&mm->node);
	free(mm);
}
