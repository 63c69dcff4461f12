/*
 * Triad's entry. The image carries an arm64 Linux Image header so that any loader that
 * boots Linux at EL2 (QEMU -kernel, U-Boot booti, UEFI shims) boots Triad the same way:
 * x0 = physical address of the DTB, MMU off, at EL2. Triad's EL3 monitor also passes, in
 * x1, a struct boot_info (include/triad/boot_info.h); other loaders leave x1 zero.
 */
#include <arch/regs.h>
#include "macros.inc"

#define STACK_SIZE 0x4000

	.section .text.head, "ax"
	.globl _head
_head:
	b	primary_entry
	.long	0
	.quad	0x200000		/* text_offset: load 2 MB into RAM */
	.quad	_end - _head		/* image_size, including bss */
	.quad	0xa			/* little-endian, 4 KB pages, placed anywhere */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

	.text
primary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mov	x20, x1			/* Triad's own monitor passes boot information */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	wrong_el
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, #0
	bl	set_stack_and_vectors
	mov	x0, x19
	mov	x1, x20
	bl	triad_main
	b	.

/* Secondary CPUs arrive here from PSCI CPU_ON with x0 = their CPU index. */
	.globl secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	bl	set_stack_and_vectors
	adr_l	x0, el2_mmu_regs
	bl	mmu_enable
	mov	x0, x19
	bl	secondary_main
	b	.

/* x0 = CPU index. Each CPU gets its own stack; VBAR_EL2 points at the vectors. */
set_stack_and_vectors:
	adr_l	x1, cpu_stacks
	add	x0, x0, #1
	mov	x2, #STACK_SIZE
	madd	x1, x0, x2, x1
	mov	sp, x1
	adr_l	x1, hyp_vectors
	msr	vbar_el2, x1
	isb
	ret

wrong_el:
	/* Not at EL2: nothing sensible can be done; park. */
	wfe
	b	wrong_el

/* x0 = struct mmu_regs { mair, tcr, ttbr0, sctlr }. */
	.globl mmu_enable
mmu_enable:
	ldp	x1, x2, [x0]
	msr	mair_el2, x1
	msr	tcr_el2, x2
	ldp	x1, x2, [x0, #16]
	msr	ttbr0_el2, x1
	isb
	tlbi	alle2
	dsb	ish
	isb
	msr	sctlr_el2, x2
	isb
	ic	iallu
	dsb	ish
	isb
	ret

	.bss
	.balign	16
	.globl cpu_stacks
cpu_stacks:
	.space	STACK_SIZE * 9		/* MAX_CPUS + 1: index 0 is below the first stack top */
