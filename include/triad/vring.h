/* Split virtqueues as a driver sees them: Triad's side of the physical virtio devices it
 * drives. The rings live in Triad memory, which is identity-mapped, so pointers are the
 * bus addresses the device uses. Pure logic, host-tested; the caller serialises access. */
#ifndef TRIAD_VRING_H
#define TRIAD_VRING_H

#include <stdbool.h>
#include <stdint.h>

#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_buf {
	uint64_t addr;
	uint32_t len;
	uint16_t flags; /* VRING_DESC_F_WRITE and/or VRING_DESC_F_INDIRECT */
};

#define VRING_MAX_SIZE 256

struct vring {
	uint16_t size; /* power of two */
	struct vring_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size] */
	volatile uint32_t *used;  /* flags|idx, then {id, len} pairs */
	uint16_t free_head, nfree;
	uint16_t avail_idx, last_used;
	void *cookie[VRING_MAX_SIZE];
};

/* Bytes of memory (4 KB-aligned, zeroed) a ring of `size` entries needs. */
uint64_t vring_mem_size(uint16_t size);
/* Lays the ring out in `mem`; its three parts' addresses are then desc, avail, used. */
void vring_init(struct vring *r, uint16_t size, void *mem);
/* Makes a chain of n buffers available, tagged with cookie. False if it does not fit. */
bool vring_add(struct vring *r, const struct vring_buf *b, unsigned n, void *cookie);
/* The next chain the device used: its cookie and the bytes it wrote. False if none, or
 * if the device returned something it was not given (*bad is then set). */
bool vring_get_used(struct vring *r, void **cookie, uint32_t *len, bool *bad);

#endif
