/* A VM's virtio-blk device: sectors [start, start + sectors) of one of the machine's disks.
 * Requests are decoded and range-checked here (virtio_blk_req.c), then go to the disk's
 * driver with the guest's buffers as they are; the guest learns of a write only once the
 * disk has completed it. A VM has at most VBLK_REQS requests in flight: beyond that its
 * requests wait in its own queue, so a busy VM cannot take the whole disk.
 *
 * Locking: d->io.lock covers the transport (registers and live queue) and the requests. A
 * vCPU's register access takes it; so does a request's completion, which runs on
 * whichever CPU takes the disk's interrupt (or polls it). A request remembers the epoch of
 * the queue it was taken from and goes back only if, under the lock, the queue is still
 * that one (virtio_mmio_push): a queue stopped, reset or set up anew in between gets
 * nothing written into it. */
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/log.h>
#include <triad/util.h>
#include <triad/virtio_blk.h>
#include <triad/virtio_mmio.h>
#include <triad/vm.h>
#include <triad/vm_devices.h>

#define VBLK_REQS 32

#define F_SEG_MAX	(1ULL << 2)
#define F_RO		(1ULL << 5)
#define F_FLUSH		(1ULL << 9)
#define F_INDIRECT_DESC (1ULL << 28)

struct vblk;

struct vblk_req {
	struct blk_request r;
	struct vblk *dev;
	uint8_t *status; /* the guest's */
	uint32_t written;
	uint32_t epoch; /* of the queue it was taken from */
	uint16_t head;
	bool busy;
};

struct vblk {
	struct virtio_vdev io; /* its lock: io, inflight and req */
	struct blkdev *disk;
	uint64_t start, sectors;
	bool read_only;
	char id[BLK_SERIAL_LEN];
	unsigned inflight;
	struct vblk_req req[VBLK_REQS];
};

/* Config space (virtio 1.2, 5.2.4): capacity, size_max, seg_max, geometry, blk_size. */
struct vblk_config {
	uint64_t capacity;
	uint32_t size_max, seg_max;
	uint8_t geometry[4];
	uint32_t blk_size;
} __attribute__((packed));

static void broken(struct vblk *d, const char *why)
{
	vm_warn(d->io.vm, "virtio-blk: %s: device needs a reset", why);
	virtio_mmio_set_broken(&d->io.t);
}

/* Returns a chain taken from the queue at `epoch`, if that queue is still the one. */
static void used(struct vblk *d, uint32_t epoch, uint16_t head, uint32_t written)
{
	virtio_vdev_push(&d->io.t, d->io.vm, "virtio-blk", 0, epoch, head, written);
}

/* GET_ID: answered here, the VM's name for the disk rather than the machine's. */
static uint32_t answer_id(struct vblk *d, const struct vblk_plan *p)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < p->ndata && n < sizeof(d->id); i++) {
		uint32_t k = MIN(p->data[i].len, (uint32_t)sizeof(d->id) - n);
		memcpy((void *)(uintptr_t)p->data[i].addr, d->id + n, k);
		n += k;
	}
	return n;
}

static struct vblk_req *free_req(struct vblk *d)
{
	for (unsigned i = 0; i < VBLK_REQS; i++)
		if (!d->req[i].busy)
			return &d->req[i];
	return NULL;
}

static void request_done(struct blk_request *r);

/* Takes the guest's requests while it has requests to spare. With d->io.lock held. */
static void process(struct vblk *d)
{
	struct virtq_mem m = {vm_guest_map, d->io.vm};
	struct virtq *q = &d->io.t.vq[0];
	while (virtio_mmio_live(&d->io.t) && q->ready && d->inflight < VBLK_REQS) {
		struct virtq_chain c;
		struct vblk_plan p;
		const char *why;
		enum virtq_status s = virtq_pop(q, &m, &c, &why);
		if (s == VIRTQ_EMPTY)
			return;
		if (s == VIRTQ_BROKEN) {
			broken(d, why);
			return;
		}
		int st = vblk_plan(&c, d->sectors, d->read_only, &p);
		if (st < 0) {
			broken(d, "request without a status byte");
			return;
		}
		uint32_t epoch = q->epoch;
		if (st == VIRTIO_BLK_S_OK && p.type == VIRTIO_BLK_T_GET_ID) {
			uint32_t n = answer_id(d, &p);
			*p.status = VIRTIO_BLK_S_OK;
			used(d, epoch, c.head, n + 1);
			continue;
		}
		if (st != VIRTIO_BLK_S_OK) {
			*p.status = (uint8_t)st;
			used(d, epoch, c.head, 1);
			continue;
		}
		struct vblk_req *rq = free_req(d);
		rq->busy = true;
		rq->dev = d;
		rq->head = c.head;
		rq->status = p.status;
		rq->epoch = epoch;
		rq->written = 1 + (p.type == VIRTIO_BLK_T_IN ? (uint32_t)p.data_len : 0);
		rq->r.done = request_done;
		d->inflight++;
		blkdev_submit(d->disk, &rq->r, p.type, d->start + p.sector, p.data, p.ndata);
	}
}

static void request_done(struct blk_request *r)
{
	struct vblk_req *rq = container_of(r, struct vblk_req, r);
	struct vblk *d = rq->dev;
	spin_lock(&d->io.lock);
	/* A request whose queue stopped, was reset or set up anew since it was taken has no
	 * queue to return to: its data is in the VM's memory, its status and used entry not. */
	if (virtio_mmio_same_queue(&d->io.t, 0, rq->epoch)) {
		uint8_t st = r->status <= VIRTIO_BLK_S_UNSUPP ? r->status : VIRTIO_BLK_S_IOERR;
		*rq->status = st;
		used(d, rq->epoch, rq->head, st == VIRTIO_BLK_S_OK ? rq->written : 1);
	}
	rq->busy = false;
	d->inflight--;
	/* A paused VM's disk finishes what it started and starts nothing (blk_resume). */
	if (d->io.vm->state != VM_PAUSED)
		process(d);
	device_unlock_line(d->io.vm, &d->io.lock, &d->io.line, virtio_mmio_irq_level(&d->io.t));
}

static bool config_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val)
{
	struct vblk *d = t->dev;
	struct vblk_config cfg = {
	    .capacity = d->sectors,
	    .seg_max = VBLK_SEG_MAX,
	    .blk_size = BLK_SECTOR,
	};
	if (off + size > sizeof(cfg))
		return false;
	*val = 0;
	memcpy(val, (uint8_t *)&cfg + off, size);
	return true;
}

static void notify(struct virtio_mmio *t, unsigned q)
{
	(void)q;
	process(t->dev);
}

/* The driver stopped the queue with QueueReady=0 (not a reset): legal, but what it had
 * at the disk then is not returned, which a driver may not expect. */
static void queue_stopped(struct virtio_mmio *t, unsigned q)
{
	struct vblk *d = t->dev;
	if (d->inflight)
		vm_warn(d->io.vm,
			"virtio-blk: queue %u stopped with %u requests at the disk: they finish "
			"but are not returned",
			q, d->inflight);
}

static void refused(struct virtio_mmio *t, const char *what)
{
	struct vblk *d = t->dev;
	vm_warn(d->io.vm, "virtio-blk: %s", what);
}

/* Read-write and read-only disks differ by F_RO only. */
#define BLK_OPS(ro)                                                                                \
	{                                                                                          \
		.device_id = 2, .features = F_SEG_MAX | F_FLUSH | F_INDIRECT_DESC | (ro),          \
		.nr_queues = 1, .config_read = config_read, .notify = notify,                      \
		.queue_stopped = queue_stopped, .refused = refused,                                \
	}
static const struct virtio_dev_ops blk_ops_rw = BLK_OPS(0), blk_ops_ro = BLK_OPS(F_RO);

/* The VM restarts: back to power-on state, then wait for its requests still at the disk.
 * Called before its memory is reloaded (vm_load_images), so their DMA lands in the old
 * memory, which is then scrubbed. The transport goes first: a completion meanwhile
 * neither returns its request nor takes new ones from the old queue. No vCPU of the VM
 * runs now. */
static void blk_reset(struct vdev *dev)
{
	struct vblk *d = dev->priv;
	spin_lock(&d->io.lock);
	virtio_mmio_init(&d->io.t, d->io.t.ops, d);
	spin_unlock(&d->io.lock);
	while (__atomic_load_n(&d->inflight, __ATOMIC_ACQUIRE))
		blkdev_poll(d->disk);
	device_line_init(&d->io.line, d->io.line.intid - 32);
}

/* A snapshot holds the transport only: requests at the disk must finish first (their
 * buffers and status bytes are in guest memory, which the snapshot holds). */
static long blk_save(struct vdev *dev, void *buf, size_t len)
{
	struct vblk *d = dev->priv;
	/* With the VM stopped no request starts; those in flight only finish. */
	if (__atomic_load_n(&d->inflight, __ATOMIC_ACQUIRE))
		return -EBUSY;
	return virtio_vdev_save(dev, buf, len);
}

static bool blk_busy(struct vdev *dev)
{
	struct vblk *d = dev->priv;
	return __atomic_load_n(&d->inflight, __ATOMIC_ACQUIRE) != 0;
}

/* Requests the guest queued while completions were held back are taken now. */
static void blk_resume(struct vdev *dev)
{
	struct vblk *d = dev->priv;
	spin_lock(&d->io.lock);
	process(d);
	device_unlock_line(d->io.vm, &d->io.lock, &d->io.line, virtio_mmio_irq_level(&d->io.t));
}

/* After blk_reset, which waited for the requests at the disk: nothing refers to it. */
static void blk_release(struct vdev *dev)
{
	vdev_free(dev->priv, sizeof(struct vblk));
}

static const struct vdev_ops vblk_vdev_ops = {
    .name = "virtio-blk",
    .access = virtio_vdev_access,
    .reset = blk_reset,
    .save = blk_save,
    .restore = virtio_vdev_restore,
    .release = blk_release,
    .busy = blk_busy,
    .resume = blk_resume,
};

int virtio_blk_create(struct vm *vm, const struct vdev_config *c, char *err, size_t errlen)
{
	const struct disk_config *cfg = (const struct disk_config *)c->data;
	unsigned index = c->index;
	struct blkdev *disk = blkdev_find(cfg->backend);
	if (!disk) {
		snprintf(err, errlen, "VM '%s': disk %u: the machine has no disk '%s'", vm->name,
			 index, cfg->backend);
		return -ENODEV;
	}
	uint64_t total = blkdev_sectors(disk);
	uint64_t sectors = cfg->sectors ? cfg->sectors : total - MIN(cfg->start, total);
	if (cfg->start > total || sectors > total - cfg->start || !sectors) {
		snprintf(err, errlen,
			 "VM '%s': disk %u: sectors %lu+%lu are not within disk '%s' (%lu sectors)",
			 vm->name, index, (unsigned long)cfg->start, (unsigned long)sectors,
			 cfg->backend, (unsigned long)total);
		return -ERANGE;
	}
	struct vblk *d = vdev_alloc(sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "VM '%s': disk %u: out of memory", vm->name, index);
		return -ENOMEM;
	}
	d->io.vm = vm;
	d->disk = disk;
	d->start = cfg->start;
	d->sectors = sectors;
	d->read_only = cfg->read_only || blkdev_read_only(disk);
	snprintf(d->id, sizeof(d->id), "%.12s-vd%c", vm->name, 'a' + index);
	spin_init(&d->io.lock);
	uint32_t spi;
	uint64_t base = vm_virtio_slot(vm, &spi);
	virtio_mmio_init(&d->io.t, d->read_only ? &blk_ops_ro : &blk_ops_rw, d);
	d->io.t.platform_features = vm->cfg->realm ? VIRTIO_F_ACCESS_PLATFORM : 0;
	device_line_init(&d->io.line, spi);
	if (vm_add_vdev(vm, &vblk_vdev_ops, base, 0x200, d, spi)) {
		vdev_free(d, sizeof(*d));
		snprintf(err, errlen, "VM '%s': too many devices", vm->name);
		return -ENOSPC;
	}
	pr_info("VM '%s': vd%c = disk '%s' sectors %lu..%lu%s", vm->name, 'a' + index, cfg->backend,
		(unsigned long)d->start, (unsigned long)(d->start + sectors - 1),
		d->read_only ? ", read-only" : "");
	return 0;
}
