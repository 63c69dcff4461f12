/* What each physical CPU does: run the vCPUs the scheduler gives it, or wait. */
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/mgmt.h>
#include <triad/softtimer.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>
#include <triad/vpmu.h>

#include "../irq/gicv3.h"
#include "../irq/vgic_hw.h"
#include "el2.h"

/* PPIs that belong to whichever vCPU is loaded: its own timer and PMU fire them. */
static inline bool guest_ppi(uint32_t intid)
{
	return intid == plat.timer_virt_intid || (intid == plat.pmu_intid && vpmu_available());
}

#define MAX_HOST_IRQS 16
static struct host_irq {
	uint32_t intid;
	void (*fn)(void *ctx);
	void *ctx;
	bool guest_deactivates;
} host_irqs[MAX_HOST_IRQS];
static unsigned nr_host_irqs;

static void add_host_irq(uint32_t intid, void (*fn)(void *ctx), void *ctx, bool guest)
{
	if (nr_host_irqs == MAX_HOST_IRQS) {
		pr_err("no room to handle interrupt %u", intid);
		return;
	}
	host_irqs[nr_host_irqs++] = (struct host_irq){intid, fn, ctx, guest};
	if (intid >= 32) {
		gic_enable_spi(intid, cpus[0].mpidr, 0xa0);
		return;
	}
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (cpus[cpu].online) /* the others at their cpu_setup */
			gic_enable_ppi(cpu, intid, 0xa0);
}

void cpu_enable_host_sgis(unsigned cpu)
{
	for (unsigned i = 0; i < nr_host_irqs; i++)
		if (host_irqs[i].intid < 16)
			gic_enable_ppi(cpu, host_irqs[i].intid, 0xa0);
}

void host_sgi_register(uint32_t sgi, void (*fn)(void *ctx), void *ctx)
{
	if (sgi < 16 && sgi != IPI_KICK)
		add_host_irq(sgi, fn, ctx, false);
}

void host_irq_register(uint32_t intid, void (*fn)(void *ctx), void *ctx)
{
	add_host_irq(intid, fn, ctx, false);
}

void host_irq_register_guest(uint32_t intid, void (*fn)(void *ctx), void *ctx)
{
	add_host_irq(intid, fn, ctx, true);
}

bool host_irq_claimed(uint32_t intid)
{
	if (intid == plat.uart_intid || intid < 32)
		return true;
	for (unsigned i = 0; i < nr_host_irqs; i++)
		if (host_irqs[i].intid == intid)
			return true;
	return false;
}

/* Whether intid may be a driver's or a feature's (host_irqs): an SPI but the UART's, an SGI
 * but the kick. Not a PPI: the hypervisor timer's, frequent, skips the search. */
static inline bool maybe_registered(uint32_t intid)
{
	return intid >= 32 ? intid != plat.uart_intid : intid < 16 && intid != IPI_KICK;
}

/* Runs the handler of a driver's interrupt, and deactivates it unless a guest will. */
static bool driver_irq(uint32_t intid)
{
	for (unsigned i = 0; i < nr_host_irqs; i++)
		if (host_irqs[i].intid == intid) {
			host_irqs[i].fn(host_irqs[i].ctx);
			if (!host_irqs[i].guest_deactivates)
				gic_deactivate(intid);
			return true;
		}
	return false;
}

void cpu_release_held_ppis(struct cpu *c)
{
	for (uint32_t held = c->held_ppis; held; held &= held - 1)
		gic_deactivate((uint32_t)__builtin_ctz(held));
	c->held_ppis = 0;
}

void handle_host_irqs(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		uint32_t intid = gic_ack();
		if (intid >= 1020)
			return;
		gic_priority_drop(intid);
		if (guest_ppi(intid)) {
			/* The loaded guest's virtual timer or PMU: linked to the same virtual
			 * interrupt, and the guest's deactivation of that one deactivates this
			 * one. */
			struct vcpu *v = c->loaded;
			/* (A realm's timer is seen at its exits, never linked.) */
			if (v && v->vm->state == VM_RUNNING && v->vm->kind->el1_in_cpu) {
				spin_lock(&v->vm->vgic.lock);
				if (intid == plat.timer_virt_intid) /* a level, sampled at exits */
					vgic_inject_hw_level(&v->vm->vgic, v->id, intid,
							     (uint16_t)intid);
				else
					vgic_inject_hw(&v->vm->vgic, v->id, intid, (uint16_t)intid);
				spin_unlock(&v->vm->vgic.lock);
				/* Running here, it re-enters (or re-checks its WFI) right after
				 * this; only this CPU changes that. Blocked but still loaded: wake
				 * it. */
				if (v->se.state != SCHED_RUNNING)
					sched_wake(v);
			} else if (v && v->vm->kind->el1_in_cpu) {
				c->held_ppis |= 1U << intid; /* its VM stopped: see cpu.h */
			} else {
				gic_deactivate(intid);
			}
			continue;
		}
		if (intid == plat.gic_maint_intid) {
			vgic_maintenance_irq(); /* before deactivating: it is level-sensitive */
		} else if (maybe_registered(intid) && driver_irq(intid)) {
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

/* CPU 0 serves the management channel between its vCPUs' runs. While a request waits (for
 * a VM's vCPUs to leave the CPUs, say), this tick brings it back to cpu_loop. */
static struct softtimer mgmt_tick;

static void mgmt_tick_fn(struct softtimer *t)
{
	(void)t;
	this_cpu()->need_resched = true;
}

static void serve_management(void)
{
	mgmt_poll();
	if (mgmt_busy() && !mgmt_tick.armed) {
		mgmt_tick.fn = mgmt_tick_fn;
		softtimer_arm(&mgmt_tick, read_sysreg(cntpct_el0) + read_sysreg(cntfrq_el0) / 2000);
	}
}

void cpu_loop(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		if (c->id == 0)
			serve_management();
		struct vcpu *v = sched_switch();
		if (c->reset_vm) {
			/* Cleared after: until then, vm_destroy waits (core/vm_lifecycle.c). */
			vm_reset(c->reset_vm);
			__atomic_store_n(&c->reset_vm, NULL, __ATOMIC_RELEASE);
			continue;
		}
		if (v) {
			vcpu_run(v);
			continue;
		}
		/* Nothing runnable: sleep until an interrupt (a kick, a timer, input). */
		wfi();
		handle_host_irqs();
	}
}
