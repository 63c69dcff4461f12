/* Triad's driver for the machine's virtio serial device (virtio 1.2, 5.3): the management
 * API's transport on QEMU, whose other end is the socket `triad-run --control PATH` names.
 * The channel is port 1 of a MULTIPORT device (QEMU: a virtserialport with nr=1), not a
 * console on port 0: QEMU drops a console's bytes when the socket is full, while a serial
 * port is throttled until the reader takes them. Port 1 uses queues 4 and 5; the control
 * queues 2 and 3 carry the port handshake (DEVICE_READY, PORT_ADD, PORT_READY, PORT_OPEN).
 * Bytes are copied through Triad's own buffers, 64 KiB each way. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/mgmt.h>
#include <triad/util.h>
#include <triad/virtio_drv.h>
#include <triad/virtio_mmio.h>

/* Our ring slots (virtio_dev.vq[]) and the device queues behind them. */
#define CTRL_RXQ      0 /* device queue 2 */
#define CTRL_TXQ      1 /* device queue 3 */
#define RXQ	      2 /* device queue 4: port 1, host to Triad */
#define TXQ	      3 /* device queue 5: port 1, Triad to host */
#define CONTROL_PORT  1 /* triad-run's virtserialport nr=1 */
#define CTRL_NBUF     8
#define CTRL_BUF_SIZE 256 /* a control message, or PORT_NAME's with its name */
#define RX_NBUF	      16
#define TX_NBUF	      32 /* room for a burst of events while QEMU's I/O thread is late */
/* Large buffers: each one the device takes or fills costs a notification or an
 * interrupt (and QEMU a write to the socket), and snapshots move tens of megabytes. */
#define RX_BUF_SIZE   (64u << 10)
#define TX_BUF_SIZE   (64u << 10)
#define TX_BATCH      8 /* buffers queued per notification */
#define STALL_SECONDS 5 /* a reader that takes nothing for this long has gone */

/* virtio 1.2, 5.3.6.2: the control queues' message. */
struct control_msg {
	uint32_t id; /* port */
	uint16_t event;
	uint16_t value;
};

enum control_event {
	DEVICE_READY = 0,
	PORT_ADD = 1,
	PORT_READY = 3,
	PORT_OPEN = 6,
};

#define F_MULTIPORT (1ULL << 1)
_Static_assert(2 * CTRL_NBUF * CTRL_BUF_SIZE <= PAGE_SIZE, "control buffers share one page");
_Static_assert(CTRL_NBUF <= 8, "ctrl_tx_free has a bit per slot");

static struct {
	struct virtio_dev *dev;
	uint8_t *rx_buf, *tx_buf; /* RX_NBUF, TX_NBUF buffers */
	/* CTRL_NBUF receive buffers, then CTRL_NBUF one-message transmit slots. */
	uint8_t *ctrl_buf;
	uint8_t ctrl_tx_free;	   /* a bit per free transmit slot */
	uint16_t tx_free[TX_NBUF]; /* a stack of free transmit slots */
	unsigned nr_tx_free;
	/* A received buffer the management core had no room for yet: offered again. */
	uint8_t *held;
	uint32_t held_off, held_len;
	bool sending; /* a frame is being sent: frames do not interleave */
	uint64_t stalls;
} con;

static void post_rx(uint8_t *buf)
{
	struct vring_buf b = {(uint64_t)(uintptr_t)buf, RX_BUF_SIZE, VRING_DESC_F_WRITE};
	vring_add(&con.dev->vq[RXQ], &b, 1, buf);
}

static void post_control_rx(uint8_t *buf)
{
	struct vring_buf b = {(uint64_t)(uintptr_t)buf, CTRL_BUF_SIZE, VRING_DESC_F_WRITE};
	vring_add(&con.dev->vq[CTRL_RXQ], &b, 1, buf);
}

/* Sends one control message. With the device lock held. */
static void send_control(uint32_t port, uint16_t event, uint16_t value)
{
	void *cookie;
	uint32_t len;
	bool bad;
	uint8_t *tx = con.ctrl_buf + CTRL_NBUF * CTRL_BUF_SIZE;
	while (vring_get_used(&con.dev->vq[CTRL_TXQ], &cookie, &len, &bad))
		con.ctrl_tx_free |= (uint8_t)(1U << (((uint8_t *)cookie - tx) / CTRL_BUF_SIZE));
	if (!con.ctrl_tx_free) {
		/* The device handles control messages as they come; eight outstanding means
		 * it has stopped. */
		pr_err("control channel: the device takes no control messages");
		return;
	}
	unsigned slot = (unsigned)__builtin_ctz(con.ctrl_tx_free);
	con.ctrl_tx_free &= (uint8_t) ~(1U << slot);
	struct control_msg *m = (struct control_msg *)(tx + slot * CTRL_BUF_SIZE);
	*m = (struct control_msg){port, event, value};
	struct vring_buf b = {(uint64_t)(uintptr_t)m, sizeof(*m), 0};
	vring_add(&con.dev->vq[CTRL_TXQ], &b, 1, m);
	virtio_dev_notify(con.dev, CTRL_TXQ);
}

/* The device's side of the handshake: it announces its ports, and for ours we say we are
 * ready and open it (QEMU passes the socket's bytes on only to an open port). Whether the
 * host end is connected (PORT_OPEN from the device) needs no action: while it is not,
 * the device discards what we send. With the device lock held. */
static void drain_control(void)
{
	void *cookie;
	uint32_t len;
	bool bad, reposted = false;
	while (vring_get_used(&con.dev->vq[CTRL_RXQ], &cookie, &len, &bad)) {
		struct control_msg m;
		if (len >= sizeof(m)) {
			memcpy(&m, cookie, sizeof(m));
			if (m.event == PORT_ADD && m.id == CONTROL_PORT) {
				send_control(m.id, PORT_READY, 1);
				send_control(m.id, PORT_OPEN, 1);
			} else if (m.event == PORT_ADD) {
				pr_warn("control channel: port %u of the serial device is not "
					"Triad's; refused",
					m.id);
				send_control(m.id, PORT_READY, 0);
			}
		}
		post_control_rx(cookie);
		reposted = true;
	}
	if (bad)
		pr_err("control channel: the device returned a buffer it was not given");
	if (reposted)
		virtio_dev_notify(con.dev, CTRL_RXQ);
}

/* Transmit slots the device is done with. With the device lock held. */
static void reclaim_tx(void)
{
	void *cookie;
	uint32_t len;
	bool bad;
	while (vring_get_used(&con.dev->vq[TXQ], &cookie, &len, &bad))
		con.tx_free[con.nr_tx_free++] =
		    (uint16_t)(((uint8_t *)cookie - con.tx_buf) / TX_BUF_SIZE);
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
			con.held_len = MIN(len, (uint32_t)RX_BUF_SIZE);
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
	drain_control();
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
	drain_control();
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

/* What is left to send of a frame: its head, then its body. */
struct frame_out {
	const uint8_t *p[2];
	size_t n[2];
};

static size_t frame_left(const struct frame_out *f)
{
	return f->n[0] + f->n[1];
}

/* Fills one transmit slot from the frame (the head's end and the body's start may share
 * it); returns the bytes taken. */
static size_t fill_slot(uint8_t *slot, struct frame_out *f)
{
	size_t used = 0;
	for (unsigned i = 0; i < 2 && used < TX_BUF_SIZE; i++) {
		size_t k = MIN(f->n[i], (size_t)TX_BUF_SIZE - used);
		if (k)
			memcpy(slot + used, f->p[i], k);
		f->p[i] += k;
		f->n[i] -= k;
		used += k;
	}
	return used;
}

/* Queues as many slots of the frame as are free, up to TX_BATCH, with one notification;
 * returns the bytes queued (0: no free slot). */
static size_t queue_some(struct frame_out *f)
{
	spin_lock(&con.dev->lock);
	reclaim_tx();
	size_t queued = 0;
	for (unsigned b = 0; b < TX_BATCH && con.nr_tx_free && frame_left(f); b++) {
		uint8_t *slot = con.tx_buf + (size_t)con.tx_free[--con.nr_tx_free] * TX_BUF_SIZE;
		size_t n = fill_slot(slot, f);
		struct vring_buf vb = {(uint64_t)(uintptr_t)slot, (uint32_t)n, 0};
		vring_add(&con.dev->vq[TXQ], &vb, 1, slot);
		queued += n;
	}
	if (queued)
		virtio_dev_notify(con.dev, TXQ);
	spin_unlock(&con.dev->lock);
	return queued;
}

static void console_send(const void *head, size_t head_len, const void *body, size_t body_len)
{
	struct frame_out f = {{head, body}, {head_len, body ? body_len : 0}};
	uint64_t freq = read_sysreg(cntfrq_el0);
	take_sender(true);
	uint64_t last = read_sysreg(cntpct_el0);
	while (frame_left(&f)) {
		if (queue_some(&f)) {
			last = read_sysreg(cntpct_el0);
		} else if (read_sysreg(cntpct_el0) - last > STALL_SECONDS * freq) {
			/* The device is not taking our bytes (its reader stopped reading): the
			 * frame is cut short; the client, if it comes back, says HELLO again. */
			con.stalls++;
			pr_warn("control console: nobody reads the control socket; %lu bytes of "
				"a reply dropped",
				(unsigned long)frame_left(&f));
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
	bool room = con.nr_tx_free >= (len + TX_BUF_SIZE - 1) / TX_BUF_SIZE;
	spin_unlock(&con.dev->lock);
	struct frame_out f = {{buf, NULL}, {len, 0}};
	while (room && frame_left(&f))
		queue_some(&f);
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
	const uint64_t features = VIRTIO_F_VERSION_1 | F_MULTIPORT;
	const char *why = virtio_dev_negotiate(d, features, features);
	/* Port 1's queues are 4 and 5 (virtio 1.2, 5.3.2). */
	if (!why && virtio_dev_config_read32(d, 4) <= CONTROL_PORT)
		why = "the device has no port 1 (max_nr_ports)";
	if (!why)
		why = virtio_dev_setup_queue(d, CTRL_RXQ, 2, CTRL_NBUF);
	if (!why)
		why = virtio_dev_setup_queue(d, CTRL_TXQ, 3, CTRL_NBUF);
	if (!why)
		why = virtio_dev_setup_queue(d, RXQ, 4, RX_NBUF);
	if (!why)
		why = virtio_dev_setup_queue(d, TXQ, 5, TX_NBUF);
	if (!why && (d->vq[RXQ].size < RX_NBUF || d->vq[TXQ].size < TX_NBUF ||
		     d->vq[CTRL_RXQ].size < CTRL_NBUF || d->vq[CTRL_TXQ].size < CTRL_NBUF))
		why = "queues too small";
	con.rx_buf = (uint8_t *)page_alloc_zeroed(RX_NBUF * RX_BUF_SIZE / PAGE_SIZE, PAGE_SIZE);
	con.tx_buf = (uint8_t *)page_alloc_zeroed(TX_NBUF * TX_BUF_SIZE / PAGE_SIZE, PAGE_SIZE);
	con.ctrl_buf = (uint8_t *)page_alloc_zeroed(1, PAGE_SIZE);
	if (!why && (!con.rx_buf || !con.tx_buf || !con.ctrl_buf))
		why = "out of memory for buffers";
	if (why) {
		pr_warn("virtio console at 0x%lx: %s", (unsigned long)d->regs, why);
		return;
	}
	con.dev = d;
	for (unsigned i = 0; i < RX_NBUF; i++)
		post_rx(con.rx_buf + i * RX_BUF_SIZE);
	for (unsigned i = 0; i < TX_NBUF; i++)
		con.tx_free[i] = (uint16_t)i;
	con.nr_tx_free = TX_NBUF;
	for (unsigned i = 0; i < CTRL_NBUF; i++)
		post_control_rx(con.ctrl_buf + i * CTRL_BUF_SIZE);
	con.ctrl_tx_free = (uint8_t)((1U << CTRL_NBUF) - 1);
	virtio_dev_driver_ok(d);
	virtio_dev_notify(d, RXQ);
	virtio_dev_notify(d, CTRL_RXQ);
	spin_lock(&d->lock);
	send_control(0, DEVICE_READY, 1); /* the device answers with its ports */
	drain_control();
	spin_unlock(&d->lock);
	mgmt_register_transport(&console_transport);
	if (!mgmt_enabled())
		return;
	host_irq_register(d->intid, console_irq, NULL);
	pr_info("control channel: virtio console at 0x%lx", (unsigned long)d->regs);
}
