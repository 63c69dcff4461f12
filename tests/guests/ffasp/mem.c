/*
 * The test partition's side of FF-A memory sharing (sp.c's MEM_* requests). It runs with its
 * MMU off, which reaches Secure memory only; to touch the normal world's memory it has
 * retrieved it turns on a minimal stage 1 for the one access (identity: its own 2 MiB of
 * secure RAM executable, DRAM Non-secure, never executable) and off again, inside one asm
 * statement that uses no memory of its own meanwhile (which it reads uncached otherwise).
 *   MEM_RETRIEVE   x4 = handle, x5 = [15:0] the owner's ID, [23:16] the permissions it asks
 *                  for: x4 = 0 or the FF-A error, x5 = the first page's address, x6 = the
 *                  pages, x7 = the permissions it was given;
 *   MEM_READ       x4 = offset into what it retrieved: x4 = the 64-bit word there;
 *   MEM_WRITE      x4 = offset, x5 = the value to write;
 *   MEM_RELINQUISH x4 = handle: x4 = 0 or the FF-A error;
 *   MEM_MAILBOX    x4 = 1: keep x5 as the note; answers x4 = the last handle it retrieved,
 *                  x5 = the note (two VMs' tests meet here: handles are no secret).
 * Its RX/TX buffers are mapped with the SPMC at the first request of its life.
 */
#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/ffa_mem.h>
#include <triad/smccc.h>

#include "mem.h"

static uint8_t tx[4096] __attribute__((aligned(4096)));
static uint8_t rx[4096] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static bool mapped;
static uint64_t last_handle, note;
static struct ffa_mem_range ranges[FFA_MEM_MAX_RANGES];
static unsigned nr_ranges;

/* Stage-1 descriptors: AttrIdx 0 (MAIR: Normal write-back), AF, inner shareable; blocks. */
#define S1_BLOCK (1UL | 1UL << 10 | 3UL << 8)
#define S1_NS	 (1UL << 5)
#define S1_XN	 (3UL << 53) /* UXN and PXN */
#define MAIR	 0xffUL
/* T0SZ 25 (39 bits), walks non-cacheable (the tables are written with the MMU off), 4 KiB,
 * TTBR1 walks off, 40-bit IPAs. */
#define TCR	  (25UL | 1UL << 23 | 2UL << 32)
#define SCTLR_MMU (1UL << 0 | 1UL << 2) /* M, C */

static void build_tables(void)
{
	uint64_t own = (uint64_t)tx & ~0x1fffffUL; /* its 2 MiB of secure RAM, its code */
	for (unsigned k = 1; k < 256; k++)	   /* DRAM: 1 GiB to 256 GiB */
		l1[k] = (uint64_t)k << 30 | S1_BLOCK | S1_NS | S1_XN;
	l1[0] = (uint64_t)l2 | 3;
	l2[own >> 21] = own | S1_BLOCK;
}

/* One access of the normal world's memory at pa, under the stage 1 (write: store v). */
static uint64_t ns_access(uint64_t pa, bool write, uint64_t v)
{
	uint64_t sctlr, old_mair, old_tcr, old_ttbr, out = v;
	__asm__ volatile("mrs %[s], sctlr_el1\n\t"
			 "mrs %[m], mair_el1\n\t"
			 "mrs %[t], tcr_el1\n\t"
			 "mrs %[b], ttbr0_el1\n\t"
			 "msr mair_el1, %[mair]\n\t"
			 "msr tcr_el1, %[tcr]\n\t"
			 "msr ttbr0_el1, %[l1]\n\t"
			 "isb\n\t"
			 "tlbi vmalle1\n\t"
			 "dsb nsh\n\t"
			 "orr %[out], %[s], %[on]\n\t"
			 "msr sctlr_el1, %[out]\n\t"
			 "isb\n\t"
			 "cbz %[w], 1f\n\t"
			 "str %[v], [%[pa]]\n\t"
			 "mov %[out], %[v]\n\t"
			 "b 2f\n"
			 "1:\tldr %[out], [%[pa]]\n"
			 "2:\tdsb sy\n\t"
			 "msr sctlr_el1, %[s]\n\t"
			 "isb\n\t"
			 "msr mair_el1, %[m]\n\t"
			 "msr tcr_el1, %[t]\n\t"
			 "msr ttbr0_el1, %[b]\n\t"
			 "isb"
			 : [s] "=&r"(sctlr), [m] "=&r"(old_mair), [t] "=&r"(old_tcr),
			   [b] "=&r"(old_ttbr), [out] "=&r"(out)
			 : [mair] "r"(MAIR), [tcr] "r"(TCR), [l1] "r"((uint64_t)l1),
			   [on] "r"(SCTLR_MMU), [w] "r"((uint64_t)write), [v] "r"(v), [pa] "r"(pa)
			 : "memory");
	return out;
}

static uint32_t error_of(const uint64_t r[FFA_NREGS])
{
	return (uint32_t)r[0] == FFA_ERROR ? (uint32_t)r[2] : 0xffffffffU;
}

static uint32_t map_buffers(void)
{
	if (mapped)
		return 0;
	uint64_t r[FFA_NREGS] = {FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)rx, 1};
	smc_call_regs18(r);
	if ((uint32_t)r[0] != FFA_SUCCESS)
		return error_of(r);
	build_tables();
	mapped = true;
	return 0;
}

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void retrieve(uint16_t me, uint64_t r[FFA_NREGS])
{
	uint32_t err = map_buffers();
	if (err) {
		r[4] = err;
		return;
	}
	struct ffa_mem_region q = {.sender = (uint16_t)r[5],
				   .handle = r[4],
				   .ep_size = FFA_MEM_EP_SIZE_1_2,
				   .nr_receivers = 1,
				   .receiver = {{me, (uint8_t)(r[5] >> 16), 0}}};
	uint32_t len = ffa_mem_build_retrieve_req(tx, sizeof(tx), &q);
	uint64_t c[FFA_NREGS] = {FFA_MEM_RETRIEVE_REQ | FFA_SMC64, len, len};
	smc_call_regs18(c);
	if ((uint32_t)c[0] != FFA_MEM_RETRIEVE_RESP) {
		r[4] = error_of(c);
		return;
	}
	/* The response: its one receiver's permissions and composite, the ranges. */
	uint32_t composite = ld32(rx + FFA_MEM_HDR_SIZE + 4);
	nr_ranges = 0;
	if (composite + FFA_MEM_COMPOSITE_SIZE <= sizeof(rx)) {
		uint32_t n = ld32(rx + composite + 4);
		for (uint32_t k = 0; k < n && k < FFA_MEM_MAX_RANGES; k++) {
			const uint8_t *e = rx + composite + FFA_MEM_COMPOSITE_SIZE + 16 * k;
			ranges[k].addr = ld32(e) | (uint64_t)ld32(e + 4) << 32;
			ranges[k].pages = ld32(e + 8);
			nr_ranges++;
		}
	}
	last_handle = r[4];
	r[4] = 0;
	r[5] = nr_ranges ? ranges[0].addr : 0;
	r[6] = ld32(rx + composite);
	r[7] = rx[FFA_MEM_HDR_SIZE + 2] | (uint64_t)(rx[2] | rx[3] << 8) << 8;
	uint64_t rel[FFA_NREGS] = {FFA_RX_RELEASE};
	smc_call_regs18(rel);
}

/* The address of byte offset in what it retrieved, across its ranges (0: past them). */
static uint64_t address_of(uint64_t offset)
{
	for (unsigned k = 0; k < nr_ranges; k++) {
		uint64_t size = ranges[k].pages * FFA_MEM_PAGE;
		if (offset < size)
			return ranges[k].addr + offset;
		offset -= size;
	}
	return 0;
}

static void relinquish(uint16_t me, uint64_t r[FFA_NREGS])
{
	struct ffa_mem_relinquish d = {.handle = r[4], .endpoint = me};
	ffa_mem_build_relinquish(tx, sizeof(tx), &d);
	uint64_t c[FFA_NREGS] = {FFA_MEM_RELINQUISH};
	smc_call_regs18(c);
	r[4] = (uint32_t)c[0] == FFA_SUCCESS ? 0 : error_of(c);
}

void sp_mem_serve(uint16_t me, unsigned command, uint64_t r[FFA_NREGS])
{
	switch (command) {
	case SP_MEM_RETRIEVE:
		retrieve(me, r);
		break;
	case SP_MEM_READ:
	case SP_MEM_WRITE: {
		/* An offset past what it got is read at that address anyway (its first page's
		 * address + offset): the SPMC must stop it. */
		uint64_t pa = address_of(r[4]);
		if (!pa)
			pa = (nr_ranges ? ranges[0].addr : 0x40000000UL) + r[4];
		r[4] = ns_access(pa, command == SP_MEM_WRITE, r[5]);
		break;
	}
	case SP_MEM_RELINQUISH:
		relinquish(me, r);
		break;
	case SP_MEM_MAILBOX:
		if (r[4] == 1)
			note = r[5];
		r[4] = last_handle;
		r[5] = note;
		break;
	}
}
