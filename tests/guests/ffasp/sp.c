/*
 * A secure partition for Triad's tests and benchmarks (tests/guests/ffasp): it boots,
 * waits for direct messages, and answers each with a DIRECT_RESP of the request's kind.
 * DIRECT_REQ (w3 = command, x4-x7 = arguments):
 *   ECHO     x3-x7 back as they came;
 *   ADD      x4 = x4 + x5;
 *   SELFTEST checks what the SPMC answers the partition itself: x4 = the checks that
 *            passed (bits), x5 = the ID FFA_ID_GET gave, x6 = the context that answers
 *            (MPIDR_EL1.Aff0) | 1 << 8 if it started at the secondary entry point | the
 *            registration checks that passed (bits, ffasp-mp.bin) << 16;
 *   READ     reads the 64-bit word at x4: inside its memory it answers it in x4, outside
 *            it the SPMC must stop it (a stage-2 fault);
 *   SPIN     never answers: the SPMC's deadline must stop it;
 *   FP       turns FP/SIMD on and uses it, which it was never given: the SPMC must
 *            stop it;
 *   WAIT     busy for x4 ticks of the virtual counter (OP-TEE's interrupts that come
 *            meanwhile must wait, not stop it); x4 = the ticks it was busy;
 *   RELAY    sends partition x4 the request x5 (command), x6, x7 (its x4, x5) and answers
 *            x4 = the answer's x4, x5 = its x0 (the response, or FFA_ERROR), x6 = its x2;
 *   COUNT    counts itself in a variable of its image (from 100) and one of its zeroed
 *            memory (from 0): x4, x5 = the counts (101, 1 the first time in its life);
 *   REGS     x4 = SP_REGS_FILL: writes its pattern (sp_regs.h) into the EL1 system
 *            registers of sp_regs.h and, across the FF-A call that answers and waits for
 *            the next message, into x18-x30; x4 = how many registers it filled.
 *            x4 = SP_REGS_CHECK, the next request: x4 = how many of them did not keep
 *            their pattern, x5 = the first one's id (SP_REGS_NONE if none), x6 its value,
 *            x7 its pattern (x4 = ~0 if no fill came right before).
 * Notification requests: notif_cmds.h.
 * MEM_RETRIEVE, MEM_READ, MEM_WRITE, MEM_RELINQUISH, MEM_MAILBOX: FF-A memory sharing
 *            (mem.c).
 * DIRECT_REQ2: x4-x17 back as they came (x4 = x4 + 1, to see an answer is not the request).
 * Built with CRASH_AT_BOOT (ffasp-bootcrash.bin), it reads OP-TEE's memory in every boot.
 */
#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>

#ifndef EXEC_CTX
#define EXEC_CTX 1
#endif
#define MP (EXEC_CTX > 1)

enum { ECHO, ADD, SELFTEST, READ, SPIN, FP, WAIT, RELAY, COUNT, REGS };

#include <triad/smccc.h>

#include "sp_notif.h"
#include "mem.h"
#include "sp_regs.h"

#define ffa_call smc_call_regs18

/* The compiler's zeroing of register arrays needs it; there is no libc here. */
void *memset(void *dst, int c, unsigned long n)
{
	uint8_t *d = dst;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

static uint64_t virtual_counter(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t call1(uint64_t fid, uint64_t a1, uint64_t *a2)
{
	uint64_t r[FFA_NREGS] = {fid, a1};
	ffa_call(r);
	if (a2)
		*a2 = r[2];
	return r[0];
}

/* COUNT's: a partition restarted from its image starts them afresh. */
static volatile uint64_t count_in_image = 100;
static volatile uint64_t count_in_zeroed;

/* Set by the first context before the others exist (ffasp-mp.bin). */
static uint64_t ep_checks;
static bool started_secondary[8];

extern char secondary_entry[];

/* The first context of a partition with one per CPU registers where the others start,
 * after a refused try outside its image. */
static uint64_t register_secondary_entry(void)
{
	uint64_t bits = 0, w2;
	if (call1(FFA_SECONDARY_EP_REGISTER, 0x0e100000 /* OP-TEE's */, &w2) == FFA_ERROR &&
	    w2 == FFA_INVALID_PARAMETERS)
		bits |= 1 << 0;
	if (call1(FFA_SECONDARY_EP_REGISTER, (uint64_t)secondary_entry, 0) == FFA_SUCCESS)
		bits |= 1 << 1;
	return bits;
}

static unsigned context(void)
{
	uint64_t mpidr;
	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 7);
}

static uint64_t selftest(uint16_t me, uint16_t requester, uint64_t *id)
{
	uint64_t bits = 0, w2;
	if (call1(FFA_VERSION, FFA_VERSION_1_2, 0) == FFA_VERSION_1_2)
		bits |= 1 << 0;
	if (call1(FFA_ID_GET, 0, id) == FFA_SUCCESS && *id == me)
		bits |= 1 << 1;
	if (call1(FFA_SPM_ID_GET, 0, &w2) == FFA_SUCCESS && w2 == FFA_SPMC_ID)
		bits |= 1 << 2;
	/* Waiting for a message while one is unanswered: refused. */
	if (call1(FFA_MSG_WAIT, 0, &w2) == FFA_ERROR && w2 == FFA_DENIED)
		bits |= 1 << 3;
	/* An answer to someone who did not ask: refused. */
	uint64_t r[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP,
				 (uint64_t)me << 16 | (uint16_t)(requester + 1)};
	ffa_call(r);
	if (r[0] == FFA_ERROR && r[2] == FFA_INVALID_PARAMETERS)
		bits |= 1 << 4;
	/* An answer claiming to come from another partition: refused. */
	uint64_t other = me == 0x8001 ? 0x8002 : 0x8001;
	uint64_t s[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, other << 16 | requester};
	ffa_call(s);
	if (s[0] == FFA_ERROR && s[2] == FFA_INVALID_PARAMETERS)
		bits |= 1 << 5;
	/* A call outside FF-A: SMCCC's unknown function. */
	if ((uint32_t)call1(0x84000000 /* PSCI_VERSION */, 0, 0) == 0xffffffffU)
		bits |= 1 << 6;
	/* Sending a message to a VM: partitions send only to partitions. */
	if (call1(FFA_MSG_SEND_DIRECT_REQ, (uint64_t)me << 16 | 1, &w2) == FFA_ERROR &&
	    w2 == FFA_INVALID_PARAMETERS)
		bits |= 1 << 7;
	return bits;
}

/* REGS: what the EL1 registers read back as after the fill (bits a register does not keep
 * read back as they are), and what x18-x30 came back as (keep_call.S). */
#define SYSREG_COUNT(name, reg, mask) +1
enum { SYSREGS = 0 SP_REGS_SYSREGS(SYSREG_COUNT) };
static uint64_t filled[SYSREGS];
static bool keep_next_call;	 /* the next answer goes out through sp_keep_call */
static bool filled_before;	 /* the message in came through it */
static uint64_t general_lost[3]; /* count, first id, its value */

extern void sp_keep_call(uint64_t r[FFA_NREGS], uint64_t id, uint64_t lost[3]);

static uint64_t regs_fill(uint16_t me)
{
	unsigned k = SP_REGS_GENERAL;
#define FILL(name, reg, mask)                                                                      \
	__asm__ volatile("msr " #reg ", %0" ::"r"(SP_REGS_PATTERN(me, k) & (mask)));               \
	k++;
	SP_REGS_SYSREGS(FILL)
#undef FILL
	__asm__ volatile("isb");
	k = 0;
#define READ_BACK(name, reg, mask) __asm__ volatile("mrs %0, " #reg : "=r"(filled[k++]));
	SP_REGS_SYSREGS(READ_BACK)
#undef READ_BACK
	keep_next_call = true;
	return SP_REGS_GENERAL + SYSREGS;
}

static void regs_check(uint16_t me, uint64_t r[FFA_NREGS])
{
	if (!filled_before) {
		r[4] = ~0UL;
		return;
	}
	filled_before = false;
	r[4] = general_lost[0];
	r[5] = general_lost[0] ? general_lost[1] : SP_REGS_NONE;
	r[6] = general_lost[2];
	r[7] = SP_REGS_PATTERN(me, general_lost[1]);
	unsigned k = 0;
	uint64_t v;
#define CHECK(name, reg, mask)                                                                     \
	__asm__ volatile("mrs %0, " #reg : "=r"(v));                                               \
	if (v != filled[k]) {                                                                      \
		if (!r[4]) {                                                                       \
			r[5] = SP_REGS_GENERAL + k;                                                \
			r[6] = v;                                                                  \
			r[7] = filled[k];                                                          \
		}                                                                                  \
		r[4]++;                                                                            \
	}                                                                                          \
	k++;
	SP_REGS_SYSREGS(CHECK)
#undef CHECK
}

static void serve(uint16_t me, uint64_t r[FFA_NREGS])
{
	uint32_t fid = (uint32_t)r[0];
	uint16_t requester = (uint16_t)(r[1] >> 16);
	if (fid == FFA_MSG_SEND_DIRECT_REQ2) {
		r[0] = FFA_MSG_SEND_DIRECT_RESP2;
		r[1] = (uint64_t)me << 16 | requester;
		r[2] = r[3] = 0;
		r[4] += 1;
		return;
	}
	uint64_t id = 0;
	switch ((uint32_t)r[3]) {
	default:
		sp_notif_serve(me, context(), r); /* notif_cmds.h's, or nothing */
		break;
	case ECHO:
		break;
	case ADD:
		r[4] += r[5];
		break;
	case SELFTEST:
		r[4] = selftest(me, requester, &id);
		r[5] = id;
		r[6] = context() | (uint64_t)started_secondary[context()] << 8 | ep_checks << 16;
		break;
	case READ:
		r[4] = *(volatile uint64_t *)r[4];
		break;
	case SPIN:
		for (;;)
			__asm__ volatile("" ::: "memory");
	case FP:
		/* As a partition that wants FP would: turn it on at EL1 (CPACR_EL1.FPEN), then
		 * use it. Triad at S-EL2 traps it (CPTR_EL2.TFP). */
		__asm__ volatile("msr cpacr_el1, %0\n\tisb\n\t.arch_extension fp\n\t"
				 "fmov d0, xzr" ::"r"(3UL << 20)
				 : "memory");
		break;
	case RELAY: {
		uint64_t q[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64,
					 (uint64_t)me << 16 | (uint16_t)r[4],
					 0,
					 r[5],
					 r[6],
					 r[7]};
		ffa_call(q);
		r[4] = q[4];
		r[5] = q[0];
		r[6] = q[2];
		break;
	}
	case COUNT:
		r[4] = ++count_in_image;
		r[5] = ++count_in_zeroed;
		break;
	case REGS:
		if (r[4] == SP_REGS_FILL)
			r[4] = regs_fill(me);
		else
			regs_check(me, r);
		break;
	case SP_MEM_RETRIEVE:
	case SP_MEM_READ:
	case SP_MEM_WRITE:
	case SP_MEM_RELINQUISH:
	case SP_MEM_MAILBOX:
		sp_mem_serve(me, (uint32_t)r[3], r);
		break;
	case WAIT: {
		uint64_t t0 = virtual_counter(), t = t0;
		while (t - t0 < r[4])
			t = virtual_counter();
		r[4] = t - t0;
		break;
	}
	}
	r[0] = (fid & FFA_SMC64) | FFA_MSG_SEND_DIRECT_RESP;
	r[1] = (uint64_t)me << 16 | requester;
	r[2] = 0;
	for (int i = 8; i < FFA_NREGS; i++)
		r[i] = 0;
}

void sp_main(uint64_t secondary)
{
	uint64_t id = 0;
	started_secondary[context()] = secondary;
	if (MP && !secondary)
		ep_checks = register_secondary_entry();
	call1(FFA_ID_GET, 0, &id);
#ifdef CRASH_AT_BOOT
	(void)*(volatile uint64_t *)0x0e100000; /* OP-TEE's: a stage-2 fault */
#endif
	uint64_t r[FFA_NREGS] = {FFA_MSG_WAIT};
	for (;;) {
		/* the answer to the last message out, the next message in */
		filled_before = keep_next_call;
		if (keep_next_call)
			sp_keep_call(r, id, general_lost);
		else
			ffa_call(r);
		keep_next_call = false;
		if (!ffa_is_direct_req((uint32_t)r[0])) {
			/* Not a message (an error from the SPMC): wait again. */
			for (int i = 0; i < FFA_NREGS; i++)
				r[i] = 0;
			r[0] = FFA_MSG_WAIT;
			continue;
		}
		serve((uint16_t)id, r);
	}
}
