/* devices/virtio_console.c: the VM's hvc0 (virtio console on virtio-mmio). */
#ifndef TRIAD_VIRTIO_CONSOLE_H
#define TRIAD_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <triad/vdev.h>
#include <triad/virtio_mmio.h>

struct vm;

struct virtio_console_state {
	struct virtio_mmio transport;
	uint8_t rx[256]; /* keyboard input the driver has no buffer for yet */
	unsigned rx_head, rx_count;
};

/* devices/virtio_console.c, with vm->hvc_lock held */
void virtio_console_init(struct vm *vm);
void virtio_console_input(struct vm *vm, char c);
bool virtio_console_access(struct vm *vm, struct mmio_access *a);

#endif
