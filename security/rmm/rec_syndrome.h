/* What of ESR_EL2 a REC exit shows the host (RMM 1.0, A4.3 "REC exit"): per exit class,
 * only the fields the host needs to act; every other bit reads as zero. The rest of the
 * syndrome (which register, instruction length, sign extension...) is the realm's. */
#ifndef RMM_REC_SYNDROME_H
#define RMM_REC_SYNDROME_H

#include <arch/esr.h>
#include <stdint.h>

/* A data or instruction abort the host cannot emulate (it may give memory): the class, the
 * fault status and whether it was external. */
static inline uint64_t esr_for_abort(uint64_t esr)
{
	return esr & (ESR_EC_MASK | ESR_SET_MASK | ESR_FNV | ESR_EA | ESR_FSC_MASK);
}

/* An emulatable data abort: also the access's size, whether 64-bit and a write (its data
 * goes in exit.gprs[0]); never the register (SRT, SSE, AR) or the instruction length. */
static inline uint64_t esr_for_emulatable_abort(uint64_t esr)
{
	return esr_for_abort(esr) | (esr & (ESR_ISV | ESR_SAS_MASK | ESR_SF | ESR_WNR));
}

/* WFI or WFE: the class and which of the two. */
static inline uint64_t esr_for_wfx(uint64_t esr)
{
	return esr & (ESR_EC_MASK | ISS_WFX_WFE);
}

/* An SError: IDS, AET, EA and DFSC (what kind of error, whether the realm can go on). */
static inline uint64_t esr_for_serror(uint64_t esr)
{
	return esr & ((1ULL << 24) | (7ULL << 10) | ESR_EA | ESR_FSC_MASK);
}

/* A trapped system register write the host carries out (ICC_SGI1R_EL1): which register and
 * the direction, not the realm's general register (the value is in exit.gprs[0]). */
static inline uint64_t esr_for_sysreg(uint64_t esr)
{
	return esr & ~ISS_SYSREG_RT_MASK;
}

/* The value an emulated write gives the host: the realm's register, to the access's size. */
static inline uint64_t mmio_write_value(uint64_t esr, uint64_t reg)
{
	unsigned bits = 8U << ESR_SAS(esr);
	return bits < 64 ? reg & ((1ULL << bits) - 1) : reg;
}

/* The value an emulated read puts in the realm's register, from the host's answer and the
 * abort's full syndrome (which the host did not see): the access's size, sign-extended if
 * the load was (SSE), to 32 bits unless SF. */
static inline uint64_t mmio_read_value(uint64_t esr, uint64_t host_value)
{
	unsigned bits = 8U << ESR_SAS(esr);
	uint64_t v = bits < 64 ? host_value & ((1ULL << bits) - 1) : host_value;
	if (bits < 64 && (esr & ESR_SSE) && (v >> (bits - 1)))
		v |= ~0ULL << bits;
	return (esr & ESR_SF) ? v : (uint32_t)v;
}

#endif
