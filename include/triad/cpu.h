/* Physical CPUs: per-CPU data and the loop each one runs. */
#ifndef TRIAD_CPU_H
#define TRIAD_CPU_H

#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/platform.h>
#include <triad/softtimer.h>
#include <triad/spinlock.h>
#include <triad/util.h>

struct vcpu;
struct sched_entity;
struct vm;

struct cpu {
	unsigned id;
	uint64_t mpidr;
	struct vcpu *loaded;	  /* whose EL1 state is in the registers */
	struct softtimer *timers; /* armed on this CPU, soonest first */
	spinlock_t timers_lock;
	struct softtimer slice_timer;
	struct softtimer *volatile timer_running; /* whose callback runs here now */
	volatile bool need_resched;		  /* leave the guest and let the scheduler choose */
	uint64_t run_start;   /* counter value when the current vCPU started running */
	struct vm *reset_vm;  /* a VM whose reset this CPU must carry out */
	uint64_t ich_hcr;     /* last value written, to skip redundant writes */
	unsigned lrs_written; /* list registers that may hold stale entries */
	volatile bool online;
	/* Waiting, with its vCPU loaded, for that vCPU's next interrupt (nothing else to run):
	 * a vCPU queued anywhere else makes it give up and go through the scheduler. */
	volatile bool guest_idle;
	/* Its vCPU's WFI and WFE do not trap (nothing queued anywhere): a vCPU queued where it
	 * could run must poke it, so that it traps them again and can give the CPU up. */
	volatile bool wfx_native;
	volatile bool wfx_recheck; /* choose again at the next entry whether WFI/WFE trap */
	const volatile unsigned *rq_nr_queued; /* its run queue's count of waiting vCPUs */
	uint32_t trace_mask;		       /* trace classes on (include/triad/trace.h) */
	/* Guest PPIs (bit = INTID) left active after their priority drop: they fired for the
	 * loaded vCPU after its VM stopped, and their source stays asserted until vcpu_put
	 * quiets it; deactivated then, they would fire again at once, forever. */
	uint32_t held_ppis;
	uint64_t cptr;	 /* CPTR_EL2 with FP/SIMD not trapped (core/el2.c) */
	bool fp_trapped; /* CPTR_EL2.TFP set: a lazy-FP vCPU has not used FP/SIMD yet */
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned nr_cpus;
extern struct platform plat;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c = (struct cpu *)read_sysreg(tpidr_el2);
	ANALYZER_ASSUME(c); /* TPIDR_EL2 holds &cpus[n] from the CPU's first instructions */
	return c;
}

/* Acknowledges and handles every pending physical interrupt. */
void handle_host_irqs(void);
/* Deactivates this CPU's held_ppis: once their sources are quiet (vcpu_put), or when the
 * vCPU they fired for runs again (an asserted source then fires anew, for it). */
void cpu_release_held_ppis(struct cpu *c);
/* A physical SPI that one of Triad's drivers handles (on CPU 0), before the interrupt is
 * deactivated: a level-sensitive device has dropped its line by then. */
void host_irq_register(uint32_t intid, void (*fn)(void *ctx), void *ctx);
/* The same for a device given to a guest: the handler injects a hardware-linked virtual
 * interrupt, and the guest's deactivation of it deactivates the physical one. */
void host_irq_register_guest(uint32_t intid, void (*fn)(void *ctx), void *ctx);
/* A physical SGI (not Triad's kick) a feature handles, on every CPU: one the secure world
 * raises into the normal world (FF-A's Schedule Receiver Interrupt). cpu_setup enables the
 * registered ones on each CPU as it comes up. */
void host_sgi_register(uint32_t sgi, void (*fn)(void *ctx), void *ctx);
void cpu_enable_host_sgis(unsigned cpu);
/* Whether Triad itself handles physical INTID intid. */
bool host_irq_claimed(uint32_t intid);
void cpu_loop(void) __attribute__((noreturn));

/* core/sched.c */
void sched_init(void);
void sched_add_vcpu(struct vcpu *v, uint32_t affinity, unsigned weight, unsigned first_cpu);
/* For a vCPU whose VM is stopped: takes it off its run queue if it is queued. Returns
 * whether it is now out of every CPU and queue (its memory may then go). */
bool sched_remove_vcpu(struct vcpu *v);
/* Makes a blocked vCPU runnable, or makes a running one notice new state. */
void sched_wake(struct vcpu *v);
/* WFI with nothing pending: stop running v. False if a wake-up raced with it. */
bool sched_block(struct vcpu *v);
/* The running vCPU spins waiting for another (WFE): let a queued vCPU run first. */
void sched_yield(struct vcpu *v);
/* No vCPU waits in any run queue: a CPU may idle without going through the scheduler. */
bool sched_nothing_queued(void);
struct vcpu *sched_switch(void);
void sched_arm_slice(struct cpu *c);
/* Before each guest entry: a queue that gained company since the slice was set up needs
 * its slice timer. Inline, unlocked: this is on every exit's path. */
static inline void sched_check_slice(struct cpu *c)
{
	if (*c->rq_nr_queued && !c->slice_timer.armed)
		sched_arm_slice(c);
}
void sched_print_stats(void);
/* CPU time a vCPU has had, in counter ticks, including the slice it is running now. */
uint64_t sched_runtime(const struct sched_entity *se);

#endif
