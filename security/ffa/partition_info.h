/* FFA_PARTITION_INFO_GET's descriptors (partition_info.c): pure logic, host-tested. */
#ifndef SECURITY_FFA_PARTITION_INFO_H
#define SECURITY_FFA_PARTITION_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>

enum { FFA_PI_NONE = 1, FFA_PI_NO_ROOM = 2 };

/* Writes the descriptors of the partitions matching uuid (nil: all) into buf (size bytes;
 * untouched when count_only), 24 bytes each for FF-A 1.1 and later, 8 for 1.0. Returns the
 * descriptor size with *count set, or -FFA_PI_NONE (no partition matches), -FFA_PI_NO_ROOM. */
int ffa_partition_info_fill(uint8_t *buf, uint64_t size, uint32_t version,
			    const struct ffa_partition_info *parts, unsigned n,
			    const uint32_t uuid[4], bool count_only, unsigned *count);

#endif
