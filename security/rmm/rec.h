/* A REC, a realm's vCPU, in its own (Realm PAS) granule: what it runs with. */
#ifndef RMM_REC_H
#define RMM_REC_H

#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* EL1 state the realm and the host each have (rec_el1.c moves it in and out). */
struct el1_state {
	uint64_t sctlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr, spsr, esr, far;
	uint64_t afsr0, afsr1, par, cntkctl, csselr, mdscr;
	uint64_t cntv_ctl, cntv_cval, cntp_ctl, cntp_cval;
	uint64_t apia[2], apib[2], apda[2], apdb[2], apga[2]; /* FEAT_PAuth keys */
};

/* FP/SIMD, saved by arch/arm64/fpsimd.S (the RMM itself never touches it). */
struct fp_state {
	__uint128_t v[32];
	uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));

/* What the REC's last exit asked of the host, answered at the next REC_ENTER. */
enum rec_request {
	REQ_NONE,
	REQ_MMIO,      /* an access the host emulates */
	REQ_PSCI,      /* CPU_ON or AFFINITY_INFO: RMI_PSCI_COMPLETE first */
	REQ_RIPAS,     /* RSI_IPA_STATE_SET: RMI_RTT_SET_RIPAS, then accept or reject */
	REQ_HOST_CALL, /* RSI_HOST_CALL: the host's registers go back into the realm's struct */
};

#define GIC_MAX_LRS 16

/* A REC's breakpoints and watchpoints (rec_debug.c): at most 16 of each. */
struct dbg_state {
	uint64_t bvr[16], bcr[16], wvr[16], wcr[16];
};

/* The longest vectors, in bytes, the RMM gives a realm and saves of the host's: the
 * monitor's ZCR_EL3 caps every lower exception level's at 64 bytes (monitor.h MON_SVE_VL). */
#define RMM_SVE_VL_MAX 64
/* Z0-Z31, P0-P15, FFR as arch/arm64/sve.S packs them at a vector length of vl bytes. */
#define RMM_SVE_BYTES(vl) (32 * (vl) + 17 * (vl) / 8)
struct sve_regs {
	uint8_t regs[RMM_SVE_BYTES(RMM_SVE_VL_MAX)];
} __attribute__((aligned(16)));

/* What the RMM keeps per CPU: the host's state, set aside while a REC runs there. One per
 * CPU (main.c), found through TPIDR_EL2, which rmm_main sets at each boot of the CPU. */
struct rmm_cpu {
	struct el1_state host_el1;
	struct fp_state host_fp;
	struct dbg_state host_dbg;
	struct sve_regs host_sve; /* at RMM_SVE_VL_MAX, on a CPU with SVE (rec_sve.c) */
	uint64_t host_zcr_el1, host_zcr_el2;
	uint64_t rmm_mdcr;		  /* MDCR_EL2 as the RMM runs (rec_debug.c) */
	uint64_t audit_page, audit_count; /* audit.c: the host's page for this CPU's records */
};
static inline struct rmm_cpu *rmm_this_cpu(void)
{
	return (struct rmm_cpu *)read_sysreg(tpidr_el2);
}

/* RmiRecMpidr: Aff0[3:0], Aff1[15:8], Aff2[23:16], Aff3[39:32]; nothing else. */
#define REC_MPIDR_VALID_BITS 0xff00ffff0fULL

/* A REC's index from its MPIDR: RECs are created, and named by PSCI, in this order. */
static inline uint64_t rec_mpidr_index(uint64_t m)
{
	return (m & 0xf) | ((m >> 8) & 0xff) << 4 | ((m >> 16) & 0xff) << 12 |
	       ((m >> 32) & 0xff) << 20;
}

/* The realm's GIC virtual CPU interface while it is not running. */
struct gic_state {
	uint64_t lr[GIC_MAX_LRS];
	uint64_t hcr, vmcr, misr;
	uint64_t ap0r[4], ap1r[4];
};

/* A REC's auxiliary granules: its attestation token's; an SVE realm's REC's also one for its
 * SVE registers (rec_sve.c). */
#define REC_AUX_GRANULES     1
#define REC_AUX_GRANULES_SVE 2

/* A REC's second auxiliary granule: its SVE state while it is not running. dirty: regs
 * hold more than V0-V31 (which are in the REC's fp): they go in whole at the next entry. */
struct rec_sve {
	struct sve_regs z;
	uint64_t zcr_el1;
	uint64_t dirty;
};

/* A REC's first auxiliary granule: the attestation token it is reading out (RSI_ATTESTATION_*). */
enum attest_state { ATTEST_IDLE, ATTEST_CHALLENGED, ATTEST_READING };
struct rec_aux {
	uint8_t challenge[64];
	uint32_t attest;   /* enum attest_state */
	uint32_t len, pos; /* the token's length, and how much the realm has read */
	uint8_t token[4096 - 76];
};

struct rec {
	uint64_t gprs[31]; /* first: rec_entry.S loads and saves them here */
	uint64_t pc, pstate;
	uint64_t rd;	/* its realm's RD */
	uint64_t index; /* from its MPIDR: RECs are created in this order */
	uint64_t mpidr;
	uint64_t runnable;
	uint64_t aux;		  /* its auxiliary granule (struct rec_aux) */
	uint64_t aux_sve;	  /* an SVE realm's REC's second (struct rec_sve), else 0 */
	bool sve_live;		  /* its SVE registers are in the CPU, SVE untrapped */
	uint64_t esr, far, hpfar; /* of its last exit */
	enum rec_request request;
	uint64_t mmio_esr; /* REQ_MMIO: the abort's whole syndrome (the host sees less) */
	/* REQ_PSCI: the call and its target */
	uint32_t psci_fid;
	uint64_t psci_target, psci_entry, psci_context;
	/* REQ_RIPAS: [ripas_addr, ripas_top) still to change, to ripas_value */
	uint64_t ripas_addr, ripas_top, ripas_base;
	uint8_t ripas_value, ripas_destroyed_too;
	/* REQ_HOST_CALL: the realm's RsiHostCall */
	uint64_t host_call_ipa;
	/* An RSI call named RAM the host has not given yet: the REC exits as for a data abort
	 * there (a translation fault at that level) and makes the call again. */
	bool rsi_fault;
	uint8_t rsi_fault_level;
	uint64_t rsi_fault_ipa;
	struct gic_state gic;
	bool dbg_live;	 /* it used its debug registers: they go in at each entry */
	bool dbg_loaded; /* they are in the CPU now (the host's put aside) */
	struct dbg_state dbg;
	struct el1_state el1;
	struct fp_state fp;
};

/* A REC's SVE state at its reset: zero, ZCR_EL1.LEN the realm's whole length until it asks
 * for less. */
static inline void rec_sve_reset(struct rec *rec)
{
	if (!rec->aux_sve)
		return; /* not an SVE realm's */
	struct rec_sve *s = (struct rec_sve *)rec->aux_sve;
	memset(s, 0, sizeof(*s));
	s->zcr_el1 = 0xf;
}

void el1_save(struct el1_state *s);
void el1_restore(const struct el1_state *s);
void fp_save(struct fp_state *f);
void fp_restore(const struct fp_state *f);
/* rec_entry.S: runs the realm with these registers; why it stopped (0 sync, 1 IRQ, ...) */
uint64_t rec_run_regs(uint64_t *gprs);
void rmi_rec_enter(const uint64_t *in, uint64_t *out);
/* rec_psci.c: PSCI from the realm (answered inside, or an exit for the host) and
 * RMI_PSCI_COMPLETE. */
enum psci_result { PSCI_DONE, PSCI_EXIT };
struct rd;
enum psci_result rec_psci(struct rec *rec, struct rd *rd);
/* How many of the call's registers (x0, the FID, first) a PSCI exit shows the host: the
 * target of CPU_ON and AFFINITY_INFO, nothing else of the realm's arguments. */
unsigned psci_exit_args(uint32_t fid);
void rmi_psci_complete(const uint64_t *in, uint64_t *out);
/* Puts a REC in its reset state, to start at pc with x0 = context. */
void rec_reset(struct rec *rec, uint64_t pc, uint64_t context);
/* rec_gic.c: the host's list registers and controls checked and loaded at entry; the
 * realm's interface saved (and the hardware's emptied) at exit. */
bool gic_host_state_valid(const uint64_t *lrs, uint64_t hcr, unsigned nr_lrs);
void gic_load(struct gic_state *g, const uint64_t *host_lrs, uint64_t host_hcr, unsigned nr_lrs);
void gic_save(struct gic_state *g, unsigned nr_lrs);
unsigned gic_nr_lrs(void);
/* Whether the host's list registers hold intid pending or active (it is delivering it). */
bool gic_delivering(const uint64_t *lrs, unsigned nr_lrs, uint32_t intid);
/* rec_debug.c: the REC's debug registers in and out around a run (cpu: this CPU's);
 * a trapped debug register access from it (true: handled, run it again). */
void dbg_save(struct dbg_state *d, unsigned bps, unsigned wps);
void dbg_load(const struct dbg_state *d, unsigned bps, unsigned wps);
void rec_debug_in(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu);
void rec_debug_out(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu);
bool rec_debug_trap(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu);
/* rec_sve.c: the host's SVE state kept across a REC_ENTER (on a CPU with SVE), and an SVE
 * realm's REC's: loaded at entry if it holds more than V0-V31, else opened at its first SVE
 * instruction (true: it was an SVE realm's), saved at exit. */
bool rmm_cpu_has_sve(void);
unsigned rmm_sve_max_vl(void);
void sve_host_save(struct rmm_cpu *cpu);
void sve_host_restore(struct rmm_cpu *cpu);
void rec_sve_in(struct rec *rec, const struct rd *rd);
bool rec_sve_trap(struct rec *rec, const struct rd *rd);
void rec_sve_out(struct rec *rec, const struct rd *rd);
/* Whether the saved registers (at vl bytes) hold anything beyond V0-V31. */
bool sve_beyond_fpsimd(const struct sve_regs *z, unsigned vl);
/* rsi.c: answers the realm's SMC if it is an RSI call (the REC then carries on). */
bool rsi_handle(struct rec *rec, struct rd *rd);

#endif
