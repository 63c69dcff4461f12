// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300 -eva-slevel-function non_live_top:1100
/* RMI_RTT_MAP_UNPROTECTED and RMI_RTT_UNMAP_UNPROTECTED (RMM 1.0, B4.3.16, B4.3.17) through
 * their RMI handlers, against the spec's failure conditions and success post-conditions, on
 * rtt_machine.h's realm with tables in its unprotected half: a level-2 one at the first
 * unprotected IPA and a level-3 one under it, holding an ASSIGNED_NS page (at +4 KiB) and an
 * ASSIGNED_NS 2 MiB block (at +2 MiB). Each failure condition alone (an RD that is not one,
 * level_bound, ipa_align, ipa_bound, desc_valid, rtt_walk, rtte_state) gives its specified
 * error and changes no byte nor granule state. A map makes the UNASSIGNED_NS entry an
 * ASSIGNED_NS page or block that translates to the host's address with its MemAttr and S2AP,
 * Non-secure, and touches nothing else; an unmap makes an ASSIGNED_NS entry UNASSIGNED_NS,
 * invalidates the realm's TLB, touches nothing else and returns the top of the non-live
 * region. */
#include "rtt_machine.h"

#define UNPROT	     (1ULL << 39)  /* the first unprotected IPA */
#define NS_L2	     FREE	   /* at UNPROT, under L1[512] */
#define NS_L3	     OTHER	   /* at UNPROT, under NS_L2[0] */
#define HOST	     0x90000000ULL /* the host's memory the mappings name */
#define ATTRS	     (S2_MEMATTR_NORMAL | S2_AP_R)
#define MAPPED_PAGE  (UNPROT + GRANULE_SIZE)
#define MAPPED_BLOCK (UNPROT + 2 * MIB)

static uint64_t *const ns_l2 = (uint64_t *)NS_L2, *const ns_l3 = (uint64_t *)NS_L3;

/* What an ASSIGNED_NS leaf of the host's desc at `level` is to the hardware. */
static int translates_to(uint64_t e, uint64_t desc, int64_t level)
{
	uint64_t type = level == 3 ? (PTE_VALID | PTE_TABLE) : PTE_VALID;
	return (e & (PTE_VALID | PTE_TABLE)) == type &&
	       (e & PTE_ADDR_MASK) == (desc & PTE_ADDR_MASK) &&
	       (e & (S2_MEMATTR_NORMAL | S2_AP_R | S2_AP_W)) ==
		   (desc & (S2_MEMATTR_NORMAL | S2_AP_R | S2_AP_W)) &&
	       (e & S2_NS) != 0 && (e & PTE_AF) != 0;
}

static void ns_tables(void)
{
	states[5] = states[7] = GRANULE_RTT;
	rd->nr_rtts = 4;
	l1[512] = NS_L2 | PTE_VALID | PTE_TABLE;
	ns_l2[0] = NS_L3 | PTE_VALID | PTE_TABLE;
	ns_l2[1] = (HOST + 2 * MIB) | ATTRS | S2_NS | PTE_SH_INNER | PTE_AF | PTE_VALID;
	ns_l3[1] =
	    (HOST + GRANULE_SIZE) | ATTRS | S2_NS | PTE_SH_INNER | PTE_AF | PTE_VALID | PTE_TABLE;
}

static const struct {
	uint64_t rd, ipa, level, desc, expect;
} map_failures[] = {
    {NS_L2, UNPROT + 8192, 3, HOST | ATTRS, RMI_ERROR_INPUT},  /* rd_state: not an RD */
    {RD, UNPROT, 1, HOST | ATTRS, RMI_ERROR_INPUT},	       /* level_bound: not a block */
    {RD, UNPROT, 0, HOST | ATTRS, RMI_ERROR_INPUT},	       /* level_bound */
    {RD, UNPROT, 4, HOST | ATTRS, RMI_ERROR_INPUT},	       /* level_bound */
    {RD, UNPROT, (uint64_t)-1, HOST | ATTRS, RMI_ERROR_INPUT}, /* level_bound: negative */
    {RD, UNPROT + 8192, 2, HOST | ATTRS, RMI_ERROR_INPUT},     /* ipa_align */
    {RD, 8192, 3, HOST | ATTRS, RMI_ERROR_INPUT},	       /* ipa_bound: protected */
    {RD, 1ULL << 40, 3, HOST | ATTRS, RMI_ERROR_INPUT},	       /* ipa_bound: past s2sz */
    {RD, UNPROT + 8192, 3, HOST | ATTRS | PTE_VALID, RMI_ERROR_INPUT}, /* desc_valid: type bits */
    {RD, UNPROT + 8192, 3, HOST | ATTRS | S2_NS, RMI_ERROR_INPUT},     /* desc_valid: NS bit */
    {RD, UNPROT + 8192, 3, HOST | ATTRS | PTE_AF, RMI_ERROR_INPUT},    /* desc_valid: AF */
    {RD, UNPROT + 4 * MIB, 2, HOST | 8192 | ATTRS, RMI_ERROR_INPUT},   /* desc_valid: unaligned */
    {RD, UNPROT + GIB, 3, HOST | ATTRS, RMI_ERROR_RTT | 1 << 8},       /* rtt_walk: no table */
    {RD, UNPROT + GIB, 2, HOST | ATTRS, RMI_ERROR_RTT | 1 << 8},       /* rtt_walk */
    {RD, MAPPED_BLOCK, 3, HOST | ATTRS, RMI_ERROR_RTT | 2 << 8},       /* rtt_walk: a block */
    {RD, MAPPED_PAGE, 3, HOST | ATTRS, RMI_ERROR_RTT | 3 << 8},	       /* rtte_state: ASSIGNED */
    {RD, MAPPED_BLOCK, 2, HOST | ATTRS, RMI_ERROR_RTT | 2 << 8},       /* rtte_state: ASSIGNED */
    {RD, UNPROT, 2, HOST | ATTRS, RMI_ERROR_RTT | 2 << 8},	       /* rtte_state: a table */
};
#define NR_MAP_FAILURES (sizeof(map_failures) / sizeof(map_failures[0]))

static void each_map_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_MAP_FAILURES - 1);
	machine();
	ns_tables();
	//@ split i;
	snapshot();
	uint64_t r = call(rmi_rtt_map_unprotected, map_failures[i].rd, map_failures[i].ipa,
			  map_failures[i].level, map_failures[i].desc);
	//@ assert map_failure_as_specified: r == map_failures[i].expect;
	int same = unchanged();
	//@ assert map_failure_changes_nothing: same == 1;
}

static void map_page(void)
{
	machine();
	ns_tables();
	snapshot();
	uint64_t desc = (HOST + 8192) | S2_MEMATTR_NORMAL | S2_AP_W;
	uint64_t r = call(rmi_rtt_map_unprotected, RD, UNPROT + 8192, 3, desc);
	int mapped = translates_to(ns_l3[2], desc, 3);
	//@ assert map_page_success: r == RMI_SUCCESS && mapped == 1;
	ns_l3[2] = 0;
	int rest = unchanged();
	//@ assert map_page_touches_nothing_else: rest == 1 && rd->nr_rtts == 4;
}

static void map_block(void)
{
	machine();
	ns_tables();
	snapshot();
	uint64_t desc = (HOST + 4 * MIB) | S2_AP_R | S2_AP_W;
	uint64_t r = call(rmi_rtt_map_unprotected, RD, UNPROT + 4 * MIB, 2, desc);
	int mapped = translates_to(ns_l2[2], desc, 2);
	//@ assert map_block_success: r == RMI_SUCCESS && mapped == 1;
	ns_l2[2] = 0;
	int rest = unchanged();
	//@ assert map_block_touches_nothing_else: rest == 1 && rd->nr_rtts == 4;
}

static const struct {
	uint64_t rd, ipa, level, expect;
} unmap_failures[] = {
    {NS_L2, MAPPED_PAGE, 3, RMI_ERROR_INPUT},		  /* rd_state: not an RD */
    {RD, UNPROT, 1, RMI_ERROR_INPUT},			  /* level_bound: not a block */
    {RD, UNPROT, 0, RMI_ERROR_INPUT},			  /* level_bound */
    {RD, UNPROT, 4, RMI_ERROR_INPUT},			  /* level_bound */
    {RD, UNPROT, (uint64_t)-1, RMI_ERROR_INPUT},	  /* level_bound: negative */
    {RD, MAPPED_PAGE, 2, RMI_ERROR_INPUT},		  /* ipa_align */
    {RD, 0, 3, RMI_ERROR_INPUT},			  /* ipa_bound: protected (and ASSIGNED) */
    {RD, 2 * MIB, 2, RMI_ERROR_INPUT},			  /* ipa_bound: protected block */
    {RD, 1ULL << 40, 3, RMI_ERROR_INPUT},		  /* ipa_bound: past s2sz */
    {RD, UNPROT + GIB, 3, RMI_ERROR_RTT | 1 << 8},	  /* rtt_walk: no table */
    {RD, MAPPED_BLOCK + 8192, 3, RMI_ERROR_RTT | 2 << 8}, /* rtt_walk: a block */
    {RD, UNPROT + 8192, 3, RMI_ERROR_RTT | 3 << 8},	  /* rtte_state: UNASSIGNED_NS */
    {RD, UNPROT + 4 * MIB, 2, RMI_ERROR_RTT | 2 << 8},	  /* rtte_state: UNASSIGNED_NS */
    {RD, UNPROT, 2, RMI_ERROR_RTT | 2 << 8},		  /* rtte_state: a table */
};
#define NR_UNMAP_FAILURES (sizeof(unmap_failures) / sizeof(unmap_failures[0]))

static void each_unmap_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_UNMAP_FAILURES - 1);
	machine();
	ns_tables();
	//@ split i;
	snapshot();
	uint64_t r = call(rmi_rtt_unmap_unprotected, unmap_failures[i].rd, unmap_failures[i].ipa,
			  unmap_failures[i].level, 0);
	//@ assert unmap_failure_as_specified: r == unmap_failures[i].expect;
	int same = unchanged();
	//@ assert unmap_failure_changes_nothing: same == 1 && tlbis == 0;
}

static void unmap_page(void)
{
	machine();
	ns_tables();
	snapshot();
	uint64_t r = call(rmi_rtt_unmap_unprotected, RD, MAPPED_PAGE, 3, 0);
	//@ assert unmap_page_success: r == RMI_SUCCESS && ns_l3[1] == 0 && tlbis >= 1;
	/* NS_L3[1..511] UNASSIGNED_NS now: the rest of the table. */
	//@ assert unmap_page_top: out[1] == UNPROT + 2 * MIB;
	ns_l3[1] = snap_mem[(NS_L3 - TRACKED_BASE) / 8 + 1];
	int rest = unchanged();
	//@ assert unmap_page_touches_nothing_else: rest == 1 && rd->nr_rtts == 4;
}

static void unmap_block(void)
{
	machine();
	ns_tables();
	snapshot();
	uint64_t r = call(rmi_rtt_unmap_unprotected, RD, MAPPED_BLOCK, 2, 0);
	//@ assert unmap_block_success: r == RMI_SUCCESS && ns_l2[1] == 0 && tlbis >= 1;
	//@ assert unmap_block_top: out[1] == UNPROT + GIB;
	ns_l2[1] = snap_mem[(NS_L2 - TRACKED_BASE) / 8 + 1];
	int rest = unchanged();
	//@ assert unmap_block_touches_nothing_else: rest == 1 && rd->nr_rtts == 4;
}

int main(void)
{
	each_map_failure_changes_nothing();
	map_page();
	map_block();
	each_unmap_failure_changes_nothing();
	unmap_page();
	unmap_block();
	return 0;
}
