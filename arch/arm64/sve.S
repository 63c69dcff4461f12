/* SVE register file save/restore, at the vector length (VL) the caller's exception level
 * runs with: Triad's for vCPU switches (ZCR_EL2.LEN: the loaded VM's; CPTR_EL2.TZ clear),
 * the monitor's for the normal world's (ZCR_EL3). Packed: Z0-Z31 (VL bytes each) from
 * offset 0, then P0-P15 (VL / 8 bytes each), then FFR: 34 VL + VL / 8 bytes in all
 * (SVE_REGS_BYTES). */
	.arch	armv8.2-a+sve
	.text

	.macro	z_regs op
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	\op	z\n, [x0, #\n, mul vl]
	.endr
	.endm

	/* x1 = P0's slot, x2 = FFR's */
	.macro	p_ffr_slots
	rdvl	x3, #16
	add	x1, x0, x3, lsl #1
	rdvl	x3, #2
	add	x2, x1, x3
	.endm

	.macro	p_regs op
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\op	p\n, [x1, #\n, mul vl]
	.endr
	.endm

/* x0 = struct sve_regs */
	.globl sve_save
sve_save:
	z_regs	str
	p_ffr_slots
	p_regs	str
	rdffr	p0.b			/* P0 is saved: use it to carry FFR */
	str	p0, [x2]
	ret

	.globl sve_restore
sve_restore:
	p_ffr_slots
	ldr	p0, [x2]
	wrffr	p0.b			/* before P0 gets its own value */
	p_regs	ldr
	z_regs	ldr
	ret

/* P0-P15 and FFR zero (a vCPU's SVE opened over FP/SIMD state: core/vcpu_sve.c). */
	.globl sve_zero_predicates
sve_zero_predicates:
	.irp	n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	pfalse	p\n\().b
	.endr
	wrffr	p0.b
	ret

/* The vector length, in bytes, that EL2 runs with now. */
	.globl sve_vl_bytes
sve_vl_bytes:
	rdvl	x0, #1
	ret
