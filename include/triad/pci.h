/* The machine's PCIe bus 0 as Triad sets it up: functions found, memory BARs placed in the
 * host bridge's 32-bit window (once, at boot), INTx lines and stream IDs worked out. Triad
 * uses no PCI device itself; they are there to be given to VMs. */
#ifndef TRIAD_PCI_H
#define TRIAD_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_FUNCS 32
#define PCI_BARS      6

struct vm;

struct pci_bar {
	uint64_t addr, size; /* size 0: none (or an I/O BAR, which VMs do not get) */
	uint32_t flags;	     /* the BAR's low bits: 64-bit, prefetchable */
	bool upper;	     /* the high half of the 64-bit BAR before it */
};

struct pci_func {
	uint8_t devfn;
	uint16_t vendor, device;
	struct pci_bar bar[PCI_BARS];
	uint8_t pin;	/* INTA..INTD = 1..4, 0: none */
	uint32_t intid; /* its INTx line, an SPI (0: none) */
	uint32_t sid;	/* SMMU stream ID */
	struct vm *owner;
};

/* The function at bus 0 devfn, or NULL. */
struct pci_func *pci_func_at(unsigned devfn);
uint32_t pci_cfg_read(const struct pci_func *f, uint32_t off, unsigned size);
void pci_cfg_write(const struct pci_func *f, uint32_t off, unsigned size, uint32_t val);

#endif
