/* libFuzzer target: FF-A indirect message headers (security/ffa/msg.c) from arbitrary
 * bytes, any version, caller and room. Whatever the checks accept is what ffa_hyp.c's
 * copy relies on: the payload after the version's header and within room (no wrap), the
 * sender the caller, the receiver someone else, the header read as little-endian. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "security/ffa/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8 + FFA_MSG_HDR_MAX)
		return 0;
	uint32_t version = (uint32_t)data[0] | (uint32_t)data[1] << 16;
	uint16_t caller = (uint16_t)(data[2] | data[3] << 8);
	uint32_t room = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
			(uint32_t)data[7] << 24;
	uint8_t hdr[FFA_MSG_HDR_MAX];
	memcpy(hdr, data + 8, sizeof(hdr));
	struct ffa_msg m;
	if (ffa_msg_check(hdr, version, caller, room, &m))
		return 0;
	assert(m.hdr_size == FFA_MSG_HDR_1_1 || m.hdr_size == FFA_MSG_HDR_1_2);
	assert(m.offset >= m.hdr_size);
	assert((uint64_t)m.offset + m.size <= room);
	assert(m.sender == caller && m.receiver != caller);
	assert(m.offset == ((uint32_t)hdr[8] | (uint32_t)hdr[9] << 8 | (uint32_t)hdr[10] << 16 |
			    (uint32_t)hdr[11] << 24));
	assert(m.receiver == (uint16_t)(hdr[12] | hdr[13] << 8));
	return 0;
}
