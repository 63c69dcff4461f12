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
#define SAVE(field, reg) s->field = read_sysreg(reg);
	EL1_SYSREG_LIST(SAVE)
	SAVE(cntp_ctl, cntp_ctl_el0)
	SAVE(cntp_cval, cntp_cval_el0)
	if (cpu_has_pauth()) {
		PAUTH_LIST(SAVE)
	}
#undef SAVE
}

void el1_restore(const struct el1_state *s)
{
#define RESTORE(field, reg) write_sysreg(reg, s->field);
	EL1_SYSREG_LIST(RESTORE)
	RESTORE(cntp_cval, cntp_cval_el0)
	RESTORE(cntp_ctl, cntp_ctl_el0)
	if (cpu_has_pauth()) {
		PAUTH_LIST(RESTORE)
	}
#undef RESTORE
}
