/*
 * The device-model interface: an emulated device claims an MMIO range of a VM and answers
 * accesses through one small ops table. Adding a device type touches no core file.
 */
#ifndef TRIAD_VDEV_H
#define TRIAD_VDEV_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vdev;

struct mmio_access {
	uint64_t offset; /* from the start of the device's range */
	unsigned size;	 /* 1, 2, 4 or 8 bytes */
	bool write;
	uint64_t value; /* in for writes, out for reads */
};

struct vdev_ops {
	const char *name;
	/* Returns false if the access has no architectural meaning: the guest gets an abort. */
	bool (*access)(struct vdev *dev, struct vcpu *vcpu, struct mmio_access *a);
	/* The VM restarts: back to power-on state (no vCPU of the VM runs meanwhile). */
	void (*reset)(struct vdev *dev);
};

struct vdev {
	const struct vdev_ops *ops;
	uint64_t base, size; /* guest IPA range */
	void *priv;
	int virtio_spi; /* a virtio-mmio device: its SPI, for the guest's DT; else -1 */
};

#endif
