/* ID registers by their MRS encoding, and the view of them a virtual machine gets: shared
 * by Triad (for its guests) and the RMM (for realms), which both trap them (HCR_EL2.TID3). */
#ifndef ARCH_ID_REGS_H
#define ARCH_ID_REGS_H

#include <arch/sysreg.h>
#include <stdint.h>

/* ISS of an MSR/MRS trap, packed as op0:op1:CRn:CRm:op2. */
#define SYSREG(op0, op1, crn, crm, op2)                                                            \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

#define ID_AA64PFR0  SYSREG(3, 0, 0, 4, 0)
#define ID_AA64PFR1  SYSREG(3, 0, 0, 4, 1)
#define ID_AA64PFR2  SYSREG(3, 0, 0, 4, 2)
#define ID_AA64ZFR0  SYSREG(3, 0, 0, 4, 4)
#define ID_AA64SMFR0 SYSREG(3, 0, 0, 4, 5)
#define ID_AA64DFR0  SYSREG(3, 0, 0, 5, 0)
#define ID_DFR0	     SYSREG(3, 0, 0, 1, 2)
#define ID_AA64MMFR1 SYSREG(3, 0, 0, 7, 1)
#define ID_AA64MMFR2 SYSREG(3, 0, 0, 7, 2)

static inline uint64_t id_field_clear(uint64_t v, unsigned lsb)
{
	return v & ~(0xfUL << lsb);
}

// clang-format off
#define IDREG_CASE(crm, op2)                                                                       \
	case SYSREG(3, 0, 0, crm, op2):                                                            \
		return read_sysreg(S3_0_C0_C##crm##_##op2);
#define IDREG_ROW(crm)                                                                             \
	IDREG_CASE(crm, 0) IDREG_CASE(crm, 1) IDREG_CASE(crm, 2) IDREG_CASE(crm, 3)               \
	IDREG_CASE(crm, 4) IDREG_CASE(crm, 5) IDREG_CASE(crm, 6) IDREG_CASE(crm, 7)
// clang-format on

static inline uint64_t id_reg_read(unsigned reg)
{
	switch (reg) {
		IDREG_ROW(1)
		IDREG_ROW(2)
		IDREG_ROW(3)
		IDREG_ROW(4)
		IDREG_ROW(5)
		IDREG_ROW(6)
		IDREG_ROW(7)
	}
	return 0;
}

/* A VM's view of an ID register: the CPU's, minus what a VM does not get (EL2 and EL3
 * features, SVE, SME, MTE, MPAM, AMU, RME, trace, SPE); pmu_version is its PMU's (0: none). */
static inline uint64_t id_reg_for_guest(unsigned reg, unsigned pmu_version)
{
	uint64_t v = id_reg_read(reg);
	switch (reg) {
	case ID_AA64PFR0:
		/* EL2, EL3, RAS, SVE, Secure EL2, MPAM, AMU, RME */
		for (unsigned lsb = 8; lsb <= 28; lsb += 4)
			if (lsb == 8 || lsb == 12 || lsb == 28)
				v = id_field_clear(v, lsb);
		for (unsigned lsb = 32; lsb <= 44; lsb += 4)
			v = id_field_clear(v, lsb);
		v = id_field_clear(v, 52);
		return v;
	case ID_AA64PFR1:
		/* Keep BT, SSBS and CSV2_frac; MTE, SME, NMI, MPAM and the rest are hidden. */
		return v & (0xffUL | (0xfUL << 32));
	case ID_AA64PFR2:
		/* MTE's permission, store-only and FAR features (with MTE hidden) */
		return v & ~0xfffUL;
	case ID_AA64ZFR0:
	case ID_AA64SMFR0:
		return 0;
	case ID_AA64DFR0:
		/* The virtual PMU's version; no SPE, no trace, no BRBE. */
		v = id_field_clear(v, 4);
		v = id_field_clear(v, 8) | ((uint64_t)pmu_version << 8);
		for (unsigned lsb = 32; lsb <= 60; lsb += 4)
			if (lsb != 36)
				v = id_field_clear(v, lsb);
		return v;
	case ID_DFR0:
		return id_field_clear(id_field_clear(v, 24), 28); /* AArch32 PMU, trace filter */
	case ID_AA64MMFR1:
		return id_field_clear(v, 8); /* VHE: the guest has no EL2 */
	case ID_AA64MMFR2:
		return id_field_clear(v, 24); /* nested virtualization */
	}
	return v;
}

#endif
