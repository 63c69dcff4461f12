/*
 * The SPMC's secure partitions at Secure EL1, beside OP-TEE: the mechanics of running them.
 * security/ffa/spmc.c decides; this file switches. A partition's execution context gets the
 * CPU that sent it a message: OP-TEE's EL1 registers and general registers are set aside,
 * the context's loaded (the partition's stage 2, VMID index + 1, so no TLB maintenance; its
 * VMPIDR_EL2 names the context, so a partition with one per CPU finds its own stack), and
 * back when it answers. A partition's request to another switches from its context to the
 * other's on the same CPU, and back with the answer.
 *
 * A partition is contained: its stage 2 is its own region and an empty Non-secure IPA
 * space; FP/SIMD, the physical timer, the PMU and debug registers trap (a trap is a crash:
 * it never had them); while it runs, the normal world's interrupts are masked (ICC_PMR_EL1)
 * and OP-TEE's are held until it answers (gic.c), and a deadline covers each run, so
 * neither a loop nor a storm of calls keeps the CPU. A crash or a missed deadline stops it:
 * the monitor reports it, whoever asked it gets FFA_ERROR(ABORTED), OP-TEE, the other
 * partitions and the normal world go on. A partition with one context then starts again
 * on that CPU, before the answer goes: its region is scrubbed and its image copied back
 * from the pristine copy kept at boot, its context reset, its TLB entries dropped; at most
 * SPMC_MAX_RESTARTS times, then it is given up (ABORTED for good).
 */
#include <arch/sysreg.h>
#include <triad/ffa.h>
#include <triad/sel2_abi.h>
#include <triad/smccc.h>

#include "../ffa/mem_spmc.h"
#include "sel2.h"

#define HCR_SP	    (HCR_OPTEE | HCR_IMO)
#define CPTR_SP	    (CPTR_EL2_FP_ONLY | CPTR_TFP)
#define MDCR_SP	    (1UL << 5 | 1UL << 6 | 1UL << 9 | 1UL << 10 | 1UL << 11) /* PMU, debug */
#define CNTHCTL_SP  0UL	 /* physical counter and timer trap */
#define SP_PMR	    0x20 /* above the deadline (0x00) and OP-TEE's interrupts */
#define VMPIDR_RES1 (1UL << 31)

struct sp_ctx {
	struct frame f; /* its general registers (start.S saves and loads them here) */
	struct el1_ctx el1;
	uint64_t elr, spsr; /* where it resumes */
};

static struct spmc spmc;
static struct sp_ctx sp_ctx[SPMC_MAX_SPS][SPMC_MAX_ECS];

/* Each partition's image as loaded, before it ever ran, to restart it from: in S-EL2's own
 * memory, which no partition maps. Packed; one that does not fit is not restartable. */
#define PRISTINE_POOL 0x30000UL
static uint64_t pristine_pool[PRISTINE_POOL / 8];
static uint64_t pristine_used;
static struct {
	uint64_t *copy;
	uint64_t words; /* its image, in 8-byte words */
} pristine[SPMC_MAX_SPS];

static void el1_save(struct el1_ctx *s)
{
	EL1_SYSREG_LIST(EL1_SAVE)
}

static void el1_restore(const struct el1_ctx *s)
{
	EL1_SYSREG_LIST(EL1_RESTORE)
}

/* Reports a partition's failure to the monitor (it prints and returns at once); outcome
 * as SEL2_SP_FAILED's x6. */
static void report_failure(uint16_t id, const char *why, uint64_t esr, uint64_t elr, uint64_t addr,
			   uint64_t outcome)
{
	uint64_t r[FFA_NREGS] = {SEL2_SP_FAILED, id, (uint64_t)why, esr, elr, addr, outcome};
	smc_call_regs18(r);
}

/* Keeps partition i's image (its region at base, zeroed past the image already). */
static void keep_pristine(unsigned i, uint64_t base, uint64_t image_size)
{
	uint64_t words = (image_size + 7) / 8;
	if (words > PRISTINE_POOL / 8 - pristine_used)
		return;
	const volatile uint64_t *src = (const volatile uint64_t *)base;
	uint64_t *dst = &pristine_pool[pristine_used];
	for (uint64_t k = 0; k < words; k++)
		dst[k] = src[k];
	pristine[i].copy = dst;
	pristine[i].words = words;
	pristine_used += words;
}

/* Partition i's region as it was before it first ran: the image copied back, the rest of
 * its memory zeroed; the instruction caches forget the old code. */
static void reload_pristine(unsigned i)
{
	const struct sp *sp = &spmc.sp[i];
	volatile uint64_t *dst = (volatile uint64_t *)sp->base;
	uint64_t k = 0;
	for (; k < pristine[i].words; k++)
		dst[k] = pristine[i].copy[k];
	for (; k < sp->m.mem_size / 8; k++)
		dst[k] = 0;
	mmu_clean_to_poc(sp->base, sp->m.mem_size); /* it boots with its MMU off */
	__asm__ volatile("dsb ish; ic ialluis; dsb ish; isb" ::: "memory");
}

void sp_init(uint64_t image_sizes)
{
	for (unsigned k = 0; k < SP_MAX; k++) {
		uint64_t size = SP_SIZE_IN(image_sizes, k), base = SP_REGION_OF(k);
		if (!size)
			continue;
		struct sp_manifest m;
		const char *why = sp_manifest_check((const void *)base, size, base, SP_REGION, &m);
		if (!why && !stage2_build_sp(spmc.nr_sps, base, m.mem_size))
			why = "no page left for its stage-2 tables";
		if (!why && !spmc_add(&spmc, &m, base))
			why = "its ID is another partition's";
		if (why) {
			report_failure(0, why, 0, 0, 0, SEL2_SP_STOPPED);
			continue;
		}
		unsigned i = spmc.nr_sps - 1;
		/* Past its image it starts zeroed: its data and stacks. */
		for (uint64_t a = base + m.image_size; a < base + m.mem_size; a++)
			*(volatile uint8_t *)a = 0;
		mmu_clean_to_poc(base, m.mem_size); /* it boots with its MMU off */
		keep_pristine(i, base, m.image_size);
	}
}

bool sp_running(unsigned cpu)
{
	return sel2_cpu(cpu)->on_cpu.sp != 0;
}

/* Context ec of partition i in, to run with x0-x17 = r, under a fresh deadline. */
static void sp_load(unsigned cpu, unsigned i, unsigned ec, const uint64_t r[FFA_NREGS])
{
	struct sp_ctx *c = &sp_ctx[i][ec];
	el1_restore(&c->el1);
	write_sysreg(vmpidr_el2, VMPIDR_RES1 | ec);
	stage2_switch((int)i);
	for (int k = 0; k < FFA_NREGS; k++)
		c->f.x[k] = r[k];
	set_frame(&c->f);
	prepare_entry(c->elr, c->spsr);
	sel2_cpu(cpu)->on_cpu.sp = i + 1;
	sel2_cpu(cpu)->on_cpu.ec = ec;
	deadline_arm(cpu, CALL_DEADLINE_SECONDS);
}

/* The running context's state out: it resumes past its SMC (its general registers are in
 * its frame already). */
static void sp_save(unsigned cpu)
{
	struct sp_ctx *c = &sp_ctx[sel2_cpu(cpu)->on_cpu.sp - 1][sel2_cpu(cpu)->on_cpu.ec];
	c->elr = read_sysreg(elr_el2) + 4;
	c->spsr = read_sysreg(spsr_el2);
	el1_save(&c->el1);
}

/* OP-TEE's state aside, context ec of partition i in, to run with x0-x17 = r. */
static void sp_enter(unsigned cpu, unsigned i, unsigned ec, const uint64_t r[FFA_NREGS])
{
	el1_save(&sel2_cpu(cpu)->optee_el1);
	sel2_cpu(cpu)->optee_pmr = read_sysreg(ICC_PMR_EL1);
	write_sysreg(hcr_el2, HCR_SP);
	write_sysreg(cptr_el2, CPTR_SP);
	write_sysreg(mdcr_el2, MDCR_SP);
	write_sysreg(cnthctl_el2, CNTHCTL_SP);
	write_sysreg(ICC_PMR_EL1, (uint64_t)SP_PMR);
	sp_load(cpu, i, ec, r);
	isb();
}

/* Back to OP-TEE's state. With save, the partition resumes past its SMC next time. */
static void sp_leave(unsigned cpu, bool save)
{
	deadline_disarm();
	if (save)
		sp_save(cpu);
	el1_restore(&sel2_cpu(cpu)->optee_el1);
	write_sysreg(vmpidr_el2, read_sysreg(mpidr_el1)); /* OP-TEE sees the CPU's own */
	stage2_switch(-1);
	write_sysreg(hcr_el2, HCR_OPTEE);
	write_sysreg(cptr_el2, CPTR_EL2_FP_ONLY);
	write_sysreg(mdcr_el2, 0UL);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1_TIMER);
	write_sysreg(ICC_PMR_EL1, sel2_cpu(cpu)->optee_pmr);
	isb();
	gic_release_held(cpu);
	sel2_cpu(cpu)->on_cpu.sp = 0;
	set_frame(&sel2_cpu(cpu)->optee_frame);
}

/* Context ec of partition i is reset to start at its entry point. */
static void reset_context(unsigned i, unsigned ec)
{
	struct sp_ctx *c = &sp_ctx[i][ec];
	for (unsigned k = 0; k < 31; k++)
		c->f.x[k] = 0;
	c->el1 = (struct el1_ctx){.sctlr = SCTLR_EL1_RESET};
	c->elr = spmc_ec_entry(&spmc, i, ec);
	c->spsr = SPSR_EL1H_MASKED;
}

/* Context ec of partition i starts at its entry point, with no boot information. */
static void boot_context(unsigned cpu, unsigned i, unsigned ec)
{
	reset_context(i, ec);
	uint64_t r[FFA_NREGS] = {0};
	sp_enter(cpu, i, ec, r);
}

/* Boots the first partition from index `from` on that has a context to boot on this CPU
 * now; false when none is left. */
static bool boot_from(unsigned cpu, unsigned from)
{
	for (unsigned i = from; i < spmc.nr_sps; i++) {
		if (!sel2_cpu(cpu)->booting_cpu_on || spmc_ec_boot(&spmc, i, cpu)) {
			boot_context(cpu, i, spmc_ec(&spmc, i, cpu));
			return true;
		}
	}
	return false;
}

bool sp_boot(unsigned cpu, struct frame *f)
{
	(void)f; /* OP-TEE's, which stays where it is */
	sel2_cpu(cpu)->booting_cpu_on = false;
	return boot_from(cpu, 0);
}

bool sp_boot_cpu(unsigned cpu)
{
	sel2_cpu(cpu)->booting_cpu_on = true;
	return boot_from(cpu, 0);
}

bool sp_ns_call(unsigned cpu, uint64_t r[FFA_NREGS])
{
	struct spmc_target to;
	if (spmc_mem_may_handle((uint32_t)r[0]) && sp_mem_ns_call(&spmc, r))
		return false; /* memory sharing: answered (sp_mem.c) */
	if (spmc_ns_call(&spmc, cpu, r, &to) != SPMC_RUN_SP)
		return false;
	sp_enter(cpu, to.sp, to.ec, r);
	return true;
}

/* Partition i, which failed on this CPU (in its stage 2 still), starts again from its
 * image there; the answer in sel2_cpu(cpu)->restart_on goes when it is ready. */
static void restart(unsigned cpu, unsigned i)
{
	reload_pristine(i);
	reset_context(i, 0);
	uint64_t r[FFA_NREGS] = {0};
	sp_load(cpu, i, 0, r);
	/* Its stage-1 entries of the last life, on any CPU (its VMID is now this CPU's). */
	__asm__ volatile("tlbi vmalls12e1is; dsb ish; isb" ::: "memory");
}

/* The partition on this CPU failed; it is restarted if it may be, and whoever waited on it
 * is told (the normal world, or the partition that asked it, which then runs on) once it
 * is ready again, or at once if it stays stopped. */
static enum sp_next sp_failed(unsigned cpu, const char *why, uint64_t esr, uint64_t elr,
			      uint64_t addr, uint64_t r[FFA_NREGS])
{
	unsigned i = sel2_cpu(cpu)->on_cpu.sp - 1;
	struct spmc_target to;
	enum spmc_abort a = spmc_sp_abort(&spmc, i, sel2_cpu(cpu)->on_cpu.ec, r, &to);
	if (sel2_cpu(cpu)->restart_on.on) {
		/* It failed again as it restarted: the first failure's caller still waits. */
		sel2_cpu(cpu)->restart_on.on = false;
		a = sel2_cpu(cpu)->restart_on.to;
		to = sel2_cpu(cpu)->restart_on.caller;
		for (int k = 0; k < FFA_NREGS; k++)
			r[k] = sel2_cpu(cpu)->restart_on.r[k];
	}
	enum spmc_restart how = spmc_sp_restart(&spmc, i, pristine[i].words != 0);
	sp_mem_sp_reset(i); /* what it retrieved is gone, restarted or not (its stage 2 still) */
	uint64_t outcome = how == SPMC_RESTARTED  ? spmc.sp[i].restarts
			   : how == SPMC_GIVEN_UP ? SEL2_SP_GIVEN_UP | SPMC_MAX_RESTARTS
						  : SEL2_SP_STOPPED;
	report_failure(spmc.sp[i].m.id, why, esr, elr, addr, outcome);
	if (how == SPMC_RESTARTED) {
		sel2_cpu(cpu)->restart_on.on = true;
		sel2_cpu(cpu)->restart_on.to = a;
		sel2_cpu(cpu)->restart_on.caller = to;
		for (int k = 0; k < FFA_NREGS; k++)
			sel2_cpu(cpu)->restart_on.r[k] = r[k];
		restart(cpu, i);
		return SP_NEXT_RUN;
	}
	if (a == SPMC_ABORT_REPLY_SP) {
		sp_load(cpu, to.sp, to.ec, r);
		isb();
		return SP_NEXT_RUN;
	}
	sp_leave(cpu, false);
	if (a == SPMC_ABORT_REPLY_NS)
		return SP_NEXT_ANSWER;
	/* it failed in its boot: the next one's turn */
	return boot_from(cpu, i + 1) ? SP_NEXT_RUN : SP_NEXT_BOOT_DONE;
}

/* Partition i, restarted on this CPU, is ready (its FFA_MSG_WAIT): the answer its failure
 * left goes to whoever waited; if nobody did, its first boot goes on. */
static enum sp_next restarted(unsigned cpu, unsigned i, unsigned ec, uint64_t r[FFA_NREGS])
{
	sel2_cpu(cpu)->restart_on.on = false;
	if (sel2_cpu(cpu)->restart_on.to == SPMC_ABORT_REPLY_SP) {
		sp_save(cpu);
		spmc_sp_idle(&spmc, i, ec);
		sp_load(cpu, sel2_cpu(cpu)->restart_on.caller.sp,
			sel2_cpu(cpu)->restart_on.caller.ec, sel2_cpu(cpu)->restart_on.r);
		isb();
		return SP_NEXT_RUN;
	}
	sp_leave(cpu, true);
	spmc_sp_idle(&spmc, i, ec);
	for (int k = 0; k < FFA_NREGS; k++)
		r[k] = sel2_cpu(cpu)->restart_on.r[k];
	if (sel2_cpu(cpu)->restart_on.to == SPMC_ABORT_REPLY_NS)
		return SP_NEXT_ANSWER;
	return boot_from(cpu, i + 1) ? SP_NEXT_RUN : SP_NEXT_BOOT_DONE;
}

enum sp_next sp_trapped(unsigned cpu, struct frame *f, uint64_t esr, uint64_t r[FFA_NREGS])
{
	unsigned i = sel2_cpu(cpu)->on_cpu.sp - 1, ec = sel2_cpu(cpu)->on_cpu.ec;
	uint64_t class = ESR_EC(esr);
	if (class != EC_SMC64) {
		uint64_t ipa = (read_sysreg(hpfar_el2) >> 4) << 12 | (read_sysreg(far_el2) & 0xfff);
		bool abort = class == EC_IABT_LOW || class == EC_DABT_LOW;
		return sp_failed(cpu, "crashed", esr, read_sysreg(elr_el2), abort ? ipa : 0, r);
	}
	for (int k = 0; k < FFA_NREGS; k++)
		r[k] = f->x[k];
	struct spmc_target to;
	enum spmc_sp_action act = spmc_mem_may_handle((uint32_t)r[0]) && sp_mem_sp_call(&spmc, i, r)
				      ? SPMC_SP_RESUME
				      : spmc_sp_call(&spmc, i, ec, cpu, r, &to);
	switch (act) {
	case SPMC_SP_RESUME:
		/* A call answered at once: FFA_NOTIFICATION_SET of a VM's bits among them. */
		if (spmc_notif_take_sri(&spmc, cpu))
			gic_raise_sri(SPMC_SRI_SGI);
		for (int k = 0; k < FFA_NREGS; k++)
			f->x[k] = r[k];
		write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
		return SP_NEXT_RUN;
	case SPMC_SP_BOOTED:
		if (sel2_cpu(cpu)->restart_on.on)
			return restarted(cpu, i, ec, r);
		sp_leave(cpu, true);
		spmc_sp_idle(&spmc, i, ec);
		return boot_from(cpu, i + 1) ? SP_NEXT_RUN : SP_NEXT_BOOT_DONE;
	case SPMC_SP_REPLY:
		sp_leave(cpu, true);
		spmc_sp_idle(&spmc, i, ec);
		return SP_NEXT_ANSWER;
	case SPMC_SP_CALL_SP:
		/* It waits, saved, for the other partition's answer. */
		sp_save(cpu);
		sp_load(cpu, to.sp, to.ec, r);
		isb();
		return SP_NEXT_RUN;
	case SPMC_SP_REPLY_SP:
		sp_save(cpu);
		spmc_sp_idle(&spmc, i, ec);
		sp_load(cpu, to.sp, to.ec, r);
		isb();
		return SP_NEXT_RUN;
	}
	return SP_NEXT_RUN;
}

enum sp_next sp_interrupts_overflow(unsigned cpu, uint64_t r[FFA_NREGS])
{
	deadline_disarm();
	return sp_failed(cpu, "kept OP-TEE's interrupts waiting (too many)", 0,
			 read_sysreg(elr_el2), 0, r);
}

enum sp_next sp_deadline(unsigned cpu, uint64_t r[FFA_NREGS])
{
	return sp_failed(cpu, "missed its deadline (10 s)", 0, read_sysreg(elr_el2), 0, r);
}
