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
/* Its vector table */
#define VEC_YIELD   0x00
#define VEC_FAST    0x04
#define VEC_CPU_ON  0x08
#define VEC_CPU_OFF 0x0c

uint8_t sel2_stacks[MAX_CPUS + 1][STACK_SIZE] __attribute__((aligned(16)));
struct frame optee_frames[MAX_CPUS];
static uint64_t optee_vectors;
static uint64_t optee_spsr[MAX_CPUS]; /* OP-TEE's PSTATE at its last SMC, per CPU */

void enter_secure_el1(struct frame *f, void *stack_top) __attribute__((noreturn));

unsigned this_cpu(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	return (unsigned)((m & 0xff) + ((m >> 8) & 0xff) * 16);
}

static void el2_setup(void)
{
	stage2_load();
	write_sysreg(hcr_el2, HCR_OPTEE);
	write_sysreg(cptr_el2, CPTR_OPTEE);
	write_sysreg(mdcr_el2, 0);
	write_sysreg(cnthctl_el2, CNTHCTL_OPTEE);
	write_sysreg(cntvoff_el2, 0);
	isb();
}

/*
 * OP-TEE has deadlines. Whenever it runs (its cold boot, and every entry after), the Secure
 * EL2 physical timer is armed; its interrupt (PPI 20, Secure Group 1 in this CPU's
 * redistributor: an IRQ in Secure state) comes here through HCR_EL2.IMO even when OP-TEE
 * has masked its own. OP-TEE answers or is interrupted by the normal world every few
 * milliseconds, so an entry that lasts seconds is a panic or a hang: it is reported
 * (SEL2_TIMEOUT) and the machine carries on without the secure world, instead of losing
 * the CPU. Any other interrupt here is one of OP-TEE's own: it gets it (IMO off until its
 * next SMC).
 */
#define BOOT_DEADLINE_SECONDS 20
#define WATCHDOG_PPI	      20
#define GICR_BASE	      0x080a0000UL /* QEMU virt: one 128 KiB frame pair per CPU */
#define GICR_STRIDE	      0x20000UL
#define GICR_TYPER	      0x0008
#define GICR_TYPER_LAST	      (1UL << 4)
#define GICR_SGI	      0x10000UL
#define GICR_IGROUPR0	      0x0080
#define GICR_ISENABLER0	      0x0100
#define GICR_IPRIORITYR	      0x0400
#define GICR_IGRPMODR0	      0x0d00
#define CNTHPS_CTL_EL2	      S3_4_C14_C5_1
#define CNTHPS_CVAL_EL2	      S3_4_C14_C5_2
#define CNT_ENABLE	      1UL
#define CNT_ISTATUS	      4UL

static uint64_t cpu_gicr_sgi[MAX_CPUS]; /* this CPU's SGI/PPI frame; 0: not found */
static unsigned deadline_seconds[MAX_CPUS];
static bool cold_boot; /* OP-TEE's cold boot is under way (CPU 0, until ENTRY_DONE) */

/* The redistributor whose affinity is this CPU's MPIDR. */
static uint64_t find_gicr_sgi(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	uint64_t aff = (m & 0xffffff) | ((m >> 8) & 0xff000000);
	for (uint64_t f = GICR_BASE, i = 0; i < MAX_CPUS; i++, f += GICR_STRIDE) {
		uint64_t typer = *(volatile uint64_t *)(f + GICR_TYPER);
		if ((typer >> 32) == aff)
			return f + GICR_SGI;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

/* PPI 20 Secure Group 1, high priority, enabled. OP-TEE's GIC set-up (cold boot, CPU on)
 * makes the PPIs Non-secure, so this runs again after each; only bit 20 is touched. */
static void claim_watchdog_ppi(unsigned cpu)
{
	uint64_t f = cpu_gicr_sgi[cpu];
	if (!f)
		return;
	uint32_t bit = 1U << WATCHDOG_PPI;
	volatile uint32_t *group = (volatile uint32_t *)(f + GICR_IGROUPR0);
	volatile uint32_t *mod = (volatile uint32_t *)(f + GICR_IGRPMODR0);
	*group &= ~bit;
	*mod |= bit;
	((volatile uint8_t *)(f + GICR_IPRIORITYR))[WATCHDOG_PPI] = 0x10;
	*(volatile uint32_t *)(f + GICR_ISENABLER0) = bit;
	write_sysreg(ICC_IGRPEN1_EL1, 1UL);
}

void deadline_arm(unsigned cpu, unsigned seconds)
{
	deadline_seconds[cpu] = seconds;
	write_sysreg(CNTHPS_CVAL_EL2, read_sysreg(cntpct_el0) + seconds * read_sysreg(cntfrq_el0));
	write_sysreg(CNTHPS_CTL_EL2, CNT_ENABLE);
	if (!(read_sysreg(hcr_el2) & HCR_IMO))
		write_sysreg(hcr_el2, HCR_OPTEE | HCR_IMO);
}

void deadline_disarm(void)
{
	write_sysreg(CNTHPS_CTL_EL2, 0UL);
}

/* An IRQ while OP-TEE or a partition ran (start.S): its deadline passed, or it is one of
 * OP-TEE's own (a partition runs with only the deadline's priority unmasked). */
void sel2_lower_irq(void)
{
	unsigned cpu = this_cpu();
	if ((read_sysreg(CNTHPS_CTL_EL2) & (CNT_ENABLE | CNT_ISTATUS)) !=
	    (CNT_ENABLE | CNT_ISTATUS)) {
		if (!sp_running(cpu))
			write_sysreg(hcr_el2, HCR_OPTEE); /* OP-TEE takes it itself */
		return;
	}
	deadline_disarm();
	if (sp_running(cpu)) {
		sp_deadline(cpu);
		return;
	}
	uint64_t r[8] = {SEL2_TIMEOUT, deadline_seconds[cpu], read_sysreg(elr_el2),
			 cold_boot ? 0 : 1};
	smc_call_regs(r);
	for (;;)
		__asm__ volatile("wfi");
}

/* The next entry to Secure EL1: a vector of OP-TEE's table (or its load address at cold
 * boot), or where a partition resumes. */
void prepare_entry(uint64_t pc, uint64_t spsr)
{
	write_sysreg(elr_el2, pc);
	write_sysreg(spsr_el2, spsr);
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
	for (int i = 0; i < 8; i++)
		f->x[i] = r[i];
	uint32_t fid = (uint32_t)r[0];
	if (fid == SEL2_REQ_CPU_OFF) {
		for (int i = 0; i < 8; i++)
			f->x[i] = 0;
		prepare_entry(optee_vectors + VEC_CPU_OFF, optee_spsr[cpu]);
	} else {
		/* A normal-world call: fast calls (bit 31) and yielding calls have their own
		 * entry. */
		prepare_entry(optee_vectors + ((fid & (1U << 31)) ? VEC_FAST : VEC_YIELD),
			      optee_spsr[cpu]);
	}
	deadline_arm(cpu, CALL_DEADLINE_SECONDS);
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

void sel2_lower_sync(struct frame *f)
{
	unsigned cpu = this_cpu();
	uint64_t esr = read_sysreg(esr_el2);
	if (sp_running(cpu)) {
		sp_trapped(cpu, f, esr);
		return;
	}
	deadline_disarm(); /* OP-TEE is alive: it trapped here */
	if ((esr >> 26) != 0x17) {
		/* OP-TEE did something only a crash does: an exception of its own that it did not
		 * take, or an access outside its stage 2 (x3: the IPA it tried). */
		uint64_t ipa = (read_sysreg(hpfar_el2) >> 4) << 12 | (read_sysreg(far_el2) & 0xfff);
		bool abort = (esr >> 26) == 0x20 || (esr >> 26) == 0x24;
		report(f, SEL2_CRASHED, esr, read_sysreg(elr_el2), abort ? ipa : 0, 0);
		for (;;)
			__asm__ volatile("wfi");
	}
	optee_spsr[cpu] = read_sysreg(spsr_el2);
	switch ((uint32_t)f->x[0]) {
	case OPTEE_ENTRY_DONE:
		cold_boot = false;
		stage2_boot_done();
		claim_watchdog_ppi(cpu);
		/* Every later entry jumps into this table: it must be OP-TEE's own memory. */
		if (f->x[1] < OPTEE_BASE || f->x[1] >= OPTEE_BASE + OPTEE_SIZE - VEC_TABLE_SIZE ||
		    f->x[1] % 4) {
			report(f, SEL2_CRASHED, esr, f->x[1], 0, 0);
			for (;;)
				__asm__ volatile("wfi");
		}
		optee_vectors = f->x[1];
		/* The secure partition boots next, if there is one; then the normal world. */
		if (!sp_boot(cpu, f))
			sel2_boot_finished(f);
		break;
	case OPTEE_ON_DONE:
		claim_watchdog_ppi(cpu);
		report(f, SEL2_READY, f->x[1], 0, 0, 0);
		break;
	case OPTEE_OFF_DONE:
	case OPTEE_CALL_DONE:
	default:
		/* x1..x4 are the answer (CALL_DONE), or the status of a power request. */
		report(f, SEL2_DONE, f->x[1], f->x[2], f->x[3], f->x[4]);
		break;
	}
}

/*
 * Debian's OP-TEE is built to run without S-EL2: its generic-timer driver programs the
 * Secure EL1 physical timer (CNTPS_*_EL1), which is UNDEFINED at S-EL1 once S-EL2 is
 * enabled. Before the first entry, its MSR/MRS to CNTPS_{CTL,CVAL,TVAL}_EL1 become the
 * same accesses to the EL1 physical timer (CNTP_*_EL0), which the monitor keeps per world.
 */
static unsigned retarget_secure_timer(uint32_t *text, uint64_t size)
{
	unsigned n = 0;
	for (uint64_t i = 0; i < size / 4; i++) {
		uint32_t w = text[i];
		/* MSR/MRS S3_7_C14_C2_{0,1,2} -> S3_3_C14_C2_{0,1,2}: op1 7 -> 3. */
		if ((w & 0xffdfff80) == 0xd51fe200 && ((w >> 5) & 7) <= 2) {
			text[i] = w & ~(4U << 16);
			n++;
		}
	}
	__asm__ volatile("dsb sy; ic iallu; dsb sy; isb" ::: "memory");
	return n;
}

void sel2_main(unsigned cpu, unsigned cpu_on, uint64_t optee_size, uint64_t dtb, uint64_t sp_size)
{
	if (!cpu_on) {
		retarget_secure_timer((uint32_t *)OPTEE_BASE, optee_size);
		stage2_build();
		sp_init(sp_size);
	}
	el2_setup();
	struct frame *f = &optee_frames[cpu];
	for (int i = 0; i < 31; i++)
		f->x[i] = 0;
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	isb();
	/* Cold boot: x0 = pageable part (none), x1 = 0, x2 = the machine's DT, x3 = 0. A CPU
	 * being turned on enters OP-TEE's cpu_on vector with all arguments zero. */
	if (!cpu_on)
		f->x[2] = dtb;
	cpu_gicr_sgi[cpu] = find_gicr_sgi();
	claim_watchdog_ppi(cpu);
	write_sysreg(ICC_PMR_EL1, 0xffUL);
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
