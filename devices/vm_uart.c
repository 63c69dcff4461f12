/* The VM's PL011 (GUEST_UART_IPA, SPI 1) as a vdev: the register model of vpl011.c with its
 * own lock and interrupt line. Its state is shared between the VM's vCPUs (MMIO) and the CPU
 * taking console input, which reaches it through the VM's console hook. */
#include <string.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vpl011.h>

#include "vm_builtin.h"

struct vm_uart {
	struct vm *vm;
	spinlock_t lock; /* uart and line */
	struct vpl011 uart;
	struct device_line line;
};

static void uart_putc(void *ctx, char c)
{
	struct vm *vm = ctx;
	console_guest_putc(vm->id, vm->name, vm->cfg->virtio_console ? "ttyAMA0" : NULL, c);
}

static bool uart_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vm_uart *u = d->priv;
	spin_lock(&u->lock);
	bool ok = a->write ? vpl011_write(&u->uart, a->offset, a->size, a->value)
			   : vpl011_read(&u->uart, a->offset, a->size, &a->value);
	/* Of the reads, only the data register's (it pops the receive FIFO) changes state. */
	if (a->write || a->offset == VPL011_DR)
		device_unlock_line(u->vm, &u->lock, &u->line, vpl011_irq_level(&u->uart));
	else
		spin_unlock(&u->lock);
	return ok;
}

static void uart_input(void *dev, char c)
{
	struct vm_uart *u = dev;
	spin_lock(&u->lock);
	vpl011_rx(&u->uart, c);
	device_unlock_line(u->vm, &u->lock, &u->line, vpl011_irq_level(&u->uart));
}

static void uart_reset(struct vdev *d)
{
	struct vm_uart *u = d->priv;
	vpl011_init(&u->uart, uart_putc, u->vm);
	spin_init(&u->lock);
	device_line_init(&u->line, GUEST_UART_SPI);
}

static long uart_save(struct vdev *d, void *buf, size_t len)
{
	struct vm_uart *u = d->priv;
	if (len < sizeof(struct vpl011_saved))
		return -ENOSPC;
	spin_lock(&u->lock);
	vpl011_save(&u->uart, buf);
	spin_unlock(&u->lock);
	return sizeof(struct vpl011_saved);
}

static int uart_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm_uart *u = d->priv;
	struct vpl011_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	spin_lock(&u->lock);
	bool ok = vpl011_restore(&u->uart, &s);
	device_unlock_line(u->vm, &u->lock, &u->line, vpl011_irq_level(&u->uart));
	return ok ? 0 : -EINVAL;
}

static void uart_release(struct vdev *d)
{
	vdev_free(d->priv, sizeof(struct vm_uart));
}

static const struct vdev_ops uart_ops = {.name = "PL011",
					 .access = uart_access,
					 .reset = uart_reset,
					 .save = uart_save,
					 .restore = uart_restore,
					 .release = uart_release};

int vm_uart_create(struct vm *vm)
{
	struct vm_uart *u = vdev_alloc(sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->vm = vm;
	int r = vm_add_vdev(vm, &uart_ops, GUEST_UART_IPA, 0x1000, u, -1);
	if (r) {
		vdev_free(u, sizeof(*u));
		return r;
	}
	if (!vm->cfg->virtio_console) {
		vm->console_input = uart_input;
		vm->console_dev = u;
	}
	return 0;
}
