/*
 * Entry of Triad's RMM at Realm EL2, from the EL3 monitor, MMU off (TF-A's RMM boot
 * contract): x0 = CPU index, x1 = RMM-EL3 interface version, x2 = number of CPUs, x3 = the
 * page shared with EL3 (boot manifest) on the cold boot; x1-x3 = 0 on a warm boot (a CPU
 * being turned on). The image is position-independent: the cold boot applies its relative
 * relocations and clears .bss before any C runs.
 */
#include <plat.h>

#define STACK_SIZE 0x2000
#define R_AARCH64_RELATIVE 1027

	.section .text.entry, "ax"
	.globl _rmm_entry
_rmm_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	adr	x4, rmm_vectors
	msr	vbar_el2, x4
	isb
	cmp	x19, #MAX_CPUS
	b.hs	.
	cbz	x20, 3f
	/* Cold boot: relocate (each R_AARCH64_RELATIVE: *(base + off) = base + addend). */
	adr	x4, _rmm_entry		/* the load address (linked at 0) */
	adr	x5, __rela_start
	adr	x6, __rela_end
1:	cmp	x5, x6
	b.hs	2f
	ldp	x7, x8, [x5], #16	/* r_offset, r_info */
	ldr	x9, [x5], #8		/* r_addend */
	cmp	x8, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x9, x9, x4
	str	x9, [x4, x7]
	b	1b
2:	adr	x4, __bss_start
	adr	x5, __bss_end
4:	cmp	x4, x5
	b.hs	3f
	str	xzr, [x4], #8
	b	4b
3:	adr	x4, rmm_stacks
	add	x5, x19, #1
	mov	x6, #STACK_SIZE
	madd	x4, x5, x6, x4
	mov	sp, x4
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x3, x22
	bl	rmm_main
	b	.

	.bss
	.balign	16
	.globl rmm_stacks
rmm_stacks:
	.skip	(MAX_CPUS + 1) * STACK_SIZE

/* Exceptions at Realm EL2 are bugs of the RMM (realms come with the REC work): report
 * and stop this CPU. The one exception: a fault inside the NS accessors (ns_access.S),
 * which return -1 instead. */
	.text
.macro	unexpected
	.balign	0x80
	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	rmm_unexpected
	b	.
.endm
.macro	rec_vector why
	.balign	0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\why
	b	rec_exit
.endm
	.balign	0x800
rmm_vectors:
	.rept	4
	unexpected		/* current EL with SP_EL0 */
	.endr
	.balign	0x80		/* current EL with SP_ELx, synchronous */
	mrs	x16, elr_el2
	adr	x17, ns_access_start
	cmp	x16, x17
	b.lo	1f
	adr	x17, ns_access_end
	cmp	x16, x17
	b.hs	1f
	adr	x16, ns_access_fault
	msr	elr_el2, x16
	eret
1:	mrs	x0, esr_el2
	mrs	x1, elr_el2
	mrs	x2, far_el2
	bl	rmm_unexpected
	b	.
	.rept	3
	unexpected		/* current EL with SP_ELx: IRQ, FIQ, SError */
	.endr
	/* Lower EL, AArch64: a running REC (rec_entry.S); x1 says why. */
	rec_vector 0		/* synchronous */
	rec_vector 1		/* IRQ */
	rec_vector 2		/* FIQ */
	rec_vector 3		/* SError */
	.rept	4
	unexpected		/* lower EL, AArch32 */
	.endr
