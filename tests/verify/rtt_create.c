// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function rtt_create:600 -eva-slevel-function main:200
/* RMI_RTT_CREATE (RMM 1.0, B4.3.12) through its RMI handler, against the spec's failure
 * conditions and success post-conditions (rtt_machine.h's realm): each failure condition
 * alone (an RD that is not one, level_bound, ipa_align, ipa_bound, rtt_align, rtt_bound,
 * rtt_state in every other state, rtt_walk, rtte_state) gives its specified error and
 * changes no byte of the realm's memory and no granule state; a create under each kind of
 * non-table entry (UNASSIGNED EMPTY or RAM, an ASSIGNED block mapped or not) makes the
 * granule an RTT, the parent entry a table of it, counts it, and gives each of the 512
 * entries the parent's state: the same UNASSIGNED entry, or the block's i-th part. */
#include "rtt_machine.h"

struct create_case {
	uint64_t rd, rtt, ipa, level, expect;
	uint8_t other; /* OTHER's state */
};

static const struct create_case failures[] = {
    {FREE, FREE + GRANULE_SIZE, GIB, 2, RMI_ERROR_INPUT},	/* rd_state: not an RD */
    {RD + 8, FREE, GIB, 2, RMI_ERROR_INPUT},			/* rd_align */
    {RD, FREE, GIB, 1, RMI_ERROR_INPUT},			/* level_bound: the start */
    {RD, FREE, 0, 0, RMI_ERROR_INPUT},				/* level_bound: above it */
    {RD, FREE, 0, 4, RMI_ERROR_INPUT},				/* level_bound: past pages */
    {RD, FREE, 0, (uint64_t)-1, RMI_ERROR_INPUT},		/* level_bound: negative */
    {RD, FREE, GIB + GRANULE_SIZE, 2, RMI_ERROR_INPUT},		/* ipa_align */
    {RD, FREE, 2 * MIB + GRANULE_SIZE, 3, RMI_ERROR_INPUT},	/* ipa_align */
    {RD, FREE, 1ULL << 40, 2, RMI_ERROR_INPUT},			/* ipa_bound */
    {RD, FREE, ~0ULL << 30, 2, RMI_ERROR_INPUT},		/* ipa_bound */
    {RD, FREE + 8, GIB, 2, RMI_ERROR_INPUT},			/* rtt_align */
    {RD, PA(NR_GRANULES), GIB, 2, RMI_ERROR_INPUT},		/* rtt_bound */
    {RD, TRACKED_BASE - GRANULE_SIZE, GIB, 2, RMI_ERROR_INPUT}, /* rtt_bound */
    {RD, OTHER, GIB, 2, RMI_ERROR_INPUT, GRANULE_UNDELEGATED},	/* rtt_state */
    {RD, OTHER, GIB, 2, RMI_ERROR_INPUT, GRANULE_RD},
    {RD, OTHER, GIB, 2, RMI_ERROR_INPUT, GRANULE_RTT},
    {RD, OTHER, GIB, 2, RMI_ERROR_INPUT, GRANULE_DATA},
    {RD, OTHER, GIB, 2, RMI_ERROR_INPUT, GRANULE_REC},
    {RD, OTHER, GIB, 2, RMI_ERROR_INPUT, GRANULE_REC_AUX},
    {RD, FREE, GIB, 3, RMI_ERROR_RTT | 1 << 8}, /* rtt_walk: no level-2 table */
    {RD, FREE, 0, 2, RMI_ERROR_RTT | 1 << 8},	/* rtte_state: L1[0] a table */
    {RD, FREE, 0, 3, RMI_ERROR_RTT | 2 << 8},	/* rtte_state: L2[0] a table */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	machine();
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	const struct create_case *c = &failures[i];
	states[7] = c->other;
	snapshot();
	uint64_t r = call(rmi_rtt_create, c->rd, c->rtt, c->ipa, c->level);
	//@ assert failure_as_specified: r == c->expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

/* Creates under the parent entry of (ipa, level): the spec's post-conditions. */
static const struct {
	uint64_t ipa, level;
} successes[] = {
    {GIB, 2},	  /* L1[1]: UNASSIGNED, RIPAS EMPTY */
    {2 * GIB, 2}, /* L1[2]: UNASSIGNED, RIPAS RAM */
    {2 * MIB, 3}, /* L2[1]: an ASSIGNED RAM block, mapped: split into pages */
    {4 * MIB, 3}, /* L2[2]: UNASSIGNED, RIPAS RAM */
    {6 * MIB, 3}, /* L2[3]: an ASSIGNED block, RIPAS EMPTY */
};
#define NR_SUCCESSES (sizeof(successes) / sizeof(successes[0]))

/* Whether each entry of the new table at `level` inherits the parent entry `e`:
 * UNASSIGNED alike, or ASSIGNED with its RIPAS, the i-th part of its block, a mapping
 * (with its attributes) where it was one. */
static int inherits(const uint64_t *table, uint64_t e, uint64_t level)
{
	uint64_t size = 1ULL << pte_level_shift((int)level);
	int ok = 1;
	//@ loop unroll 512;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t c = table[i];
		if (hipas_of(e) != HIPAS_ASSIGNED)
			ok &= c == e;
		else
			ok &= hipas_of(c) == HIPAS_ASSIGNED && ripas_of(c) == ripas_of(e) &&
			      (c & PTE_ADDR_MASK) == (e & PTE_ADDR_MASK) + i * size &&
			      (c & PTE_VALID) == (e & PTE_VALID) && !pte_is_table(c, (int)level) &&
			      (!(e & PTE_VALID) || (c & PTE_ATTR_MASK) == (e & PTE_ATTR_MASK));
	}
	return ok;
}

static void each_success_as_specified(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_SUCCESSES - 1);
	//@ split i;
	machine();
	uint64_t ipa = successes[i].ipa, level = successes[i].level;
	uint64_t *parent = level == 2 ? &l1[ipa >> 30] : &l2[(ipa >> 21) & 511];
	uint64_t before = *parent;
	uint64_t r = call(rmi_rtt_create, RD, FREE, ipa, level);
	int inherited = inherits((const uint64_t *)FREE, before, level);
	//@ assert success: r == RMI_SUCCESS;
	//@ assert rtt_state: states[5] == GRANULE_RTT;
	//@ assert parent_is_table: *parent == (FREE | PTE_VALID | PTE_TABLE);
	//@ assert counted: rd->nr_rtts == 3;
	//@ assert inherited: inherited == 1;
	//@ assert rd_unlocked: states[0] == GRANULE_RD;
}

int main(void)
{
	each_failure_changes_nothing();
	each_success_as_specified();
	return 0;
}
