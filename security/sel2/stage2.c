/*
 * Stage 2 for OP-TEE at Secure EL1: identity maps of exactly what it may touch, so that a
 * bug or an exploit in OP-TEE cannot reach Triad at Secure EL2 or the EL3 monitor (the
 * first MiB of secure RAM) or memory and devices it has no business with.
 *  - Secure IPA space (VSTTBR_EL2, output Secure): its TZDRAM, and the device window it
 *    maps for itself (GIC, UARTs). During its cold boot also the first 2 MiB of DRAM,
 *    where it reads and edits the machine's DT with Secure accesses.
 *  - Non-secure IPA space (VTTBR_EL2, output Non-secure through VTCR_EL2.NSA): the normal
 *    world's DRAM, where shared memory lives. Never executable.
 * QEMU virt's layout; tables are static, built once by the cold-boot CPU and loaded by
 * every CPU before it enters OP-TEE. 4 KiB granule, 39-bit IPAs, walks from level 1.
 */
#include <stdbool.h>
#include <arch/maint.h>
#include <stdint.h>

#include "sel2.h"

#define OPTEE_END  (OPTEE_BASE + OPTEE_SIZE)
#define IO_BASE	   0x08000000UL /* GIC, then the UARTs and other devices ... */
#define IO_END	   0x09200000UL /* ... up to here: the window OP-TEE maps */
#define DRAM_BASE  0x40000000UL
#define DRAM_LIMIT 0x4000000000UL /* QEMU virt: at most 255 GiB of RAM from 1 GiB */

#define GB (1UL << 30)
#define MB (1UL << 20)

/* Stage-2 descriptors */
#define DESC_TABLE  3UL
#define DESC_BLOCK  1UL
#define DESC_PAGE   3UL
#define ATTR_NORMAL (0xfUL << 2) /* MemAttr: Normal, write-back */
#define ATTR_DEVICE (0x1UL << 2) /* MemAttr: Device-nGnRE */
#define S2AP_RW	    (3UL << 6)
#define SH_INNER    (3UL << 8)
#define AF	    (1UL << 10)
#define XN	    (2UL << 53) /* not executable at EL1 or EL0 */
#define MEM	    (ATTR_NORMAL | S2AP_RW | SH_INNER | AF)
#define MEM_NX	    (MEM | XN)
#define DEV	    (ATTR_DEVICE | S2AP_RW | AF | XN)

/* VSTCR_EL2 / VTCR_EL2: T0SZ 25 (39 bits), SL0 1 (level 1), write-back walks, 4 KiB, 40-bit
 * PAs; walks of both in Secure memory (SW, NSW 0); Non-secure space output Non-secure. */
#define TCR_COMMON (25UL | 1UL << 6 | 1UL << 8 | 1UL << 10 | 3UL << 12)
#define VTCR_PS_40 (2UL << 16)
#define VTCR_RES1  (1UL << 31)
#define VTCR_NSA   (1UL << 30)
#define VSTCR_EL2  S3_4_C2_C6_2
#define VSTTBR_EL2 S3_4_C2_C6_0

static uint64_t s_l1[512] __attribute__((aligned(4096)));
static uint64_t s_l2_low[512] __attribute__((aligned(4096)));	/* 0 - 1 GiB */
static uint64_t s_l3_optee[512] __attribute__((aligned(4096))); /* the 2 MiB OP-TEE starts in */
static uint64_t s_l2_dram[512] __attribute__((aligned(4096)));	/* 1 - 2 GiB, cold boot only */
static uint64_t s_l3_dt[2][512] __attribute__((aligned(4096))); /* a restart's DT window */
static uint64_t ns_l1[512] __attribute__((aligned(4096)));
/* Each secure partition's: its region by pages; and an empty Non-secure IPA space. */
static uint64_t sp_l1[SP_MAX][512] __attribute__((aligned(4096)));
static uint64_t sp_l2[SP_MAX][512] __attribute__((aligned(4096)));
static uint64_t sp_l3[SP_MAX][512] __attribute__((aligned(4096)));
static uint64_t sp_ns_l1[512] __attribute__((aligned(4096)));

static uint64_t table(const uint64_t *t)
{
	return (uint64_t)t | DESC_TABLE;
}

const uint64_t *stage2_secure_root(void)
{
	return s_l1;
}

const uint64_t *stage2_ns_root(void)
{
	return ns_l1;
}

void stage2_build(void)
{
	/* Secure: OP-TEE's TZDRAM by pages in its first 2 MiB, by blocks after. */
	s_l1[0] = table(s_l2_low);
	uint64_t first_block = OPTEE_BASE & ~(2 * MB - 1);
	for (uint64_t pa = OPTEE_BASE; pa < first_block + 2 * MB; pa += 4096)
		s_l3_optee[(pa >> 12) & 511] = pa | MEM | DESC_PAGE;
	s_l2_low[first_block >> 21] = table(s_l3_optee);
	for (uint64_t pa = first_block + 2 * MB; pa < OPTEE_END; pa += 2 * MB)
		s_l2_low[pa >> 21] = pa | MEM | DESC_BLOCK;
	for (uint64_t pa = IO_BASE; pa < IO_END; pa += 2 * MB)
		s_l2_low[pa >> 21] = pa | DEV | DESC_BLOCK;
	/* The DT OP-TEE reads at cold boot, at the start of DRAM (Secure accesses). */
	s_l2_dram[0] = DRAM_BASE | MEM_NX | DESC_BLOCK;
	s_l1[DRAM_BASE / GB] = table(s_l2_dram);

	/* Non-secure: all of DRAM, 1 GiB blocks. */
	for (uint64_t pa = DRAM_BASE; pa < DRAM_LIMIT; pa += GB)
		ns_l1[pa / GB] = pa | MEM_NX | DESC_BLOCK;
	dsb(ishst);
}

/* OP-TEE's restart reads and edits its DT in the monitor's window [base, base + size)
 * (Secure memory in the first GiB of DRAM, at most 2 MiB): mapped by pages, in place of the
 * machine's DT, until it has booted (stage2_boot_done). */
void stage2_dt_window(uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < 512; i++)
		s_l2_dram[i] = s_l3_dt[0][i] = s_l3_dt[1][i] = 0;
	uint64_t first_block = base >> 21;
	for (uint64_t pa = base; pa < base + size; pa += 4096) {
		uint64_t *l3 = s_l3_dt[(pa >> 21) - first_block];
		l3[(pa >> 12) & 511] = pa | MEM_NX | DESC_PAGE;
		s_l2_dram[(pa >> 21) & 511] = table(l3);
	}
	s_l1[base / GB] = table(s_l2_dram);
	/* OP-TEE maps the DT as normal-world memory once its MMU is on: until it has booted,
	 * its Non-secure IPA space leads to Secure memory (VTCR_EL2.NSA clear), where the
	 * window is; any other normal-world access of its faults at the GPT. */
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_PS_40 | TCR_COMMON);
	isb();
	dsb(ishst);
	tlbi(vmalls12e1is);
	dsb(ish);
	isb();
}

/* Partition i's region [base, base + size), inside one 2 MiB block, read-write-execute:
 * nothing else, secure or not (another partition's region neither). */
void stage2_build_sp(unsigned i, uint64_t base, uint64_t size)
{
	sp_l1[i][base / GB] = table(sp_l2[i]);
	sp_l2[i][(base >> 21) & 511] = table(sp_l3[i]);
	for (uint64_t pa = base; pa < base + size; pa += 4096)
		sp_l3[i][(pa >> 12) & 511] = pa | MEM | DESC_PAGE;
	dsb(ishst);
}

const uint64_t *stage2_sp_root(unsigned i)
{
	return sp_l1[i];
}

const uint64_t *stage2_sp_ns_root(void)
{
	return sp_ns_l1;
}

/* OP-TEE and partition i differ in VMID (0 and i + 1), so that switching between them
 * needs no TLB maintenance: VSTTBR_EL2 has no VMID of its own and uses VTTBR_EL2's. */
void stage2_switch(int sp)
{
	write_sysreg(VSTTBR_EL2, (uint64_t)(sp >= 0 ? sp_l1[sp] : s_l1));
	write_sysreg(vttbr_el2,
		     sp >= 0 ? (uint64_t)sp_ns_l1 | (uint64_t)(sp + 1) << 48 : (uint64_t)ns_l1);
	isb();
}

void stage2_load(void)
{
	write_sysreg(VSTTBR_EL2, (uint64_t)s_l1);
	write_sysreg(VSTCR_EL2, TCR_COMMON);
	write_sysreg(vttbr_el2, (uint64_t)ns_l1); /* VMID 0: the secure world has no other */
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_NSA | VTCR_PS_40 | TCR_COMMON);
	isb();
	tlbi(vmalls12e1);
	dsb(nsh);
	isb();
}

void stage2_boot_done(void)
{
	s_l1[DRAM_BASE / GB] = 0;
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_NSA | VTCR_PS_40 | TCR_COMMON);
	isb();
	dsb(ishst);
	tlbi(vmalls12e1is);
	dsb(ish);
	isb();
}
