/* The normal-world side of the trusted OS in the secure world (security/tee). */
#ifndef TRIAD_TEE_H
#define TRIAD_TEE_H

#include <stdbool.h>

/* OP-TEE answered at boot. */
extern bool tee_present;
/* Asks the secure world, at boot, whether OP-TEE is there. */
void tee_probe(void);

struct vcpu;
/* A guest's SMC/HVC: true if it was a trusted-OS call, now answered in its registers. */
bool tee_guest_call(struct vcpu *v);

#endif
