/* Triad's driver for the machine's virtio-net NIC: the switch's uplink. Receive buffers
 * and transmit slots are Triad's own 2 KB buffers; frames are copied in and out of them. */
#include <string.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/util.h>
#include <triad/virtio_drv.h>
#include <triad/virtio_mmio.h>
#include <triad/vswitch.h>

#define RXQ	    0
#define TXQ	    1
#define NBUF	    64
#define BUF_SIZE    2048
#define NET_HDR_LEN 12
#define F_MAC	    (1ULL << 5)

struct uplink {
	struct virtio_dev *dev;
	struct vswitch_port port;
	uint8_t *rx_buf, *tx_buf; /* NBUF buffers each */
	uint16_t tx_free[NBUF];	  /* a stack of free transmit slots */
	unsigned nr_tx_free;
	uint64_t tx_dropped;
};

static struct uplink uplink;

static void post_rx(struct uplink *u, unsigned i)
{
	struct vring_buf b = {(uint64_t)(uintptr_t)(u->rx_buf + i * BUF_SIZE), BUF_SIZE,
			      VRING_DESC_F_WRITE};
	vring_add(&u->dev->vq[RXQ], &b, 1, u->rx_buf + i * BUF_SIZE);
}

/* Transmit slots the device is done with. With the device lock held. */
static void reclaim_tx(struct uplink *u)
{
	void *cookie;
	uint32_t len;
	bool bad;
	while (vring_get_used(&u->dev->vq[TXQ], &cookie, &len, &bad))
		u->tx_free[u->nr_tx_free++] =
		    (uint16_t)(((uint8_t *)cookie - u->tx_buf) / BUF_SIZE);
	if (bad)
		pr_err("uplink: the device returned a buffer it was not given");
}

/* A frame the switch sends out. */
static void uplink_deliver(struct vswitch_port *p, const uint8_t *frame, uint32_t len)
{
	struct uplink *u = container_of(p, struct uplink, port);
	spin_lock(&u->dev->lock);
	reclaim_tx(u);
	if (!u->nr_tx_free || len > BUF_SIZE - NET_HDR_LEN) {
		u->tx_dropped++;
		spin_unlock(&u->dev->lock);
		return;
	}
	unsigned i = u->tx_free[--u->nr_tx_free];
	uint8_t *buf = u->tx_buf + i * BUF_SIZE;
	memset(buf, 0, NET_HDR_LEN);
	memcpy(buf + NET_HDR_LEN, frame, len);
	struct vring_buf b = {(uint64_t)(uintptr_t)buf, NET_HDR_LEN + len, 0};
	vring_add(&u->dev->vq[TXQ], &b, 1, buf);
	virtio_dev_notify(u->dev, TXQ);
	spin_unlock(&u->dev->lock);
}

/* Received frames go into the switch, then their buffers back to the device. */
static void uplink_irq(void *ctx)
{
	struct uplink *u = ctx;
	for (;;) {
		uint8_t *got[16];
		uint32_t lens[16];
		unsigned n = 0;
		bool bad = false;
		spin_lock(&u->dev->lock);
		virtio_dev_ack_irq(u->dev);
		reclaim_tx(u);
		void *cookie;
		while (n < ARRAY_SIZE(got) &&
		       vring_get_used(&u->dev->vq[RXQ], &cookie, &lens[n], &bad))
			got[n++] = cookie;
		spin_unlock(&u->dev->lock);
		if (bad)
			pr_err("uplink: the device returned a buffer it was not given");
		if (!n)
			return;
		for (unsigned i = 0; i < n; i++)
			if (lens[i] > NET_HDR_LEN && lens[i] <= BUF_SIZE)
				vswitch_input(&u->port, got[i] + NET_HDR_LEN,
					      lens[i] - NET_HDR_LEN);
		spin_lock(&u->dev->lock);
		for (unsigned i = 0; i < n; i++)
			post_rx(u, (unsigned)((got[i] - u->rx_buf) / BUF_SIZE));
		virtio_dev_notify(u->dev, RXQ);
		spin_unlock(&u->dev->lock);
	}
}

void virtio_net_driver_probe(struct virtio_dev *d)
{
	struct uplink *u = &uplink;
	if (u->dev) {
		pr_warn("virtio-net at 0x%lx: Triad uses one uplink; this one is ignored",
			(unsigned long)d->regs);
		return;
	}
	const char *why = virtio_dev_negotiate(d, VIRTIO_F_VERSION_1 | F_MAC, VIRTIO_F_VERSION_1);
	if (!why)
		why = virtio_dev_setup_queue(d, RXQ, RXQ, NBUF);
	if (!why)
		why = virtio_dev_setup_queue(d, TXQ, TXQ, NBUF);
	if (!why && (d->vq[RXQ].size < NBUF || d->vq[TXQ].size < NBUF))
		why = "queues too small";
	u->rx_buf = (uint8_t *)page_alloc_zeroed(NBUF * BUF_SIZE / PAGE_SIZE, PAGE_SIZE);
	u->tx_buf = (uint8_t *)page_alloc_zeroed(NBUF * BUF_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!why && (!u->rx_buf || !u->tx_buf))
		why = "out of memory for buffers";
	if (why) {
		pr_warn("virtio-net at 0x%lx: %s", (unsigned long)d->regs, why);
		return;
	}
	u->dev = d;
	for (unsigned i = 0; i < NBUF; i++) {
		post_rx(u, i);
		u->tx_free[i] = (uint16_t)i;
	}
	u->nr_tx_free = NBUF;
	virtio_dev_driver_ok(d);
	virtio_dev_notify(d, RXQ);
	u->port.name = "uplink";
	u->port.uplink = true;
	u->port.deliver = uplink_deliver;
	vswitch_add_port(&u->port);
	host_irq_register(d->intid, uplink_irq, u);
	pr_info("network uplink: virtio-net at 0x%lx", (unsigned long)d->regs);
}
