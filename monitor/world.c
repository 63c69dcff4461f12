/*
 * The worlds beside the normal one, one context per world and CPU: Triad at Secure EL2
 * (hosting OP-TEE) and Triad's RMM at Realm EL2. Trusted OS calls from the normal world
 * (SMCCC owners 50-63) switch to the secure world with the caller's x0-x7; its answer
 * (SEL2_DONE, x1-x4) comes back as the caller's x0-x3. RMI calls switch to the realm world
 * the same way; the RMM answers with RMM_RMI_REQ_COMPLETE (x1-x5 become x0-x4). On each
 * CPU the secure world boots first, then the realm world, then the normal world runs.
 */
#include <triad/rmm_abi.h>
#include <triad/sel2_abi.h>

#include "monitor.h"

#define SCR_EEL2	 (1ULL << 18)
#define UNKNOWN_FUNCTION 0xffffffffULL /* OP-TEE's and SMCCC's NOT_SUPPORTED, 32-bit */

static struct world_context ns_ctx[MAX_CPUS], s_ctx[MAX_CPUS], rl_ctx[MAX_CPUS];
static volatile bool secure_alive, realm_alive, realm_booted;
/* What the secure world is doing for each CPU: booting it, serving a call, turning it off. */
static enum { SECURE_BOOT, SECURE_CALL, SECURE_CPU_OFF } pending[MAX_CPUS];
uint64_t sel2_entry; /* 0: no secure world */
uint64_t rmm_entry;  /* 0: no realm world */
uint64_t optee_size;

static void boot_realm(unsigned cpu) __attribute__((noreturn));

bool world_secure_alive(void)
{
	return secure_alive;
}

/* The CPU's state as the normal world must first find it, then the secure world's first
 * run on this CPU. Returns only if there is no secure world. */
void world_boot_cpu(unsigned cpu, uint64_t ns_entry, uint64_t ns_x0, uint64_t ns_x1, bool cpu_on)
{
	struct world_context *ns = &ns_ctx[cpu];
	context_save_sysregs(ns);
	ns->sys.elr_el3 = ns_entry;
	ns->sys.spsr_el3 = 0x3c9; /* EL2h, DAIF masked */
	for (int i = 0; i < 31; i++)
		ns->x[i] = 0;
	ns->x[0] = ns_x0;
	ns->x[1] = ns_x1;
	ns->scr_el3 = read_sysreg(scr_el3);
	if (!sel2_entry || (cpu_on && !secure_alive)) {
		if (rmm_entry && (!cpu_on || realm_alive))
			boot_realm(cpu);
		return;
	}
	pending[cpu] = SECURE_BOOT;
	write_sysreg(scr_el3, (ns->scr_el3 & ~SCR_NS) | SCR_EEL2);
	isb();
	enter_lower_el(sel2_entry, cpu, cpu_on, optee_size, 0);
}

/* The world that trapped (its registers in f) keeps its state here (EL2 only: the EL1 and
 * FP half stays in the CPU)... */
static void save_world_el2(struct smc_frame *f, struct world_context *c)
{
	for (int i = 0; i < 31; i++)
		c->x[i] = f->x[i];
	c->scr_el3 = read_sysreg(scr_el3);
	context_save_el2(c);
}

static void save_world(struct smc_frame *f, struct world_context *c)
{
	save_world_el2(f, c);
	context_save_el1_fp(c);
}

/* ... and this one continues when the exception returns. */
static void load_world_el2(struct smc_frame *f, const struct world_context *c)
{
	context_restore_el2(c);
	write_sysreg(scr_el3, c->scr_el3);
	isb();
	for (int i = 0; i < 31; i++)
		f->x[i] = c->x[i];
}

static void load_world(struct smc_frame *f, const struct world_context *c)
{
	context_restore_el1_fp(c);
	load_world_el2(f, c);
}

static void switch_to(struct smc_frame *f, struct world_context *from, struct world_context *to)
{
	save_world(f, from);
	load_world(f, to);
}

/* Between the normal and realm worlds: the RMM leaves EL1 and FP/SIMD as it found them. */
static void switch_el2(struct smc_frame *f, struct world_context *from, struct world_context *to)
{
	save_world_el2(f, from);
	load_world_el2(f, to);
}

/* The RMM's first run on this CPU: the cold boot with its arguments on the first CPU,
 * a warm boot on the others. It answers with RMM_BOOT_COMPLETE. */
static void boot_realm(unsigned cpu)
{
	bool cold = !realm_booted;
	realm_booted = true;
	write_sysreg(scr_el3, ns_ctx[cpu].scr_el3 | SCR_NSE);
	isb();
	enter_lower_el(rmm_entry, cpu, cold ? RMM_EL3_IFC_VERSION : 0, cold ? MAX_CPUS : 0,
		       cold ? rmm_shared : 0);
}

/* A normal-world trusted OS call: into the secure world, or NOT_SUPPORTED without one. */
void world_call_secure(struct smc_frame *f)
{
	unsigned cpu = cpu_index();
	if (!secure_alive) {
		f->x[0] = UNKNOWN_FUNCTION;
		return;
	}
	uint64_t args[8];
	for (int i = 0; i < 8; i++)
		args[i] = f->x[i];
	pending[cpu] = SECURE_CALL;
	switch_to(f, &ns_ctx[cpu], &s_ctx[cpu]);
	for (int i = 0; i < 8; i++)
		f->x[i] = args[i];
}

/* The normal world turns this CPU off: the secure world hears of it first. Returns only
 * without a secure world. */
void world_cpu_off(struct smc_frame *f)
{
	unsigned cpu = cpu_index();
	if (!secure_alive)
		return;
	pending[cpu] = SECURE_CPU_OFF;
	switch_to(f, &ns_ctx[cpu], &s_ctx[cpu]);
	f->x[0] = SEL2_REQ_CPU_OFF;
	for (int i = 1; i < 8; i++)
		f->x[i] = 0;
}

/* An SMC from Triad at Secure EL2. */
void world_secure_smc(struct smc_frame *f)
{
	unsigned cpu = cpu_index();
	uint32_t fid = (uint32_t)f->x[0];
	uint64_t r[4] = {f->x[1], f->x[2], f->x[3], f->x[4]};
	switch (fid) {
	case SEL2_READY:
		if (!secure_alive) {
			mon_puts("[monitor] secure world up: Triad at S-EL2, OP-TEE at S-EL1\n");
			secure_alive = true;
		}
		save_world(f, &s_ctx[cpu]);
		if (rmm_entry && (!realm_booted || realm_alive))
			boot_realm(cpu);
		load_world(f, &ns_ctx[cpu]);
		return;
	case SEL2_DONE:
		if (pending[cpu] == SECURE_CPU_OFF)
			cpu_restart(cpu); /* the secure world enters it afresh at the next CPU_ON */
		switch_to(f, &s_ctx[cpu], &ns_ctx[cpu]);
		for (int i = 0; i < 4; i++)
			f->x[i] = r[i];
		return;
	case SEL2_CRASHED:
	default:
		mon_puts("[monitor] error: the secure world failed (ESR ");
		mon_puthex(r[0]);
		mon_puts(", ELR ");
		mon_puthex(r[1]);
		mon_puts("): trusted OS calls now answer NOT_SUPPORTED\n");
		secure_alive = false;
		if (pending[cpu] == SECURE_CPU_OFF)
			cpu_restart(cpu);
		switch_to(f, &s_ctx[cpu], &ns_ctx[cpu]);
		if (pending[cpu] == SECURE_CALL)
			f->x[0] = UNKNOWN_FUNCTION;
		return;
	}
}

/* An RMI call from the normal world: into the realm world, or NOT_SUPPORTED without one. */
void world_call_realm(struct smc_frame *f)
{
	unsigned cpu = cpu_index();
	if (!realm_alive) {
		f->x[0] = SMC_NOT_SUPPORTED;
		return;
	}
	uint64_t args[8];
	for (int i = 0; i < 8; i++)
		args[i] = f->x[i];
	switch_el2(f, &ns_ctx[cpu], &rl_ctx[cpu]);
	for (int i = 0; i < 8; i++)
		f->x[i] = args[i];
}

/* An SMC from the RMM at Realm EL2. */
void world_realm_smc(struct smc_frame *f)
{
	unsigned cpu = cpu_index();
	uint32_t fid = (uint32_t)f->x[0];
	uint64_t r[5] = {f->x[1], f->x[2], f->x[3], f->x[4], f->x[5]};
	switch (fid) {
	case RMM_BOOT_COMPLETE:
		if ((int64_t)r[0] != E_RMM_OK) {
			/* Never entered again: RMI calls now answer NOT_SUPPORTED. */
			mon_puts("[monitor] error: the RMM failed to boot (");
			mon_puthex(r[0]);
			mon_puts("): no realm world\n");
			realm_alive = false;
		} else if (!realm_alive && cpu == 0) {
			mon_puts("[monitor] realm world up: Triad's RMM at Realm EL2\n");
			realm_alive = true;
		}
		switch_to(f, &rl_ctx[cpu], &ns_ctx[cpu]);
		return;
	case RMM_RMI_REQ_COMPLETE:
		switch_el2(f, &rl_ctx[cpu], &ns_ctx[cpu]);
		for (int i = 0; i < 5; i++)
			f->x[i] = r[i];
		return;
	case RMM_GTSI_DELEGATE:
	case RMM_GTSI_UNDELEGATE:
		f->x[0] = (uint64_t)(int64_t)gpt_transition(r[0], fid == RMM_GTSI_DELEGATE);
		return;
	default:
		f->x[0] = SMC_NOT_SUPPORTED;
		return;
	}
}
