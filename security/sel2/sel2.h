/* Triad at Secure EL2: what its files share. */
#ifndef SEL2_H
#define SEL2_H

#include <arch/el1_regs.h>
#include <arch/esr.h>
#include <arch/mpidr.h>
#include <arch/sysreg.h>
#include <plat.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/sel2_abi.h>

#include "../ffa/spmc.h"

/* OP-TEE and partitions run at EL1 in AArch64, behind stage 2, their SMCs trapped here. */
#define HCR_OPTEE	      (HCR_RW | HCR_TSC | HCR_VM)
#define CALL_DEADLINE_SECONDS 10

/* mmu.c: S-EL2's own stage 1, an identity map of what it touches. Built at the cold boot
 * with the MMU off (false: no page for it), turned on at every entry (start.S); at OP-TEE's
 * restart also the monitor's DT window, Secure (false: not in DRAM, or no page). */
bool mmu_build(uint64_t text, uint64_t text_end, uint64_t end);
void mmu_on(void);
bool mmu_map_dt_window(uint64_t base, uint64_t size);
/* Which mapped region va is in, for fault reports; the root table, for the host test. */
const char *mmu_region_name(uint64_t va);
const uint64_t *mmu_root(void);
/* Written back and gone from the caches: for memory OP-TEE or a partition reads next with
 * its MMU off. */
void mmu_clean_to_poc(uint64_t base, uint64_t size);

/* fault.c: the test hook of the stage 1 (SEL2_BOOT_FAULT_HOOK), at the cold boot. */
void sel2_fault_hook(unsigned hook);

/* stage2.c: OP-TEE's stage-2 tables, built once (false: no page for them), loaded on each
 * CPU; the cold boot's extra window onto the machine's DT is closed when OP-TEE has booted. */

bool stage2_build(void);
/* main.c: reports the secure world as failed (SEL2_CRASHED) and parks this CPU. */
void sel2_unexpected(uint64_t esr, uint64_t elr) __attribute__((noreturn));
void stage2_load(void);
void stage2_boot_done(void);
bool stage2_dt_window(uint64_t base, uint64_t size); /* false: no page for it */
/* Each secure partition's tables (its region only), and switching between a partition's
 * (sp = its index) and OP-TEE's (sp = -1). */
bool stage2_build_sp(unsigned i, uint64_t base, uint64_t size);
void stage2_switch(int sp);
/* The level-1 tables (Secure and Non-secure IPA spaces), for the host unit test. */
const uint64_t *stage2_secure_root(void);
const uint64_t *stage2_ns_root(void);
const uint64_t *stage2_sp_root(unsigned i);
const uint64_t *stage2_sp_ns_root(unsigned i);
/* FF-A memory sharing: normal-world memory [pa, pa + size) into partition i's Non-secure IPA
 * space at IPA = PA (false: no table page; nothing of it stays), and out again with its TLB
 * entries invalidated on every CPU. */
bool stage2_sp_ns_map(unsigned i, uint64_t pa, uint64_t size, bool write, bool exec);
void stage2_sp_ns_unmap(unsigned i, uint64_t pa, uint64_t size);

/* A lower EL's general registers, as start.S saves them at a trap. */
struct frame {
	uint64_t x[31];
	uint64_t pad;
};

/* What runs at Secure EL1 on this CPU, by its frame (start.S): trap and return use it. */
static inline void set_frame(struct frame *f)
{
	__asm__ volatile("msr tpidr_el2, %0" ::"r"(f));
}

/* gic.c: the deadline's interrupt and how OP-TEE's interrupts meet S-EL2's control. */
#define SEL2_MAX_HELD 16
void gic_find_redistributor(unsigned cpu);
void gic_claim_deadline_ppi(unsigned cpu);
/* Around OP-TEE's FIQ entry: IMO clear, the deadline a Group 0 FIQ (FMO), the normal
 * world's interrupts masked; closing restores all three. */
void gic_fiq_window(unsigned cpu, bool open);
/* While a partition runs: switches off the pending interrupt of OP-TEE's that came here
 * (false: too many held); the release switches them all on again. */
bool gic_hold_pending(unsigned cpu);
void gic_release_held(unsigned cpu);
/* Raises SGI sgi (Non-secure Group 1) on this CPU: the normal world's SRI. */
void gic_raise_sri(unsigned sgi);

/* optee_timer.c: OP-TEE's CNTPS accesses, rewritten into HVCs before its first run (the
 * count is returned) and carried out by the monitor when they trap here. */
unsigned optee_timer_retarget(uint32_t *text, uint64_t size);
bool optee_timer_access(struct frame *f, uint64_t esr);

/* The next entry to Secure EL1: a vector of OP-TEE's table (or its load address at cold
 * boot), or where a partition resumes. */
static inline void prepare_entry(uint64_t pc, uint64_t spsr)
{
	write_sysreg(elr_el2, pc);
	write_sysreg(spsr_el2, spsr);
}

/* deadline.c: the Secure EL2 physical timer, armed whenever OP-TEE or a partition runs. */
void deadline_start(unsigned cpu, unsigned seconds);
void deadline_arm(unsigned cpu, unsigned seconds); /* ... and its interrupt taken here */
void deadline_disarm(void);
bool deadline_passed(void);

/* optee_restart.c: how this entry of S-EL2 came (SEL2_BOOT_*), the test hook's count;
 * whether the partitions stay as they are (OP-TEE alone restarts); whether the test hook
 * fails this call. */
void optee_boot_kind(unsigned cpu, unsigned kind, uint32_t fail_after_calls);
bool optee_boot_without_partitions(unsigned cpu);
bool optee_test_hook_fails(uint32_t fid, uint64_t client);

/* main.c: the image's top, OP-TEE's entries and exits. */
/* Sends r, the SPMC's answer to an FF-A call, to the normal world; runs its next request. */
void sel2_answer_ffa(struct frame *f, uint64_t r[18]);
/* OP-TEE and the partition have booted on the first CPU: the normal world's turn. */
void sel2_boot_finished(struct frame *f);

/* partition.c: the SPMC's secure partitions, run beside OP-TEE on the CPU that asks. */
void sp_init(uint64_t image_sizes);
bool sp_boot(unsigned cpu, struct frame *f);
/* A CPU other than the first has come up (OP-TEE's cpu_on done): a partition with a
 * context per CPU boots this CPU's (false: nothing to boot). */
bool sp_boot_cpu(unsigned cpu);
bool sp_running(unsigned cpu);
bool sp_ns_call(unsigned cpu, uint64_t r[18]);
/* After a partition's trap, failure or deadline, what main.c does: nothing (a context
 * runs), answer the normal world with r (x0-x17), or end the partitions' boot. */
enum sp_next { SP_NEXT_RUN, SP_NEXT_ANSWER, SP_NEXT_BOOT_DONE };
enum sp_next sp_trapped(unsigned cpu, struct frame *f, uint64_t esr, uint64_t r[18]);
enum sp_next sp_deadline(unsigned cpu, uint64_t r[18]);
/* More of OP-TEE's interrupts came than can be held while the partition runs: it stops. */
enum sp_next sp_interrupts_overflow(unsigned cpu, uint64_t r[18]);

/* sp_mem.c: FF-A memory sharing (security/ffa/mem_spmc.c): a normal-world call or a call of
 * partition i, if it is one of memory management's (r: its answer); partition i restarted
 * or given up loses what it retrieved. */
bool sp_mem_ns_call(const struct spmc *s, uint64_t r[18]);
bool sp_mem_sp_call(const struct spmc *s, unsigned i, uint64_t r[18]);
void sp_mem_sp_reset(unsigned i);

/* A partition's or OP-TEE's EL1 system registers, as partition.c switches them. */
struct el1_ctx {
#define X(field, reg) uint64_t field;
	EL1_SYSREG_LIST(X)
#undef X
};

/* cpu.c: what S-EL2 keeps per CPU, one struct each, found by the CPU's index. */
struct sel2_cpu {
	struct frame optee_frame; /* OP-TEE's general registers */
	uint64_t optee_spsr;	  /* its PSTATE at its last SMC */
	unsigned deadline_seconds;
	bool in_fiq_entry; /* OP-TEE runs its FIQ entry (gic_fiq_window) */
	bool optee_only;   /* optee_restart.c: this entry restarts OP-TEE, not the partitions */
	/* partition.c: the partitions' contexts are being booted here, at the machine's cold
	 * boot (every partition) or as the CPU came up (those with a context per CPU). */
	bool booting_cpu_on;
	/* 1 + the partition running here and which of its contexts, 0 for OP-TEE's turn;
	 * OP-TEE's EL1 state meanwhile (its general registers stay in optee_frame). */
	struct {
		unsigned sp, ec;
	} on_cpu;
	struct el1_ctx optee_el1;
	uint64_t optee_pmr;
	/* A partition restarted here is booting; when it is ready, the answer its crash left
	 * (FFA_ERROR(ABORTED)) goes to whoever waited for it (SPMC_ABORT_IDLE: nobody, it
	 * failed in its first boot). */
	struct {
		bool on;
		enum spmc_abort to;
		struct spmc_target caller;
		uint64_t r[FFA_NREGS];
	} restart_on;
	/* gic.c: the SGI/PPI frame (0: not found), the PMR of an FIQ entry, the interrupts of
	 * OP-TEE's held while a partition runs. */
	uint64_t gicr_sgi;
	uint64_t saved_pmr;
	struct {
		unsigned n;
		uint16_t id[SEL2_MAX_HELD];
	} held;
};
extern struct sel2_cpu sel2_cpus[MAX_CPUS];
unsigned this_cpu(void);
static inline struct sel2_cpu *sel2_cpu(unsigned cpu)
{
	return &sel2_cpus[cpu];
}

#endif
