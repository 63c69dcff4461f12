/* Driver-side split virtqueue (virtio 1.2, 2.7): a free list of descriptors, the avail
 * ring we fill and the used ring the device fills. */
#include <stddef.h>
#include <triad/util.h>
#include <triad/vring.h>

uint64_t vring_mem_size(uint16_t size)
{
	uint64_t used_off = ALIGN_UP(16 * (uint64_t)size + 6 + 2 * (uint64_t)size, SZ_4K);
	return ALIGN_UP(used_off + 6 + 8 * (uint64_t)size, SZ_4K);
}

void vring_init(struct vring *r, uint16_t size, void *mem)
{
	uint8_t *m = mem;
	r->size = size;
	r->desc = (struct vring_desc *)m;
	r->avail = (volatile uint16_t *)(m + 16 * (size_t)size);
	r->used =
	    (volatile uint32_t *)(m + ALIGN_UP(16 * (size_t)size + 6 + 2 * (size_t)size, SZ_4K));
	for (uint16_t i = 0; i < size; i++) {
		r->desc[i].next = (uint16_t)(i + 1);
		r->cookie[i] = NULL;
	}
	r->free_head = 0;
	r->nfree = size;
	r->avail_idx = r->last_used = 0;
}

bool vring_add(struct vring *r, const struct vring_buf *b, unsigned n, void *cookie)
{
	if (!n || n > r->nfree)
		return false;
	uint16_t head = r->free_head, i = head, last = head;
	for (unsigned k = 0; k < n; k++) {
		struct vring_desc *d = &r->desc[i];
		d->addr = b[k].addr;
		d->len = b[k].len;
		d->flags = (uint16_t)(b[k].flags | (k + 1 < n ? VRING_DESC_F_NEXT : 0));
		last = i;
		i = d->next;
	}
	r->free_head = r->desc[last].next;
	r->nfree = (uint16_t)(r->nfree - n);
	r->cookie[head] = cookie;
	r->avail[2 + (r->avail_idx & (r->size - 1))] = head;
	/* The entry before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->avail_idx++;
	r->avail[1] = r->avail_idx;
	return true;
}

bool vring_get_used(struct vring *r, void **cookie, uint32_t *len, bool *bad)
{
	*bad = false;
	uint16_t idx = (uint16_t)(__atomic_load_n(r->used, __ATOMIC_ACQUIRE) >> 16);
	if (idx == r->last_used)
		return false;
	const volatile uint32_t *e = r->used + 1 + 2 * (r->last_used & (r->size - 1));
	uint32_t id = e[0];
	*len = e[1];
	r->last_used++;
	if (id >= r->size || !r->cookie[id]) {
		*bad = true; /* not a chain we made available */
		return false;
	}
	*cookie = r->cookie[id];
	r->cookie[id] = NULL;
	/* Back onto the free list, the whole chain. */
	uint16_t i = (uint16_t)id, n = 1;
	while (r->desc[i].flags & VRING_DESC_F_NEXT) {
		i = r->desc[i].next;
		n++;
	}
	r->desc[i].next = r->free_head;
	r->free_head = (uint16_t)id;
	r->nfree = (uint16_t)(r->nfree + n);
	return true;
}
