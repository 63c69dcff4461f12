// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300
/* RMI_RTT_INIT_RIPAS (RMM 1.0, B4.3.14) through its RMI handler on rtt_machine.h's realm,
 * made NEW, whose L3 holds, from entry 0: ASSIGNED RAM (DATA), UNASSIGNED DESTROYED,
 * UNASSIGNED RAM, ASSIGNED EMPTY, UNASSIGNED EMPTY twice, UNASSIGNED DESTROYED, then
 * UNASSIGNED EMPTY. The RIM's extension (measurement.c's rim_extend_ripas, unit-tested
 * against tools/realm_measure.py) is an abstract function here that records its calls.
 * Each failure condition alone (rd, size_valid, top_bound, base or top not granule-aligned,
 * realm_state, base_align to the walk's level, an entry that is not UNASSIGNED EMPTY or
 * RAM at base, top cutting the first entry) gives its specified error, changes no byte nor
 * granule state and measures nothing. A success makes every entry of [base, out_top)
 * UNASSIGNED RAM and changes nothing else; out_top is where the walk stops (top, the
 * table's end, a table entry, or the first entry that is not UNASSIGNED EMPTY or RAM); the RIM is extended
 * once per entry, in order, with that entry's [ipa, ipa + size). */
#include "rtt_machine.h"

#define P(n)	      ((uint64_t)(n)*GRANULE_SIZE) /* the IPA of L3's n-th entry */
#define TOP_PROTECTED (1ULL << 39)
#define IDX(ipa, l)   (((ipa) >> pte_level_shift(l)) & 511)
#define MAX_MEASURED  8

/* The RIM extensions made, in order. */
static unsigned nr_measured;
static uint64_t measured_base[MAX_MEASURED], measured_top[MAX_MEASURED];
static int measured_rim_is_rds;

void rim_extend_ripas(struct measurement *rim, uint64_t base, uint64_t top)
{
	if (nr_measured < MAX_MEASURED) {
		measured_base[nr_measured] = base;
		measured_top[nr_measured] = top;
	}
	nr_measured++;
	measured_rim_is_rds &= rim == &rd->rim;
}

static void new_realm(uint64_t state)
{
	machine();
	rd->state = state;
	l3[2] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	l3[3] = assigned_entry(BLOCK_EMPTY, RIPAS_EMPTY, 3);
	l3[6] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_DESTROYED, 0);
	nr_measured = 0;
	measured_rim_is_rds = 1;
}

static const struct {
	uint64_t rd, base, top, state, expect;
} failures[] = {
    {FREE, P(4), P(6), REALM_NEW, RMI_ERROR_INPUT},			   /* rd_state */
    {RD + 8, P(4), P(6), REALM_NEW, RMI_ERROR_INPUT},			   /* rd_align */
    {PA(NR_GRANULES), P(4), P(6), REALM_NEW, RMI_ERROR_INPUT},		   /* rd_bound */
    {RD, P(4), P(4), REALM_NEW, RMI_ERROR_INPUT},			   /* size_valid */
    {RD, P(5), P(4), REALM_NEW, RMI_ERROR_INPUT},			   /* size_valid */
    {RD, P(4), TOP_PROTECTED + P(1), REALM_NEW, RMI_ERROR_INPUT},	   /* top_bound */
    {RD, TOP_PROTECTED, TOP_PROTECTED + P(1), REALM_NEW, RMI_ERROR_INPUT}, /* top_bound */
    {RD, P(4) + 8, P(6), REALM_NEW, RMI_ERROR_INPUT},			   /* base granule */
    {RD, P(4), P(6) + 8, REALM_NEW, RMI_ERROR_INPUT},			   /* top granule */
    {RD, P(4), P(6), REALM_ACTIVE, RMI_ERROR_REALM},			   /* realm_state */
    {RD, P(4), P(6), REALM_SYSTEM_OFF, RMI_ERROR_REALM},		   /* realm_state */
    {RD, 4 * MIB + P(1), 6 * MIB, REALM_NEW, RMI_ERROR_RTT | 2 << 8},	   /* base_align */
    {RD, GIB + 2 * MIB, 2 * GIB, REALM_NEW, RMI_ERROR_RTT | 1 << 8},	   /* base_align */
    {RD, P(0), P(6), REALM_NEW, RMI_ERROR_RTT | 3 << 8},		   /* ASSIGNED RAM */
    {RD, P(1), P(6), REALM_NEW, RMI_ERROR_RTT | 3 << 8},		   /* DESTROYED */
    {RD, P(3), P(6), REALM_NEW, RMI_ERROR_RTT | 3 << 8},		   /* ASSIGNED EMPTY */
    {RD, 2 * MIB, 4 * MIB, REALM_NEW, RMI_ERROR_RTT | 2 << 8},		   /* an ASSIGNED block */
    {RD, GIB, GIB + 2 * MIB, REALM_NEW, RMI_ERROR_RTT | 1 << 8},	   /* top cuts the entry */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	new_realm(failures[i].state);
	snapshot();
	uint64_t r = call(rmi_rtt_init_ripas, failures[i].rd, failures[i].base, failures[i].top, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && nr_measured == 0;
}

/* Whether the n entries from word `first` of the machine's memory are UNASSIGNED RAM and
 * every other byte and granule state is as it was. */
static int ram_here_only(unsigned first, unsigned n)
{
	int ok = 1;
	//@ loop unroll 8;
	for (unsigned i = 0; i < n; i++) {
		ok &= mem[first + i] == RIPAS_RAM << RIPAS_SHIFT;
		mem[first + i] = snap_mem[first + i]; /* for unchanged() */
	}
	return ok && unchanged();
}

static const struct {
	uint64_t base, top, out_top;
	int64_t level;
} successes[] = {
    {P(4), P(5), P(5), 3},				    /* one page */
    {P(4), P(8), P(6), 3},				    /* stops at DESTROYED */
    {P(2), P(3), P(3), 3},				    /* RAM stays RAM, measured */
    {P(509), 2 * MIB + P(1), 2 * MIB, 3},		    /* the table's end */
    {8 * MIB, 16 * MIB, 16 * MIB, 2},			    /* 2 MiB entries */
    {8 * MIB, 13 * MIB, 12 * MIB, 2},			    /* top cuts the last one */
    {GIB, 4 * GIB, 4 * GIB, 1},				    /* 1 GiB entries, RAM among them */
    {TOP_PROTECTED - GIB, TOP_PROTECTED, TOP_PROTECTED, 1}, /* the last protected one */
};
#define NR_SUCCESSES (sizeof(successes) / sizeof(successes[0]))

static void each_success_as_specified(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_SUCCESSES - 1);
	//@ split i;
	new_realm(REALM_NEW);
	uint64_t base = successes[i].base, out_top = successes[i].out_top;
	int64_t level = successes[i].level;
	snapshot();
	uint64_t r = call(rmi_rtt_init_ripas, RD, base, successes[i].top, 0);
	//@ assert success: r == RMI_SUCCESS && out[1] == out_top;
	const uint64_t *table = level == 3 ? l3 : level == 2 ? l2 : l1;
	uint64_t size = 1ULL << pte_level_shift(level);
	unsigned n = (unsigned)((out_top - base) / size);
	int ok =
	    ram_here_only((unsigned)(((uint64_t)table - TRACKED_BASE) / 8 + IDX(base, level)), n);
	//@ assert success_ram_set_nothing_else: ok == 1;
	int in_order = nr_measured == n && measured_rim_is_rds;
	//@ loop unroll 8;
	for (unsigned k = 0; k < n && k < MAX_MEASURED; k++)
		in_order &=
		    measured_base[k] == base + k * size && measured_top[k] == base + (k + 1) * size;
	//@ assert success_measured_per_entry: in_order == 1;
	//@ assert success_rd_unlocked: states[0] == GRANULE_RD;
}

/* A table entry stops the walk: it is not an entry of the level the walk reached. */
static void stops_at_a_table(void)
{
	new_realm(REALM_NEW);
	l1[3] = L2 | PTE_VALID | PTE_TABLE; /* a second way to L2: only its entry matters */
	uint64_t r = call(rmi_rtt_init_ripas, RD, GIB, 4 * GIB, 0);
	uint64_t below = l1[1], table = l1[3];
	//@ assert table_stops: r == RMI_SUCCESS && out[1] == 3 * GIB && nr_measured == 2;
	//@ assert table_kept: below == RIPAS_RAM << RIPAS_SHIFT && table == (L2 | PTE_VALID | PTE_TABLE);
}

int main(void)
{
	each_failure_changes_nothing();
	each_success_as_specified();
	stops_at_a_table();
	return 0;
}
