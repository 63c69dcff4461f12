/* Between Triad at Normal EL2 and the EL3 monitor: OP-TEE restarted (docs/monitor.md). */
#ifndef TRIAD_TOS_RESTART_ABI_H
#define TRIAD_TOS_RESTART_ABI_H

/* The monitor's answer to a trusted-OS call while OP-TEE has restarted since Normal EL2
 * last acknowledged it: x0 = TOS_RESTARTED, x1 = OP-TEE's generation (its boots since the
 * machine's, 1 for the first restart). OP-TEE never answers this value. */
#define TOS_RESTARTED 0xfffffffeU
/* Normal EL2 has forgotten everything the failed OP-TEE held (SiP SMC64): x1 = the
 * generation it saw; x0 = 0, or -2 if that is no longer the current one. */
#define TOS_RESTART_ACK 0xc2000200U

#endif
