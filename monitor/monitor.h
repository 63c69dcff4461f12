/* Triad's EL3 monitor: internal interfaces. */
#ifndef MONITOR_H
#define MONITOR_H

#include <arch/esr.h>
#include <arch/mmio.h>
#include <arch/mpidr.h>
#include <arch/sysreg.h>
#include <lib/early_console.h>
#include <plat.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/boot_info.h>
#include <triad/util.h>

#define STACK_SIZE 0x1000

/* SCR_EL3 */
#define SCR_NS	     (1ULL << 0)
#define SCR_FIQ	     (1ULL << 2)
#define SCR_RES1     (3ULL << 4)
#define SCR_HCE	     (1ULL << 8)
#define SCR_RW	     (1ULL << 10)
#define SCR_APK	     (1ULL << 16)
#define SCR_API	     (1ULL << 17)
#define SCR_ENSCXT   (1ULL << 25)
#define SCR_ATA	     (1ULL << 26)
#define SCR_FGTEN    (1ULL << 27)
#define SCR_ECVEN    (1ULL << 28)
#define SCR_HXEN     (1ULL << 38)
#define SCR_GCSEN    (1ULL << 39)
#define SCR_ENTP2    (1ULL << 41)
#define SCR_TCR2EN   (1ULL << 43)
#define SCR_SCTLR2EN (1ULL << 44)
#define SCR_PIEN     (1ULL << 45)
#define SCR_NSE	     (1ULL << 62) /* with NS: the Realm world (FEAT_RME) */
/* What only Normal EL2 uses of what SCR_EL3 enables, and the monitor does not switch: off
 * in the other worlds, where what Normal EL2 left in those registers must not apply (its
 * fine-grained traps on OP-TEE or a realm; docs/world-switch.md). */
#define SCR_NS_ONLY SCR_FGTEN
/* CPTR_EL3 */
#define CPTR_EZ	 (1ULL << 8)
#define CPTR_ESM (1ULL << 12)

/* What each world leaves in the CPU's shared registers (context.c): X-macros of (field,
 * register), EL2's with the world's return state at EL3, then EL1's (the EL1 physical
 * timer's compare value before its control). */
// clang-format off
#define MON_EL2_REGS(X)                                                                            \
	X(sctlr_el2, sctlr_el2) X(hcr_el2, hcr_el2) X(ttbr0_el2, ttbr0_el2) X(tcr_el2, tcr_el2)    \
	X(mair_el2, mair_el2) X(vbar_el2, vbar_el2) X(tpidr_el2, tpidr_el2) X(elr_el2, elr_el2)    \
	X(spsr_el2, spsr_el2) X(esr_el2, esr_el2) X(far_el2, far_el2) X(hpfar_el2, hpfar_el2)      \
	X(cptr_el2, cptr_el2) X(mdcr_el2, mdcr_el2) X(cnthctl_el2, cnthctl_el2)                    \
	X(cntvoff_el2, cntvoff_el2) X(vttbr_el2, vttbr_el2) X(vtcr_el2, vtcr_el2)                  \
	X(vmpidr_el2, vmpidr_el2) X(vpidr_el2, vpidr_el2) X(sp_el2, sp_el2)                        \
	X(ich_hcr_el2, s3_4_c12_c11_0) X(elr_el3, elr_el3) X(spsr_el3, spsr_el3)
/* EL2's registers of optional features the worlds' EL2s write, switched if the CPU has them
 * (mon_hcx): HCRX_EL2, which the RMM sets for each REC it runs. */
#define MON_EL2_HCX_REGS(X) X(hcrx_el2, s3_4_c1_c2_2)
#define MON_EL1_REGS(X)                                                                            \
	X(sctlr_el1, sctlr_el1) X(cpacr_el1, cpacr_el1) X(ttbr0_el1, ttbr0_el1)                    \
	X(ttbr1_el1, ttbr1_el1) X(tcr_el1, tcr_el1) X(mair_el1, mair_el1)                          \
	X(amair_el1, amair_el1) X(vbar_el1, vbar_el1) X(contextidr_el1, contextidr_el1)            \
	X(tpidr_el0, tpidr_el0) X(tpidrro_el0, tpidrro_el0) X(tpidr_el1, tpidr_el1)                \
	X(sp_el0, sp_el0) X(sp_el1, sp_el1) X(elr_el1, elr_el1) X(spsr_el1, spsr_el1)              \
	X(esr_el1, esr_el1) X(far_el1, far_el1) X(afsr0_el1, afsr0_el1) X(afsr1_el1, afsr1_el1)    \
	X(par_el1, par_el1) X(cntkctl_el1, cntkctl_el1) X(csselr_el1, csselr_el1)                  \
	X(mdscr_el1, mdscr_el1) X(cntp_cval, cntp_cval_el0) X(cntp_ctl, cntp_ctl_el0)
// clang-format on
struct sysregs {
#define X(field, reg) uint64_t field;
	MON_EL2_REGS(X) MON_EL2_HCX_REGS(X) MON_EL1_REGS(X)
#undef X
};
extern bool mon_hcx; /* FEAT_HCX (context.c; set by monitor.c at boot) */

struct fpsimd_regs {
	__uint128_t v[32];
	uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));

/* The normal world's SVE registers as arch/arm64/sve.S packs them, at EL3's vector length:
 * ZCR_EL3 caps every exception level's at MON_SVE_VL bytes, so that each CPU's fit in the
 * monitor's 128 KiB of secure RAM (Z0-Z31, P0-P15, FFR). */
#define MON_SVE_VL 64
struct sve_regs {
	uint8_t regs[32 * MON_SVE_VL + 17 * MON_SVE_VL / 8];
} __attribute__((aligned(16)));

/* While the world runs, SP_EL3 points here: start.S saves x0-x30 at offset 0. */
struct world_context {
	uint64_t x[31]; /* general registers at its last exception to EL3 */
	uint64_t scr_el3;
	struct sysregs sys;
	struct fpsimd_regs fp;
	/* The normal world's, on a CPU with SVE: where its SVE registers wait while another
	 * world runs, if a vCPU's were live (CPTR_EL2.TZ clear): restoring V0-V31 alone would
	 * zero the rest of Z0-Z31. sve_saved: they are there now. */
	struct sve_regs *sve;
	bool sve_saved;
};

/* context.c, and arch/arm64/fpsimd.S shared with Triad */
void context_save_sysregs(struct world_context *c);
/* The halves: EL2 (with ELR/SPSR_EL3), and EL1 with the timers and FP/SIMD. The RMM, like
 * TF-A's, keeps any EL1 and FP state it uses itself, so a switch to or from the realm
 * world moves the EL2 half only. */
void context_save_el2(struct world_context *c);
void context_restore_el2(const struct world_context *c);
void context_save_el1_fp(struct world_context *c);
void context_restore_el1_fp(const struct world_context *c);
void fpsimd_save(struct fpsimd_regs *f);
void fpsimd_restore(const struct fpsimd_regs *f);
void sve_save(struct sve_regs *s);
void sve_restore(const struct sve_regs *s);
/* start.S: resumes the world whose context this is (x0-x30 from it; ELR_EL3, SPSR_EL3
 * and SCR_EL3 are set). */
void el3_exit(struct world_context *c) __attribute__((noreturn));
/* world.c: the OP-TEE image's size, for Triad at S-EL2. */
extern uint64_t optee_size;
extern uint64_t sp_sizes; /* the partitions' image sizes (SP_SIZE_IN), 0: none */
void cpu_restart(unsigned cpu) __attribute__((noreturn));
/* console.c: numbers on the early console (lib/console) */
void mon_puthex(uint64_t v);
void mon_putdec(uint64_t v);
/* monitor.c: the image's top, the boot and the exceptions of a lower EL. */
void monitor_secondary(unsigned cpu) __attribute__((noreturn));
/* gic.c: interrupt groups and redistributors, which only EL3 may set up. */
void gic_global_setup(bool secure_sgis);
void gic_cpu_setup(void);
/* Switches off the highest-priority pending Secure Group 1 interrupt (nobody is left to
 * take it); returns its INTID, or 1023 if there was none. */
unsigned gic_disable_secure_pending(void);
/* fw_cfg.c: loads the hypervisor (QEMU -kernel) at ram_base + its text_offset and the boot
 * bundle (-initrd) after it; fills in *bi; returns NULL or what went wrong. */
const char *fw_cfg_load(struct boot_info *bi, uint64_t ram_base, uint64_t ram_end, uint64_t *entry);
/* dtb.c: the end of the RAM bank at RAM_BASE, from the machine's DTB (0 if not found). */
uint64_t dtb_ram_end(const void *dtb);
/* The normal-world page fw_cfg's DMA descriptor and small items live in. */
void fw_cfg_init(void *scratch_page);
/* psci.c */
void psci_cpu_started(unsigned cpu);
void psci_wait_for_cpu_on(unsigned cpu, uint64_t *entry, uint64_t *context);
/* The normal world's SMCs; each handler returns the context to resume. */
struct world_context *smc_handler(struct world_context *c);
/* This CPU's index (arch/mpidr.h). */
static inline unsigned cpu_index(void)
{
	return mpidr_cpu_index(read_sysreg(mpidr_el1));
}

/* cpu.c: what the monitor keeps per CPU, one struct each, found by the CPU's index. */
enum secure_pending { /* what the secure world does for the CPU (world.c) */
		      SECURE_BOOT,
		      SECURE_CALL,
		      SECURE_FFA_CALL,
		      SECURE_CPU_OFF,
		      SECURE_CPU_SUSPEND,
		      SECURE_CPU_RESUME,
		      SECURE_SYSTEM_OFF,
		      SECURE_SYSTEM_RESET,
		      SECURE_INTERRUPT
};
enum cpu_state { CPU_OFF, CPU_ON_PENDING, CPU_ON }; /* CPU_OFF: zero, as .bss starts */
struct monitor_cpu {
	/* world.c: each world's registers on this CPU; what the secure world is doing for it
	 * (booting it, serving a call, turning it off); where the normal world resumes from a
	 * power-down suspend, and its x0 there (PSCI); whether its boot is a CPU_ON. */
	struct world_context ns_ctx, s_ctx, rl_ctx;
	struct sve_regs ns_sve; /* ns_ctx.sve, on a CPU with SVE */
	enum secure_pending pending;
	uint64_t resume_entry, resume_context, resume_spsr;
	bool booting_by_cpu_on;
	/* OP-TEE's restart: the generation of OP-TEE this CPU last ran (behind: its cpu_on
	 * entry first); in the secure world now (a restart waits for it to come out); this
	 * secure boot is a restart or a catch-up, and what it interrupted (a pending value). */
	volatile uint32_t cpu_gen;
	volatile bool in_secure;
	bool fresh_boot;
	int resume_after;
	struct { /* psci.c: its PSCI state, and where a CPU_ON starts it */
		volatile enum cpu_state state;
		volatile uint64_t entry, context;
	} psci;
};
extern struct monitor_cpu monitor_cpus[MAX_CPUS];
static inline struct monitor_cpu *mon_cpu(unsigned cpu)
{
	return &monitor_cpus[cpu];
}

/* world.c: the secure world beside the normal one */
extern uint64_t sel2_entry, rmm_entry;
void world_boot_cpu(unsigned cpu, uint64_t ns_entry, uint64_t ns_x0, uint64_t ns_x1, bool cpu_on)
    __attribute__((noreturn));
struct world_context *world_call_secure(struct world_context *c);
struct world_context *world_cpu_off(struct world_context *c);
/* PSCI CPU_SUSPEND to a power-down state (OP-TEE's suspend and resume entries around the
 * wait; the normal world resumes at entry with x0 = context), SYSTEM_OFF and SYSTEM_RESET
 * (OP-TEE's entries first): they return the context to run next, if any. */
struct world_context *world_cpu_suspend(struct world_context *c, uint64_t entry, uint64_t context);
struct world_context *world_system_power(struct world_context *c, bool reset);
struct world_context *world_secure_smc(struct world_context *c);
/* A secure interrupt while the normal world ran (FIQ to EL3): OP-TEE takes it. */
struct world_context *world_secure_interrupt(struct world_context *c);
/* secure_timer.c: OP-TEE's CNTPS accesses, made here for it (SEL2_TIMER). */
uint64_t secure_timer_access(uint64_t access, uint64_t value);
/* The realm world: RMI calls from the normal world, and the RMM's own SMCs. */
struct world_context *world_call_realm(struct world_context *c);
struct world_context *world_realm_smc(struct world_context *c);
/* fw_cfg.c: a named fw_cfg file (-fw_cfg name=...) copied to dst through a normal-world
 * staging buffer (secure memory is out of the DMA's reach); its size, or 0 if absent. */
uint64_t fw_cfg_load_file(const char *name, uint64_t dst, uint64_t max, uint64_t staging);
/* gpt.c: the Granule Protection Table, on a CPU with FEAT_RME. */
#define RAM_BASE    PLAT_DRAM_BASE
#define GPT_L1_SIZE 0x20000UL	   /* a GiB of DRAM, 4 bits per granule */
#define GPT_RAM_MAX (256ULL << 30) /* the RMM's Non-secure alias starts there */
bool gpt_supported(void);
/* The level-1 tables for ram_size bytes of DRAM (from RAM_BASE): GPT_L1_SIZE per GiB. */
uint64_t gpt_l1_size(uint64_t ram_size);
/* All of DRAM granule by granule: Realm [realm_base, +realm_size), the L1 tables at
 * l1_base (gpt_l1_size(ram_size), aligned to GPT_L1_SIZE) Root, the EL3-RMM shared page open
 * to all, the rest Non-secure. */
void gpt_init(uint64_t ram_size, uint64_t l1_base, uint64_t realm_base, uint64_t realm_size,
	      uint64_t shared_page);
void gpt_enable(void);
/* [base, base + size) in DRAM becomes Root (EL3's alone) or Secure. */
void gpt_set_firmware(uint64_t base, uint64_t size, bool secure);
/* Turns this CPU's GPT on if the machine has one (the cold boot's deferred start). */
void monitor_gpt_start(void);
extern bool gpt_on;
extern uint64_t rmm_shared;
/* Moves a granule between Non-secure and Realm: 0, -2 (bad address), -3 (wrong PAS). */
int gpt_transition(uint64_t pa, bool to_realm);
/* optee_restart.c: OP-TEE's image kept in Root memory at boot (below the Realm region), and
 * written back when it fails; the test hook that makes it fail. */
#define OPTEE_KEEP_SIZE 0x200000UL /* Root: the copies; Secure: the DT window OP-TEE edits */
void optee_keep_image(uint64_t base, const void *dtb);
uint64_t optee_dt_window(void);
void optee_read_test_hook(uint64_t staging);
uint64_t optee_boot_x2(void); /* S-EL2's x2: OP-TEE's size and the test hook */
bool optee_restartable(void);
unsigned optee_restart_begin(void); /* the restart's number, 0: none (given up) */
unsigned optee_restarts(void);
void optee_restore_image(void);
/* world.c: Normal EL2 acknowledges OP-TEE's restart (TOS_RESTART_ACK): 0 or -2. */
int64_t world_restart_acked(uint64_t generation);
/* power.c */
/* attest.c: the RMM's attestation key and platform token (RMM-EL3 interface). */
int64_t attest_realm_key(uint64_t buf, uint64_t size, uint64_t curve, uint64_t *key_size);
int64_t attest_platform_token(uint64_t buf, uint64_t size, uint64_t challenge_size, uint64_t *hunk,
			      uint64_t *remaining);

void power_off(void) __attribute__((noreturn));
void power_reset(void) __attribute__((noreturn));

#endif
