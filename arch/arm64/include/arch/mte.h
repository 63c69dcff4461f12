/* Memory tagging (FEAT_MTE2 and later: allocation tags in memory): how much of it the CPU
 * has, and the EL1 registers a hypervisor switches for a guest that uses it. The rest of a
 * guest's MTE state is in registers switched anyway: SCTLR_EL1 (ATA, ATA0, TCF, TCF0,
 * ITFSB), TCR_EL1 (TBI, TCMA) and PSTATE.TCO. */
#ifndef ARCH_MTE_H
#define ARCH_MTE_H

#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>

/* ID_AA64PFR1_EL1.MTE: 1 instructions only, 2 tags in memory (MTE2), 3 asymmetric checks
 * (MTE3). */
static inline unsigned cpu_mte_level(void)
{
	return (read_sysreg(id_aa64pfr1_el1) >> 8) & 0xf;
}

static inline bool cpu_has_mte_tags(void)
{
	return cpu_mte_level() >= 2;
}

/* TFSR_EL1, TFSRE0_EL1 (the asynchronous tag check faults of EL1 and EL0), RGSR_EL1 (the
 * random tag seed), GCR_EL1 (the tags IRG may choose), by encoding for older assemblers. */
// clang-format off
#define MTE_EL1_LIST(X)                                                                            \
	X(tfsr, S3_0_C5_C6_0) X(tfsre0, S3_0_C5_C6_1) X(rgsr, S3_0_C1_C0_5) X(gcr, S3_0_C1_C0_6)
// clang-format on

/* SCTLR_EL2 (E2H 0): EL2's own tag access, and asynchronous tag check faults of lower ELs
 * written to their TFSR registers at exception entry to EL2. */
#define SCTLR_EL2_ATA	(1UL << 43)
#define SCTLR_EL2_ITFSB (1UL << 37)
/* arch/arm64/mte.S: a 4 KiB page's 256 tags as 16 words of 16 (granule g's in bits
 * 4(g % 16) of word g / 16), read (LDGM) and written (STGM) through Triad's Tagged map. */
void mte_page_tags_get(uint64_t page, uint8_t tags[128]);
void mte_page_tags_set(uint64_t page, const uint8_t tags[128]);

/* MAIR attribute of Tagged Normal memory, inner and outer write-back. */
#define MAIR_NORMAL_TAGGED 0xf0UL

#endif
