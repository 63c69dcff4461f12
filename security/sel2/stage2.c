/*
 * Stage 2 for OP-TEE at Secure EL1: identity maps of exactly what it may touch, so that a
 * bug or an exploit in OP-TEE cannot reach Triad at Secure EL2 or the EL3 monitor (the
 * first MiB of secure RAM) or memory and devices it has no business with.
 *  - Secure IPA space (VSTTBR_EL2, output Secure): its TZDRAM, and the device window it
 *    maps for itself (GIC, UARTs). During its cold boot also the first 2 MiB of DRAM,
 *    where it reads and edits the machine's DT with Secure accesses.
 *  - Non-secure IPA space (VTTBR_EL2, output Non-secure through VTCR_EL2.NSA): the normal
 *    world's DRAM, where shared memory lives. Never executable.
 * QEMU virt's layout; tables come from static pools, built once by the cold-boot CPU with
 * the shared builder (lib/pgtable.h) and loaded by every CPU before it enters OP-TEE. 4 KiB
 * granule, 39-bit IPAs, walks from level 1.
 */
#include <lib/pgtable.h>
#include <stdbool.h>
#include <arch/maint.h>
#include <arch/sysreg.h>
#include <stdint.h>
#include <triad/util.h>

#include "sel2.h"

#define IO_BASE	   0x08000000UL	  /* GIC, then the UARTs and other devices ... */
#define IO_END	   0x09200000UL	  /* ... up to here: the window OP-TEE maps */
#define DRAM_LIMIT 0x4000000000UL /* QEMU virt: at most 255 GiB of RAM from 1 GiB */

#define MEM_NX (S2_NORMAL_RWX | PTE_XN) /* PTE_XN: XN[1:0] = 2, not executable at EL1 or EL0 */

/* VSTCR_EL2 / VTCR_EL2: T0SZ 25 (39 bits), SL0 1 (level 1), write-back walks, 4 KiB, 40-bit
 * PAs; walks of both in Secure memory (SW, NSW 0); Non-secure space output Non-secure. */
#define TCR_COMMON (25UL | 1UL << 6 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER)
#define VTCR_PS_40 (2UL << 16)
#define VTCR_NSA   (1UL << 30)
#define VSTCR_EL2  S3_4_C2_C6_2
#define VSTTBR_EL2 S3_4_C2_C6_0

/* OP-TEE's: Secure L1, L2 of the first GiB, L3 of the 2 MiB it starts in, L2 of the DT's
 * GiB (cold boot, or a restart's window and its two L3s); Non-secure L1. Each partition's:
 * its region by pages (L1, L2, L3). */
PT_POOL(optee_pool, 9); /* with the restart's DT window, anywhere in DRAM */
PT_POOL(sp_pool, 3 * SP_MAX);
/* The partitions' Non-secure IPA spaces: empty but for the normal world's memory they
 * retrieved (FF-A memory sharing), mapped at IPA = PA. Each L1, and the L2s and L3s of what
 * they hold at once: out of pages, a retrieval is FFA_NO_MEMORY. */
PT_POOL(sp_ns_pool, 12);
static struct pgtable s_pt, ns_pt, sp_pt[SP_MAX], sp_ns_pt[SP_MAX];

const uint64_t *stage2_secure_root(void)
{
	return (const uint64_t *)(uintptr_t)s_pt.root;
}

const uint64_t *stage2_ns_root(void)
{
	return (const uint64_t *)(uintptr_t)ns_pt.root;
}

bool stage2_build(void)
{
	pt_destroy(&s_pt); /* the host tests build again */
	pt_destroy(&ns_pt);
	/* Secure: OP-TEE's TZDRAM (by pages up to its first 2 MiB boundary, by blocks after),
	 * its device window, and the DT it reads at cold boot at the start of DRAM.
	 * Non-secure: all of DRAM, 1 GiB blocks. */
	bool ok =
	    !pt_init(&s_pt, 39, &optee_pool_alloc) && !pt_init(&ns_pt, 39, &optee_pool_alloc) &&
	    !pt_map(&s_pt, OPTEE_BASE, OPTEE_BASE, OPTEE_SIZE, S2_NORMAL_RWX) &&
	    !pt_map(&s_pt, IO_BASE, IO_BASE, IO_END - IO_BASE, S2_DEVICE_RW) &&
	    !pt_map(&s_pt, PLAT_DRAM_BASE, PLAT_DRAM_BASE, SZ_2M, MEM_NX) &&
	    !pt_map(&ns_pt, PLAT_DRAM_BASE, PLAT_DRAM_BASE, DRAM_LIMIT - PLAT_DRAM_BASE, MEM_NX);
	dsb(ishst);
	return ok;
}

/* Partition i's region [base, base + size), inside one 2 MiB block, read-write-execute:
 * nothing else, secure or not (another partition's region neither). */
bool stage2_build_sp(unsigned i, uint64_t base, uint64_t size)
{
	pt_destroy(&sp_pt[i]);
	pt_destroy(&sp_ns_pt[i]);
	bool ok = !pt_init(&sp_pt[i], 39, &sp_pool_alloc) &&
		  !pt_map(&sp_pt[i], base, base, size, S2_NORMAL_RWX) &&
		  !pt_init(&sp_ns_pt[i], 39, &sp_ns_pool_alloc);
	dsb(ishst);
	return ok;
}

const uint64_t *stage2_sp_root(unsigned i)
{
	return (const uint64_t *)(uintptr_t)sp_pt[i].root;
}

const uint64_t *stage2_sp_ns_root(unsigned i)
{
	return (const uint64_t *)(uintptr_t)sp_ns_pt[i].root;
}

/* Partition i's VTTBR_EL2: its Non-secure IPA space, its VMID. */
static uint64_t sp_vttbr(unsigned i)
{
	return sp_ns_pt[i].root | (uint64_t)(i + 1) << 48;
}

bool stage2_sp_ns_map(unsigned i, uint64_t pa, uint64_t size, bool write, bool exec)
{
	uint64_t attr = S2_MEMATTR_NORMAL | S2_AP_R | PTE_SH_INNER | PTE_AF;
	attr |= (write ? S2_AP_W : 0) | (exec ? 0 : PTE_XN);
	if (pt_map(&sp_ns_pt[i], pa, pa, size, attr)) {
		pt_unmap(&sp_ns_pt[i], pa, size); /* whatever part went in */
		return false;
	}
	dsb(ishst);
	return true;
}

/* The range out, and every CPU's TLB entries of partition i (its VMID, loaded for the
 * moment: the caller may be OP-TEE's turn or another partition's). */
void stage2_sp_ns_unmap(unsigned i, uint64_t pa, uint64_t size)
{
	pt_unmap(&sp_ns_pt[i], pa, size);
	uint64_t vttbr = read_sysreg(vttbr_el2);
	dsb(ishst);
	write_sysreg(vttbr_el2, sp_vttbr(i));
	isb();
	tlbi(vmalls12e1is);
	dsb(ish);
	write_sysreg(vttbr_el2, vttbr);
	isb();
}

/* OP-TEE's restart reads and edits its DT in the monitor's window [base, base + size)
 * (Secure memory below the firmware's at the top of DRAM, at most 2 MiB): mapped by pages, in place
 * of the machine's DT, until it has booted (stage2_boot_done). OP-TEE maps the DT as normal-world
 * memory once its MMU is on: until then its Non-secure IPA space leads to Secure memory
 * (VTCR_EL2.NSA clear), where the window is; any other normal-world access of its faults at
 * the GPT. */
bool stage2_dt_window(uint64_t base, uint64_t size)
{
	pt_unmap(&s_pt, PLAT_DRAM_BASE, SZ_1G);
	bool ok = !pt_map(&s_pt, base, base, size, MEM_NX);
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_PS_40 | TCR_COMMON);
	isb();
	dsb(ishst);
	tlbi(vmalls12e1is);
	dsb(ish);
	isb();
	return ok;
}

/* OP-TEE and partition i differ in VMID (0 and i + 1), so that switching between them
 * needs no TLB maintenance: VSTTBR_EL2 has no VMID of its own and uses VTTBR_EL2's. */
void stage2_switch(int sp)
{
	write_sysreg(VSTTBR_EL2, sp >= 0 ? sp_pt[sp].root : s_pt.root);
	write_sysreg(vttbr_el2, sp >= 0 ? sp_vttbr((unsigned)sp) : ns_pt.root);
	isb();
}

void stage2_load(void)
{
	write_sysreg(VSTTBR_EL2, s_pt.root);
	write_sysreg(VSTCR_EL2, TCR_COMMON);
	write_sysreg(vttbr_el2, ns_pt.root); /* VMID 0: the secure world has no other */
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_NSA | VTCR_PS_40 | TCR_COMMON);
	isb();
	tlbi(vmalls12e1);
	dsb(nsh);
	isb();
}

void stage2_boot_done(void)
{
	pt_unmap(&s_pt, PLAT_DRAM_BASE, SZ_1G); /* frees its L2: it cannot fail */
	write_sysreg(vtcr_el2, VTCR_RES1 | VTCR_NSA | VTCR_PS_40 | TCR_COMMON);
	isb();
	dsb(ishst);
	tlbi(vmalls12e1is);
	dsb(ish);
	isb();
}
