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
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		t->vq[i] = (struct virtq){.size = 0};
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
	/* Queue layout may change only while the queue is not live. */
	bool q_settable = q && !q->ready;
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
		if (q_settable)
			q->size = v <= VIRTQ_MAX_SIZE ? (uint16_t)v : 0;
		break;
	case VMMIO_QUEUE_DESC_LOW:
	case VMMIO_QUEUE_DESC_HIGH:
		if (q_settable)
			set_half(&q->desc_ipa, off == VMMIO_QUEUE_DESC_HIGH, v);
		break;
	case VMMIO_QUEUE_DRIVER_LOW:
	case VMMIO_QUEUE_DRIVER_HIGH:
		if (q_settable)
			set_half(&q->avail_ipa, off == VMMIO_QUEUE_DRIVER_HIGH, v);
		break;
	case VMMIO_QUEUE_DEVICE_LOW:
	case VMMIO_QUEUE_DEVICE_HIGH:
		if (q_settable)
			set_half(&q->used_ipa, off == VMMIO_QUEUE_DEVICE_HIGH, v);
		break;
	case VMMIO_QUEUE_READY:
		if (!q)
			break;
		if (!(v & 1)) {
			q->ready = false;
		} else if (!q->ready) {
			/* A queue goes live only with a layout that checks out. */
			if (virtq_check(q, mem)) {
				virtio_mmio_set_broken(t);
				break;
			}
			q->next_avail = q->next_used = 0;
			q->ready = true;
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
		t->vq[i].ready = false;
	t->config_generation++;
	t->int_status |= VIRTIO_INT_CONFIG; /* the driver learns of it through a config change */
}

bool virtio_mmio_live(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_NEEDS_RESET);
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
		const struct virtq *q = &t->vq[i];
		s->vq[i].desc_ipa = q->desc_ipa;
		s->vq[i].avail_ipa = q->avail_ipa;
		s->vq[i].used_ipa = q->used_ipa;
		s->vq[i].size = q->size;
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
	if ((s->status & ~status_bits) ||
	    (s->int_status & ~(uint32_t)(VIRTIO_INT_USED | VIRTIO_INT_CONFIG)) ||
	    (s->driver_features & ~offered(t)))
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
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		t->vq[i] = vq[i];
	return true;
}
