/* FF-A indirect messages' header checks (msg.h). */
#include <triad/ffa.h>

#include "msg.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t ffa_msg_check(const uint8_t hdr[FFA_MSG_HDR_MAX], uint32_t version, uint16_t caller,
		       uint32_t room, struct ffa_msg *m)
{
	if ((version >> 16) != 1 || (version & 0xffff) < 1)
		return FFA_NOT_SUPPORTED;
	uint32_t hdr_size = (version & 0xffff) >= 2 ? FFA_MSG_HDR_1_2 : FFA_MSG_HDR_1_1;
	uint32_t flags = le32(hdr), reserved = le32(hdr + 4), offset = le32(hdr + 8);
	uint16_t receiver = le16(hdr + 12), sender = le16(hdr + 14);
	uint32_t size = le32(hdr + 16);
	if (hdr_size == FFA_MSG_HDR_1_2 && le32(hdr + 20))
		return FFA_INVALID_PARAMETERS;
	if (flags || reserved || sender != caller || receiver == caller)
		return FFA_INVALID_PARAMETERS;
	/* 64-bit sums: a size near 4 GiB cannot wrap past the checks. */
	if (offset < hdr_size || (uint64_t)offset + size > room)
		return FFA_INVALID_PARAMETERS;
	*m = (struct ffa_msg){.hdr_size = hdr_size,
			      .offset = offset,
			      .size = size,
			      .sender = sender,
			      .receiver = receiver};
	return 0;
}
