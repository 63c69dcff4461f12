/*
 * Events only the RMM sees, for Triad's audit log: a realm's attestation happens between
 * the realm and the RMM (RSI), and RMM 1.0 tells the host nothing of it. Triad's RMM
 * offers one call of its own, outside the RMI range (a SiP SMC64 that Triad's monitor
 * forwards from the normal world like RMI): each CPU of the host names a page of its own
 * memory, and the RMM appends a record there for each such event on that CPU. The host
 * reads the page on the same CPU after RMI_REC_ENTER returns, so writer and reader never
 * run at once and a plain count is enough.
 */
#ifndef TRIAD_RMM_AUDIT_H
#define TRIAD_RMM_AUDIT_H

#include <stdint.h>

/* x1: the Non-secure, 4 KiB-aligned granule the RMM writes this CPU's records to; 0 stops
 * it. x0: RMI_SUCCESS, or RMI_ERROR_INPUT (not a tracked Non-secure granule). Unknown to
 * another RMM (NOT_SUPPORTED): then the log has no realm-attested records. */
#define TRIAD_RMM_AUDIT_PAGE 0xc2000300U

enum rmm_audit_event {
	RMM_AUDIT_ATTESTED = 1,	 /* a token built: info[0] its size, info[1] challenge[0..7] */
	RMM_AUDIT_ATTEST_FAILED, /* a token asked for and none built (no attestation key) */
};

struct rmm_audit_record {
	uint64_t time;	/* CNTPCT_EL0 */
	uint64_t rd;	/* the realm's RD */
	uint64_t event; /* enum rmm_audit_event */
	uint64_t info[2];
};

#define RMM_AUDIT_RECORDS 64u /* a power of two */

struct rmm_audit_page {
	uint64_t count; /* records ever written; record n is in rec[n % RMM_AUDIT_RECORDS] */
	uint64_t reserved[7];
	struct rmm_audit_record rec[RMM_AUDIT_RECORDS];
};
_Static_assert(sizeof(struct rmm_audit_page) <= 4096, "the audit page is one granule");

#endif
