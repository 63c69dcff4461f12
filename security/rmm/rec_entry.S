/*
 * Running a REC: rec_run_regs(regs) saves the RMM's callee-saved registers in a frame on
 * its stack, loads the realm's x0-x30 from regs and ERETs (ELR_EL2 and SPSR_EL2 are set by
 * the caller). The realm's next exception to Realm EL2 comes back here through
 * rmm_vectors' lower-EL entries: its registers go back into regs and rec_run_regs returns
 * why (0 synchronous, 1 IRQ, 2 FIQ, 3 SError).
 */
#define FRAME_SIZE 112 /* x19-x30, then regs */

	.text
	.globl rec_run_regs
rec_run_regs:
	sub	sp, sp, #FRAME_SIZE
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	str	x0, [sp, #96]
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
	ldp	x0, x1, [x0, #0]
	eret

/* From rmm_vectors (lower EL, AArch64), with the exit code in x1 and the realm's x0 and
 * x1 on the stack. */
	.globl rec_exit
rec_exit:
	ldr	x0, [sp, #16 + 96]	/* regs, under the two saved registers */
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
	ldp	x2, x3, [sp], #16	/* the realm's x0, x1 */
	stp	x2, x3, [x0, #0]
	mov	x0, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #FRAME_SIZE
	ret
