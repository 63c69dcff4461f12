/* Triad's SMMUv3 driver: DMA from the machine's PCI devices goes through it. Every stream
 * aborts until it is given to a VM; then the device's DMA is translated by that VM's own
 * stage-2 tables, so it reaches the VM's memory and nothing else. */
#ifndef TRIAD_SMMU_H
#define TRIAD_SMMU_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

bool smmu_present(void);
/* Stream sid's DMA goes through vm's stage 2 from now on. */
int smmu_attach(uint32_t sid, struct vm *vm);
/* The SMMU's TLB entries of VMID vmid (its devices walk the VM's stage-2 tables): after
 * Triad takes pages out of them. Nothing without an SMMU. */
void smmu_flush_vm(uint16_t vmid);
/* The first four doublewords of a stream table entry that sends a stream through stage 2
 * only: VMID, the VM's stage-2 table root and the format fields copied from VTCR_EL2 (the
 * CPU and the SMMU walk the same tables), output size capped to the SMMU's `oas` field.
 * Pure logic, host-tested. */
void smmu_ste_stage2(uint64_t ste[4], uint16_t vmid, uint64_t vtcr, unsigned oas, uint64_t s2_root);

#endif
