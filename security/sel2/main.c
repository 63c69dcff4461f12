/*
 * Triad at Secure EL2, first form: it hosts OP-TEE OS (Debian's build for QEMU virt) at
 * Secure EL1 and speaks the protocol OP-TEE expects from its EL3 dispatcher (see
 * docs/secure.md): cold boot to ENTRY_DONE and the vector table it returns, fast and
 * yielding calls through that table with OP-TEE's own PSTATE preserved, CPU on and off.
 * OP-TEE's SMCs trap here (HCR_EL2.TSC); what the normal world asked and what OP-TEE
 * answered travel through the EL3 monitor (include/triad/sel2_abi.h).
 */
#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/sel2_abi.h>
#include <triad/smccc.h>

#define MAX_CPUS       8
#define STACK_SIZE     0x2000
#define OPTEE_BASE     0x0e100000UL
#define OPTEE_SIZE     0x00f00000UL /* its TZDRAM */
#define VEC_TABLE_SIZE 0x24	    /* nine entries */

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

#define HCR_RW		 (1UL << 31)
#define HCR_IMO		 (1UL << 4)
#define HCR_TSC		 (1UL << 19)
#define SPSR_EL1H_MASKED 0x3c5
#define SCTLR_EL1_RESET	 0x30d00800UL

struct frame {
	uint64_t x[31];
	uint64_t pad;
};

uint8_t sel2_stacks[MAX_CPUS + 1][STACK_SIZE] __attribute__((aligned(16)));
static uint64_t optee_vectors;
static uint64_t optee_spsr[MAX_CPUS]; /* OP-TEE's PSTATE at its last SMC, per CPU */

void enter_secure_el1(struct frame *f, void *stack_top) __attribute__((noreturn));

static unsigned this_cpu(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	return (unsigned)((m & 0xff) + ((m >> 8) & 0xff) * 16);
}

static void el2_setup(void)
{
	write_sysreg(hcr_el2, HCR_RW | HCR_TSC); /* no stage 2 yet, SMCs trapped */
	write_sysreg(cptr_el2, 0x33ffUL);	 /* RES1 bits; FP/SIMD not trapped */
	write_sysreg(mdcr_el2, 0);
	write_sysreg(cnthctl_el2, 3); /* EL1 may use the physical counter and timer */
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(vttbr_el2, 0);
	isb();
}

/*
 * OP-TEE's cold boot has a deadline. Until ENTRY_DONE, the Secure EL2 physical timer (PPI 20,
 * made Secure Group 1 in CPU 0's redistributor: an IRQ in Secure state) is armed and
 * HCR_EL2.IMO brings its interrupt here even while OP-TEE runs with its own interrupts
 * masked. An OP-TEE that panics or hangs before ENTRY_DONE is reported (SEL2_TIMEOUT) and
 * the machine boots without a secure world, instead of not at all.
 */
#define BOOT_DEADLINE_SECONDS 20
#define WATCHDOG_PPI	      20
#define GICR0_SGI	      0x080b0000UL /* CPU 0's redistributor, SGI and PPI frame */
#define GICR_IGROUPR0	      0x0080
#define GICR_ISENABLER0	      0x0100
#define GICR_ICENABLER0	      0x0180
#define GICR_ICPENDR0	      0x0280
#define GICR_IPRIORITYR	      0x0400
#define GICR_IGRPMODR0	      0x0d00
#define CNTHPS_CTL_EL2	      S3_4_C14_C5_1
#define CNTHPS_CVAL_EL2	      S3_4_C14_C5_2

static volatile uint32_t *gicr0(unsigned off)
{
	return (volatile uint32_t *)(GICR0_SGI + off);
}

static uint32_t saved_igroupr0, saved_igrpmodr0;

static void boot_watchdog_start(void)
{
	uint32_t bit = 1U << WATCHDOG_PPI;
	saved_igroupr0 = *gicr0(GICR_IGROUPR0);
	saved_igrpmodr0 = *gicr0(GICR_IGRPMODR0);
	*gicr0(GICR_IGROUPR0) = saved_igroupr0 & ~bit;
	*gicr0(GICR_IGRPMODR0) = saved_igrpmodr0 | bit;
	((volatile uint8_t *)gicr0(GICR_IPRIORITYR))[WATCHDOG_PPI] = 0x10;
	*gicr0(GICR_ISENABLER0) = bit;
	write_sysreg(ICC_PMR_EL1, 0xffUL);
	write_sysreg(ICC_IGRPEN1_EL1, 1UL);
	uint64_t now = read_sysreg(cntpct_el0);
	write_sysreg(CNTHPS_CVAL_EL2, now + BOOT_DEADLINE_SECONDS * read_sysreg(cntfrq_el0));
	write_sysreg(CNTHPS_CTL_EL2, 1UL);
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_IMO);
	isb();
}

/* The timer off, its interrupt disabled and its group as OP-TEE found it. */
static void boot_watchdog_stop(void)
{
	uint32_t bit = 1U << WATCHDOG_PPI;
	write_sysreg(CNTHPS_CTL_EL2, 0UL);
	write_sysreg(hcr_el2, read_sysreg(hcr_el2) & ~HCR_IMO);
	isb();
	*gicr0(GICR_ICENABLER0) = bit;
	*gicr0(GICR_ICPENDR0) = bit;
	*gicr0(GICR_IGROUPR0) = saved_igroupr0;
	*gicr0(GICR_IGRPMODR0) = saved_igrpmodr0;
}

/* The watchdog's IRQ (start.S): OP-TEE missed its boot deadline. */
void sel2_boot_timeout(void)
{
	boot_watchdog_stop();
	uint64_t r[8] = {SEL2_TIMEOUT, BOOT_DEADLINE_SECONDS, read_sysreg(elr_el2), 0, 0, 0, 0, 0};
	smc_call_regs(r);
	for (;;)
		__asm__ volatile("wfi");
}

/* Next OP-TEE entry: a vector of its table (or its load address at cold boot). */
static void prepare_entry(uint64_t pc, uint64_t spsr)
{
	write_sysreg(elr_el2, pc);
	write_sysreg(spsr_el2, spsr);
}

/* Reports to the monitor and takes its next request into f->x[0..7]. */
static void report(struct frame *f, uint64_t what, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4)
{
	uint64_t r[8] = {what, a1, a2, a3, a4, 0, 0, 0};
	smc_call_regs(r);
	for (int i = 0; i < 8; i++)
		f->x[i] = r[i];
}

/* Runs the request now in f->x[0..7]: FF-A calls the SPMC answers at once, the rest
 * into OP-TEE through its vector table. */
static void dispatch(struct frame *f)
{
	unsigned cpu = this_cpu();
	while (FFA_FID_IS((uint32_t)f->x[0])) {
		uint64_t r[8];
		for (int i = 0; i < 8; i++)
			r[i] = f->x[i];
		spmc_handle(r);
		report(f, SEL2_DONE, r[0], r[1], r[2], r[3]);
	}
	uint32_t fid = (uint32_t)f->x[0];
	if (fid == SEL2_REQ_CPU_OFF) {
		for (int i = 0; i < 8; i++)
			f->x[i] = 0;
		prepare_entry(optee_vectors + VEC_CPU_OFF, optee_spsr[cpu]);
		return;
	}
	/* A normal-world call: fast calls (bit 31) and yielding calls have their own entry. */
	prepare_entry(optee_vectors + ((fid & (1U << 31)) ? VEC_FAST : VEC_YIELD), optee_spsr[cpu]);
}

void sel2_lower_sync(struct frame *f)
{
	unsigned cpu = this_cpu();
	uint64_t esr = read_sysreg(esr_el2);
	if ((esr >> 26) != 0x17) {
		/* OP-TEE did something only a crash does (it runs without stage 2 traps). */
		report(f, SEL2_CRASHED, esr, read_sysreg(elr_el2), 0, 0);
		for (;;)
			__asm__ volatile("wfi");
	}
	optee_spsr[cpu] = read_sysreg(spsr_el2);
	switch ((uint32_t)f->x[0]) {
	case OPTEE_ENTRY_DONE:
		boot_watchdog_stop();
		/* Every later entry jumps into this table: it must be OP-TEE's own memory. */
		if (f->x[1] < OPTEE_BASE || f->x[1] >= OPTEE_BASE + OPTEE_SIZE - VEC_TABLE_SIZE ||
		    f->x[1] % 4) {
			report(f, SEL2_CRASHED, esr, f->x[1], 0, 0);
			for (;;)
				__asm__ volatile("wfi");
		}
		optee_vectors = f->x[1];
		report(f, SEL2_READY, 0, 0, 0, 0);
		break;
	case OPTEE_ON_DONE:
		report(f, SEL2_READY, f->x[1], 0, 0, 0);
		break;
	case OPTEE_OFF_DONE:
	case OPTEE_CALL_DONE:
	default:
		/* x1..x4 are the answer (CALL_DONE), or the status of a power request. */
		report(f, SEL2_DONE, f->x[1], f->x[2], f->x[3], f->x[4]);
		break;
	}
	dispatch(f);
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

void sel2_main(unsigned cpu, unsigned cpu_on, uint64_t optee_size, uint64_t dtb)
{
	if (!cpu_on)
		retarget_secure_timer((uint32_t *)OPTEE_BASE, optee_size);
	el2_setup();
	static struct frame boot[MAX_CPUS];
	struct frame *f = &boot[cpu];
	for (int i = 0; i < 31; i++)
		f->x[i] = 0;
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	isb();
	/* Cold boot: x0 = pageable part (none), x1 = 0, x2 = the machine's DT, x3 = 0. A CPU
	 * being turned on enters OP-TEE's cpu_on vector with all arguments zero. */
	if (!cpu_on)
		f->x[2] = dtb;
	if (!cpu_on)
		boot_watchdog_start();
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
