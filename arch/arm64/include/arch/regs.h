/* Guest general-purpose register frame, shared by C and the entry/exit assembly. */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#define REGS_X(n)   ((n)*8)
#define REGS_PC	    248
#define REGS_PSTATE 256
#define REGS_SIZE   264

/* Why guest_enter() returned. */
#define EXIT_SYNC   0
#define EXIT_IRQ    1
#define EXIT_FIQ    2
#define EXIT_SERROR 3

#ifndef __ASSEMBLER__
#include <stdint.h>

struct gp_regs {
	uint64_t x[31];
	uint64_t pc;
	uint64_t pstate;
};

_Static_assert(__builtin_offsetof(struct gp_regs, pc) == REGS_PC, "asm offsets");
_Static_assert(__builtin_offsetof(struct gp_regs, pstate) == REGS_PSTATE, "asm offsets");

/* Frame saved by an exception taken at EL2 itself (always a hypervisor bug). */
struct hyp_frame {
	uint64_t x[31];
	uint64_t sp, elr, spsr, esr, far;
};

/* Runs the guest until it traps; returns an EXIT_* code. Registers in/out via *regs. */
unsigned long guest_enter(struct gp_regs *regs);
#endif

#endif
