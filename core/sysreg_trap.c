/* Emulation of the system-register accesses Triad traps: ID registers (to hide what it
 * does not virtualize), SGI generation, debug registers (core/vdebug.c) and the EL1
 * physical timer. */
#include <arch/esr.h>
#include <arch/id_regs.h>
#include <arch/sysreg.h>
#include <triad/cpu.h>
#include <triad/trap.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vpmu.h>
#include <triad/vm.h>

#define ICC_SGI1R  SYSREG(3, 0, 12, 11, 5)
#define ICC_ASGI1R SYSREG(3, 0, 12, 11, 6)
#define ICC_SGI0R  SYSREG(3, 0, 12, 11, 7)
#define CNTP_TVAL  SYSREG(3, 3, 14, 2, 0)
#define CNTP_CTL   SYSREG(3, 3, 14, 2, 1)
#define CNTP_CVAL  SYSREG(3, 3, 14, 2, 2)

/* The guest's view of an ID register: the CPU's, minus what a VM does not get; LORegions
 * too (HCR_EL2.TLOR traps their registers: they are not switched). */
static uint64_t guest_id_reg(const struct vm *vm, unsigned reg)
{
	uint64_t v = id_reg_for_guest(reg, vm->policy->guest_pmu ? vpmu_guest_version() : 0);
	if (vm->sve_vl && reg == ID_AA64PFR0) /* the CPU's SVE version, and its features */
		return v | (id_reg_read(reg) & (0xfUL << 32));
	if (vm->sve_vl && reg == ID_AA64ZFR0)
		return id_reg_read(reg);
	/* An MTE VM: the CPU's MTE level and MTE_frac (asynchronous checks), and in PFR2
	 * store-only checks and tag bits in FAR; MTEPERM is stage 2's, Triad's. */
	if (vm->mte && reg == ID_AA64PFR1)
		return v | (id_reg_read(reg) & ((0xfUL << 8) | (0xfUL << 40)));
	if (vm->mte && reg == ID_AA64PFR2)
		return v | (id_reg_read(reg) & 0xff0UL);
	return reg == ID_AA64MMFR1 ? id_field_clear(v, 16) : v;
}

static void cntp_update(struct vcpu *v);

static void cntp_expired(struct softtimer *t)
{
	struct vcpu *v = container_of(t, struct vcpu, cntp_timer);
	cntp_update(v);
}

/* The emulated physical timer's output: level = enabled, unmasked and expired. */
static void cntp_update(struct vcpu *v)
{
	uint64_t now = read_sysreg(cntpct_el0);
	bool enabled = v->cntp_ctl & CNT_CTL_ENABLE;
	bool fired = enabled && now >= v->cntp_cval;
	bool level = fired && !(v->cntp_ctl & CNT_CTL_IMASK);
	vcpu_set_irq_line(v->vm, v->id, plat.timer_phys_intid, level);
	if (enabled && !fired)
		softtimer_arm(&v->cntp_timer, v->cntp_cval);
	else
		softtimer_cancel(&v->cntp_timer);
}

void vcpu_cntp_resume(struct vcpu *v)
{
	v->cntp_timer.fn = cntp_expired;
	if (v->cntp_ctl & CNT_CTL_ENABLE)
		cntp_update(v);
}

static bool cntp_access(struct vcpu *v, unsigned reg, bool read, uint64_t *val)
{
	uint64_t now = read_sysreg(cntpct_el0);
	v->cntp_timer.fn = cntp_expired;
	switch (reg) {
	case CNTP_CTL:
		if (read) {
			bool fired = (v->cntp_ctl & CNT_CTL_ENABLE) && now >= v->cntp_cval;
			*val = (v->cntp_ctl & 3) | (fired ? CNT_CTL_ISTATUS : 0);
			return true;
		}
		v->cntp_ctl = *val & 3;
		break;
	case CNTP_CVAL:
		if (read) {
			*val = v->cntp_cval;
			return true;
		}
		v->cntp_cval = *val;
		break;
	case CNTP_TVAL:
		if (read) {
			*val = (uint32_t)(v->cntp_cval - now);
			return true;
		}
		v->cntp_cval = now + (uint64_t)(int64_t)(int32_t)*val;
		break;
	default:
		return false;
	}
	cntp_update(v);
	return true;
}

void vcpu_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
	spin_lock(&v->vm->vgic.lock);
	uint32_t kick = vgic_send_sgi(&v->vm->vgic, v->id, sgi1r);
	spin_unlock(&v->vm->vgic.lock);
	for (; kick; kick &= kick - 1)
		sched_wake(v->vm->vcpu[__builtin_ctz(kick)]);
}

/* An access Triad does not emulate: the guest gets UNDEF, the log one bounded line. */
static void undef_sysreg(struct vcpu *v, uint64_t esr)
{
	vm_warn(v->vm,
		"vCPU %u: %s of system register S%u_%u_C%u_C%u_%u at pc 0x%lx: UNDEF injected",
		v->id, esr & ISS_SYSREG_READ ? "read" : "write", ISS_OP0(esr), ISS_OP1(esr),
		ISS_CRN(esr), ISS_CRM(esr), ISS_OP2(esr), v->regs.pc);
	inject_undef(v);
}

/* Debug registers (op0 = 2): core/vdebug.c. Out of line, so that the hot cases of
 * handle_sysreg_trap keep their values in registers. */
static __attribute__((noinline)) void debug_trap(struct vcpu *v, uint64_t esr, unsigned reg)
{
	unsigned rt = ISS_RT(esr);
	bool read = esr & ISS_SYSREG_READ;
	uint64_t val = rt == 31 ? 0 : v->regs.x[rt];
	switch (vdebug_access(v, reg, read, &val)) {
	case VDEBUG_RETRY:
		return; /* the access runs again, on the vCPU's own registers */
	case VDEBUG_UNDEF:
		undef_sysreg(v, esr);
		return;
	case VDEBUG_DONE:
		break;
	}
	if (read && rt != 31)
		v->regs.x[rt] = val;
	v->regs.pc += 4;
}

void handle_sysreg_trap(struct vcpu *v, uint64_t esr)
{
	unsigned op0 = ISS_OP0(esr), op2 = ISS_OP2(esr), op1 = ISS_OP1(esr);
	unsigned crn = ISS_CRN(esr), rt = ISS_RT(esr), crm = ISS_CRM(esr);
	bool read = esr & ISS_SYSREG_READ;
	unsigned reg = SYSREG(op0, op1, crn, crm, op2);
	uint64_t val = rt == 31 ? 0 : v->regs.x[rt];
	bool ok = true;

	if (reg == ICC_SGI1R && !read) { /* first: the hot one (IPIs) */
		vcpu_send_sgi(v, val);
	} else if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
		ok = read;
		if (read)
			val = guest_id_reg(v->vm, reg);
	} else if (op0 == 2) {
		debug_trap(v, esr, reg);
		return;
	} else if (op0 == 1) { /* cache maintenance: set/way, a strict VM's (HCR_EL2.TSW) */
		handle_setway_trap(v, esr, val);
		return;
	} else if ((reg == ICC_ASGI1R || reg == ICC_SGI0R) && !read) {
		/* Group 0 / other-security-state SGIs: none exist in this single-state GIC. */
	} else {
		ok = cntp_access(v, reg, read, &val);
	}
	if (!ok) {
		undef_sysreg(v, esr);
		return;
	}
	if (read && rt != 31)
		v->regs.x[rt] = val;
	v->regs.pc += 4;
}
