// eva: -eva-precision 3 -eva-split-return full
/* RMI_GRANULE_DELEGATE and RMI_GRANULE_UNDELEGATE (RMM 1.0, B4.3.1, B4.3.2) against the
 * spec's failure conditions and success post-conditions, for the granule state machine of
 * security/rmm/granule.c. One representative address of each class the failure
 * conditions tell apart, every state its granule can be in, both answers of EL3: the
 * result, the granule's new state, its zeroing and its neighbours, exactly. Then any
 * address at all: a success only ever for an aligned, tracked one. */
#include "__fc_builtin.h"
#include "../../security/rmm/granule.c"

/* A machine whose DRAM (from TRACKED_BASE) has 16 granules: what EL3's manifest gives at
 * run time, as small as the representatives below allow. */
#define TRACKED_SIZE (16 * GRANULE_SIZE)
static granule_t table[TRACKED_SIZE / GRANULE_SIZE];

static uint64_t zeroed;	 /* the last granule zeroed, or 1 */
static int el3_ok;	 /* EL3's answer to the next transition */
static uint32_t el3_fid; /* what it was asked */

void granule_zero(uint64_t pa)
{
	zeroed = pa;
}

int64_t granule_el3_call(uint32_t fid, uint64_t pa)
{
	(void)pa;
	el3_fid = fid;
	return el3_ok ? E_RMM_OK : -3;
}

static uint64_t command(int delegate, uint64_t pa)
{
	return delegate ? granule_delegate(pa) : granule_undelegate(pa);
}

static void any_address(void)
{
	uint64_t pa = Frama_C_unsigned_long_interval(0, ~0UL);
	int delegate = Frama_C_interval(0, 1);
	el3_ok = Frama_C_interval(0, 1);
	uint64_t r = command(delegate, pa);
	/* gran_align, gran_bound */
	//@ assert success_is_aligned_and_tracked: r == RMI_SUCCESS ==> pa % GRANULE_SIZE == 0 && TRACKED_BASE <= pa < TRACKED_BASE + TRACKED_SIZE;
	//@ assert only_success_or_input: r == RMI_SUCCESS || r == RMI_ERROR_INPUT;
}

#define LAST (TRACKED_BASE + TRACKED_SIZE - GRANULE_SIZE)
static const uint64_t representatives[] = {
    TRACKED_BASE,			 /* the first tracked granule */
    TRACKED_BASE + 5 * GRANULE_SIZE,	 /* one in the middle */
    LAST,				 /* the last */
    TRACKED_BASE + 5 * GRANULE_SIZE + 8, /* unaligned */
    TRACKED_BASE - GRANULE_SIZE,	 /* just below */
    TRACKED_BASE + TRACKED_SIZE,	 /* just above */
    0,
    0xfffffffffffff000,
};
#define NR_REPR	   (sizeof(representatives) / sizeof(representatives[0]))
#define NR_TRACKED 3 /* the first three are tracked and aligned */

static void one_command_from_every_state(void)
{
	unsigned i;
	int delegate;
	uint8_t before;
	i = Frama_C_unsigned_int_interval(0, NR_REPR - 1);
	//@ split i;
	delegate = Frama_C_interval(0, 1);
	//@ split delegate;
	el3_ok = Frama_C_interval(0, 1);
	//@ split el3_ok;
	before = (uint8_t)Frama_C_interval(GRANULE_UNDELEGATED, GRANULE_REC_AUX);
	//@ split before;
	uint64_t pa = representatives[i];
	unsigned idx =
	    (unsigned)((LAST - TRACKED_BASE) / GRANULE_SIZE); /* an untracked pa's witness */
	if (i < NR_TRACKED) {
		idx = (unsigned)((pa - TRACKED_BASE) / GRANULE_SIZE);
		granules[idx] = before;
	}
	/* A neighbour in another state: commands touch only their own granule. */
	unsigned other = idx == 0 ? 1 : idx - 1;
	granules[other] = GRANULE_RTT;
	zeroed = 1;
	el3_fid = 0;

	uint64_t r = command(delegate, pa);

	enum granule_state from = delegate ? GRANULE_UNDELEGATED : GRANULE_DELEGATED;
	enum granule_state to = delegate ? GRANULE_DELEGATED : GRANULE_UNDELEGATED;
	int tracked = i < NR_TRACKED;
	if (!tracked) {
		//@ assert untracked_fails: r == RMI_ERROR_INPUT;
		//@ assert untracked_never_reaches_el3: el3_fid == 0 && zeroed == 1;
	} else if (before != from) {
		//@ assert wrong_state_fails: r == RMI_ERROR_INPUT;
		//@ assert wrong_state_unchanged: granules[idx] == before && el3_fid == 0 && zeroed == 1;
	} else if (!el3_ok) {
		//@ assert el3_refusal_fails: r == RMI_ERROR_INPUT;
		//@ assert el3_refusal_unchanged: granules[idx] == before;
	} else {
		//@ assert success: r == RMI_SUCCESS;
		//@ assert success_state: granules[idx] == to;
		//@ assert success_zeroed: zeroed == pa;
		//@ assert success_asked_el3: el3_fid == (delegate ? RMM_GTSI_DELEGATE :  RMM_GTSI_UNDELEGATE);
	}
	//@ assert unlocked: (granules[idx] & LOCKED) == 0;
	//@ assert neighbour_unchanged: granules[other] == GRANULE_RTT;
}

/* Undelegation zeroes before EL3 gives the granule back: nothing of a realm's reaches the
 * host even when EL3 refuses (then it stays DELEGATED, zeroed). */
static void undelegate_zeroes_first(void)
{
	uint64_t pa = TRACKED_BASE + 7 * GRANULE_SIZE;
	granules[7] = GRANULE_DELEGATED;
	el3_ok = 0;
	zeroed = 1;
	uint64_t r = granule_undelegate(pa);
	//@ assert refused_yet_zeroed: r == RMI_ERROR_INPUT && zeroed == pa && granules[7] == GRANULE_DELEGATED;
}

int main(void)
{
	granules_init(table, TRACKED_SIZE);
	one_command_from_every_state();
	undelegate_zeroes_first();
	any_address(); /* last: it leaves every granule's state unknown */
	return 0;
}
