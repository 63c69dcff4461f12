/* FFA_PARTITION_INFO_GET's answer in a VM's RX buffer: the descriptors of the partitions
 * the UUID filter selects, in the layout of the version the VM speaks. Pure logic. */
#include "partition_info.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int ffa_partition_info_fill(uint8_t *buf, uint64_t size, uint32_t version,
			    const struct ffa_partition_info *parts, unsigned n,
			    const uint32_t uuid[4], bool count_only, unsigned *count)
{
	uint64_t desc = version >= FFA_VERSION_1_1 ? FFA_PART_INFO_SIZE : FFA_PART_INFO_SIZE_1_0;
	unsigned found = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!ffa_uuid_matches(uuid, parts[i].uuid))
			continue;
		if (!count_only) {
			if ((found + 1) * desc > size)
				return -(int)FFA_PI_NO_ROOM;
			uint8_t *d = buf + found * desc;
			put16(d, parts[i].id);
			put16(d + 2, parts[i].exec_ctx);
			put32(d + 4, parts[i].props);
			if (desc == FFA_PART_INFO_SIZE)
				for (int w = 0; w < 4; w++)
					put32(d + 8 + 4 * w, parts[i].uuid[w]);
		}
		found++;
	}
	if (!found)
		return -(int)FFA_PI_NONE;
	*count = found;
	return (int)desc;
}
