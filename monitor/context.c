/* A world's CPU state that EL3 must keep while the other world runs: the EL2 and EL1
 * system registers (not banked between security states), FP/SIMD, and the general
 * registers of its last exception to EL3. Not the EL1 virtual timer: the normal world's
 * keeps running in the secure world (which does not use it), so that, as under any EL3
 * firmware, its interrupt preempts OP-TEE (a foreign interrupt). */
#include "monitor.h"

void context_save_el2(struct world_context *c)
{
	struct sysregs *r = &c->sys;
	r->sctlr_el2 = read_sysreg(sctlr_el2);
	r->hcr_el2 = read_sysreg(hcr_el2);
	r->ttbr0_el2 = read_sysreg(ttbr0_el2);
	r->tcr_el2 = read_sysreg(tcr_el2);
	r->mair_el2 = read_sysreg(mair_el2);
	r->vbar_el2 = read_sysreg(vbar_el2);
	r->tpidr_el2 = read_sysreg(tpidr_el2);
	r->elr_el2 = read_sysreg(elr_el2);
	r->spsr_el2 = read_sysreg(spsr_el2);
	r->esr_el2 = read_sysreg(esr_el2);
	r->far_el2 = read_sysreg(far_el2);
	r->hpfar_el2 = read_sysreg(hpfar_el2);
	r->cptr_el2 = read_sysreg(cptr_el2);
	r->mdcr_el2 = read_sysreg(mdcr_el2);
	r->cnthctl_el2 = read_sysreg(cnthctl_el2);
	r->cntvoff_el2 = read_sysreg(cntvoff_el2);
	r->vttbr_el2 = read_sysreg(vttbr_el2);
	r->vtcr_el2 = read_sysreg(vtcr_el2);
	r->vmpidr_el2 = read_sysreg(vmpidr_el2);
	r->vpidr_el2 = read_sysreg(vpidr_el2);
	r->sp_el2 = read_sysreg(sp_el2);
	r->ich_hcr_el2 = read_sysreg(s3_4_c12_c11_0);
	r->elr_el3 = read_sysreg(elr_el3);
	r->spsr_el3 = read_sysreg(spsr_el3);
}

void context_save_el1_fp(struct world_context *c)
{
	struct sysregs *r = &c->sys;
	r->sctlr_el1 = read_sysreg(sctlr_el1);
	r->cpacr_el1 = read_sysreg(cpacr_el1);
	r->ttbr0_el1 = read_sysreg(ttbr0_el1);
	r->ttbr1_el1 = read_sysreg(ttbr1_el1);
	r->tcr_el1 = read_sysreg(tcr_el1);
	r->mair_el1 = read_sysreg(mair_el1);
	r->amair_el1 = read_sysreg(amair_el1);
	r->vbar_el1 = read_sysreg(vbar_el1);
	r->contextidr_el1 = read_sysreg(contextidr_el1);
	r->tpidr_el0 = read_sysreg(tpidr_el0);
	r->tpidrro_el0 = read_sysreg(tpidrro_el0);
	r->tpidr_el1 = read_sysreg(tpidr_el1);
	r->sp_el0 = read_sysreg(sp_el0);
	r->sp_el1 = read_sysreg(sp_el1);
	r->elr_el1 = read_sysreg(elr_el1);
	r->spsr_el1 = read_sysreg(spsr_el1);
	r->esr_el1 = read_sysreg(esr_el1);
	r->far_el1 = read_sysreg(far_el1);
	r->afsr0_el1 = read_sysreg(afsr0_el1);
	r->afsr1_el1 = read_sysreg(afsr1_el1);
	r->par_el1 = read_sysreg(par_el1);
	r->cntkctl_el1 = read_sysreg(cntkctl_el1);
	r->csselr_el1 = read_sysreg(csselr_el1);
	r->mdscr_el1 = read_sysreg(mdscr_el1);
	r->cntp_ctl = read_sysreg(cntp_ctl_el0);
	r->cntp_cval = read_sysreg(cntp_cval_el0);
	fpsimd_save(&c->fp);
}

void context_restore_el2(const struct world_context *c)
{
	const struct sysregs *r = &c->sys;
	write_sysreg(sctlr_el2, r->sctlr_el2);
	write_sysreg(hcr_el2, r->hcr_el2);
	write_sysreg(ttbr0_el2, r->ttbr0_el2);
	write_sysreg(tcr_el2, r->tcr_el2);
	write_sysreg(mair_el2, r->mair_el2);
	write_sysreg(vbar_el2, r->vbar_el2);
	write_sysreg(tpidr_el2, r->tpidr_el2);
	write_sysreg(elr_el2, r->elr_el2);
	write_sysreg(spsr_el2, r->spsr_el2);
	write_sysreg(esr_el2, r->esr_el2);
	write_sysreg(far_el2, r->far_el2);
	write_sysreg(hpfar_el2, r->hpfar_el2);
	write_sysreg(cptr_el2, r->cptr_el2);
	write_sysreg(mdcr_el2, r->mdcr_el2);
	write_sysreg(cnthctl_el2, r->cnthctl_el2);
	write_sysreg(cntvoff_el2, r->cntvoff_el2);
	write_sysreg(vttbr_el2, r->vttbr_el2);
	write_sysreg(vtcr_el2, r->vtcr_el2);
	write_sysreg(vmpidr_el2, r->vmpidr_el2);
	write_sysreg(vpidr_el2, r->vpidr_el2);
	write_sysreg(sp_el2, r->sp_el2);
	write_sysreg(s3_4_c12_c11_0, r->ich_hcr_el2);
	write_sysreg(elr_el3, r->elr_el3);
	write_sysreg(spsr_el3, r->spsr_el3);
	isb();
}

void context_restore_el1_fp(const struct world_context *c)
{
	const struct sysregs *r = &c->sys;
	write_sysreg(sctlr_el1, r->sctlr_el1);
	write_sysreg(cpacr_el1, r->cpacr_el1);
	write_sysreg(ttbr0_el1, r->ttbr0_el1);
	write_sysreg(ttbr1_el1, r->ttbr1_el1);
	write_sysreg(tcr_el1, r->tcr_el1);
	write_sysreg(mair_el1, r->mair_el1);
	write_sysreg(amair_el1, r->amair_el1);
	write_sysreg(vbar_el1, r->vbar_el1);
	write_sysreg(contextidr_el1, r->contextidr_el1);
	write_sysreg(tpidr_el0, r->tpidr_el0);
	write_sysreg(tpidrro_el0, r->tpidrro_el0);
	write_sysreg(tpidr_el1, r->tpidr_el1);
	write_sysreg(sp_el0, r->sp_el0);
	write_sysreg(sp_el1, r->sp_el1);
	write_sysreg(elr_el1, r->elr_el1);
	write_sysreg(spsr_el1, r->spsr_el1);
	write_sysreg(esr_el1, r->esr_el1);
	write_sysreg(far_el1, r->far_el1);
	write_sysreg(afsr0_el1, r->afsr0_el1);
	write_sysreg(afsr1_el1, r->afsr1_el1);
	write_sysreg(par_el1, r->par_el1);
	write_sysreg(cntkctl_el1, r->cntkctl_el1);
	write_sysreg(csselr_el1, r->csselr_el1);
	write_sysreg(mdscr_el1, r->mdscr_el1);
	write_sysreg(cntp_cval_el0, r->cntp_cval);
	write_sysreg(cntp_ctl_el0, r->cntp_ctl);
	fpsimd_restore(&c->fp);
	isb();
}

void context_save_sysregs(struct world_context *c)
{
	context_save_el2(c);
	context_save_el1_fp(c);
}

void context_restore_sysregs(const struct world_context *c)
{
	context_restore_el2(c);
	context_restore_el1_fp(c);
}
