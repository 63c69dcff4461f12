// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300 -eva-slevel-function non_live_top:1100
/* RMI_DATA_CREATE_UNKNOWN and RMI_DATA_DESTROY (RMM 1.0, B4.3.3, B4.3.4) through their RMI
 * handlers, against the spec's failure conditions and success post-conditions, on
 * rtt_machine.h's realm whose level-3 table under IPA 0 holds, from entry 0: an ASSIGNED
 * RAM page (DATA), UNASSIGNED DESTROYED, UNASSIGNED RAM, an ASSIGNED RIPAS EMPTY page
 * (OTHER), then UNASSIGNED EMPTY. Each failure condition alone gives its specified error
 * and changes no byte nor granule state; a create makes the granule DATA and the entry
 * ASSIGNED with its RIPAS (a mapped page where that is RAM); a destroy makes the granule a
 * zeroed DELEGATED one and the entry UNASSIGNED, RIPAS RAM becoming DESTROYED (the realm
 * sees the loss), and returns the granule and the top of the non-live region. */
#include "rtt_machine.h"

#define P(n)   ((uint64_t)(n)*GRANULE_SIZE) /* the IPA of L3's n-th entry */
#define UNPROT (1ULL << 39)

static void level3(void)
{
	l3[2] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	l3[3] = assigned_entry(OTHER, RIPAS_EMPTY, 3);
	states[7] = GRANULE_DATA;
}

static const struct {
	int destroy;
	uint64_t rd, data, ipa, expect;
	uint8_t free_state; /* FREE's */
} failures[] = {
    {0, PA(5), PA(7), P(4), RMI_ERROR_INPUT, GRANULE_DELEGATED},	/* rd_state */
    {0, RD, FREE + 8, P(4), RMI_ERROR_INPUT, GRANULE_DELEGATED},	/* data_align */
    {0, RD, PA(NR_GRANULES), P(4), RMI_ERROR_INPUT, GRANULE_DELEGATED}, /* data_bound */
    {0, RD, FREE, P(4), RMI_ERROR_INPUT, GRANULE_UNDELEGATED},		/* data_state */
    {0, RD, FREE, P(4), RMI_ERROR_INPUT, GRANULE_RD},
    {0, RD, FREE, P(4), RMI_ERROR_INPUT, GRANULE_RTT},
    {0, RD, FREE, P(4), RMI_ERROR_INPUT, GRANULE_DATA},
    {0, RD, FREE, P(4), RMI_ERROR_INPUT, GRANULE_REC},
    {0, RD, FREE, P(4), RMI_ERROR_INPUT, GRANULE_REC_AUX},
    {0, RD, FREE, P(4) + 8, RMI_ERROR_INPUT, GRANULE_DELEGATED},       /* ipa_align */
    {0, RD, FREE, UNPROT, RMI_ERROR_INPUT, GRANULE_DELEGATED},	       /* ipa_bound: unprotected */
    {0, RD, FREE, 1ULL << 40, RMI_ERROR_INPUT, GRANULE_DELEGATED},     /* ipa_bound */
    {0, RD, FREE, GIB, RMI_ERROR_RTT | 1 << 8, GRANULE_DELEGATED},     /* rtt_walk */
    {0, RD, FREE, 4 * MIB, RMI_ERROR_RTT | 2 << 8, GRANULE_DELEGATED}, /* rtt_walk */
    {0, RD, FREE, P(0), RMI_ERROR_RTT | 3 << 8, GRANULE_DELEGATED},    /* rtte_state: ASSIGNED */
    {1, FREE, 0, P(0), RMI_ERROR_INPUT, GRANULE_DELEGATED},	       /* rd_state */
    {1, RD, 0, P(0) + 8, RMI_ERROR_INPUT, GRANULE_DELEGATED},	       /* ipa_align */
    {1, RD, 0, UNPROT, RMI_ERROR_INPUT, GRANULE_DELEGATED},	       /* ipa_bound: unprotected */
    {1, RD, 0, 1ULL << 40, RMI_ERROR_INPUT, GRANULE_DELEGATED},	       /* ipa_bound */
    {1, RD, 0, GIB, RMI_ERROR_RTT | 1 << 8, GRANULE_DELEGATED},	       /* rtt_walk */
    {1, RD, 0, 4 * MIB, RMI_ERROR_RTT | 2 << 8, GRANULE_DELEGATED},    /* rtt_walk */
    {1, RD, 0, P(1), RMI_ERROR_RTT | 3 << 8, GRANULE_DELEGATED},       /* rtte_state: DESTROYED */
    {1, RD, 0, P(2), RMI_ERROR_RTT | 3 << 8, GRANULE_DELEGATED},       /* rtte_state: RAM */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	machine();
	level3();
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	states[5] = failures[i].free_state;
	snapshot();
	uint64_t r = failures[i].destroy
			 ? call(rmi_data_destroy, failures[i].rd, failures[i].ipa, 0, 0)
			 : call(rmi_data_create_unknown, failures[i].rd, failures[i].data,
				failures[i].ipa, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

/* Into L3's UNASSIGNED entries 1 (DESTROYED), 2 (RAM) and 4 (EMPTY). */
static void each_create_as_specified(void)
{
	unsigned n;
	n = (unsigned)Frama_C_interval(1, 4);
	if (n == 3)
		n = 4;
	//@ split n;
	machine();
	level3();
	uint64_t ripas = ripas_of(l3[n]);
	uint64_t r = call(rmi_data_create_unknown, RD, FREE, P(n), 0);
	uint64_t e = l3[n];
	//@ assert create_success: r == RMI_SUCCESS && states[5] == GRANULE_DATA;
	//@ assert create_assigned: (e & PTE_ADDR_MASK) == FREE;
	//@ assert create_ripas_kept: ripas == RIPAS_RAM ? (e & 3) == (PTE_VALID | PTE_TABLE) : (e & PTE_VALID) == 0 && (e >> HIPAS_SHIFT & 3) == HIPAS_ASSIGNED && (e >> RIPAS_SHIFT & 3) == ripas;
	//@ assert create_rd_unlocked: states[0] == GRANULE_RD;
}

/* L3's ASSIGNED entries 0 (RAM, DATA) and 3 (EMPTY, OTHER). */
static void each_destroy_as_specified(void)
{
	unsigned n;
	n = (unsigned)Frama_C_interval(0, 1) * 3;
	//@ split n;
	machine();
	level3();
	uint64_t data = n == 0 ? DATA : OTHER;
	uint64_t r = call(rmi_data_destroy, RD, P(n), 0, 0);
	int scrubbed = all_zero(data);
	uint8_t state = states[(data - TRACKED_BASE) / GRANULE_SIZE];
	//@ assert destroy_success: r == RMI_SUCCESS && out[1] == data;
	//@ assert destroy_delegated: state == GRANULE_DELEGATED && scrubbed == 1;
	//@ assert destroy_unassigned: l3[n] == (n == 0 ? RIPAS_DESTROYED << RIPAS_SHIFT : 0);
	/* The next live entry: 3 (ASSIGNED) after 0; none after 3. */
	//@ assert destroy_top: out[2] == (n == 0 ? P(3) : 2 * MIB);
}

int main(void)
{
	each_failure_changes_nothing();
	each_create_as_specified();
	each_destroy_as_specified();
	return 0;
}
