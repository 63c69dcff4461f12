/* The machine the RTT harnesses (rtt_*.c) run the RMM's RTT commands on: 8 granules of
 * DRAM at TRACKED_BASE, real memory to Eva (-absolute-valid-range), so the tables are the
 * ones rtt.c builds and walks. A realm of 40 IPA bits starting at level 1 (two
 * concatenated level-1 tables, as Linux makes them), with a level-2 and a level-3 table
 * under IPA 0, and entries in each state the commands tell apart. */
#ifndef TRIAD_VERIFY_RTT_MACHINE_H
#define TRIAD_VERIFY_RTT_MACHINE_H

#include "__fc_builtin.h"
#include <string.h>
#include "../../security/rmm/granule.c"
#include "../../security/rmm/rtt.c"

#define NR_GRANULES  8
#define TRACKED_SIZE (NR_GRANULES * GRANULE_SIZE)
#define PA(n)	     (TRACKED_BASE + (uint64_t)(n)*GRANULE_SIZE)
#define WORDS	     (NR_GRANULES * GRANULE_SIZE / 8)

#define RD    PA(0)
#define L1    PA(1) /* and PA(2): the starting tables */
#define L2    PA(3) /* under L1[0] */
#define L3    PA(4) /* under L2[0] */
#define DATA  PA(6) /* mapped at IPA 0 by L3[0] */
#define FREE  PA(5) /* a DELEGATED granule, for a new table */
#define OTHER PA(7) /* a granule the harness puts in any state */

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)
/* Memory of the host's the realm's ASSIGNED blocks name (untracked: no granule state). */
#define BLOCK_RAM   0x80000000ULL
#define BLOCK_EMPTY 0x80200000ULL

static granule_t states[NR_GRANULES];
static uint64_t *const mem = (uint64_t *)TRACKED_BASE;
static uint64_t *const l1 = (uint64_t *)L1, *const l2 = (uint64_t *)L2, *const l3 = (uint64_t *)L3;
static struct rd *const rd = (struct rd *)RD;
static uint64_t zeroed; /* the last granule granule_zero() scrubbed, or 1 */

void granule_zero(uint64_t pa)
{
	uint64_t *p = (uint64_t *)pa;
	//@ loop unroll 512;
	for (unsigned i = 0; i < GRANULE_SIZE / 8; i++)
		p[i] = 0;
	zeroed = pa;
}

int64_t granule_el3_call(uint32_t fid, uint64_t pa)
{
	(void)fid, (void)pa;
	return E_RMM_OK;
}

/* rtt.c reads a register only in realm_tlbi() (VTTBR_EL2, to name the realm's VMID): the
 * harnesses count the realm's TLB invalidations by it. */
static unsigned tlbis;
uint64_t host_read_sysreg(const char *name)
{
	(void)name;
	tlbis++;
	return 0;
}

static uint64_t ripas_entry(uint64_t hipas, uint64_t ripas, uint64_t pa)
{
	return invalid_entry(hipas, ripas, pa);
}

/* The realm above, every other granule DELEGATED and zero. */
static void machine(void)
{
	memset(mem, 0, WORDS * 8);
	granules_init(states, TRACKED_SIZE);
	//@ loop unroll NR_GRANULES;
	for (unsigned g = 0; g < NR_GRANULES; g++)
		states[g] = GRANULE_DELEGATED;
	states[0] = GRANULE_RD;
	states[1] = states[2] = states[3] = states[4] = GRANULE_RTT;
	states[6] = GRANULE_DATA;
	rd->state = REALM_ACTIVE;
	rd->s2sz = 40;
	rd->rtt_level_start = 1;
	rd->rtt_num_start = 2;
	rd->rtt_base = L1;
	rd->vmid = 1;
	rd->nr_rtts = 2;
	l1[0] = L2 | PTE_VALID | PTE_TABLE;
	/* l1[1]: UNASSIGNED, RIPAS EMPTY */
	l1[2] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	l2[0] = L3 | PTE_VALID | PTE_TABLE;
	l2[1] = assigned_entry(BLOCK_RAM, RIPAS_RAM, 2); /* a 2 MiB block the realm reaches */
	l2[2] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	l2[3] = assigned_entry(BLOCK_EMPTY, RIPAS_EMPTY, 2); /* assigned, RIPAS EMPTY */
	l3[0] = assigned_entry(DATA, RIPAS_RAM, 3);
	l3[1] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_DESTROYED, 0);
	zeroed = 1;
	tlbis = 0;
}

/* The machine as it was before a command, to tell that a failed one changed nothing. */
static uint64_t snap_mem[WORDS];
static granule_t snap_states[NR_GRANULES];

static void snapshot(void)
{
	memcpy(snap_mem, mem, sizeof(snap_mem));
	memcpy(snap_states, states, sizeof(snap_states));
}

static int unchanged(void)
{
	uint64_t diff = 0;
	/* Eight words a statement: Eva's time goes by statements. */
	//@ loop unroll WORDS / 8;
	for (unsigned i = 0; i < WORDS; i += 8)
		diff |= (mem[i] ^ snap_mem[i]) | (mem[i + 1] ^ snap_mem[i + 1]) |
			(mem[i + 2] ^ snap_mem[i + 2]) | (mem[i + 3] ^ snap_mem[i + 3]) |
			(mem[i + 4] ^ snap_mem[i + 4]) | (mem[i + 5] ^ snap_mem[i + 5]) |
			(mem[i + 6] ^ snap_mem[i + 6]) | (mem[i + 7] ^ snap_mem[i + 7]);
	int same = diff == 0;
	//@ loop unroll NR_GRANULES;
	for (unsigned g = 0; g < NR_GRANULES; g++)
		if (states[g] != snap_states[g])
			same = 0;
	return same;
}

/* Whether the granule at pa is all zeroes (a scrubbed table or data granule). */
static inline int all_zero(uint64_t pa)
{
	const uint64_t *p = (const uint64_t *)pa;
	uint64_t any = 0;
	//@ loop unroll 64;
	for (unsigned i = 0; i < 512; i += 8)
		any |= p[i] | p[i + 1] | p[i + 2] | p[i + 3] | p[i + 4] | p[i + 5] | p[i + 6] |
		       p[i + 7];
	return any == 0;
}

/* An RMI command through its handler (the RD locked as rmi_handle runs it). */
static uint64_t out[5];
static uint64_t call(void (*fn)(const uint64_t *, uint64_t *), uint64_t a1, uint64_t a2,
		     uint64_t a3, uint64_t a4)
{
	const uint64_t in[8] = {0, a1, a2, a3, a4};
	//@ loop unroll 5;
	for (unsigned i = 0; i < 5; i++)
		out[i] = 0;
	fn(in, out);
	return out[0];
}

#endif
