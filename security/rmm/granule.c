/*
 * Granule states (RMM 1.0, A2.2): one byte per 4 KiB granule of the tracked range, with a
 * lock bit so that commands on several CPUs never see a granule mid-change. A granule only
 * leaves UNDELEGATED once EL3 has moved it to the Realm PAS, and its contents are zeroed
 * before the host can give it to a realm; it is scrubbed before it goes back.
 */
#include <triad/smccc.h>

#include "rmm.h"

#define NR_GRANULES (TRACKED_SIZE / GRANULE_SIZE)
#define LOCKED	    0x80

static uint8_t granules[NR_GRANULES];

static uint8_t *granule_of(uint64_t pa)
{
	if (pa % GRANULE_SIZE || pa < TRACKED_BASE || pa - TRACKED_BASE >= TRACKED_SIZE)
		return 0;
	return &granules[(pa - TRACKED_BASE) / GRANULE_SIZE];
}

/* Locks the granule if it is in state `want`; false if it is not (or is locked by a
 * command on another CPU, which the spec lets us treat as the wrong state). */
static bool lock_in_state(uint8_t *g, enum granule_state want)
{
	uint8_t expected = (uint8_t)want;
	return __atomic_compare_exchange_n(g, &expected, (uint8_t)(want | LOCKED), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void unlock_to(uint8_t *g, enum granule_state s)
{
	__atomic_store_n(g, (uint8_t)s, __ATOMIC_RELEASE);
}

#ifndef TRIAD_HOST_BUILD
/* With the MMU off, memory is Device memory: plain aligned stores, no DC ZVA. */
static void zero_granule(uint64_t pa)
{
	volatile uint64_t *p = (volatile uint64_t *)pa;
	for (unsigned i = 0; i < GRANULE_SIZE / 8; i++)
		p[i] = 0;
	dsb(sy);
}

static int64_t el3_call(uint32_t fid, uint64_t pa)
{
	uint64_t r[8] = {fid, pa};
	smc_call_regs(r);
	return (int64_t)r[0];
}

const struct granule_platform granule_platform = {zero_granule, el3_call};
#endif

#define zero_granule granule_platform.zero
#define el3_call     granule_platform.el3_call

uint64_t granule_delegate(uint64_t pa)
{
	uint8_t *g = granule_of(pa);
	if (!g || !lock_in_state(g, GRANULE_UNDELEGATED))
		return RMI_ERROR_INPUT;
	if (el3_call(RMM_GTSI_DELEGATE, pa) != E_RMM_OK) {
		unlock_to(g, GRANULE_UNDELEGATED); /* e.g. Secure or the RMM's own memory */
		return RMI_ERROR_INPUT;
	}
	zero_granule(pa);
	unlock_to(g, GRANULE_DELEGATED);
	return RMI_SUCCESS;
}

uint64_t granule_undelegate(uint64_t pa)
{
	uint8_t *g = granule_of(pa);
	if (!g || !lock_in_state(g, GRANULE_DELEGATED))
		return RMI_ERROR_INPUT;
	zero_granule(pa); /* nothing of a realm's goes back to the host */
	if (el3_call(RMM_GTSI_UNDELEGATE, pa) != E_RMM_OK) {
		unlock_to(g, GRANULE_DELEGATED);
		return RMI_ERROR_INPUT;
	}
	unlock_to(g, GRANULE_UNDELEGATED);
	return RMI_SUCCESS;
}
