/* The device tree Triad writes for each guest: only what the VM really has. Pure logic. */
#ifndef TRIAD_GUEST_DT_H
#define TRIAD_GUEST_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_dt_virtio {
	uint64_t base; /* a 0x200-byte virtio-mmio window */
	uint32_t spi;
};

/* A machine device given to the VM: its node, as the machine's DT has it. */
#define GUEST_DT_PT_MAX_REGS 2
#define GUEST_DT_PT_MAX_IRQS 4
struct guest_dt_passthrough {
	const char *name;	/* node name, e.g. "pl011@9040000" */
	const char *compatible; /* the property's bytes (NUL-separated strings) */
	int compatible_len;
	uint64_t reg[GUEST_DT_PT_MAX_REGS][2]; /* base, size: the same in the VM */
	unsigned nreg;
	uint32_t irq[GUEST_DT_PT_MAX_IRQS][3]; /* GIC specifiers: SPI, number, flags */
	unsigned nirq;
	bool primecell; /* an AMBA device: it needs the APB clock in its node */
};

/* A PCIe host bridge (ECAM, bus 0) with one function given to the VM. */
struct guest_dt_pci {
	uint64_t ecam_base;	       /* 1 MB: bus 0 */
	uint64_t mmio_base, mmio_size; /* 32-bit memory window, bus address = IPA */
	uint32_t devfn, pin, spi;      /* the function's INTx: pin 1..4 to SPI spi (0: none) */
};

struct guest_dt_params {
	uint64_t mem_base, mem_size;
	unsigned ncpus;
	const uint64_t *mpidr; /* ncpus entries */
	const char *bootargs;
	uint64_t initrd_start, initrd_end; /* both 0 without an initrd */
	uint64_t gicd_base, gicr_base;
	uint64_t its_base; /* an arm,gic-v3-its of VITS_SIZE bytes, or 0 for none */
	uint64_t uart_base;
	uint32_t uart_spi;		      /* SPI number (INTID - 32) */
	uint64_t rtc_base;		      /* PL031, or 0 for none */
	const struct guest_dt_virtio *virtio; /* nvirtio virtio-mmio devices */
	unsigned nvirtio;
	const struct guest_dt_pci *pci;		  /* or NULL */
	struct guest_dt_passthrough *passthrough; /* npassthrough devices (room for 12) */
	unsigned npassthrough;
	uint32_t rtc_spi;
	/* A PL061 GPIO controller, or 0 for none, with a gpio-keys power key (KEY_POWER) on
	 * its line power_line, as QEMU virt has it. */
	uint64_t gpio_base;
	uint32_t gpio_spi, power_line;
	/* QEMU virt's two CFI flash banks (one cfi-flash node, bank width 4), the second at
	 * flash1_base, or flash1_size 0 for none: a UEFI VM's code and variable store. */
	uint64_t flash0_size, flash1_base, flash1_size;
	uint32_t timer_ppi[4]; /* PPI numbers: secure phys, phys, virt, hyp phys */
	bool pmu;	       /* a PMUv3, whose overflow interrupt is PPI pmu_ppi */
	bool psci_smc;	       /* PSCI through SMC (a realm) rather than HVC */
	bool optee;	       /* an OP-TEE node: its SMCs go to Triad's mediator */
	uint32_t pmu_ppi;
};

/* Writes the DTB into buf; returns 0 or a negative libfdt error. */
int guest_dt_build(void *buf, size_t size, const struct guest_dt_params *p);

#endif
