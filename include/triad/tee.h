/* The normal-world side of the trusted OS in the secure world (security/tee). */
#ifndef TRIAD_TEE_H
#define TRIAD_TEE_H

#include <stdbool.h>

/* OP-TEE answered at boot. */
extern bool tee_present;
/* Asks the secure world, at boot, whether OP-TEE is there. */
void tee_probe(void);

#endif
