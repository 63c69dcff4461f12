// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:100 -eva-slevel-function walk:20
/* The RTT walk of security/rmm/rtt.c (every RTT command, RIPAS read and RSI access goes
 * through it) never leaves the realm's tables: for every IPA of the realm (below 2^s2sz,
 * what every caller checks first) and every level from the starting one to 3, the entry it
 * returns is inside one of the realm's tables of the level it reached, 8-byte aligned, and
 * that level is between the start and the one asked for. The tables hold any mix of the
 * non-table entries the commands write (UNASSIGNED with each RIPAS, ASSIGNED blocks mapped
 * or not) with table entries, as the commands keep them, only to the realm's own RTTs:
 * two level-1 tables (concatenated), two level-2 and two level-3 ones, whose entries are
 * anything at all. The IPA space is split into six intervals that cover it, each taken
 * whole. */
#include "rtt_machine.h"

#define L2B PA(5) /* under L1[700] */
#define L3B PA(7) /* under L2B[511] */
#define BLK 0x80000000ULL

static uint64_t any_non_table(int64_t level)
{
	switch (Frama_C_interval(0, 4)) {
	case 0:
		return ripas_entry(HIPAS_UNASSIGNED, RIPAS_EMPTY, 0);
	case 1:
		return ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	case 2:
		return ripas_entry(HIPAS_UNASSIGNED, RIPAS_DESTROYED, 0);
	case 3:
		return assigned_entry(BLK, RIPAS_RAM, level);
	default:
		return assigned_entry(BLK, RIPAS_EMPTY, level);
	}
}

static void tables(void)
{
	uint64_t *l2b = (uint64_t *)L2B, *l3b = (uint64_t *)L3B;
	states[5] = states[7] = GRANULE_RTT;
	rd->s2sz = 40;
	rd->rtt_level_start = 1;
	rd->rtt_num_start = 2;
	rd->rtt_base = L1;
	//@ loop unroll 1024;
	for (unsigned i = 0; i < 1024; i++)
		l1[i] = any_non_table(1);
	//@ loop unroll 512;
	for (unsigned i = 0; i < 512; i++) {
		l2[i] = any_non_table(2);
		l2b[i] = any_non_table(2);
		l3[i] = Frama_C_unsigned_long_interval(0, ~0UL);
		l3b[i] = Frama_C_unsigned_long_interval(0, ~0UL);
	}
	l1[0] = L2 | PTE_VALID | PTE_TABLE;
	l1[700] = L2B | PTE_VALID | PTE_TABLE;
	l2[0] = L3 | PTE_VALID | PTE_TABLE;
	l2b[511] = L3B | PTE_VALID | PTE_TABLE;
}

/* [from, to) of IPAs: together the realm's whole IPA space, each through other tables. */
static const uint64_t regions[][2] = {
    {0, 2 * MIB},			    /* L1[0], L2[0], L3 */
    {2 * MIB, GIB},			    /* L1[0], L2[1..511] */
    {GIB, 700 * GIB},			    /* L1[1..699] */
    {700 * GIB, 700 * GIB + 511 * 2 * MIB}, /* L1[700], L2B[0..510] */
    {700 * GIB + 511 * 2 * MIB, 701 * GIB}, /* L1[700], L2B[511], L3B */
    {701 * GIB, 1ULL << 40},		    /* L1[701..1023] */
};
#define NR_REGIONS (sizeof(regions) / sizeof(regions[0]))

#define IN(e, table) ((table) <= (e) && (e) < (table) + GRANULE_SIZE)

int main(void)
{
	unsigned region;
	int64_t level, reached;
	machine();
	tables();
	region = Frama_C_unsigned_int_interval(0, NR_REGIONS - 1);
	//@ split region;
	level = Frama_C_interval(1, 3);
	//@ split level;
	uint64_t ipa = Frama_C_unsigned_long_interval(regions[region][0], regions[region][1] - 1);
	uint64_t e = (uint64_t)walk(rd, ipa, level, &reached);
	//@ assert level_bounded: rd->rtt_level_start <= reached <= level;
	//@ assert aligned: e % 8 == 0;
	//@ assert in_the_realms_tables: reached == 1 ? L1 <= e < L1 + 2 * GRANULE_SIZE : reached == 2 ? IN(e, L2) || IN(e, L2B) : IN(e, L3) || IN(e, L3B);
	return 0;
}
