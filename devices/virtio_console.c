/* virtio console (virtio 1.2, 5.3), one port, no features: hvc0 for a VM. Its output
 * joins the shared console like the PL011's; keyboard input comes here instead of the
 * PL011 when the VM's config says `console = "virtio"`. */
#include <string.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/virtio_mmio.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

#include "vm_builtin.h"

#define RXQ 0 /* port 0 receiveq: the device writes input into the driver's buffers */
#define TXQ 1 /* port 0 transmitq: the driver's output */

struct hvc {
	struct virtio_vdev io; /* its lock: all of it */
	uint8_t rx[256];       /* keyboard input the driver has no buffer for yet */
	unsigned rx_head, rx_count;
};

static void broken(struct virtio_mmio *t, struct vm *vm, const char *why)
{
	vm_warn(vm, "virtio console: %s: device needs a reset", why);
	virtio_mmio_set_broken(t);
}

/* Returns a chain popped from queue qi at `epoch`, under the same hold of the lock. */
static void used(struct virtio_mmio *t, struct vm *vm, unsigned qi, uint32_t epoch, uint16_t head,
		 uint32_t written)
{
	virtio_vdev_push(t, vm, "virtio console", qi, epoch, head, written);
}

static void transmit(struct virtio_mmio *t, struct vm *vm)
{
	struct virtq_mem m = {vm_guest_map, vm};
	struct virtq_chain c;
	const char *why;
	enum virtq_status s;
	uint32_t epoch = t->vq[TXQ].epoch;
	while ((s = virtq_pop(&t->vq[TXQ], &m, &c, &why)) == VIRTQ_OK) {
		const char *second = vm->cfg->virtio_console ? NULL : "hvc0";
		for (unsigned i = 0; i < c.nseg; i++)
			if (!c.seg[i].device_writes)
				for (uint32_t j = 0; j < c.seg[i].len; j++)
					console_guest_putc(vm->id, vm->name, second,
							   (char)c.seg[i].ptr[j]);
		used(t, vm, TXQ, epoch, c.head, 0);
	}
	if (s == VIRTQ_BROKEN)
		broken(t, vm, why);
}

/* Moves buffered input into the buffers the driver offers. */
static void receive(struct virtio_mmio *t, struct vm *vm)
{
	struct hvc *s = container_of(t, struct hvc, io.t);
	struct virtq_mem m = {vm_guest_map, vm};
	const char *why;
	while (s->rx_count && virtio_mmio_live(t) && t->vq[RXQ].ready) {
		struct virtq_chain c;
		uint32_t epoch = t->vq[RXQ].epoch;
		enum virtq_status st = virtq_pop(&t->vq[RXQ], &m, &c, &why);
		if (st == VIRTQ_EMPTY)
			return; /* kept until the driver offers buffers */
		if (st == VIRTQ_BROKEN || !c.in_len) {
			broken(t, vm, st == VIRTQ_BROKEN ? why : "receive buffer not writable");
			return;
		}
		uint32_t written = 0;
		for (unsigned i = 0; i < c.nseg && s->rx_count; i++) {
			if (!c.seg[i].device_writes)
				continue;
			for (uint32_t j = 0; j < c.seg[i].len && s->rx_count; j++) {
				c.seg[i].ptr[j] = s->rx[s->rx_head];
				s->rx_head = (s->rx_head + 1) % sizeof(s->rx);
				s->rx_count--;
				written++;
			}
		}
		used(t, vm, RXQ, epoch, c.head, written);
	}
}

static void notify(struct virtio_mmio *t, unsigned q)
{
	struct vm *vm = t->dev;
	if (q == TXQ)
		transmit(t, vm);
	else
		receive(t, vm);
}

static void reset(struct virtio_mmio *t)
{
	struct hvc *s = container_of(t, struct hvc, io.t);
	s->rx_head = s->rx_count = 0;
}

/* The config space (cols, rows, max_nr_ports, emerg_wr) means nothing without the
 * features that give it meaning: it reads as zero. */
static bool config_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val)
{
	(void)t;
	if (off + size > 12)
		return false;
	*val = 0;
	return true;
}

static void refused(struct virtio_mmio *t, const char *what)
{
	vm_warn(t->dev, "virtio console: %s", what);
}

static const struct virtio_dev_ops console_ops = {
    .device_id = 3,
    .features = 0,
    .nr_queues = 2,
    .config_read = config_read,
    .notify = notify,
    .reset = reset,
    .refused = refused,
};

/* Input the driver has no buffer for yet waits (up to the FIFO's size; beyond, like a real
 * line, it is lost). */
static void hvc_input(void *dev, char c)
{
	struct hvc *s = dev;
	spin_lock(&s->io.lock);
	if (s->rx_count < sizeof(s->rx)) {
		s->rx[(s->rx_head + s->rx_count) % sizeof(s->rx)] = (uint8_t)c;
		s->rx_count++;
	}
	receive(&s->io.t, s->io.vm);
	device_unlock_line(s->io.vm, &s->io.lock, &s->io.line, virtio_mmio_irq_level(&s->io.t));
}

static void hvc_reset(struct vdev *d)
{
	struct hvc *s = d->priv;
	spin_init(&s->io.lock);
	virtio_mmio_init(&s->io.t, &console_ops, s->io.vm);
	s->io.t.platform_features = s->io.vm->cfg->realm ? VIRTIO_F_ACCESS_PLATFORM : 0;
	s->rx_head = s->rx_count = 0;
	device_line_init(&s->io.line, s->io.line.intid - 32);
}

/* A snapshot: the transport, then the keyboard input not yet delivered. */
struct hvc_saved {
	struct virtio_mmio_saved t;
	uint8_t rx[sizeof(((struct hvc *)0)->rx)];
	uint32_t rx_head, rx_count;
};

static long hvc_save(struct vdev *d, void *buf, size_t len)
{
	struct hvc *s = d->priv;
	struct hvc_saved *o = buf;
	if (len < sizeof(*o))
		return -ENOSPC;
	spin_lock(&s->io.lock);
	virtio_mmio_save(&s->io.t, &o->t);
	memcpy(o->rx, s->rx, sizeof(o->rx));
	o->rx_head = s->rx_head;
	o->rx_count = s->rx_count;
	spin_unlock(&s->io.lock);
	return sizeof(*o);
}

static int hvc_restore(struct vdev *d, const void *buf, size_t len)
{
	struct hvc *s = d->priv;
	struct hvc_saved in;
	if (len != sizeof(in))
		return -EINVAL;
	memcpy(&in, buf, sizeof(in));
	if (in.rx_head >= sizeof(in.rx) || in.rx_count > sizeof(in.rx))
		return -EINVAL;
	struct virtq_mem m = {vm_guest_map, s->io.vm};
	spin_lock(&s->io.lock);
	bool ok = virtio_mmio_restore(&s->io.t, &m, &in.t);
	if (ok) {
		memcpy(s->rx, in.rx, sizeof(in.rx));
		s->rx_head = in.rx_head;
		s->rx_count = in.rx_count;
	}
	device_unlock_line(s->io.vm, &s->io.lock, &s->io.line, virtio_mmio_irq_level(&s->io.t));
	return ok ? 0 : -EINVAL;
}

static void hvc_release(struct vdev *d)
{
	vdev_free(d->priv, sizeof(struct hvc));
}

static const struct vdev_ops hvc_ops = {.name = "virtio-console",
					.access = virtio_vdev_access,
					.reset = hvc_reset,
					.save = hvc_save,
					.restore = hvc_restore,
					.release = hvc_release};

/* hvc0 takes the VM's first virtio-mmio window (the guest's virtio0). */
int virtio_console_create(struct vm *vm)
{
	struct hvc *s = vdev_alloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->io.vm = vm;
	uint32_t spi;
	uint64_t base = vm_virtio_slot(vm, &spi);
	device_line_init(&s->io.line, spi);
	int r = vm_add_vdev(vm, &hvc_ops, base, 0x200, s, (int)spi);
	if (r) {
		vdev_free(s, sizeof(*s));
		return r;
	}
	if (vm->cfg->virtio_console) {
		vm->console_input = hvc_input;
		vm->console_dev = s;
	}
	return 0;
}
