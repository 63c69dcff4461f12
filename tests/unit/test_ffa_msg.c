// sources: security/ffa/msg.c
/* FF-A indirect messages: the partition message header's checks (security/ffa/msg.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/ffa/msg.h"

#define ME    0x0001
#define OTHER 0x0002
#define ROOM  4096U

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A header from sender to receiver: payload of size bytes at offset. */
static void header(uint8_t h[FFA_MSG_HDR_MAX], uint16_t sender, uint16_t receiver, uint32_t offset,
		   uint32_t size)
{
	memset(h, 0, FFA_MSG_HDR_MAX);
	put32(h + 8, offset);
	put32(h + 12, (uint32_t)sender << 16 | receiver);
	put32(h + 16, size);
}

static void good_message_passes(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, ME, OTHER, FFA_MSG_HDR_1_2, 16);
	h[24] = 0xaa; /* the UUID is the sender's to choose */
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), 0);
	assert_int_equal(m.hdr_size, 40);
	assert_int_equal(m.offset, 40);
	assert_int_equal(m.size, 16);
	assert_int_equal(m.sender, ME);
	assert_int_equal(m.receiver, OTHER);
	/* The payload may end exactly at the buffer's end. */
	header(h, ME, OTHER, 100, ROOM - 100);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), 0);
}

static void v1_1_header_is_20_bytes(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, ME, OTHER, FFA_MSG_HDR_1_1, 8);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_1, ME, ROOM, &m), 0);
	assert_int_equal(m.hdr_size, 20);
	/* ... and too short for a 1.2 sender. */
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
}

static void v1_0_has_no_indirect_messages(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, ME, OTHER, FFA_MSG_HDR_1_2, 8);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_0, ME, ROOM, &m), FFA_NOT_SUPPORTED);
	assert_int_equal(ffa_msg_check(h, 0x20000, ME, ROOM, &m), FFA_NOT_SUPPORTED);
}

static void forged_sender_refused(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, OTHER, 0x8001, FFA_MSG_HDR_1_2, 8);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
}

static void message_to_itself_refused(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, ME, ME, FFA_MSG_HDR_1_2, 8);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
}

static void payload_inside_header_refused(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, ME, OTHER, FFA_MSG_HDR_1_2 - 4, 8);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
	header(h, ME, OTHER, 0, 8);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
}

static void payload_past_buffer_refused(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	header(h, ME, OTHER, FFA_MSG_HDR_1_2, ROOM - FFA_MSG_HDR_1_2 + 1);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
	/* offset + size wraps a 32-bit sum to something small. */
	header(h, ME, OTHER, 64, 0xffffffffU - 32);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
	header(h, ME, OTHER, 0xfffffff0U, 0x20);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m), FFA_INVALID_PARAMETERS);
	/* No buffer on the other side: no room at all. */
	header(h, ME, OTHER, FFA_MSG_HDR_1_2, 0);
	assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, 0, &m), FFA_INVALID_PARAMETERS);
}

static void nonzero_flags_or_reserved_refused(void **state)
{
	(void)state;
	uint8_t h[FFA_MSG_HDR_MAX];
	struct ffa_msg m;
	for (unsigned off = 0; off < 24; off += 4) {
		if (off >= 8 && off < 20)
			continue; /* offset, IDs, size */
		header(h, ME, OTHER, FFA_MSG_HDR_1_2, 8);
		h[off + 1] = 1;
		assert_int_equal(ffa_msg_check(h, FFA_VERSION_1_2, ME, ROOM, &m),
				 FFA_INVALID_PARAMETERS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_message_passes),
	    cmocka_unit_test(v1_1_header_is_20_bytes),
	    cmocka_unit_test(v1_0_has_no_indirect_messages),
	    cmocka_unit_test(forged_sender_refused),
	    cmocka_unit_test(message_to_itself_refused),
	    cmocka_unit_test(payload_inside_header_refused),
	    cmocka_unit_test(payload_past_buffer_refused),
	    cmocka_unit_test(nonzero_flags_or_reserved_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
