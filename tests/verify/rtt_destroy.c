// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:200 -eva-slevel-function non_live_top:1100
/* RMI_RTT_DESTROY (RMM 1.0, B4.3.13) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm with two more tables
 * that have nothing live in them: a level-3 one at protected IPA 8 MiB (its entries
 * UNASSIGNED with RIPAS RAM or DESTROYED) and a level-2 one at the first unprotected IPA.
 * Each failure condition alone (an RD that is not one, level_bound, ipa_align, ipa_bound,
 * rtt_walk, rtte_state, rtt_live) gives its specified error and changes no byte nor
 * granule state; a destroy makes the parent entry UNASSIGNED (RIPAS DESTROYED at a
 * protected IPA, EMPTY at an unprotected one), the table a zeroed DELEGATED granule,
 * uncounted, and returns it and the top of the non-live region. */
#include "rtt_machine.h"

#define UNPROT	(1ULL << 39) /* the first unprotected IPA */
#define DEAD_L3 PA(7)	     /* at 8 MiB, under L2[4] */
#define DEAD_L2 FREE	     /* at UNPROT, under L1[512] */

static void dead_tables(void)
{
	states[5] = states[7] = GRANULE_RTT;
	rd->nr_rtts = 4;
	l2[4] = DEAD_L3 | PTE_VALID | PTE_TABLE;
	l1[512] = DEAD_L2 | PTE_VALID | PTE_TABLE;
	uint64_t *t = (uint64_t *)DEAD_L3;
	t[0] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	t[511] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_DESTROYED, 0);
}

static const struct {
	uint64_t rd, ipa, level, expect;
} failures[] = {
    {DEAD_L2, 8 * MIB, 3, RMI_ERROR_INPUT},	      /* rd_state: not an RD */
    {RD, 0, 1, RMI_ERROR_INPUT},		      /* level_bound: the start */
    {RD, 0, 0, RMI_ERROR_INPUT},		      /* level_bound */
    {RD, 0, 4, RMI_ERROR_INPUT},		      /* level_bound */
    {RD, 0, (uint64_t)-2, RMI_ERROR_INPUT},	      /* level_bound: negative */
    {RD, 8 * MIB + GRANULE_SIZE, 3, RMI_ERROR_INPUT}, /* ipa_align */
    {RD, UNPROT + MIB * 2, 2, RMI_ERROR_INPUT},	      /* ipa_align */
    {RD, 1ULL << 40, 2, RMI_ERROR_INPUT},	      /* ipa_bound */
    {RD, GIB, 3, RMI_ERROR_RTT | 1 << 8},	      /* rtt_walk: no level-2 table */
    {RD, GIB, 2, RMI_ERROR_RTT | 1 << 8},	      /* rtte_state: L1[1] UNASSIGNED */
    {RD, 2 * MIB, 3, RMI_ERROR_RTT | 2 << 8},	      /* rtte_state: L2[1] a block */
    {RD, 0, 3, RMI_ERROR_RTT | 3 << 8},		      /* rtt_live: L3[0] ASSIGNED */
    {RD, 0, 2, RMI_ERROR_RTT | 2 << 8},		      /* rtt_live: L2[0] a table */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	dead_tables();
	//@ split i;
	snapshot();
	uint64_t r = call(rmi_rtt_destroy, failures[i].rd, failures[i].ipa, failures[i].level, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

static void destroy_protected(void)
{
	machine();
	dead_tables();
	uint64_t r = call(rmi_rtt_destroy, RD, 8 * MIB, 3, 0);
	int scrubbed = all_zero(DEAD_L3);
	//@ assert protected_success: r == RMI_SUCCESS && out[1] == DEAD_L3;
	/* UNASSIGNED, RIPAS DESTROYED */
	//@ assert parent_destroyed: l2[4] == (HIPAS_UNASSIGNED << HIPAS_SHIFT | RIPAS_DESTROYED << RIPAS_SHIFT);
	//@ assert protected_delegated: states[7] == GRANULE_DELEGATED && scrubbed == 1;
	//@ assert protected_uncounted: rd->nr_rtts == 3;
	/* The top of the non-live region: L2[5..511] are not live either. */
	//@ assert protected_top: out[2] == GIB;
	//@ assert protected_rd_unlocked: states[0] == GRANULE_RD;
}

static void destroy_unprotected(void)
{
	machine();
	dead_tables();
	uint64_t r = call(rmi_rtt_destroy, RD, UNPROT, 2, 0);
	int scrubbed = all_zero(DEAD_L2);
	//@ assert unprotected_success: r == RMI_SUCCESS && out[1] == DEAD_L2;
	//@ assert parent_unassigned_ns: l1[512] == 0;
	//@ assert unprotected_delegated: states[5] == GRANULE_DELEGATED && scrubbed == 1;
	//@ assert unprotected_uncounted: rd->nr_rtts == 3;
	//@ assert unprotected_top: out[2] == 1ULL << 40;
}

int main(void)
{
	each_failure_changes_nothing();
	destroy_protected();
	destroy_unprotected();
	return 0;
}
