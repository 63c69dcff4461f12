/*
 * The machine Triad runs on, as read from the device tree the firmware (or QEMU) hands
 * over. A real board differs only in what its DTB says, plus plat/<board>/ quirks.
 */
#ifndef TRIAD_PLATFORM_H
#define TRIAD_PLATFORM_H

#include <stdbool.h>
#include <plat.h>
#include <stdint.h>

#define MAX_MEM_BANKS	 8
#define MAX_VIRTIO_SLOTS 32

/* A virtio-mmio transport of the machine (QEMU virt has 32, most of them empty). */
struct virtio_slot {
	uint64_t base;
	uint32_t intid;
};

struct mem_bank {
	uint64_t base;
	uint64_t size;
};

/* The PCIe host bridge (pci-host-ecam-generic): bus 0 is what Triad uses. */
#define MAX_PCI_INTX 32
struct pci_host {
	uint64_t ecam_base, ecam_size;
	uint64_t mmio_base, mmio_size; /* the 32-bit memory window, CPU address = bus address */
	struct {
		uint32_t devfn_bits; /* devfn << 8 as interrupt-map has it (masked) */
		uint32_t pin;	     /* 1..4 = INTA..INTD */
		uint32_t intid;
	} intx[MAX_PCI_INTX];
	unsigned nintx;
	uint32_t intx_mask; /* interrupt-map-mask's first cell */
	uint32_t sid_base;  /* iommu-map: stream ID of requester ID 0 */
	bool behind_smmu;
};

struct platform {
	const void *fdt;  /* the machine's DTB itself, kept for passthrough devices */
	bool own_monitor; /* booted by Triad's EL3 monitor (which answers every SMC) */
	uint64_t fw_reserved_base, fw_reserved_size; /* the firmware's memory (boot_info) */
	struct mem_bank mem[MAX_MEM_BANKS];
	unsigned nmem;
	uint64_t cpu_mpidr[MAX_CPUS];
	unsigned ncpus;
	uint64_t gicd_base;
	uint64_t gicr_base;
	uint64_t gicr_size;
	uint32_t gic_maint_intid;
	uint64_t uart_base;
	uint32_t uart_intid;
	uint32_t timer_hyp_intid;  /* EL2 physical timer */
	uint32_t timer_virt_intid; /* EL1 virtual timer */
	uint32_t timer_phys_intid; /* EL1 physical timer */
	uint64_t rtc_base;	   /* PL031 real-time clock, or 0 */
	uint64_t gpio_base;	   /* PL061 with the machine's power key, or 0 */
	uint32_t gpio_intid;
	uint32_t power_key_line; /* its GPIO line (gpio-keys' KEY_POWER) */
	uint32_t pmu_intid;	 /* PMU overflow (a PPI), or 0: no PMU */
	struct virtio_slot virtio[MAX_VIRTIO_SLOTS];
	unsigned nvirtio;
	uint64_t smmu_base;	    /* SMMUv3, or 0 */
	uint32_t smmu_eventq_intid; /* its event queue interrupt */
	uint32_t smmu_gerror_intid;
	struct pci_host pci; /* ecam_base 0: none */
	uint64_t initrd_start;
	uint64_t initrd_end;
	char bootargs[256];
	char psci_method[4]; /* "smc" or "hvc" */
};

/* Fills *p from the DTB; returns 0 or a negative error with *why set. */
int platform_parse(const void *fdt, struct platform *p, const char **why);

#endif
