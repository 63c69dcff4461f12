/* FF-A notifications at Normal EL2 (notif_hyp.c), for ffa_hyp.c's dispatch. */
#ifndef SECURITY_FFA_NOTIF_HYP_H
#define SECURITY_FFA_NOTIF_HYP_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vm;

/* The Notification Pending Interrupt a VM takes: a virtual SGI (FFA_FEATURES(NPI)). Linux
 * takes SGIs 0-7 for its IPIs. */
#define FFA_NPI_VSGI 9

/* At boot, after the SPMC's probe: whether it keeps notifications, and its SRI. */
void ffa_notif_init(bool spmc_present);
/* FFA_FEATURES for a VM: true if it answered into x. */
bool ffa_notif_features(uint64_t *x);
/* A VM's notification call: true if it was one (answered into v's registers x). */
bool ffa_notif_call(struct vcpu *v, uint64_t *x);
/* The VM is about to run (its bitmaps made), or is reset or stopped (they go). */
void ffa_notif_vm_loaded(struct vm *vm);
void ffa_notif_vm_reset(struct vm *vm);
/* Triad's framework notification bits (FFA_NOTIF_FW_RX_FULL) for vm, its NPI raised. */
void ffa_notif_hyp_framework(struct vm *vm, uint32_t bits);

#endif
