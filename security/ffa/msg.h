/*
 * FF-A indirect messages (FFA_MSG_SEND2): the partition message header a sender writes at
 * the start of its TX buffer, checked as pure logic (host unit tests:
 * tests/unit/test_ffa_msg.c). Layout (FF-A 1.1, 20 bytes; 1.2 appends a reserved word and
 * a protocol UUID, 40 bytes):
 *   0 flags (MBZ)  4 reserved (MBZ)  8 offset of the payload from the buffer's start
 *   12 receiver ID (u16)  14 sender ID (u16)  16 payload size
 *   [1.2] 20 reserved (MBZ)  24 UUID (16 bytes, the sender's choice)
 */
#ifndef SECURITY_FFA_MSG_H
#define SECURITY_FFA_MSG_H

#include <stdint.h>
#include <triad/ffa.h>

#define FFA_MSG_HDR_1_1 20U
#define FFA_MSG_HDR_1_2 40U
#define FFA_MSG_HDR_MAX FFA_MSG_HDR_1_2

/* What the checks let through: where the payload is, who sends it to whom. */
struct ffa_msg {
	uint32_t hdr_size; /* the header's own size for the sender's version */
	uint32_t offset, size;
	uint16_t sender, receiver;
};

/* Checks the header hdr (its first FFA_MSG_HDR_MAX bytes, copied from the TX buffer) of a
 * message from caller (FF-A version `version`) whose buffers allow `room` bytes (the
 * smaller of the sender's TX and the receiver's RX sizes). Returns 0 and fills *m, or the
 * FF-A error: NOT_SUPPORTED before 1.1 (no indirect messages in 1.0), INVALID_PARAMETERS
 * for non-zero flags or reserved words, a sender other than the caller, a message to
 * itself, a payload starting inside the header, or one past `room` (sums without
 * overflow). Whether the receiver exists and may take it is the caller's to check. */
uint32_t ffa_msg_check(const uint8_t hdr[FFA_MSG_HDR_MAX], uint32_t version, uint16_t caller,
		       uint32_t room, struct ffa_msg *m);

#endif
