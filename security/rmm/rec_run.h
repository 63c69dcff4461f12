/* RMI_REC_ENTER's two halves: rec_enter.c checks the command (RMM 1.0's failure
 * conditions) and rec_run.c runs the REC once they all passed. */
#ifndef RMM_REC_RUN_H
#define RMM_REC_RUN_H

#include "rec.h"

/* RmiRecRun (B4.4.7): RmiRecEnter at 0 */
#define ENTER_FLAGS 0x000
#define ENTER_GPRS  0x200
#define ENTER_GIC   0x300 /* gicv3_hcr, then gicv3_lrs[16] */

#define ENTER_EMUL_MMIO	   (1ULL << 0)
#define ENTER_INJECT_SEA   (1ULL << 1)
#define ENTER_TRAP_WFI	   (1ULL << 2)
#define ENTER_TRAP_WFE	   (1ULL << 3)
#define ENTER_RIPAS_REJECT (1ULL << 4)

/* What the host put in RmiRecEnter. */
struct rec_enter {
	uint64_t flags;
	uint64_t gprs[31];
	uint64_t gic_hcr, gic_lrs[GIC_MAX_LRS];
};

/* Runs the locked, runnable REC of an ACTIVE realm with the host's checked RmiRecEnter
 * until it exits, and writes RmiRecExit into run (the run page's Non-secure alias):
 * RMI_SUCCESS, or RMI_ERROR_INPUT if the run page faulted. */
uint64_t rec_run_entered(struct rec *rec, struct rd *rd, const struct rec_enter *in, uint8_t *run,
			 unsigned nr_lrs);

#endif
