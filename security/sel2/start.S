/*
 * Entry of Triad at Secure EL2 (from the EL3 monitor, MMU off): x0 = CPU index, x1 = 0 for
 * the cold boot of the secure world (CPU 0), 1 when the CPU is being turned on, x2 = the
 * size of the OP-TEE image the monitor placed at 0x0E100000.
 */
#define MAX_CPUS   8
#define STACK_SIZE 0x2000

	.section .text.entry, "ax"
	.globl _sel2_entry
_sel2_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	adr	x2, sel2_vectors
	msr	vbar_el2, x2
	isb
	cmp	x19, #MAX_CPUS
	b.hs	.
	cbnz	x20, 2f
	/* Cold boot: clear .bss once. */
	ldr	x2, =__bss_start
	ldr	x3, =__bss_end
1:	cmp	x2, x3
	b.hs	2f
	str	xzr, [x2], #8
	b	1b
2:	ldr	x2, =sel2_stacks
	add	x3, x19, #1
	mov	x4, #STACK_SIZE
	madd	x2, x3, x4, x2
	mov	sp, x2
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	sel2_main
	b	.

/* enter_secure_el1(frame, stack_top): a fresh stack, x0-x30 from the frame, then ERET
 * (ELR/SPSR_EL2 are set). */
	.globl enter_secure_el1
enter_secure_el1:
	sub	sp, x1, #(32 * 8)
	mov	x2, sp
	mov	x3, #32
1:	ldr	x4, [x0], #8
	str	x4, [x2], #8
	subs	x3, x3, #1
	b.ne	1b
	b	restore_and_eret

/* smc_to_monitor(frame_in_out): x0-x7 from the frame, SMC, x0-x7 back into it. */
	.globl smc_to_monitor
smc_to_monitor:
	stp	x0, x30, [sp, #-16]!
	mov	x8, x0
	ldp	x0, x1, [x8, #0]
	ldp	x2, x3, [x8, #16]
	ldp	x4, x5, [x8, #32]
	ldp	x6, x7, [x8, #48]
	smc	#0
	ldr	x8, [sp]
	stp	x0, x1, [x8, #0]
	stp	x2, x3, [x8, #16]
	stp	x4, x5, [x8, #32]
	stp	x6, x7, [x8, #48]
	ldp	x0, x30, [sp], #16
	ret

.macro	unexpected
	.balign	0x80
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	bl	sel2_unexpected
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
	.balign	0x80		/* lower EL (OP-TEE), AArch64: synchronous */
	b	lower_sync
	unexpected		/* IRQ */
	unexpected		/* FIQ */
	unexpected		/* SError */
	unexpected		/* lower EL, AArch32 */
	unexpected
	unexpected
	unexpected

/* OP-TEE's SMC (trapped by HCR_EL2.TSC): its registers go into a frame on this CPU's stack;
 * sel2_lower_sync() decides what OP-TEE runs next and sets the frame and ELR/SPSR_EL2. */
lower_sync:
	sub	sp, sp, #(32 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mov	x0, sp
	bl	sel2_lower_sync
restore_and_eret:
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #(32 * 8)
	eret
