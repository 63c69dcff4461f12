/* Physical CPUs: per-CPU data and the loop each one runs. */
#ifndef TRIAD_CPU_H
#define TRIAD_CPU_H

#include <arch/sysreg.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/platform.h>

struct vcpu;
struct softtimer;

struct cpu {
	unsigned id;
	uint64_t mpidr;
	struct vcpu *vcpu;       /* the vCPU this physical CPU runs (one each for now) */
	struct vcpu *loaded;     /* whose EL1 state is in the registers */
	struct softtimer *timers;
	uint64_t ich_hcr;        /* last value written, to skip redundant writes */
	unsigned lrs_written;    /* list registers that may hold stale entries */
	volatile bool online;
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned nr_cpus;
extern struct platform plat;

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)read_sysreg(tpidr_el2);
}

/* Acknowledges and handles every pending physical interrupt. */
void handle_host_irqs(void);
void cpu_loop(void) __attribute__((noreturn));

#endif
