/* The guest's exceptions as Triad handles them: traps (core/trap.c and the handlers it
 * dispatches to) and architectural exceptions delivered to the guest (core/inject.c). */
#ifndef TRIAD_TRAP_H
#define TRIAD_TRAP_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vm;

/* core/inject.c: architectural exceptions delivered to the guest's EL1. */
void inject_undef(struct vcpu *v);
void inject_data_abort(struct vcpu *v, uint64_t far, bool write);
void inject_insn_abort(struct vcpu *v, uint64_t far);

/* core/trap.c */
void handle_guest_sync(struct vcpu *v, uint64_t esr);
/* Blocks the vCPU until it has an interrupt to take (WFI, PSCI standby). */
void handle_wfi_wait(struct vcpu *v);
/* core/psci.c */
void handle_smccc(struct vcpu *v);
/* core/sysreg_trap.c */
void handle_sysreg_trap(struct vcpu *v, uint64_t esr);
/* core/setway.c: a trapped DC ISW/CSW/CISW (HCR_EL2.TSW, a strict VM's). */
void handle_setway_trap(struct vcpu *v, uint64_t esr, uint64_t val);
/* core/vcpu.c: a lazy-FP vCPU's first FP/SIMD instruction since its load (CPTR_EL2.TFP):
 * its registers go into the CPU, the instruction runs again. */
void vcpu_fp_first_use(struct vcpu *v, bool sve);
/* core/mmio.c */
void handle_mmio_abort(struct vcpu *v, uint64_t esr, uint64_t ipa);
/* Whether an emulated device of the VM claims ipa. */
bool mmio_claims(struct vm *vm, uint64_t ipa);
/* The access an abort's syndrome describes, to the device at ipa: false if there is no
 * device there or it refuses. value: the data written, or the data read (extended as the
 * load asked). */
bool mmio_emulate(struct vcpu *v, uint64_t esr, uint64_t ipa, uint64_t *value);
/* A vCPU's write of ICC_SGI1R_EL1: the SGIs it names, sent (core/sysreg_trap.c). */
void vcpu_send_sgi(struct vcpu *v, uint64_t sgi1r);

#endif
