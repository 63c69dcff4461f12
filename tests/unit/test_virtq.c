// sources: devices/virtq.c
/* Host tests for the split virtqueue walker: well-formed chains, and every way a guest
 * can break one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/virtq.h>

#include "guest_ram.h"

#define DESC  (RAM_IPA + 0x0000)
#define AVAIL (RAM_IPA + 0x1000)
#define USED  (RAM_IPA + 0x2000)
#define QSIZE 8

static const struct virtq_mem mem = {map, NULL};
static struct virtq q;

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	q = (struct virtq){
	    .size = QSIZE, .desc_ipa = DESC, .avail_ipa = AVAIL, .used_ipa = USED, .ready = true};
	return 0;
}

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	uint8_t *p = map(NULL, table + 16 * i, 16);
	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

/* Makes head `head` available as ring entry `slot`, and the index `idx`. */
static void offer(unsigned slot, uint16_t head, uint16_t idx)
{
	memcpy(map(NULL, AVAIL + 4 + 2 * slot, 2), &head, 2);
	memcpy(map(NULL, AVAIL + 2, 2), &idx, 2);
}

static enum virtq_status pop(struct virtq_chain *c, const char **why)
{
	*why = NULL;
	return virtq_pop(&q, &mem, c, why);
}

static void chain_in_order_then_used(void **state)
{
	(void)state;
	struct virtq_chain c;
	const char *why;
	assert_null(virtq_check(&q, &mem));
	assert_int_equal(pop(&c, &why), VIRTQ_EMPTY);
	put_desc(DESC, 3, RAM_IPA + 0x3000, 16, 1 /* NEXT */, 5);
	put_desc(DESC, 5, RAM_IPA + 0x4000, 512, 2 /* WRITE */, 0);
	offer(0, 3, 1);
	assert_int_equal(pop(&c, &why), VIRTQ_OK);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.nseg, 2);
	assert_ptr_equal(c.seg[0].ptr, ram + 0x3000);
	assert_false(c.seg[0].device_writes);
	assert_true(c.seg[1].device_writes);
	assert_int_equal(c.out_len, 16);
	assert_int_equal(c.in_len, 512);
	assert_int_equal(pop(&c, &why), VIRTQ_EMPTY);
	assert_true(virtq_push(&q, &mem, 3, 100, &why));
	uint16_t used_idx;
	uint32_t id, len;
	memcpy(&used_idx, ram + 0x2002, 2);
	memcpy(&id, ram + 0x2004, 4);
	memcpy(&len, ram + 0x2008, 4);
	assert_int_equal(used_idx, 1);
	assert_int_equal(id, 3);
	assert_int_equal(len, 100);
	assert_true(virtq_wants_interrupt(&q, &mem));
	uint16_t no_int = 1;
	memcpy(ram + 0x1000, &no_int, 2);
	assert_false(virtq_wants_interrupt(&q, &mem));
}

static void indirect_table(void **state)
{
	(void)state;
	struct virtq_chain c;
	const char *why;
	uint64_t table = RAM_IPA + 0x5000;
	put_desc(table, 0, RAM_IPA + 0x6000, 8, 1, 2);
	put_desc(table, 2, RAM_IPA + 0x7000, 64, 2, 0);
	put_desc(DESC, 0, table, 3 * 16, 4 /* INDIRECT */, 0);
	offer(0, 0, 1);
	assert_int_equal(pop(&c, &why), VIRTQ_OK);
	assert_int_equal(c.nseg, 2);
	assert_int_equal(c.out_len, 8);
	assert_int_equal(c.in_len, 64);
}

/* Each malformed queue is refused with a reason, never walked past guest RAM. */
static void expect_broken(const char *reason)
{
	struct virtq_chain c;
	const char *why;
	assert_int_equal(pop(&c, &why), VIRTQ_BROKEN);
	assert_non_null(why);
	assert_non_null(strstr(why, reason));
}

static void hostile_chains_are_refused(void **state)
{
	(void)state;
	/* A loop: 1 -> 2 -> 1. */
	put_desc(DESC, 1, RAM_IPA + 0x3000, 4, 1, 2);
	put_desc(DESC, 2, RAM_IPA + 0x3000, 4, 1, 1);
	offer(0, 1, 1);
	expect_broken("loops");
	setup(NULL);
	offer(0, QSIZE, 1);
	expect_broken("head descriptor index");
	setup(NULL);
	put_desc(DESC, 0, RAM_IPA + 0x3000, 4, 1, QSIZE + 3);
	offer(0, 0, 1);
	expect_broken("next descriptor index");
	setup(NULL);
	put_desc(DESC, 0, RAM_IPA + RAM_SIZE - 4, 8, 0, 0);
	offer(0, 0, 1);
	expect_broken("outside guest RAM");
	setup(NULL);
	put_desc(DESC, 0, 0xffffffffffffff00UL, 0x200, 0, 0); /* wraps around */
	offer(0, 0, 1);
	expect_broken("outside guest RAM");
	setup(NULL);
	put_desc(DESC, 0, RAM_IPA + 0x3000, 4, 2 | 1, 1);
	put_desc(DESC, 1, RAM_IPA + 0x3000, 4, 0, 0);
	offer(0, 0, 1);
	expect_broken("device-readable buffer after");
	setup(NULL);
	offer(0, 0, QSIZE + 1);
	expect_broken("more than a queue ahead");
	/* Indirect: nested, looping, with NEXT, bad length. */
	uint64_t table = RAM_IPA + 0x5000;
	setup(NULL);
	put_desc(table, 0, table, 16, 4, 0);
	put_desc(DESC, 0, table, 16, 4, 0);
	offer(0, 0, 1);
	expect_broken("nested");
	setup(NULL);
	put_desc(table, 0, RAM_IPA + 0x3000, 4, 1, 1);
	put_desc(table, 1, RAM_IPA + 0x3000, 4, 1, 0);
	put_desc(DESC, 0, table, 32, 4, 0);
	offer(0, 0, 1);
	expect_broken("loop in an indirect table");
	setup(NULL);
	put_desc(DESC, 0, table, 32, 4 | 1, 1);
	offer(0, 0, 1);
	expect_broken("not alone");
	setup(NULL);
	put_desc(DESC, 0, table, 20, 4, 0);
	offer(0, 0, 1);
	expect_broken("indirect table length");
}

static void bad_configurations(void **state)
{
	(void)state;
	q.size = 6;
	assert_non_null(virtq_check(&q, &mem));
	q.size = QSIZE;
	q.desc_ipa = DESC + 8;
	assert_non_null(virtq_check(&q, &mem));
	q.desc_ipa = RAM_IPA + RAM_SIZE - 16;
	assert_non_null(virtq_check(&q, &mem));
	q.desc_ipa = DESC;
	q.ready = false;
	expect_broken("not ready");
}

/* A queue whose fields were never checked (size 0, the used ring in the last 8 bytes of
 * RAM, a far used index: what issue 19's attacker left in a queue it stopped) is neither
 * walked nor written: each ring access is bounded by RAM whatever the fields say. */
static void degenerate_queue_is_never_written(void **state)
{
	(void)state;
	struct virtq_chain c;
	const char *why = NULL;
	uint16_t sizes[] = {0, 3, 2048};
	for (unsigned i = 0; i < 3; i++) {
		q = (struct virtq){.size = sizes[i],
				   .desc_ipa = DESC,
				   .avail_ipa = AVAIL,
				   .used_ipa = RAM_IPA + RAM_SIZE - 8,
				   .next_used = 0x8000,
				   .ready = true};
		assert_false(virtq_push(&q, &mem, 1, 0x1000, &why));
		assert_non_null(why);
		offer(0, 0, 1);
		assert_int_equal(pop(&c, &why), VIRTQ_BROKEN);
		assert_true(virtq_wants_interrupt(&q, &mem)); /* no flag read: interrupt */
	}
	/* A valid size with the used ring's entries running off the end of RAM. */
	q = (struct virtq){.size = QSIZE,
			   .desc_ipa = DESC,
			   .avail_ipa = AVAIL,
			   .used_ipa = RAM_IPA + RAM_SIZE - 8,
			   .next_used = QSIZE - 1,
			   .ready = true};
	assert_false(virtq_push(&q, &mem, 1, 0x1000, &why));
	assert_non_null(strstr(why, "left guest RAM"));
	assert_true(guard_untouched());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(chain_in_order_then_used, setup),
	    cmocka_unit_test_setup(indirect_table, setup),
	    cmocka_unit_test_setup(hostile_chains_are_refused, setup),
	    cmocka_unit_test_setup(bad_configurations, setup),
	    cmocka_unit_test_setup(degenerate_queue_is_never_written, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
