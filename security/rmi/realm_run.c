/*
 * Running a realm vCPU: its REC, entered through RMI_REC_ENTER, in place of the guest entry
 * vcpu_run() makes for other VMs. Triad never sees the realm's registers or memory: each
 * exit says only what the host must do (RmiRecExit), and the answer goes into the next
 * RmiRecEnter. The vGIC is the same as for any VM, its list registers carried through the
 * run page; the realm's virtual timer is seen at each exit and becomes a level on PPI 27.
 */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/trace.h>
#include <triad/psci_abi.h>
#include <triad/realm.h>
#include <triad/rmm_abi.h>
#include <triad/sched.h>
#include <triad/smccc.h>
#include <triad/trap.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

#include "../../irq/vgic_hw.h"

/* RmiRecRun (RMM 1.0, B4.4.7) */
struct rec_run {
	uint64_t flags;
	uint64_t pad0[63];
	uint64_t gprs[31];
	uint64_t pad1[1];
	uint64_t gic_hcr, gic_lrs[16];
	uint64_t pad2[143];
	/* exit, at 0x800 */
	uint64_t reason;
	uint64_t pad3[31];
	uint64_t esr, far, hpfar;
	uint64_t pad4[29];
	uint64_t x[31];
	uint64_t pad5[1];
	uint64_t exit_gic_hcr, exit_lrs[16], gic_misr, gic_vmcr;
	uint64_t pad6[13];
	uint64_t cntp_ctl, cntp_cval, cntv_ctl, cntv_cval;
	uint64_t pad7[28];
	uint64_t ripas_base, ripas_top, ripas_value;
	uint64_t pad8[29];
	uint64_t imm;
};
_Static_assert(__builtin_offsetof(struct rec_run, reason) == 0x800, "RmiRecExit");
_Static_assert(__builtin_offsetof(struct rec_run, x) == 0xa00, "exit gprs");
_Static_assert(__builtin_offsetof(struct rec_run, cntp_ctl) == 0xc00, "exit timers");
_Static_assert(__builtin_offsetof(struct rec_run, ripas_base) == 0xd00, "exit ripas");
_Static_assert(__builtin_offsetof(struct rec_run, imm) == 0xe00, "exit imm");

#define ENTER_EMUL_MMIO	   (1ULL << 0)
#define ENTER_INJECT_SEA   (1ULL << 1)
#define ENTER_TRAP_WFI	   (1ULL << 2)
#define ENTER_TRAP_WFE	   (1ULL << 3)
#define ENTER_RIPAS_REJECT (1ULL << 4)
#define REC_EXIT_SYNC	   0
#define REC_EXIT_IRQ	   1
#define REC_EXIT_FIQ	   2
#define REC_EXIT_PSCI	   3
#define REC_EXIT_RIPAS	   4
#define REC_EXIT_HOST_CALL 5
#define VTIMER_PPI	   27
#define CNT_CTL_FIRING	   7 /* ENABLE, IMASK, ISTATUS */
#define CNT_CTL_ASSERTED   5 /* enabled, condition met, not masked */

/* What Triad keeps of a realm vCPU between its REC's entries. */
static struct realm_vcpu *rec_of(const struct vcpu *v)
{
	return &v->vm->realm->vcpu[v->id];
}

static bool realm_timer_due(const struct vcpu *v)
{
	return (rec_of(v)->cntv_ctl & 3) == 1 && read_sysreg(cntpct_el0) >= rec_of(v)->cntv_cval;
}

void realm_timer_sample(struct vcpu *v)
{
	if (realm_timer_due(v))
		vcpu_set_irq_line(v->vm, v->id, VTIMER_PPI, true);
}

/* The line, not a wake-up: that is the vGIC's to give (vcpu_set_irq_line kicks the vCPU
 * only if the PPI is deliverable). Waking it regardless would bring a realm that has the
 * PPI disabled back from every WFI, since vcpu_put() arms this again for a deadline long
 * passed. As the last exit showed the timer: it may have been changed since arming. */
void realm_vtimer_expired(struct softtimer *t)
{
	realm_timer_sample(container_of(t, struct vcpu, vtimer_wake));
}

/* The vGIC's list registers for this vCPU into the run page. The timer's interrupt asks
 * for a maintenance interrupt when the realm is done with it, so that its level is looked
 * at again (the RMM keeps the timer's output masked while we deliver it). */
static void put_interrupts(struct vcpu *v, struct rec_run *run)
{
	uint64_t lrs[VGIC_MAX_LRS];
	spin_lock(&v->vm->vgic.lock);
	unsigned n = vgic_build_lrs(&v->vm->vgic, v->id, lrs);
	bool uie = v->vgic.underflow_irq;
	spin_unlock(&v->vm->vgic.lock);
	for (unsigned i = 0; i < 16; i++)
		run->gic_lrs[i] =
		    i < n ? lrs[i] | ((lrs[i] & 0xffffffff) == VTIMER_PPI ? LR_EOI : 0) : 0;
	run->gic_hcr = uie ? ICH_HCR_UIE : 0;
}

static void take_interrupts(struct vcpu *v, const struct rec_run *run)
{
	uint64_t lrs[VGIC_MAX_LRS];
	for (unsigned i = 0; i < VGIC_MAX_LRS && i < 16; i++)
		lrs[i] = run->exit_lrs[i] & ~LR_EOI;
	spin_lock(&v->vm->vgic.lock);
	vgic_fold_lrs(&v->vm->vgic, v->id, lrs);
	spin_unlock(&v->vm->vgic.lock);
	rec_of(v)->cntv_ctl = run->cntv_ctl;
	rec_of(v)->cntv_cval = run->cntv_cval;
	vcpu_set_irq_line(v->vm, v->id, VTIMER_PPI,
			  (run->cntv_ctl & CNT_CTL_FIRING) == CNT_CTL_ASSERTED);
}

/* An access to the realm's unprotected half: an emulated device (the shared bit off). */
static void mmio_exit(struct vcpu *v, struct rec_run *run, uint64_t ipa)
{
	uint64_t dev_ipa = ipa & ~v->vm->realm->shared_bit, value = run->x[0];
	if (!(run->esr & ESR_ISV)) {
		vm_kill(v->vm, "realm access to an emulated device with no syndrome");
		return;
	}
	if (!mmio_emulate(v, run->esr, dev_ipa, &value)) {
		vm_warn(v->vm, "vCPU %u: %s of unprotected IPA 0x%lx: abort injected", v->id,
			run->esr & ESR_WNR ? "write" : "read", ipa);
		rec_of(v)->flags = ENTER_INJECT_SEA;
		return;
	}
	rec_of(v)->flags = ENTER_EMUL_MMIO;
	rec_of(v)->x0 = value;
}

/* WFI: waits as any vCPU does, but its timer is not in the CPU meanwhile: a soft timer
 * wakes it at the deadline, also once it blocked (it may stay loaded, and vcpu_put() would
 * then not arm one); cancelled only if it runs on at once. A deadline already passed has
 * its line set (realm_timer_sample): a soft timer for it would only wake the vCPU again
 * and again while the realm keeps the PPI disabled. */
static void realm_wait(struct vcpu *v)
{
	if ((rec_of(v)->cntv_ctl & 3) == 1 && read_sysreg(cntpct_el0) < rec_of(v)->cntv_cval)
		softtimer_arm(&v->vtimer_wake, rec_of(v)->cntv_cval);
	handle_wfi_wait(v);
	if (v->se.state == SCHED_RUNNING)
		softtimer_cancel(&v->vtimer_wake);
}

static void sync_exit(struct vcpu *v, struct rec_run *run)
{
	struct vm *vm = v->vm;
	uint64_t ec = ESR_EC(run->esr);
	uint64_t ipa = ((run->hpfar >> 4) << 12) | (run->far & 0xfff);
	switch (ec) {
	case EC_WFX:
		if (run->esr & 1) {
			sched_yield(v); /* WFE: someone else may hold the lock it waits for */
		} else {
			realm_wait(v);
		}
		break;
	case EC_SYSREG:
		/* The RMM forwards the realm's ICC_SGI1R/ASGI1R/SGI0R_EL1 writes (and ICC_DIR_EL1
		 * ones, which Triad does not ask for): its Group 1 SGIs are sent. */
		if (((run->esr >> 17) & 7) == 5 || ((run->esr >> 17) & 7) == 6)
			vcpu_send_sgi(v, run->x[0]);
		break;
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		if (ipa & vm->realm->shared_bit)
			mmio_exit(v, run, ipa);
		else if (!realm_populate(vm, ipa))
			vm_kill(vm, "realm fault on memory that cannot be given to it");
		break;
	default:
		vm_kill(vm, "unexpected synchronous exit from the realm");
		break;
	}
}

static void psci_exit(struct vcpu *v, const struct rec_run *run)
{
	struct vm *vm = v->vm;
	uint32_t fn = (uint32_t)run->x[0] & ~SMC64;
	struct vcpu *t;
	switch (fn) {
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
		/* The RMM checked the target is one of the realm's RECs. */
		t = vm_find_vcpu(vm, (1ULL << 31) | run->x[1]);
		if (!t || smc_call(RMI_PSCI_COMPLETE, vm->realm->rec[v->id], vm->realm->rec[t->id],
				   PSCI_SUCCESS) != RMI_SUCCESS) {
			vm_kill(vm, "RMI_PSCI_COMPLETE failed");
			return;
		}
		if (fn == PSCI_CPU_ON) {
			spin_lock(&vm->lock);
			if (t->power == VCPU_OFF)
				t->power = VCPU_ON_PENDING;
			spin_unlock(&vm->lock);
			sched_wake(t);
		}
		break;
	case PSCI_CPU_SUSPEND: /* as WFI */
		realm_wait(v);
		break;
	case PSCI_CPU_OFF:
		vm_vcpu_off(v);
		break;
	case PSCI_SYSTEM_OFF:
		vm_power_off(vm, "powered off");
		break;
	case PSCI_SYSTEM_RESET:
		vm_request_reset(vm);
		break;
	}
}

/* RSI_IPA_STATE_SET: as far as the tables reach (all of RAM); refused beyond. What the
 * realm made EMPTY it shares: its pages there go, their granules become the host's. */
static void ripas_exit(struct vcpu *v, const struct rec_run *run)
{
	struct realm_vm *r = v->vm->realm;
	uint64_t ipa = run->ripas_base, top = run->ripas_top, next;
	while (ipa < top) {
		uint64_t st =
		    realm_rmi(RMI_RTT_SET_RIPAS, r->rd, r->rec[v->id], ipa, top, 0, &next);
		if (st != RMI_SUCCESS || next <= ipa)
			break;
		if ((uint8_t)run->ripas_value == RIPAS_EMPTY &&
		    vm_ipa_is_ram(v->vm, ipa, next - ipa))
			realm_shared(v->vm, ipa, next);
		ipa = next;
	}
	rec_of(v)->flags = ipa < top ? ENTER_RIPAS_REJECT : 0;
}

void realm_enter(struct vcpu *v, struct cpu *c)
{
	struct vm *vm = v->vm;
	struct realm_vm *r = vm->realm;
	struct rec_run *run = (struct rec_run *)r->run[v->id];
	if (realm_timer_due(v)) /* it waited for it: deliver it with this entry */
		vcpu_set_irq_line(vm, v->id, VTIMER_PPI, true);
	put_interrupts(v, run);
	run->flags = ENTER_TRAP_WFI | ENTER_TRAP_WFE | rec_of(v)->flags;
	run->gprs[0] = rec_of(v)->x0;
	rec_of(v)->flags = 0;
	realm_audit_name_page(c->id);
	uint64_t entered = read_sysreg(cntpct_el0);
	uint64_t st = smc_call(RMI_REC_ENTER, r->rec[v->id], (uint64_t)run, 0);
	/* The realm's time includes the RMM's on its behalf: Triad cannot tell them apart. */
	uint64_t exited = read_sysreg(cntpct_el0);
	realm_audit_collect(vm, c->id);
	v->stats.guest_ticks += exited - entered;
	TRACE(c, TRACE_WORLD, vm->id, v->id, RMI_REC_ENTER, exited - entered);
	TRACE(c, TRACE_RMI, vm->id, v->id, RMI_REC_ENTER, st);
	if ((st & 0xff) == RMI_ERROR_REALM) {
		/* Another REC turned the realm off (SYSTEM_OFF/RESET: ERROR_REALM with index
		 * 1): its vCPU is stopping the VM; step aside meanwhile. */
		sched_yield(v);
		return;
	}
	if (st != RMI_SUCCESS) {
		vm_kill(vm, "RMI_REC_ENTER failed");
		return;
	}
	take_interrupts(v, run);
	static const uint8_t reason_of_exit[] = {
	    [REC_EXIT_IRQ] = VM_EXIT_IRQ,
	    [REC_EXIT_FIQ] = VM_EXIT_IRQ,
	    [REC_EXIT_PSCI] = VM_EXIT_SMC,
	    [REC_EXIT_HOST_CALL] = VM_EXIT_SMC,
	};
	v->stats.exits[run->reason == REC_EXIT_SYNC		  ? vm_exit_reason(run->esr)
		       : run->reason < ARRAY_SIZE(reason_of_exit) ? reason_of_exit[run->reason]
								  : VM_EXIT_OTHER]++;
	switch (run->reason) {
	case REC_EXIT_SYNC:
		sync_exit(v, run);
		break;
	case REC_EXIT_IRQ:
	case REC_EXIT_FIQ:
		handle_host_irqs();
		break;
	case REC_EXIT_PSCI:
		psci_exit(v, run);
		break;
	case REC_EXIT_RIPAS:
		ripas_exit(v, run);
		break;
	case REC_EXIT_HOST_CALL:
		for (unsigned i = 0; i < 31; i++) /* no host calls served: as they were */
			run->gprs[i] = run->x[i];
		rec_of(v)->x0 = run->x[0];
		break;
	default:
		vm_kill(vm, "SError in the realm");
		break;
	}
}

/* As the last exit showed it; the RMM gives a realm no counter offset. */
uint64_t realm_vtimer(const struct vcpu *v, uint64_t *deadline)
{
	*deadline = rec_of(v)->cntv_cval;
	return rec_of(v)->cntv_ctl;
}
