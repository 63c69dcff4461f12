/* The hypervisor's own EL2 stage-1 translation: RAM and the devices it drives, mapped 1:1. */
#include <arch/mte.h>
#include <arch/sysreg.h>
#include <triad/panic.h>
#include <triad/mem.h>
#include <triad/platform.h>
#include <triad/util.h>

#include "el2_mmu.h"

/* Read by secondary CPUs before their MMU is on: cleaned to memory after being written. */
struct mmu_regs el2_mmu_regs;
static struct pgtable el2_pt;

extern char _start[], _etext[], _erodata[], _end[];
void mmu_enable(struct mmu_regs *r);

#define TCR_T0SZ(bits) (64 - (bits))

unsigned pa_range_bits(void)
{
	static const unsigned bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned r = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	return r < ARRAY_SIZE(bits) ? bits[r] : 48;
}

/* TCR/VTCR PS field for the physical address size (capped at 48 bits, 4 KB pages). */
unsigned pa_range_field(void)
{
	unsigned r = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	return r > 5 ? 5 : r;
}

static void map_or_die(uint64_t base, uint64_t size, uint64_t attr)
{
	uint64_t lo = ALIGN_DOWN(base, PAGE_SIZE), hi = ALIGN_UP(base + size, PAGE_SIZE);
	int r = pt_map(&el2_pt, lo, lo, hi - lo, attr);
	if (r)
		panic("EL2 map of 0x%lx+0x%lx failed (%d)", lo, hi - lo, r);
}

void mmu_init(const struct platform *p)
{
	if (pt_init(&el2_pt, 48, &mem_pt_allocator))
		panic("no memory for EL2 page tables");
	uint64_t img_lo = (uint64_t)_start, text_hi = (uint64_t)_etext;
	uint64_t ro_hi = (uint64_t)_erodata, img_hi = (uint64_t)_end;
	for (unsigned i = 0; i < p->nmem; i++) {
		uint64_t b = p->mem[i].base, e = b + p->mem[i].size;
		if (img_lo >= b && img_hi <= e) {
			if (img_lo > b)
				map_or_die(b, img_lo - b, S1_NORMAL_RW);
			map_or_die(img_lo, text_hi - img_lo, S1_NORMAL_RX);
			map_or_die(text_hi, ro_hi - text_hi, S1_NORMAL_RO);
			map_or_die(ro_hi, img_hi - ro_hi, S1_NORMAL_RW);
			if (e > img_hi)
				map_or_die(img_hi, e - img_hi, S1_NORMAL_RW);
		} else {
			map_or_die(b, e - b, S1_NORMAL_RW);
		}
	}
	map_or_die(p->gicd_base, SZ_64K, S1_DEVICE_RW);
	map_or_die(p->gicr_base, p->gicr_size, S1_DEVICE_RW);
	map_or_die(p->uart_base, PAGE_SIZE, S1_DEVICE_RW);
	if (p->gpio_base)
		map_or_die(p->gpio_base, PAGE_SIZE, S1_DEVICE_RW);
	if (p->rtc_base)
		map_or_die(p->rtc_base, PAGE_SIZE, S1_DEVICE_RW);
	if (p->smmu_base)
		map_or_die(p->smmu_base, 0x20000, S1_DEVICE_RW);
	if (p->pci.ecam_base)
		map_or_die(p->pci.ecam_base, SZ_1M, S1_DEVICE_RW); /* bus 0 */
	/* The virtio-mmio windows share pages: each page once. */
	for (unsigned i = 0; i < p->nvirtio; i++) {
		uint64_t page = ALIGN_DOWN(p->virtio[i].base, PAGE_SIZE);
		bool seen = false;
		for (unsigned j = 0; j < i; j++)
			seen |= ALIGN_DOWN(p->virtio[j].base, PAGE_SIZE) == page;
		if (!seen)
			map_or_die(page, PAGE_SIZE, S1_DEVICE_RW);
	}

	el2_mmu_regs.mair = S1_MAIR_VALUE;
	el2_mmu_regs.sctlr = SCTLR_EL2_MMU_ON;
	if (cpu_has_mte_tags()) {
		/* RAM as Tagged Normal, so that Triad can scrub (DC GZVA) a guest's allocation
		 * tags with its data; its own accesses stay unchecked (SCTLR_EL2.TCF 0). */
		el2_mmu_regs.mair = (S1_MAIR_VALUE & ~(0xffUL << (8 * S1_MAIR_NORMAL))) |
				    (MAIR_NORMAL_TAGGED << (8 * S1_MAIR_NORMAL));
		el2_mmu_regs.sctlr |= SCTLR_EL2_ATA | SCTLR_EL2_ITFSB;
	}
	el2_mmu_regs.tcr = TCR_EL2_RES1 | TCR_T0SZ(48) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
			   TCR_SH0_INNER | ((uint64_t)pa_range_field() << 16);
	el2_mmu_regs.ttbr0 = el2_pt.root;
	mmu_enable(&el2_mmu_regs);
	/* Secondaries read these with their MMU off. */
	__asm__ volatile("dc civac, %0" ::"r"(&el2_mmu_regs) : "memory");
	dsb(sy);
}
