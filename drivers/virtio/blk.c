/* Triad's driver for the machine's virtio-blk disks. Every request uses one ring entry
 * pointing at an indirect table inside the request itself, so the ring never runs short
 * of descriptors; requests beyond the ring's size wait in a FIFO. Each VM's disk device
 * owns a bounded set of requests (devices/virtio_blk.c), which keeps one VM's I/O from
 * crowding out another's. */
#include <string.h>
#include <triad/blkdev.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/virtio_drv.h>
#include <triad/virtio_mmio.h>

#define F_RO		(1ULL << 5)
#define F_FLUSH		(1ULL << 9)
#define F_INDIRECT_DESC (1ULL << 28)
#define MAX_DISKS	8
#define RING_SIZE	128

struct blkdev {
	struct virtio_dev *dev;
	char serial[BLK_SERIAL_LEN + 1];
	uint64_t sectors;
	struct blk_request *wait_head, *wait_tail; /* the ring was full */
};

static struct blkdev disks[MAX_DISKS];
static unsigned nr_disks;

/* With the device lock held. */
static bool post(struct blkdev *b, struct blk_request *r)
{
	unsigned n = 0;
	while (r->table[n].flags & VRING_DESC_F_NEXT)
		n++;
	struct vring_buf buf = {(uint64_t)(uintptr_t)r->table, (uint32_t)((n + 1) * 16),
				VRING_DESC_F_INDIRECT};
	return vring_add(&b->dev->vq[0], &buf, 1, r);
}

void blkdev_submit(struct blkdev *b, struct blk_request *r, uint32_t type, uint64_t sector,
		   const struct blk_seg *seg, unsigned nseg)
{
	r->hdr.type = type;
	r->hdr.reserved = 0;
	r->hdr.sector = sector;
	r->status = 0xff;
	r->next_waiting = NULL;
	bool device_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned n = 0;
	r->table[n++] = (struct vring_desc){(uint64_t)(uintptr_t)&r->hdr, sizeof(r->hdr), 0, 0};
	for (unsigned i = 0; i < nseg; i++)
		r->table[n++] = (struct vring_desc){seg[i].addr, seg[i].len,
						    device_writes ? VRING_DESC_F_WRITE : 0, 0};
	r->table[n++] =
	    (struct vring_desc){(uint64_t)(uintptr_t)&r->status, 1, VRING_DESC_F_WRITE, 0};
	for (unsigned i = 0; i + 1 < n; i++) {
		r->table[i].flags |= VRING_DESC_F_NEXT;
		r->table[i].next = (uint16_t)(i + 1);
	}
	spin_lock(&b->dev->lock);
	if (b->wait_head || !post(b, r)) {
		if (b->wait_tail)
			b->wait_tail->next_waiting = r;
		else
			b->wait_head = r;
		b->wait_tail = r;
	} else {
		virtio_dev_notify(b->dev, 0);
	}
	spin_unlock(&b->dev->lock);
}

void blkdev_poll(struct blkdev *b)
{
	for (;;) {
		struct blk_request *done[16];
		unsigned n = 0;
		spin_lock(&b->dev->lock);
		virtio_dev_ack_irq(b->dev);
		void *cookie;
		uint32_t len;
		bool bad;
		while (n < ARRAY_SIZE(done) && vring_get_used(&b->dev->vq[0], &cookie, &len, &bad))
			done[n++] = cookie;
		if (bad)
			pr_err("disk %s: the device returned a request it was not given",
			       b->serial);
		/* Room in the ring again: the requests that waited go first. */
		bool posted = false;
		while (b->wait_head && post(b, b->wait_head)) {
			b->wait_head = b->wait_head->next_waiting;
			posted = true;
		}
		if (!b->wait_head)
			b->wait_tail = NULL;
		if (posted)
			virtio_dev_notify(b->dev, 0);
		spin_unlock(&b->dev->lock);
		if (!n)
			return;
		for (unsigned i = 0; i < n; i++)
			done[i]->done(done[i]);
	}
}

static void blk_irq(void *ctx)
{
	blkdev_poll(ctx);
}

struct blkdev *blkdev_find(const char *serial)
{
	for (unsigned i = 0; i < nr_disks; i++)
		if (!strcmp(disks[i].serial, serial))
			return &disks[i];
	return NULL;
}

uint64_t blkdev_sectors(const struct blkdev *b)
{
	return b->sectors;
}

bool blkdev_read_only(const struct blkdev *b)
{
	return b->dev->features & F_RO;
}

static void probe_done(struct blk_request *r)
{
	(void)r;
}

/* At boot, before interrupts: one request, waited for by polling. */
static uint8_t sync_request(struct blkdev *b, uint32_t type, void *buf, uint32_t len)
{
	static struct blk_request r;
	struct blk_seg seg = {(uint64_t)(uintptr_t)buf, len};
	r.done = probe_done;
	blkdev_submit(b, &r, type, 0, &seg, len ? 1 : 0);
	while (r.status == 0xff)
		blkdev_poll(b);
	return r.status;
}

void virtio_blk_driver_probe(struct virtio_dev *d)
{
	if (nr_disks == MAX_DISKS) {
		pr_warn("virtio-blk at 0x%lx: more than %u disks, ignored", (unsigned long)d->regs,
			MAX_DISKS);
		return;
	}
	const char *why =
	    virtio_dev_negotiate(d, VIRTIO_F_VERSION_1 | F_INDIRECT_DESC | F_FLUSH | F_RO,
				 VIRTIO_F_VERSION_1 | F_INDIRECT_DESC);
	if (!why)
		why = virtio_dev_setup_queue(d, 0, 0, RING_SIZE);
	if (why) {
		pr_warn("virtio-blk at 0x%lx: %s", (unsigned long)d->regs, why);
		return;
	}
	virtio_dev_driver_ok(d);
	struct blkdev *b = &disks[nr_disks];
	b->dev = d;
	b->sectors = virtio_dev_config_read32(d, 0) | (uint64_t)virtio_dev_config_read32(d, 4)
							  << 32;
	static char id[BLK_SERIAL_LEN] __attribute__((aligned(8)));
	memset(id, 0, sizeof(id));
	if (sync_request(b, VIRTIO_BLK_T_GET_ID, id, sizeof(id)) != VIRTIO_BLK_S_OK) {
		pr_warn("virtio-blk at 0x%lx: no serial number: not usable by a VM",
			(unsigned long)d->regs);
		return;
	}
	memcpy(b->serial, id, BLK_SERIAL_LEN);
	b->serial[BLK_SERIAL_LEN] = '\0';
	nr_disks++;
	host_irq_register(d->intid, blk_irq, b);
	pr_info("disk '%s': %lu MB%s%s", b->serial, (unsigned long)(b->sectors >> 11),
		blkdev_read_only(b) ? ", read-only" : "",
		d->features & F_FLUSH ? ", write cache flushed on request" : "");
}
