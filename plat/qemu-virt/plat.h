/* QEMU 'virt': the only facts not read from the DTB. */
#ifndef PLAT_QEMU_VIRT_H
#define PLAT_QEMU_VIRT_H

/* The most CPUs any of Triad's images runs on (each keeps a stack and state per CPU). */
#define MAX_CPUS 8

/* The GICv3 distributor, first redistributor and RAM, for the images that read no DTB. */
#define PLAT_GICD_BASE 0x08000000UL
#define PLAT_GICR_BASE 0x080a0000UL
#define PLAT_DRAM_BASE 0x40000000UL

/* PL011 UART0, usable before the DTB is parsed (panic messages during early boot). */
#define PLAT_EARLY_UART 0x09000000UL

/* QEMU hands over RAM filled with zeros, so pages never used since boot need no scrubbing
 * before a VM gets them. A real board says 0 here: Triad then zeroes everything. */
#define PLAT_RAM_ZEROED_AT_BOOT 1

#endif
