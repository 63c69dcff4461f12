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

/* smc_call_regs18(r): an SMC with x0-x17 from r[0..17] (SMCCC 1.2, FF-A v1.2); x0-x17
 * come back into r. */
	.globl smc_call_regs18
smc_call_regs18:
	stp	x0, x30, [sp, #-16]!
	mov	x18, x0
	ldp	x0, x1, [x18, #0]
	ldp	x2, x3, [x18, #16]
	ldp	x4, x5, [x18, #32]
	ldp	x6, x7, [x18, #48]
	ldp	x8, x9, [x18, #64]
	ldp	x10, x11, [x18, #80]
	ldp	x12, x13, [x18, #96]
	ldp	x14, x15, [x18, #112]
	ldp	x16, x17, [x18, #128]
	smc	#0
	ldr	x18, [sp]
	stp	x0, x1, [x18, #0]
	stp	x2, x3, [x18, #16]
	stp	x4, x5, [x18, #32]
	stp	x6, x7, [x18, #48]
	stp	x8, x9, [x18, #64]
	stp	x10, x11, [x18, #80]
	stp	x12, x13, [x18, #96]
	stp	x14, x15, [x18, #112]
	stp	x16, x17, [x18, #128]
	ldp	x0, x30, [sp], #16
	ret
