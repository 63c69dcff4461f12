/* SMC to the firmware below us (PSCI etc.): x0..x3 in, x0 out. */
	.text
	.globl smc_call
smc_call:
	smc	#0
	ret

/* smc_call_regs(r): an SMC with x0-x7 from r[0..7]; x0-x7 come back into r. */
	.globl smc_call_regs
smc_call_regs:
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
