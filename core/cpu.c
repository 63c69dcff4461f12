/* What each physical CPU does: run its vCPU, or wait for something to do. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/softtimer.h>
#include <triad/vm.h>

#include "../irq/gicv3.h"
#include "el2.h"

void handle_host_irqs(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		uint32_t intid = gic_ack();
		if (intid >= 1020)
			return;
		gic_priority_drop(intid);
		if (intid == plat.timer_virt_intid) {
			/* The loaded guest's virtual timer: linked to a virtual interrupt, and the
			 * guest's deactivation of that one deactivates this one. */
			struct vcpu *v = c->loaded;
			if (v && v->vm->state == VM_RUNNING) {
				spin_lock(&v->vm->vgic.lock);
				vgic_inject_hw(&v->vm->vgic, v->id, intid, (uint16_t)intid);
				spin_unlock(&v->vm->vgic.lock);
			} else {
				gic_deactivate(intid);
			}
			continue;
		}
		gic_deactivate(intid);
		if (intid == plat.timer_hyp_intid)
			softtimer_expire();
		else if (intid == plat.uart_intid)
			console_input_irq();
		else if (intid != IPI_KICK && intid != plat.gic_maint_intid)
			pr_warn("unexpected physical interrupt %u on CPU %u", intid, c->id);
	}
}

/* Applies a reset request when this CPU owns vCPU 0 and every other vCPU is out. */
static void maybe_reset_vm(struct vm *vm, struct vcpu *v)
{
	if (v->id != 0)
		return;
	for (unsigned i = 1; i < vm->ncpus; i++)
		if (vm->vcpu[i]->running)
			return;
	if (vm_load_images(vm)) {
		vm_kill(vm, "could not reload its images on reset");
		return;
	}
	pr_info("VM '%s' restarted", vm->name);
}

void cpu_loop(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		struct vcpu *v = c->vcpu;
		if (v) {
			struct vm *vm = v->vm;
			if (vm->state == VM_RESETTING)
				maybe_reset_vm(vm, v);
			if (vm->state == VM_RUNNING && v->power == VCPU_ON_PENDING) {
				spin_lock(&vm->lock);
				vcpu_reset(v, v->on_entry, v->on_context);
				v->power = VCPU_ON;
				spin_unlock(&vm->lock);
			}
			if (vm->state == VM_RUNNING && v->power == VCPU_ON) {
				v->running = true;
				vcpu_run(v);
				v->running = false;
				continue;
			}
		}
		/* Nothing runnable: sleep until an interrupt (a kick, a timer, input). */
		wfi();
		handle_host_irqs();
	}
}
