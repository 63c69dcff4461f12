/* virtio-mmio version 2 registers (virtio 1.2, 4.2.2). */
#include <stddef.h>
#include <triad/virtio_mmio.h>

#define MAGIC  0x74726976 /* "virt" */
#define VENDOR 0x44415254 /* "TRAD" */

static void reset_state(struct virtio_mmio *t)
{
	t->status = 0;
	t->int_status = 0;
	t->dev_features_sel = t->drv_features_sel = 0;
	t->driver_features = 0;
	t->queue_sel = 0;
	/* Epochs only move forward: a request from before the reset matches no queue. */
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		t->vq[i] = (struct virtq){.epoch = t->vq[i].epoch + 1};
		t->reg[i] = (struct virtq_regs){.num = 0};
	}
}

static void refuse(struct virtio_mmio *t, const char *what)
{
	if (t->ops->refused)
		t->ops->refused(t, what);
}

/* The queue stops: chains taken from it will not be returned into it. */
static void stop_queue(struct virtq *q)
{
	q->ready = false;
	q->epoch++;
}

/* QueueReady=1: the registers become the live queue if they check out. */
static void start_queue(struct virtio_mmio *t, const struct virtq_mem *mem, unsigned qi)
{
	const struct virtq_regs *r = &t->reg[qi];
	struct virtq q = {
	    .size = r->num,
	    .desc_ipa = r->desc_ipa,
	    .avail_ipa = r->avail_ipa,
	    .used_ipa = r->used_ipa,
	    .ready = true,
	    .epoch = t->vq[qi].epoch + 1,
	};
	const char *why = virtq_check(&q, mem);
	if (why) {
		refuse(t, why);
		virtio_mmio_set_broken(t); /* NEEDS_RESET: the driver learns of it */
		return;
	}
	t->vq[qi] = q;
}

void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_dev_ops *ops, void *dev)
{
	t->ops = ops;
	t->dev = dev;
	t->config_generation = 0;
	reset_state(t);
}

static uint64_t offered(const struct virtio_mmio *t)
{
	return t->ops->features | VIRTIO_F_VERSION_1 | t->platform_features;
}

/* The selected queue, or NULL if QueueSel names none. */
static struct virtq *selected(struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->nr_queues ? &t->vq[t->queue_sel] : NULL;
}

/* The selected queue's registers if the driver may write them now, else NULL (refused
 * and logged: a live queue's layout cannot change under the requests taken from it). */
static struct virtq_regs *settable(struct virtio_mmio *t)
{
	struct virtq *q = selected(t);
	if (!q)
		return NULL;
	if (q->ready) {
		refuse(t, "queue layout written while the queue is ready: ignored");
		return NULL;
	}
	return &t->reg[t->queue_sel];
}

bool virtio_mmio_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val)
{
	if (off >= VMMIO_CONFIG)
		return t->ops->config_read && t->ops->config_read(t, off - VMMIO_CONFIG, size, val);
	if (size != 4 || off % 4)
		return false;
	struct virtq *q = selected(t);
	switch (off) {
	case VMMIO_MAGIC:
		*val = MAGIC;
		break;
	case VMMIO_VERSION:
		*val = 2;
		break;
	case VMMIO_DEVICE_ID:
		*val = t->ops->device_id;
		break;
	case VMMIO_VENDOR_ID:
		*val = VENDOR;
		break;
	case VMMIO_DEVICE_FEATURES:
		*val = t->dev_features_sel > 1
			   ? 0
			   : (uint32_t)(offered(t) >> (32 * t->dev_features_sel));
		break;
	case VMMIO_QUEUE_NUM_MAX:
		*val = q ? VIRTQ_MAX_SIZE : 0;
		break;
	case VMMIO_QUEUE_READY:
		*val = q && q->ready;
		break;
	case VMMIO_INTERRUPT_STATUS:
		*val = t->int_status;
		break;
	case VMMIO_STATUS:
		*val = t->status;
		break;
	case VMMIO_CONFIG_GENERATION:
		*val = t->config_generation;
		break;
	default:
		*val = 0; /* write-only and reserved registers read as zero */
		break;
	}
	return true;
}

/* The 64-bit ring addresses arrive as two 32-bit halves. */
static void set_half(uint64_t *reg, bool high, uint32_t v)
{
	*reg = high ? ((*reg & 0xffffffffULL) | (uint64_t)v << 32) : ((*reg & ~0xffffffffULL) | v);
}

static void write_status(struct virtio_mmio *t, uint32_t v)
{
	if (!v) {
		if (t->ops->reset)
			t->ops->reset(t);
		reset_state(t);
		return;
	}
	/* Only the bits the spec gives the driver (what a snapshot restores, too). */
	v &= VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |
	     VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED;
	/* FEATURES_OK only sticks for a feature set the device offered, with VERSION_1
	 * (a legacy driver is not supported by this version-2 transport). */
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(t->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((t->driver_features & ~offered(t)) || !(t->driver_features & VIRTIO_F_VERSION_1)))
		v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
	/* The device's own bit survives the driver's writes. */
	t->status =
	    (v & ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET) | (t->status & VIRTIO_STATUS_NEEDS_RESET);
}

bool virtio_mmio_write(struct virtio_mmio *t, const struct virtq_mem *mem, uint32_t off,
		       unsigned size, uint64_t val)
{
	if (off >= VMMIO_CONFIG)
		return t->ops->config_write &&
		       t->ops->config_write(t, off - VMMIO_CONFIG, size, val);
	if (size != 4 || off % 4)
		return false;
	uint32_t v = (uint32_t)val;
	struct virtq *q = selected(t);
	struct virtq_regs *r;
	switch (off) {
	case VMMIO_DEVICE_FEATURES_SEL:
		t->dev_features_sel = v;
		break;
	case VMMIO_DRIVER_FEATURES_SEL:
		t->drv_features_sel = v;
		break;
	case VMMIO_DRIVER_FEATURES:
		if (t->drv_features_sel <= 1 && !(t->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&t->driver_features, t->drv_features_sel == 1, v);
		break;
	case VMMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VMMIO_QUEUE_NUM:
		if (!(r = settable(t)))
			break;
		if (!v || v > VIRTQ_MAX_SIZE)
			refuse(t, "QueueNum 0 or above QueueNumMax: refused");
		else
			r->num = (uint16_t)v;
		break;
	case VMMIO_QUEUE_DESC_LOW:
	case VMMIO_QUEUE_DESC_HIGH:
		if ((r = settable(t)))
			set_half(&r->desc_ipa, off == VMMIO_QUEUE_DESC_HIGH, v);
		break;
	case VMMIO_QUEUE_DRIVER_LOW:
	case VMMIO_QUEUE_DRIVER_HIGH:
		if ((r = settable(t)))
			set_half(&r->avail_ipa, off == VMMIO_QUEUE_DRIVER_HIGH, v);
		break;
	case VMMIO_QUEUE_DEVICE_LOW:
	case VMMIO_QUEUE_DEVICE_HIGH:
		if ((r = settable(t)))
			set_half(&r->used_ipa, off == VMMIO_QUEUE_DEVICE_HIGH, v);
		break;
	case VMMIO_QUEUE_READY:
		if (!q)
			break;
		if (!(v & 1)) {
			if (q->ready) {
				stop_queue(q);
				if (t->ops->queue_stopped)
					t->ops->queue_stopped(t, t->queue_sel);
			}
		} else if (!q->ready) {
			start_queue(t, mem, t->queue_sel);
		}
		break;
	case VMMIO_QUEUE_NOTIFY:
		if (v < t->ops->nr_queues && t->vq[v].ready && virtio_mmio_live(t) &&
		    t->ops->notify)
			t->ops->notify(t, v);
		break;
	case VMMIO_INTERRUPT_ACK:
		t->int_status &= ~v;
		break;
	case VMMIO_STATUS:
		write_status(t, v);
		break;
	default:
		break; /* read-only and reserved registers ignore writes */
	}
	return true;
}

bool virtio_mmio_irq_level(const struct virtio_mmio *t)
{
	return t->int_status != 0;
}

void virtio_mmio_set_broken(struct virtio_mmio *t)
{
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		if (t->vq[i].ready)
			stop_queue(&t->vq[i]);
	t->config_generation++;
	t->int_status |= VIRTIO_INT_CONFIG; /* the driver learns of it through a config change */
}

bool virtio_mmio_live(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_NEEDS_RESET);
}

bool virtio_mmio_same_queue(const struct virtio_mmio *t, unsigned qi, uint32_t epoch)
{
	/* Ready with the same epoch: the very layout checked when the chain was taken. */
	return qi < t->ops->nr_queues && t->vq[qi].ready && t->vq[qi].epoch == epoch &&
	       virtio_mmio_live(t);
}

enum virtio_push virtio_mmio_push(struct virtio_mmio *t, const struct virtq_mem *mem, unsigned qi,
				  uint32_t epoch, uint16_t head, uint32_t written, const char **why)
{
	if (!virtio_mmio_same_queue(t, qi, epoch))
		return VIRTIO_STALE;
	struct virtq *q = &t->vq[qi];
	if (!virtq_push(q, mem, head, written, why)) {
		virtio_mmio_set_broken(t);
		return VIRTIO_BROKEN;
	}
	if (virtq_wants_interrupt(q, mem))
		t->int_status |= VIRTIO_INT_USED;
	return VIRTIO_PUSHED;
}

void virtio_mmio_save(const struct virtio_mmio *t, struct virtio_mmio_saved *s)
{
	*s = (struct virtio_mmio_saved){
	    .status = t->status,
	    .int_status = t->int_status,
	    .config_generation = t->config_generation,
	    .dev_features_sel = t->dev_features_sel,
	    .drv_features_sel = t->drv_features_sel,
	    .queue_sel = t->queue_sel,
	    .driver_features = t->driver_features,
	};
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		/* While ready, the registers are the live layout (writes to them are refused). */
		const struct virtq *q = &t->vq[i];
		const struct virtq_regs *r = &t->reg[i];
		s->vq[i].desc_ipa = r->desc_ipa;
		s->vq[i].avail_ipa = r->avail_ipa;
		s->vq[i].used_ipa = r->used_ipa;
		s->vq[i].size = r->num;
		s->vq[i].next_avail = q->next_avail;
		s->vq[i].next_used = q->next_used;
		s->vq[i].ready = q->ready;
	}
}

bool virtio_mmio_restore(struct virtio_mmio *t, const struct virtq_mem *mem,
			 const struct virtio_mmio_saved *s)
{
	const uint32_t status_bits = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				     VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK |
				     VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED;
	/* Before FEATURES_OK the driver may have written any features (they are refused
	 * then); after it, only offered ones. */
	if ((s->status & ~status_bits) ||
	    (s->int_status & ~(uint32_t)(VIRTIO_INT_USED | VIRTIO_INT_CONFIG)) ||
	    ((s->status & VIRTIO_STATUS_FEATURES_OK) && (s->driver_features & ~offered(t))))
		return false;
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES];
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		vq[i] = (struct virtq){
		    .size = s->vq[i].size,
		    .desc_ipa = s->vq[i].desc_ipa,
		    .avail_ipa = s->vq[i].avail_ipa,
		    .used_ipa = s->vq[i].used_ipa,
		    .next_avail = s->vq[i].next_avail,
		    .next_used = s->vq[i].next_used,
		    .ready = s->vq[i].ready,
		    .epoch = t->vq[i].epoch + 1,
		};
		bool exists = i < t->ops->nr_queues;
		if (s->vq[i].ready > 1 || (!exists && (vq[i].size || vq[i].ready)) ||
		    vq[i].size > VIRTQ_MAX_SIZE || (vq[i].ready && virtq_check(&vq[i], mem)))
			return false;
	}
	t->status = s->status;
	t->int_status = s->int_status;
	t->config_generation = s->config_generation;
	t->dev_features_sel = s->dev_features_sel;
	t->drv_features_sel = s->drv_features_sel;
	t->queue_sel = s->queue_sel;
	t->driver_features = s->driver_features;
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++) {
		/* The live queue holds a checked layout or none. */
		t->vq[i] = vq[i].ready ? vq[i] : (struct virtq){.epoch = vq[i].epoch};
		t->reg[i] = (struct virtq_regs){vq[i].size, vq[i].desc_ipa, vq[i].avail_ipa,
						vq[i].used_ipa};
	}
	return true;
}
