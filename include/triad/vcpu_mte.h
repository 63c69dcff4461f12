/* Memory tagging for guests (core/vcpu_mte.c). */
#ifndef TRIAD_VCPU_MTE_H
#define TRIAD_VCPU_MTE_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Boot CPU: what memory tagging the machine has (ID_AA64PFR1_EL1.MTE). */
void mte_global_init(void);
/* Whether a VM configured with mte `want` gets MTE: 1 yes, 0 no; -1, with the reason
 * logged, if it cannot (a realm, or a machine without tags in memory). */
int mte_for_vm(const char *name, bool want, bool realm);
/* The HCR_EL2 bits for a VM with or without MTE. */
uint64_t mte_hcr(bool mte);
/* An MTE VM's tag registers into the CPU (vcpu_load), out of it (vcpu_put), and zeroed
 * (vcpu_reset; in the CPU too when it is loaded there). */
void vcpu_mte_load(const struct vcpu *v);
void vcpu_mte_put(struct vcpu *v);
void vcpu_mte_reset(struct vcpu *v, bool loaded);

#endif
