/* FF-A memory sharing at Normal EL2 (mem_hyp.c), called from ffa_hyp.c's dispatch. */
#ifndef SECURITY_FFA_MEM_HYP_H
#define SECURITY_FFA_MEM_HYP_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/vcpu.h>

/* Whether Triad shares memory with the SPMC (its buffers are mapped there). */
bool ffa_mem_hyp_available(void);
/* A VM's FFA_MEM_SHARE/LEND/DONATE (32/64) or FFA_MEM_RECLAIM; x its registers (a 32-bit
 * call's masked already), its TX buffer (pages 0: none). */
void ffa_mem_hyp_call(struct vcpu *v, uint64_t *x, uint64_t tx_ipa, unsigned tx_pages);

#endif
