// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:200 -eva-slevel-function rtt_live:1100
/* RMI_REALM_DESTROY (RMM 1.0, B4.3.11) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm made empty: no REC, no
 * table below the two starting ones, which hold only UNASSIGNED entries (RIPAS RAM,
 * DESTROYED, EMPTY; Non-secure). Each failure condition alone (rd_align, rd_bound,
 * rd_state: every granule that is not an RD; realm_live: a REC, a table below the start,
 * an ASSIGNED block or a table entry in either starting table) gives its specified error
 * and changes no byte, granule state nor VMID; a destroy makes the RD and both starting
 * tables zeroed DELEGATED granules, invalidates the realm's TLB, frees its VMID (and no
 * other) and changes nothing else. */
#include "rtt_machine.h"
#include "../../security/rmm/realm.c"

#define OTHER_VMID 5

static void empty_realm(void)
{
	states[3] = states[4] = states[6] = GRANULE_DELEGATED;
	memset((void *)L2, 0, 2 * GRANULE_SIZE);
	memset((void *)DATA, 0, GRANULE_SIZE);
	rd->nr_rtts = 0;
	rd->nr_recs = 0;
	l1[0] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_DESTROYED, 0);
	vmids[0] = 1ULL << 1 | 1ULL << OTHER_VMID; /* this realm's (1) and another's */
}

#define LIVE_REC	 1
#define LIVE_RTTS	 2
#define LIVE_BLOCK	 3 /* in the first starting table */
#define LIVE_NS_BLOCK	 4 /* in the second (unprotected) one */
#define LIVE_TABLE_ENTRY 5

static const struct {
	uint64_t rd, live, expect;
} failures[] = {
    {RD + 8, 0, RMI_ERROR_INPUT},		       /* rd_align */
    {TRACKED_BASE - GRANULE_SIZE, 0, RMI_ERROR_INPUT}, /* rd_bound: below */
    {PA(NR_GRANULES), 0, RMI_ERROR_INPUT},	       /* rd_bound: above */
    {L1, 0, RMI_ERROR_INPUT},			       /* rd_state: RTT */
    {FREE, 0, RMI_ERROR_INPUT},			       /* rd_state: DELEGATED */
    {RD, LIVE_REC, RMI_ERROR_REALM},		       /* realm_live: a REC */
    {RD, LIVE_RTTS, RMI_ERROR_REALM},		       /* realm_live: a table */
    {RD, LIVE_BLOCK, RMI_ERROR_REALM},		       /* realm_live */
    {RD, LIVE_NS_BLOCK, RMI_ERROR_REALM},	       /* realm_live */
    {RD, LIVE_TABLE_ENTRY, RMI_ERROR_REALM},	       /* realm_live */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void make_live(uint64_t live)
{
	if (live == LIVE_REC)
		rd->nr_recs = 1;
	if (live == LIVE_RTTS)
		rd->nr_rtts = 1;
	if (live == LIVE_BLOCK)
		l1[1] = assigned_entry(0x80000000ULL, RIPAS_EMPTY, 1);
	if (live == LIVE_NS_BLOCK)
		l1[700] = 0xc0000000ULL | S2_MEMATTR_NORMAL | S2_AP_R | S2_NS | PTE_AF | PTE_VALID;
	if (live == LIVE_TABLE_ENTRY) {
		/* A level-2 table the count missed still keeps the realm alive. */
		states[3] = GRANULE_RTT;
		l1[0] = L2 | PTE_VALID | PTE_TABLE;
	}
}

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	empty_realm();
	//@ split i;
	make_live(failures[i].live);
	snapshot();
	uint64_t r = call(rmi_realm_destroy, failures[i].rd, 0, 0, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && vmids[0] == (1ULL << 1 | 1ULL << OTHER_VMID);
}

static void destroy(void)
{
	machine();
	empty_realm();
	snapshot();
	uint64_t r = call(rmi_realm_destroy, RD, 0, 0, 0);
	int rd_zero = all_zero(RD), t0_zero = all_zero(L1), t1_zero = all_zero(L1 + GRANULE_SIZE);
	//@ assert destroy_success: r == RMI_SUCCESS;
	//@ assert destroy_delegated: states[0] == GRANULE_DELEGATED && states[1] == GRANULE_DELEGATED && states[2] == GRANULE_DELEGATED;
	//@ assert destroy_scrubbed: rd_zero == 1 && t0_zero == 1 && t1_zero == 1;
	//@ assert destroy_tlbi: tlbis >= 1;
	//@ assert destroy_vmid_freed: vmids[0] == 1ULL << OTHER_VMID;
	/* Everything else as it was. */
	memset((void *)RD, 0, 3 * GRANULE_SIZE);
	memset(snap_mem, 0, 3 * GRANULE_SIZE);
	states[0] = snap_states[0];
	states[1] = snap_states[1];
	states[2] = snap_states[2];
	int rest = unchanged();
	//@ assert destroy_changes_nothing_else: rest == 1;
}

int main(void)
{
	each_failure_changes_nothing();
	destroy();
	return 0;
}
