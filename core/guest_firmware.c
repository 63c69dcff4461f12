/*
 * What guest firmware for QEMU's virt (a VM whose config says firmware, from triad-run
 * --boot disk) needs of the machine beyond RAM and the devices every VM has.
 *
 * U-Boot reads its saved environment straight from the second flash bank. Triad gives it
 * no flash there: the environment's area reads as erased flash (all ones), so U-Boot finds
 * no saved environment and uses its built-in one, as on QEMU without a flash image. The
 * area is one read-only page mapped over and over: writes fault like any access outside
 * the VM's memory.
 *
 * EDK2 (ArmVirtQemu, --firmware uefi) runs in place from the first flash bank, as from
 * QEMU's: its code is copied once, at creation, into pages of the VM's own and mapped
 * read-only and executable at IPA 0 (a write there faults); the copy outlives the VM's
 * reboots like a flash chip. Its variable store is devices/vm_flash.c.
 */
#include <arch/pte.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/guest_firmware.h>
#include <triad/mem.h>
#include <triad/util.h>
#include <triad/vm.h>

#include "../arch/arm64/cache.h"

#define ENV_SIZE 0x40000UL /* U-Boot's qemu_arm64 CONFIG_ENV_SIZE */

static const uint8_t erased[PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE))) = {[0 ... PAGE_SIZE - 1] = 0xff};

static int map_uefi_code(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	uint64_t size = ALIGN_UP(cfg->kernel.size, PAGE_SIZE);
	uint64_t pa = page_alloc(size / PAGE_SIZE, PAGE_SIZE);
	if (!pa)
		return -ENOMEM;
	vm->fw_code_pa = pa;
	vm->fw_code_size = size;
	memset((void *)pa, 0xff, size); /* the tail of the last page: erased flash */
	memcpy((void *)pa, vm->bundle + cfg->kernel.offset, cfg->kernel.size);
	/* The firmware starts with its MMU and caches off: the code must be in memory. */
	dcache_clean_range(pa, size);
	icache_invalidate_all();
	return vm_s2_map(vm, IPA(GUEST_FLASH0_IPA), PA(pa), size,
			 S2_MEMATTR_NORMAL | S2_AP_R | PTE_SH_INNER | PTE_AF);
}

int guest_firmware_map(struct vm *vm)
{
	if (vm->cfg->uefi)
		return map_uefi_code(vm);
	const uint64_t attr = S2_MEMATTR_NORMAL | S2_AP_R | PTE_SH_INNER | PTE_AF | PTE_XN;
	for (uint64_t off = 0; off < ENV_SIZE; off += PAGE_SIZE) {
		int r = vm_s2_map(vm, IPA(GUEST_FLASH1_IPA + off), PA((uint64_t)erased), PAGE_SIZE,
				  attr);
		if (r)
			return r;
	}
	return 0;
}

void guest_firmware_free(struct vm *vm)
{
	if (vm->fw_code_pa)
		page_free(vm->fw_code_pa, vm->fw_code_size / PAGE_SIZE);
	vm->fw_code_pa = 0;
}
