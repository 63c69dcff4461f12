/* QEMU 'virt': the only facts not read from the DTB. */
#ifndef PLAT_QEMU_VIRT_H
#define PLAT_QEMU_VIRT_H

#include <stdbool.h>

/* PL011 UART0, usable before the DTB is parsed (panic messages during early boot). */
#define PLAT_EARLY_UART 0x09000000UL

/* QEMU hands over RAM filled with zeros, so pages never used since boot need no scrubbing
 * before a VM gets them. A real board says false here: Triad then zeroes everything. */
#define PLAT_RAM_ZEROED_AT_BOOT true

#endif
