/* Triad as a virtio driver: the physical virtio-mmio devices of the machine (QEMU's
 * -device virtio-*-device), which back the VMs' disks and network uplink. */
#ifndef TRIAD_VIRTIO_DRV_H
#define TRIAD_VIRTIO_DRV_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/spinlock.h>
#include <triad/vring.h>

/* Rings a driver keeps per device; each is bound to one of the device's queue indexes
 * (a multiport console's control and port-1 queues are 2..5). */
#define VIRTIO_DRV_MAX_QUEUES 4

/* One physical device. */
struct virtio_dev {
	uintptr_t regs; /* its register window, mapped at EL2 */
	uint32_t intid;
	uint32_t device_id;
	uint64_t features; /* negotiated */
	struct vring vq[VIRTIO_DRV_MAX_QUEUES];
	uint16_t queue_index[VIRTIO_DRV_MAX_QUEUES]; /* the device's queue behind vq[i] */
	spinlock_t lock;			     /* the rings and registers of the device */
};

/* Setup steps for a driver, in the order virtio 1.2, 3.1.1 gives. Returns NULL or the
 * reason the device cannot be used. `wanted` must include VIRTIO_F_VERSION_1, `needed`
 * are the features without which the driver cannot work. */
const char *virtio_dev_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t needed);
/* Sets up ring vq[slot] as the device's queue `index`. */
const char *virtio_dev_setup_queue(struct virtio_dev *d, unsigned slot, unsigned index,
				   uint16_t size);
void virtio_dev_driver_ok(struct virtio_dev *d);
uint32_t virtio_dev_config_read32(struct virtio_dev *d, uint32_t off);
/* Tells the device the queue behind vq[slot] has new buffers. */
void virtio_dev_notify(struct virtio_dev *d, unsigned slot);
/* Reads and acknowledges the interrupt causes. */
uint32_t virtio_dev_ack_irq(struct virtio_dev *d);

/* drivers/virtio/blk.c, net.c and console.c: called for each device found. */
void virtio_blk_driver_probe(struct virtio_dev *d);
void virtio_net_driver_probe(struct virtio_dev *d);
void virtio_console_driver_probe(struct virtio_dev *d);

#endif
