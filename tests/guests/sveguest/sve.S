/* The SVE registers from and to memory (the guests are built -mgeneral-regs-only). The
 * buffer: Z0-Z31 (VL bytes each), then P0-P15 (VL / 8 each), then FFR (VL / 8). */
	.arch	armv8.2-a+sve
	.text

	.macro	regs op
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	\op	z\n, [x0, #\n, mul vl]
	.endr
	rdvl	x3, #16
	add	x1, x0, x3, lsl #1	/* P0: after 32 Z registers */
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\op	p\n, [x1, #\n, mul vl]
	.endr
	rdvl	x3, #2
	add	x2, x1, x3		/* FFR: after 16 P registers */
	.endm

	.global	sve_vl
sve_vl:
	rdvl	x0, #1
	ret

/* sve_put(buf): every register from buf. FFR first, through P0. */
	.global	sve_put
sve_put:
	rdvl	x3, #16
	add	x1, x0, x3, lsl #1
	rdvl	x3, #2
	add	x2, x1, x3
	ldr	p0, [x2]
	wrffr	p0.b
	regs	ldr
	ret

/* sve_get(buf): every register into buf. */
	.global	sve_get
sve_get:
	regs	str
	rdffr	p0.b
	str	p0, [x2]
	ret

/* A write of V5 by an FP/SIMD instruction: the rest of Z5 becomes zero. */
	.global	fp_touch_v5
fp_touch_v5:
	.arch	armv8-a+simd
	mov	v5.16b, v5.16b
	ret
