/* The EL1 and FP/SIMD state a REC and the host take turns with on a CPU (rec_run.c). */
#include <arch/el1_regs.h>

#include "rec.h"
#include "rmm.h"

_Static_assert(sizeof(struct rec) <= GRANULE_SIZE, "REC larger than a granule");

void fpsimd_save(struct fp_state *f);
void fpsimd_restore(const struct fp_state *f);

void fp_save(struct fp_state *f)
{
	fpsimd_save(f);
}

void fp_restore(const struct fp_state *f)
{
	fpsimd_restore(f);
}

void el1_save(struct el1_state *s)
{
	EL1_SYSREG_LIST(EL1_SAVE)
	EL1_SAVE(cntp_ctl, cntp_ctl_el0)
	EL1_SAVE(cntp_cval, cntp_cval_el0)
	if (cpu_has_pauth()) {
		PAUTH_LIST(EL1_SAVE)
	}
}

void el1_restore(const struct el1_state *s)
{
	EL1_SYSREG_LIST(EL1_RESTORE)
	EL1_RESTORE(cntp_cval, cntp_cval_el0)
	EL1_RESTORE(cntp_ctl, cntp_ctl_el0)
	if (cpu_has_pauth()) {
		PAUTH_LIST(EL1_RESTORE)
	}
}
