/*
 * The RMM's own address space (Realm EL2, one translation regime): the first GiB of DRAM
 * mapped twice, at its PA in the Realm PAS (realm objects, delegated granules) and at PA +
 * NS_ALIAS in the Non-secure PAS (the host's parameter granules), both non-executable
 * except the RMM's own text; the UART as a device. Granule protection still applies: a
 * host granule read through the NS alias that the GPT says is not Non-secure faults, and
 * the NS accessors (ns_access.S) turn that into an error.
 */
#include "rmm.h"

#define DESC_TABLE  3ULL
#define DESC_BLOCK  1ULL
#define DESC_PAGE   3ULL
#define ATTR_DEVICE (0ULL << 2) /* MAIR index 0: Device-nGnRE */
#define ATTR_NORMAL (1ULL << 2) /* MAIR index 1: Normal write-back */
#define DESC_NS	    (1ULL << 5)
#define DESC_RO	    (1ULL << 7)
#define DESC_ISH    (3ULL << 8)
#define DESC_AF	    (1ULL << 10)
#define DESC_XN	    (1ULL << 54)
#define MAIR_VALUE  0xff04ULL
/* TCR_EL2: 39-bit VA (T0SZ 25, walks from level 1), 4 KiB granule, write-back inner
 * shareable walks, 40-bit PA; RES1 bits 31 and 23. */
#define TCR_VALUE                                                                                  \
	(25ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (2ULL << 16) | (1ULL << 23) |         \
	 (1ULL << 31))

#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define UART0 0x09000000ULL

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2_io[512] __attribute__((aligned(4096)));
static uint64_t l2_dram[512] __attribute__((aligned(4096)));
static uint64_t l3_image[2][512] __attribute__((aligned(4096)));

extern char _rmm_entry[], _etext[], _end[];

/* The 2 MiB blocks holding the image get page tables: its text executable and read-only,
 * everything else writable and never executable. */
static void map_image(void)
{
	uint64_t start = (uint64_t)_rmm_entry, text_end = (uint64_t)_etext;
	uint64_t first = (start - TRACKED_BASE) / SZ_2M;
	for (unsigned t = 0; t < 2; t++) {
		uint64_t block = TRACKED_BASE + (first + t) * SZ_2M;
		for (unsigned i = 0; i < 512; i++) {
			uint64_t pa = block + i * GRANULE_SIZE;
			bool text = pa >= start && pa < text_end;
			l3_image[t][i] = pa | DESC_PAGE | ATTR_NORMAL | DESC_ISH | DESC_AF |
					 (text ? DESC_RO : DESC_XN);
		}
		l2_dram[first + t] = (uint64_t)l3_image[t] | DESC_TABLE;
	}
}

void mmu_build(void)
{
	for (unsigned i = 0; i < 512; i++)
		l2_dram[i] = (TRACKED_BASE + i * SZ_2M) | DESC_BLOCK | ATTR_NORMAL | DESC_ISH |
			     DESC_AF | DESC_XN;
	map_image();
	l2_io[UART0 / SZ_2M] =
	    (UART0 & ~(SZ_2M - 1)) | DESC_BLOCK | ATTR_DEVICE | DESC_NS | DESC_AF | DESC_XN;
	l1[0] = (uint64_t)l2_io | DESC_TABLE;
	l1[TRACKED_BASE / SZ_1G] = (uint64_t)l2_dram | DESC_TABLE;
	l1[(TRACKED_BASE + NS_ALIAS) / SZ_1G] =
	    TRACKED_BASE | DESC_BLOCK | ATTR_NORMAL | DESC_NS | DESC_ISH | DESC_AF | DESC_XN;
	dsb(sy);
}

/* On every CPU, before anything is read through the NS alias. */
void mmu_enable(void)
{
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, TCR_VALUE);
	write_sysreg(ttbr0_el2, (uint64_t)l1);
	isb();
	__asm__ volatile("tlbi alle2; dsb ish; isb" ::: "memory");
	write_sysreg(sctlr_el2, SCTLR_EL2_MMU_ON);
	isb();
}
