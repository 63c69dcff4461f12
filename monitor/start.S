/*
 * Reset entry of Triad's EL3 monitor. QEMU starts every CPU here at once, at EL3, MMU off.
 * CPU 0 sets up the monitor's data in secure RAM and boots the normal world; the others
 * wait until PSCI CPU_ON names them.
 */
#include <arch/mpidr.h>
#include <plat.h>

#include "../arch/arm64/macros.inc"

#define STACK_SIZE 0x1000

	.section .text.reset, "ax"
	.globl _reset
_reset:
	msr	daifset, #0xf
	adr	x0, el3_vectors
	msr	vbar_el3, x0
	isb
	mrs	x0, mpidr_el1
	mpidr_cpu_index x19, x0, x1
	cmp	x19, #MAX_CPUS
	b.hs	park_forever
	ldr	x1, =monitor_stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	msr	tpidr_el3, x1		/* the stack top, for exceptions from lower ELs */
	cbnz	x19, secondary
	/* CPU 0: .data from flash, .bss zeroed, then C. */
	ldr	x1, =__data_lma
	ldr	x2, =__data_start
	ldr	x3, =__data_end
1:	cmp	x2, x3
	b.hs	2f
	ldr	x4, [x1], #8
	str	x4, [x2], #8
	b	1b
2:	ldr	x2, =__bss_start
	ldr	x3, =__bss_end
3:	cmp	x2, x3
	b.hs	4f
	str	xzr, [x2], #8
	b	3b
4:	mov	x0, x19
	bl	monitor_main
	b	park_forever

/* Secondaries: wait for CPU 0 to have the monitor ready, then for PSCI CPU_ON. */
secondary:
	ldr	x1, =monitor_ready
5:	wfe
	ldr	w2, [x1]
	ldr	w3, =0x52454459 /* "READY" */
	cmp	w2, w3
	b.ne	5b
	mov	x0, x19
	bl	monitor_secondary
	b	park_forever

/* cpu_restart(cpu): a CPU that PSCI turned off waits again for CPU_ON, on a fresh stack. */
	.globl cpu_restart
cpu_restart:
	mov	x19, x0
	ldr	x1, =monitor_stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	mov	x0, x19
	bl	monitor_secondary
	b	park_forever

park_forever:
	wfe
	b	park_forever

/*
 * While a lower EL runs, SP_EL3 points at its world's context (monitor/world.c) and
 * TPIDR_EL3 holds this CPU's monitor stack top. An SMC saves x0-x30 into the context, runs
 * lower_sync(context) on the monitor stack, and resumes whichever context it returns: a
 * world switch copies no registers.
 */
.macro	save_and_call handler
	save_x0_x30
	mov	x0, sp
	mrs	x1, tpidr_el3
	mov	sp, x1
	bl	\handler
	b	el3_exit
.endm

/* el3_exit(context): x0-x30 from the context, which SP_EL3 then points at, and ERET (ELR,
 * SPSR and SCR_EL3 are already the world's). */
	.globl el3_exit
el3_exit:
	mov	sp, x0
	restore_x0_x30
	eret

.macro	unexpected
	.balign	0x80
	mov	x0, sp
	mrs	x1, tpidr_el3		/* SP may be a world's context: back to the stack */
	mov	sp, x1
	bl	monitor_unexpected
	b	park_forever
.endm

	.balign	0x800
el3_vectors:
	unexpected		/* current EL, SP_EL0 */
	unexpected
	unexpected
	unexpected
	unexpected		/* current EL, SP_ELx */
	unexpected
	unexpected
	unexpected
	.balign	0x80		/* lower EL, AArch64: synchronous */
	b	lower_sync_entry
	unexpected		/* IRQ */
	.balign	0x80		/* FIQ: a secure interrupt while the normal world ran */
	b	lower_fiq_entry
	unexpected		/* SError */
	unexpected		/* lower EL, AArch32 */
	unexpected
	unexpected
	unexpected

lower_sync_entry:
	save_and_call lower_sync

lower_fiq_entry:
	save_and_call world_secure_interrupt
