/* Triad's driver for the machine's virtio console (QEMU: -device virtio-serial-device with a
 * virtconsole on port 0, no MULTIPORT, so port 0 uses queues 0 and 1): the management API's
 * transport on QEMU, whose other end is the socket `triad-run --control PATH` names. Bytes
 * are copied through Triad's own 4 KB buffers. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/util.h>
#include <triad/virtio_drv.h>
#include <triad/virtio_mmio.h>

#define RXQ	      0
#define TXQ	      1
#define NBUF	      16
#define BUF_SIZE      4096
#define STALL_SECONDS 5 /* a reader that takes nothing for this long has gone */

static struct {
	struct virtio_dev *dev;
	uint8_t *rx_buf, *tx_buf; /* NBUF buffers each */
	uint16_t tx_free[NBUF];	  /* a stack of free transmit slots */
	unsigned nr_tx_free;
	/* A received buffer the management core had no room for yet: offered again. */
	uint8_t *held;
	uint32_t held_off, held_len;
	bool sending; /* a frame is being sent: frames do not interleave */
	uint64_t stalls;
} con;

static void post_rx(uint8_t *buf)
{
	struct vring_buf b = {(uint64_t)(uintptr_t)buf, BUF_SIZE, VRING_DESC_F_WRITE};
	vring_add(&con.dev->vq[RXQ], &b, 1, buf);
}

/* Transmit slots the device is done with. With the device lock held. */
static void reclaim_tx(void)
{
	void *cookie;
	uint32_t len;
	bool bad;
	while (vring_get_used(&con.dev->vq[TXQ], &cookie, &len, &bad))
		con.tx_free[con.nr_tx_free++] =
		    (uint16_t)(((uint8_t *)cookie - con.tx_buf) / BUF_SIZE);
	if (bad)
		pr_err("control console: the device returned a buffer it was not given");
}

/* Hands received bytes to the management core, in order, as far as it takes them. With
 * the device lock held. */
static void drain_rx(void)
{
	bool reposted = false;
	for (;;) {
		if (!con.held) {
			void *cookie;
			uint32_t len;
			bool bad;
			if (!vring_get_used(&con.dev->vq[RXQ], &cookie, &len, &bad)) {
				if (bad)
					pr_err("control console: the device returned a buffer it "
					       "was not given");
				break;
			}
			con.held = cookie;
			con.held_off = 0;
			con.held_len = MIN(len, (uint32_t)BUF_SIZE);
		}
		con.held_off +=
		    (uint32_t)mgmt_receive(con.held + con.held_off, con.held_len - con.held_off);
		if (con.held_off < con.held_len)
			break; /* full: mgmt_poll offers the rest again */
		post_rx(con.held);
		con.held = NULL;
		reposted = true;
	}
	if (reposted)
		virtio_dev_notify(con.dev, RXQ);
}

static void console_irq(void *ctx)
{
	(void)ctx;
	spin_lock(&con.dev->lock);
	virtio_dev_ack_irq(con.dev);
	reclaim_tx();
	drain_rx();
	spin_unlock(&con.dev->lock);
	/* Leave the guest this CPU runs: the request is served from its cpu_loop. */
	if (mgmt_busy())
		this_cpu()->need_resched = true;
}

static void console_poll(void)
{
	spin_lock(&con.dev->lock);
	drain_rx();
	spin_unlock(&con.dev->lock);
}

static bool take_sender(bool wait)
{
	bool expect = false;
	while (!__atomic_compare_exchange_n(&con.sending, &expect, true, false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		if (!wait)
			return false;
		expect = false;
	}
	return true;
}

static void put_sender(void)
{
	__atomic_store_n(&con.sending, false, __ATOMIC_RELEASE);
}

/* Queues up to one buffer of buf; returns the bytes queued (0: no free slot). */
static size_t queue_some(const uint8_t *buf, size_t len)
{
	spin_lock(&con.dev->lock);
	reclaim_tx();
	size_t n = 0;
	if (con.nr_tx_free) {
		n = MIN(len, (size_t)BUF_SIZE);
		uint8_t *slot = con.tx_buf + (size_t)con.tx_free[--con.nr_tx_free] * BUF_SIZE;
		memcpy(slot, buf, n);
		struct vring_buf b = {(uint64_t)(uintptr_t)slot, (uint32_t)n, 0};
		vring_add(&con.dev->vq[TXQ], &b, 1, slot);
		virtio_dev_notify(con.dev, TXQ);
	}
	spin_unlock(&con.dev->lock);
	return n;
}

static void console_send(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t freq = read_sysreg(cntfrq_el0);
	take_sender(true);
	uint64_t last = read_sysreg(cntpct_el0);
	while (len) {
		size_t n = queue_some(p, len);
		p += n;
		len -= n;
		if (n) {
			last = read_sysreg(cntpct_el0);
		} else if (read_sysreg(cntpct_el0) - last > STALL_SECONDS * freq) {
			/* The device is not taking our bytes (its reader stopped reading): the
			 * frame is cut short; the client, if it comes back, says HELLO again. */
			con.stalls++;
			pr_warn("control console: nobody reads the control socket; %lu bytes of "
				"a reply dropped",
				(unsigned long)len);
			break;
		}
	}
	put_sender();
}

static bool console_try_send(const void *buf, size_t len)
{
	if (!take_sender(false))
		return false;
	spin_lock(&con.dev->lock);
	reclaim_tx();
	bool room = con.nr_tx_free >= (len + BUF_SIZE - 1) / BUF_SIZE;
	spin_unlock(&con.dev->lock);
	const uint8_t *p = buf;
	while (room && len) {
		size_t n = queue_some(p, len);
		p += n;
		len -= n;
	}
	put_sender();
	return room;
}

static const struct mgmt_transport console_transport = {
    .name = "virtio console",
    .send = console_send,
    .try_send = console_try_send,
    .poll = console_poll,
};

void virtio_console_driver_probe(struct virtio_dev *d)
{
	if (con.dev) {
		pr_warn("virtio console at 0x%lx: Triad uses one control channel; this one is "
			"ignored",
			(unsigned long)d->regs);
		return;
	}
	const char *why = virtio_dev_negotiate(d, VIRTIO_F_VERSION_1, VIRTIO_F_VERSION_1);
	if (!why)
		why = virtio_dev_setup_queue(d, RXQ, NBUF);
	if (!why)
		why = virtio_dev_setup_queue(d, TXQ, NBUF);
	if (!why && (d->vq[RXQ].size < NBUF || d->vq[TXQ].size < NBUF))
		why = "queues too small";
	con.rx_buf = (uint8_t *)page_alloc_zeroed(NBUF * BUF_SIZE / PAGE_SIZE, PAGE_SIZE);
	con.tx_buf = (uint8_t *)page_alloc_zeroed(NBUF * BUF_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!why && (!con.rx_buf || !con.tx_buf))
		why = "out of memory for buffers";
	if (why) {
		pr_warn("virtio console at 0x%lx: %s", (unsigned long)d->regs, why);
		return;
	}
	con.dev = d;
	for (unsigned i = 0; i < NBUF; i++) {
		post_rx(con.rx_buf + i * BUF_SIZE);
		con.tx_free[i] = (uint16_t)i;
	}
	con.nr_tx_free = NBUF;
	virtio_dev_driver_ok(d);
	virtio_dev_notify(d, RXQ);
	mgmt_register_transport(&console_transport);
	if (!mgmt_enabled())
		return;
	host_irq_register(d->intid, console_irq, NULL);
	pr_info("control channel: virtio console at 0x%lx", (unsigned long)d->regs);
}
