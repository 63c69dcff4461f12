#ifndef IRQ_VGIC_HW_H
#define IRQ_VGIC_HW_H

#include <triad/cpu.h>
#include <triad/util.h>
#include <triad/vm.h>

#define ICH_HCR_EN (1UL << 0)

void vgic_flush_lrs(struct vcpu *v);
void vgic_sync_lrs(struct vcpu *v);

/* Before entering the guest: list registers from the vGIC state. The common case (a
 * hypercall, an MMIO exit with no interrupt about) takes no lock and writes nothing: a
 * source that marks an interrupt concurrently also kicks this CPU. Inline: every exit
 * comes through here. */
static inline void vgic_flush(struct vcpu *v)
{
	const struct vgic_cpu *c = &v->vgic;
	uint64_t any = 0;
	for (unsigned w = 0; w < VGIC_BM_WORDS; w++)
		any |= READ_ONCE(c->maybe_pending[w]);
	struct cpu *cpu = this_cpu();
	if (any || c->used_lrs || cpu->lrs_written || cpu->ich_hcr != ICH_HCR_EN)
		vgic_flush_lrs(v);
}

/* After an exit: what the guest did with them, back into the state. */
static inline void vgic_sync(struct vcpu *v)
{
	if (v->vgic.used_lrs)
		vgic_sync_lrs(v);
}
/* vCPU switch: the virtual CPU interface registers. */
void vgic_load(struct vcpu *v);
void vgic_put(struct vcpu *v);

/* The GIC maintenance interrupt (list register underflow) fired on this CPU. */
void vgic_maintenance_irq(void);

#endif
