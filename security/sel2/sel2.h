/* Triad at Secure EL2: what its files share. */
#ifndef SEL2_H
#define SEL2_H

#include <arch/esr.h>
#include <arch/mpidr.h>
#include <arch/sysreg.h>
#include <plat.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/sel2_abi.h>

/* OP-TEE and partitions run at EL1 in AArch64, behind stage 2, their SMCs trapped here. */
#define HCR_OPTEE	      (HCR_RW | HCR_TSC | HCR_VM)
#define CALL_DEADLINE_SECONDS 10

/* stage2.c: OP-TEE's stage-2 tables, built once (false: no page for them), loaded on each
 * CPU; the cold boot's extra window onto the machine's DT is closed when OP-TEE has booted. */

bool stage2_build(void);
/* main.c: reports the secure world as failed (SEL2_CRASHED) and parks this CPU. */
void sel2_unexpected(uint64_t esr, uint64_t elr) __attribute__((noreturn));
void stage2_load(void);
void stage2_boot_done(void);
/* Each secure partition's tables (its region only), and switching between a partition's
 * (sp = its index) and OP-TEE's (sp = -1). */
bool stage2_build_sp(unsigned i, uint64_t base, uint64_t size);
void stage2_switch(int sp);
/* The level-1 tables (Secure and Non-secure IPA spaces), for the host unit test. */
const uint64_t *stage2_secure_root(void);
const uint64_t *stage2_ns_root(void);
const uint64_t *stage2_sp_root(unsigned i);
const uint64_t *stage2_sp_ns_root(void);

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

/* optee_timer.c: OP-TEE's CNTPS accesses, rewritten into HVCs before its first run (the
 * count is returned) and carried out by the monitor when they trap here. */
unsigned optee_timer_retarget(uint32_t *text, uint64_t size);
bool optee_timer_access(struct frame *f, uint64_t esr);

/* main.c */
extern struct frame optee_frames[MAX_CPUS]; /* OP-TEE's registers, per CPU */
unsigned this_cpu(void);
void prepare_entry(uint64_t pc, uint64_t spsr);
void deadline_arm(unsigned cpu, unsigned seconds);
void deadline_disarm(void);
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
void sp_trapped(unsigned cpu, struct frame *f, uint64_t esr);
void sp_deadline(unsigned cpu);
/* More of OP-TEE's interrupts came than can be held while the partition runs: it stops. */
void sp_interrupts_overflow(unsigned cpu);

#endif
