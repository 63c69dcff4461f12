/* Fatal errors in Triad itself, and the end of a run. */
#include <arch/regs.h>
#include <arch/sysreg.h>
#include <stdarg.h>
#include <stdio.h>
#include <triad/cpu.h>
#include <triad/log.h>
#include <triad/audit.h>
#include <triad/panic.h>
#include <triad/trace.h>

uint64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

#define PSCI_SYSTEM_OFF 0x84000008UL

/* Passed on Triad's command line by tools/triad-run; guests never see it. */
char exit_token[40] = "none";

/* The CPU ending the run, -1 before: the last VMs can stop on two CPUs at once, and the
 * run must end once (each CPU dumping the trace and the audit log gave every record twice,
 * interleaved). */
static int exiting_cpu = -1;

void triad_exit(int status, const char *reason)
{
	int me = (int)this_cpu()->id, first = -1;
	if (__atomic_compare_exchange_n(&exiting_cpu, &first, me, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		/* What tracing and the audit log recorded, before the line that ends the run. */
		trace_dump(exit_token);
		audit_dump(exit_token);
	} else if (first != me) {
		for (;;) /* another CPU is ending the run */
			wfi();
	} /* else this CPU failed while ending the run: end it without the dumps */
	log_raw("[triad] exit %s status=%d reason=%s", exit_token, status, reason);
	smc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

void panic(const char *fmt, ...)
{
	char buf[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	local_irq_disable();
	log_raw("[triad] PANIC on CPU %u: %s", this_cpu() ? this_cpu()->id : 0, buf);
	triad_exit(3, "hypervisor panic");
}

#ifdef TRIAD_DEBUG_LOCKS
void spin_not_held(const spinlock_t *l, const char *fn)
{
	panic("%s: lock %p not held by this CPU (ticket %u/%u, taken by 0x%lx)", fn, (void *)l,
	      l->next, l->owner, (unsigned long)l->holder);
}
#endif

static const char *const kinds[] = {"synchronous", "IRQ", "FIQ", "SError"};

void hyp_exception(struct hyp_frame *f, unsigned long kind)
{
	log_raw("[triad] PANIC: unexpected %s exception at EL2", kinds[kind & 3]);
	log_raw("  ESR_EL2=%016lx FAR_EL2=%016lx ELR_EL2=%016lx SPSR_EL2=%016lx", f->esr, f->far,
		f->elr, f->spsr);
	for (int i = 0; i < 31; i += 2) {
		if (i == 30)
			log_raw("  x30=%016lx  sp=%016lx", f->x[30], f->sp);
		else
			log_raw("  x%-2d=%016lx  x%-2d=%016lx", i, f->x[i], i + 1, f->x[i + 1]);
	}
	triad_exit(3, "hypervisor panic");
}
