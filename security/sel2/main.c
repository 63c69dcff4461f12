/*
 * Triad at Secure EL2: it hosts OP-TEE OS (Debian's build for QEMU virt) at Secure EL1
 * and speaks the protocol OP-TEE expects from its EL3 dispatcher (see docs/secure.md):
 * cold boot to ENTRY_DONE and the vector table it returns, fast and yielding calls through
 * that table with OP-TEE's own PSTATE preserved, CPU on and off. OP-TEE's SMCs trap here
 * (HCR_EL2.TSC); what the normal world asked and what OP-TEE answered travel through the
 * EL3 monitor (include/triad/sel2_abi.h). It is also the FF-A SPMC: FF-A calls go to
 * partition.c, which answers them or runs a secure partition beside OP-TEE.
 */
#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/util.h>
#include <triad/sel2_abi.h>
#include <triad/smccc.h>

#include "sel2.h"

#define STACK_SIZE     0x2000
#define VEC_TABLE_SIZE 0x24 /* nine entries */

/* OP-TEE's returns to its dispatcher (TEESMC_OPTEED_RETURN_*) */
#define OPTEE_ENTRY_DONE 0xbe000000
#define OPTEE_ON_DONE	 0xbe000001
#define OPTEE_OFF_DONE	 0xbe000002
#define OPTEE_CALL_DONE	 0xbe000005
#define OPTEE_FIQ_DONE	 0xbe000006
/* Its vector table */
#define VEC_YIELD	 0x00
#define VEC_FAST	 0x04
#define VEC_CPU_ON	 0x08
#define VEC_CPU_OFF	 0x0c
#define VEC_CPU_RESUME	 0x10
#define VEC_CPU_SUSPEND	 0x14
#define VEC_FIQ		 0x18
#define VEC_SYSTEM_OFF	 0x1c
#define VEC_SYSTEM_RESET 0x20

/* The monitor's power requests and the entries OP-TEE has for them. All run with x0 = 0
 * (for suspend and resume: the deepest power level affected, the CPU's own). */
static const struct {
	uint32_t request;
	uint32_t vector;
} power_entries[] = {
    {SEL2_REQ_CPU_OFF, VEC_CPU_OFF},	       {SEL2_REQ_CPU_SUSPEND, VEC_CPU_SUSPEND},
    {SEL2_REQ_CPU_RESUME, VEC_CPU_RESUME},     {SEL2_REQ_SYSTEM_OFF, VEC_SYSTEM_OFF},
    {SEL2_REQ_SYSTEM_RESET, VEC_SYSTEM_RESET},
};

uint8_t sel2_stacks[MAX_CPUS + 1][STACK_SIZE] __attribute__((aligned(16)));
static uint64_t optee_vectors;

void enter_secure_el1(struct frame *f, void *stack_top) __attribute__((noreturn));

static void el2_setup(void)
{
	stage2_load();
	write_sysreg(hcr_el2, HCR_OPTEE);
	write_sysreg(cptr_el2, CPTR_EL2_FP_ONLY);
	write_sysreg(mdcr_el2, 0);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1_TIMER);
	write_sysreg(cntvoff_el2, 0);
	isb();
}

#define BOOT_DEADLINE_SECONDS 20

static bool cold_boot; /* OP-TEE's cold boot is under way (CPU 0, until ENTRY_DONE) */

static void fiq_entry_end(unsigned cpu)
{
	if (sel2_cpu(cpu)->in_fiq_entry) {
		gic_fiq_window(cpu, false);
		sel2_cpu(cpu)->in_fiq_entry = false;
	}
}

/* OP-TEE has left Secure EL1 (it answered, crashed or missed its deadline): its deadline
 * and any FIQ entry's hold on the CPU's interrupt controls end here, before the monitor
 * hears of it. */
static void optee_exited(unsigned cpu)
{
	deadline_disarm();
	fiq_entry_end(cpu);
}

static void deadline_missed(unsigned cpu) __attribute__((noreturn));

static void deadline_missed(unsigned cpu)
{
	optee_exited(cpu);
	uint64_t r[8] = {SEL2_TIMEOUT, sel2_cpu(cpu)->deadline_seconds, read_sysreg(elr_el2),
			 cold_boot ? 0 : 1};
	smc_call_regs(r);
	for (;;)
		__asm__ volatile("wfi");
}

/* After a partition's event (partition.c): a context runs on, or it is OP-TEE's turn again
 * with an answer r for the normal world or the end of the partitions' boot. */
static void sp_then(unsigned cpu, enum sp_next next, uint64_t r[FFA_NREGS])
{
	struct frame *f = &sel2_cpu(cpu)->optee_frame;
	if (next == SP_NEXT_ANSWER)
		sel2_answer_ffa(f, r);
	else if (next == SP_NEXT_BOOT_DONE)
		sel2_boot_finished(f);
}

/* An IRQ while OP-TEE or a partition ran (start.S): its deadline passed, or it is one of
 * OP-TEE's own. OP-TEE takes its own itself (IMO off until its next SMC); while a
 * partition runs, it waits (gic.c). */
void sel2_lower_irq(void)
{
	unsigned cpu = this_cpu();
	uint64_t r[FFA_NREGS];
	if (!deadline_passed()) {
		if (!sp_running(cpu))
			write_sysreg(hcr_el2, HCR_OPTEE);
		else if (!gic_hold_pending(cpu))
			sp_then(cpu, sp_interrupts_overflow(cpu, r), r);
		return;
	}
	if (sp_running(cpu)) {
		deadline_disarm();
		sp_then(cpu, sp_deadline(cpu, r), r);
		return;
	}
	deadline_missed(cpu);
}

/* A FIQ while OP-TEE ran its FIQ entry: the deadline, the only Group 0 interrupt, and the
 * only one unmasked then. */
void sel2_lower_fiq(void)
{
	if (deadline_passed())
		deadline_missed(this_cpu());
}

/* Runs the monitor's next request, r (x0-x17; f is OP-TEE's frame): FF-A calls go to the
 * SPMC, which answers at once or runs a partition with them; the rest go into OP-TEE
 * through its vector table. */
static void dispatch(struct frame *f, uint64_t r[FFA_NREGS])
{
	unsigned cpu = this_cpu();
	while (FFA_FID_IS((uint32_t)r[0])) {
		if (sp_ns_call(cpu, r))
			return;	    /* a partition runs it */
		smc_call_regs18(r); /* the answer out, the next request in */
	}
	uint32_t fid = (uint32_t)r[0];
	if (fid == SEL2_REQ_FIQ) {
		/* OP-TEE's registers stay as they were but x0, where the normal world was (as
		 * TF-A's dispatcher does). */
		f->x[0] = r[1];
		prepare_entry(optee_vectors + VEC_FIQ, sel2_cpu(cpu)->optee_spsr);
		sel2_cpu(cpu)->in_fiq_entry = true;
		gic_fiq_window(cpu, true);
		deadline_start(cpu, CALL_DEADLINE_SECONDS);
		return;
	}
	for (int i = 0; i < 8; i++)
		f->x[i] = r[i];
	/* A normal-world call: fast calls (bit 31) and yielding calls have their own entry. */
	uint64_t vector = (fid & (1U << 31)) ? VEC_FAST : VEC_YIELD;
	for (unsigned k = 0; SEL2_CALL_IS(fid) && k < ARRAY_SIZE(power_entries); k++) {
		if (fid == power_entries[k].request) {
			for (int i = 0; i < 8; i++)
				f->x[i] = 0;
			vector = power_entries[k].vector;
		}
	}
	prepare_entry(optee_vectors + vector, sel2_cpu(cpu)->optee_spsr);
	deadline_arm(cpu, optee_test_hook_fails(fid, r[7]) ? 0 : CALL_DEADLINE_SECONDS);
}

/* Reports to the monitor and runs its next request. */
static void report(struct frame *f, uint64_t what, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4)
{
	uint64_t r[FFA_NREGS] = {what, a1, a2, a3, a4};
	smc_call_regs18(r);
	dispatch(f, r);
}

void sel2_answer_ffa(struct frame *f, uint64_t r[FFA_NREGS])
{
	smc_call_regs18(r);
	dispatch(f, r);
}

void sel2_boot_finished(struct frame *f)
{
	report(f, SEL2_READY, 0, 0, 0, 0);
}

/* OP-TEE did something only a crash does: an exception of its own that it did not take,
 * an access outside its stage 2 (x3: the IPA it tried), or a vector table outside its
 * memory. */
static void optee_crashed(unsigned cpu, struct frame *f, uint64_t esr, uint64_t elr)
    __attribute__((noreturn));

static void optee_crashed(unsigned cpu, struct frame *f, uint64_t esr, uint64_t elr)
{
	uint64_t ec = ESR_EC(esr);
	uint64_t ipa = (read_sysreg(hpfar_el2) >> 4) << 12 | (read_sysreg(far_el2) & 0xfff);
	bool abort = ec == EC_IABT_LOW || ec == EC_DABT_LOW;
	optee_exited(cpu);
	report(f, SEL2_CRASHED, esr, elr, abort ? ipa : 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void sel2_lower_sync(struct frame *f)
{
	unsigned cpu = this_cpu();
	uint64_t esr = read_sysreg(esr_el2);
	if (sp_running(cpu)) {
		uint64_t r[FFA_NREGS];
		sp_then(cpu, sp_trapped(cpu, f, esr, r), r);
		return;
	}
	/* OP-TEE's timer accesses go on within its entry, under the same deadline. */
	if (ESR_EC(esr) == EC_HVC64 && optee_timer_access(f, esr))
		return;
	if (ESR_EC(esr) != EC_SMC64)
		optee_crashed(cpu, f, esr, read_sysreg(elr_el2));
	/* OP-TEE is alive: it answered (whatever it says, an FIQ entry is over). */
	optee_exited(cpu);
	sel2_cpu(cpu)->optee_spsr = read_sysreg(spsr_el2);
	switch ((uint32_t)f->x[0]) {
	case OPTEE_ENTRY_DONE:
		cold_boot = false;
		stage2_boot_done();
		gic_claim_deadline_ppi(cpu);
		/* Every later entry jumps into this table: it must be OP-TEE's own memory. */
		if (f->x[1] < OPTEE_BASE || f->x[1] >= OPTEE_BASE + OPTEE_SIZE - VEC_TABLE_SIZE ||
		    f->x[1] % 4)
			optee_crashed(cpu, f, esr, f->x[1]);
		optee_vectors = f->x[1];
		/* The secure partition boots next, if there is one; then the normal world. */
		if (optee_boot_without_partitions(cpu) || !sp_boot(cpu, f))
			sel2_boot_finished(f);
		break;
	case OPTEE_ON_DONE:
		gic_claim_deadline_ppi(cpu);
		/* This CPU's context of the secure partition boots next, if it has one. */
		if (f->x[1] || optee_boot_without_partitions(cpu) || !sp_boot_cpu(cpu))
			report(f, SEL2_READY, f->x[1], 0, 0, 0);
		break;
	case OPTEE_FIQ_DONE:
		report(f, SEL2_DONE, 0, 0, 0, 0);
		break;
	case OPTEE_OFF_DONE:
	case OPTEE_CALL_DONE:
	default:
		/* x1..x4 are the answer (CALL_DONE), or the status of a power request. */
		report(f, SEL2_DONE, f->x[1], f->x[2], f->x[3], f->x[4]);
		break;
	}
}

void sel2_main(unsigned cpu, unsigned kind, uint64_t x2, uint64_t dtb, uint64_t sp_sizes)
{
	/* OP-TEE boots cold on the machine's boot and at its restart (SEL2_BOOT_*). */
	bool cpu_on = kind == SEL2_BOOT_CPU_ON || kind == SEL2_BOOT_OPTEE_CPU;
	if (!cpu_on)
		optee_timer_retarget((uint32_t *)OPTEE_BASE, SEL2_BOOT_OPTEE_SIZE(x2));
	if (kind == SEL2_BOOT_COLD) {
		if (!stage2_build())
			sel2_unexpected(0, 0); /* reported as the secure world's failure */
		sp_init(sp_sizes);
	}
	el2_setup();
	optee_boot_kind(cpu, kind, SEL2_BOOT_FAIL_AFTER(x2));
	struct frame *f = &sel2_cpu(cpu)->optee_frame;
	for (int i = 0; i < 31; i++)
		f->x[i] = 0;
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	isb();
	/* Cold boot: x0 = pageable part (none), x1 = 0, x2 = the machine's DT, x3 = 0. A CPU
	 * being turned on enters OP-TEE's cpu_on vector with all arguments zero. */
	if (kind == SEL2_BOOT_OPTEE_RESTART && dtb &&
	    (!mmu_map_dt_window(dtb, SEL2_DT_WINDOW_SIZE) ||
	     !stage2_dt_window(dtb, SEL2_DT_WINDOW_SIZE)))
		sel2_unexpected(0, 0); /* reported as the secure world's failure */
	if (kind == SEL2_BOOT_COLD || kind == SEL2_BOOT_OPTEE_RESTART)
		f->x[2] = dtb;
	gic_find_redistributor(cpu);
	gic_claim_deadline_ppi(cpu);
	write_sysreg(ICC_PMR_EL1, 0xffUL);
	/* The stage-1 test hook (fault.c), if the operator set it: a fault is reported here,
	 * before OP-TEE ever runs, with the GIC as the normal world needs it. */
	if (kind == SEL2_BOOT_COLD)
		sel2_fault_hook(SEL2_BOOT_FAULT_HOOK(x2));
	cold_boot = !cpu_on;
	deadline_arm(cpu, cpu_on ? CALL_DEADLINE_SECONDS : BOOT_DEADLINE_SECONDS);
	prepare_entry(cpu_on ? optee_vectors + VEC_CPU_ON : OPTEE_BASE, SPSR_EL1H_MASKED);
	enter_secure_el1(f, sel2_stacks[cpu + 1]);
}

void sel2_unexpected(uint64_t esr, uint64_t elr)
{
	uint64_t r[8] = {SEL2_CRASHED, esr, elr, 0, 0, 0, 0, 0};
	smc_call_regs(r);
	for (;;)
		__asm__ volatile("wfi");
}
