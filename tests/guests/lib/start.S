/* Entry of the bare-metal test guests: an arm64 Linux Image header (so Triad and QEMU
 * boot them like Linux), per-CPU stacks, EL1 vectors that hand exceptions to C. Runs with
 * the MMU off. CPU 0 enters main(dtb); others, started with PSCI CPU_ON(entry =
 * secondary_entry, context = CPU index), enter secondary_main(index). Started at EL2 (in
 * Triad's place, e.g. to test the firmware below it), a guest first drops to EL1 with
 * nothing trapped: its SMCs go straight to EL3, its HVCs to el2_vectors if it has them. */
#define STACK_SIZE 0x4000

	.weak	el2_vectors		/* 0 unless the guest defines it */

.macro	drop_to_el1
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	1f
	mov	x9, #(1 << 31)		/* HCR_EL2: EL1 is AArch64, nothing else */
	msr	hcr_el2, x9
	mov	x9, #3			/* CNTHCTL_EL2: EL1 reads the counters */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #0x33ff		/* CPTR_EL2: no FP/SIMD traps */
	msr	cptr_el2, x9
	ldr	x9, =0x30d00800		/* SCTLR_EL1: RES1 bits, MMU and caches off */
	msr	sctlr_el1, x9
	ldr	x9, =el2_vectors	/* a guest's own EL2 vectors (HVC), if it has them */
	cbz	x9, 2f
	msr	vbar_el2, x9
2:
	mov	x9, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x9
	adr	x9, 1f
	msr	elr_el2, x9
	eret
1:
.endm

	.section .text.head, "ax"
	.global _head
_head:
	b	start			/* code0 */
	.long	0			/* code1 */
	.quad	_text_offset		/* text_offset */
	.quad	_image_size		/* image_size */
	.quad	0xa			/* flags: little-endian, 4K pages */
	.quad	0, 0, 0
	.ascii	"ARM\x64"		/* magic */
	.long	0

start:
	drop_to_el1
	mov	x19, x0			/* the DTB */
	ldr	x1, =__bss_start	/* a loader need not have zeroed it */
	ldr	x2, =__bss_end
2:	cmp	x1, x2
	b.hs	3f
	str	xzr, [x1], #8
	b	2b
3:
	ldr	x1, =stacks_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	main
1:	wfi
	b	1b

	.global secondary_entry
secondary_entry:
	drop_to_el1
	ldr	x1, =stacks_top
	mov	x2, #STACK_SIZE
	msub	x1, x0, x2, x1		/* CPU n's stack: n stacks below the top */
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	secondary_main
1:	wfi
	b	1b

/* Each vector saves x0-x30 and ELR in a frame on the stack, calls the C handler with it,
 * and returns to wherever the handler left ELR. */
.macro	vector handler
	.balign	0x80
	sub	sp, sp, #(32 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, elr_el1
	stp	x30, x0, [sp, #240]
	mov	x0, sp
	bl	\handler
	b	exception_return
.endm

	.text
	.balign	0x800
	.global	vectors
vectors:
	vector	unexpected_exception	/* current EL, SP_EL0 */
	vector	unexpected_exception
	vector	unexpected_exception
	vector	unexpected_exception
	vector	sync_exception		/* current EL, SP_ELx: synchronous */
	vector	irq_exception		/* IRQ */
	vector	unexpected_exception	/* FIQ */
	vector	unexpected_exception	/* SError */
	vector	unexpected_exception	/* lower EL: never used */
	vector	unexpected_exception
	vector	unexpected_exception
	vector	unexpected_exception
	vector	unexpected_exception
	vector	unexpected_exception
	vector	unexpected_exception
	vector	unexpected_exception

exception_return:
	ldp	x30, x0, [sp, #240]
	msr	elr_el1, x0
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #(32 * 8)
	eret
