/* Decoding a synchronous exit from the guest by its exception class. */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/trap.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>

#include "../irq/vgic_hw.h"

static bool wake_condition(struct vcpu *v)
{
	if (v->power != VCPU_ON || v->vm->state != VM_RUNNING || v->call_woken)
		return true;
	if (v->vm->kind->wake_sample)
		v->vm->kind->wake_sample(v); /* a realm's timer is not in the CPU while it waits */
	spin_lock(&v->vm->vgic.lock);
	bool pending = vgic_has_pending(&v->vm->vgic, v->id);
	spin_unlock(&v->vm->vgic.lock);
	return pending;
}

/* WFI: the vCPU waits for an interrupt without using the CPU. When no other vCPU wants a
 * CPU, this one waits right here, still loaded: its wake-up is then an interrupt and a
 * return to the guest, with no trip through the scheduler. Otherwise it leaves the CPU
 * to the scheduler, and an interrupt for it (or its virtual timer) wakes it again. */
void handle_wfi_wait(struct vcpu *v)
{
	struct cpu *c = this_cpu();
	while (!wake_condition(v)) {
		if (c->need_resched || !sched_nothing_queued()) {
			sched_block(v);
			return;
		}
		c->guest_idle = true;
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* set before looking at queues again */
		uint64_t t0 = read_sysreg(cntpct_el0);
		if (sched_nothing_queued() && !v->kicked)
			wfi(); /* a kick (an IPI) or any interrupt for this CPU ends it */
		handle_host_irqs();
		c->guest_idle = false;
		v->kicked = false;
		/* The clear must be visible before the pending state is read again: a waker
		 * marks pending, then sets `kicked`; were our clear to land after its set, and
		 * our read before its mark, sched_block() would see neither and the vCPU would
		 * sleep through its interrupt (seen as a lost IPI with 8 vCPUs on 2 CPUs). */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		/* Waiting is not running: keep it out of the vCPU's CPU time. */
		c->run_start += read_sysreg(cntpct_el0) - t0;
	}
}

static void wfit_expired(struct softtimer *t)
{
	sched_wake(container_of(t, struct vcpu, wfit_timer));
}

/* WFIT (FEAT_WFxT; Linux uses it in udelay()): as WFI, but the vCPU must also wake when
 * its virtual counter reaches the deadline in the named register. */
static void handle_wfit(struct vcpu *v, unsigned rn)
{
	uint64_t deadline = rn == 31 ? 0 : v->regs.x[rn];
	uint64_t now = read_sysreg(cntpct_el0) - v->vm->cntvoff;
	if (deadline <= now || wake_condition(v))
		return;
	v->wfit_timer.fn = wfit_expired;
	softtimer_arm(&v->wfit_timer, deadline + v->vm->cntvoff);
	if (!sched_block(v))
		softtimer_cancel(&v->wfit_timer);
}

static void handle_stage2_abort(struct vcpu *v, uint64_t esr, bool fetch)
{
	uint64_t far = read_sysreg(far_el2);
	ipa_t ipa = stage2_abort_ipa(read_sysreg(hpfar_el2), far);
	uint64_t fsc = esr & 0x3f;
	if (!fetch && (fsc & FSC_TYPE_MASK) == FSC_TRANSLATION) {
		handle_mmio_abort(v, esr, ipa.bits);
		return;
	}
	/* A write to a device whose contents the guest reads as memory (the UEFI variable
	 * store's flash, mapped read-only in read-array mode) is the device's. */
	if (!fetch && (fsc & FSC_TYPE_MASK) == FSC_PERMISSION && (esr & ESR_WNR) &&
	    mmio_claims(v->vm, ipa.bits)) {
		handle_mmio_abort(v, esr, ipa.bits);
		return;
	}
	vm_audit(v->vm, AUDIT_ABORT_INJECTED,
		 "vCPU %u: %s at IPA 0x%lx (%s, fault status 0x%lx), pc 0x%lx: abort injected",
		 v->id, fetch ? "instruction fetch" : "data access", ipa.bits,
		 (fsc & FSC_TYPE_MASK) == FSC_PERMISSION ? "not allowed" : "unmapped", fsc,
		 v->regs.pc);
	if (fetch)
		inject_insn_abort(v, far);
	else
		inject_data_abort(v, far, esr & (1UL << 6) /* WnR */);
}

void handle_guest_sync(struct vcpu *v, uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case EC_WFX:
		v->regs.pc += 4;
		if (esr & ISS_WFX_WFE) {
			/* WFE(T) waits for an event another vCPU will send, usually while
			 * spinning on a lock: give the CPU to queued vCPUs (the lock holder may be
			 * among them). Returning at once is a legal spurious wake-up. */
			sched_yield(v);
			break;
		}
		vgic_sync(v); /* whether it has an interrupt to take is in the state now */
		if (esr & ISS_WFX_TIMEOUT)
			handle_wfit(v, ISS_WFX_RN(esr));
		else
			handle_wfi_wait(v);
		this_cpu()->wfx_recheck = true; /* the next one may not need to trap */
		break;
	case EC_HVC64:
		handle_smccc(v); /* PC already points past the HVC */
		break;
	case EC_SMC64:
		v->regs.pc += 4; /* a trapped SMC reports its own address */
		handle_smccc(v);
		break;
	case EC_SYSREG:
		handle_sysreg_trap(v, esr);
		break;
	case EC_IABT_LOW:
		handle_stage2_abort(v, esr, true);
		break;
	case EC_DABT_LOW:
		handle_stage2_abort(v, esr, false);
		break;
	case EC_FP: /* only a lazy-FP vCPU's registers are trapped (CPTR_EL2.TFP) */
		vcpu_fp_first_use(v, false);
		break;
	case EC_SVE: /* only an SVE VM's are opened (CPTR_EL2.TZ: core/vcpu_sve.c) */
		if (v->vm->sve_vl) {
			vcpu_fp_first_use(v, true);
			break;
		}
		/* fallthrough */
	case EC_SME:
	case EC_HVC32:
	case EC_SMC32:
	default:
		vm_warn(v->vm,
			"vCPU %u: unhandled trap (ESR 0x%lx, class 0x%lx) at pc 0x%lx: UNDEF "
			"injected",
			v->id, esr, ESR_EC(esr), v->regs.pc);
		inject_undef(v);
		break;
	}
}
