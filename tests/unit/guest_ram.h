/* A VM's RAM for the virtio tests and fuzzer: RAM_SIZE bytes at IPA RAM_IPA, then GUARD
 * bytes of what lies past it (another VM's, say) that must never change. map() is the VM's
 * view of it, as the devices reach guest memory: NULL for anything not wholly inside. The
 * includer may choose RAM_SIZE and GUARD first. */
#ifndef TRIAD_TESTS_GUEST_RAM_H
#define TRIAD_TESTS_GUEST_RAM_H

#include <stdbool.h>
#include <stdint.h>

#define RAM_IPA 0x40000000UL
#ifndef RAM_SIZE
#define RAM_SIZE 0x10000UL
#endif
#ifndef GUARD
#define GUARD 0x80000UL
#endif

static _Alignas(4096) uint8_t ram[RAM_SIZE + GUARD];

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	if (ipa < RAM_IPA || ipa - RAM_IPA > RAM_SIZE || len > RAM_SIZE - (ipa - RAM_IPA))
		return NULL;
	return ram + (ipa - RAM_IPA);
}

/* Whether nothing was written past the VM's RAM. */
static inline bool guard_untouched(void)
{
	for (uint64_t i = RAM_SIZE; i < sizeof(ram); i++)
		if (ram[i])
			return false;
	return true;
}

#endif
