/*
 * PSCI from a realm (RMM 1.0, B5.3.8 and A5.2.5) and RMI_PSCI_COMPLETE (B4.3.10). The RMM
 * answers what needs no host (VERSION, FEATURES, bad arguments) and checks every target;
 * the rest exits to the host, which schedules the vCPUs. For CPU_ON and AFFINITY_INFO the
 * host then names the target REC with RMI_PSCI_COMPLETE, and the RMM itself starts it or
 * reads its state: the host never writes a realm's registers.
 */
#include <string.h>
#include <triad/psci_abi.h>

#include "realm.h"
#include "rec.h"

/* The functions a realm has: all 32-bit, and 64-bit those that take addresses or MPIDRs. */
static bool known(uint32_t fid)
{
	uint32_t base = fid & ~SMC64;
	bool has64 = base == PSCI_CPU_SUSPEND || base == PSCI_CPU_ON || base == PSCI_AFFINITY_INFO;
	switch (base) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return !(fid & SMC64) || has64;
	}
	return false;
}

/* A target MPIDR that names one of the realm's RECs. */
static bool target_ok(const struct rd *rd, uint64_t mpidr)
{
	return !(mpidr & ~REC_MPIDR_VALID_BITS) &&
	       rec_mpidr_index(mpidr) < __atomic_load_n(&rd->nr_recs, __ATOMIC_ACQUIRE);
}

enum psci_result rec_psci(struct rec *rec, struct rd *rd)
{
	uint64_t *x = rec->gprs;
	uint32_t fid = (uint32_t)x[0];
	bool smc64 = fid & SMC64;
	uint64_t a1 = smc64 ? x[1] : (uint32_t)x[1];
	rec->pc += 4;
	if (!known(fid)) {
		x[0] = PSCI_NOT_SUPPORTED;
		return PSCI_DONE;
	}
	switch (fid & ~SMC64) {
	case PSCI_VERSION:
		x[0] = PSCI_1_1;
		return PSCI_DONE;
	case PSCI_FEATURES:
		/* SMCCC_VERSION too: how a caller learns SMCCC 1.1 is there (rec_run.c). */
		x[0] = known((uint32_t)a1) || (uint32_t)a1 == SMCCC_VERSION ? PSCI_SUCCESS
									    : PSCI_NOT_SUPPORTED;
		return PSCI_DONE;
	case PSCI_CPU_SUSPEND:
		x[0] = PSCI_SUCCESS; /* the host may run others meanwhile, as for WFI */
		return PSCI_EXIT;
	case PSCI_CPU_OFF:
		rec->runnable = 0;
		x[0] = PSCI_SUCCESS;
		return PSCI_EXIT;
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
		__atomic_store_n(&rd->state, REALM_SYSTEM_OFF, __ATOMIC_RELEASE);
		return PSCI_EXIT;
	case PSCI_CPU_ON: {
		/* RMM 1.0's order: the entry point, the target, the caller itself. */
		uint64_t entry = smc64 ? x[2] : (uint32_t)x[2];
		if (entry >= (1ULL << (rd->s2sz - 1))) {
			x[0] = PSCI_INVALID_ADDRESS; /* it would start outside its own memory */
			return PSCI_DONE;
		}
		if (!target_ok(rd, a1)) {
			x[0] = PSCI_INVALID_PARAMETERS;
			return PSCI_DONE;
		}
		if (a1 == rec->mpidr) {
			x[0] = PSCI_ALREADY_ON;
			return PSCI_DONE;
		}
		rec->psci_entry = entry;
		rec->psci_context = smc64 ? x[3] : (uint32_t)x[3];
		break;
	}
	case PSCI_AFFINITY_INFO:
		if (x[2] != 0 || !target_ok(rd, a1)) {
			x[0] = PSCI_INVALID_PARAMETERS;
			return PSCI_DONE;
		}
		if (a1 == rec->mpidr) {
			x[0] = PSCI_AFFINITY_ON;
			return PSCI_DONE;
		}
		break;
	}
	rec->request = REQ_PSCI;
	rec->psci_fid = fid & ~SMC64;
	rec->psci_target = a1;
	x[0] = PSCI_DENIED; /* until RMI_PSCI_COMPLETE says otherwise */
	return PSCI_EXIT;
}

unsigned psci_exit_args(uint32_t fid)
{
	uint32_t base = fid & ~SMC64;
	return base == PSCI_CPU_ON || base == PSCI_AFFINITY_INFO ? 2 : 1;
}

void rec_reset(struct rec *rec, uint64_t pc, uint64_t context)
{
	memset(rec->gprs, 0, sizeof(rec->gprs));
	memset(&rec->el1, 0, sizeof(rec->el1));
	memset(&rec->fp, 0, sizeof(rec->fp));
	memset(&rec->gic, 0, sizeof(rec->gic));
	rec_sve_reset(rec);
	rec->gprs[0] = context;
	rec->pc = pc;
	rec->pstate = SPSR_EL1H_MASKED;
	rec->el1.sctlr = SCTLR_EL1_RESET;
	rec->request = REQ_NONE;
}

/* RMI_PSCI_COMPLETE (B4.3.10): the calling REC's CPU_ON or AFFINITY_INFO, on target. A
 * target running on another CPU cannot be locked, but then it is on: its realm and MPIDR
 * never change after REC_CREATE, so they are checked without the lock. */
static uint64_t psci_complete(uint64_t calling_pa, uint64_t target_pa, uint64_t status)
{
	if (calling_pa == target_pa)
		return RMI_ERROR_INPUT;
	granule_t *gc = granule_lock(calling_pa, GRANULE_REC);
	if (!gc)
		return RMI_ERROR_INPUT;
	struct rec *caller = (struct rec *)calling_pa, *target = (struct rec *)target_pa;
	uint64_t r = RMI_ERROR_INPUT;
	bool busy;
	granule_t *gt = granule_try_lock(target_pa, GRANULE_REC, &busy);
	if (!gt && !busy)
		goto out;
	if (caller->request != REQ_PSCI || target->rd != caller->rd ||
	    target->mpidr != caller->psci_target ||
	    (status != PSCI_SUCCESS &&
	     ((int64_t)status != PSCI_DENIED || caller->psci_fid != PSCI_CPU_ON)))
		goto out_target;
	bool on = !gt || target->runnable;
	if (caller->psci_fid == PSCI_AFFINITY_INFO) {
		caller->gprs[0] = on ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF;
	} else if ((int64_t)status == PSCI_DENIED) {
		caller->gprs[0] = PSCI_DENIED;
	} else if (on) {
		caller->gprs[0] = PSCI_ALREADY_ON;
	} else {
		rec_reset(target, caller->psci_entry, caller->psci_context);
		target->runnable = 1;
		caller->gprs[0] = PSCI_SUCCESS;
	}
	caller->request = REQ_NONE;
	r = RMI_SUCCESS;
out_target:
	if (gt)
		granule_unlock(gt, GRANULE_REC);
out:
	granule_unlock(gc, GRANULE_REC);
	return r;
}

void rmi_psci_complete(const uint64_t *in, uint64_t *out)
{
	out[0] = psci_complete(in[1], in[2], in[3]);
}
