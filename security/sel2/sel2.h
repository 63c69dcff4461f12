/* Triad at Secure EL2: what its files share. */
#ifndef SEL2_H
#define SEL2_H

#define MAX_CPUS 8

#define HCR_VM	(1UL << 0)
#define HCR_IMO (1UL << 4)
#define HCR_TSC (1UL << 19)
#define HCR_RW	(1UL << 31)
/* OP-TEE and partitions run at EL1 in AArch64, behind stage 2, their SMCs trapped here. */
#define HCR_OPTEE	      (HCR_RW | HCR_TSC | HCR_VM)
#define CPTR_OPTEE	      0x33ffUL /* RES1 bits; FP/SIMD not trapped */
#define CNTHCTL_OPTEE	      3UL      /* EL1 may use the physical counter and timer */
#define SPSR_EL1H_MASKED      0x3c5
#define SCTLR_EL1_RESET	      0x30d00800UL
#define CALL_DEADLINE_SECONDS 10

/* stage2.c: OP-TEE's stage-2 tables, built once, loaded on each CPU; the cold boot's
 * extra window onto the machine's DT is closed when OP-TEE has booted. */
#include <stdbool.h>
#include <stdint.h>
#include <triad/sel2_abi.h>

void stage2_build(void);
void stage2_load(void);
void stage2_boot_done(void);
/* The secure partition's tables (its region only), and switching between its and OP-TEE's. */
void stage2_build_sp(uint64_t base, uint64_t size);
void stage2_switch(bool sp);
/* The level-1 tables (Secure and Non-secure IPA spaces), for the host unit test. */
const uint64_t *stage2_secure_root(void);
const uint64_t *stage2_ns_root(void);
const uint64_t *stage2_sp_root(void);
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

/* partition.c: the SPMC's secure partition, run beside OP-TEE on whichever CPU asks. */
void sp_init(uint64_t image_size);
bool sp_boot(unsigned cpu, struct frame *f);
bool sp_running(unsigned cpu);
bool sp_ns_call(unsigned cpu, uint64_t r[18]);
void sp_trapped(unsigned cpu, struct frame *f, uint64_t esr);
void sp_deadline(unsigned cpu);

#endif
