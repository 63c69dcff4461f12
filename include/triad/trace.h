/*
 * The trace buffer: what Triad did, record by record, for performance analysis
 * (tools/triad-trace). One ring per physical CPU, written only by that CPU (no locks, no
 * atomics on the way in); fixed-size records stamped with the counter. Off by default and
 * enabled per class at run time; a class that is off costs its call sites one load and one
 * branch (TRACE() tests the CPU's own mask, which the caller already has in a register).
 */
#ifndef TRIAD_TRACE_H
#define TRIAD_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <triad/cpu.h>
#include <triad/util.h>

/* Classes, one event each; a and b per class. */
enum trace_class {
	TRACE_EXIT,   /* a VM exit handled: a = ESR_EL2 (or TRACE_EXIT_IRQ), b = ticks in Triad */
	TRACE_INJECT, /* an interrupt put into a vCPU's list registers: a = INTID, b = LRs used */
	TRACE_SCHED,  /* a CPU switches vCPUs: a = the previous (vm << 16 | vcpu, or ~0), b = 0 */
	TRACE_WORLD,  /* an SMC from Triad to another world and back: a = function ID, b = ticks */
	TRACE_RMI,    /* an RMI command: a = function ID, b = its result */
	TRACE_FFA,    /* an FF-A call of a guest: a = function ID, b = what Triad answered in x0 */
	TRACE_DEVICE, /* a virtio request completed: a = device type, b = bytes */
	TRACE_NR_CLASSES
};

#define TRACE_EXIT_IRQ	   (1UL << 32) /* an exit for a physical interrupt, not a trap */
#define TRACE_NO_VCPU	   0xffffu
#define TRACE_RING_RECORDS 4096u /* per CPU, a power of two */

struct trace_record {
	uint64_t time; /* CNTPCT_EL0 */
	uint16_t class;
	uint16_t vm;   /* TRACE_NO_VCPU: not on behalf of a VM */
	uint16_t vcpu; /* TRACE_NO_VCPU likewise */
	uint16_t cpu;
	uint64_t a, b;
};

/* Records an event of class cls on CPU c for vCPU vcpu of VM vm (TRACE_NO_VCPU: none). */
void trace_emit(struct cpu *c, enum trace_class cls, unsigned vm, unsigned vcpu, uint64_t a,
		uint64_t b);

#define TRACE(c, cls, vm, vcpu, a, b)                                                              \
	do {                                                                                       \
		if (unlikely((c)->trace_mask & (1u << (cls))))                                     \
			trace_emit((c), (cls), (vm), (vcpu), (a), (b));                            \
	} while (0)

/* For an event with a duration (b): the counter now if cls is on, else 0 ... */
static inline uint64_t trace_start(const struct cpu *c, enum trace_class cls)
{
	return unlikely(c->trace_mask & (1u << cls)) ? read_sysreg(cntpct_el0) : 0;
}
/* ... and the record at its end, if it was on at the start. */
static inline void trace_end(struct cpu *c, enum trace_class cls, unsigned vm, unsigned vcpu,
			     uint64_t a, uint64_t start)
{
	if (unlikely(start))
		trace_emit(c, cls, vm, vcpu, a, read_sysreg(cntpct_el0) - start);
}

/* Turns classes on (their rings are allocated at the first use) and off. Returns 0 or
 * -ENOMEM. */
int trace_set(uint32_t mask);
uint32_t trace_mask(void);
/* "exit,inject,..." or "all" -> a mask; -1 with the unknown word in *bad. */
int64_t trace_parse(const char *list, size_t len, const char **bad, size_t *badlen);
const char *trace_class_name(unsigned cls);
/* Copies CPU cpu's records, oldest first, from the index `from` on (what a reader saw so
 * far: records are numbered from the CPU's first); returns how many, and the index to ask
 * from next in *next. A ring that wrapped past `from` says how many were lost in *lost. */
size_t trace_read(unsigned cpu, uint64_t from, struct trace_record *out, size_t max, uint64_t *next,
		  uint64_t *lost);
/* Every CPU's records as text lines on the console, at the end of a run: "@trace TOKEN
 * ..." (the run's secret token, as the exit line has: a guest cannot forge them). */
void trace_dump(const char *token);

#endif
