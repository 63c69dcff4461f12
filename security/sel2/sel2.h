/* Triad at Secure EL2: what its files share. */
#ifndef SEL2_H
#define SEL2_H

#define MAX_CPUS   8
#define OPTEE_BASE 0x0e100000UL
#define OPTEE_SIZE 0x00f00000UL /* its TZDRAM */

/* stage2.c: OP-TEE's stage-2 tables, built once, loaded on each CPU; the cold boot's
 * extra window onto the machine's DT is closed when OP-TEE has booted. */
#include <stdint.h>

void stage2_build(void);
void stage2_load(void);
void stage2_boot_done(void);
/* The level-1 tables (Secure and Non-secure IPA spaces), for the host unit test. */
const uint64_t *stage2_secure_root(void);
const uint64_t *stage2_ns_root(void);

#endif
