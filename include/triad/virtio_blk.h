/* A VM's virtio-blk device (virtio 1.2, 5.2): a range of one of the machine's disks. */
#ifndef TRIAD_VIRTIO_BLK_H
#define TRIAD_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <triad/blkdev.h>
#include <triad/virtq.h>

#define DISK_SERIAL_MAX 21 /* a virtio-blk serial (20 characters) and its NUL */

/* A VM disk from the bundle ("disk@N"): sectors [start, start + sectors) of the machine disk
 * with that serial (sectors 0: to its end). */
struct disk_config {
	char backend[DISK_SERIAL_MAX];
	uint64_t start, sectors;
	bool read_only;
};

struct vm;
struct vdev_config;
/* devices/virtio_blk.c: builds a disk_config's device in the VM. */
int virtio_blk_create(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen);

#define VBLK_SEG_MAX (VIRTQ_MAX_SEGS - 2) /* data buffers; the header and status take two */

/* A guest request, decoded and checked. */
struct vblk_plan {
	uint32_t type;
	uint64_t sector;
	struct blk_seg data[VIRTQ_MAX_SEGS];
	unsigned ndata;
	uint64_t data_len;
	uint8_t *status; /* the guest's status byte */
};

/* Decodes a request chain for a device of `sectors` sectors. Returns VIRTIO_BLK_S_OK if
 * the request may go to the disk (or, for GET_ID, be answered), VIRTIO_BLK_S_IOERR or
 * VIRTIO_BLK_S_UNSUPP to answer it at once with that status, or -1 if the chain has no
 * status byte to answer in (the queue is then broken). Pure logic, host-tested. */
int vblk_plan(const struct virtq_chain *c, uint64_t sectors, bool read_only, struct vblk_plan *p);

#endif
