/* The device model's plumbing (devices/vm_devices.c): how a device joins a VM (an IPA
 * range, a virtio-mmio window) and drives its interrupt line into the vGIC. */
#ifndef TRIAD_VM_DEVICES_H
#define TRIAD_VM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <triad/spinlock.h>
#include <triad/vdev.h>

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
/* The first of the VM's devices that cannot be released (so the VM cannot be destroyed),
 * or NULL if all can. */
const char *vm_devices_unreleasable(const struct vm *vm);
/* Resets then releases every device of a VM being destroyed (those created so far). */
void vm_devices_release(struct vm *vm);
/* Presses the VM's power key (a PL061 line, let go 100 ms later): -ENODEV if it has none. */
int vm_power_key_press(struct vm *vm);
/* Claims an IPA range; spi >= 0 marks a virtio-mmio device for the guest's DT. */
int vm_add_vdev(struct vm *vm, const struct vdev_ops *ops, uint64_t base, uint64_t size, void *priv,
		int spi);
/* The next free virtio-mmio window of the VM, and its SPI. */
uint64_t vm_virtio_slot(struct vm *vm, uint32_t *spi);
void device_line_init(struct device_line *l, uint32_t spi);
/* Ends a device's critical section: passes the line's level on to the vGIC with the
 * device's lock still held (levels reach the vGIC in the order they happened), drops the
 * lock, then kicks the vCPU that must notice (never under a device lock). */
void device_unlock_line(struct vm *vm, spinlock_t *lock, struct device_line *l, bool level);
/* A device's own state, zeroed (whole pages from the page allocator), or NULL. */
void *vdev_alloc(size_t size);
/* Gives back what vdev_alloc(size) returned (NULL is ignored). */
void vdev_free(void *p, size_t size);

#endif
