/* The device model's plumbing (interrupt lines, IPA ranges, virtio windows), and the devices
 * every VM has: the GICv3 distributor and redistributors here, the PL011 (vm_uart.c), the
 * PL031 (vm_rtc.c), the PL061 with the power key (vm_gpio.c) and hvc0 (virtio_console.c). */
#include <stdio.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/mem.h>
#include <triad/trace.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/virtio_mmio.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

#include "../irq/vgic_hw.h"
#include "vm_builtin.h"

/* The distributor's window, or the redistributors' (one GICR_STRIDE frame per vCPU). */
static bool gic_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	struct vgic *g = &v->vm->vgic;
	uint32_t kick = 0, off = (uint32_t)a->offset;
	bool ok;
	vgic_sync(v); /* the guest sees its own interrupts as its list registers have them */
	spin_lock(&g->lock);
	if (d->base == GICD_BASE_IPA) {
		ok = a->write ? vgic_dist_write(g, v->id, off, a->size, a->value, &kick)
			      : vgic_dist_read(g, v->id, off, a->size, &a->value);
	} else {
		/* Any vCPU may look at any redistributor (Linux scans them all at boot). */
		unsigned target = (unsigned)(a->offset / GICR_STRIDE);
		off = (uint32_t)(a->offset % GICR_STRIDE);
		ok = a->write ? vgic_redist_write(g, target, off, a->size, a->value, &kick)
			      : vgic_redist_read(g, target, off, a->size, &a->value);
	}
	spin_unlock(&g->lock);
	for (; kick; kick &= kick - 1) /* the vCPUs the change concerns */
		sched_wake(v->vm->vcpu[__builtin_ctz(kick)]);
	return ok;
}

void device_unlock_line(struct vm *vm, spinlock_t *lock, struct device_line *l, bool level)
{
	spin_assert_held(lock);
	/* The level goes to the vGIC with the device's lock still held, so that levels reach
	 * it in the order they happened; only a change is passed on (most accesses, status
	 * polls, change nothing). */
	int t = -1;
	if (level != l->level) {
		l->level = level;
		spin_lock(&vm->vgic.lock);
		t = vgic_set_line(&vm->vgic, 0, l->intid, level);
		spin_unlock(&vm->vgic.lock);
	}
	spin_unlock(lock);
	if (t >= 0) /* -1: the vGIC has nobody to tell */
		sched_wake(vm->vcpu[t]);
}

void *vdev_alloc(size_t size)
{
	return (void *)page_alloc_zeroed(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE, PAGE_SIZE);
}

void vdev_free(void *p, size_t size)
{
	if (p)
		page_free((uint64_t)p, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
}

void device_line_init(struct device_line *l, uint32_t spi)
{
	l->intid = 32 + spi;
	l->level = false; /* as the vGIC, reset with the VM, has it */
}

bool virtio_vdev_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct virtio_vdev *io = d->priv;
	struct virtq_mem m = {vm_guest_map, io->vm};
	spin_lock(&io->lock);
	bool ok = a->write ? virtio_mmio_write(&io->t, &m, (uint32_t)a->offset, a->size, a->value)
			   : virtio_mmio_read(&io->t, (uint32_t)a->offset, a->size, &a->value);
	device_unlock_line(io->vm, &io->lock, &io->line, virtio_mmio_irq_level(&io->t));
	return ok;
}

void virtio_vdev_push(struct virtio_mmio *t, struct vm *vm, const char *name, unsigned qi,
		      uint32_t epoch, uint16_t head, uint32_t written)
{
	struct virtq_mem m = {vm_guest_map, vm};
	const char *why;
	enum virtio_push r = virtio_mmio_push(t, &m, qi, epoch, head, written, &why);
	if (r == VIRTIO_BROKEN)
		vm_warn(vm, "%s: %s: device needs a reset", name, why);
	if (r != VIRTIO_PUSHED)
		return;
	vm_stats_io(vm, written);
	TRACE(this_cpu(), TRACE_DEVICE, vm->id, TRACE_NO_VCPU, t->ops->device_id, written);
}

long virtio_vdev_save(struct vdev *d, void *buf, size_t len)
{
	struct virtio_vdev *io = d->priv;
	if (len < sizeof(struct virtio_mmio_saved))
		return -ENOSPC;
	spin_lock(&io->lock);
	virtio_mmio_save(&io->t, buf);
	spin_unlock(&io->lock);
	return sizeof(struct virtio_mmio_saved);
}

int virtio_vdev_restore(struct vdev *d, const void *buf, size_t len)
{
	struct virtio_vdev *io = d->priv;
	struct virtio_mmio_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	struct virtq_mem m = {vm_guest_map, io->vm};
	spin_lock(&io->lock);
	bool ok = virtio_mmio_restore(&io->t, &m, &s);
	device_unlock_line(io->vm, &io->lock, &io->line, virtio_mmio_irq_level(&io->t));
	return ok ? 0 : -EINVAL;
}

/* The vGIC's state belongs to the VM and its vCPUs (list registers), not to these MMIO
 * windows: a VM snapshot saves it with the vCPUs, so the windows have nothing of their own. */
static long gic_save(struct vdev *d, void *buf, size_t len)
{
	(void)d, (void)buf, (void)len;
	return 0;
}

static int gic_restore(struct vdev *d, const void *buf, size_t len)
{
	(void)d, (void)buf;
	return len ? -EINVAL : 0;
}

/* The windows' state is the VM's own vGIC: nothing of theirs to give back. */
static void gic_release(struct vdev *d)
{
	(void)d;
}

static const struct vdev_ops gicd_ops = {.name = "GICD",
					 .access = gic_access,
					 .save = gic_save,
					 .restore = gic_restore,
					 .release = gic_release};
static const struct vdev_ops gicr_ops = {.name = "GICR",
					 .access = gic_access,
					 .save = gic_save,
					 .restore = gic_restore,
					 .release = gic_release};

int vm_add_vdev(struct vm *vm, const struct vdev_ops *ops, uint64_t base, uint64_t size, void *priv,
		int spi)
{
	if (vm->nvdevs == MAX_VDEVS)
		return -ENOSPC;
	vm->vdevs[vm->nvdevs++] = (struct vdev){ops, base, size, priv, spi};
	return 0;
}

uint64_t vm_virtio_slot(struct vm *vm, uint32_t *spi)
{
	unsigned n = vm->nr_virtio++;
	*spi = GUEST_HVC_SPI + n;
	return GUEST_HVC_IPA + 0x200 * (uint64_t)n;
}

int vm_devices_create(struct vm *vm, char *err, size_t errlen)
{
	vm->nvdevs = 0;
	vm->nr_virtio = 0;
	vm_add_vdev(vm, &gicd_ops, GICD_BASE_IPA, GICD_SIZE, vm, -1);
	vm_add_vdev(vm, &gicr_ops, GICR_BASE_IPA, GICR_STRIDE * vm->ncpus, vm, -1);
	if (vm_uart_create(vm) || vm_rtc_create(vm) || vm_gpio_create(vm) ||
	    virtio_console_create(vm) || vm_its_create(vm) ||
	    (vm->cfg->uefi && vm_flash_create(vm))) {
		snprintf(err, errlen,
			 "VM '%s': no memory for its UART, RTC, GPIO, console, ITS or flash",
			 vm->name);
		return -ENOMEM;
	}
	/* Then the bundle's devices, in its order (so vda, vdb, ... follow it). */
	for (unsigned i = 0; i < vm->cfg->ndevs; i++) {
		const struct vdev_config *c = &vm->cfg->dev[i];
		int r = c->type->create(vm, c, err, errlen);
		if (r)
			return r;
	}
	return 0;
}

void vm_devices_reset(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (vm->vdevs[i].ops->reset)
			vm->vdevs[i].ops->reset(&vm->vdevs[i]);
}

const char *vm_devices_unreleasable(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (!vm->vdevs[i].ops->release)
			return vm->vdevs[i].ops->name;
	return NULL;
}

void vm_devices_release(struct vm *vm)
{
	/* The reset first: it waits for requests still at a disk, whose completions would
	 * otherwise land in a freed device. */
	vm_devices_reset(vm);
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (vm->vdevs[i].ops->release)
			vm->vdevs[i].ops->release(&vm->vdevs[i]);
	vm->nvdevs = 0;
	vm->nr_virtio = 0;
	vm->console_input = NULL;
	vm->console_dev = NULL;
}
