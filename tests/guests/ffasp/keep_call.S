/* sp_keep_call(r, id, lost): the FF-A call of r (x0-x17 in, the next message out into r)
 * with x18-x30 holding their REGS patterns (sp_regs.h) across it: the SPMC must give them
 * back as they were, however long the normal world ran meanwhile. lost[0] = how many came
 * back changed, lost[1] = the first one's id (0-12), lost[2] = its value. */
	.text
	.globl	sp_keep_call
sp_keep_call:
	stp	x29, x30, [sp, #-112]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	x0, x2, [sp, #96]
	/* x18-x30: 0x5350 << 48 | id << 32 | (k + 1) * 0x01010101, SP_REGS_PATTERN */
	mov	x3, #0x5350000000000000
	orr	x3, x3, x1, lsl #32
	movz	x4, #0x0101
	movk	x4, #0x0101, lsl #16
	mov	x5, #1
	.irp	n, 18,19,20,21,22,23,24,25,26,27,28,29,30
	madd	x\n, x5, x4, x3
	add	x5, x5, #1
	.endr
	stp	x3, x4, [sp, #-16]!	/* the base and step, for the check */
	ldp	x16, x17, [x0, #128]
	ldp	x14, x15, [x0, #112]
	ldp	x12, x13, [x0, #96]
	ldp	x10, x11, [x0, #80]
	ldp	x8, x9, [x0, #64]
	ldp	x6, x7, [x0, #48]
	ldp	x4, x5, [x0, #32]
	ldp	x2, x3, [x0, #16]
	ldp	x0, x1, [x0]
	smc	#0
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #32 + 96]	/* r */
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0]
	ldp	x3, x4, [sp], #16	/* base, step */
	mov	x5, #1			/* k + 1 */
	mov	x6, #0			/* lost */
	mov	x7, #0			/* the first's id */
	mov	x8, #0			/* its value */
	.irp	n, 18,19,20,21,22,23,24,25,26,27,28,29,30
	madd	x2, x5, x4, x3
	cmp	x\n, x2
	b.eq	1f
	cbnz	x6, 2f
	sub	x7, x5, #1
	mov	x8, x\n
2:	add	x6, x6, #1
1:	add	x5, x5, #1
	.endr
	ldr	x2, [sp, #104]		/* lost */
	stp	x6, x7, [x2]
	str	x8, [x2, #16]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #112
	ret
