/* The vector table the timer benchmark runs with: an interrupt's first instructions
 * acknowledge it (ICC_IAR1_EL1) and read the virtual counter, the way a guest's handler
 * sees its interrupt at the earliest; then the usual path (lib/start.S) runs irq_exception,
 * which finds the INTID in timer_iar. Every other exception goes straight to lib's table. */
	.text
	.balign	0x800
	.global	timer_vectors
timer_vectors:
	.irp	off, 0x000, 0x080, 0x100, 0x180, 0x200
	.balign	0x80
	b	vectors + \off
	.endr
	.balign	0x80			/* IRQ, current EL with SP_ELx */
	stp	x0, x1, [sp, #-16]!
	mrs	x0, s3_0_c12_c12_0	/* ICC_IAR1_EL1: the acknowledge */
	mrs	x1, cntvct_el0		/* the handler has its interrupt */
	stp	x2, x3, [sp, #-16]!
	adrp	x2, timer_iar
	str	x0, [x2, :lo12:timer_iar]
	adrp	x3, timer_acked_at
	str	x1, [x3, :lo12:timer_acked_at]
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	b	vectors + 0x280
	.irp	off, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	.balign	0x80
	b	vectors + \off
	.endr
