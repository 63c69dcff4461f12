#ifndef CORE_EL2_H
#define CORE_EL2_H

#include <stdint.h>

/* Guest-independent EL2 controls for the calling CPU. */
void el2_cpu_init(void);
/* Machine-wide: VMID width, stage-2 geometry. Runs once, on the boot CPU. */
void el2_global_init(void);
unsigned el2_ipa_bits(void);
/* Before el2_global_init: a device walking the VMs' stage-2 tables takes IPAs this wide. */
void el2_limit_ipa_bits(unsigned bits);
/* VTCR_EL2 as Triad sets it: the stage-2 format an SMMU must walk VMs' tables with. */
uint64_t el2_vtcr(void);
int el2_vmid_alloc(void);
/* Drops the TLB entries (walk caches too) of a VMID on every CPU. */
void el2_tlb_flush_vmid(uint16_t vmid);
/* A VM that ran under vmid is gone: its TLB entries (walk caches too) go on every CPU, then
 * the VMID is free for another VM. Before its stage-2 tables are freed. */
void el2_vmid_release(uint16_t vmid);
/* The routing of the physical UART's input to the guest consoles. */
void console_input_init(void);
void console_input_irq(void);

/* HCR_EL2 while a guest runs. */
#define GUEST_HCR                                                                                  \
	(HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI |         \
	 HCR_TWE | HCR_TID3 | HCR_TSC | HCR_TIDCP | HCR_TLOR | HCR_TERR | HCR_RW | HCR_APK |       \
	 HCR_API)

#endif
