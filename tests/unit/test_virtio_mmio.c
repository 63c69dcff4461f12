// sources: devices/virtio_mmio.c devices/virtq.c
/* Host tests for the virtio-mmio transport: the driver's setup sequence (virtio 1.2,
 * 3.1.1 and 4.2.3), and what it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/virtio_mmio.h>

#define RAM_IPA	 0x40000000UL
#define RAM_SIZE 0x10000UL

static _Alignas(4096) uint8_t ram[RAM_SIZE];
static unsigned notified[VIRTIO_MMIO_MAX_QUEUES], resets;

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	if (ipa < RAM_IPA || ipa - RAM_IPA > RAM_SIZE || len > RAM_SIZE - (ipa - RAM_IPA))
		return NULL;
	return ram + (ipa - RAM_IPA);
}

static void notify(struct virtio_mmio *t, unsigned q)
{
	(void)t;
	notified[q]++;
}

static void reset(struct virtio_mmio *t)
{
	(void)t;
	resets++;
}

static bool config_read(struct virtio_mmio *t, uint32_t off, unsigned size, uint64_t *val)
{
	(void)t;
	if (off >= 8 || size > 4)
		return false;
	*val = 0x50 + off;
	return true;
}

static const struct virtio_dev_ops ops = {.device_id = 3,
					  .features = 1ULL << 1,
					  .nr_queues = 2,
					  .config_read = config_read,
					  .notify = notify,
					  .reset = reset};
static const struct virtq_mem mem = {map, NULL};
static struct virtio_mmio t;

static int setup(void **state)
{
	(void)state;
	memset(notified, 0, sizeof(notified));
	resets = 0;
	virtio_mmio_init(&t, &ops, NULL);
	return 0;
}

static uint64_t rd(uint32_t off)
{
	uint64_t v = 0xdead;
	assert_true(virtio_mmio_read(&t, off, 4, &v));
	return v;
}

static void wr(uint32_t off, uint32_t v)
{
	assert_true(virtio_mmio_write(&t, &mem, off, 4, v));
}

static void negotiate(uint64_t features)
{
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x24, 0);
	wr(0x20, (uint32_t)features);
	wr(0x24, 1);
	wr(0x20, (uint32_t)(features >> 32));
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue(unsigned q, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(0x30, q);
	assert_int_equal(rd(0x34), VIRTQ_MAX_SIZE);
	wr(0x38, 8);
	wr(0x80, (uint32_t)desc);
	wr(0x84, (uint32_t)(desc >> 32));
	wr(0x90, (uint32_t)avail);
	wr(0x94, 0);
	wr(0xa0, (uint32_t)used);
	wr(0xa4, 0);
	wr(0x44, 1);
}

static void identity_and_setup_sequence(void **state)
{
	(void)state;
	assert_int_equal(rd(0x000), 0x74726976);
	assert_int_equal(rd(0x004), 2);
	assert_int_equal(rd(0x008), 3);
	wr(0x14, 0);
	assert_int_equal(rd(0x10), 1U << 1);
	wr(0x14, 1);
	assert_int_equal(rd(0x10), 1); /* VERSION_1 */
	negotiate(VIRTIO_F_VERSION_1 | (1ULL << 1));
	assert_true(rd(0x70) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(0, RAM_IPA, RAM_IPA + 0x1000, RAM_IPA + 0x2000);
	assert_int_equal(rd(0x44), 1);
	/* Not DRIVER_OK yet: notifications are not passed on. */
	wr(0x50, 0);
	assert_int_equal(notified[0], 0);
	wr(0x70, rd(0x70) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_mmio_live(&t));
	wr(0x50, 0);
	wr(0x50, 1); /* queue 1 is not ready */
	wr(0x50, 7); /* no such queue */
	assert_int_equal(notified[0], 1);
	assert_int_equal(notified[1], 0);
	/* A live queue's layout cannot be changed under the device. */
	wr(0x30, 0);
	wr(0x80, 0x1234);
	assert_int_equal(t.vq[0].desc_ipa, RAM_IPA);
	/* Interrupt status and acknowledgement. */
	t.int_status = VIRTIO_INT_USED;
	assert_true(virtio_mmio_irq_level(&t));
	wr(0x64, VIRTIO_INT_USED);
	assert_false(virtio_mmio_irq_level(&t));
	/* Config space goes to the device. */
	uint64_t v;
	assert_true(virtio_mmio_read(&t, 0x104, 4, &v));
	assert_int_equal(v, 0x54);
	assert_false(virtio_mmio_write(&t, &mem, 0x100, 4, 1)); /* no config_write */
	/* Writing 0 to Status resets everything. */
	wr(0x70, 0);
	assert_int_equal(resets, 1);
	assert_int_equal(rd(0x70), 0);
	wr(0x30, 0);
	assert_int_equal(rd(0x44), 0);
}

static void refused_features_and_bad_queues(void **state)
{
	(void)state;
	/* Without VERSION_1, or with a feature not offered, FEATURES_OK does not stick. */
	negotiate(1ULL << 1);
	assert_false(rd(0x70) & VIRTIO_STATUS_FEATURES_OK);
	wr(0x70, 0);
	negotiate(VIRTIO_F_VERSION_1 | (1ULL << 5));
	assert_false(rd(0x70) & VIRTIO_STATUS_FEATURES_OK);
	wr(0x70, 0);
	negotiate(VIRTIO_F_VERSION_1);
	/* A queue whose rings are not in guest RAM breaks the device: NEEDS_RESET and a
	 * configuration-change interrupt tell the driver. */
	setup_queue(1, RAM_IPA + RAM_SIZE, RAM_IPA + 0x1000, RAM_IPA + 0x2000);
	assert_int_equal(rd(0x44), 0);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(rd(0x60) & VIRTIO_INT_CONFIG);
	/* The driver's later status writes do not clear the device's NEEDS_RESET. */
	wr(0x70, rd(0x70) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(virtio_mmio_live(&t));
	/* Bad sizes and alignment: refused (an abort for the guest). */
	uint64_t v;
	assert_false(virtio_mmio_read(&t, 0x70, 2, &v));
	assert_false(virtio_mmio_write(&t, &mem, 0x72, 4, 0));
	/* A queue size that is not a power of two cannot go live. */
	wr(0x70, 0);
	negotiate(VIRTIO_F_VERSION_1);
	wr(0x30, 0);
	wr(0x38, 6);
	wr(0x44, 1);
	assert_int_equal(rd(0x44), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(identity_and_setup_sequence, setup),
	    cmocka_unit_test_setup(refused_features_and_bad_queues, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
