/* Calls between Triad at Secure EL2 and the EL3 monitor (SMC64, SiP range): the secure
 * side reports, the monitor answers with the next request from the normal world. */
#ifndef TRIAD_SEL2_ABI_H
#define TRIAD_SEL2_ABI_H

/* S-EL2 -> EL3 */
#define SEL2_READY 0xc2000100 /* x1 = 0: this CPU's secure world is up */
#define SEL2_DONE  0xc2000101 /* x1..x4 = the results for the normal world's x0..x3 */
/* x1 = ESR_EL2, x2 = ELR_EL2 of what went wrong, x3 = the address of a stage-2 fault or 0 */
#define SEL2_CRASHED 0xc2000102
/* OP-TEE missed its deadline of x1 seconds: x2 = its PC, x3 = 0 while booting, 1 in a call */
#define SEL2_TIMEOUT 0xc2000103
/* EL3 -> S-EL2 requests besides the normal world's own SMCs (x0 = one of these) */
#define SEL2_REQ_CPU_OFF 0xc2000110 /* this CPU goes off */

#endif
