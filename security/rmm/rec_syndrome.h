/* What of ESR_EL2 a REC exit shows the host (RMM 1.0, A4.3 "REC exit"): per exit class,
 * only the fields the host needs to act; every other bit reads as zero. The rest of the
 * syndrome (which register, instruction length, sign extension...) is the realm's. */
#ifndef RMM_REC_SYNDROME_H
#define RMM_REC_SYNDROME_H

#include <stdint.h>

#define ESR_EC_MASK	   (0x3fULL << 26)
#define ESR_ABORT_ISV	   (1ULL << 24)
#define ESR_ABORT_SAS	   (3ULL << 22)
#define ESR_ABORT_SSE	   (1ULL << 21)
#define ESR_ABORT_SF	   (1ULL << 15)
#define ESR_ABORT_SET	   (3ULL << 11)
#define ESR_ABORT_FNV	   (1ULL << 10)
#define ESR_ABORT_EA	   (1ULL << 9)
#define ESR_ABORT_WNR	   (1ULL << 6)
#define ESR_ABORT_FSC	   0x3fULL
#define ESR_WFX_TI_WFE	   1ULL /* TI[0]: WFE (WFI with 0) */
#define ESR_SYSREG_RT_MASK (0x1fULL << 5)

/* A data or instruction abort the host cannot emulate (it may give memory): the class, the
 * fault status and whether it was external. */
static inline uint64_t esr_for_abort(uint64_t esr)
{
	return esr & (ESR_EC_MASK | ESR_ABORT_SET | ESR_ABORT_FNV | ESR_ABORT_EA | ESR_ABORT_FSC);
}

/* An emulatable data abort: also the access's size, whether 64-bit and a write (its data
 * goes in exit.gprs[0]); never the register (SRT, SSE, AR) or the instruction length. */
static inline uint64_t esr_for_emulatable_abort(uint64_t esr)
{
	return esr_for_abort(esr) |
	       (esr & (ESR_ABORT_ISV | ESR_ABORT_SAS | ESR_ABORT_SF | ESR_ABORT_WNR));
}

/* WFI or WFE: the class and which of the two. */
static inline uint64_t esr_for_wfx(uint64_t esr)
{
	return esr & (ESR_EC_MASK | ESR_WFX_TI_WFE);
}

/* An SError: IDS, AET, EA and DFSC (what kind of error, whether the realm can go on). */
static inline uint64_t esr_for_serror(uint64_t esr)
{
	return esr & ((1ULL << 24) | (7ULL << 10) | ESR_ABORT_EA | ESR_ABORT_FSC);
}

/* A trapped system register write the host carries out (ICC_SGI1R_EL1): which register and
 * the direction, not the realm's general register (the value is in exit.gprs[0]). */
static inline uint64_t esr_for_sysreg(uint64_t esr)
{
	return esr & ~ESR_SYSREG_RT_MASK;
}

/* The value an emulated write gives the host: the realm's register, to the access's size. */
static inline uint64_t mmio_write_value(uint64_t esr, uint64_t reg)
{
	unsigned bits = 8U << ((esr >> 22) & 3);
	return bits < 64 ? reg & ((1ULL << bits) - 1) : reg;
}

/* The value an emulated read puts in the realm's register, from the host's answer and the
 * abort's full syndrome (which the host did not see): the access's size, sign-extended if
 * the load was (SSE), to 32 bits unless SF. */
static inline uint64_t mmio_read_value(uint64_t esr, uint64_t host_value)
{
	unsigned bits = 8U << ((esr >> 22) & 3);
	uint64_t v = bits < 64 ? host_value & ((1ULL << bits) - 1) : host_value;
	if (bits < 64 && (esr & ESR_ABORT_SSE) && (v >> (bits - 1)))
		v |= ~0ULL << bits;
	return (esr & ESR_ABORT_SF) ? v : (uint32_t)v;
}

#endif
