// sources: security/ffa/mem_desc.c
/* FF-A memory transaction descriptors (security/ffa/mem_desc.c): a good descriptor of each
 * kind parses to what was built, and each check refuses the descriptor that breaks it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <triad/ffa.h>
#include <triad/ffa_mem.h>

#define VM   0x0001
#define SP   0x8001
#define SP2  0x8002
#define BASE 0x48000000ULL

static uint8_t buf[8192];

/* One receiver, two ranges (3 + 2 pages), in the ep_size layout. */
static struct ffa_mem_region share(uint32_t ep_size)
{
	struct ffa_mem_region r = {
	    .sender = VM,
	    .attrs = FFA_MEM_ATTR_NORMAL_WB_IS,
	    .ep_size = ep_size,
	    .nr_receivers = 1,
	    .receiver = {{SP, FFA_MEM_DATA_RW, 0}},
	    .total_pages = 5,
	    .nr_ranges = 2,
	    .range = {{BASE, 3}, {BASE + 0x10000, 2}},
	};
	return r;
}

static uint32_t build(const struct ffa_mem_region *r)
{
	memset(buf, 0xee, sizeof(buf));
	uint32_t len = ffa_mem_build(buf, sizeof(buf), r);
	assert_true(len > 0);
	return len;
}

static uint32_t parse(uint32_t len, enum ffa_mem_kind kind)
{
	struct ffa_mem_region out;
	return ffa_mem_parse_tx(buf, len, kind, &out);
}

/* Little-endian stores into buf, to break one field. */
static void put32(uint32_t off, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		buf[off + k] = (uint8_t)(v >> (8 * k));
}

static void put64(uint32_t off, uint64_t v)
{
	put32(off, (uint32_t)v);
	put32(off + 4, (uint32_t)(v >> 32));
}

static void good_descriptors_parse_to_what_was_built(void **state)
{
	(void)state;
	uint32_t sizes[] = {FFA_MEM_EP_SIZE_1_1, FFA_MEM_EP_SIZE_1_2};
	for (unsigned s = 0; s < 2; s++) {
		struct ffa_mem_region r = share(sizes[s]), out;
		uint32_t len = build(&r);
		assert_int_equal(len, 48 + sizes[s] + 16 + 2 * 16);
		assert_int_equal(ffa_mem_parse_tx(buf, len, FFA_MEM_KIND_SHARE, &out), 0);
		assert_int_equal(out.sender, VM);
		assert_int_equal(out.ep_size, sizes[s]);
		assert_int_equal(out.nr_receivers, 1);
		assert_int_equal(out.receiver[0].id, SP);
		assert_int_equal(out.receiver[0].perm, FFA_MEM_DATA_RW);
		assert_int_equal(out.total_pages, 5);
		assert_int_equal(out.nr_ranges, 2);
		assert_int_equal(out.range[1].addr, BASE + 0x10000);
		assert_int_equal(out.range[1].pages, 2);
		/* LEND the same; DONATE with no permissions. */
		assert_int_equal(ffa_mem_parse_tx(buf, len, FFA_MEM_KIND_LEND, &out), 0);
		r.receiver[0].perm = 0;
		len = build(&r);
		assert_int_equal(ffa_mem_parse_tx(buf, len, FFA_MEM_KIND_DONATE, &out), 0);
	}
}

static void the_header_is_checked(void **state)
{
	(void)state;
	struct ffa_mem_region r = share(FFA_MEM_EP_SIZE_1_1);
	uint32_t len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), 0);
	/* shorter than a header, a handle given, reserved bytes */
	assert_int_equal(parse(40, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	put64(8, 0x1234);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	buf[47] = 1;
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* endpoint descriptor size other than 16/32, count 0, offset inside the header,
	 * unaligned, or past the end */
	len = build(&r);
	put32(24, 24);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(28, 0);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(32, 32);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(32, 56);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(32, 0xfffffff0U);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* too many receivers for Triad's tables: NO_MEMORY */
	len = build(&r);
	put32(28, FFA_MEM_MAX_RECEIVERS + 1);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_NO_MEMORY);
}

static void flags_and_attributes_are_checked(void **state)
{
	(void)state;
	struct ffa_mem_region r = share(FFA_MEM_EP_SIZE_1_1);
	r.flags = FFA_MEM_FLAG_ZERO; /* not for SHARE; LEND may ask */
	uint32_t len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	assert_int_equal(parse(len, FFA_MEM_KIND_LEND), 0);
	r.flags = FFA_MEM_FLAG_TIME_SLICE;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_LEND), FFA_INVALID_PARAMETERS);
	r.flags = 1U << 3; /* a retrieve's transaction type */
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.flags = 0;
	/* device memory, non-cacheable, outer shareable, the NS bit from a sender */
	uint16_t bad[] = {0x10, 0x27, 0x2e, 0x6f, 0x8000 | FFA_MEM_ATTR_NORMAL_WB_IS};
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		r.attrs = bad[k];
		len = build(&r);
		assert_int_equal(parse(len, FFA_MEM_KIND_LEND), FFA_INVALID_PARAMETERS);
	}
	/* unspecified: LEND and DONATE only */
	r.attrs = 0;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	assert_int_equal(parse(len, FFA_MEM_KIND_LEND), 0);
}

static void receivers_are_checked(void **state)
{
	(void)state;
	struct ffa_mem_region r = share(FFA_MEM_EP_SIZE_1_2);
	/* permissions: unspecified or reserved data access, execution in a SHARE, reserved bits,
	 * anything in a DONATE */
	uint8_t bad_share[] = {0, 3, FFA_MEM_DATA_RO | FFA_MEM_INSTR_X,
			       FFA_MEM_DATA_RO | FFA_MEM_INSTR_NX, FFA_MEM_DATA_RW | 0x10};
	for (unsigned k = 0; k < sizeof(bad_share); k++) {
		r.receiver[0].perm = bad_share[k];
		uint32_t len = build(&r);
		assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	}
	r.receiver[0].perm = FFA_MEM_DATA_RO | FFA_MEM_INSTR_X; /* LEND to one: may execute */
	uint32_t len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_LEND), 0);
	assert_int_equal(parse(len, FFA_MEM_KIND_DONATE), FFA_INVALID_PARAMETERS);
	r.receiver[0].perm = FFA_MEM_DATA_RW;
	/* non-retrieval borrower flag; implementation-defined bytes of 1.2 */
	r.receiver[0].flags = 1;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.receiver[0].flags = 0;
	len = build(&r);
	buf[48 + 20] = 1;
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* the sender as its own receiver; a receiver twice; two receivers in a DONATE or X in a
	 * LEND to two */
	r.receiver[0].id = VM;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.receiver[0].id = SP;
	r.nr_receivers = 2;
	r.receiver[1] = r.receiver[0];
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.receiver[1].id = SP2;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), 0);
	r.receiver[0].perm = r.receiver[1].perm = 0;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_DONATE), FFA_INVALID_PARAMETERS);
	r.receiver[0].perm = r.receiver[1].perm = FFA_MEM_DATA_RW | FFA_MEM_INSTR_X;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_LEND), FFA_INVALID_PARAMETERS);
	/* two receivers pointing at different composites */
	r.receiver[0].perm = r.receiver[1].perm = FFA_MEM_DATA_RW;
	len = build(&r);
	put32(48 + 4, 8);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
}

static void the_composite_and_constituents_are_checked(void **state)
{
	(void)state;
	struct ffa_mem_region r = share(FFA_MEM_EP_SIZE_1_1);
	const uint32_t comp = 48 + 16, c0 = comp + 16, c1 = c0 + 16;
	uint32_t len = build(&r);
	/* composite over the endpoint array or the header, unaligned, past the end */
	put32(48 + 4, 48);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(48 + 4, comp + 4);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* a gap before the composite is fine if it stays 8-aligned, not otherwise */
	for (uint32_t gap = 4; gap <= 8; gap += 4) {
		len = build(&r);
		memmove(buf + comp + gap, buf + comp, len - comp);
		put32(48 + 4, comp + gap);
		assert_int_equal(parse(len + gap, FFA_MEM_KIND_SHARE),
				 gap == 8 ? 0 : FFA_INVALID_PARAMETERS);
	}
	len = build(&r);
	put32(48 + 4, 0xfffffff8U);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* the total not the sum; zero constituents; reserved bytes */
	len = build(&r);
	put32(comp, 6);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(comp + 4, 0);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put64(comp + 8, 1);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	put32(c1 + 12, 1);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* more constituents than the length holds; a longer length than the parts */
	len = build(&r);
	put32(comp + 4, 3);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	len = build(&r);
	assert_int_equal(parse(len + 16, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* unaligned address, zero pages, a range reaching 2^64, overlapping ranges */
	len = build(&r);
	put64(c0, BASE + 0x800);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.range[1].pages = 0;
	r.total_pages = 3;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.range[1] = (struct ffa_mem_range){0xfffffffffffff000ULL, 1};
	r.total_pages = 4;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.range[1] = (struct ffa_mem_range){0xffffffffff000000ULL, 0x100000};
	r.total_pages = 3 + 0x100000;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	r.range[1] = (struct ffa_mem_range){BASE + 0x2000, 2};
	r.total_pages = 5;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_INVALID_PARAMETERS);
	/* past Triad's bounds: NO_MEMORY */
	r.range[1] = (struct ffa_mem_range){BASE + 0x100000, FFA_MEM_MAX_PAGES};
	r.total_pages = 3 + FFA_MEM_MAX_PAGES;
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), FFA_NO_MEMORY);
	r.nr_ranges = FFA_MEM_MAX_RANGES;
	r.total_pages = FFA_MEM_MAX_RANGES;
	for (unsigned k = 0; k < FFA_MEM_MAX_RANGES; k++)
		r.range[k] = (struct ffa_mem_range){BASE + k * 0x2000, 1};
	len = build(&r);
	assert_int_equal(parse(len, FFA_MEM_KIND_SHARE), 0);
	put32(comp + 4, FFA_MEM_MAX_RANGES + 1);
	put32(comp, FFA_MEM_MAX_RANGES + 1);
	memset(buf + len, 0, 16);
	put64(len, BASE + 0x100000);
	put32(len + 8, 1);
	assert_int_equal(parse(len + 16, FFA_MEM_KIND_SHARE), FFA_NO_MEMORY);
}

static void retrieve_requests_and_relinquish_are_checked(void **state)
{
	(void)state;
	struct ffa_mem_region q = {.sender = VM,
				   .handle = FFA_MEM_HANDLE_HYP | 7,
				   .flags = FFA_MEM_KIND_SHARE << FFA_MEM_FLAG_TYPE_SHIFT,
				   .ep_size = FFA_MEM_EP_SIZE_1_2,
				   .nr_receivers = 1,
				   .receiver = {{SP, FFA_MEM_DATA_RO, 0}}},
			      out;
	uint32_t len = ffa_mem_build_retrieve_req(buf, sizeof(buf), &q);
	assert_int_equal(len, 48 + 32);
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len, &out), 0);
	assert_int_equal(out.handle, FFA_MEM_HANDLE_HYP | 7);
	assert_int_equal(out.receiver[0].perm, FFA_MEM_DATA_RO);
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len + 16, &out), FFA_INVALID_PARAMETERS);
	put32(48 + 4, 96); /* a composite offset */
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len, &out), FFA_INVALID_PARAMETERS);
	q.handle = 0;
	len = ffa_mem_build_retrieve_req(buf, sizeof(buf), &q);
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len, &out), FFA_INVALID_PARAMETERS);
	q.handle = 9;
	q.flags = FFA_MEM_FLAG_ZERO;
	len = ffa_mem_build_retrieve_req(buf, sizeof(buf), &q);
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len, &out), FFA_INVALID_PARAMETERS);
	q.flags = 0;
	q.receiver[0].perm = 3;
	len = ffa_mem_build_retrieve_req(buf, sizeof(buf), &q);
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len, &out), FFA_INVALID_PARAMETERS);
	q.receiver[0].perm = FFA_MEM_DATA_RW;
	q.nr_receivers = 2;
	q.receiver[1] = (struct ffa_mem_receiver){SP2, FFA_MEM_DATA_RW, 0};
	len = ffa_mem_build_retrieve_req(buf, sizeof(buf), &q);
	assert_int_equal(ffa_mem_parse_retrieve_req(buf, len, &out), FFA_INVALID_PARAMETERS);

	struct ffa_mem_relinquish d = {.handle = 9, .endpoint = SP}, got;
	len = ffa_mem_build_relinquish(buf, sizeof(buf), &d);
	assert_int_equal(ffa_mem_parse_relinquish(buf, len, &got), 0);
	assert_int_equal(got.handle, 9);
	assert_int_equal(got.endpoint, SP);
	assert_int_equal(ffa_mem_parse_relinquish(buf, len - 1, &got), FFA_INVALID_PARAMETERS);
	put32(8, 1); /* flags */
	assert_int_equal(ffa_mem_parse_relinquish(buf, len, &got), FFA_INVALID_PARAMETERS);
	len = ffa_mem_build_relinquish(buf, sizeof(buf), &d);
	put32(12, 2); /* two endpoints */
	assert_int_equal(ffa_mem_parse_relinquish(buf, len, &got), FFA_INVALID_PARAMETERS);
}

static void building_never_overflows_its_buffer(void **state)
{
	(void)state;
	struct ffa_mem_region r = share(FFA_MEM_EP_SIZE_1_2);
	assert_int_equal(ffa_mem_build(buf, 48 + 32 + 16 + 31, &r), 0);
	assert_int_equal(ffa_mem_build(buf, 48 + 32 + 16 + 32, &r), 48 + 32 + 16 + 32);
	r.ep_size = 24;
	assert_int_equal(ffa_mem_build(buf, sizeof(buf), &r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_descriptors_parse_to_what_was_built),
	    cmocka_unit_test(the_header_is_checked),
	    cmocka_unit_test(flags_and_attributes_are_checked),
	    cmocka_unit_test(receivers_are_checked),
	    cmocka_unit_test(the_composite_and_constituents_are_checked),
	    cmocka_unit_test(retrieve_requests_and_relinquish_are_checked),
	    cmocka_unit_test(building_never_overflows_its_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
