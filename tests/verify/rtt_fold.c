// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300 -eva-slevel-function folded:1100
/* RMI_RTT_FOLD (RMM 1.0, B4.3.14) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm with one more level-3
 * table, at 10 MiB under L2[5], filled case by case: homogeneous (all UNASSIGNED with one
 * RIPAS; all ASSIGNED with one RIPAS, mapped or not, over 2 MiB of contiguous memory that
 * starts at a 2 MiB boundary) or one entry short of it. Each failure condition alone (an RD
 * that is not one, level_bound, ipa_align, ipa_bound, rtt_walk, rtte_state, rtt_homo: an
 * entry of another state or RIPAS, a gap in the memory, an unaligned block) gives its
 * specified error and changes no byte nor granule state; a fold makes the parent entry
 * what the table's entries were, at the parent's level (a block for ASSIGNED ones), the
 * table a zeroed DELEGATED granule, uncounted, and returns it. */
#include "rtt_machine.h"

#define FOLDED PA(7) /* the table folded: at 10 MiB, under L2[5] */
#define BLK    0x80400000ULL

enum fill {
	NONE,		/* no table at 10 MiB */
	UNASSIGNED_RAM, /* homogeneous */
	ASSIGNED_RAM,	/* homogeneous: pages of BLK, mapped */
	ASSIGNED_EMPTY, /* homogeneous: pages of BLK, RIPAS EMPTY */
	ONE_DESTROYED,	/* UNASSIGNED RAM but entry 7 DESTROYED */
	GAP,		/* ASSIGNED RAM but entry 300 a page further */
	MIXED_RIPAS,	/* ASSIGNED RAM but entry 511 RIPAS EMPTY */
	UNALIGNED,	/* ASSIGNED RAM, contiguous, from BLK + 4 KiB */
};

static void fill(enum fill f)
{
	if (f == NONE)
		return;
	states[7] = GRANULE_RTT;
	rd->nr_rtts = 3;
	l2[5] = FOLDED | PTE_VALID | PTE_TABLE;
	uint64_t *t = (uint64_t *)FOLDED;
	uint64_t base = f == UNALIGNED ? BLK + GRANULE_SIZE : BLK;
	//@ loop unroll 512;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pa = base + (uint64_t)i * GRANULE_SIZE;
		if (f == UNASSIGNED_RAM || f == ONE_DESTROYED)
			t[i] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
		else if (f == ASSIGNED_EMPTY)
			t[i] = assigned_entry(pa, RIPAS_EMPTY, 3);
		else
			t[i] = assigned_entry(pa, RIPAS_RAM, 3);
	}
	if (f == ONE_DESTROYED)
		t[7] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_DESTROYED, 0);
	if (f == GAP)
		t[300] = assigned_entry(BLK + 301 * GRANULE_SIZE, RIPAS_RAM, 3);
	if (f == MIXED_RIPAS)
		t[511] = assigned_entry(BLK + 511 * GRANULE_SIZE, RIPAS_EMPTY, 3);
}

static const struct {
	uint64_t rd, ipa, level, expect;
	enum fill fill;
} failures[] = {
    {FREE, 10 * MIB, 3, RMI_ERROR_INPUT, UNASSIGNED_RAM},	       /* rd_state: not an RD */
    {RD, 0, 1, RMI_ERROR_INPUT, UNASSIGNED_RAM},		       /* level_bound: the start */
    {RD, 0, 4, RMI_ERROR_INPUT, UNASSIGNED_RAM},		       /* level_bound */
    {RD, 0, (uint64_t)-1, RMI_ERROR_INPUT, UNASSIGNED_RAM},	       /* level_bound: negative */
    {RD, 10 * MIB + GRANULE_SIZE, 3, RMI_ERROR_INPUT, UNASSIGNED_RAM}, /* ipa_align */
    {RD, 1ULL << 40, 2, RMI_ERROR_INPUT, UNASSIGNED_RAM},	       /* ipa_bound */
    {RD, GIB, 3, RMI_ERROR_RTT | 1 << 8, UNASSIGNED_RAM},     /* rtt_walk: no level-2 table */
    {RD, 10 * MIB, 3, RMI_ERROR_RTT | 2 << 8, NONE},	      /* rtte_state: L2[5] no table */
    {RD, 0, 3, RMI_ERROR_RTT | 3 << 8, UNASSIGNED_RAM},	      /* rtt_homo: L3 DATA, DESTROYED */
    {RD, 0, 2, RMI_ERROR_RTT | 2 << 8, UNASSIGNED_RAM},	      /* rtt_homo: L2 has tables */
    {RD, 10 * MIB, 3, RMI_ERROR_RTT | 3 << 8, ONE_DESTROYED}, /* rtt_homo */
    {RD, 10 * MIB, 3, RMI_ERROR_RTT | 3 << 8, GAP},	      /* rtt_homo */
    {RD, 10 * MIB, 3, RMI_ERROR_RTT | 3 << 8, MIXED_RIPAS},   /* rtt_homo */
    {RD, 10 * MIB, 3, RMI_ERROR_RTT | 3 << 8, UNALIGNED},     /* rtt_homo */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	machine();
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	fill(failures[i].fill);
	snapshot();
	uint64_t r = call(rmi_rtt_fold, failures[i].rd, failures[i].ipa, failures[i].level, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

static void each_fold_as_specified(void)
{
	enum fill f;
	f = (enum fill)Frama_C_interval(UNASSIGNED_RAM, ASSIGNED_EMPTY);
	//@ split f;
	machine();
	fill(f);
	uint64_t child = ((const uint64_t *)FOLDED)[0];
	uint64_t r = call(rmi_rtt_fold, RD, 10 * MIB, 3, 0);
	int scrubbed = all_zero(FOLDED);
	uint64_t e = l2[5];
	//@ assert success: r == RMI_SUCCESS && out[1] == FOLDED;
	//@ assert delegated: states[7] == GRANULE_DELEGATED && scrubbed == 1;
	//@ assert uncounted: rd->nr_rtts == 2;
	//@ assert rd_unlocked: states[0] == GRANULE_RD;
	if (f == UNASSIGNED_RAM) {
		//@ assert unassigned_folds_to_its_state: e == child;
	} else {
		/* ASSIGNED: a level-2 block of BLK, the pages' RIPAS and attributes; mapped (a
		 * block descriptor) where they were. */
		//@ assert block_address: (e & PTE_ADDR_MASK) == BLK;
		//@ assert block_attributes: (e & PTE_ATTR_MASK) == (child & PTE_ATTR_MASK);
		//@ assert block_kind: f == ASSIGNED_RAM ? (e & 3) == PTE_VALID : (e & PTE_VALID) == 0;
	}
}

int main(void)
{
	each_failure_changes_nothing();
	each_fold_as_specified();
	return 0;
}
