/* Moving the vGIC state in and out of the CPU's list registers around each guest entry. */
#include <arch/gic_lr.h>
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/trace.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "gicv3.h"
#include "vgic_hw.h"

/* Which of the loaded vCPU's pending hardware-linked interrupts have a source that is low
 * now: the virtual timer's output is ISTATUS && ENABLE && !IMASK. (The PMU's overflow
 * interrupt is left as it was, an edge: never found low here.) */
static inline uint32_t hw_sources_low(const struct vgic_cpu *c)
{
	if (likely(!c->hw_pending))
		return 0;
	uint32_t timer = 1U << plat.timer_virt_intid;
	if (!(c->hw_pending & timer))
		return 0;
	uint64_t ctl = read_sysreg(cntv_ctl_el0);
	uint64_t on = CNT_CTL_ISTATUS | CNT_CTL_ENABLE;
	return (ctl & (on | CNT_CTL_IMASK)) == on ? 0 : timer;
}

/* Physical interrupts whose virtual ones went (vgic_hw_resample): nobody else will
 * deactivate them. Rare: a guest turned its timer off with its interrupt pending. (The
 * linked PPIs have the same INTID on both sides: cpu.c links them so.) */
static __attribute__((noinline)) void deactivate_released(uint32_t intids)
{
	for (; intids; intids &= intids - 1)
		gic_deactivate((uint32_t)__builtin_ctz(intids));
}

/* One interrupt in the list registers is the common case (a timer tick, an SGI): that one
 * without the switch on the register's number. */
static inline void read_lrs(const struct vgic_cpu *c, uint64_t *lrs)
{
	unsigned n = c->used_lrs;
	if (likely(n == 1)) {
		lrs[0] = read_sysreg(ICH_LR0_EL2);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		lrs[i] = read_lr(i);
}

static inline void write_lrs(struct cpu *cpu, const uint64_t *lrs, unsigned n)
{
	unsigned i = 0;
	if (likely(n == 1))
		write_sysreg(ICH_LR0_EL2, lrs[i++]);
	for (; i < n; i++)
		write_lr(i, lrs[i]);
	for (; i < cpu->lrs_written; i++)
		write_lr(i, 0);
	cpu->lrs_written = n;
}

/* LPIs this vCPU's list registers held went to other vCPUs (vgic_cpu.fold_kick, which only
 * this CPU, where v is, changes now): they are kicked, with no lock held. */
static __attribute__((noinline, cold)) void kick_moved(struct vcpu *v)
{
	uint32_t vcpus = v->vgic.fold_kick;
	v->vgic.fold_kick = 0;
	for (; vcpus; vcpus &= vcpus - 1)
		sched_wake(v->vm->vcpu[__builtin_ctz(vcpus)]);
}

void vgic_refresh_lrs(struct vcpu *v)
{
	struct cpu *cpu = this_cpu();
	struct vgic_cpu *c = &v->vgic;
	uint64_t lrs[VGIC_MAX_LRS];
	read_lrs(c, lrs);
	uint32_t hw = hw_sources_low(c);
	spin_lock(&v->vm->vgic.lock);
	unsigned n = vgic_refold_lrs(&v->vm->vgic, v->id, lrs, &hw);
	bool uie = c->underflow_irq;
	spin_unlock(&v->vm->vgic.lock);
	if (unlikely(hw))
		deactivate_released(hw);
	if (unlikely(c->fold_kick))
		kick_moved(v);
	write_lrs(cpu, lrs, n);
	if (unlikely(cpu->trace_mask & (1u << TRACE_INJECT)))
		for (unsigned i = 0; i < n; i++)
			if (lrs[i] & LR_STATE_PENDING)
				trace_emit(cpu, TRACE_INJECT, v->vm->id, v->id,
					   lrs[i] & 0xffffffffu, n);
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
	read_lrs(c, lrs);
	uint32_t low = hw_sources_low(c);
	uint32_t released = 0;
	spin_lock(&v->vm->vgic.lock);
	vgic_fold_lrs(&v->vm->vgic, v->id, lrs);
	if (low)
		released = vgic_hw_resample(&v->vm->vgic, v->id, low);
	spin_unlock(&v->vm->vgic.lock);
	if (released)
		deactivate_released(released);
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
