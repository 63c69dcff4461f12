/* PCIe bus 0 through the host bridge's ECAM window: enumeration and BAR placement. */
#include <triad/cpu.h>
#include <triad/feature.h>
#include <triad/log.h>
#include <triad/pci.h>
#include <triad/util.h>

static struct pci_func funcs[PCI_MAX_FUNCS];
static unsigned nr_funcs;

static volatile void *cfg_addr(unsigned devfn, uint32_t off)
{
	return (volatile void *)(plat.pci.ecam_base + ((uint64_t)devfn << 12) + off);
}

static uint32_t raw_read(unsigned devfn, uint32_t off, unsigned size)
{
	volatile void *p = cfg_addr(devfn, off);
	return size == 1   ? *(volatile uint8_t *)p
	       : size == 2 ? *(volatile uint16_t *)p
			   : *(volatile uint32_t *)p;
}

static void raw_write(unsigned devfn, uint32_t off, unsigned size, uint32_t v)
{
	volatile void *p = cfg_addr(devfn, off);
	if (size == 1)
		*(volatile uint8_t *)p = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)v;
	else
		*(volatile uint32_t *)p = v;
}

uint32_t pci_cfg_read(const struct pci_func *f, uint32_t off, unsigned size)
{
	return raw_read(f->devfn, off, size);
}

void pci_cfg_write(const struct pci_func *f, uint32_t off, unsigned size, uint32_t val)
{
	raw_write(f->devfn, off, size, val);
}

struct pci_func *pci_func_at(unsigned devfn)
{
	for (unsigned i = 0; i < nr_funcs; i++)
		if (funcs[i].devfn == devfn)
			return &funcs[i];
	return NULL;
}

/* Sizes the BARs and places the memory ones, naturally aligned, in the 32-bit window. */
static void place_bars(struct pci_func *f, uint64_t *next)
{
	const struct pci_host *h = &plat.pci;
	for (unsigned i = 0; i < PCI_BARS; i++) {
		uint32_t off = 0x10 + 4 * i;
		uint32_t old = raw_read(f->devfn, off, 4);
		raw_write(f->devfn, off, 4, 0xffffffff);
		uint32_t lo = raw_read(f->devfn, off, 4);
		raw_write(f->devfn, off, 4, old);
		if (!lo || (lo & 1))
			continue; /* none, or I/O space */
		bool is64 = ((lo >> 1) & 3) == 2 && i + 1 < PCI_BARS;
		uint64_t mask = lo & ~0xfULL;
		if (is64) {
			uint32_t old_hi = raw_read(f->devfn, off + 4, 4);
			raw_write(f->devfn, off + 4, 4, 0xffffffff);
			mask |= (uint64_t)raw_read(f->devfn, off + 4, 4) << 32;
			raw_write(f->devfn, off + 4, 4, old_hi);
		} else {
			mask |= 0xffffffff00000000ULL;
		}
		uint64_t size = ~mask + 1;
		/* Whole pages, so that a VM's mapping of one BAR shows nothing else. */
		uint64_t align = MAX(size, PAGE_SIZE);
		uint64_t addr = ALIGN_UP(*next, align);
		if (!size || addr + align > h->mmio_base + h->mmio_size) {
			pr_warn("PCI 00:%02x.%u: BAR %u (%lu bytes) does not fit the window",
				f->devfn >> 3, f->devfn & 7, i, (unsigned long)size);
			if (is64)
				i++;
			continue;
		}
		*next = addr + align;
		f->bar[i] = (struct pci_bar){addr, align, lo & 0xf, false};
		raw_write(f->devfn, off, 4, (uint32_t)addr);
		if (is64) {
			raw_write(f->devfn, off + 4, 4, (uint32_t)(addr >> 32));
			f->bar[++i] = (struct pci_bar){0, 0, 0, true};
		}
	}
}

static uint32_t intx_of(unsigned devfn, uint8_t pin)
{
	const struct pci_host *h = &plat.pci;
	for (unsigned i = 0; i < h->nintx; i++)
		if (((devfn << 8) & h->intx_mask) == (h->intx[i].devfn_bits & h->intx_mask) &&
		    h->intx[i].pin == pin)
			return h->intx[i].intid;
	return 0;
}

static void pci_init(void)
{
	const struct pci_host *h = &plat.pci;
	if (!h->ecam_base)
		return;
	uint64_t next = h->mmio_base;
	for (unsigned devfn = 0; devfn < 256 && nr_funcs < PCI_MAX_FUNCS; devfn++) {
		uint32_t id = raw_read(devfn, 0, 4);
		if (id == 0xffffffff || !id)
			continue;
		uint8_t hdr = (uint8_t)raw_read(devfn, 0x0e, 1);
		if ((hdr & 0x7f) != 0) {
			if (!(devfn & 7) && !(hdr & 0x80))
				devfn += 7;
			continue; /* bridges stay Triad's (and unused) */
		}
		struct pci_func *f = &funcs[nr_funcs++];
		*f = (struct pci_func){.devfn = (uint8_t)devfn,
				       .vendor = (uint16_t)id,
				       .device = (uint16_t)(id >> 16)};
		raw_write(devfn, 0x04, 2, 0); /* no decode, no DMA while we look */
		place_bars(f, &next);
		f->pin = (uint8_t)raw_read(devfn, 0x3d, 1);
		f->intid = f->pin ? intx_of(devfn, f->pin) : 0;
		f->sid = h->sid_base + devfn;
		pr_info("PCI 00:%02x.%u: %04x:%04x%s", devfn >> 3, devfn & 7, f->vendor, f->device,
			f->intid ? "" : " (no INTx)");
		if (!(devfn & 7) && !(hdr & 0x80))
			devfn += 7; /* single-function device */
	}
}

FEATURE(60, pci) = {.init = pci_init};
