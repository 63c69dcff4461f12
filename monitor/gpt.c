/*
 * The Granule Protection Table (FEAT_RME): which physical address space may reach each
 * 4 KiB granule. The first GiB (flash, devices, secure RAM) is open to every PAS (secure
 * RAM is reachable only from the Secure address space anyway); all of DRAM is described
 * granule by granule, a level-1 table per GiB (the tables one array, in address order, so
 * that a granule's entry is one index away), Non-secure except the firmware's memory at its
 * top (the Realm region, the GPT's own tables); the rest of the address space is open.
 * Granules change between Non-secure and Realm only through gpt_transition(), on the RMM's
 * request.
 */
#include "monitor.h"

#define GPI_SECURE 0x8ULL
#define GPI_NS	   0x9ULL
#define GPI_ROOT   0xaULL
#define GPI_REALM  0xbULL
#define GPI_ANY	   0xfULL

#define L0_BLOCK(gpi) (((gpi) << 4) | 0x1)
#define L0_TABLE(pa)  ((pa) | 0x3)
#define L0_ENTRIES    1024 /* PPS 1 TB, 1 GiB each (L0GPTSZ 30) */

/* GPCCR_EL3: PPS 1 TB, 4 KiB granules, inner shareable, write-back walks. */
#define GPCCR_PPS_1TB (2ULL << 0)
#define GPCCR_IRGN_WB (1ULL << 8)
#define GPCCR_ORGN_WB (1ULL << 10)
#define GPCCR_SH_IS   (3ULL << 12)
#define GPCCR_GPC     (1ULL << 16)
#define GPCCR_BASE    (GPCCR_PPS_1TB | GPCCR_IRGN_WB | GPCCR_ORGN_WB | GPCCR_SH_IS)

#define write_gpccr(v) __asm__ volatile("msr s3_6_c2_c1_6, %0" ::"r"((uint64_t)(v)))
#define write_gptbr(v) __asm__ volatile("msr s3_6_c2_c1_4, %0" ::"r"((uint64_t)(v)))
/* TLBI PAALLOS and TLBI RPALOS (4 KiB at PA[51:12]) as SYS, which any assembler knows. */
#define tlbi_paallos() __asm__ volatile("sys #6, c8, c1, #4" ::: "memory")
#define tlbi_rpalos(x) __asm__ volatile("sys #6, c8, c4, #7, %0" ::"r"(x) : "memory")
/* DC CIPAPA: clean and invalidate to the PoPA, PA with its PAS in bits 63 (NS), 62 (NSE). */
#define dc_cipapa(x) __asm__ volatile("sys #6, c7, c14, #1, %0" ::"r"(x) : "memory")

static uint64_t l0[L0_ENTRIES] __attribute__((aligned(8192)));
bool gpt_on;	     /* the tables are built: each CPU turns the GPT on (monitor.c) */
uint64_t rmm_shared; /* the page EL3 and the RMM share, open to all (monitor.c sets it) */
static uint64_t *l1; /* all of DRAM, 16 granules per entry */
static uint64_t realm_base, realm_end, dram_end;
static uint32_t gpt_lock; /* RMMs on several CPUs may ask at once */

bool gpt_supported(void)
{
	return (read_sysreg(id_aa64pfr0_el1) >> 52) & 0xf;
}

static void set_gpi(uint64_t pa, uint64_t gpi)
{
	uint64_t g = (pa - RAM_BASE) / PAGE_SIZE;
	uint64_t *e = &l1[g / 16];
	unsigned shift = (unsigned)(g % 16) * 4;
	*e = (*e & ~(0xfULL << shift)) | (gpi << shift);
}

static uint64_t get_gpi(uint64_t pa)
{
	uint64_t g = (pa - RAM_BASE) / PAGE_SIZE;
	return (l1[g / 16] >> ((g % 16) * 4)) & 0xf;
}

uint64_t gpt_l1_size(uint64_t ram_size)
{
	return ALIGN_UP(ram_size, SZ_1G) / SZ_1G * GPT_L1_SIZE;
}

void gpt_init(uint64_t ram_size, uint64_t l1_base, uint64_t realm, uint64_t realm_size,
	      uint64_t shared_page)
{
	uint64_t l1_size = gpt_l1_size(ram_size);
	dram_end = RAM_BASE + ram_size;
	l1 = (uint64_t *)l1_base;
	for (uint64_t i = 0; i < l1_size / 8; i++)
		l1[i] = 0x9999999999999999ULL; /* every granule Non-secure */
	for (uint64_t pa = l1_base; pa < l1_base + l1_size; pa += PAGE_SIZE)
		set_gpi(pa, GPI_ROOT);
	realm_base = realm;
	realm_end = realm + realm_size;
	for (uint64_t pa = realm_base; pa < realm_end; pa += PAGE_SIZE)
		set_gpi(pa, GPI_REALM);
	set_gpi(shared_page, GPI_ANY);
	for (unsigned i = 0; i < L0_ENTRIES; i++) {
		uint64_t base = (uint64_t)i * SZ_1G;
		l0[i] = base >= RAM_BASE && base < dram_end
			    ? L0_TABLE(l1_base + (base - RAM_BASE) / SZ_1G * GPT_L1_SIZE)
			    : L0_BLOCK(GPI_ANY);
	}
	dsb(sy);
}

/* [base, base + size) becomes Root (EL3's alone) or Secure; the change holds on every CPU
 * on return. */
void gpt_set_firmware(uint64_t base, uint64_t size, bool secure)
{
	for (uint64_t pa = base; pa < base + size; pa += PAGE_SIZE)
		set_gpi(pa, secure ? GPI_SECURE : GPI_ROOT);
	dsb(sy);
	tlbi_paallos();
	dsb(sy);
	isb();
}

/* On each CPU before it leaves EL3: the checks on (TF-A's order: walk setup, invalidate,
 * then enable). */
void gpt_enable(void)
{
	write_gptbr((uint64_t)l0 >> 12);
	write_gpccr(GPCCR_BASE);
	isb();
	tlbi_paallos();
	dsb(sy);
	isb();
	write_gpccr(GPCCR_BASE | GPCCR_GPC);
	isb();
	tlbi_paallos();
	dsb(sy);
	isb();
}

void monitor_gpt_start(void)
{
	if (gpt_on)
		gpt_enable();
}

/* The granule's cache lines, through the given PAS alias, to the point of physical
 * aliasing: no line of the old PAS survives the change. */
static void clean_inval_pa(uint64_t pa_with_pas)
{
	for (uint64_t off = 0; off < PAGE_SIZE; off += 64)
		dc_cipapa(pa_with_pas + off);
}

#define PAS_NS	  (1ULL << 63)
#define PAS_REALM (3ULL << 62)

/* Moves a granule between Non-secure and Realm for the RMM. Returns 0, or -2 (not a
 * granule the GPT describes as delegable) or -3 (not in the expected PAS). */
int gpt_transition(uint64_t pa, bool to_realm)
{
	if (pa % PAGE_SIZE || pa < RAM_BASE || pa >= dram_end || !l1)
		return -2;
	if (pa >= realm_base && pa < realm_end)
		return -3; /* the RMM's own memory stays Realm */
	while (__atomic_exchange_n(&gpt_lock, 1, __ATOMIC_ACQUIRE))
		;
	uint64_t want = to_realm ? GPI_NS : GPI_REALM;
	if (get_gpi(pa) != want) {
		__atomic_store_n(&gpt_lock, 0, __ATOMIC_RELEASE);
		return -3;
	}
	clean_inval_pa(pa | (to_realm ? PAS_REALM : PAS_NS));
	set_gpi(pa, to_realm ? GPI_REALM : GPI_NS);
	dsb(oshst);
	tlbi_rpalos(pa >> 12);
	dsb(osh);
	isb();
	clean_inval_pa(pa | (to_realm ? PAS_NS : PAS_REALM));
	dsb(sy);
	__atomic_store_n(&gpt_lock, 0, __ATOMIC_RELEASE);
	return 0;
}
