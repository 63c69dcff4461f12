/* SCTLR_ELx bits, and the SCTLR and SPSR values every image starts an EL with (host-buildable:
 * no asm). */
#ifndef ARCH_SCTLR_H
#define ARCH_SCTLR_H

#define SCTLR_M	   (1UL << 0)
#define SCTLR_A	   (1UL << 1)
#define SCTLR_C	   (1UL << 2)
#define SCTLR_SA   (1UL << 3)
#define SCTLR_I	   (1UL << 12)
#define SCTLR_WXN  (1UL << 19) /* every writable page is never executable */
#define SCTLR_SPAN (1UL << 23)
/* RES1 bits only: MMU and caches off (0x30c50830). */
#define SCTLR_EL2_RES1                                                                             \
	((3UL << 28) | (3UL << 22) | (1UL << 18) | (1UL << 16) | (1UL << 11) | (3UL << 4))
/* EL2 with its MMU on: caches on, stack alignment checked, WXN off. */
#define SCTLR_EL2_MMU_ON (SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I)
#define SCTLR_EL1_RESET	 0x30d00800UL /* RES1 bits, MMU and caches off */
/* An exception return to ELx using SP_ELx, with D, A, I and F masked. */
#define SPSR_ELXH_MASKED(el) (0x3c1UL | (unsigned long)(el) << 2)
#define SPSR_EL1H_MASKED     SPSR_ELXH_MASKED(1)

#endif
