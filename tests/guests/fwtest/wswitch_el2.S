/*
 * The world-switch test's EL2 side (wswitch.c): fwtest runs at EL1, and its HVC #0 runs
 * x0(x1) here at EL2 on a stack of its own, in Normal EL2's place, with every register of
 * Normal EL2's context in reach. Two copies of the vectors: VBAR_EL2 takes either (a
 * pattern that still works), and an unexpected exception reports its syndrome.
 */
	.arch	armv8-a+fp+simd

.macro	el2_table
	.balign	0x800
	.rept	8
	.balign	0x80
	b	el2_unexpected
	.endr
	.balign	0x80		/* lower EL, AArch64: synchronous (the HVC) */
	b	el2_hvc
	.rept	7
	.balign	0x80
	b	el2_unexpected
	.endr
.endm

	.text
	.global	el2_vectors, el2_vectors_alt
	.balign	0x800
el2_vectors:
	el2_table
el2_vectors_alt:
	el2_table

el2_hvc:
	ldr	x9, =el2_stack_top
	mov	sp, x9
	mov	x9, x0
	mov	x0, x1
	blr	x9
	eret

el2_unexpected:
	ldr	x9, =el2_stack_top
	mov	sp, x9
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	bl	wswitch_el2_unexpected
	b	.

/*
 * gpr_smc(r): x0-x30 from r[0..30], SMC #0, x0-x30 into r[0..30]; r[31] = SP before, r[32]
 * = SP after. Only SP and the callee-saved registers stay the caller's (on the stack).
 */
	.global	gpr_smc
gpr_smc:
	stp	x29, x30, [sp, #-112]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x0, [sp, #96]
	mov	x1, sp
	str	x1, [x0, #248]
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldr	x1, [x0, #8]
	ldr	x0, [x0]
	smc	#0
	str	x0, [sp, #104]
	ldr	x0, [sp, #96]
	str	x1, [x0, #8]
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	stp	x18, x19, [x0, #144]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
	str	x30, [x0, #240]
	ldr	x1, [sp, #104]
	str	x1, [x0]
	mov	x1, sp
	str	x1, [x0, #256]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #112
	ret

/* fp_put(v): V0-V31 from v[0..31] (16 bytes each), then FPSR and FPCR from v + 512.
 * fp_get(v): the same out. (fwtest's C never touches FP: -mgeneral-regs-only.) */
	.global	fp_put, fp_get
fp_put:
	ldp	q0, q1, [x0, #0x000]
	ldp	q2, q3, [x0, #0x020]
	ldp	q4, q5, [x0, #0x040]
	ldp	q6, q7, [x0, #0x060]
	ldp	q8, q9, [x0, #0x080]
	ldp	q10, q11, [x0, #0x0a0]
	ldp	q12, q13, [x0, #0x0c0]
	ldp	q14, q15, [x0, #0x0e0]
	ldp	q16, q17, [x0, #0x100]
	ldp	q18, q19, [x0, #0x120]
	ldp	q20, q21, [x0, #0x140]
	ldp	q22, q23, [x0, #0x160]
	ldp	q24, q25, [x0, #0x180]
	ldp	q26, q27, [x0, #0x1a0]
	ldp	q28, q29, [x0, #0x1c0]
	ldp	q30, q31, [x0, #0x1e0]
	add	x0, x0, #0x200
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret

fp_get:
	stp	q0, q1, [x0, #0x000]
	stp	q2, q3, [x0, #0x020]
	stp	q4, q5, [x0, #0x040]
	stp	q6, q7, [x0, #0x060]
	stp	q8, q9, [x0, #0x080]
	stp	q10, q11, [x0, #0x0a0]
	stp	q12, q13, [x0, #0x0c0]
	stp	q14, q15, [x0, #0x0e0]
	stp	q16, q17, [x0, #0x100]
	stp	q18, q19, [x0, #0x120]
	stp	q20, q21, [x0, #0x140]
	stp	q22, q23, [x0, #0x160]
	stp	q24, q25, [x0, #0x180]
	stp	q26, q27, [x0, #0x1a0]
	stp	q28, q29, [x0, #0x1c0]
	stp	q30, q31, [x0, #0x1e0]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #0x200
	stp	x1, x2, [x0]
	ret

	.bss
	.balign	16
	.skip	0x2000
el2_stack_top:
