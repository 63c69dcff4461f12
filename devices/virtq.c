/* Split virtqueue walking, device side (virtio 1.2, 2.7). */
#include <stddef.h>
#include <triad/virtq.h>
#include <triad/vring.h>

#define AVAIL_F_NO_INTERRUPT 1

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Little-endian accessors for guest memory that may change under us: each value is
 * loaded once, whole. Triad runs little-endian, as do virtio's rings. */
static uint16_t load16(const void *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static struct desc load_desc(const uint8_t *p)
{
	struct desc d;
	d.addr = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	d.len = __atomic_load_n((const uint32_t *)(p + 8), __ATOMIC_RELAXED);
	d.flags = __atomic_load_n((const uint16_t *)(p + 12), __ATOMIC_RELAXED);
	d.next = __atomic_load_n((const uint16_t *)(p + 14), __ATOMIC_RELAXED);
	return d;
}

static uint64_t avail_bytes(uint16_t size)
{
	return 6 + 2 * (uint64_t)size;
}

static uint64_t used_bytes(uint16_t size)
{
	return 6 + 8 * (uint64_t)size;
}

static bool size_ok(uint16_t size)
{
	return size && size <= VIRTQ_MAX_SIZE && !(size & (size - 1));
}

/* A queue the walker may index: live, with a size that makes `& (size - 1)` a bound. */
static bool usable(const struct virtq *q)
{
	return q->ready && size_ok(q->size);
}

/* The `len` bytes at `off` in a ring, mapped through the accessor at the moment of the
 * access: whatever the queue's fields say, nothing outside the VM's RAM is touched. */
static uint8_t *ring(const struct virtq_mem *m, uint64_t ipa, uint64_t off, uint64_t len)
{
	return m->map(m->ctx, ipa + off, len);
}

const char *virtq_check(const struct virtq *q, const struct virtq_mem *m)
{
	if (!size_ok(q->size))
		return "queue size not a power of two up to the maximum";
	if (q->desc_ipa % 16 || q->avail_ipa % 2 || q->used_ipa % 4)
		return "misaligned ring";
	if (!m->map(m->ctx, q->desc_ipa, 16 * (uint64_t)q->size) ||
	    !m->map(m->ctx, q->avail_ipa, avail_bytes(q->size)) ||
	    !m->map(m->ctx, q->used_ipa, used_bytes(q->size)))
		return "ring outside guest RAM";
	return NULL;
}

/* Adds one buffer to the chain. */
static bool add_seg(const struct virtq_mem *m, struct virtq_chain *c, const struct desc *d,
		    const char **why)
{
	bool writes = d->flags & VRING_DESC_F_WRITE;
	if (!writes && c->in_len) {
		*why = "device-readable buffer after a device-writable one";
		return false;
	}
	if (!d->len)
		return true; /* nothing to transfer */
	if (c->nseg == VIRTQ_MAX_SEGS) {
		*why = "too many buffers in one chain";
		return false;
	}
	uint8_t *p = m->map(m->ctx, d->addr, d->len);
	if (!p) {
		*why = "buffer outside guest RAM";
		return false;
	}
	c->seg[c->nseg++] = (struct virtq_seg){p, d->len, writes};
	if (writes)
		c->in_len += d->len;
	else
		c->out_len += d->len;
	return true;
}

/* The descriptors of an indirect table: no further indirection, `next` within it. */
static bool walk_indirect(const struct virtq_mem *m, struct virtq_chain *c, const struct desc *t,
			  const char **why)
{
	if (t->len % 16 || !t->len || t->len / 16 > VIRTQ_MAX_SIZE) {
		*why = "bad indirect table length";
		return false;
	}
	unsigned n = t->len / 16;
	const uint8_t *table = m->map(m->ctx, t->addr, t->len);
	if (!table || t->addr % 16) {
		*why = "indirect table outside guest RAM or misaligned";
		return false;
	}
	unsigned i = 0;
	for (unsigned steps = 0;; steps++) {
		if (steps == n) {
			*why = "loop in an indirect table";
			return false;
		}
		struct desc d = load_desc(table + 16 * (size_t)i); /* i < n: inside the table */
		if (d.flags & VRING_DESC_F_INDIRECT) {
			*why = "nested indirect table";
			return false;
		}
		if (!add_seg(m, c, &d, why))
			return false;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return true;
		if (d.next >= n) {
			*why = "next index past the indirect table";
			return false;
		}
		i = d.next;
	}
}

enum virtq_status virtq_pop(struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c,
			    const char **why)
{
	if (!usable(q)) {
		*why = "queue not ready";
		return VIRTQ_BROKEN;
	}
	/* The index first, then (ordered after it) the ring entries it covers. */
	const uint8_t *idx_p = ring(m, q->avail_ipa, 2, 2);
	const uint8_t *entry =
	    ring(m, q->avail_ipa, 4 + 2 * (uint64_t)(q->next_avail & (q->size - 1)), 2);
	if (!idx_p || !entry) {
		*why = "available ring left guest RAM";
		return VIRTQ_BROKEN;
	}
	uint16_t idx = __atomic_load_n((const uint16_t *)idx_p, __ATOMIC_ACQUIRE);
	uint16_t pending = (uint16_t)(idx - q->next_avail);
	if (!pending)
		return VIRTQ_EMPTY;
	if (pending > q->size) {
		*why = "available index ran more than a queue ahead";
		return VIRTQ_BROKEN;
	}
	uint16_t head = load16(entry);
	if (head >= q->size) {
		*why = "head descriptor index out of range";
		return VIRTQ_BROKEN;
	}
	c->head = head;
	c->nseg = 0;
	c->out_len = c->in_len = 0;
	uint16_t i = head;
	for (unsigned steps = 0;; steps++) {
		if (steps == q->size) {
			*why = "descriptor chain loops";
			return VIRTQ_BROKEN;
		}
		const uint8_t *dp = ring(m, q->desc_ipa, 16 * (uint64_t)i, 16); /* i < size */
		if (!dp) {
			*why = "descriptor table left guest RAM";
			return VIRTQ_BROKEN;
		}
		struct desc d = load_desc(dp);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if ((d.flags & VRING_DESC_F_NEXT) || c->nseg || c->out_len || c->in_len) {
				*why = "indirect descriptor not alone in its chain";
				return VIRTQ_BROKEN;
			}
			if (!walk_indirect(m, c, &d, why))
				return VIRTQ_BROKEN;
			break;
		}
		if (!add_seg(m, c, &d, why))
			return VIRTQ_BROKEN;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= q->size) {
			*why = "next descriptor index out of range";
			return VIRTQ_BROKEN;
		}
		i = d.next;
	}
	q->next_avail++;
	return VIRTQ_OK;
}

bool virtq_push(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t written,
		const char **why)
{
	if (!usable(q)) {
		*why = "used buffer for a queue that is not ready";
		return false;
	}
	uint8_t *e = ring(m, q->used_ipa, 4 + 8 * (uint64_t)(q->next_used & (q->size - 1)), 8);
	uint8_t *idx = ring(m, q->used_ipa, 2, 2);
	if (!e || !idx) {
		*why = "used ring left guest RAM";
		return false;
	}
	__atomic_store_n((uint32_t *)e, (uint32_t)head, __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(e + 4), written, __ATOMIC_RELAXED);
	/* The entry before the index that publishes it. */
	q->next_used++;
	__atomic_store_n((uint16_t *)idx, q->next_used, __ATOMIC_RELEASE);
	return true;
}

bool virtq_wants_interrupt(const struct virtq *q, const struct virtq_mem *m)
{
	const uint8_t *flags = usable(q) ? ring(m, q->avail_ipa, 0, 2) : NULL;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* used index written before the flag read */
	return !flags || !(load16(flags) & AVAIL_F_NO_INTERRUPT);
}
