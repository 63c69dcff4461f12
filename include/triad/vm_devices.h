/* devices/vm_devices.c: the device model's plumbing (interrupt lines, IPA ranges,
 * virtio-mmio windows, transport snapshots). */
#ifndef TRIAD_VM_DEVICES_H
#define TRIAD_VM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <triad/spinlock.h>
#include <triad/vdev.h>
#include <triad/virtio_mmio.h>

struct vm;

/* An emulated device's interrupt line (an SPI), and the level last given to the vGIC. */
struct device_line {
	uint32_t intid;
	bool level;
};

/* Creates the VM's devices, those every VM has and those its config lists. */
int vm_devices_create(struct vm *vm, char *err, size_t errlen);
/* Back to power-on state when the VM (re)starts. */
void vm_devices_reset(struct vm *vm);
/* Claims an IPA range; spi >= 0 marks a virtio-mmio device for the guest's DT. */
int vm_add_vdev(struct vm *vm, const struct vdev_ops *ops, uint64_t base, uint64_t size, void *priv,
		int spi);
/* The next free virtio-mmio window of the VM, and its SPI. */
uint64_t vm_virtio_slot(struct vm *vm, uint32_t *spi);
void device_line_init(struct device_line *l, uint32_t spi);
/* Passes a device's level on to the vGIC, with the device's lock held; returns the vCPU
 * to kick (device_kick) once that lock is dropped, or -1. */
int device_line_set(struct vm *vm, struct device_line *l, bool level);
void device_kick(struct vm *vm, int vcpu);
/* Snapshots of a virtio device whose state is all in its transport, taken and restored
 * under the device's lock (restore passes the interrupt line's level on). */
long virtio_transport_save(struct virtio_mmio *t, spinlock_t *lock, void *buf, size_t len);
int virtio_transport_restore(struct vm *vm, struct virtio_mmio *t, spinlock_t *lock,
			     struct device_line *line, const void *buf, size_t len);

#endif
