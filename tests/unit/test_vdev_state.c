// sources: devices/vdev_state.c devices/vpl0*.c devices/virtio_mmio.c devices/virtq.c
/* Host tests for device snapshots: each device's state survives save and restore, and a
 * restore refuses state that does not fit the device, changing nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <triad/errno.h>
#include <triad/vdev.h>
#include <triad/virtio_mmio.h>
#include <triad/vpl011.h>
#include <triad/vpl031.h>

static char out[64];
static unsigned nout;
static void putc_cb(void *ctx, char c)
{
	(void)ctx;
	if (nout < sizeof(out))
		out[nout++] = c;
}

static void pl011_round_trip(void **state)
{
	(void)state;
	struct vpl011 a, b;
	vpl011_init(&a, putc_cb, NULL);
	vpl011_init(&b, putc_cb, NULL);
	vpl011_write(&a, 0x038, 4, 0x50); /* IMSC: RX and RT */
	vpl011_write(&a, 0x024, 4, 13);	  /* IBRD */
	vpl011_rx(&a, 'h');
	vpl011_rx(&a, 'i');
	struct vpl011_saved s;
	vpl011_save(&a, &s);
	assert_true(vpl011_restore(&b, &s));
	/* b now behaves as a did: same interrupt, same pending input, same registers. */
	assert_true(vpl011_irq_level(&b));
	uint64_t v;
	assert_true(vpl011_read(&b, 0x024, 4, &v));
	assert_int_equal(v, 13);
	assert_true(vpl011_read(&b, 0x000, 4, &v));
	assert_int_equal(v & 0xff, 'h');
	assert_true(vpl011_read(&b, 0x000, 4, &v));
	assert_int_equal(v & 0xff, 'i');
	/* Out-of-range fields are refused, and nothing changes. */
	struct vpl011_saved bad = s;
	bad.rx_count = VPL011_RX_SIZE + 1;
	assert_false(vpl011_restore(&b, &bad));
	bad = s;
	bad.rx_head = VPL011_RX_SIZE;
	assert_false(vpl011_restore(&b, &bad));
	bad = s;
	bad.imsc = 1U << 11;
	assert_false(vpl011_restore(&b, &bad));
	assert_false(vpl011_irq_level(&b)); /* its FIFO stayed as the reads left it */
}

static void pl031_round_trip(void **state)
{
	(void)state;
	struct vpl031 a, b;
	vpl031_init(&a);
	vpl031_init(&b);
	vpl031_write(&a, 1000, 0x008, 4, 5000); /* RTCLR: the guest's clock reads 5000 now */
	vpl031_write(&a, 1000, 0x004, 4, 5010); /* RTCMR */
	vpl031_write(&a, 1000, 0x010, 4, 1);	/* IMSC */
	struct vpl031_saved s;
	vpl031_save(&a, &s);
	assert_true(vpl031_restore(&b, &s));
	uint64_t v;
	assert_true(vpl031_read(&b, 1003, 0x000, 4, &v));
	assert_int_equal(v, 5003);
	assert_int_equal(vpl031_seconds_to_match(&b, 1003), 7);
	s.ris = 2;
	assert_false(vpl031_restore(&b, &s));
}

#include "guest_ram.h"

static const struct virtq_mem mem = {map, NULL};
static const struct virtio_dev_ops vops = {.device_id = 2, .features = 1ULL << 9, .nr_queues = 1};

static void wr(struct virtio_mmio *t, uint32_t off, uint32_t v)
{
	assert_true(virtio_mmio_write(t, &mem, off, 4, v));
}

static void virtio_transport_round_trip(void **state)
{
	(void)state;
	struct virtio_mmio a, b;
	virtio_mmio_init(&a, &vops, NULL);
	virtio_mmio_init(&b, &vops, NULL);
	wr(&a, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(&a, VMMIO_DRIVER_FEATURES_SEL, 1);
	wr(&a, VMMIO_DRIVER_FEATURES, 1);
	wr(&a, VMMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	wr(&a, VMMIO_QUEUE_NUM, 8);
	wr(&a, VMMIO_QUEUE_DESC_LOW, (uint32_t)RAM_IPA);
	wr(&a, VMMIO_QUEUE_DRIVER_LOW, (uint32_t)RAM_IPA + 0x1000);
	wr(&a, VMMIO_QUEUE_DEVICE_LOW, (uint32_t)RAM_IPA + 0x2000);
	wr(&a, VMMIO_QUEUE_READY, 1);
	wr(&a, VMMIO_STATUS, 0xf);
	a.vq[0].next_avail = a.vq[0].next_used = 3;
	a.int_status = VIRTIO_INT_USED;
	struct virtio_mmio_saved s;
	virtio_mmio_save(&a, &s);
	assert_true(virtio_mmio_restore(&b, &mem, &s));
	assert_true(virtio_mmio_live(&b));
	assert_true(virtio_mmio_irq_level(&b));
	assert_int_equal(b.vq[0].next_avail, 3);
	assert_int_equal(b.vq[0].used_ipa, RAM_IPA + 0x2000);
	assert_int_equal(b.driver_features, VIRTIO_F_VERSION_1);

	/* What the registers would refuse, restore refuses too; b stays as it was. */
	struct virtio_mmio_saved bad[5];
	for (unsigned i = 0; i < 5; i++)
		bad[i] = s;
	bad[0].driver_features |= 1ULL << 3; /* not offered */
	bad[1].vq[0].used_ipa = 0x1000;	     /* a live ring outside guest memory */
	bad[2].vq[0].size = 12;		     /* not a power of two */
	bad[3].vq[1].size = 8;		     /* the device has one queue */
	bad[4].status |= 1U << 4;	     /* no such status bit */
	virtio_mmio_init(&b, &vops, NULL);
	for (unsigned i = 0; i < 5; i++) {
		if (virtio_mmio_restore(&b, &mem, &bad[i]))
			fail_msg("case %u restored", i);
		assert_int_equal(b.status, 0);
		assert_false(b.vq[0].ready);
	}
}

/* A device for the record layer: a counter, and a flag to refuse being saved now. */
struct counter {
	uint32_t value;
	long save_error;
};

static long counter_save(struct vdev *d, void *buf, size_t len)
{
	struct counter *c = d->priv;
	if (c->save_error)
		return c->save_error;
	if (len < 4)
		return -ENOSPC;
	memcpy(buf, &c->value, 4);
	return 4;
}

static int counter_restore(struct vdev *d, const void *buf, size_t len)
{
	struct counter *c = d->priv;
	if (len != 4)
		return -EINVAL;
	uint32_t v;
	memcpy(&v, buf, 4);
	if (v > 1000)
		return -EINVAL;
	c->value = v;
	return 0;
}

static const struct vdev_ops counter_ops = {
    .name = "counter", .save = counter_save, .restore = counter_restore};
static const struct vdev_ops other_ops = {
    .name = "other", .save = counter_save, .restore = counter_restore};
static const struct vdev_ops passthrough_ops = {.name = "passthrough"};

static void records(void **state)
{
	(void)state;
	struct counter c[2] = {{7, 0}, {9, 0}};
	struct vdev devs[2] = {{&counter_ops, 0x1000, 0x100, &c[0], -1},
			       {&counter_ops, 0x2000, 0x100, &c[1], -1}};
	uint8_t buf[256];
	char err[128];
	long n = vdevs_save(devs, 2, buf, sizeof(buf), err, sizeof(err));
	assert_true(n > 0 && n % 8 == 0);
	c[0].value = c[1].value = 0;
	assert_int_equal(vdevs_restore(devs, 2, buf, (size_t)n, err, sizeof(err)), 0);
	assert_int_equal(c[0].value, 7);
	assert_int_equal(c[1].value, 9);

	/* Not enough room, a busy device, a device that cannot be saved. */
	assert_int_equal(vdevs_save(devs, 2, buf, (size_t)n - 1, err, sizeof(err)), -ENOSPC);
	c[1].save_error = -EBUSY;
	assert_int_equal(vdevs_save(devs, 2, buf, sizeof(buf), err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "0x2000"));
	c[1].save_error = 0;
	struct vdev with_pt[2] = {devs[0], {&passthrough_ops, 0x3000, 0x1000, NULL, -1}};
	assert_int_equal(vdevs_save(with_pt, 2, buf, sizeof(buf), err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "passthrough"));

	/* Restores that do not fit the VM's devices. */
	n = vdevs_save(devs, 2, buf, sizeof(buf), err, sizeof(err));
	struct vdev moved[2] = {devs[0], {&counter_ops, 0x2800, 0x100, &c[1], -1}};
	assert_int_equal(vdevs_restore(moved, 2, buf, (size_t)n, err, sizeof(err)), -EINVAL);
	struct vdev renamed[2] = {devs[0], {&other_ops, 0x2000, 0x100, &c[1], -1}};
	assert_int_equal(vdevs_restore(renamed, 2, buf, (size_t)n, err, sizeof(err)), -EINVAL);
	assert_int_equal(vdevs_restore(devs, 1, buf, (size_t)n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "more than"));
	assert_int_equal(vdevs_restore(devs, 2, buf, (size_t)n - 8, err, sizeof(err)), -EINVAL);
	uint8_t evil[256];
	memcpy(evil, buf, (size_t)n);
	uint32_t huge = 0xfffffff0;
	memcpy(evil + 4, &huge, 4); /* the first record claims more bytes than there are */
	assert_int_equal(vdevs_restore(devs, 2, evil, (size_t)n, err, sizeof(err)), -EINVAL);
	memcpy(evil, buf, (size_t)n);
	uint32_t big = 5000;
	memcpy(evil + 40, &big, 4); /* the counter's own check refuses it */
	c[0].value = 1;
	assert_int_equal(vdevs_restore(devs, 2, evil, (size_t)n, err, sizeof(err)), -EINVAL);
	assert_int_equal(c[0].value, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pl011_round_trip),
	    cmocka_unit_test(pl031_round_trip),
	    cmocka_unit_test(virtio_transport_round_trip),
	    cmocka_unit_test(records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
