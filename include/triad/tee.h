/* The normal-world side of the trusted OS in the secure world (security/tee). */
#ifndef TRIAD_TEE_H
#define TRIAD_TEE_H

#include <stdbool.h>

/* OP-TEE answered at boot. */
extern bool tee_present;
/* Asks the secure world, at boot, whether OP-TEE is there. */
void tee_probe(void);

struct vcpu;
struct vm;
/* A guest's SMC/HVC: true if it was a trusted-OS call, now answered in its registers. */
bool tee_guest_call(struct vcpu *v);
/* The VM stopped or is being reset, none of its vCPUs running: OP-TEE forgets it (its
 * sessions and shared memory) and Triad frees what it kept for it. */
void tee_vm_destroyed(struct vm *vm);

#endif
