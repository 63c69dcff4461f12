/* Triad's virtio-mmio driver core (virtio 1.2, 4.2.3): probing the machine's slots and the
 * setup steps every device goes through. The device-type drivers (blk.c, net.c) sit on it. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/mem.h>
#include <triad/util.h>
#include <triad/virtio_drv.h>
#include <triad/virtio_mmio.h>

#define MAX_DEVICES 8
static struct virtio_dev devices[MAX_DEVICES];

static uint32_t rd(struct virtio_dev *d, uint32_t off)
{
	return *(volatile uint32_t *)(d->regs + off);
}

static void wr(struct virtio_dev *d, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(d->regs + off) = v;
}

static void wr64(struct virtio_dev *d, uint32_t off, uint64_t v)
{
	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

const char *virtio_dev_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t needed)
{
	wr(d, VMMIO_STATUS, 0); /* reset */
	wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	uint64_t offered = 0;
	for (uint32_t sel = 0; sel < 2; sel++) {
		wr(d, VMMIO_DEVICE_FEATURES_SEL, sel);
		offered |= (uint64_t)rd(d, VMMIO_DEVICE_FEATURES) << (32 * sel);
	}
	if ((offered & needed) != needed) {
		wr(d, VMMIO_STATUS, VIRTIO_STATUS_FAILED);
		return "device lacks features the driver needs (is it virtio 1.x? QEMU needs "
		       "-global virtio-mmio.force-legacy=false)";
	}
	d->features = offered & wanted;
	for (uint32_t sel = 0; sel < 2; sel++) {
		wr(d, VMMIO_DRIVER_FEATURES_SEL, sel);
		wr(d, VMMIO_DRIVER_FEATURES, (uint32_t)(d->features >> (32 * sel)));
	}
	uint32_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	wr(d, VMMIO_STATUS, s);
	if (!(rd(d, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		wr(d, VMMIO_STATUS, VIRTIO_STATUS_FAILED);
		return "device refused the feature set";
	}
	return NULL;
}

const char *virtio_dev_setup_queue(struct virtio_dev *d, unsigned slot, unsigned index,
				   uint16_t size)
{
	if (slot >= VIRTIO_DRV_MAX_QUEUES)
		return "too many queues";
	wr(d, VMMIO_QUEUE_SEL, index);
	if (rd(d, VMMIO_QUEUE_READY))
		return "queue already live";
	uint32_t max = rd(d, VMMIO_QUEUE_NUM_MAX);
	if (max < size)
		size = (uint16_t)max;
	while (size & (size - 1))
		size &= (uint16_t)(size - 1); /* a power of two, as split rings need */
	if (!size)
		return "queue unavailable";
	uint64_t bytes = vring_mem_size(size);
	uint64_t mem = page_alloc_zeroed(bytes / PAGE_SIZE, PAGE_SIZE);
	if (!mem)
		return "out of memory for its ring";
	struct vring *r = &d->vq[slot];
	d->queue_index[slot] = (uint16_t)index;
	vring_init(r, size, (void *)mem);
	wr(d, VMMIO_QUEUE_NUM, size);
	wr64(d, VMMIO_QUEUE_DESC_LOW, (uint64_t)r->desc);
	wr64(d, VMMIO_QUEUE_DRIVER_LOW, (uint64_t)(uintptr_t)r->avail);
	wr64(d, VMMIO_QUEUE_DEVICE_LOW, (uint64_t)(uintptr_t)r->used);
	wr(d, VMMIO_QUEUE_READY, 1);
	return NULL;
}

void virtio_dev_driver_ok(struct virtio_dev *d)
{
	wr(d, VMMIO_STATUS, rd(d, VMMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

uint32_t virtio_dev_config_read32(struct virtio_dev *d, uint32_t off)
{
	return rd(d, VMMIO_CONFIG + off);
}

void virtio_dev_notify(struct virtio_dev *d, unsigned slot)
{
	dsb(st); /* the rings reach the device's view of memory before it looks */
	wr(d, VMMIO_QUEUE_NOTIFY, d->queue_index[slot]);
}

uint32_t virtio_dev_ack_irq(struct virtio_dev *d)
{
	uint32_t s = rd(d, VMMIO_INTERRUPT_STATUS);
	if (s)
		wr(d, VMMIO_INTERRUPT_ACK, s);
	return s;
}

/* Finds the physical devices of each type (core/platform gives the slots) and hands each
 * to its driver. */
static void virtio_drivers_init(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < plat.nvirtio && n < MAX_DEVICES; i++) {
		struct virtio_dev *d = &devices[n];
		d->regs = plat.virtio[i].base;
		d->intid = plat.virtio[i].intid;
		if (rd(d, VMMIO_MAGIC) != 0x74726976)
			continue;
		d->device_id = rd(d, VMMIO_DEVICE_ID);
		if (!d->device_id)
			continue; /* an empty slot */
		if (rd(d, VMMIO_VERSION) != 2) {
			pr_warn("virtio device %u at 0x%lx: legacy interface, not used (QEMU: "
				"-global virtio-mmio.force-legacy=false)",
				d->device_id, (unsigned long)d->regs);
			continue;
		}
		spin_init(&d->lock);
		n++;
		if (d->device_id == 2)
			virtio_blk_driver_probe(d);
		else if (d->device_id == 1)
			virtio_net_driver_probe(d);
		else if (d->device_id == 3)
			virtio_console_driver_probe(d);
		else
			pr_info("virtio device type %u at 0x%lx: no driver", d->device_id,
				(unsigned long)d->regs);
	}
}

FEATURE(40, virtio_drivers) = {.init = virtio_drivers_init};
