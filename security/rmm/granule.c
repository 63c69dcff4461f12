/*
 * Granule states (RMM 1.0, A2.2): one byte per 4 KiB granule of DRAM, with a
 * lock bit so that commands on several CPUs never see a granule mid-change. A granule only
 * leaves UNDELEGATED once EL3 has moved it to the Realm PAS, and its contents are zeroed
 * before the host can give it to a realm; it is scrubbed before it goes back.
 */
#include "rmm.h"

#define LOCKED 0x80

static granule_t *granules;
uint64_t tracked_size;

void granules_init(granule_t *table, uint64_t size)
{
	for (uint64_t i = 0; i < size / GRANULE_SIZE; i++)
		table[i] = GRANULE_UNDELEGATED;
	granules = table;
	tracked_size = size;
}

static granule_t *granule_of(uint64_t pa)
{
	if (pa % GRANULE_SIZE || pa < TRACKED_BASE || pa - TRACKED_BASE >= tracked_size)
		return 0;
	return &granules[(pa - TRACKED_BASE) / GRANULE_SIZE];
}

/* Commands lock the granules they use, the RD first, so that commands of a racing host
 * on several CPUs take turns. */
granule_t *granule_lock(uint64_t pa, enum granule_state want)
{
	granule_t *g = granule_of(pa);
	if (!g)
		return 0;
	for (;;) {
		uint8_t expected = (uint8_t)want;
		if (__atomic_compare_exchange_n(g, &expected, (uint8_t)(want | LOCKED), false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return g;
		/* Held by a command on another CPU: wait for it if the granule is in the
		 * right state (commands are short and never wait for the host). */
		if ((expected & ~LOCKED) != want)
			return 0;
	}
}

granule_t *granule_try_lock(uint64_t pa, enum granule_state want, bool *busy)
{
	granule_t *g = granule_of(pa);
	*busy = false;
	if (!g)
		return 0;
	uint8_t expected = (uint8_t)want;
	if (__atomic_compare_exchange_n(g, &expected, (uint8_t)(want | LOCKED), false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return g;
	*busy = expected == (uint8_t)(want | LOCKED);
	return 0;
}

void granule_unlock(granule_t *g, enum granule_state s)
{
	__atomic_store_n(g, (uint8_t)s, __ATOMIC_RELEASE);
}

bool granule_is_host(uint64_t pa)
{
	granule_t *g = granule_of(pa);
	return g && __atomic_load_n(g, __ATOMIC_ACQUIRE) == GRANULE_UNDELEGATED;
}

uint64_t granule_delegate(uint64_t pa)
{
	granule_t *g = granule_lock(pa, GRANULE_UNDELEGATED);
	if (!g)
		return RMI_ERROR_INPUT;
	if (granule_el3_call(RMM_GTSI_DELEGATE, pa) != E_RMM_OK) {
		granule_unlock(g, GRANULE_UNDELEGATED); /* e.g. Secure or the RMM's own memory */
		return RMI_ERROR_INPUT;
	}
	granule_zero(pa);
	granule_unlock(g, GRANULE_DELEGATED);
	return RMI_SUCCESS;
}

uint64_t granule_undelegate(uint64_t pa)
{
	granule_t *g = granule_lock(pa, GRANULE_DELEGATED);
	if (!g)
		return RMI_ERROR_INPUT;
	granule_zero(pa); /* nothing of a realm's goes back to the host */
	if (granule_el3_call(RMM_GTSI_UNDELEGATE, pa) != E_RMM_OK) {
		granule_unlock(g, GRANULE_DELEGATED);
		return RMI_ERROR_INPUT;
	}
	granule_unlock(g, GRANULE_UNDELEGATED);
	return RMI_SUCCESS;
}
