#ifndef IRQ_VGIC_HW_H
#define IRQ_VGIC_HW_H

struct vcpu;

/* Before entering the guest: list registers from the vGIC state. */
void vgic_flush(struct vcpu *v);
/* After an exit: what the guest did with them, back into the state. */
void vgic_sync(struct vcpu *v);
/* vCPU switch: the virtual CPU interface registers. */
void vgic_load(struct vcpu *v);
void vgic_put(struct vcpu *v);

/* The GIC maintenance interrupt (list register underflow) fired on this CPU. */
void vgic_maintenance_irq(void);

#endif
