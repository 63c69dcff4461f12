/* A guest that tries to keep a physical CPU to itself: an arm64 Image that masks every
 * interrupt and then either spins (HOG_SPIN) or floods SGIs at itself through the trapped
 * ICC_SGI1R_EL1 (HOG_IPI). Triad's time slices must still let other VMs run. */
	.section .text.head, "ax"
	.global _head
_head:
	b	start
	.long	0
	.quad	0		/* text_offset */
	.quad	0x10000		/* image_size */
	.quad	0xa		/* little-endian, 4K pages */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0
start:
	msr	daifset, #0xf
#ifdef HOG_IPI
	mov	x0, #1			/* SGI 0 to Aff0 = 0: itself */
1:	msr	s3_0_c12_c11_5, x0	/* ICC_SGI1R_EL1 */
	b	1b
#else
1:	b	1b
#endif
