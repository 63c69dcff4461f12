/* The firmware test's shared parts (main.c): RMI constants, calls and checks. */
#ifndef FWTEST_H
#define FWTEST_H

#include "../lib/guest.h"

#define RMI_VERSION		  0xc4000150
#define RMI_GRANULE_DELEGATE	  0xc4000151
#define RMI_GRANULE_UNDELEGATE	  0xc4000152
#define RMI_FEATURES		  0xc4000165
#define RMI_REALM_ACTIVATE	  0xc4000157
#define RMI_REALM_CREATE	  0xc4000158
#define RMI_REALM_DESTROY	  0xc4000159
#define RMI_ERROR_REALM		  2
#define RMI_ERROR_REC		  3
#define RMI_ERROR_RTT		  4
#define RMI_DATA_CREATE		  0xc4000153
#define RMI_DATA_CREATE_UNKNOWN	  0xc4000154
#define RMI_DATA_DESTROY	  0xc4000155
#define RMI_RTT_CREATE		  0xc400015d
#define RMI_RTT_DESTROY		  0xc400015e
#define RMI_RTT_READ_ENTRY	  0xc4000161
#define RMI_RTT_INIT_RIPAS	  0xc4000168
#define RMI_REC_CREATE		  0xc400015a
#define RMI_REC_DESTROY		  0xc400015b
#define RMI_REC_AUX_COUNT	  0xc4000167
#define RMI_REC_ENTER		  0xc400015c
#define RMI_RTT_MAP_UNPROTECTED	  0xc400015f
#define RMI_RTT_UNMAP_UNPROTECTED 0xc4000162
#define RMI_UNUSED_FID		  0xc4000156 /* in the RMI range, not an RMM 1.0 command */
#define TRIAD_RMM_AUDIT_PAGE	  0xc2000300 /* Triad's RMM only (include/triad/rmm_audit.h) */
#define FFA_VERSION		  0x84000063
#define RMI_SUCCESS		  0
#define RMI_ERROR_INPUT		  1
#define V1_0			  0x10000

#define DFSC_GPF 0x28

struct realm_params {
	uint64_t flags, s2sz, sve_vl, num_bps, num_wps, pmu_num_ctrs, hash_algo;
	uint64_t vmid, rtt_base, rtt_level_start, rtt_num_start;
};

extern unsigned checks, failures;
/* Counts a check; prints "fwtest: FAIL what (got x)" if it failed. */
void check(bool ok, const char *what, uint64_t got);
/* SMCs with x0-x3 (smc4) or x0-x5 (smc6) in and out. */
void smc4(uint64_t r[4]);
void smc6(uint64_t r[6]);
uint64_t rmi(uint64_t fid, uint64_t a1);
/* An RMI call with up to five arguments; x0 returned, x1-x4 into out if given. */
uint64_t rmi_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		  uint64_t out[5]);
uint64_t rmi2(uint64_t fid, uint64_t a1, uint64_t a2);
/* RMI_REC_ENTER with the run page at run; past FIQ exits (see main.c). */
uint64_t rec_enter(uint64_t rec, uint64_t run);
/* The host granules RMI parameters and images are passed in. */
extern uint8_t params_page[4096], src_page[4096];
void put_params(const struct realm_params *p);
/* REALM_CREATE of the tests' usual realm: 40-bit IPAs, a breakpoint and a watchpoint, two
 * level-1 starting tables at rtt. Its status. */
uint64_t create_realm(uint64_t rd, uint64_t rtt, uint64_t vmid);
void put_rec_params(uint64_t flags, uint64_t mpidr, uint64_t num_aux, uint64_t aux);

/* realm_exits.c: a realm's PSCI, RIPAS changes, host calls, interrupts and timer;
 * blocks.c: RTT_FOLD and block mappings. */
void realm_exits(void);
void blocks(void);
/* audit_page.c: Triad's own call for the RMM's audit records. */
void audit_page(void);
/* power.c: PSCI CPU_SUSPEND to a power-down state and back. */
void power_down_and_back(void);
/* wswitch.c: Normal EL2's registers across every kind of world switch, and a realm's
 * across its host's turn (secure: there is a secure world). */
void world_switch(bool secure);

#endif
