/* PSCI 1.1 for the normal world (Arm DEN 0022): CPUs on, off and suspended, system off and
 * reset. */
#include <triad/ffa.h>
#include <triad/psci_abi.h>
#include <triad/rmm_abi.h>
#include <triad/rmm_audit.h>

#include <triad/tos_restart_abi.h>

#include "monitor.h"

#define SUSPEND_POWER_DOWN (1ULL << 16) /* power_state: the type */

/* The CPU with this MPIDR, or -1 (Aff0 up to 15 per cluster, as QEMU numbers them). */
static int cpu_of(uint64_t mpidr)
{
	if (mpidr & ~0xffffULL & ~(1ULL << 31))
		return -1;
	unsigned i = mpidr_cpu_index(mpidr);
	return (mpidr & 0xff) < MPIDR_CPUS_PER_CLUSTER && i < MAX_CPUS ? (int)i : -1;
}

void psci_cpu_started(unsigned cpu)
{
	mon_cpu(cpu)->psci.state = CPU_ON;
}

void psci_wait_for_cpu_on(unsigned cpu, uint64_t *entry, uint64_t *context)
{
	while (mon_cpu(cpu)->psci.state != CPU_ON_PENDING)
		__asm__ volatile("wfe");
	*entry = mon_cpu(cpu)->psci.entry;
	*context = mon_cpu(cpu)->psci.context;
	mon_cpu(cpu)->psci.state = CPU_ON;
	dsb(sy);
}

static int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	int i = cpu_of(mpidr);
	if (i < 0)
		return PSCI_INVALID_PARAMETERS;
	if (mon_cpu(i)->psci.state == CPU_ON)
		return PSCI_ALREADY_ON;
	if (mon_cpu(i)->psci.state == CPU_ON_PENDING)
		return PSCI_ON_PENDING;
	mon_cpu(i)->psci.entry = entry;
	mon_cpu(i)->psci.context = context;
	dsb(sy);
	mon_cpu(i)->psci.state = CPU_ON_PENDING;
	dsb(sy);
	__asm__ volatile("sev");
	return PSCI_SUCCESS;
}

static bool implemented(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case (PSCI_CPU_SUSPEND | SMC64):
	case PSCI_CPU_OFF:
	case (PSCI_CPU_ON | SMC64):
	case (PSCI_AFFINITY_INFO | SMC64):
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return true;
	default:
		return false;
	}
}

struct world_context *smc_handler(struct world_context *f)
{
	uint32_t fid = (uint32_t)f->x[0];
	int64_t r;
	switch (fid) {
	case SMCCC_VERSION:
		r = SMCCC_1_1;
		break;
	case PSCI_VERSION:
		r = PSCI_1_1;
		break;
	case PSCI_FEATURES:
		r = implemented((uint32_t)f->x[1]) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
		break;
	case (PSCI_CPU_ON | SMC64):
		r = cpu_on(f->x[1], f->x[2], f->x[3]);
		break;
	case PSCI_CPU_OFF: {
		unsigned cpu = cpu_index();
		mon_cpu(cpu)->psci.state = CPU_OFF;
		dsb(sy);
		struct world_context *s = world_cpu_off(f); /* the secure world first */
		if (s)
			return s;
		cpu_restart(cpu);
	}
	case (PSCI_AFFINITY_INFO | SMC64): {
		int i = cpu_of(f->x[1]);
		r = i < 0 || f->x[2]			       ? PSCI_INVALID_PARAMETERS
		    : mon_cpu(i)->psci.state == CPU_ON	       ? 0
		    : mon_cpu(i)->psci.state == CPU_ON_PENDING ? 2
							       : 1;
		break;
	}
	case (PSCI_CPU_SUSPEND | SMC64):
		/* The CPU's own states (power level 0, state ID 0): standby, a WFI here; or
		 * power-down, with the secure world told (world.c). */
		if (f->x[1] & ~SUSPEND_POWER_DOWN) {
			r = PSCI_INVALID_PARAMETERS;
			break;
		}
		if (f->x[1] & SUSPEND_POWER_DOWN)
			return world_cpu_suspend(f, f->x[2], f->x[3]);
		dsb(sy);
		__asm__ volatile("wfi");
		r = PSCI_SUCCESS;
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r = 2; /* no trusted OS that would need migrating */
		break;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		return world_system_power(f, fid == PSCI_SYSTEM_RESET);
	case TOS_RESTART_ACK:
		r = world_restart_acked(f->x[1]);
		break;
	default:
		/* Trusted OS calls (SMCCC owners 50-63) belong to the secure world, RMI calls
		 * (and the one call Triad's RMM adds) to the realm world. */
		if (((fid >> 24) & 0x3f) >= 50 || FFA_FID_IS(fid))
			return world_call_secure(f); /* FF-A: the SPMC is Triad at S-EL2 */
		if ((fid >= RMI_FID_FIRST && fid <= RMI_FID_LAST && fid != RMM_RMI_REQ_COMPLETE) ||
		    fid == TRIAD_RMM_AUDIT_PAGE)
			return world_call_realm(f);
		r = PSCI_NOT_SUPPORTED;
		break;
	}
	f->x[0] = (uint64_t)r;
	return f;
}
