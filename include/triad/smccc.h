/* Calls to the firmware below Triad (SMC Calling Convention). */
#ifndef TRIAD_SMCCC_H
#define TRIAD_SMCCC_H

#include <stdint.h>

/* x0-x3 in, x0 out. */
uint64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
/* x0-x7 in r[0..7], and back. */
void smc_call_regs(uint64_t r[8]);
/* x0-x17 in r[0..17], and back (SMCCC 1.2: FF-A v1.2 calls). */
void smc_call_regs18(uint64_t r[18]);

#endif
