/* The machine's disks as Triad's own driver presents them to the VMs' virtio-blk devices:
 * requests go to the physical virtio-blk device whole (header, data, status) and complete
 * through a callback. Guest data moves by DMA straight between the disk and guest RAM. */
#ifndef TRIAD_BLKDEV_H
#define TRIAD_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/vring.h>

#define BLK_SECTOR     512
#define BLK_MAX_SEGS   64 /* data buffers per request */
#define BLK_SERIAL_LEN 20 /* virtio-blk's GET_ID length */

/* virtio-blk request types and status values (virtio 1.2, 5.2.6) */
#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

struct blk_seg {
	uint64_t addr; /* bus (= physical) address */
	uint32_t len;
};

/* One request in flight; owned by the submitter until done() is called. */
struct blk_request {
	struct vring_desc table[BLK_MAX_SEGS + 2] __attribute__((aligned(16))); /* indirect */
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} hdr;
	volatile uint8_t status;
	struct blk_request *next_waiting; /* while the ring is full */
	void (*done)(struct blk_request *r);
};

struct blkdev;

/* The disk whose virtio serial (GET_ID) is `serial`, or NULL. */
struct blkdev *blkdev_find(const char *serial);
uint64_t blkdev_sectors(const struct blkdev *b);
bool blkdev_read_only(const struct blkdev *b);
/* Sends a request: type and sector as given, the data buffers in order (device-written
 * for reads). done() runs later, on whichever CPU sees the completion, with no lock of
 * the disk held. The caller has checked the range. */
void blkdev_submit(struct blkdev *b, struct blk_request *r, uint32_t type, uint64_t sector,
		   const struct blk_seg *seg, unsigned nseg);
/* Completes whatever the disk has finished (its interrupt handler; also for waiting on
 * a VM's requests without interrupts). */
void blkdev_poll(struct blkdev *b);

#endif
