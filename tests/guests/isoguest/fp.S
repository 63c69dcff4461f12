/* The FP/SIMD registers, out of C's reach (the guests are built -mgeneral-regs-only):
 * fp_fill(base) puts base + n in both halves of Vn; fp_check(base) counts the halves
 * that no longer hold it. */
	.text
	.global	fp_fill
fp_fill:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x0, #\n
	fmov	d\n, x1
	mov	v\n\().d[1], x1
	.endr
	ret

	.global	fp_check
fp_check:
	mov	x2, #0
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	add	x1, x0, #\n
	fmov	x3, d\n
	cmp	x3, x1
	cinc	x2, x2, ne
	mov	x3, v\n\().d[1]
	cmp	x3, x1
	cinc	x2, x2, ne
	.endr
	mov	x0, x2
	ret
