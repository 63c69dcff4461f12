/* Triad's RMM at Realm EL2: internal interfaces. */
#ifndef RMM_H
#define RMM_H

#ifndef TRIAD_HOST_BUILD
#include <arch/sysreg.h>
#endif
#include <stdbool.h>
#include <stdint.h>
#include <triad/rmm_abi.h>

#define RMM_MAX_CPUS 8
#define GRANULE_SIZE 0x1000UL
/* Granules the RMM tracks: the first GiB of DRAM, which the monitor's GPT describes
 * granule by granule. */
#define TRACKED_BASE 0x40000000UL
#define TRACKED_SIZE 0x40000000UL

/* rmi.c: an RMI call, x0 (FID) .. x7 in; x0 (status) .. x4 out. */
void rmi_handle(const uint64_t in[8], uint64_t out[5]);

/* granule.c */
enum granule_state {
	GRANULE_UNDELEGATED = 0, /* Non-secure: the host's */
	GRANULE_DELEGATED,	 /* Realm PAS, free for the host to make into realm objects */
};
/* What granule.c needs of the machine: zeroing a granule and the RMM-EL3 calls. Host
 * tests supply their own (tests/unit/test_rmm_granule.c). */
struct granule_platform {
	void (*zero)(uint64_t pa);
	int64_t (*el3_call)(uint32_t fid, uint64_t pa);
};
extern const struct granule_platform granule_platform;

/* Delegation, by the rules and in the order of RMM 1.0 (B4.3.1, B4.3.2). */
uint64_t granule_delegate(uint64_t pa);
uint64_t granule_undelegate(uint64_t pa);

/* main.c */
void rmm_log(const char *s);

#endif
