/* Moving the vGIC state in and out of the CPU's list registers around each guest entry. */
#include <arch/gic_lr.h>
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/util.h>
#include <triad/vm.h>

#include "vgic_hw.h"

#define ICH_HCR_UIE (1UL << 1)

static inline void read_lrs(const struct vgic_cpu *c, uint64_t *lrs)
{
	for (unsigned i = 0; i < c->used_lrs; i++)
		lrs[i] = read_lr(i);
}

void vgic_refresh_lrs(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();
	struct vgic_cpu *c = &v->vgic;
	uint64_t lrs[VGIC_MAX_LRS];
	read_lrs(c, lrs);
	spin_lock(&v->vm->vgic.lock);
	unsigned n = vgic_refold_lrs(&v->vm->vgic, v->id, lrs);
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
	uint64_t lrs[VGIC_MAX_LRS];
	read_lrs(&v->vgic, lrs);
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
	if (cpu->loaded)
		WRITE_ONCE(cpu->loaded->vgic.lrs_stale, true);
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
