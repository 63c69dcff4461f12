/*
 * EL2 exception vectors and the guest entry/exit path. The path is kept short: only the
 * general-purpose registers, PC and PSTATE move here; everything else stays in the CPU
 * while the vCPU is loaded (see core/vcpu.c).
 */
#include <arch/regs.h>
#include "macros.inc"

/* guest_enter's stack frame: x19..x30, then the guest register frame pointer. */
#define FRAME_CALLEE  0
#define FRAME_REGS    96
#define FRAME_SIZE    112

	.text
/* unsigned long guest_enter(struct gp_regs *regs) */
	.globl guest_enter
guest_enter:
	push_callee_frame FRAME_SIZE
	str	x0, [sp, #FRAME_REGS]
	ldp	x1, x2, [x0, #REGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	load_frame_x0_x30
	eret

/* Lower-EL exception: the guest's registers go back into its frame. */
	.macro	guest_exit, kind
	stp	x0, x1, [sp, #-16]!
	ldr	x0, [sp, #16 + FRAME_REGS]
	store_frame_x2_x30
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #REGS_PC]
	mov	x0, #\kind
	b	guest_exit_common
	.endm

guest_exit_common:
	pop_callee_frame FRAME_SIZE
	ret

/* An exception at EL2 itself is a hypervisor bug: save everything and report it. */
	.macro	hyp_fault, kind
	sub	sp, sp, #(36 * 8)
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
	add	x1, sp, #(36 * 8)
	stp	x30, x1, [sp, #240]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [sp, #256]
	mrs	x1, esr_el2
	mrs	x2, far_el2
	stp	x1, x2, [sp, #272]
	mov	x0, sp
	mov	x1, #\kind
	bl	hyp_exception
	b	.
	.endm

	.macro	ventry, label
	.balign	0x80
	b	\label
	.endm

	.balign	0x800
	.globl hyp_vectors
hyp_vectors:
	ventry	hyp_sync	/* current EL, SP0 */
	ventry	hyp_irq
	ventry	hyp_fiq
	ventry	hyp_serror
	ventry	hyp_sync	/* current EL, SPx */
	ventry	hyp_irq
	ventry	hyp_fiq
	ventry	hyp_serror
	ventry	lower_sync	/* lower EL, AArch64 */
	ventry	lower_irq
	ventry	lower_fiq
	ventry	lower_serror
	ventry	lower_sync	/* lower EL, AArch32 */
	ventry	lower_irq
	ventry	lower_fiq
	ventry	lower_serror

lower_sync:	guest_exit EXIT_SYNC
lower_irq:	guest_exit EXIT_IRQ
lower_fiq:	guest_exit EXIT_FIQ
lower_serror:	guest_exit EXIT_SERROR

hyp_sync:	hyp_fault EXIT_SYNC
hyp_irq:	hyp_fault EXIT_IRQ
hyp_fiq:	hyp_fault EXIT_FIQ
hyp_serror:	hyp_fault EXIT_SERROR
