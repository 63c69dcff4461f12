/* Delivering architectural exceptions to a guest's EL1, as the CPU would have. */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <triad/trap.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

/* Vector offset for an exception taken to EL1 from the guest's current mode. */
static uint64_t vector_offset(uint64_t pstate)
{
	if (pstate & PSR_MODE32)
		return 0x600;
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1t:
		return 0x000;
	case PSR_MODE_EL1h:
		return 0x200;
	default:
		return 0x400; /* from EL0 */
	}
}

static bool from_el1(uint64_t pstate)
{
	return !(pstate & PSR_MODE32) && (pstate & PSR_MODE_MASK) != PSR_MODE_EL0t;
}

/* The vCPU is loaded: its EL1 registers are the live ones. */
static void enter_el1(struct vcpu *v, uint64_t esr, uint64_t far, bool set_far)
{
	uint64_t pstate = v->regs.pstate;
	write_sysreg(esr_el1, esr);
	if (set_far)
		write_sysreg(far_el1, far);
	write_sysreg(elr_el1, v->regs.pc);
	write_sysreg(spsr_el1, pstate);
	uint64_t new_pstate = PSR_MODE_EL1h | PSR_DAIF;
	/* PAN is set on exception entry unless SCTLR_EL1.SPAN asks to keep it as it was. */
	if (!(read_sysreg(sctlr_el1) & SCTLR_SPAN))
		new_pstate |= PSR_PAN;
	else
		new_pstate |= pstate & PSR_PAN;
	/* Tag checks off at exception entry, as the CPU does for an MTE guest. */
	if (v->vm->mte)
		new_pstate |= PSR_TCO;
	v->regs.pc = read_sysreg(vbar_el1) + vector_offset(pstate);
	v->regs.pstate = new_pstate;
}

void inject_undef(struct vcpu *v)
{
	enter_el1(v, ((uint64_t)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0, false);
}

void inject_data_abort(struct vcpu *v, uint64_t far, bool write)
{
	uint64_t ec = from_el1(v->regs.pstate) ? EC_DABT_CUR : EC_DABT_LOW;
	uint64_t wnr = write ? ESR_WNR : 0;
	enter_el1(v, (ec << ESR_EC_SHIFT) | ESR_IL | wnr | FSC_SEA, far, true);
}

void inject_insn_abort(struct vcpu *v, uint64_t far)
{
	uint64_t ec = from_el1(v->regs.pstate) ? EC_IABT_CUR : EC_IABT_LOW;
	enter_el1(v, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SEA, far, true);
}
