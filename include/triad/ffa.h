/* Arm Firmware Framework for A-profile (FF-A, DEN0077): the function IDs and status codes
 * Triad's SPMC (at Secure EL2) and its normal-world side share. */
#ifndef TRIAD_FFA_H
#define TRIAD_FFA_H

#include <stdbool.h>
#include <stdint.h>

#define FFA_ERROR   0x84000060U
#define FFA_SUCCESS 0x84000061U
#define FFA_VERSION 0x84000063U

/* The FF-A ranges of SMCCC's standard service: 32- and 64-bit calls. */
#define FFA_FID_IS(fid)                                                                            \
	(((fid) & ~0x40000000U) >= 0x84000060U && ((fid) & ~0x40000000U) <= 0x840000ffU)

#define FFA_VERSION_1_1 0x00010001U /* major [30:16], minor [15:0] */

/* Status codes (w2 of FFA_ERROR, or w0 of FFA_VERSION) */
#define FFA_NOT_SUPPORTED 0xffffffffU /* -1 */

/* security/ffa/spmc.c: a call the SPMC answers itself; results in r[0..7]. */
bool spmc_handle(uint64_t r[8]);

#endif
