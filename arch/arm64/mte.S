/* Zeroing memory with its allocation tags (FEAT_MTE2), for arch/arm64/cache.c: zero_range.
 * Through Triad's Tagged Normal map of RAM (mm/el2_mmu.c), with address tag 0: the tags
 * written are 0. */
	.arch	armv8.5-a+memtag
	.text

/* x0 = start, x1 = end, x2 = DC GZVA's block size (DCZID_EL0.BS): both ends aligned to it */
	.globl	mte_zero_blocks
mte_zero_blocks:
	cmp	x0, x1
	b.hs	2f
1:	dc	gzva, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
2:	dsb	ish
	ret

/* x0 = start, x1 = end, 16-byte aligned: one tag granule a store (DC GZVA prohibited) */
	.globl	mte_zero_granules
mte_zero_granules:
	cmp	x0, x1
	b.hs	2f
1:	stzg	x0, [x0], #16
	cmp	x0, x1
	b.lo	1b
2:	dsb	ish
	ret
