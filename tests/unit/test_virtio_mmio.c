// sources: devices/virtio_mmio.c devices/virtq.c
/* Host tests for the virtio-mmio transport: the driver's setup sequence (virtio 1.2,
 * 3.1.1 and 4.2.3), what it must refuse, and the queue state machine: a request taken
 * from a queue goes back only into that queue's checked layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/virtio_mmio.h>

#include "guest_ram.h"

static unsigned notified[VIRTIO_MMIO_MAX_QUEUES], resets, stopped, refusals;
static const char *last_refusal;

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

static void queue_stopped(struct virtio_mmio *t, unsigned q)
{
	(void)t, (void)q;
	stopped++;
}

static void refused(struct virtio_mmio *t, const char *what)
{
	(void)t;
	refusals++;
	last_refusal = what;
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
					  .reset = reset,
					  .queue_stopped = queue_stopped,
					  .refused = refused};
static const struct virtq_mem mem = {map, NULL};
static struct virtio_mmio t;

static int setup(void **state)
{
	(void)state;
	memset(notified, 0, sizeof(notified));
	memset(ram, 0, sizeof(ram));
	resets = stopped = refusals = 0;
	last_refusal = NULL;
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

#define DESC  (RAM_IPA + 0x1000)
#define AVAIL (RAM_IPA + 0x2000)
#define USED  (RAM_IPA + 0x3000)
#define BUF   (RAM_IPA + 0x4000)

static uint16_t ram16(uint64_t ipa)
{
	uint16_t v;
	memcpy(&v, ram + (ipa - RAM_IPA), 2);
	return v;
}

/* A live device with queue 0 (8 entries) at DESC/AVAIL/USED and `n` one-buffer chains
 * made available (descriptor i: 16 bytes at BUF + 16 i, device-writable). */
static void live_device_with_requests(unsigned n)
{
	negotiate(VIRTIO_F_VERSION_1);
	setup_queue(0, DESC, AVAIL, USED);
	wr(0x70, rd(0x70) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_mmio_live(&t));
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *d = ram + (DESC - RAM_IPA) + 16 * i;
		uint64_t addr = BUF + 16 * i;
		uint32_t len = 16;
		uint16_t flags = 2; /* WRITE */
		memcpy(d, &addr, 8);
		memcpy(d + 8, &len, 4);
		memcpy(d + 12, &flags, 2);
		memcpy(ram + (AVAIL - RAM_IPA) + 4 + 2 * i, &i, 2);
	}
	uint16_t idx = (uint16_t)n;
	memcpy(ram + (AVAIL - RAM_IPA) + 2, &idx, 2);
}

/* Takes the next chain from queue 0 as a device does; returns the queue's epoch then. */
static uint32_t take(uint16_t *head)
{
	struct virtq_chain c;
	const char *why = NULL;
	uint32_t epoch = t.vq[0].epoch;
	assert_int_equal(virtq_pop(&t.vq[0], &mem, &c, &why), VIRTQ_OK);
	*head = c.head;
	return epoch;
}

static enum virtio_push give_back(uint32_t epoch, uint16_t head)
{
	const char *why = NULL;
	return virtio_mmio_push(&t, &mem, 0, epoch, head, 16, &why);
}

static void queue_num_zero_and_live_layout_writes_are_refused(void **state)
{
	(void)state;
	negotiate(VIRTIO_F_VERSION_1);
	wr(0x30, 0);
	wr(0x38, 8);
	wr(0x38, 0);
	assert_int_equal(refusals, 1);
	assert_non_null(strstr(last_refusal, "QueueNum 0"));
	wr(0x38, VIRTQ_MAX_SIZE * 2);
	assert_int_equal(refusals, 2);
	assert_int_equal(t.reg[0].num, 8); /* what was last accepted */
	setup_queue(0, DESC, AVAIL, USED);
	assert_int_equal(rd(0x44), 1);
	refusals = 0;
	/* A ready queue: every layout register is refused, the live queue unchanged. */
	const uint32_t layout[] = {0x38, 0x80, 0x84, 0x90, 0x94, 0xa0, 0xa4};
	for (unsigned i = 0; i < 7; i++)
		wr(layout[i], 0x10);
	assert_int_equal(refusals, 7);
	assert_non_null(strstr(last_refusal, "while the queue is ready"));
	assert_int_equal(t.vq[0].size, 8);
	assert_int_equal(t.vq[0].used_ipa, USED);
	assert_int_equal(t.reg[0].used_ipa, USED);
	/* Another queue, not ready, takes its own registers without a word. */
	wr(0x30, 1);
	wr(0x38, 4);
	assert_int_equal(refusals, 7);
	assert_int_equal(t.reg[1].num, 4);
	assert_int_equal(t.vq[1].size, 0);
}

/* Issue 19's attack on the transport: requests in flight, then, with no reset,
 * QueueReady=0, QueueNum=0 and the used ring moved to the last 8 bytes of RAM. The
 * completions go nowhere: not into the new registers, not past RAM. */
static void stopped_queue_takes_no_completion(void **state)
{
	(void)state;
	live_device_with_requests(4);
	uint16_t head[4];
	uint32_t epoch[4];
	for (unsigned i = 0; i < 4; i++)
		epoch[i] = take(&head[i]);
	assert_int_equal(give_back(epoch[0], head[0]), VIRTIO_PUSHED); /* one finished */
	assert_int_equal(ram16(USED + 2), 1);
	wr(0x30, 0);
	wr(0x44, 0);
	assert_int_equal(stopped, 1);
	assert_int_equal(rd(0x44), 0);
	wr(0x38, 0);
	assert_int_equal(refusals, 1);
	wr(0xa0, (uint32_t)(RAM_IPA + RAM_SIZE - 8));
	wr(0xa4, 0);
	assert_int_equal(refusals, 1); /* a stopped queue's registers are the driver's */
	for (unsigned i = 1; i < 4; i++)
		assert_int_equal(give_back(epoch[i], head[i]), VIRTIO_STALE);
	assert_int_equal(ram16(USED + 2), 1); /* the old ring is not written either */
	assert_true(guard_untouched());
	/* Going ready with that layout breaks the device instead (the ring is not in RAM). */
	wr(0x44, 1);
	assert_int_equal(rd(0x44), 0);
	assert_int_equal(refusals, 2);
	assert_non_null(strstr(last_refusal, "outside guest RAM"));
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(give_back(epoch[1], head[1]), VIRTIO_STALE);
	assert_true(guard_untouched());
}

/* Stopped and set up again, even with the same layout: a request from before is not
 * returned into the new queue (its indexes restarted from 0). */
static void restarted_queue_takes_no_old_completion(void **state)
{
	(void)state;
	live_device_with_requests(2);
	uint16_t old_head, new_head;
	uint32_t old_epoch = take(&old_head);
	wr(0x30, 0);
	wr(0x44, 0);
	wr(0x44, 1);
	assert_int_equal(rd(0x44), 1);
	assert_int_not_equal(t.vq[0].epoch, old_epoch);
	assert_int_equal(give_back(old_epoch, old_head), VIRTIO_STALE);
	assert_int_equal(ram16(USED + 2), 0);
	uint32_t new_epoch = take(&new_head);
	t.int_status = 0;
	assert_int_equal(give_back(new_epoch, new_head), VIRTIO_PUSHED);
	assert_int_equal(ram16(USED + 2), 1);
	assert_true(rd(0x60) & VIRTIO_INT_USED);
}

/* A status reset, or the device's own NEEDS_RESET, ends the queue for its requests. */
static void reset_and_needs_reset_drop_completions(void **state)
{
	(void)state;
	live_device_with_requests(2);
	uint16_t head;
	uint32_t epoch = take(&head);
	wr(0x70, 0);
	assert_int_equal(resets, 1);
	live_device_with_requests(2);
	assert_int_equal(give_back(epoch, head), VIRTIO_STALE);
	assert_int_equal(ram16(USED + 2), 0);
	epoch = take(&head);
	virtio_mmio_set_broken(&t);
	assert_int_equal(give_back(epoch, head), VIRTIO_STALE);
	assert_int_equal(ram16(USED + 2), 0);
	/* And a queue that never was: no such queue, nothing written. */
	assert_int_equal(virtio_mmio_push(&t, &mem, 3, 0, 0, 0, &(const char *){NULL}),
			 VIRTIO_STALE);
	assert_true(guard_untouched());
}

/* A snapshot holds the registers; restored, the live queue is the checked layout or none. */
static void save_and_restore_keep_registers_apart(void **state)
{
	(void)state;
	live_device_with_requests(1);
	wr(0x30, 1);
	wr(0x38, 16); /* queue 1: registers only, not ready */
	struct virtio_mmio_saved s;
	virtio_mmio_save(&t, &s);
	assert_int_equal(s.vq[0].size, 8);
	assert_int_equal(s.vq[1].size, 16);
	uint32_t epoch = t.vq[0].epoch;
	assert_true(virtio_mmio_restore(&t, &mem, &s));
	assert_int_equal(t.reg[1].num, 16);
	assert_int_equal(t.vq[1].size, 0);
	assert_false(t.vq[1].ready);
	assert_true(t.vq[0].ready);
	assert_int_equal(t.vq[0].used_ipa, USED);
	assert_int_not_equal(t.vq[0].epoch, epoch); /* nothing from before goes back */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(identity_and_setup_sequence, setup),
	    cmocka_unit_test_setup(refused_features_and_bad_queues, setup),
	    cmocka_unit_test_setup(queue_num_zero_and_live_layout_writes_are_refused, setup),
	    cmocka_unit_test_setup(stopped_queue_takes_no_completion, setup),
	    cmocka_unit_test_setup(restarted_queue_takes_no_old_completion, setup),
	    cmocka_unit_test_setup(reset_and_needs_reset_drop_completions, setup),
	    cmocka_unit_test_setup(save_and_restore_keep_registers_apart, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
