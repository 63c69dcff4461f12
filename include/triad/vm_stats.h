/* Per-vCPU statistics, kvm_stat-like: exits by reason, interrupts injected, where the time
 * went, I/O. Counted by the CPU running the vCPU (no atomics on the exit path); a reader
 * adds them up per VM while the VM runs (a count may be one behind). */
#ifndef TRIAD_VM_STATS_H
#define TRIAD_VM_STATS_H

#include <stdint.h>

enum vm_exit_reason {
	VM_EXIT_OTHER, /* first: exception classes not listed map to it */
	VM_EXIT_HVC,
	VM_EXIT_SMC,
	VM_EXIT_DABT, /* data aborts: emulated MMIO, or an access outside the VM's memory */
	VM_EXIT_IABT,
	VM_EXIT_SYSREG,
	VM_EXIT_WFX,
	VM_EXIT_FP, /* trapped FP/SIMD, SVE or SME use */
	VM_EXIT_IRQ,
	VM_EXIT_NR
};

struct vcpu_stats {
	uint64_t exits[VM_EXIT_NR];
	uint64_t guest_ticks; /* counter ticks in the guest, between entry and exit */
	uint64_t setway_ops;  /* trapped DC ISW/CSW/CISW (core/setway.c) */
};

/* Per VM, from any CPU (atomic adds). */
struct vm_io_stats {
	uint64_t requests; /* virtio requests completed: disk requests, frames sent and received */
	uint64_t bytes;
};

struct vm;
/* The reason of an exit with ESR_EL2 esr: a table lookup, on the exit path. */
extern const uint8_t vm_exit_reason_of_ec[64];
static inline enum vm_exit_reason vm_exit_reason(uint64_t esr)
{
	return (enum vm_exit_reason)vm_exit_reason_of_ec[(esr >> 26) & 63];
}
const char *vm_exit_reason_name(unsigned reason);
/* A virtio request of the VM completed, moving `bytes` of data. */
void vm_stats_io(struct vm *vm, uint64_t bytes);

/* A VM's totals. */
struct vm_stats_total {
	uint64_t exits[VM_EXIT_NR], exits_total;
	uint64_t injected;		 /* interrupts made pending for its vCPUs */
	uint64_t guest_ticks, run_ticks; /* in the guest; on a CPU (guest + Triad for it) */
	uint64_t setway_ops;
	struct vm_io_stats io;
};
void vm_stats_sum(const struct vm *vm, struct vm_stats_total *t);
void vm_stats_print(const struct vm *vm);

#endif
