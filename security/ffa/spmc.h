/*
 * Triad's FF-A partition manager at Secure EL2 (the SPMC): the decisions, as pure logic
 * (host unit tests: tests/unit/test_spmc.c). Triad at Secure EL2 (security/sel2) does what
 * they say: answer the normal world, or switch to a partition and back.
 *
 * Partitions have one execution context (they run on whichever CPU sends them a message)
 * and take direct messages from the normal world: one at a time, others get BUSY. Their
 * life: BOOTING until their first FFA_MSG_WAIT, then WAITING <-> RUNNING (one request,
 * answered with the matching DIRECT_RESP), or ABORTED for good after a crash.
 */
#ifndef SECURITY_FFA_SPMC_H
#define SECURITY_FFA_SPMC_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/sp_manifest.h>

#define SPMC_MAX_SPS 1

enum sp_state { SP_BOOTING, SP_WAITING, SP_RUNNING, SP_ABORTED };

struct sp {
	struct sp_manifest m;
	int state;	    /* enum sp_state, changed atomically: CPUs race for it */
	uint32_t req_fid;   /* the request it serves (RUNNING) */
	uint16_t requester; /* who sent it */
};

struct spmc {
	struct sp sp[SPMC_MAX_SPS];
	unsigned nr_sps;
};

enum spmc_ns_action {
	SPMC_REPLY,  /* r is the answer for the normal world */
	SPMC_RUN_SP, /* partition *which is RUNNING now: run it with r as its x0-x17 */
};

enum spmc_sp_action {
	SPMC_SP_RESUME, /* r is the answer to the partition's call: it goes on */
	SPMC_SP_REPLY,	/* it answered its request: r goes to the normal world */
	SPMC_SP_BOOTED, /* its first FFA_MSG_WAIT: it is ready */
};
/* After SPMC_SP_REPLY or SPMC_SP_BOOTED, once the partition's registers are saved: it waits
 * for the next message, which any CPU may now give it. */
void spmc_sp_idle(struct spmc *s, unsigned i);

/* Adds a partition whose manifest was checked; it starts BOOTING. */
bool spmc_add(struct spmc *s, const struct sp_manifest *m);
/* A call from the normal world (its x0-x17 in r). */
enum spmc_ns_action spmc_ns_call(struct spmc *s, uint64_t r[FFA_NREGS], unsigned *which);
/* A call from partition i (its x0-x17 in r). */
enum spmc_sp_action spmc_sp_call(struct spmc *s, unsigned i, uint64_t r[FFA_NREGS]);
/* Partition i crashed or missed its deadline: ABORTED for good. True when it was serving a
 * request: r is then the answer for the normal world (FFA_ERROR(ABORTED)). */
bool spmc_sp_abort(struct spmc *s, unsigned i, uint64_t r[FFA_NREGS]);

#endif
