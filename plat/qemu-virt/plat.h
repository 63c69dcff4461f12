/* QEMU 'virt': the only facts not read from the DTB. */
#ifndef PLAT_QEMU_VIRT_H
#define PLAT_QEMU_VIRT_H

/* PL011 UART0, usable before the DTB is parsed (panic messages during early boot). */
#define PLAT_EARLY_UART 0x09000000UL

#endif
