/*
 * The device-model interface: an emulated device claims an MMIO range of a VM and answers
 * accesses through one small ops table. Adding a device type touches no core file.
 */
#ifndef TRIAD_VDEV_H
#define TRIAD_VDEV_H

#include <stdbool.h>
#include <stddef.h>
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
	/* Snapshots, with the VM stopped. save writes the device's guest-visible state into
	 * buf and returns its size, or -ENOSPC (buf too small) or -EBUSY (I/O in flight: try
	 * again). restore loads such a state, which it checks in full since it may come from
	 * a file: -EINVAL changes nothing. A device without them cannot be saved (passthrough:
	 * its state is in the hardware). */
	long (*save)(struct vdev *dev, void *buf, size_t len);
	int (*restore)(struct vdev *dev, const void *buf, size_t len);
	/* The VM is destroyed (after reset: nothing in flight, no vCPU of it runs): gives
	 * back what the device holds (its state, timers, ports). A device without it keeps
	 * its VM from being destroyed (passthrough: the hardware stays assigned). */
	void (*release)(struct vdev *dev);
	/* Pausing (core/vm_pause.c), both optional. While its VM is paused a device starts no
	 * new I/O; busy says whether I/O it started earlier is still in flight, resume starts
	 * what it held back. */
	bool (*busy)(struct vdev *dev);
	void (*resume)(struct vdev *dev);
};

struct vdev {
	const struct vdev_ops *ops;
	uint64_t base, size; /* guest IPA range */
	void *priv;
	int virtio_spi; /* a virtio-mmio device: its SPI, for the guest's DT; else -1 */
};

/* devices/vdev_state.c: the saved state of a VM's devices, one record per device (its
 * name, its base and its state), in the VM's device order. Save fails with -ENOTSUP
 * (err names the device) if one cannot be saved; restore checks the records match the
 * VM's devices and each device checks its own state. Pure logic, host-tested. */
long vdevs_save(struct vdev *devs, unsigned n, void *buf, size_t len, char *err, size_t errlen);
int vdevs_restore(struct vdev *devs, unsigned n, const void *buf, size_t len, char *err,
		  size_t errlen);

#endif
