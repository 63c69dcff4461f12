/* What the test partition keeps across the normal world's turn (its REGS request, shared
 * with tests/guests/ffaguest, which names a lost register): register ids 0-12 are x18-x30
 * (FF-A's x0-x17 carry the messages), then these EL1 system registers in this order, each
 * written as its pattern ANDed with its mask (bits it may set without effect: the MMU is
 * off, and nothing takes an exception to EL1). Not among them: SCTLR_EL1 (the MMU),
 * MDSCR_EL1 (debug registers trap to S-EL2: a crash), CNTV_* (the normal world's timer
 * keeps running in the secure world), CPACR_EL1 and V0-V31/FPCR/FPSR (a partition has no
 * FP/SIMD: it traps to S-EL2). */
#ifndef SP_REGS_H
#define SP_REGS_H

enum { SP_REGS_FILL, SP_REGS_CHECK }; /* REGS's x4 */
#define SP_REGS_GENERAL 13	      /* x18-x30 */
#define SP_REGS_NONE	0xff	      /* REGS check's x5 when nothing was lost */

// clang-format off
#define SP_REGS_SYSREGS(X)                                                                         \
	X(TPIDR_EL1, tpidr_el1, ~0UL) X(TPIDR_EL0, tpidr_el0, ~0UL)                                \
	X(TPIDRRO_EL0, tpidrro_el0, ~0UL) X(CONTEXTIDR_EL1, contextidr_el1, 0xffffffffUL)          \
	X(SP_EL0, sp_el0, ~0xfUL) X(VBAR_EL1, vbar_el1, ~0x7ffUL) X(MAIR_EL1, mair_el1, ~0UL)      \
	X(AMAIR_EL1, amair_el1, ~0UL) X(TTBR0_EL1, ttbr0_el1, 0xfffffffffffeUL)                    \
	X(TTBR1_EL1, ttbr1_el1, 0xfffffffffffeUL) X(TCR_EL1, tcr_el1, 0x001f001fUL)                \
	X(ESR_EL1, esr_el1, 0x01ffffffUL) X(FAR_EL1, far_el1, ~0UL) X(AFSR0_EL1, afsr0_el1, ~0UL)  \
	X(AFSR1_EL1, afsr1_el1, ~0UL) X(PAR_EL1, par_el1, 0xfffffffff000UL)                        \
	X(ELR_EL1, elr_el1, ~0UL) X(SPSR_EL1, spsr_el1, 0xf00003c0UL)                              \
	X(CNTKCTL_EL1, cntkctl_el1, 0x3UL) X(CSSELR_EL1, csselr_el1, 0x2UL)
// clang-format on

/* Register k's pattern in partition id's REGS (x18-x30: k = 0-12). */
#define SP_REGS_PATTERN(id, k)                                                                     \
	(0x5350000000000000UL | (unsigned long)(id) << 32 | ((unsigned long)(k) + 1) * 0x01010101UL)

#endif
