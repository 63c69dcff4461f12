/* CRC-32 (IEEE 802.3, reflected) with the CRC32 instructions (FEAT_CRC32, mandatory from
 * Armv8.1): eight bytes an instruction, where a table takes a dozen instructions a byte.
 * Raw updates: the caller does the pre- and post-inversion. The host build's stand-in
 * (tests/unit/host/arch/crc32.h) says there are none. */
#ifndef ARCH_CRC32_H
#define ARCH_CRC32_H

#include <arch/sysreg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool arch_crc32_available(void)
{
	return ((read_sysreg(id_aa64isar0_el1) >> 16) & 0xf) != 0; /* ID_AA64ISAR0_EL1.CRC32 */
}

static inline uint32_t arch_crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t v;
		__builtin_memcpy(&v, p, 8); /* any alignment */
		asm(".arch_extension crc\n\tcrc32x %w0, %w0, %x1" : "+r"(crc) : "r"(v));
	}
	for (; len; len--, p++)
		asm(".arch_extension crc\n\tcrc32b %w0, %w0, %w1" : "+r"(crc) : "r"((uint32_t)*p));
	return crc;
}

#endif
