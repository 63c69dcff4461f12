/*
 * RmiFeatureRegister0 (RMM 1.0, B4.4.4): what this RMM offers realms on this CPU, from the
 * CPU's ID registers. REALM_CREATE checks RmiRealmParams against the same value, so the
 * host can ask for anything RMI_FEATURES reports and nothing more.
 */
#include <arch/id_regs.h>

#include "rmm.h"

/* RECs per realm: 2^15 - 1, the most the field can say (this RMM sets no lower limit: a
 * REC's index from its MPIDR has 28 bits). */
#define MAX_RECS_ORDER 15ULL

/* The realm IPA sizes this RMM supports: the CPU's PA size, at most 48 bits (4 KiB
 * granules without LPA2). */
static uint64_t s2sz_of(uint64_t mmfr0)
{
	static const uint8_t pa_bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned parange = mmfr0 & 0xf;
	return parange < sizeof(pa_bits) && pa_bits[parange] < 48 ? pa_bits[parange] : 48;
}

uint64_t feature_register0(uint64_t mmfr0, uint64_t dfr0, uint64_t ich_vtr, unsigned sve_max_vl)
{
	/* SVE: the longest vectors the RMM keeps (0 bytes: the CPU has none), in 16 bytes. */
	uint64_t sve = sve_max_vl >= 16
			   ? FEAT0_SVE_EN | (uint64_t)(sve_max_vl / 16 - 1) << FEAT0_SVE_VL_SHIFT
			   : 0;
	/* Breakpoints and watchpoints, minus one, as ID_AA64DFR0_EL1.BRPs/WRPs count them:
	 * the realm gets up to the CPU's (at most 16 each: rec_debug.c switches that many). */
	uint64_t bps = (dfr0 >> 12) & 0xf, wps = (dfr0 >> 20) & 0xf;
	uint64_t lrs = ich_vtr & 0x1f; /* ICH_VTR_EL2.ListRegs: list registers, minus one */
	return sve | s2sz_of(mmfr0) << FEAT0_S2SZ_SHIFT | bps << FEAT0_NUM_BPS_SHIFT |
	       wps << FEAT0_NUM_WPS_SHIFT | FEAT0_HASH_SHA_256 | FEAT0_HASH_SHA_512 |
	       lrs << FEAT0_GICV3_NUM_LRS_SHIFT | MAX_RECS_ORDER << FEAT0_MAX_RECS_ORDER_SHIFT;
}

uint64_t realm_id_aa64dfr0(uint64_t guest_view, unsigned num_bps, unsigned num_wps)
{
	/* BRPs [15:12] and WRPs [23:20]: the realm's; CTX_CMPs [31:28]: one (its last
	 * breakpoint), the fewest the architecture allows. */
	guest_view &= ~((0xfULL << 12) | (0xfULL << 20) | (0xfULL << 28));
	return guest_view | (uint64_t)(num_bps & 0xf) << 12 | (uint64_t)(num_wps & 0xf) << 20;
}

uint64_t realm_id_reg_sve(unsigned reg, uint64_t guest_view, uint64_t cpu_value, bool sve)
{
	if (!sve)
		return guest_view;
	if (reg == ID_AA64PFR0) /* SVE [35:32]: the CPU's */
		return (guest_view & ~(0xfULL << 32)) | (cpu_value & (0xfULL << 32));
	if (reg == ID_AA64ZFR0) /* the SVE instructions the CPU has */
		return cpu_value;
	return guest_view;
}
