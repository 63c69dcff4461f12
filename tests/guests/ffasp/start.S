/* The test partition's manifest (include/triad/sp_manifest.h) and entry: a stack, then
 * sp_main(). Its FF-A calls go through Triad's smc_call_regs18 (arch/arm64/smccc.S). */
#define FFA_PROPS ((1 << 0) | (1 << 8) | (1 << 9)) /* direct REQ and REQ2 in; AArch64 */

	.section .manifest, "a"
	.word	0x4d505354		/* "TSPM" */
	.word	1			/* manifest version */
	.hword	0x8001			/* FF-A ID */
	.hword	1			/* execution contexts */
	.word	FFA_PROPS
	/* UUID 5f4a1e2c-7b3d-4c8e-9a06-1d2f3b4c5d6e, FF-A's four-word form (bytes in order) */
	.byte	0x5f, 0x4a, 0x1e, 0x2c, 0x7b, 0x3d, 0x4c, 0x8e
	.byte	0x9a, 0x06, 0x1d, 0x2f, 0x3b, 0x4c, 0x5d, 0x6e
	.word	_start - 0x0e0e0000	/* entry (offsets from the load address, SP_BASE) */
	.word	__image_end - 0x0e0e0000	/* image size */
	.word	__mem_end - 0x0e0e0000	/* memory size */
	.word	0x10002			/* FF-A 1.2 */

	.text
	.globl	_start
_start:
	ldr	x9, =__stack_top
	mov	sp, x9
	bl	sp_main
	b	.
