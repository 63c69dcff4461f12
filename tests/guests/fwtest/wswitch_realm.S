/*
 * The world-switch test's realm (wswitch.c): it fills its registers with patterns (the
 * readback of each into IPA 0x2000 on), gives the host a turn (RSI_HOST_CALL, during which
 * the host runs with its own patterns everywhere), reads them all again (into 0x2800 on)
 * and its general registers (into 0x2c00), then reports each word that changed, and the
 * end, by stores to its unprotected report address (MMIO exits the host reads). x0 at
 * entry: 1 if the CPU has FEAT_PAuth.
 */
#include "wswitch.h"

	.arch	armv8.3-a+fp+simd

#define FILL(name, reg, pat) ldr x9, =pat; msr reg, x9; isb; mrs x9, reg; str x9, [x10], #8;
#define READ(name, reg, pat) mrs x9, reg; str x9, [x10], #8;

.macro	store_q			/* V0-V31 at x10 on */
	stp	q0, q1, [x10], #32
	stp	q2, q3, [x10], #32
	stp	q4, q5, [x10], #32
	stp	q6, q7, [x10], #32
	stp	q8, q9, [x10], #32
	stp	q10, q11, [x10], #32
	stp	q12, q13, [x10], #32
	stp	q14, q15, [x10], #32
	stp	q16, q17, [x10], #32
	stp	q18, q19, [x10], #32
	stp	q20, q21, [x10], #32
	stp	q22, q23, [x10], #32
	stp	q24, q25, [x10], #32
	stp	q26, q27, [x10], #32
	stp	q28, q29, [x10], #32
	stp	q30, q31, [x10], #32
.endm

/* The registers, the keys only with FEAT_PAuth (x28) */
#define ALL_REGS(op) WS_REALM_REGS(op) cbz x28, 1f; WS_REALM_PAUTH(op) 1:

	.section .rodata
	.balign	4096
	.global	wsrealm_code, wsrealm_end
wsrealm_code:
	mov	x28, x0
	mov	x9, #(3 << 20)		/* CPACR_EL1.FPEN: FP/SIMD at EL1 */
	msr	cpacr_el1, x9
	isb
	mov	x10, #0x2000
	ALL_REGS(FILL)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ldr	x9, =(0x7265560000000000 + 2 * \n)
	fmov	d\n, x9
	ldr	x9, =(0x7265560000000001 + 2 * \n)
	mov	v\n\().d[1], x9
	.endr
	ldr	x9, =0x08000000		/* FPSR.QC */
	msr	fpsr, x9
	ldr	x9, =0x03c00000		/* FPCR: RMode, FZ, DN */
	msr	fpcr, x9
	isb
	store_q
	mrs	x9, fpsr
	mrs	x11, fpcr
	stp	x9, x11, [x10], #16
	mov	x9, #0x2ff0
	stp	x28, x10, [x9]		/* the flags and the end of the first readback */
	/* RSI_HOST_CALL(0x1000), imm 0x57, every other general register a pattern */
	mov	x9, #0x1000
	mov	x10, #0x57
	str	x10, [x9]
	.irp	n, 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	ldr	x\n, =(WS_REALM_GPR | \n)
	.endr
	mov	x1, #0x1000
	ldr	x0, =0xc4000199
	smc	#0
	mov	x0, #0x2c00
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	str	x\n, [x0, #(8 * \n)]
	.endr
	mov	x9, #0x2ff0
	ldr	x28, [x9]
	mov	x10, #0x2800
	ALL_REGS(READ)
	store_q
	mrs	x9, fpsr
	mrs	x11, fpcr
	stp	x9, x11, [x10], #16
	/* The comparison: word i of the two readbacks, then x1 (0x1000) and x2-x30. */
	movz	x20, #0x80, lsl #32	/* IPA 1 << 39: unprotected, nothing mapped */
	mov	x9, #0x2ff0
	ldr	x12, [x9, #8]		/* the first readback's end */
	mov	x11, #0x2000
	mov	x13, #0			/* i */
2:	cmp	x11, x12
	b.hs	3f
	ldr	x14, [x11]
	ldr	x15, [x11, #0x800]
	cmp	x14, x15
	b.eq	4f
	ldr	x16, =WS_REPORT_WORD
	orr	x16, x16, x13
	str	x16, [x20]
4:	add	x11, x11, #8
	add	x13, x13, #1
	b	2b
3:	mov	x11, #0x2c00
	mov	x14, #1
5:	ldr	x15, [x11, x14, lsl #3]
	ldr	x16, =WS_REALM_GPR
	orr	x16, x16, x14
	cmp	x14, #1
	b.ne	6f
	mov	x16, #0x1000
6:	cmp	x15, x16
	b.eq	7f
	ldr	x16, =WS_REPORT_GPR
	orr	x16, x16, x14
	str	x16, [x20]
7:	add	x14, x14, #1
	cmp	x14, #31
	b.lo	5b
	ldr	x16, =WS_REPORT_END
	orr	x16, x16, x13
	str	x16, [x20]
8:	wfi
	b	8b
	.ltorg
wsrealm_end:
