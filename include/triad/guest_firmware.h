/* Guest firmware for QEMU's virt as a VM's payload (U-Boot, or EDK2 from its flash):
 * core/guest_firmware.c, devices/vm_flash.c. */
#ifndef TRIAD_GUEST_FIRMWARE_H
#define TRIAD_GUEST_FIRMWARE_H

#include <stdint.h>

#define GUEST_FLASH0_IPA 0x00000000UL /* QEMU virt's flash bank 0: EDK2's code */
#define GUEST_FLASH1_IPA 0x04000000UL /* bank 1: EDK2's variable store, U-Boot's environment */
/* The variable store's bank: EDK2's three 256 KiB regions (variables, fault-tolerant-write
 * working and spare), rounded up to a power of two for the CFI query. */
#define GUEST_VARSTORE_SIZE 0x100000UL

struct vm;
/* Maps what the firmware reads beyond RAM into the VM's stage 2 (UEFI: a copy of its code
 * as read-only flash at IPA 0, kept in vm->fw_code_pa); 0 or -ENOMEM. */
int guest_firmware_map(struct vm *vm);
/* Gives back the UEFI code flash's copy (vm_free). */
void guest_firmware_free(struct vm *vm);

#endif
