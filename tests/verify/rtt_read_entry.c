// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300
/* RMI_RTT_READ_ENTRY (RMM 1.0, B4.3.15) through its RMI handler, against the spec's failure
 * conditions and success outputs, on rtt_machine.h's realm with a level-2 table in its
 * unprotected half holding the host's 2 MiB block (ASSIGNED_NS). Each failure condition
 * alone (an RD that is not one, level_bound, ipa_align, ipa_bound) gives ERROR_INPUT; every
 * read, failed or not, changes no byte nor granule state. A read reports the level the walk
 * reached and that entry's state: a table's address; an ASSIGNED entry's granule (protected)
 * or the host's descriptor as it mapped it (unprotected); 0 for an UNASSIGNED one; the
 * entry's RIPAS at a protected IPA, EMPTY for a table and at an unprotected IPA. */
#include "rtt_machine.h"

#define UNPROT	   (1ULL << 39) /* the first unprotected IPA */
#define NS_L2	   FREE		/* at UNPROT, under L1[512] */
#define NS_DESC	   ((HOST_BLOCK) | S2_MEMATTR_NORMAL | S2_AP_R)
#define HOST_BLOCK 0x90200000ULL

static void ns_table(void)
{
	states[5] = GRANULE_RTT;
	rd->nr_rtts = 3;
	l1[512] = NS_L2 | PTE_VALID | PTE_TABLE;
	((uint64_t *)NS_L2)[1] = NS_DESC | S2_NS | PTE_SH_INNER | PTE_AF | PTE_VALID;
}

static const struct {
	uint64_t rd, ipa, level;
} failures[] = {
    {NS_L2, 0, 3},		 /* rd_state: an RTT */
    {DATA, 0, 3},		 /* rd_state: a DATA granule */
    {RD, 0, 0},			 /* level_bound: above the start level */
    {RD, 0, 4},			 /* level_bound */
    {RD, 0, (uint64_t)-1},	 /* level_bound: negative */
    {RD, GRANULE_SIZE, 2},	 /* ipa_align */
    {RD, UNPROT + 4096, 1},	 /* ipa_align */
    {RD, 1ULL << 40, 3},	 /* ipa_bound */
    {RD, (1ULL << 40) + GIB, 1}, /* ipa_bound */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	ns_table();
	//@ split i;
	snapshot();
	uint64_t r =
	    call(rmi_rtt_read_entry, failures[i].rd, failures[i].ipa, failures[i].level, 0);
	//@ assert failure_as_specified: r == RMI_ERROR_INPUT;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

#define UNASSIGNED 0
#define ASSIGNED   1
#define TABLE	   2

static const struct {
	uint64_t ipa, level, walk_level, state, desc, ripas;
} reads[] = {
    {0, 1, 1, TABLE, L2, RIPAS_EMPTY},			      /* L1[0] */
    {0, 2, 2, TABLE, L3, RIPAS_EMPTY},			      /* L2[0] */
    {0, 3, 3, ASSIGNED, DATA, RIPAS_RAM},		      /* L3[0]: a data page */
    {GRANULE_SIZE, 3, 3, UNASSIGNED, 0, RIPAS_DESTROYED},     /* L3[1] */
    {2 * GRANULE_SIZE, 3, 3, UNASSIGNED, 0, RIPAS_EMPTY},     /* L3[2] */
    {2 * MIB, 2, 2, ASSIGNED, BLOCK_RAM, RIPAS_RAM},	      /* L2[1]: a block */
    {2 * MIB, 3, 2, ASSIGNED, BLOCK_RAM, RIPAS_RAM},	      /* the walk stops at it */
    {4 * MIB, 3, 2, UNASSIGNED, 0, RIPAS_RAM},		      /* L2[2] */
    {6 * MIB, 2, 2, ASSIGNED, BLOCK_EMPTY, RIPAS_EMPTY},      /* L2[3]: ASSIGNED EMPTY */
    {GIB, 3, 1, UNASSIGNED, 0, RIPAS_EMPTY},		      /* L1[1]: no table under it */
    {2 * GIB, 1, 1, UNASSIGNED, 0, RIPAS_RAM},		      /* L1[2] */
    {UNPROT, 1, 1, TABLE, NS_L2, RIPAS_EMPTY},		      /* L1[512] */
    {UNPROT + 2 * MIB, 2, 2, ASSIGNED, NS_DESC, RIPAS_EMPTY}, /* ASSIGNED_NS: as mapped */
    {UNPROT + 2 * MIB, 3, 2, ASSIGNED, NS_DESC, RIPAS_EMPTY}, /* the walk stops at it */
    {UNPROT + 4 * MIB, 2, 2, UNASSIGNED, 0, RIPAS_EMPTY},     /* UNASSIGNED_NS */
    {UNPROT + GIB, 3, 1, UNASSIGNED, 0, RIPAS_EMPTY},	      /* L1[513] */
};
#define NR_READS (sizeof(reads) / sizeof(reads[0]))

static void each_read_as_specified(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_READS - 1);
	machine();
	ns_table();
	//@ split i;
	snapshot();
	uint64_t r = call(rmi_rtt_read_entry, RD, reads[i].ipa, reads[i].level, 0);
	//@ assert read_success: r == RMI_SUCCESS;
	//@ assert read_walk_level: out[1] == reads[i].walk_level;
	//@ assert read_state: out[2] == reads[i].state;
	//@ assert read_desc: out[3] == reads[i].desc;
	//@ assert read_ripas: out[4] == reads[i].ripas;
	int same = unchanged();
	//@ assert read_changes_nothing: same == 1 && tlbis == 0;
}

int main(void)
{
	each_failure_changes_nothing();
	each_read_as_specified();
	return 0;
}
