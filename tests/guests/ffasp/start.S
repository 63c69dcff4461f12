/* The test partition's manifest (include/triad/sp_manifest.h) and entry: a stack, then
 * sp_main(). Its FF-A calls go through Triad's smc_call_regs18 (arch/arm64/smccc.S).
 * Built with EXEC_CTX=8 (ffasp-mp.bin) it has an execution context per CPU; each finds its
 * stack by the context number in MPIDR_EL1 (Aff0). */
#ifndef EXEC_CTX
#define EXEC_CTX 1
#endif
#ifndef SP_ID			/* ffasp2.bin: 0x8002, in the second region, its own UUID */
#define SP_ID 0x8001
#define UUID_LAST 0x6e
#else
#define UUID_LAST 0x6f
#endif
#define STACK_SIZE 0x1000
/* direct REQ in and out, REQ2 in; AArch64 */
#define FFA_PROPS ((1 << 0) | (1 << 1) | (1 << 8) | (1 << 9))

	.section .manifest, "a"
	.word	0x4d505354		/* "TSPM" */
	.word	2			/* manifest version */
	.hword	SP_ID			/* FF-A ID */
	.hword	EXEC_CTX		/* execution contexts */
	.word	FFA_PROPS
	/* UUID 5f4a1e2c-7b3d-4c8e-9a06-1d2f3b4c5d6e (5d6f for ffasp2), FF-A's four-word form
	 * (bytes in order) */
	.byte	0x5f, 0x4a, 0x1e, 0x2c, 0x7b, 0x3d, 0x4c, 0x8e
	.byte	0x9a, 0x06, 0x1d, 0x2f, 0x3b, 0x4c, 0x5d, UUID_LAST
	.word	__entry_offset		/* entry (offsets from the load address: sp.ld) */
	.word	__image_size		/* image size */
	.word	__mem_size		/* memory size */
	.word	0x10002			/* FF-A 1.2 */
	.word	__sp_base		/* the region it is linked for */

	.text
	.globl	_start
_start:
	mov	x20, #0
	b	1f
/* Where the contexts after the first start (ffasp-mp.bin registers it). */
	.globl	secondary_entry
secondary_entry:
	mov	x20, #1
1:	mrs	x10, mpidr_el1
	and	x10, x10, #7
	add	x10, x10, #1
	ldr	x9, =__stacks
	add	x9, x9, x10, lsl #12	/* STACK_SIZE */
	mov	sp, x9
	mov	x0, x20
	bl	sp_main
	b	.
