// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300
/* RMI_RTT_SET_RIPAS (RMM 1.0, B4.3.17) with the REC's RIPAS-change request it carries out:
 * made by the realm's RSI_IPA_STATE_SET (B5.3.6, through rsi_handle) and answered at the
 * REC's next entry (rec_run.c's take_response). On rtt_machine.h's realm, with the REC in
 * OTHER and L3 holding, from entry 0: ASSIGNED RAM (DATA), UNASSIGNED DESTROYED,
 * UNASSIGNED RAM, ASSIGNED EMPTY (FREE), ASSIGNED DESTROYED, then UNASSIGNED EMPTY.
 * - IPA_STATE_SET: a bad region, RIPAS or flags is refused and leaves no request; a good
 *   one becomes the REC's request (ripas_base = ripas_addr = base, top, value, flags).
 * - SET_RIPAS: each failure condition alone (rd, rec state or alignment, a running REC,
 *   another realm's REC, no request, size_valid, base not where the request is, top
 *   beyond it, base_align to the walk's level, top granule alignment, no_progress: top
 *   cutting the first entry, a DESTROYED entry without CHANGE_DESTROYED) gives its
 *   specified error and changes no byte nor granule state; a success sets the RIPAS of
 *   every entry of [base, out_top) (HIPAS and address kept, a valid mapping exactly where
 *   ASSIGNED RAM), no other byte, invalidates the realm's TLB exactly when a mapping went
 *   away, returns out_top where the spec's walk stops and moves the request's progress
 *   there; the REC then learns out_top and ACCEPT (REJECT only for an unfinished change
 *   to RAM the host rejected), its request answered. */
#include "rtt_machine.h"
#include "../../security/rmm/rsi.c"
#include "../../security/rmm/rec_run.c"

#define REC	       OTHER
#define P(n)	       ((uint64_t)(n)*GRANULE_SIZE) /* the IPA of L3's n-th entry */
#define PAGE_DESTROYED 0x80400000ULL /* the host memory of L3's ASSIGNED DESTROYED entry */
#define TOP_PROTECTED  (1ULL << 39)
#define CHANGE_DESTR   1
#define IDX(ipa, l)    (((ipa) >> pte_level_shift(l)) & 511)

static struct rec *const rec = (struct rec *)REC;

static void realm_with_rec(void)
{
	machine();
	l3[2] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	l3[3] = assigned_entry(FREE, RIPAS_EMPTY, 3);
	l3[4] = assigned_entry(PAGE_DESTROYED, RIPAS_DESTROYED, 3);
	states[5] = GRANULE_DATA;
	states[7] = GRANULE_REC;
	rec->rd = RD;
}

/* The realm's RSI_IPA_STATE_SET, as its SMC reaches rsi_handle; x0 after it. */
static uint64_t ipa_state_set_call(uint64_t base, uint64_t top, uint64_t ripas, uint64_t flags)
{
	rec->gprs[0] = RSI_IPA_STATE_SET;
	rec->gprs[1] = base;
	rec->gprs[2] = top;
	rec->gprs[3] = ripas;
	rec->gprs[4] = flags;
	int handled = rsi_handle(rec, rd);
	//@ assert rsi_handled: handled == 1;
	return rec->gprs[0];
}

static const struct {
	uint64_t base, top, ripas, flags;
} bad_requests[] = {
    {P(1) + 8, P(4), RIPAS_RAM, 0},		/* base not granule-aligned */
    {P(1), P(4) + 8, RIPAS_RAM, 0},		/* top not granule-aligned */
    {P(4), P(4), RIPAS_RAM, 0},			/* empty region */
    {P(4), P(1), RIPAS_EMPTY, 0},		/* top below base */
    {P(4), TOP_PROTECTED + P(1), RIPAS_RAM, 0}, /* beyond the protected IPAs */
    {P(1), P(4), RIPAS_DESTROYED, 0},		/* a RIPAS a realm cannot ask for */
    {P(1), P(4), 3, 0},
    {P(1), P(4), RIPAS_RAM, 2}, /* flags */
};
#define NR_BAD_REQUESTS (sizeof(bad_requests) / sizeof(bad_requests[0]))

static void each_bad_request_refused(void)
{
	unsigned i;
	realm_with_rec();
	i = Frama_C_unsigned_int_interval(0, NR_BAD_REQUESTS - 1);
	//@ split i;
	uint64_t r = ipa_state_set_call(bad_requests[i].base, bad_requests[i].top,
					bad_requests[i].ripas, bad_requests[i].flags);
	//@ assert request_refused: r == RSI_ERROR_INPUT;
	//@ assert request_none: rec->request == REQ_NONE && rec->ripas_addr == 0 && rec->ripas_top == 0;
}

static void good_request_recorded(void)
{
	uint64_t flags = (uint64_t)Frama_C_interval(0, 1), ripas = (uint64_t)Frama_C_interval(0, 1);
	//@ split flags;
	//@ split ripas;
	realm_with_rec();
	uint64_t r = ipa_state_set_call(P(1), 3 * GIB, ripas, flags);
	//@ assert request_accepted: r == RSI_SUCCESS && rec->request == REQ_RIPAS;
	//@ assert request_region: rec->ripas_base == P(1) && rec->ripas_addr == P(1) && rec->ripas_top == 3 * GIB;
	//@ assert request_change: rec->ripas_value == ripas && rec->ripas_destroyed_too == flags;
}

enum tweak { AS_ASKED, REC_RUNNING, OTHER_REALMS_REC, NO_REQUEST };

static const struct {
	uint64_t rd, rec, req_base, req_top, ripas, flags;
	enum tweak tweak;
	uint64_t base, top, expect;
} failures[] = {
    {FREE, REC, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6), RMI_ERROR_INPUT},   /* rd_state */
    {RD + 8, REC, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6), RMI_ERROR_INPUT}, /* rd_align */
    {PA(NR_GRANULES), REC, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6),
     RMI_ERROR_INPUT},								   /* rd_bound */
    {RD, FREE, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6), RMI_ERROR_INPUT}, /* rec_state */
    {RD, RD, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6), RMI_ERROR_INPUT},   /* rec_state */
    {RD, L3, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6), RMI_ERROR_INPUT},   /* rec_state */
    {RD, REC + 8, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6),
     RMI_ERROR_INPUT}, /* rec_align */
    {RD, PA(NR_GRANULES), P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(6),
     RMI_ERROR_INPUT},								   /* rec_bound */
    {RD, REC, P(0), P(6), RIPAS_EMPTY, 0, REC_RUNNING, P(0), P(6), RMI_ERROR_REC}, /* rec busy */
    {RD, REC, P(0), P(6), RIPAS_EMPTY, 0, OTHER_REALMS_REC, P(0), P(6),
     RMI_ERROR_REC},								    /* rec_owner */
    {RD, REC, P(0), P(6), RIPAS_EMPTY, 0, NO_REQUEST, P(0), P(6), RMI_ERROR_INPUT}, /* no request */
    {RD, REC, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(0), RMI_ERROR_INPUT},   /* size_valid */
    {RD, REC, P(2), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(2), P(1), RMI_ERROR_INPUT},   /* size_valid */
    {RD, REC, P(0), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(1), P(6),
     RMI_ERROR_INPUT}, /* base: not next */
    {RD, REC, P(0), P(3), RIPAS_EMPTY, 0, AS_ASKED, P(0), P(4), RMI_ERROR_INPUT}, /* top_bound */
    {RD, REC, 4 * MIB + P(1), 6 * MIB, RIPAS_EMPTY, 0, AS_ASKED, 4 * MIB + P(1), 6 * MIB,
     RMI_ERROR_RTT | 2 << 8}, /* base_align: inside a 2 MiB entry */
    {RD, REC, GIB + 2 * MIB, 2 * GIB, RIPAS_RAM, 0, AS_ASKED, GIB + 2 * MIB, 2 * GIB,
     RMI_ERROR_RTT | 1 << 8}, /* base_align */
    {RD, REC, P(2), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(2), P(4) + 8,
     RMI_ERROR_INPUT}, /* top align */
    {RD, REC, 4 * MIB, 8 * MIB, RIPAS_EMPTY, 0, AS_ASKED, 4 * MIB, 5 * MIB,
     RMI_ERROR_RTT | 2 << 8}, /* no_progress: top cuts the entry */
    {RD, REC, P(1), P(3), RIPAS_RAM, 0, AS_ASKED, P(1), P(3),
     RMI_ERROR_RTT | 3 << 8}, /* no_progress: DESTROYED, no CHANGE_DESTROYED */
    {RD, REC, P(4), P(6), RIPAS_EMPTY, 0, AS_ASKED, P(4), P(6),
     RMI_ERROR_RTT | 3 << 8}, /* the same, ASSIGNED */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	realm_with_rec();
	uint64_t asked = ipa_state_set_call(failures[i].req_base, failures[i].req_top,
					    failures[i].ripas, failures[i].flags);
	//@ assert failure_request_made: asked == RSI_SUCCESS;
	if (failures[i].tweak == REC_RUNNING)
		states[7] |= 0x80; /* locked by the CPU running it (rec_enter) */
	else if (failures[i].tweak == OTHER_REALMS_REC)
		rec->rd = FREE;
	else if (failures[i].tweak == NO_REQUEST)
		rec->request = REQ_NONE; /* answered already */
	snapshot();
	uint64_t r = call(rmi_rtt_set_ripas, failures[i].rd, failures[i].rec, failures[i].base,
			  failures[i].top);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

/* Whether the n entries from word `first` of the machine's memory (base's entry and on, in
 * the table at the walk's level) are as a SET_RIPAS to `to` must leave them: RIPAS `to`,
 * HIPAS and address kept, a valid mapping exactly where ASSIGNED RAM; and every other
 * byte and granule state of the machine as it was, the REC's progress aside.
 * *unmapped: whether one of them was a mapping and is no longer. */
static uint64_t now[512];
static int as_changed(unsigned first, unsigned n, uint64_t to, int *unmapped)
{
	const unsigned progress = (unsigned)((uint64_t)&rec->ripas_addr - TRACKED_BASE) / 8;
	int ok = 1;
	*unmapped = 0;
	//@ loop unroll 512;
	for (unsigned i = 0; i < n; i++) {
		uint64_t was = snap_mem[first + i], e = mem[first + i];
		int assigned = hipas_of(was) == HIPAS_ASSIGNED;
		ok &= hipas_of(e) == hipas_of(was) && ripas_of(e) == to;
		ok &= (e & PTE_ADDR_MASK) == (was & PTE_ADDR_MASK);
		ok &= ((e & PTE_VALID) != 0) == (assigned && to == RIPAS_RAM);
		*unmapped |= (was & PTE_VALID) && !(e & PTE_VALID);
		now[i] = e;
		mem[first + i] = was; /* for unchanged() */
	}
	uint64_t addr = mem[progress];
	mem[progress] = snap_mem[progress];
	ok &= unchanged();
	mem[progress] = addr;
	//@ loop unroll 512;
	for (unsigned i = 0; i < n; i++)
		mem[first + i] = now[i];
	return ok;
}

static const struct {
	uint64_t req_base, req_top, ripas, flags, top, out_top;
	int64_t level;
} successes[] = {
    {P(0), P(3), RIPAS_EMPTY, 0, P(3), P(1), 3},	    /* stops at DESTROYED */
    {P(0), P(6), RIPAS_EMPTY, CHANGE_DESTR, P(6), P(6), 3}, /* through them */
    {P(2), P(8), RIPAS_RAM, 0, P(8), P(4), 3},		    /* stops at ASSIGNED DESTROYED */
    {P(1), P(6), RIPAS_RAM, CHANGE_DESTR, P(5), P(5), 3},   /* part of the request */
    {P(509), 2 * MIB + P(1), RIPAS_RAM, 0, 2 * MIB + P(1), 2 * MIB, 3}, /* the table's end */
    {2 * MIB, 8 * MIB, RIPAS_EMPTY, 0, 8 * MIB, 8 * MIB, 2},		/* a block unmapped */
    {2 * MIB, 8 * MIB, RIPAS_EMPTY, 0, 5 * MIB, 4 * MIB, 2},		/* top cuts an entry */
    {GIB, 4 * GIB, RIPAS_RAM, 0, 4 * GIB, 4 * GIB, 1},
};
#define NR_SUCCESSES (sizeof(successes) / sizeof(successes[0]))

static void each_success_as_specified(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_SUCCESSES - 1);
	//@ split i;
	realm_with_rec();
	uint64_t base = successes[i].req_base, to = successes[i].ripas;
	int64_t level = successes[i].level;
	struct rec_enter in = {0};
	int reject;
	uint64_t asked = ipa_state_set_call(base, successes[i].req_top, to, successes[i].flags);
	//@ assert success_request_made: asked == RSI_SUCCESS;
	snapshot();
	tlbis = 0;
	uint64_t r = call(rmi_rtt_set_ripas, RD, REC, base, successes[i].top);
	uint64_t out_top = successes[i].out_top;
	//@ assert success: r == RMI_SUCCESS && out[1] == out_top;
	const uint64_t *table = level == 3 ? l3 : level == 2 ? l2 : l1;
	unsigned first = (unsigned)(((uint64_t)table - TRACKED_BASE) / 8 + IDX(base, level));
	unsigned n = (unsigned)((out_top - base) >> pte_level_shift(level));
	int unmapped, ok = as_changed(first, n, to, &unmapped);
	//@ assert success_ripas_set_nothing_else: ok == 1;
	//@ assert success_tlbi_when_unmapped: (tlbis != 0) == (unmapped != 0);
	//@ assert success_progress: rec->ripas_addr == out_top && rec->ripas_top == successes[i].req_top && rec->request == REQ_RIPAS;
	//@ assert success_rd_rec_unlocked: states[0] == GRANULE_RD && states[7] == GRANULE_REC;

	/* The REC's next entry answers its call: how far it went, accepted unless the host
	 * rejected an unfinished change to RAM. */
	reject = Frama_C_interval(0, 1);
	//@ split reject;
	in.flags = reject ? ENTER_RIPAS_REJECT : 0;
	take_response(rec, rd, &in);
	uint64_t response =
	    reject && to == RIPAS_RAM && out_top != successes[i].req_top ? RSI_REJECT : RSI_ACCEPT;
	//@ assert answer: rec->gprs[0] == RSI_SUCCESS && rec->gprs[1] == out_top && rec->gprs[2] == response;
	//@ assert answered: rec->request == REQ_NONE;
}

/* A request carried out in two calls, the second from where the first stopped. */
static void request_done_in_two_calls(void)
{
	realm_with_rec();
	uint64_t asked = ipa_state_set_call(P(1), P(6), RIPAS_RAM, CHANGE_DESTR);
	uint64_t r1 = call(rmi_rtt_set_ripas, RD, REC, P(1), P(3));
	uint64_t top1 = out[1];
	uint64_t r2 = call(rmi_rtt_set_ripas, RD, REC, top1, P(6));
	//@ assert two_calls: asked == RSI_SUCCESS && r1 == RMI_SUCCESS && top1 == P(3) && r2 == RMI_SUCCESS && out[1] == P(6);
	uint64_t first = ripas_of(l3[1]), last = ripas_of(l3[5]), after = ripas_of(l3[6]);
	//@ assert two_calls_done: rec->ripas_addr == P(6) && first == RIPAS_RAM && last == RIPAS_RAM && after == RIPAS_EMPTY;
	uint64_t again = call(rmi_rtt_set_ripas, RD, REC, P(1), P(3));
	//@ assert two_calls_not_again: again == RMI_ERROR_INPUT;
}

/* A table entry stops the walk: it is not an entry of the level the walk reached. */
static void stops_at_a_table(void)
{
	realm_with_rec();
	l1[3] = L2 | PTE_VALID | PTE_TABLE; /* a second way to L2: only its entry matters */
	uint64_t asked = ipa_state_set_call(GIB, 4 * GIB, RIPAS_RAM, 0);
	uint64_t r = call(rmi_rtt_set_ripas, RD, REC, GIB, 4 * GIB);
	uint64_t below = ripas_of(l1[1]), table = l1[3];
	//@ assert table_stops: asked == RSI_SUCCESS && r == RMI_SUCCESS && out[1] == 3 * GIB && rec->ripas_addr == 3 * GIB;
	//@ assert table_kept: below == RIPAS_RAM && table == (L2 | PTE_VALID | PTE_TABLE);
}

int main(void)
{
	each_bad_request_refused();
	good_request_recorded();
	each_failure_changes_nothing();
	each_success_as_specified();
	request_done_in_two_calls();
	stops_at_a_table();
	return 0;
}
