/* Virtual PMU (PMUv3): while a vCPU runs it owns the CPU's PMU, with every counter
 * given to EL1 (MDCR_EL2.HPMN) and counting prohibited at EL2, so a guest counts only
 * its own execution. Its counter state is saved and restored with the rest of its
 * context, so no VM sees another's counts. */
#ifndef TRIAD_VPMU_H
#define TRIAD_VPMU_H

#include <stdbool.h>
#include <stdint.h>

#define VPMU_MAX_COUNTERS 31

struct vpmu_state {
	uint64_t pmcr, cntenset, intenset, ovsset, userenr, selr, ccfiltr, ccntr;
	uint64_t evcntr[VPMU_MAX_COUNTERS], evtyper[VPMU_MAX_COUNTERS];
};

/* Whether guests get a PMU: the platform has one (with its overflow interrupt). */
bool vpmu_available(void);
/* Once, on the boot CPU: reads what the PMU has. */
void vpmu_global_init(uint32_t overflow_intid);
/* MDCR_EL2's value for this CPU: the PMU handed to EL1, or trapped when absent. */
uint64_t vpmu_mdcr_el2(void);
/* The PMUVer the guest sees in ID_AA64DFR0_EL1 (0: none). */
unsigned vpmu_guest_version(void);
/* Architectural reset state (counters stopped, interrupts off). */
void vpmu_reset(struct vpmu_state *s);
/* Context switch: save leaves the PMU quiet (no counting, no overflow interrupt). */
void vpmu_save(struct vpmu_state *s);
void vpmu_restore(const struct vpmu_state *s);

#endif
