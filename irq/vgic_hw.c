/* Moving the vGIC state in and out of the CPU's list registers around each guest entry. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/util.h>
#include <triad/vm.h>

#include "vgic_hw.h"

#define ICH_HCR_UIE (1UL << 1)

static inline uint64_t read_lr(unsigned i)
{
	switch (i) {
	case 0:
		return read_sysreg(ICH_LR0_EL2);
	case 1:
		return read_sysreg(ICH_LR1_EL2);
	case 2:
		return read_sysreg(ICH_LR2_EL2);
	case 3:
		return read_sysreg(ICH_LR3_EL2);
	case 4:
		return read_sysreg(ICH_LR4_EL2);
	case 5:
		return read_sysreg(ICH_LR5_EL2);
	case 6:
		return read_sysreg(ICH_LR6_EL2);
	case 7:
		return read_sysreg(ICH_LR7_EL2);
	case 8:
		return read_sysreg(ICH_LR8_EL2);
	case 9:
		return read_sysreg(ICH_LR9_EL2);
	case 10:
		return read_sysreg(ICH_LR10_EL2);
	case 11:
		return read_sysreg(ICH_LR11_EL2);
	case 12:
		return read_sysreg(ICH_LR12_EL2);
	case 13:
		return read_sysreg(ICH_LR13_EL2);
	case 14:
		return read_sysreg(ICH_LR14_EL2);
	default:
		return read_sysreg(ICH_LR15_EL2);
	}
}

static inline void write_lr(unsigned i, uint64_t v)
{
	switch (i) {
	case 0:
		write_sysreg(ICH_LR0_EL2, v);
		break;
	case 1:
		write_sysreg(ICH_LR1_EL2, v);
		break;
	case 2:
		write_sysreg(ICH_LR2_EL2, v);
		break;
	case 3:
		write_sysreg(ICH_LR3_EL2, v);
		break;
	case 4:
		write_sysreg(ICH_LR4_EL2, v);
		break;
	case 5:
		write_sysreg(ICH_LR5_EL2, v);
		break;
	case 6:
		write_sysreg(ICH_LR6_EL2, v);
		break;
	case 7:
		write_sysreg(ICH_LR7_EL2, v);
		break;
	case 8:
		write_sysreg(ICH_LR8_EL2, v);
		break;
	case 9:
		write_sysreg(ICH_LR9_EL2, v);
		break;
	case 10:
		write_sysreg(ICH_LR10_EL2, v);
		break;
	case 11:
		write_sysreg(ICH_LR11_EL2, v);
		break;
	case 12:
		write_sysreg(ICH_LR12_EL2, v);
		break;
	case 13:
		write_sysreg(ICH_LR13_EL2, v);
		break;
	case 14:
		write_sysreg(ICH_LR14_EL2, v);
		break;
	default:
		write_sysreg(ICH_LR15_EL2, v);
		break;
	}
}

void vgic_flush_lrs(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();
	struct vgic_cpu *c = &v->vgic;
	uint64_t lrs[VGIC_MAX_LRS];
	spin_lock(&v->vm->vgic.lock);
	unsigned n = vgic_build_lrs(&v->vm->vgic, v->id, lrs);
	bool uie = c->underflow_irq;
	spin_unlock(&v->vm->vgic.lock);
	for (unsigned i = 0; i < n; i++)
		write_lr(i, lrs[i]);
	for (unsigned i = n; i < cpu->lrs_written; i++)
		write_lr(i, 0);
	cpu->lrs_written = n;
	uint64_t hcr = ICH_HCR_EN | (uie ? ICH_HCR_UIE : 0);
	if (hcr != cpu->ich_hcr) {
		write_sysreg(ICH_HCR_EL2, hcr);
		cpu->ich_hcr = hcr;
	}
}

void vgic_sync_lrs(struct vcpu *v)
{
	struct vgic_cpu *c = &v->vgic;
	uint64_t lrs[VGIC_MAX_LRS];
	for (unsigned i = 0; i < c->used_lrs; i++)
		lrs[i] = read_lr(i);
	spin_lock(&v->vm->vgic.lock);
	vgic_fold_lrs(&v->vm->vgic, v->id, lrs);
	spin_unlock(&v->vm->vgic.lock);
}

void vgic_maintenance_irq(void)
{
	/* The underflow condition stays asserted until the list registers are refilled, which
	 * happens on the way back into the guest: mask it now, or acknowledging the level
	 * interrupt would only make it fire again at once. vgic_flush() sets UIE again. */
	struct cpu *cpu = this_cpu();
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
	cpu->ich_hcr = ICH_HCR_EN;
}

void vgic_load(struct vcpu *v)
{
	write_sysreg(ICH_VMCR_EL2, v->ich_vmcr);
	write_sysreg(ICH_AP0R0_EL2, v->ich_ap0r0);
	write_sysreg(ICH_AP1R0_EL2, v->ich_ap1r0);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	this_cpu()->ich_hcr = ICH_HCR_EN;
}

void vgic_put(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();
	v->ich_vmcr = read_sysreg(ICH_VMCR_EL2);
	v->ich_ap0r0 = read_sysreg(ICH_AP0R0_EL2);
	v->ich_ap1r0 = read_sysreg(ICH_AP1R0_EL2);
	for (unsigned i = 0; i < cpu->lrs_written; i++)
		write_lr(i, 0);
	cpu->lrs_written = 0;
	write_sysreg(ICH_HCR_EL2, 0);
	cpu->ich_hcr = 0;
}
