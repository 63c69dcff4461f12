/* The virtio-mmio transport, version 2 (virtio 1.2, section 4.2.2), as pure register
 * logic: feature negotiation, device status, queue setup, notifications and the
 * interrupt status. A device type plugs in through struct virtio_dev_ops; its queues are
 * walked with virtq.h. Host-tested and fuzzed.
 *
 * Queue rules: what the driver writes into QueueNum/QueueDesc/QueueDriver/QueueDevice
 * lands in `reg`, never in the live queue `vq`; QueueReady=1 copies it into `vq` only
 * after virtq_check() accepts it. While a queue is ready its layout registers are
 * refused; QueueNum 0 (or above QueueNumMax) is refused always. Stopping a queue
 * (QueueReady=0, a status reset, NEEDS_RESET) and starting it again change its epoch:
 * requests taken before go back through virtio_mmio_push(), which drops them unless the
 * queue is still the one, same layout and epoch, they were taken from. The caller holds
 * the device's lock around every call here and around its use of `vq`. */
#ifndef TRIAD_VIRTIO_MMIO_H
#define TRIAD_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <triad/spinlock.h>
#include <triad/virtq.h>
#include <triad/vm_devices.h>

#define VIRTIO_MMIO_MAX_QUEUES	 4
#define VIRTIO_F_VERSION_1	 (1ULL << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ULL << 33) /* the driver maps buffers for the device */

/* The register window (virtio 1.2, 4.2.2), as devices and drivers both see it. */
enum virtio_mmio_reg {
	VMMIO_MAGIC = 0x000,
	VMMIO_VERSION = 0x004,
	VMMIO_DEVICE_ID = 0x008,
	VMMIO_VENDOR_ID = 0x00c,
	VMMIO_DEVICE_FEATURES = 0x010,
	VMMIO_DEVICE_FEATURES_SEL = 0x014,
	VMMIO_DRIVER_FEATURES = 0x020,
	VMMIO_DRIVER_FEATURES_SEL = 0x024,
	VMMIO_QUEUE_SEL = 0x030,
	VMMIO_QUEUE_NUM_MAX = 0x034,
	VMMIO_QUEUE_NUM = 0x038,
	VMMIO_QUEUE_READY = 0x044,
	VMMIO_QUEUE_NOTIFY = 0x050,
	VMMIO_INTERRUPT_STATUS = 0x060,
	VMMIO_INTERRUPT_ACK = 0x064,
	VMMIO_STATUS = 0x070,
	VMMIO_QUEUE_DESC_LOW = 0x080,
	VMMIO_QUEUE_DESC_HIGH = 0x084,
	VMMIO_QUEUE_DRIVER_LOW = 0x090,
	VMMIO_QUEUE_DRIVER_HIGH = 0x094,
	VMMIO_QUEUE_DEVICE_LOW = 0x0a0,
	VMMIO_QUEUE_DEVICE_HIGH = 0x0a4,
	VMMIO_CONFIG_GENERATION = 0x0fc,
	VMMIO_CONFIG = 0x100,
};

/* Device status bits */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER	  2
#define VIRTIO_STATUS_DRIVER_OK	  4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED	  128

/* InterruptStatus bits */
#define VIRTIO_INT_USED	  1
#define VIRTIO_INT_CONFIG 2

struct virtio_mmio;

struct virtio_dev_ops {
	uint32_t device_id; /* 1 net, 2 block, 3 console, ... */
	uint64_t features;  /* offered; VIRTIO_F_VERSION_1 is added by the transport */
	unsigned nr_queues;
	/* Device-specific configuration space, from offset 0x100. */
	bool (*config_read)(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val);
	bool (*config_write)(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t val);
	/* The driver notified queue q (it is ready). */
	void (*notify)(struct virtio_mmio *t, unsigned q);
	/* The driver reset the device: drop in-flight state. */
	void (*reset)(struct virtio_mmio *t);
	/* The driver stopped ready queue q (QueueReady=0); its requests still in flight
	 * will not be returned. Optional. */
	void (*queue_stopped)(struct virtio_mmio *t, unsigned q);
	/* The transport refused a driver's write (a register the spec forbids changing
	 * now, a value out of range): the device logs it against its VM. Optional. */
	void (*refused)(struct virtio_mmio *t, const char *what);
};

/* A queue's registers as the driver last wrote them: not checked, never walked. */
struct virtq_regs {
	uint16_t num;
	uint64_t desc_ipa, avail_ipa, used_ipa;
};

struct virtio_mmio {
	const struct virtio_dev_ops *ops;
	void *dev; /* the device type's own state */
	uint32_t status;
	uint32_t int_status;
	uint32_t config_generation;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	struct virtq_regs reg[VIRTIO_MMIO_MAX_QUEUES];
	struct virtq vq[VIRTIO_MMIO_MAX_QUEUES]; /* live: checked layouts only */
	/* Offered with the device's own features: VIRTIO_F_ACCESS_PLATFORM for a realm, whose
	 * buffers the device reaches only once shared (bounced through unprotected memory). */
	uint64_t platform_features;
};

void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_dev_ops *ops, void *dev);
/* Register accesses at offsets within the 0x200-byte window; false for an access the
 * transport does not allow (the caller injects an abort). `mem` checks queue rings. */
bool virtio_mmio_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val);
bool virtio_mmio_write(struct virtio_mmio *t, const struct virtq_mem *mem, uint32_t off,
		       unsigned size, uint64_t val);
/* The interrupt line: some unacknowledged cause. */
bool virtio_mmio_irq_level(const struct virtio_mmio *t);
/* A device's queue went bad: the device asks for a reset and stops using it. */
void virtio_mmio_set_broken(struct virtio_mmio *t);
/* Whether the driver finished setup and the device may process its queues. */
bool virtio_mmio_live(const struct virtio_mmio *t);

/* Whether queue qi is still live with the layout it had at `epoch` (and the device is
 * live): a chain taken then may be answered and returned. */
bool virtio_mmio_same_queue(const struct virtio_mmio *t, unsigned qi, uint32_t epoch);
/* What virtio_mmio_push() did with a used buffer. */
enum virtio_push {
	VIRTIO_PUSHED = 0,  /* returned; the used interrupt raised if the driver wants it */
	VIRTIO_STALE = 1,   /* dropped: the queue stopped or changed since the chain was taken */
	VIRTIO_BROKEN = -1, /* the used ring left guest RAM: the device now needs a reset */
};
/* Returns chain `head` of queue qi, taken while the queue's epoch was `epoch`, as used.
 * For requests that finish after the lock they were taken under was dropped (disk I/O):
 * the used ring written is always the checked layout the chain came from. */
enum virtio_push virtio_mmio_push(struct virtio_mmio *t, const struct virtq_mem *mem, unsigned qi,
				  uint32_t epoch, uint16_t head, uint32_t written,
				  const char **why);

/* The transport's state for a snapshot (the device type saves its own beside it). */
struct virtio_mmio_saved {
	uint32_t status, int_status, config_generation;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t driver_features;
	struct {
		uint64_t desc_ipa, avail_ipa, used_ipa;
		uint16_t size, next_avail, next_used, ready;
	} vq[VIRTIO_MMIO_MAX_QUEUES];
};
void virtio_mmio_save(const struct virtio_mmio *t, struct virtio_mmio_saved *s);
/* Checks the state as the registers would have (features the device offers, queue sizes,
 * rings of live queues inside guest memory); false changes nothing. */
bool virtio_mmio_restore(struct virtio_mmio *t, const struct virtq_mem *mem,
			 const struct virtio_mmio_saved *s);

/* What a virtio-mmio vdev's state starts with (its vdev's priv points at it): the VM, the
 * transport, the interrupt line, and the lock over them and the rest of the device. */
struct virtio_vdev {
	struct vm *vm;
	spinlock_t lock;
	struct virtio_mmio t;
	struct device_line line;
};
/* devices/vm_devices.c: the vdev_ops of such a device, the guest's accesses to the
 * transport, and snapshots of one whose state is all in its transport (restore passes the
 * line's level on). */
bool virtio_vdev_access(struct vdev *d, struct vcpu *v, struct mmio_access *a);
long virtio_vdev_save(struct vdev *d, void *buf, size_t len);
/* Returns a chain taken from queue qi at `epoch` to the VM (virtio_mmio_push), `written`
 * bytes in it; counted in the VM's statistics and traced. A broken queue is logged with
 * the device's name. With the device's lock held. */
void virtio_vdev_push(struct virtio_mmio *t, struct vm *vm, const char *name, unsigned qi,
		      uint32_t epoch, uint16_t head, uint32_t written);
int virtio_vdev_restore(struct vdev *d, const void *buf, size_t len);

#endif
