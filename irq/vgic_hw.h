#ifndef IRQ_VGIC_HW_H
#define IRQ_VGIC_HW_H

#include <triad/util.h>
#include <triad/vcpu.h>

void vgic_refresh_lrs(struct vcpu *v);
void vgic_sync_lrs(struct vcpu *v);

/* Before entering the guest. The list registers stay in the CPU across exits that leave
 * this vCPU's interrupts alone (a hypercall, an SGI to another vCPU, a UART access): only
 * once something marked them stale are they read back and rebuilt. No lock: a source that
 * marks them concurrently also kicks this CPU, which brings it back here. Inline: every
 * exit comes through here. */
static inline void vgic_flush(struct vcpu *v)
{
	if (READ_ONCE(v->vgic.lrs_stale))
		vgic_refresh_lrs(v);
}

/* Before Triad looks at the state of this vCPU's own interrupts (its WFI, its accesses to
 * the vGIC, leaving the CPU): what the guest did with its list registers, back into the
 * state, and the sources of its pending hardware-linked interrupts sampled again (a timer
 * turned off is pending no more). They are rebuilt at the next entry. */
static inline void vgic_sync(struct vcpu *v)
{
	if (v->vgic.used_lrs || v->vgic.hw_pending)
		vgic_sync_lrs(v);
}

/* vCPU switch: the virtual CPU interface registers. */
void vgic_load(struct vcpu *v);
void vgic_put(struct vcpu *v);

/* The GIC maintenance interrupt (list register underflow) fired on this CPU. */
void vgic_maintenance_irq(void);

#endif
