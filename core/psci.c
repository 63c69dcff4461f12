/* SMCCC 1.2 and PSCI 1.1 for guests, over HVC (and trapped SMC); other calls go to the
 * SMCCC service a feature registered for them (include/triad/feature.h). */
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/psci_abi.h>
#include <triad/trap.h>
#include <triad/vcpu.h>
#include <triad/vm.h>

extern const struct smccc_service __start_smccc_services[], __stop_smccc_services[];

#define PSCI_MIGRATE_NOT_NEEDED 2 /* no Trusted OS that would need migrating */

static int64_t cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t ctx)
{
	struct vm *vm = v->vm;
	struct vcpu *t = vm_find_vcpu(vm, target);
	if (!t || (target & ~MPIDR_AFF_MASK))
		return PSCI_INVALID_PARAMETERS;
	if (!vm_ipa_is_ram(vm, entry, 4) || (entry & 3))
		return PSCI_INVALID_ADDRESS;
	spin_lock(&vm->lock);
	int64_t r = PSCI_SUCCESS;
	if (t->power == VCPU_ON)
		r = PSCI_ALREADY_ON;
	else if (t->power == VCPU_ON_PENDING)
		r = PSCI_ON_PENDING;
	else {
		t->on_entry = entry;
		t->on_context = ctx;
		t->power = VCPU_ON_PENDING;
	}
	spin_unlock(&vm->lock);
	if (r == PSCI_SUCCESS)
		sched_wake(t);
	return r;
}

static int64_t affinity_info(struct vcpu *v, uint64_t target, uint64_t level)
{
	struct vcpu *t = vm_find_vcpu(v->vm, target);
	if (!t || level != 0 || (target & ~MPIDR_AFF_MASK))
		return PSCI_INVALID_PARAMETERS;
	switch (t->power) {
	case VCPU_ON:
		return 0;
	case VCPU_ON_PENDING:
		return 2;
	default:
		return 1;
	}
}

static bool implemented(uint32_t fn)
{
	switch (fn & ~SMC64) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return true;
	}
	return false;
}

void handle_smccc(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	uint32_t fn = (uint32_t)x[0];
	bool smc64 = fn & SMC64;
	/* SMC32 calls pass 32-bit arguments; the upper halves are not theirs to use. */
	uint64_t a1 = smc64 ? x[1] : (uint32_t)x[1];
	uint64_t a2 = smc64 ? x[2] : (uint32_t)x[2];
	uint64_t a3 = smc64 ? x[3] : (uint32_t)x[3];
	int64_t r;
	if ((x[0] >> 32) != 0 || !implemented(fn)) {
		/* Off the PSCI fast path: the services features registered (FF-A, OP-TEE). */
		for (const struct smccc_service *s = __start_smccc_services;
		     /* cppcheck-suppress comparePointers ; one linker section's bounds */
		     s < __stop_smccc_services && (x[0] >> 32) == 0; s++)
			if ((fn & s->mask) >= s->first && (fn & s->mask) <= s->last) {
				s->call(v);
				return;
			}
		vm_audit(v->vm, AUDIT_CALL_REFUSED,
			 "vCPU %u: unknown HVC/SMC function 0x%lx: NOT_SUPPORTED", v->id, x[0]);
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	}
	switch (fn & ~SMC64) {
	case SMCCC_VERSION:
		r = SMCCC_1_2; /* x0-x17 for arguments and results: FF-A v1.2 needs it */
		break;
	case PSCI_VERSION:
		r = PSCI_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		r = (a1 == SMCCC_VERSION || a1 == SMCCC_ARCH_FEATURES) ? 0 : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_FEATURES:
		r = implemented((uint32_t)a1) && (a1 >> 32) == 0 ? 0 : PSCI_NOT_SUPPORTED;
		break;
	case PSCI_CPU_SUSPEND:
		/* Only standby (a WFI with a return) is offered: wait for an interrupt. */
		r = PSCI_SUCCESS;
		x[0] = 0;
		handle_wfi_wait(v);
		break;
	case PSCI_CPU_OFF:
		vm_vcpu_off(v);
		return;
	case PSCI_CPU_ON:
		r = cpu_on(v, a1, a2, a3);
		break;
	case PSCI_AFFINITY_INFO:
		r = affinity_info(v, a1, a2);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r = PSCI_MIGRATE_NOT_NEEDED;
		break;
	case PSCI_SYSTEM_OFF:
		vm_power_off(v->vm, "powered off");
		return;
	case PSCI_SYSTEM_RESET:
		vm_request_reset(v->vm);
		return;
	default:
		r = PSCI_NOT_SUPPORTED;
	}
	x[0] = (uint64_t)r;
}
