/*
 * The worlds, one context per world and CPU: the normal world, Triad at Secure EL2
 * (hosting OP-TEE) and Triad's RMM at Realm EL2. While a world runs, SP_EL3 points at its
 * context, so an SMC saves the caller's registers straight into it (start.S) and every
 * handler here returns the context to resume: a world switch is a change of context plus
 * the system registers the worlds share, with no copying of frames.
 *
 * Trusted OS and FF-A calls from the normal world (SMCCC owners 50-63, FF-A's range) switch
 * to the secure world with the caller's x0-x17; OP-TEE's answer (SEL2_DONE, x1-x4) comes
 * back as the caller's x0-x3, the SPMC's (any SMC that is not a SEL2_* report) as x0-x17.
 * RMI calls switch to the realm world the same way; the RMM answers with
 * RMM_RMI_REQ_COMPLETE (x1-x5 become x0-x4). On each CPU the secure world boots first,
 * then the realm world, then the normal world runs.
 */
#include <triad/ffa.h>
#include <triad/psci_abi.h>
#include <triad/rmm_abi.h>
#include <triad/sel2_abi.h>
#include <triad/tos_restart_abi.h>

#include "monitor.h"

#define SCR_EEL2	 (1ULL << 18)
#define UNKNOWN_FUNCTION 0xffffffffULL /* OP-TEE's and SMCCC's NOT_SUPPORTED, 32-bit */

static volatile bool secure_alive, realm_alive, realm_booted;
uint64_t sel2_entry; /* 0: no secure world */
uint64_t rmm_entry;  /* 0: no realm world */
uint64_t sp_sizes;

/* OP-TEE's restarts (docs/monitor.md): its generation (its boots since the machine's), the
 * one Normal EL2 has acknowledged, the one each CPU last entered. While a CPU restarts it
 * (restarting, restart_leader), no other enters the secure world, and it waits for those
 * inside (in_secure) to come out before OP-TEE's memory is rewritten. */
static volatile uint32_t optee_gen, acked_gen;
static volatile uint32_t restarting;
static volatile int restart_leader = -1;
static uint64_t restart_began; /* the counter when the last restart began */
static void secure_wait_restart(unsigned cpu);

bool world_secure_alive(void)
{
	return secure_alive;
}

/* ---- switching ---- */

/* Leaves `from` (the world that trapped) for `to`. With el1, the EL1 registers, timers and
 * FP/SIMD too; without, only EL2's (the RMM keeps the EL1 and FP state it uses itself). */
static struct world_context *switch_world(struct world_context *from, struct world_context *to,
					  bool el1)
{
	from->scr_el3 = read_sysreg(scr_el3);
	context_save_el2(from);
	if (el1) {
		context_save_el1_fp(from);
		context_restore_el1_fp(to);
	}
	context_restore_el2(to);
	write_sysreg(scr_el3, to->scr_el3);
	isb();
	return to;
}

/* Enters a world at entry, at the exception level spsr names, with x0-x4 and its MMU off
 * (EL2's and EL1's). */
static void enter_at(struct world_context *c, uint64_t scr, uint64_t entry, uint64_t spsr,
		     uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
    __attribute__((noreturn));

static void enter_at(struct world_context *c, uint64_t scr, uint64_t entry, uint64_t spsr,
		     uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	for (int i = 0; i < 31; i++)
		c->x[i] = 0;
	c->x[0] = a0, c->x[1] = a1, c->x[2] = a2, c->x[3] = a3, c->x[4] = a4;
	c->scr_el3 = scr;
	c->sys.elr_el3 = entry;
	c->sys.spsr_el3 = spsr;
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1);
	write_sysreg(sctlr_el1, SCTLR_EL1_RESET);
	write_sysreg(scr_el3, scr);
	write_sysreg(elr_el3, entry);
	write_sysreg(spsr_el3, spsr);
	isb();
	el3_exit(c);
}

/* Enters a world at its EL2 entry point afresh, with x0-x4 and its MMU off. */
static void enter_fresh(struct world_context *c, uint64_t scr, uint64_t entry, uint64_t a0,
			uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
    __attribute__((noreturn));

static void enter_fresh(struct world_context *c, uint64_t scr, uint64_t entry, uint64_t a0,
			uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	enter_at(c, scr, entry, SPSR_ELXH_MASKED(2), a0, a1, a2, a3, a4);
}

/* The RMM's first run on this CPU: the cold boot with its arguments on the first CPU, a
 * warm boot on the others. It answers with RMM_BOOT_COMPLETE. */
static void boot_realm(unsigned cpu) __attribute__((noreturn));

static void boot_realm(unsigned cpu)
{
	bool cold = !realm_booted;
	realm_booted = true;
	/* Secure interrupts in the realm world are the RMM's FIQs (a REC exit): the normal
	 * world, where they come to EL3, takes them next. */
	enter_fresh(&mon_cpu(cpu)->rl_ctx,
		    (mon_cpu(cpu)->ns_ctx.scr_el3 & ~(SCR_FIQ | SCR_NS_ONLY)) | SCR_NSE, rmm_entry,
		    cpu, cold ? RMM_EL3_IFC_VERSION : 0, cold ? MAX_CPUS : 0, cold ? rmm_shared : 0,
		    0);
}

static bool realm_to_boot(bool cpu_on)
{
	return rmm_entry && (cpu_on ? realm_alive : !realm_booted);
}

/* Boots the CPU's worlds: the normal world's starting state is saved first, then the
 * secure world runs (cold boot on CPU 0, OP-TEE's CPU-on entry on the others), then the
 * realm world; the normal world starts when the last of them is ready. */
void world_boot_cpu(unsigned cpu, uint64_t ns_entry, uint64_t ns_x0, uint64_t ns_x1, bool cpu_on)
{
	struct world_context *ns = &mon_cpu(cpu)->ns_ctx;
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1);
	ns->sve = NULL;
	context_save_sysregs(ns);
	if ((read_sysreg(id_aa64pfr0_el1) >> 32) & 0xf) /* SVE, enabled for EL3 (CPTR_EL3.EZ) */
		ns->sve = &mon_cpu(cpu)->ns_sve;
	for (int i = 0; i < 31; i++)
		ns->x[i] = 0;
	ns->x[0] = ns_x0;
	ns->x[1] = ns_x1;
	ns->sys.elr_el3 = ns_entry;
	ns->sys.spsr_el3 = SPSR_ELXH_MASKED(2);
	ns->scr_el3 = read_sysreg(scr_el3);
	/* While the normal world runs, secure interrupts (FIQs there) come here for OP-TEE; in
	 * the secure world they are its own IRQs, and the normal world's are its FIQs, which
	 * it must see (foreign interrupts). */
	uint64_t scr_secure = (ns->scr_el3 & ~(SCR_NS | SCR_NS_ONLY)) | SCR_EEL2;
	if (sel2_entry)
		ns->scr_el3 |= SCR_FIQ;
	mon_cpu(cpu)->booting_by_cpu_on = cpu_on;
	if (sel2_entry && (!cpu_on || secure_alive)) {
		secure_wait_restart(cpu);
		mon_cpu(cpu)->cpu_gen = optee_gen;
		mon_cpu(cpu)->pending = SECURE_BOOT;
		/* OP-TEE reads the machine's DT at cold boot (its normal memory, for dynamic
		 * shared memory) and edits it in place: ns_x0 is that DT on CPU 0. */
		enter_fresh(&mon_cpu(cpu)->s_ctx, scr_secure, sel2_entry, cpu,
			    cpu_on ? SEL2_BOOT_CPU_ON : SEL2_BOOT_COLD, optee_boot_x2(),
			    cpu_on ? 0 : ns_x0, cpu_on ? 0 : sp_sizes);
	}
	if (realm_to_boot(cpu_on))
		boot_realm(cpu);
	enter_fresh(ns, ns->scr_el3, ns_entry, ns_x0, ns_x1, 0, 0, 0);
}

/* ---- the secure world ---- */

/* The secure world has booted this CPU, or failed to: the cold boot's GPT goes on now (see
 * monitor_main), then the realm world boots. */
static void secure_boot_finished(struct world_context *c, unsigned cpu)
{
	if (mon_cpu(cpu)->pending != SECURE_BOOT)
		return;
	if (!mon_cpu(cpu)->booting_by_cpu_on)
		monitor_gpt_start();
	if (realm_to_boot(mon_cpu(cpu)->booting_by_cpu_on)) {
		c->scr_el3 = read_sysreg(scr_el3);
		context_save_sysregs(c);
		boot_realm(cpu);
	}
}

/* From the normal world into the secure world. The virtual timer offset stays the normal
 * world's: its virtual timer goes on counting there (see context.c), and must fire when it
 * would have, not at once (which would preempt OP-TEE forever). */
static struct world_context *enter_secure(struct world_context *c, unsigned cpu)
{
	mon_cpu(cpu)->s_ctx.sys.cntvoff_el2 = read_sysreg(cntvoff_el2);
	return switch_world(c, &mon_cpu(cpu)->s_ctx, true);
}

static uint64_t secure_scr(unsigned cpu)
{
	return (mon_cpu(cpu)->ns_ctx.scr_el3 & ~(SCR_NS | SCR_FIQ | SCR_NS_ONLY)) | SCR_EEL2;
}

/* Waits out a restart of OP-TEE under way, then marks this CPU as in the secure world (a
 * restart waits for it to come out). */
static void secure_wait_restart(unsigned cpu)
{
	for (;;) {
		mon_cpu(cpu)->in_secure = true;
		dsb(sy);
		if (!restarting)
			return;
		mon_cpu(cpu)->in_secure = false;
		dsb(sy);
		while (restarting)
			__asm__ volatile("wfe");
	}
}

/* This CPU is out of the secure world (what it left there is visible before it says so). */
static void secure_release(unsigned cpu)
{
	dsb(sy);
	mon_cpu(cpu)->in_secure = false;
}

/* The normal world (its context c) enters the secure world on this CPU. If OP-TEE has
 * restarted since this CPU last ran it, its cpu_on entry runs here first, and the normal
 * world then makes its SMC again (smc) or takes its interrupt again. */
static void secure_claim(struct world_context *c, unsigned cpu, bool smc)
{
	secure_wait_restart(cpu);
	if (mon_cpu(cpu)->cpu_gen == optee_gen || !secure_alive)
		return;
	mon_cpu(cpu)->cpu_gen = optee_gen;
	switch_world(c, &mon_cpu(cpu)->s_ctx, true);
	if (smc)
		mon_cpu(cpu)->ns_ctx.sys.elr_el3 -= 4;
	mon_cpu(cpu)->fresh_boot = true;
	mon_cpu(cpu)->resume_after = SECURE_INTERRUPT; /* the normal world resumes as it is */
	mon_cpu(cpu)->pending = SECURE_BOOT;
	enter_fresh(&mon_cpu(cpu)->s_ctx, secure_scr(cpu), sel2_entry, cpu, SEL2_BOOT_OPTEE_CPU,
		    optee_boot_x2(), 0, 0);
}

int64_t world_restart_acked(uint64_t generation)
{
	if (generation != optee_gen)
		return -2;
	acked_gen = (uint32_t)generation;
	return 0;
}

/* A normal-world trusted OS call: into the secure world, or NOT_SUPPORTED without one. */
struct world_context *world_call_secure(struct world_context *c)
{
	unsigned cpu = cpu_index();
	bool ffa = FFA_FID_IS((uint32_t)c->x[0]);
	if (secure_alive && !ffa && acked_gen != optee_gen) {
		/* OP-TEE restarted: Normal EL2 first forgets what the old one held. */
		c->x[0] = TOS_RESTARTED;
		c->x[1] = optee_gen;
		return c;
	}
	secure_claim(c, cpu, true);
	if (!secure_alive) {
		secure_release(cpu);
		c->x[0] = UNKNOWN_FUNCTION;
		return c;
	}
	mon_cpu(cpu)->pending = ffa ? SECURE_FFA_CALL : SECURE_CALL;
	struct world_context *s = enter_secure(c, cpu);
	for (int i = 0; i < FFA_NREGS; i++) /* x0-x17: FF-A v1.2 messages use them all */
		s->x[i] = c->x[i];
	return s;
}

/* Asks the secure world to run one of OP-TEE's power entries on this CPU. */
static struct world_context *secure_power_request(struct world_context *c, unsigned cpu,
						  uint64_t request)
{
	struct world_context *s = enter_secure(c, cpu);
	s->x[0] = request;
	for (int i = 1; i < 8; i++)
		s->x[i] = 0;
	return s;
}

/* The normal world turns this CPU off: the secure world hears of it first (NULL without
 * one: the caller turns the CPU off at once). */
struct world_context *world_cpu_off(struct world_context *c)
{
	unsigned cpu = cpu_index();
	secure_claim(c, cpu, true);
	if (!secure_alive) {
		secure_release(cpu);
		return 0;
	}
	mon_cpu(cpu)->pending = SECURE_CPU_OFF;
	return secure_power_request(c, cpu, SEL2_REQ_CPU_OFF);
}

/* QEMU has no power to take away: a CPU in a power-down state waits for an interrupt
 * (masked here: it is taken where it belongs once the CPU runs on). */
static void wait_for_wakeup(void)
{
	dsb(sy);
	__asm__ volatile("wfi" ::: "memory");
}

/* The normal world wakes from a power-down as from a reset: at the entry it gave, at the
 * exception level that called, x0 = its context ID, MMU off, interrupts masked (PSCI). */
static void resume_normal_world(unsigned cpu) __attribute__((noreturn));

static void resume_normal_world(unsigned cpu)
{
	struct world_context *ns = &mon_cpu(cpu)->ns_ctx;
	enter_at(ns, ns->scr_el3, mon_cpu(cpu)->resume_entry, mon_cpu(cpu)->resume_spsr,
		 mon_cpu(cpu)->resume_context, 0, 0, 0, 0);
}

struct world_context *world_cpu_suspend(struct world_context *c, uint64_t entry, uint64_t context)
{
	unsigned cpu = cpu_index();
	mon_cpu(cpu)->resume_entry = entry;
	mon_cpu(cpu)->resume_context = context;
	mon_cpu(cpu)->resume_spsr = SPSR_ELXH_MASKED((read_sysreg(spsr_el3) >> 2) & 3);
	secure_claim(c, cpu, true);
	if (!secure_alive) {
		secure_release(cpu);
		wait_for_wakeup();
		resume_normal_world(cpu);
	}
	mon_cpu(cpu)->pending = SECURE_CPU_SUSPEND;
	return secure_power_request(c, cpu, SEL2_REQ_CPU_SUSPEND);
}

struct world_context *world_system_power(struct world_context *c, bool reset)
{
	unsigned cpu = cpu_index();
	secure_claim(c, cpu, true);
	if (!secure_alive) {
		if (reset)
			power_reset();
		power_off();
	}
	mon_cpu(cpu)->pending = reset ? SECURE_SYSTEM_RESET : SECURE_SYSTEM_OFF;
	return secure_power_request(c, cpu, reset ? SEL2_REQ_SYSTEM_RESET : SEL2_REQ_SYSTEM_OFF);
}

/* The secure world has answered a power request on this CPU (or failed meanwhile: then
 * ok is false): what was asked goes on. Returns only for a suspend OP-TEE refused. */
static struct world_context *power_request_done(struct world_context *c, unsigned cpu, bool ok)
{
	switch (mon_cpu(cpu)->pending) {
	case SECURE_CPU_OFF:
		secure_release(cpu);
		cpu_restart(cpu); /* the secure world enters it afresh at the next CPU_ON */
	case SECURE_SYSTEM_OFF:
		power_off();
	case SECURE_SYSTEM_RESET:
		power_reset();
	case SECURE_CPU_SUSPEND:
		if (ok && c->x[1]) {
			/* OP-TEE refused: the CPU stays up and the caller hears DENIED. */
			secure_release(cpu);
			switch_world(c, &mon_cpu(cpu)->ns_ctx, true);
			mon_cpu(cpu)->ns_ctx.x[0] = (uint64_t)PSCI_DENIED;
			return &mon_cpu(cpu)->ns_ctx;
		}
		secure_release(cpu);
		wait_for_wakeup();
		if (ok)
			secure_wait_restart(cpu);
		if (ok && mon_cpu(cpu)->cpu_gen == optee_gen) {
			mon_cpu(cpu)->pending = SECURE_CPU_RESUME;
			c->x[0] = SEL2_REQ_CPU_RESUME;
			return c; /* still in the secure world: now its resume entry */
		}
		__attribute__((fallthrough)); /* no secure world to resume, or a new one */
	case SECURE_CPU_RESUME:
		secure_release(cpu);
		switch_world(c, &mon_cpu(cpu)->ns_ctx, true);
		resume_normal_world(cpu);
	default:
		return 0;
	}
}

/* SEL2_SP_FAILED: x1 = the partition's ID (0: none could be started), x2 = the reason (a
 * string in S-EL2's image), x3-x5 = ESR, ELR and fault address, or 0, x6 = what follows
 * (restarted, given up, stopped). */
static void report_partition_failure(const struct world_context *c)
{
	early_puts("[monitor] error: secure partition ");
	if (c->x[1]) {
		mon_puthex(c->x[1]);
		early_puts(" ");
	}
	/* The reason must lie in Triad at S-EL2's image and end there. */
	const char *why = (const char *)c->x[2];
	uint64_t end = SEL2_BASE + SEL2_MAX;
	uint64_t n = 0;
	if (c->x[2] >= SEL2_BASE && c->x[2] < end)
		while (c->x[2] + n < end && why[n] && n < 120)
			n++;
	if (n && c->x[2] + n < end && !why[n])
		early_puts(why);
	else
		early_puts("failed");
	if (c->x[3]) {
		early_puts(" (ESR ");
		mon_puthex(c->x[3]);
		early_puts(", ELR ");
		mon_puthex(c->x[4]);
		if (c->x[5]) {
			early_puts(", address ");
			mon_puthex(c->x[5]);
		}
		early_puts(")");
	}
	if (!c->x[1]) {
		early_puts("\n");
	} else if (c->x[6] == SEL2_SP_STOPPED) {
		early_puts(": stopped; its messages answer ABORTED\n");
	} else if (c->x[6] & SEL2_SP_GIVEN_UP) {
		early_puts(": given up after ");
		mon_putdec(c->x[6] & ~SEL2_SP_GIVEN_UP);
		early_puts(" restarts; its messages answer ABORTED\n");
	} else {
		early_puts(": restarted from its image (restart ");
		mon_putdec(c->x[6]);
		early_puts(")\n");
	}
}

/* ---- OP-TEE's restart ---- */

/* The secure world is out of this CPU's way (failed, or restarted): the normal world
 * carries on with what it had asked (mon_cpu(cpu)->pending); a call gets answer. */
static struct world_context *carry_on(struct world_context *c, unsigned cpu, uint32_t answer)
{
	struct world_context *ns = &mon_cpu(cpu)->ns_ctx;
	secure_release(cpu);
	power_request_done(c, cpu, false);
	secure_boot_finished(c, cpu);
	switch_world(c, ns, true);
	if (mon_cpu(cpu)->pending == SECURE_CALL || mon_cpu(cpu)->pending == SECURE_FFA_CALL) {
		ns->x[0] = answer;
		if (answer == TOS_RESTARTED)
			ns->x[1] = optee_gen;
	}
	return ns;
}

/* The restart is over (OP-TEE back, or given up): CPUs waiting in secure_wait_restart go on. */
static void restart_end(void)
{
	restart_leader = -1;
	dsb(sy);
	restarting = 0;
	dsb(sy);
	__asm__ volatile("sev");
}

/* OP-TEE's restart (on the leader) or its cpu_on entry here (a catch-up) is done. */
static struct world_context *fresh_boot_done(struct world_context *c, unsigned cpu)
{
	mon_cpu(cpu)->fresh_boot = false;
	mon_cpu(cpu)->pending = mon_cpu(cpu)->resume_after;
	if (restart_leader == (int)cpu) {
		uint64_t ms =
		    (read_sysreg(cntpct_el0) - restart_began) * 1000 / read_sysreg(cntfrq_el0);
		early_puts("[monitor] OP-TEE is back (restart ");
		mon_putdec(optee_restarts());
		early_puts(", ");
		mon_putdec(ms);
		early_puts(" ms): trusted OS calls go to it again\n");
		restart_end();
	}
	return carry_on(c, cpu, TOS_RESTARTED);
}

/* OP-TEE failed on this CPU (the report is on the console up to its last sentence). With
 * its image kept, this CPU restarts it: the others keep out of the secure world, those in
 * it come out (with an answer from the failed OP-TEE, turned into TOS_RESTARTED, or a
 * failure of their own at their deadline), OP-TEE's memory is rewritten and it boots cold
 * here; each other CPU runs its cpu_on entry when it next enters (secure_claim). A failure
 * while another CPU restarts it is part of that restart. */
static struct world_context *secure_failed(struct world_context *c, unsigned cpu)
{
	bool leader = restart_leader == (int)cpu; /* the restart's own boot failed */
	if (mon_cpu(cpu)->fresh_boot) {
		mon_cpu(cpu)->fresh_boot = false;
		mon_cpu(cpu)->pending = mon_cpu(cpu)->resume_after;
	}
	secure_release(cpu);
	/* OP-TEE's first boot, on the machine's or a CPU's, is not restarted. */
	if (!optee_restartable() || mon_cpu(cpu)->pending == SECURE_BOOT) {
		early_puts(optee_restartable() ? ": trusted OS calls now answer NOT_SUPPORTED\n"
					       : ": trusted OS calls now answer NOT_SUPPORTED (no "
						 "restart: no GPT to keep OP-TEE's image)\n");
		secure_alive = false;
		return carry_on(c, cpu, UNKNOWN_FUNCTION);
	}
	if (!leader && __atomic_exchange_n(&restarting, 1, __ATOMIC_ACQUIRE)) {
		early_puts(": OP-TEE is being restarted\n");
		return carry_on(c, cpu, TOS_RESTARTED);
	}
	unsigned n = optee_restart_begin();
	if (!n) {
		early_puts(": given up after ");
		mon_putdec(optee_restarts());
		early_puts(" restarts; trusted OS calls now answer NOT_SUPPORTED\n");
		secure_alive = false;
		restart_end();
		return carry_on(c, cpu, UNKNOWN_FUNCTION);
	}
	early_puts(": restarting OP-TEE from its image (restart ");
	mon_putdec(n);
	early_puts(")\n");
	restart_leader = (int)cpu;
	restart_began = read_sysreg(cntpct_el0);
	optee_gen++;
	mon_cpu(cpu)->resume_after = mon_cpu(cpu)->pending;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		while (i != cpu && mon_cpu(i)->in_secure)
			dsb(sy);
	optee_restore_image();
	mon_cpu(cpu)->cpu_gen = optee_gen;
	mon_cpu(cpu)->fresh_boot = true;
	mon_cpu(cpu)->pending = SECURE_BOOT;
	mon_cpu(cpu)->in_secure = true;
	enter_fresh(&mon_cpu(cpu)->s_ctx, secure_scr(cpu), sel2_entry, cpu, SEL2_BOOT_OPTEE_RESTART,
		    optee_boot_x2(), optee_dt_window(), 0);
}

/* An SMC from Triad at Secure EL2. */
struct world_context *world_secure_smc(struct world_context *c)
{
	unsigned cpu = cpu_index();
	uint32_t fid = (uint32_t)c->x[0];
	struct world_context *ns = &mon_cpu(cpu)->ns_ctx;
	if (mon_cpu(cpu)->pending == SECURE_FFA_CALL && !SEL2_CALL_IS(fid)) {
		/* The SPMC's answer to an FF-A call (which may be a bare version number): x0-x17
		 * as they are. */
		secure_release(cpu);
		switch_world(c, ns, true);
		for (int i = 0; i < FFA_NREGS; i++)
			ns->x[i] = c->x[i];
		return ns;
	}
	switch (fid) {
	case SEL2_READY:
		if (mon_cpu(cpu)->fresh_boot)
			return fresh_boot_done(c, cpu);
		if (!secure_alive) {
			early_puts("[monitor] secure world up: Triad at S-EL2, OP-TEE at S-EL1\n");
			secure_alive = true;
		}
		secure_release(cpu);
		secure_boot_finished(c, cpu);
		return switch_world(c, ns, true);
	case SEL2_TIMER:
		c->x[0] = secure_timer_access(c->x[1], c->x[2]);
		return c;
	case SEL2_DONE: {
		/* (A trusted-OS call, the common case, skips the power requests.) */
		struct world_context *next =
		    mon_cpu(cpu)->pending == SECURE_CALL ? 0 : power_request_done(c, cpu, true);
		if (next)
			return next;
		secure_release(cpu);
		switch_world(c, ns, true);
		if (mon_cpu(cpu)->pending == SECURE_INTERRUPT)
			return ns; /* it resumes as it was */
		for (int i = 0; i < 4; i++)
			ns->x[i] = c->x[1 + i];
		if (mon_cpu(cpu)->cpu_gen !=
		    optee_gen) { /* the answer of an OP-TEE that failed since */
			ns->x[0] = TOS_RESTARTED;
			ns->x[1] = optee_gen;
		}
		return ns;
	}
	case SEL2_SP_FAILED:
		report_partition_failure(c);
		return c;
	case SEL2_CRASHED:
	case SEL2_TIMEOUT:
	default:
		if (fid == SEL2_TIMEOUT) {
			early_puts(!c->x[1] ? "[monitor] error: OP-TEE stopped answering: the test "
					      "hook's deadline (opt/triad/optee-fail-after) "
				   : c->x[3]
				       ? "[monitor] error: OP-TEE stopped answering: no return "
					 "within "
				       : "[monitor] error: OP-TEE did not finish booting within ");
			if (c->x[1]) {
				mon_putdec(c->x[1]);
				early_puts(" s ");
			}
			early_puts("(it was at ");
		} else {
			early_puts("[monitor] error: the secure world failed (ESR ");
			mon_puthex(c->x[1]);
			if (c->x[3]) {
				early_puts(", address ");
				mon_puthex(c->x[3]);
			}
			early_puts(", ELR ");
		}
		mon_puthex(c->x[2]);
		early_puts(")");
		return secure_failed(c, cpu);
	}
}

/* A Secure Group 1 interrupt while the normal world ran (SCR_EL3.FIQ is set in its
 * context when there is a secure world): OP-TEE takes it through its FIQ entry, and the
 * normal world resumes where it was with none of its registers changed (as under TF-A's
 * OP-TEE dispatcher). With the secure world gone nobody can take it, and it would come back
 * at once: it is switched off. */
struct world_context *world_secure_interrupt(struct world_context *c)
{
	unsigned cpu = cpu_index();
	secure_claim(c, cpu, false);
	if (!secure_alive) {
		secure_release(cpu);
		unsigned id = gic_disable_secure_pending();
		if (id < 1020) {
			early_puts("[monitor] secure interrupt ");
			mon_putdec(id);
			early_puts(" with no secure world to take it: switched off\n");
		}
		return c;
	}
	mon_cpu(cpu)->pending = SECURE_INTERRUPT;
	uint64_t where = read_sysreg(elr_el3);
	struct world_context *s = enter_secure(c, cpu);
	s->x[0] = SEL2_REQ_FIQ;
	s->x[1] = where;
	return s;
}

/* ---- the realm world ---- */

/* An RMI call from the normal world: into the realm world, or NOT_SUPPORTED without one. */
struct world_context *world_call_realm(struct world_context *c)
{
	unsigned cpu = cpu_index();
	if (!realm_alive) {
		c->x[0] = SMC_NOT_SUPPORTED;
		return c;
	}
	struct world_context *r = switch_world(c, &mon_cpu(cpu)->rl_ctx, false);
	for (int i = 0; i < 8; i++)
		r->x[i] = c->x[i];
	return r;
}

/* An SMC from the RMM at Realm EL2. */
struct world_context *world_realm_smc(struct world_context *c)
{
	unsigned cpu = cpu_index();
	uint32_t fid = (uint32_t)c->x[0];
	struct world_context *ns = &mon_cpu(cpu)->ns_ctx;
	switch (fid) {
	case RMM_BOOT_COMPLETE:
		if ((int64_t)c->x[1] != E_RMM_OK) {
			/* Never entered again: RMI calls now answer NOT_SUPPORTED. */
			early_puts("[monitor] error: the RMM failed to boot (");
			mon_puthex(c->x[1]);
			early_puts("): no realm world\n");
			realm_alive = false;
		} else if (!realm_alive && cpu == 0) {
			early_puts("[monitor] realm world up: Triad's RMM at Realm EL2\n");
			realm_alive = true;
		}
		/* The first run on this CPU: the normal world's EL1 state comes from its
		 * context, like everything else. */
		return switch_world(c, ns, true);
	case RMM_RMI_REQ_COMPLETE:
		switch_world(c, ns, false);
		for (int i = 0; i < 5; i++)
			ns->x[i] = c->x[1 + i];
		return ns;
	case RMM_GTSI_DELEGATE:
	case RMM_GTSI_UNDELEGATE:
		c->x[0] = (uint64_t)(int64_t)gpt_transition(c->x[1], fid == RMM_GTSI_DELEGATE);
		return c;
	case RMM_ATTEST_GET_REALM_KEY:
		c->x[0] = (uint64_t)attest_realm_key(c->x[1], c->x[2], c->x[3], &c->x[1]);
		return c;
	case RMM_ATTEST_GET_PLAT_TOKEN:
		c->x[0] =
		    (uint64_t)attest_platform_token(c->x[1], c->x[2], c->x[3], &c->x[1], &c->x[2]);
		return c;
	default:
		c->x[0] = SMC_NOT_SUPPORTED;
		return c;
	}
}
