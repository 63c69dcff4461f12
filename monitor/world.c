/*
 * The secure world: Triad at Secure EL2 (hosting OP-TEE) runs beside the normal world, one
 * context per world and CPU. Trusted OS calls from the normal world (SMCCC owners 50-63)
 * switch to the secure world with the caller's x0-x7; its answer (SEL2_DONE, x1-x4) comes
 * back as the caller's x0-x3. The secure world boots first on each CPU (cold boot on CPU
 * 0, OP-TEE's CPU-on entry on the others) and hands the CPU to the normal world when it is
 * ready.
 */
#include <triad/sel2_abi.h>

#include "monitor.h"

#define SCR_EEL2	 (1ULL << 18)
#define UNKNOWN_FUNCTION 0xffffffffULL /* OP-TEE's and SMCCC's NOT_SUPPORTED, 32-bit */

static struct world_context ns_ctx[MAX_CPUS], s_ctx[MAX_CPUS];
static volatile bool secure_alive;
/* What the secure world is doing for each CPU: booting it, serving a call, turning it off. */
static enum { SECURE_BOOT, SECURE_CALL, SECURE_CPU_OFF } pending[MAX_CPUS];
uint64_t sel2_entry; /* 0: no secure world */
uint64_t optee_size;

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
	if (!sel2_entry || (cpu_on && !secure_alive))
		return;
	pending[cpu] = SECURE_BOOT;
	write_sysreg(scr_el3, (ns->scr_el3 & ~SCR_NS) | SCR_EEL2);
	isb();
	enter_lower_el(sel2_entry, cpu, cpu_on, optee_size);
}

/* Leaves the world that trapped (its registers in f) for the other one. */
static void switch_to(struct smc_frame *f, struct world_context *from, struct world_context *to)
{
	for (int i = 0; i < 31; i++)
		from->x[i] = f->x[i];
	from->scr_el3 = read_sysreg(scr_el3);
	context_save_sysregs(from);
	context_restore_sysregs(to);
	write_sysreg(scr_el3, to->scr_el3);
	isb();
	for (int i = 0; i < 31; i++)
		f->x[i] = to->x[i];
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
		switch_to(f, &s_ctx[cpu], &ns_ctx[cpu]);
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
