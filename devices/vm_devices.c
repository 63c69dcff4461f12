/* The device model's plumbing (interrupt lines, IPA ranges, virtio windows), and the devices
 * every VM has: the GICv3 distributor and redistributors, the PL011 and PL031, hvc0. */
#include <string.h>
#include <triad/cpu.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/wallclock.h>

#include "../irq/vgic_hw.h"

static void kick_mask(struct vm *vm, uint32_t kick)
{
	for (; kick; kick &= kick - 1)
		vcpu_kick(vm->vcpu[__builtin_ctz(kick)]);
}

static bool gicd_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)d;
	struct vgic *g = &v->vm->vgic;
	uint32_t kick = 0;
	vgic_sync(v); /* the guest sees its own interrupts as its list registers have them */
	spin_lock(&g->lock);
	bool ok = a->write
		      ? vgic_dist_write(g, v->id, (uint32_t)a->offset, a->size, a->value, &kick)
		      : vgic_dist_read(g, v->id, (uint32_t)a->offset, a->size, &a->value);
	spin_unlock(&g->lock);
	kick_mask(v->vm, kick);
	return ok;
}

static bool gicr_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)d;
	struct vgic *g = &v->vm->vgic;
	/* Any vCPU may look at any redistributor (Linux scans them all at boot). */
	unsigned target = (unsigned)(a->offset / GICR_STRIDE);
	uint32_t off = (uint32_t)(a->offset % GICR_STRIDE);
	uint32_t kick = 0;
	vgic_sync(v);
	spin_lock(&g->lock);
	bool ok = a->write ? vgic_redist_write(g, target, off, a->size, a->value, &kick)
			   : vgic_redist_read(g, target, off, a->size, &a->value);
	spin_unlock(&g->lock);
	kick_mask(v->vm, kick);
	return ok;
}

static void uart_putc(void *ctx, char c)
{
	struct vm *vm = ctx;
	console_guest_putc(vm->id, vm->name, c);
}

/* A device's level-sensitive interrupt line into the vGIC. Called with the device's lock
 * held, so that levels reach the vGIC in the order they happened; only a change is passed
 * on (most accesses, status polls, change nothing). */
int device_line_set(struct vm *vm, struct device_line *l, bool level)
{
	if (level == l->level)
		return -1;
	l->level = level;
	spin_lock(&vm->vgic.lock);
	int t = vgic_set_line(&vm->vgic, 0, l->intid, level);
	spin_unlock(&vm->vgic.lock);
	return t;
}

void device_kick(struct vm *vm, int t)
{
	if (t >= 0)
		vcpu_kick(vm->vcpu[t]);
}

void device_line_init(struct device_line *l, uint32_t spi)
{
	l->intid = 32 + spi;
	l->level = false; /* as the vGIC, reset with the VM, has it */
}

/* ---- PL011: the UART's state is shared between its vCPUs (MMIO) and the CPU taking
 * console input ---- */

static bool uart_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vm *vm = d->priv;
	int t = -1;
	spin_lock(&vm->uart_lock);
	bool ok = a->write ? vpl011_write(&vm->uart, a->offset, a->size, a->value)
			   : vpl011_read(&vm->uart, a->offset, a->size, &a->value);
	/* Of the reads, only the data register's (it pops the receive FIFO) changes state. */
	if (a->write || a->offset == VPL011_DR)
		t = device_line_set(vm, &vm->uart_line, vpl011_irq_level(&vm->uart));
	spin_unlock(&vm->uart_lock);
	device_kick(vm, t);
	return ok;
}

static void hvc_input(struct vm *vm, char c);

void vm_console_input(struct vm *vm, char c)
{
	if (vm->cfg->virtio_console) {
		hvc_input(vm, c);
		return;
	}
	spin_lock(&vm->uart_lock);
	vpl011_rx(&vm->uart, c);
	int t = device_line_set(vm, &vm->uart_line, vpl011_irq_level(&vm->uart));
	spin_unlock(&vm->uart_lock);
	device_kick(vm, t);
}

/* ---- PL031 RTC: the guest's clock is the host's wall clock plus what it loaded ---- */

/* The alarm is armed only while the match interrupt is enabled and not yet raised:
 * otherwise its firing could not change anything the guest sees. */
static void rtc_arm_alarm(struct vm *vm, uint32_t now)
{
	uint32_t in = vpl031_seconds_to_match(&vm->rtc, now);
	if (vm->rtc.imsc && !vm->rtc.ris && in)
		softtimer_arm(&vm->rtc_alarm, wallclock_counter_at(now + in));
	else
		softtimer_cancel(&vm->rtc_alarm);
}

/* With the RTC lock held, after any change: the alarm follows the match register and the
 * line the state. */
static int rtc_update(struct vm *vm, uint32_t now)
{
	rtc_arm_alarm(vm, now);
	return device_line_set(vm, &vm->rtc_line, vpl031_irq_level(&vm->rtc));
}

static void rtc_alarm_expired(struct softtimer *t)
{
	struct vm *vm = container_of(t, struct vm, rtc_alarm);
	spin_lock(&vm->rtc_lock);
	uint32_t now = wallclock_seconds();
	vpl031_expire(&vm->rtc, now);
	int k = rtc_update(vm, now);
	spin_unlock(&vm->rtc_lock);
	device_kick(vm, k);
}

static bool rtc_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vm *vm = d->priv;
	int k = -1;
	spin_lock(&vm->rtc_lock);
	uint32_t now = wallclock_seconds();
	bool ok = a->write ? vpl031_write(&vm->rtc, now, a->offset, a->size, a->value)
			   : vpl031_read(&vm->rtc, now, a->offset, a->size, &a->value);
	if (ok && a->write)
		k = rtc_update(vm, now);
	spin_unlock(&vm->rtc_lock);
	device_kick(vm, k);
	return ok;
}

/* ---- virtio console ---- */

static bool hvc_access(struct vdev *d, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vm *vm = d->priv;
	spin_lock(&vm->hvc_lock);
	bool ok = virtio_console_access(vm, a);
	int k = device_line_set(vm, &vm->hvc_line, virtio_mmio_irq_level(&vm->hvc.transport));
	spin_unlock(&vm->hvc_lock);
	device_kick(vm, k);
	return ok;
}

static void hvc_input(struct vm *vm, char c)
{
	spin_lock(&vm->hvc_lock);
	virtio_console_input(vm, c);
	int k = device_line_set(vm, &vm->hvc_line, virtio_mmio_irq_level(&vm->hvc.transport));
	spin_unlock(&vm->hvc_lock);
	device_kick(vm, k);
}

/* ---- snapshots of the devices above ---- */

static long uart_save(struct vdev *d, void *buf, size_t len)
{
	struct vm *vm = d->priv;
	if (len < sizeof(struct vpl011_saved))
		return -ENOSPC;
	spin_lock(&vm->uart_lock);
	vpl011_save(&vm->uart, buf);
	spin_unlock(&vm->uart_lock);
	return sizeof(struct vpl011_saved);
}

static int uart_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm *vm = d->priv;
	struct vpl011_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	spin_lock(&vm->uart_lock);
	bool ok = vpl011_restore(&vm->uart, &s);
	int k = device_line_set(vm, &vm->uart_line, vpl011_irq_level(&vm->uart));
	spin_unlock(&vm->uart_lock);
	device_kick(vm, k);
	return ok ? 0 : -EINVAL;
}

static long rtc_save(struct vdev *d, void *buf, size_t len)
{
	struct vm *vm = d->priv;
	if (len < sizeof(struct vpl031_saved))
		return -ENOSPC;
	spin_lock(&vm->rtc_lock);
	vpl031_save(&vm->rtc, buf);
	spin_unlock(&vm->rtc_lock);
	return sizeof(struct vpl031_saved);
}

static int rtc_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm *vm = d->priv;
	struct vpl031_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	spin_lock(&vm->rtc_lock);
	bool ok = vpl031_restore(&vm->rtc, &s);
	int k = rtc_update(vm, wallclock_seconds());
	spin_unlock(&vm->rtc_lock);
	device_kick(vm, k);
	return ok ? 0 : -EINVAL;
}

long virtio_transport_save(struct virtio_mmio *t, spinlock_t *lock, void *buf, size_t len)
{
	if (len < sizeof(struct virtio_mmio_saved))
		return -ENOSPC;
	spin_lock(lock);
	virtio_mmio_save(t, buf);
	spin_unlock(lock);
	return sizeof(struct virtio_mmio_saved);
}

int virtio_transport_restore(struct vm *vm, struct virtio_mmio *t, spinlock_t *lock,
			     struct device_line *line, const void *buf, size_t len)
{
	struct virtio_mmio_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	struct virtq_mem m = {vm_guest_map, vm};
	spin_lock(lock);
	bool ok = virtio_mmio_restore(t, &m, &s);
	int k = device_line_set(vm, line, virtio_mmio_irq_level(t));
	spin_unlock(lock);
	device_kick(vm, k);
	return ok ? 0 : -EINVAL;
}

/* hvc0: the transport, then the keyboard input not yet delivered. */
struct hvc_saved {
	struct virtio_mmio_saved t;
	uint8_t rx[sizeof(((struct virtio_console_state *)0)->rx)];
	uint32_t rx_head, rx_count;
};

static long hvc_save(struct vdev *d, void *buf, size_t len)
{
	struct vm *vm = d->priv;
	struct hvc_saved *s = buf;
	if (len < sizeof(*s))
		return -ENOSPC;
	spin_lock(&vm->hvc_lock);
	virtio_mmio_save(&vm->hvc.transport, &s->t);
	memcpy(s->rx, vm->hvc.rx, sizeof(s->rx));
	s->rx_head = vm->hvc.rx_head;
	s->rx_count = vm->hvc.rx_count;
	spin_unlock(&vm->hvc_lock);
	return sizeof(*s);
}

static int hvc_restore(struct vdev *d, const void *buf, size_t len)
{
	struct vm *vm = d->priv;
	struct hvc_saved s;
	if (len != sizeof(s))
		return -EINVAL;
	memcpy(&s, buf, sizeof(s));
	if (s.rx_head >= sizeof(s.rx) || s.rx_count > sizeof(s.rx))
		return -EINVAL;
	struct virtq_mem m = {vm_guest_map, vm};
	spin_lock(&vm->hvc_lock);
	bool ok = virtio_mmio_restore(&vm->hvc.transport, &m, &s.t);
	if (ok) {
		memcpy(vm->hvc.rx, s.rx, sizeof(s.rx));
		vm->hvc.rx_head = s.rx_head;
		vm->hvc.rx_count = s.rx_count;
	}
	int k = device_line_set(vm, &vm->hvc_line, virtio_mmio_irq_level(&vm->hvc.transport));
	spin_unlock(&vm->hvc_lock);
	device_kick(vm, k);
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

static const struct vdev_ops gicd_ops = {
    .name = "GICD", .access = gicd_access, .save = gic_save, .restore = gic_restore};
static const struct vdev_ops gicr_ops = {
    .name = "GICR", .access = gicr_access, .save = gic_save, .restore = gic_restore};
static const struct vdev_ops uart_ops = {
    .name = "PL011", .access = uart_access, .save = uart_save, .restore = uart_restore};
static const struct vdev_ops rtc_ops = {
    .name = "PL031", .access = rtc_access, .save = rtc_save, .restore = rtc_restore};
static const struct vdev_ops hvc_ops = {
    .name = "virtio-console", .access = hvc_access, .save = hvc_save, .restore = hvc_restore};

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
	vm_add_vdev(vm, &uart_ops, GUEST_UART_IPA, 0x1000, vm, -1);
	vm_add_vdev(vm, &rtc_ops, GUEST_RTC_IPA, 0x1000, vm, -1);
	uint32_t spi;
	uint64_t base = vm_virtio_slot(vm, &spi); /* hvc0 first: the guest's virtio0 */
	vm_add_vdev(vm, &hvc_ops, base, 0x200, vm, (int)spi);
	vm->rtc.offset = 0;
	vm->rtc_alarm.fn = rtc_alarm_expired;
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
	vpl011_init(&vm->uart, uart_putc, vm);
	spin_init(&vm->uart_lock);
	device_line_init(&vm->uart_line, GUEST_UART_SPI);
	softtimer_cancel(&vm->rtc_alarm); /* a reset VM's old alarm */
	/* Like a battery-backed RTC, the time the guest set survives its reboot. */
	uint32_t offset = vm->rtc.offset;
	vpl031_init(&vm->rtc);
	vm->rtc.offset = offset;
	spin_init(&vm->rtc_lock);
	device_line_init(&vm->rtc_line, GUEST_RTC_SPI);
	spin_init(&vm->hvc_lock);
	virtio_console_init(vm);
	device_line_init(&vm->hvc_line, GUEST_HVC_SPI);
	for (unsigned i = 0; i < vm->nvdevs; i++)
		if (vm->vdevs[i].ops->reset)
			vm->vdevs[i].ops->reset(&vm->vdevs[i]);
}
