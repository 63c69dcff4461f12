/* A world's CPU state that EL3 must keep while the other world runs: the EL2 and EL1
 * system registers (not banked between security states), FP/SIMD, and the general
 * registers of its last exception to EL3. Not the EL1 virtual timer: the normal world's
 * keeps running in the secure world (which does not use it), so that, as under any EL3
 * firmware, its interrupt preempts OP-TEE (a foreign interrupt). */
#include "monitor.h"

/* FEAT_HCX: HCRX_EL2 is switched too (monitor.c finds out at boot). */
bool mon_hcx;

void context_save_el2(struct world_context *c)
{
#define X(field, reg) c->sys.field = read_sysreg(reg);
	MON_EL2_REGS(X)
	if (mon_hcx) {
		MON_EL2_HCX_REGS(X)
	}
#undef X
}

void context_save_el1_fp(struct world_context *c)
{
#define X(field, reg) c->sys.field = read_sysreg(reg);
	MON_EL1_REGS(X)
#undef X
	fpsimd_save(&c->fp);
	/* After context_save_el2: cptr_el2 is the world's own. */
	c->sve_saved = c->sve && !(c->sys.cptr_el2 & CPTR_TZ);
	if (c->sve_saved)
		sve_save(c->sve);
}

void context_restore_el2(const struct world_context *c)
{
#define X(field, reg) write_sysreg(reg, c->sys.field);
	MON_EL2_REGS(X)
	if (mon_hcx) {
		MON_EL2_HCX_REGS(X)
	}
#undef X
	isb();
}

void context_restore_el1_fp(const struct world_context *c)
{
#define X(field, reg) write_sysreg(reg, c->sys.field);
	MON_EL1_REGS(X)
#undef X
	fpsimd_restore(&c->fp);
	if (c->sve_saved) /* after V0-V31, whose restore zeroed the rest of Z0-Z31 */
		sve_restore(c->sve);
	isb();
}

void context_save_sysregs(struct world_context *c)
{
	context_save_el2(c);
	context_save_el1_fp(c);
}
