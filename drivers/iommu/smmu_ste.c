/* Stream table entries (SMMUv3, 5.2), as pure logic. */
#include <triad/smmu.h>
#include <triad/util.h>

#define STE_V		(1ULL << 0)
#define STE_CFG_S2	(6ULL << 1) /* stage 1 bypassed, stage 2 translates */
#define STE_SHCFG_INCOM (1ULL << 44)
#define STE_S2AA64	(1ULL << 51)
#define STE_S2R		(1ULL << 58) /* record faults */

void smmu_ste_stage2(uint64_t ste[4], uint16_t vmid, uint64_t vtcr, unsigned oas, uint64_t s2_root)
{
	uint64_t ps = MIN((vtcr >> 16) & 7, (uint64_t)oas);
	ste[0] = STE_V | STE_CFG_S2;
	ste[1] = STE_SHCFG_INCOM;
	/* S2T0SZ, S2SL0, S2IR0, S2OR0, S2SH0, S2TG sit at bits 32..47 exactly as T0SZ..TG0
	 * sit at bits 0..15 of VTCR_EL2; S2PS at 48..50 as PS at 16..18. */
	ste[2] = vmid | ((vtcr & 0xffffULL) << 32) | (ps << 48) | STE_S2AA64 | STE_S2R;
	ste[3] = s2_root & GENMASK(51, 4);
}
