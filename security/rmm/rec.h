/* A REC, a realm's vCPU, in its own (Realm PAS) granule: what it runs with. */
#ifndef RMM_REC_H
#define RMM_REC_H

#include <stdbool.h>
#include <stdint.h>

#define SPSR_EL1H_MASKED 0x3c5ULL

/* EL1 state the realm and the host each have (rec_el1.c moves it in and out). */
struct el1_state {
	uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr, spsr, esr, far;
	uint64_t afsr0, afsr1, par, cntkctl, csselr, mdscr;
	uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
};

/* FP/SIMD, saved by arch/arm64/fpsimd.S (the RMM itself never touches it). */
struct fp_state {
	__uint128_t v[32];
	uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));

struct rec {
	uint64_t gprs[31]; /* first: rec_entry.S loads and saves them here */
	uint64_t pc, pstate;
	uint64_t rd;	/* its realm's RD */
	uint64_t index; /* from its MPIDR: RECs are created in this order */
	uint64_t mpidr;
	uint64_t runnable;
	uint64_t esr, far, hpfar;      /* of its last exit */
	bool mmio_pending, mmio_write; /* the last exit was an access the host emulates */
	uint8_t mmio_reg;
	struct el1_state el1;
	struct fp_state fp;
};

void el1_save(struct el1_state *s);
void el1_restore(const struct el1_state *s);
void fp_save(struct fp_state *f);
void fp_restore(const struct fp_state *f);
/* rec_entry.S: runs the realm with these registers; why it stopped (0 sync, 1 IRQ, ...) */
uint64_t rec_run_regs(uint64_t *gprs);
void rmi_rec_enter(const uint64_t *in, uint64_t *out);
struct rd;
/* rsi.c: answers the realm's SMC if it is an RSI call (the REC then carries on). */
bool rsi_handle(struct rec *rec, struct rd *rd);

#endif
