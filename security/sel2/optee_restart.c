/*
 * OP-TEE's restart, as Triad at S-EL2 sees it: the monitor has written OP-TEE's memory back
 * as it was before its first boot and enters S-EL2 afresh (SEL2_BOOT_OPTEE_RESTART) for
 * OP-TEE's cold boot, or on another CPU for its cpu_on entry (SEL2_BOOT_OPTEE_CPU). Neither
 * touches the secure partitions, which did not fail. And the test hook that makes OP-TEE
 * fail: the operator's count (fw_cfg opt/triad/optee-fail-after, never a guest's), after
 * which a message call (of one client's, if it names one) has its deadline pass at once, the path
 * of a real OP-TEE panic (OP-TEE masks its interrupts and spins; only the deadline gets the CPU
 * back).
 */
#include <arch/maint.h>
#include <arch/sysreg.h>

#include "sel2.h"

#define OPTEE_SMC_CALL_WITH_ARG 0x32000004U

static uint32_t fail_after, fail_client, message_calls;

void optee_boot_kind(unsigned cpu, unsigned kind, uint32_t fail_after_calls)
{
	sel2_cpu(cpu)->optee_only = kind == SEL2_BOOT_OPTEE_RESTART || kind == SEL2_BOOT_OPTEE_CPU;
	if (kind == SEL2_BOOT_COLD || kind == SEL2_BOOT_OPTEE_RESTART) {
		fail_after = SEL2_HOOK_CALLS(fail_after_calls);
		fail_client = SEL2_HOOK_CLIENT(fail_after_calls);
		__atomic_store_n(&message_calls, 0, __ATOMIC_RELAXED);
	}
	if (kind == SEL2_BOOT_OPTEE_RESTART) {
		/* Nothing the failed OP-TEE cached may survive: its translations (VMID 0, stage 1
		 * and 2, all CPUs) and instructions. */
		dsb(ish);
		tlbi(vmalls12e1is);
		__asm__ volatile("ic ialluis" ::: "memory");
		dsb(ish);
		isb();
	}
}

bool optee_boot_without_partitions(unsigned cpu)
{
	return sel2_cpu(cpu)->optee_only;
}

bool optee_test_hook_fails(uint32_t fid, uint64_t client)
{
	if (!fail_after || fid != OPTEE_SMC_CALL_WITH_ARG || (fail_client && client != fail_client))
		return false;
	return __atomic_add_fetch(&message_calls, 1, __ATOMIC_RELAXED) == fail_after;
}
