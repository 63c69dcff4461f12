/* A VM's virtio-net device (virtio 1.2, 5.1): one port of Triad's switch. Frames are
 * copied both ways (the switch may hand one frame to several ports, and a guest buffer
 * must not change under the switch); no offloads, so each frame fits one 1.5 KB buffer. */
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/virtio_net.h>
#include <triad/virtio_mmio.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>
#include <triad/vswitch.h>

#define RXQ 0
#define TXQ 1

#define F_MAC		(1ULL << 5)
#define F_STATUS	(1ULL << 16)
#define F_INDIRECT_DESC (1ULL << 28)
#define S_LINK_UP	1

/* struct virtio_net_hdr with VERSION_1: 12 bytes, num_buffers last. */
#define NET_HDR_LEN 12

struct vnet {
	struct virtio_vdev io; /* its lock: io and tx_pending */
	struct vswitch_port port;
	char name[VM_NAME_MAX];
	bool tx_pending; /* the driver notified the transmit queue */
	uint64_t rx_dropped;
};

static void broken(struct vnet *n, const char *why)
{
	vm_warn(n->io.vm, "virtio-net: %s: device needs a reset", why);
	virtio_mmio_set_broken(&n->io.t);
}

/* Returns a chain popped from queue qi at `epoch` under the same hold of the lock. */
static void used(struct vnet *n, unsigned qi, uint32_t epoch, uint16_t head, uint32_t written)
{
	virtio_vdev_push(&n->io.t, n->io.vm, "virtio-net", qi, epoch, head, written);
}

/* Takes one frame the guest sends, into buf. Returns its length (0: none or not a
 * frame), and whether there may be more. With the lock held. */
static bool take_tx(struct vnet *n, uint8_t *buf, uint32_t *len)
{
	struct virtq_mem m = {vm_guest_map, n->io.vm};
	struct virtq_chain c;
	const char *why;
	*len = 0;
	if (!virtio_mmio_live(&n->io.t) || !n->io.t.vq[TXQ].ready)
		return false;
	uint32_t epoch = n->io.t.vq[TXQ].epoch;
	enum virtq_status s = virtq_pop(&n->io.t.vq[TXQ], &m, &c, &why);
	if (s == VIRTQ_EMPTY)
		return false;
	if (s == VIRTQ_BROKEN) {
		broken(n, why);
		return false;
	}
	/* Header, then the frame, across however many buffers. */
	uint64_t total = c.out_len;
	if (total >= NET_HDR_LEN + ETH_HLEN && total <= NET_HDR_LEN + ETH_FRAME_MAX) {
		uint64_t pos = 0;
		for (unsigned i = 0; i < c.nseg; i++) {
			const struct virtq_seg *sg = &c.seg[i];
			if (sg->device_writes)
				continue;
			for (uint32_t j = 0; j < sg->len; j++, pos++)
				if (pos >= NET_HDR_LEN)
					buf[pos - NET_HDR_LEN] = sg->ptr[j];
		}
		*len = (uint32_t)(total - NET_HDR_LEN);
	}
	used(n, TXQ, epoch, c.head, 0);
	return true;
}

static void transmit(struct vnet *n)
{
	uint8_t frame[ETH_FRAME_MAX];
	for (;;) {
		uint32_t len;
		spin_lock(&n->io.lock);
		n->tx_pending = false;
		bool more = take_tx(n, frame, &len);
		device_unlock_line(n->io.vm, &n->io.lock, &n->io.line,
				   virtio_mmio_irq_level(&n->io.t));
		if (len)
			vswitch_input(&n->port, frame, len);
		if (!more)
			return;
	}
}

/* A frame from the switch: into the next receive buffer the guest offers, or dropped
 * if it offers none (as a NIC with a full ring does). */
static void deliver(struct vswitch_port *p, const uint8_t *frame, uint32_t len)
{
	struct vnet *n = container_of(p, struct vnet, port);
	struct virtq_mem m = {vm_guest_map, n->io.vm};
	spin_lock(&n->io.lock);
	if (n->io.vm->state != VM_RUNNING || !virtio_mmio_live(&n->io.t) ||
	    !n->io.t.vq[RXQ].ready) {
		n->rx_dropped++;
		spin_unlock(&n->io.lock);
		return;
	}
	struct virtq_chain c;
	const char *why;
	uint32_t epoch = n->io.t.vq[RXQ].epoch;
	enum virtq_status s = virtq_pop(&n->io.t.vq[RXQ], &m, &c, &why);
	if (s == VIRTQ_BROKEN) {
		broken(n, why);
	} else if (s == VIRTQ_EMPTY) {
		n->rx_dropped++;
	} else if (c.in_len < NET_HDR_LEN + len) {
		n->rx_dropped++; /* buffers too small: given back empty */
		used(n, RXQ, epoch, c.head, 0);
	} else {
		uint8_t hdr[NET_HDR_LEN] = {0};
		hdr[10] = 1; /* num_buffers */
		uint64_t pos = 0, total = NET_HDR_LEN + len;
		for (unsigned i = 0; i < c.nseg && pos < total; i++) {
			struct virtq_seg *sg = &c.seg[i];
			if (!sg->device_writes)
				continue;
			for (uint32_t j = 0; j < sg->len && pos < total; j++, pos++)
				sg->ptr[j] =
				    pos < NET_HDR_LEN ? hdr[pos] : frame[pos - NET_HDR_LEN];
		}
		used(n, RXQ, epoch, c.head, (uint32_t)total);
	}
	device_unlock_line(n->io.vm, &n->io.lock, &n->io.line, virtio_mmio_irq_level(&n->io.t));
}

static bool config_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val)
{
	struct vnet *n = t->dev;
	uint8_t cfg[8] = {0};
	memcpy(cfg, n->port.mac, 6);
	cfg[6] = S_LINK_UP;
	if (off + size > sizeof(cfg))
		return false;
	*val = 0;
	memcpy(val, cfg + off, size);
	return true;
}

static void notify(struct virtio_mmio *t, unsigned q)
{
	struct vnet *n = t->dev;
	if (q == TXQ)
		n->tx_pending = true; /* sent once the device lock is dropped */
}

static void refused(struct virtio_mmio *t, const char *what)
{
	struct vnet *n = t->dev;
	vm_warn(n->io.vm, "virtio-net: %s", what);
}

static const struct virtio_dev_ops net_ops = {
    .device_id = 1,
    .features = F_MAC | F_STATUS | F_INDIRECT_DESC,
    .nr_queues = 2,
    .config_read = config_read,
    .notify = notify,
    .refused = refused,
};

static bool net_access(struct vdev *dev, struct vcpu *v, struct mmio_access *a)
{
	(void)v;
	struct vnet *n = dev->priv;
	struct virtq_mem m = {vm_guest_map, n->io.vm};
	spin_lock(&n->io.lock);
	bool ok = a->write ? virtio_mmio_write(&n->io.t, &m, (uint32_t)a->offset, a->size, a->value)
			   : virtio_mmio_read(&n->io.t, (uint32_t)a->offset, a->size, &a->value);
	bool tx = n->tx_pending;
	device_unlock_line(n->io.vm, &n->io.lock, &n->io.line, virtio_mmio_irq_level(&n->io.t));
	if (tx)
		transmit(n);
	return ok;
}

static void net_reset(struct vdev *dev)
{
	struct vnet *n = dev->priv;
	spin_lock(&n->io.lock);
	virtio_mmio_init(&n->io.t, &net_ops, n);
	device_line_init(&n->io.line, n->io.line.intid - 32);
	n->tx_pending = false;
	spin_unlock(&n->io.lock);
}

/* After net_reset: off the switch (waiting out a frame being given to it), then freed. */
static void net_release(struct vdev *dev)
{
	struct vnet *n = dev->priv;
	vswitch_remove_port(&n->port);
	vdev_free(n, sizeof(*n));
}

static const struct vdev_ops vnet_vdev_ops = {
    .name = "virtio-net",
    .access = net_access,
    .reset = net_reset,
    .release = net_release,
    /* Frames are copied in and out synchronously, so the transport is all there is to
     * save; the MAC is the VM's config. */
    .save = virtio_vdev_save,
    .restore = virtio_vdev_restore,
};

int virtio_net_create(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen)
{
	struct vnet *n = vdev_alloc(sizeof(*n));
	if (!n) {
		snprintf(err, errlen, "VM '%s': network: out of memory", vm->name);
		return -ENOMEM;
	}
	n->io.vm = vm;
	spin_init(&n->io.lock);
	memcpy(n->name, vm->name, sizeof(n->name));
	n->port.name = n->name;
	memcpy(n->port.mac, ((const struct net_config *)c->data)->mac, 6);
	n->port.deliver = deliver;
	uint32_t spi;
	uint64_t base = vm_virtio_slot(vm, &spi);
	virtio_mmio_init(&n->io.t, &net_ops, n);
	n->io.t.platform_features = vm->cfg->realm ? VIRTIO_F_ACCESS_PLATFORM : 0;
	device_line_init(&n->io.line, spi);
	if (vswitch_add_port(&n->port)) {
		vdev_free(n, sizeof(*n));
		snprintf(err, errlen, "VM '%s': network: the switch has no free port", vm->name);
		return -ENOSPC;
	}
	if (vm_add_vdev(vm, &vnet_vdev_ops, base, 0x200, n, (int)spi)) {
		vswitch_remove_port(&n->port);
		vdev_free(n, sizeof(*n));
		snprintf(err, errlen, "VM '%s': network: too many devices", vm->name);
		return -ENOSPC;
	}
	const uint8_t *a = n->port.mac;
	pr_info("VM '%s': eth0 %02x:%02x:%02x:%02x:%02x:%02x on the switch", vm->name, a[0], a[1],
		a[2], a[3], a[4], a[5]);
	return 0;
}
