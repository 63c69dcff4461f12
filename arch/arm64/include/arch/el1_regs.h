/* The EL1 system registers a hypervisor switches between guests: Triad between its vCPUs
 * (core/vcpu.c) and the RMM between a REC and the host (security/rmm/rec_el1.c). X-macros
 * of (field, register); a state struct names its fields after them. */
#ifndef ARCH_EL1_REGS_H
#define ARCH_EL1_REGS_H

#include <arch/sysreg.h>
#include <stdbool.h>

// clang-format off
#define EL1_SYSREG_LIST(X)                                                                         \
	X(sctlr, sctlr_el1) X(cpacr, cpacr_el1) X(ttbr0, ttbr0_el1) X(ttbr1, ttbr1_el1)            \
	X(tcr, tcr_el1) X(mair, mair_el1) X(amair, amair_el1) X(vbar, vbar_el1)                    \
	X(contextidr, contextidr_el1) X(tpidr_el0, tpidr_el0) X(tpidrro_el0, tpidrro_el0)          \
	X(tpidr_el1, tpidr_el1) X(sp_el0, sp_el0) X(sp_el1, sp_el1) X(elr, elr_el1)                \
	X(spsr, spsr_el1) X(esr, esr_el1) X(far, far_el1) X(afsr0, afsr0_el1)                      \
	X(afsr1, afsr1_el1) X(par, par_el1) X(cntkctl, cntkctl_el1) X(csselr, csselr_el1)          \
	X(mdscr, mdscr_el1) X(cntv_cval, cntv_cval_el0) X(cntv_ctl, cntv_ctl_el0)

/* Pointer-authentication keys (FEAT_PAuth), by encoding for older assemblers. */
#define PAUTH_LIST(X)                                                                              \
	X(apia[0], S3_0_C2_C1_0) X(apia[1], S3_0_C2_C1_1) X(apib[0], S3_0_C2_C1_2)                 \
	X(apib[1], S3_0_C2_C1_3) X(apda[0], S3_0_C2_C2_0) X(apda[1], S3_0_C2_C2_1)                 \
	X(apdb[0], S3_0_C2_C2_2) X(apdb[1], S3_0_C2_C2_3) X(apga[0], S3_0_C2_C3_0)                 \
	X(apga[1], S3_0_C2_C3_1)
// clang-format on

/* X-macro bodies: a register into or out of its field of the state struct *s. */
#define EL1_SAVE(field, reg)	s->field = read_sysreg(reg);
#define EL1_RESTORE(field, reg) write_sysreg(reg, s->field);

static inline bool cpu_has_pauth(void)
{
	/* ID_AA64ISAR1_EL1: APA [7:4], API [11:8], GPA [27:24], GPI [31:28]; ISAR2 APA3. */
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1), isar2 = read_sysreg(S3_0_C0_C6_2);
	return (isar1 & 0xff000ff0UL) || (isar2 & 0xf000UL);
}

#endif
