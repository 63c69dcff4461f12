/*
 * Entry of Triad at Secure EL2 (from the EL3 monitor, MMU off): x0 = CPU index, x1 = 0 for
 * the cold boot of the secure world (CPU 0), else why it is entered afresh (SEL2_BOOT_* in
 * include/triad/sel2_abi.h: CPU on, OP-TEE's restart), x2 = the size of the OP-TEE image
 * the monitor placed at 0x0E100000 (and the test hook's count), x3 = the machine's device tree
 * (normal memory; cold boot only) for OP-TEE to read and edit, x4 = the sizes of the secure
 * partitions' images in their regions (cold boot; SP_SIZE_IN in include/triad/sel2_abi.h).
 * Every entry turns S-EL2's own MMU on (mmu.c) before C code runs; the cold boot builds its
 * tables first.
 */
#include <plat.h>

#include "../../arch/arm64/macros.inc"

#define STACK_SIZE 0x2000

	.section .text.entry, "ax"
	.globl _sel2_entry
_sel2_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	mov	x23, x4
	adr	x2, sel2_vectors
	msr	vbar_el2, x2
	isb
	cmp	x19, #MAX_CPUS
	b.hs	.
	ldr	x2, =sel2_stacks
	add	x3, x19, #1
	mov	x4, #STACK_SIZE
	madd	x2, x3, x4, x2
	mov	sp, x2
	cbnz	x20, 2f
	/* Cold boot: clear .bss once, build S-EL2's stage 1 (mmu.c), MMU still off. */
	ldr	x2, =__bss_start
	ldr	x3, =__bss_end
1:	cmp	x2, x3
	b.hs	3f
	str	xzr, [x2], #8
	b	1b
3:	ldr	x0, =_sel2_entry
	ldr	x1, =__sel2_text_end
	ldr	x2, =_end
	bl	mmu_build
	cbnz	w0, 2f
	mov	x0, #0
	mov	x1, #0
	bl	sel2_unexpected		/* reported as the secure world's failure */
	/* Every entry: the MMU on before anything else touches memory (the stack, so far,
	 * only at the cold boot, whose caches hold nothing of S-EL2 yet). */
2:	bl	mmu_on
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x3, x22
	mov	x4, x23
	bl	sel2_main
	b	.

/* The general registers of what runs at Secure EL1 on this CPU (OP-TEE or a partition)
 * live in its frame, which TPIDR_EL2 points at: a trap saves them there and the return
 * loads them from there, so switching between OP-TEE and a partition is a change of
 * TPIDR_EL2 (set_frame()), with no copying. */
.macro	save_frame		/* x0-x30 into [TPIDR_EL2]; x0 = the frame */
	str	x0, [sp, #-16]!
	mrs	x0, tpidr_el2
	save_x2_x30 x0
	ldr	x2, [sp], #16
	stp	x2, x1, [x0, #0]
.endm

/* enter_secure_el1(frame, stack_top): a fresh stack, x0-x30 from the frame, then ERET
 * (ELR/SPSR_EL2 are set). */
	.globl enter_secure_el1
enter_secure_el1:
	mov	sp, x1
	msr	tpidr_el2, x0
	b	restore_and_eret

/* An exception of S-EL2's own (a fault in its stage 1, an undefined instruction): named
 * on the console and reported as the secure world's failure. */
.macro	unexpected
	.balign	0x80
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	sel2_fault
	b	.
.endm

	.balign	0x800
sel2_vectors:
	unexpected		/* current EL, SP_EL0 */
	unexpected
	unexpected
	unexpected
	unexpected		/* current EL, SP_ELx */
	unexpected
	unexpected
	unexpected
	.balign	0x80		/* lower EL (OP-TEE, a partition), AArch64: synchronous */
	b	lower_sync
	.balign	0x80		/* IRQ (HCR_EL2.IMO): OP-TEE's deadline, or one of its own */
	b	lower_irq
	.balign	0x80		/* FIQ (HCR_EL2.FMO): the deadline during OP-TEE's FIQ entry */
	b	lower_fiq
	unexpected		/* SError */
	unexpected		/* lower EL, AArch32 */
	unexpected
	unexpected
	unexpected

/* An SMC (trapped by HCR_EL2.TSC) or a fault of OP-TEE or a partition: its registers go
 * into its frame; sel2_lower_sync() decides what runs next and sets the frame (and which
 * one) and ELR/SPSR_EL2. */
lower_sync:
	save_frame
	bl	sel2_lower_sync
	b	restore_and_eret

/* A FIQ while OP-TEE runs its FIQ entry: it missed its deadline. */
lower_fiq:
	save_frame
	bl	sel2_lower_fiq
	b	restore_and_eret

/* An IRQ while OP-TEE or a partition runs: sel2_lower_irq() deals with a missed deadline
 * or leaves the interrupt to OP-TEE. */
lower_irq:
	save_frame
	bl	sel2_lower_irq		/* it may switch frames (a partition stopped) */
restore_and_eret:
	mrs	x0, tpidr_el2
	restore_x2_x30 x0
	ldp	x0, x1, [x0, #0]
	eret
