/* vCPU state, the run loop, and interrupt plumbing between devices and vCPUs. */
#include <arch/el1_regs.h>
#include <arch/sysreg.h>
#include <string.h>
#include <triad/cpu.h>
#include <triad/panic.h>
#include <triad/trace.h>
#include <triad/trap.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vcpu_mte.h>
#include <triad/vcpu_sve.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>

#include "../irq/gicv3.h"
#include "../irq/vgic_hw.h"
#include "el2.h"

void fpsimd_save(struct fpsimd_state *s);
void fpsimd_restore(const struct fpsimd_state *s);

#define SYSREG_LIST(X) X(actlr, actlr_el1) EL1_SYSREG_LIST(X)

/* FEAT_RAS: with HCR_EL2.AMO the guest's DISR_EL1 is VDISR_EL2, which is then its own. */
static bool have_ras(void)
{
	return FIELD_GET(read_sysreg(id_aa64pfr0_el1), 31, 28) != 0;
}

static void el1_save(struct el1_sysregs *s)
{
	SYSREG_LIST(EL1_SAVE)
	if (cpu_has_pauth()) {
		PAUTH_LIST(EL1_SAVE)
	}
	if (have_ras())
		EL1_SAVE(vdisr, S3_4_C12_C1_1)
}

static void el1_restore(const struct el1_sysregs *s)
{
	SYSREG_LIST(EL1_RESTORE)
	if (cpu_has_pauth()) {
		PAUTH_LIST(EL1_RESTORE)
	}
	if (have_ras())
		EL1_RESTORE(vdisr, S3_4_C12_C1_1)
	isb();
}

static void release_guest_ppi(struct vcpu *v, uint32_t intid)
{
	spin_lock(&v->vm->vgic.lock);
	bool hw = vgic_unlink_hw(&v->vm->vgic, v->id, intid);
	spin_unlock(&v->vm->vgic.lock);
	if (hw)
		gic_deactivate(intid);
}

/* Saves the state of the vCPU loaded on this CPU and leaves the CPU to others. Called by
 * the scheduler with the vCPU's run queue locked. */
void vcpu_put(struct vcpu *v)
{
	struct cpu *c = this_cpu();
	/* First: what follows works on the folded state. (A realm's list registers are in
	 * its run page, folded at each exit.) */
	if (v->vm->kind->el1_in_cpu)
		vgic_sync(v);
	el1_save(&v->sys);
	if (unlikely(v->vm->mte))
		vcpu_mte_put(v);
	if (v->fp_live) {
		if (unlikely(v->sve_live))
			vcpu_sve_put(v, c);
		else
			fpsimd_save(&v->fp);
	}
	v->fp_live = false;
	vpmu_save(&v->pmu);
	vdebug_put(v);
	/* A virtual timer or PMU interrupt the guest has not finished keeps the physical one
	 * active: release it, or the next vCPU's could never fire here. Both sources are
	 * quiet now (timer disabled, PMU interrupts off). */
	write_sysreg(cntv_ctl_el0, 0);
	release_guest_ppi(v, plat.timer_virt_intid);
	if (vpmu_available())
		release_guest_ppi(v, plat.pmu_intid);
	if (c->held_ppis)
		cpu_release_held_ppis(c);
	vgic_put(v);
	/* Blocked in WFI with its timer armed: that timer must still wake it. */
	uint64_t deadline, ctl = v->vm->kind->vtimer(v, &deadline);
	if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE &&
	    v->se.state == SCHED_BLOCKED && v->power == VCPU_ON)
		softtimer_arm(&v->vtimer_wake, deadline);
	c->loaded = NULL;
	__atomic_store_n(&v->loaded, false, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&v->vm->nr_loaded, 1, __ATOMIC_ACQ_REL);
}

/* CPTR_EL2.TFP, which also traps Triad's own FP/SIMD accesses (fpsimd_save/restore). */
static void set_fp_trap(struct cpu *c, bool on)
{
	c->fp_trapped = on;
	write_sysreg(cptr_el2, c->cptr | (on ? CPTR_TFP : 0));
	isb();
}

/* Its FP/SIMD registers, or an SVE VM's whole vector state when it holds more
 * (core/vcpu_sve.c), into the CPU. */
static void restore_vectors(struct vcpu *v, struct cpu *c)
{
	if (unlikely(v->sve_dirty))
		vcpu_sve_load(v, c);
	else
		fpsimd_restore(&v->fp);
	v->fp_live = true;
}

/* A lazy-FP VM's registers wait for its first FP/SIMD instruction (vcpu_fp_first_use):
 * until then it cannot reach the previous vCPU's, left in the CPU. */
static void load_fpsimd(struct vcpu *v, struct cpu *c)
{
	bool lazy = v->vm->lazy_fp;
	if (lazy != c->fp_trapped)
		set_fp_trap(c, lazy);
	if (!lazy)
		restore_vectors(v, c);
	else
		v->fp_live = false;
}

void vcpu_fp_first_use(struct vcpu *v, bool sve)
{
	struct cpu *c = this_cpu();
	if (!v->fp_live && c->fp_trapped) {
		set_fp_trap(c, false);
		restore_vectors(v, c); /* the instruction runs again, on the guest's registers */
		return;
	}
	if (sve && v->fp_live && !v->sve_live) {
		vcpu_sve_open(v, c);
		return;
	}
	/* Only a lazy vCPU that has not used FP/SIMD since its load traps them; only an SVE
	 * VM's vCPU with SVE closed traps SVE. */
	vm_kill(v->vm, "FP/SIMD or SVE trap with its registers already loaded");
}

/* Makes this CPU run v: its EL1 state, stage 2, identity and virtual CPU interface. */
static void vcpu_load(struct vcpu *v)
{
	struct cpu *c = this_cpu();
	if (c->loaded == v)
		return;
	/* Its registers must be nowhere else, and this CPU's must have been saved: else one
	 * of them would run on stale state. The scheduler guarantees it; check, cheaply. */
	if (c->loaded || __atomic_load_n(&v->loaded, __ATOMIC_ACQUIRE))
		panic("CPU %u: loading vCPU %u of VM '%s' while %s", c->id, v->id, v->vm->name,
		      c->loaded ? "another vCPU's state is in this CPU" : "it is loaded elsewhere");
	__atomic_fetch_add(&v->vm->nr_loaded, 1, __ATOMIC_ACQ_REL);
	v->loaded = true;
	c->loaded = v;
	softtimer_cancel(&v->vtimer_wake);
	el1_restore(&v->sys);
	if (unlikely(v->vm->mte))
		vcpu_mte_load(v);
	load_fpsimd(v, c);
	vpmu_restore(&v->pmu);
	vdebug_load(v); /* after el1_restore: it looks at the guest's MDSCR_EL1 */
	write_sysreg(vttbr_el2, v->vm->vttbr);
	write_sysreg(hcr_el2, v->vm->hcr);
	c->wfx_native = false;
	c->wfx_recheck = true;
	write_sysreg(vmpidr_el2, v->mpidr);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	write_sysreg(cntvoff_el2, v->vm->cntvoff);
	vgic_load(v);
	isb();
}

void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0)
{
	memset(&v->regs, 0, sizeof(v->regs));
	memset(&v->sys, 0, sizeof(v->sys));
	memset(&v->fp, 0, sizeof(v->fp));
	if (v->vm->sve_vl)
		vcpu_sve_reset(v); /* into the CPU too, if live there */
	if (v->vm->mte)
		vcpu_mte_reset(v, this_cpu()->loaded == v);
	vpmu_reset(&v->pmu);
	v->regs.x[0] = x0;
	v->regs.pc = entry;
	v->regs.pstate = PSR_MODE_EL1h | PSR_DAIF;
	v->sys.sctlr = SCTLR_EL1_RESET;
	v->cntp_ctl = 0;
	v->cntp_cval = 0;
	softtimer_cancel(&v->cntp_timer);
	struct cpu *c = this_cpu();
	if (c->loaded == v) {
		vgic_sync(v); /* releases the SPIs its list registers hold */
		/* Stop the old incarnation's virtual timer and release a physical timer
		 * interrupt it may have left active. */
		write_sysreg(cntv_ctl_el0, 0);
		vpmu_restore(&v->pmu);
		release_guest_ppi(v, plat.timer_virt_intid);
		if (vpmu_available())
			release_guest_ppi(v, plat.pmu_intid);
		el1_restore(&v->sys);
		if (v->fp_live && !v->sve_live) /* else the zeroes wait for its first use */
			fpsimd_restore(&v->fp);
		vdebug_reset_loaded(v);
		vgic_put(v);
	} else {
		vdebug_reset(&v->dbg);
	}
	v->ich_vmcr = 0;
	v->ich_ap0r0 = v->ich_ap1r0 = 0;
	if (c->loaded == v)
		vgic_load(v);
	spin_lock(&v->vm->vgic.lock);
	vgic_cpu_power_on(&v->vm->vgic, &v->vgic, v->id, v->mpidr);
	spin_unlock(&v->vm->vgic.lock);
}

static void set_wfx_native(struct cpu *c, bool on)
{
	WRITE_ONCE(c->wfx_native, on);
	uint64_t hcr = c->loaded->vm->hcr;
	write_sysreg(hcr_el2, on ? hcr & ~(HCR_TWI | HCR_TWE) : hcr);
}

/* A vCPU with no other vCPU waiting for a CPU anywhere waits in its own WFI: an interrupt
 * in its list registers or a kick ends it, with no trip through Triad's WFI handling (the
 * guest's virtual timer and every kick still exit to EL2). Once a vCPU is queued, WFI
 * traps again so that an idle vCPU gives its CPU up. Chosen when the vCPU is loaded, after
 * a trapped WFI and when sched_wake() asks, which it does of the CPUs in this mode when it
 * queues a vCPU: the flag is set before the queues are read, so one side sees the other. */
static void choose_wfx_trap(struct cpu *c)
{
	c->wfx_recheck = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (c->wfx_native) {
		if (!sched_nothing_queued())
			set_wfx_native(c, false);
		return;
	}
	if (!sched_nothing_queued())
		return;
	set_wfx_native(c, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!sched_nothing_queued())
		set_wfx_native(c, false);
}

/* The normal kind's entry: the guest's own EL1 state is in this CPU. */
static inline __attribute__((always_inline)) void enter_guest(struct vcpu *v, struct cpu *c)
{
	if (c->wfx_recheck)
		choose_wfx_trap(c);
	vgic_flush(v);
	uint64_t entered = read_sysreg(cntpct_el0);
	unsigned long why = guest_enter(&v->regs);
	uint64_t exited = read_sysreg(cntpct_el0);
	v->stats.guest_ticks += exited - entered;
	switch (why) {
	case EXIT_SYNC: {
		uint64_t esr = read_sysreg(esr_el2);
		v->stats.exits[vm_exit_reason(esr)]++;
		handle_guest_sync(v, esr);
		TRACE(c, TRACE_EXIT, v->vm->id, v->id, esr, read_sysreg(cntpct_el0) - exited);
		break;
	}
	case EXIT_IRQ:
	case EXIT_FIQ:
		v->stats.exits[VM_EXIT_IRQ]++;
		handle_host_irqs();
		TRACE(c, TRACE_EXIT, v->vm->id, v->id, TRACE_EXIT_IRQ,
		      read_sysreg(cntpct_el0) - exited);
		break;
	default:
		vm_kill(v->vm, "SError (asynchronous abort) while running it");
		break;
	}
}

static uint64_t guest_vtimer(const struct vcpu *v, uint64_t *deadline)
{
	*deadline = v->sys.cntv_cval + v->vm->cntvoff;
	return v->sys.cntv_ctl;
}

static void vtimer_wake(struct softtimer *t)
{
	sched_wake(container_of(t, struct vcpu, vtimer_wake));
}

const struct vm_kind normal_vm_kind = {
    .name = "normal",
    .el1_in_cpu = true,
    .enter = enter_guest,
    .vtimer = guest_vtimer,
    .vtimer_wake = vtimer_wake,
};

/* The run loop of every kind, entering v through its kind's enter() until it blocks, powers
 * off, its VM stops, or the scheduler wants the CPU back. */
static inline __attribute__((always_inline)) void run(struct vcpu *v, struct cpu *c,
						      void (*enter)(struct vcpu *, struct cpu *))
{
	struct vm *vm = v->vm;
	while (v->power == VCPU_ON && vm->state == VM_RUNNING && v->se.state == SCHED_RUNNING &&
	       !c->need_resched) {
		v->kicked = false;
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* before the pending state is read */
		sched_check_slice(c);
		enter(v, c);
	}
}

void vcpu_run(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct cpu *c = this_cpu();
	vcpu_load(v);
	if (c->held_ppis) /* its VM stopped and runs again, v still loaded */
		cpu_release_held_ppis(c);
	if (v->power == VCPU_ON_PENDING) {
		spin_lock(&vm->lock);
		if (v->power == VCPU_ON_PENDING) {
			vcpu_reset(v, v->on_entry, v->on_context);
			v->power = VCPU_ON;
		}
		spin_unlock(&vm->lock);
	}
	/* The same loop, with the normal kind's entry inlined into it: the hot path. */
	if (vm->kind->enter == enter_guest)
		run(v, c, enter_guest);
	else
		run(v, c, vm->kind->enter);
}

static void kick_target(struct vm *vm, int target)
{
	if (target >= 0 && (unsigned)target < vm->ncpus)
		sched_wake(vm->vcpu[target]);
}

void vcpu_raise_edge(struct vm *vm, unsigned vcpu, uint32_t intid)
{
	spin_lock(&vm->vgic.lock);
	int t = vgic_inject_edge(&vm->vgic, vcpu, intid);
	spin_unlock(&vm->vgic.lock);
	kick_target(vm, t);
}

void vcpu_set_irq_line(struct vm *vm, unsigned vcpu, uint32_t intid, bool level)
{
	spin_lock(&vm->vgic.lock);
	int t = vgic_set_line(&vm->vgic, vcpu, intid, level);
	spin_unlock(&vm->vgic.lock);
	kick_target(vm, t);
}
