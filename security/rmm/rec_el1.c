/* The EL1 and FP/SIMD state a REC and the host take turns with on a CPU (rec_run.c). */
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
	s->sctlr = read_sysreg(sctlr_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->mair = read_sysreg(mair_el1);
	s->amair = read_sysreg(amair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el0 = read_sysreg(sp_el0);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr = read_sysreg(elr_el1);
	s->spsr = read_sysreg(spsr_el1);
	s->esr = read_sysreg(esr_el1);
	s->far = read_sysreg(far_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->par = read_sysreg(par_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->csselr = read_sysreg(csselr_el1);
	s->mdscr = read_sysreg(mdscr_el1);
	s->cntv_ctl = read_sysreg(cntv_ctl_el0);
	s->cntv_cval = read_sysreg(cntv_cval_el0);
	s->cntp_ctl = read_sysreg(cntp_ctl_el0);
	s->cntp_cval = read_sysreg(cntp_cval_el0);
}

void el1_restore(const struct el1_state *s)
{
	write_sysreg(sctlr_el1, s->sctlr);
	write_sysreg(cpacr_el1, s->cpacr);
	write_sysreg(ttbr0_el1, s->ttbr0);
	write_sysreg(ttbr1_el1, s->ttbr1);
	write_sysreg(tcr_el1, s->tcr);
	write_sysreg(mair_el1, s->mair);
	write_sysreg(amair_el1, s->amair);
	write_sysreg(vbar_el1, s->vbar);
	write_sysreg(contextidr_el1, s->contextidr);
	write_sysreg(tpidr_el0, s->tpidr_el0);
	write_sysreg(tpidrro_el0, s->tpidrro_el0);
	write_sysreg(tpidr_el1, s->tpidr_el1);
	write_sysreg(sp_el0, s->sp_el0);
	write_sysreg(sp_el1, s->sp_el1);
	write_sysreg(elr_el1, s->elr);
	write_sysreg(spsr_el1, s->spsr);
	write_sysreg(esr_el1, s->esr);
	write_sysreg(far_el1, s->far);
	write_sysreg(afsr0_el1, s->afsr0);
	write_sysreg(afsr1_el1, s->afsr1);
	write_sysreg(par_el1, s->par);
	write_sysreg(cntkctl_el1, s->cntkctl);
	write_sysreg(csselr_el1, s->csselr);
	write_sysreg(mdscr_el1, s->mdscr);
	write_sysreg(cntv_cval_el0, s->cntv_cval);
	write_sysreg(cntv_ctl_el0, s->cntv_ctl);
	write_sysreg(cntp_cval_el0, s->cntp_cval);
	write_sysreg(cntp_ctl_el0, s->cntp_ctl);
	isb();
}
