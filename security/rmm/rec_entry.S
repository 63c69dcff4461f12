/*
 * Running a REC: rec_run_regs(regs) saves the RMM's callee-saved registers in a frame on
 * its stack, loads the realm's x0-x30 from regs and ERETs (ELR_EL2 and SPSR_EL2 are set by
 * the caller). The realm's next exception to Realm EL2 comes back here through
 * rmm_vectors' lower-EL entries: its registers go back into regs and rec_run_regs returns
 * why (0 synchronous, 1 IRQ, 2 FIQ, 3 SError).
 */
#include "../../arch/arm64/macros.inc"

#define FRAME_SIZE 112 /* x19-x30, then regs */

	.text
	.globl rec_run_regs
rec_run_regs:
	push_callee_frame FRAME_SIZE
	str	x0, [sp, #96]
	load_frame_x0_x30
	eret

/* From rmm_vectors (lower EL, AArch64), with the exit code in x1 and the realm's x0 and
 * x1 on the stack. */
	.globl rec_exit
rec_exit:
	ldr	x0, [sp, #16 + 96]	/* regs, under the two saved registers */
	store_frame_x2_x30
	ldp	x2, x3, [sp], #16	/* the realm's x0, x1 */
	stp	x2, x3, [x0, #0]
	mov	x0, x1
	pop_callee_frame FRAME_SIZE
	ret
