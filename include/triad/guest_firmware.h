/* Guest firmware (U-Boot for QEMU's virt) as a VM's payload: core/guest_firmware.c. */
#ifndef TRIAD_GUEST_FIRMWARE_H
#define TRIAD_GUEST_FIRMWARE_H

struct vm;
/* Maps what the firmware reads beyond RAM into the VM's stage 2; 0 or -ENOMEM. */
int guest_firmware_map(struct vm *vm);

#endif
