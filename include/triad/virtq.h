/* Split virtqueues (virtio 1.2, section 2.7) as a device sees them: taking descriptor
 * chains the driver made available, and returning them as used. Pure logic over an
 * accessor for guest memory, host-tested and fuzzed: everything it reads comes from a
 * guest that may be hostile, so each value is read once and checked before it is used,
 * and every ring access (each index, entry and descriptor) maps exactly the bytes it
 * touches through the accessor when it touches them. */
#ifndef TRIAD_VIRTQ_H
#define TRIAD_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_MAX_SIZE 1024 /* queue sizes Triad offers (QueueNumMax) */
#define VIRTQ_MAX_SEGS 64   /* buffers in one chain */

/* Guest memory: a host pointer for [ipa, ipa + len), or NULL unless it is all guest RAM. */
struct virtq_mem {
	void *(*map)(void *ctx, uint64_t ipa, uint64_t len);
	void *ctx;
};

/* A live queue: only ever a layout virtq_check() accepted (the transport copies the
 * driver's registers in when the queue goes ready; the registers themselves are apart). */
struct virtq {
	uint16_t size;				/* power of two, 1..VIRTQ_MAX_SIZE */
	uint64_t desc_ipa, avail_ipa, used_ipa; /* the three rings */
	uint16_t next_avail;			/* next avail ring entry to take */
	uint16_t next_used;			/* next used ring entry to fill */
	bool ready;
	/* Changes whenever the queue stops or starts again: a chain taken under one epoch
	 * goes back only under the same one (virtio_mmio_push), never into a later layout. */
	uint32_t epoch;
};

struct virtq_seg {
	uint8_t *ptr;
	uint32_t len;
	bool device_writes; /* an "in" buffer: the device writes it */
};

struct virtq_chain {
	uint16_t head; /* what virtq_push() hands back */
	unsigned nseg;
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
	uint64_t out_len, in_len; /* bytes the device may read / write */
};

/* What virtq_pop() found. */
enum virtq_status {
	VIRTQ_OK = 0,	 /* *chain filled */
	VIRTQ_EMPTY = 1, /* nothing available */
	VIRTQ_BROKEN = -1,
};

/* Checks a queue's configuration (size, ring alignment, rings in guest RAM). NULL if it
 * is usable, else why not. */
const char *virtq_check(const struct virtq *q, const struct virtq_mem *m);
/* Takes the next available chain. VIRTQ_BROKEN (with *why) for anything malformed, or a
 * queue not ready: the caller must then stop using the queue (the device needs a reset). */
enum virtq_status virtq_pop(struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c,
			    const char **why);
/* Returns a chain as used, `written` bytes written into its in-buffers. False (with *why)
 * if the queue is not ready or its used ring is no longer in guest RAM. Devices whose
 * requests outlive the lock they were taken under use virtio_mmio_push() instead. */
bool virtq_push(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t written,
		const char **why);
/* Whether the driver wants an interrupt for used buffers (no VIRTQ_AVAIL_F_NO_INTERRUPT). */
bool virtq_wants_interrupt(const struct virtq *q, const struct virtq_mem *m);

#endif
