/*
 * Triad's FF-A partition manager at Secure EL2 (the SPMC): the decisions, as pure logic
 * (host unit tests: tests/unit/test_spmc.c). Triad at Secure EL2 (security/sel2) does what
 * they say: answer the normal world, or switch to a partition and back.
 *
 * A partition has one execution context (it runs on whichever CPU sends it a message, one
 * request at a time: others get BUSY) or one per CPU (each CPU's requests run on its own
 * context, in parallel). It takes direct messages from the normal world and, while it
 * serves one, may send them to other partitions (it waits for the answer, asked nothing
 * meanwhile, so requests cannot go round in a cycle). Each context's
 * life: BOOTING until its first FFA_MSG_WAIT (the first on the boot CPU, the others as
 * their CPUs come up), then WAITING <-> RUNNING (one request, answered with the matching
 * DIRECT_RESP); a crash of any context makes them all ABORTED. A partition with one
 * context is then restarted from its image (BOOTING again), at most SPMC_MAX_RESTARTS
 * times in its life; past that, or with a context per CPU, it stays ABORTED for good.
 */
#ifndef SECURITY_FFA_SPMC_H
#define SECURITY_FFA_SPMC_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/sel2_abi.h>
#include <triad/sp_manifest.h>

#include "notif_spmc.h"

#define SPMC_MAX_SPS	  SP_MAX	  /* one per region of secure RAM */
#define SPMC_MAX_ECS	  SP_MAX_EXEC_CTX /* one per CPU Triad runs on */
#define SPMC_MAX_RESTARTS 3		  /* per partition, then it is given up */

enum sp_state { SP_BOOTING, SP_WAITING, SP_RUNNING, SP_ABORTED };

/* An execution context. */
struct sp_ec {
	int state;	    /* enum sp_state, changed atomically: CPUs race for it */
	uint32_t req_fid;   /* the request it serves (RUNNING) */
	uint16_t requester; /* who sent it */
	/* 1 + the partition that sent it (0: the normal world), and its context */
	unsigned caller_sp, caller_ec;
};

struct sp {
	struct sp_manifest m;
	uint64_t base;		       /* where it runs: its region */
	uint64_t secondary_entry;      /* FFA_SECONDARY_EP_REGISTER's, 0: its manifest's */
	struct sp_ec ec[SPMC_MAX_ECS]; /* m.exec_ctx of them */
	unsigned restarts;	       /* since the machine booted */
};

struct spmc {
	struct sp sp[SPMC_MAX_SPS];
	unsigned nr_sps;
	struct spmc_notif notif; /* notification bitmaps (notif_spmc.c) */
};

enum spmc_ns_action {
	SPMC_REPLY,  /* r is the answer for the normal world */
	SPMC_RUN_SP, /* context *to is RUNNING now: run it with r as its x0-x17 */
};

/* An execution context: partition sp's context ec. */
struct spmc_target {
	unsigned sp, ec;
};

enum spmc_sp_action {
	SPMC_SP_RESUME,	  /* r is the answer to the partition's call: it goes on */
	SPMC_SP_REPLY,	  /* it answered its request: r goes to the normal world */
	SPMC_SP_REPLY_SP, /* it answered a partition's request: r goes back to context *to */
	SPMC_SP_CALL_SP,  /* it asked another partition: run context *to with r; it waits */
	SPMC_SP_BOOTED,	  /* its first FFA_MSG_WAIT: it is ready */
};

enum spmc_abort {
	SPMC_ABORT_IDLE,     /* it was serving no request */
	SPMC_ABORT_REPLY_NS, /* r (FFA_ERROR(ABORTED)) goes to the normal world */
	SPMC_ABORT_REPLY_SP, /* r goes back to the partition context *to that asked */
};
/* After SPMC_SP_REPLY or SPMC_SP_BOOTED, once the context's registers are saved: it waits
 * for the next message (for a partition with one context, any CPU may now give it one). */
void spmc_sp_idle(struct spmc *s, unsigned i, unsigned ec);

/* Adds a partition whose manifest was checked, loaded at base; its contexts start
 * BOOTING. */
bool spmc_add(struct spmc *s, const struct sp_manifest *m, uint64_t base);
/* Where context ec of partition i starts: its manifest's entry point, or for the contexts
 * after the first the one it registered (FFA_SECONDARY_EP_REGISTER). */
uint64_t spmc_ec_entry(const struct spmc *s, unsigned i, unsigned ec);
/* The execution context of partition i that serves CPU cpu. */
unsigned spmc_ec(const struct spmc *s, unsigned i, unsigned cpu);
/* CPU cpu comes up: true if partition i has a context of its own there to boot (again:
 * BOOTING until its FFA_MSG_WAIT). */
bool spmc_ec_boot(struct spmc *s, unsigned i, unsigned cpu);
/* A call from the normal world on CPU cpu (its x0-x17 in r). */
enum spmc_ns_action spmc_ns_call(struct spmc *s, unsigned cpu, uint64_t r[FFA_NREGS],
				 struct spmc_target *to);
/* A call from context ec of partition i, on CPU cpu (its x0-x17 in r). */
enum spmc_sp_action spmc_sp_call(struct spmc *s, unsigned i, unsigned ec, unsigned cpu,
				 uint64_t r[FFA_NREGS], struct spmc_target *to);
/* Context ec of partition i crashed or missed its deadline: the partition is ABORTED for
 * good, every context. If ec was serving a request, r is the answer (FFA_ERROR(ABORTED))
 * for whoever asked. */
enum spmc_abort spmc_sp_abort(struct spmc *s, unsigned i, unsigned ec, uint64_t r[FFA_NREGS],
			      struct spmc_target *to);

enum spmc_restart {
	SPMC_RESTARTED, /* its contexts are BOOTING: boot context 0 from its reloaded image */
	SPMC_GIVEN_UP,	/* restarted SPMC_MAX_RESTARTS times already: ABORTED for good */
	SPMC_STOPPED,	/* not restartable (a context per CPU, or no copy of its image) */
};
/* After spmc_sp_abort: whether partition i starts again. has_image: its pristine image was
 * kept. A partition with a context per CPU is not: its other contexts may be running on
 * other CPUs and cannot be reset from this one. */
enum spmc_restart spmc_sp_restart(struct spmc *s, unsigned i, bool has_image);

#endif
