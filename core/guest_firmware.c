/*
 * What guest firmware for QEMU's virt (U-Boot: a VM whose config says firmware, from
 * triad-run --boot disk) needs of the machine beyond RAM and the devices every VM has:
 * its saved environment, which it reads straight from the second flash bank. Triad gives
 * guests no flash; the environment's area reads as erased flash (all ones), so U-Boot
 * finds no saved environment and uses its built-in one, as on QEMU without a flash image.
 * The area is one read-only page mapped over and over: writes fault like any access
 * outside the VM's memory.
 */
#include <arch/pte.h>
#include <triad/guest_firmware.h>
#include <triad/util.h>
#include <triad/vm.h>

#define ENV_IPA	 0x04000000UL /* QEMU virt's flash bank 1 */
#define ENV_SIZE 0x40000UL    /* U-Boot's qemu_arm64 CONFIG_ENV_SIZE */

static const uint8_t erased[PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE))) = {[0 ... PAGE_SIZE - 1] = 0xff};

int guest_firmware_map(struct vm *vm)
{
	const uint64_t attr = S2_MEMATTR_NORMAL | S2_AP_R | PTE_SH_INNER | PTE_AF | PTE_XN;
	for (uint64_t off = 0; off < ENV_SIZE; off += PAGE_SIZE) {
		int r = vm_s2_map(vm, IPA(ENV_IPA + off), PA((uint64_t)erased), PAGE_SIZE, attr);
		if (r)
			return r;
	}
	return 0;
}
