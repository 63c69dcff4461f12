/* The one fact the monitor needs from the machine's device tree: where RAM ends. A walk of
 * the flattened tree's structure block (DTSpec 5.4), read a byte at a time (the MMU is off,
 * so memory is Device memory and must not be read unaligned). */
#include "monitor.h"

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4
#define FDT_END	       9

static uint32_t be32(const volatile uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const volatile uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static bool name_is(const volatile uint8_t *s, const char *want, bool prefix)
{
	for (; *want; s++, want++)
		if (*s != (uint8_t)*want)
			return false;
	return prefix ? (*s == '@' || *s == 0) : *s == 0;
}

uint64_t dtb_ram_end(const void *dtb)
{
	const volatile uint8_t *h = dtb;
	if (be32(h) != FDT_MAGIC)
		return 0;
	uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
	uint32_t size_struct = be32(h + 36);
	if (off_struct > total || size_struct > total - off_struct || off_strings > total)
		return 0;
	const volatile uint8_t *p = h + off_struct, *end = p + size_struct;
	int depth = 0;
	bool in_memory = false;
	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			depth++;
			in_memory = depth == 2 && name_is(p, "memory", true);
			while (p < end && *p)
				p++;
			p = h + ((uint32_t)(p - h + 4) & ~3U); /* past the NUL, aligned */
		} else if (tok == FDT_END_NODE) {
			depth--;
			in_memory = false;
		} else if (tok == FDT_PROP) {
			if (p + 8 > end)
				return 0;
			uint32_t len = be32(p), name = be32(p + 4);
			const volatile uint8_t *val = p + 8;
			if (len > (uint32_t)(end - val) || name >= total - off_strings)
				return 0;
			/* QEMU virt: #address-cells = #size-cells = 2 at the root. */
			if (in_memory && name_is(h + off_strings + name, "reg", false) &&
			    len >= 16 && be64(val) == RAM_BASE)
				return RAM_BASE + be64(val + 8);
			p = val + ((len + 3) & ~3U);
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			break; /* FDT_END or garbage */
		}
	}
	return 0;
}
