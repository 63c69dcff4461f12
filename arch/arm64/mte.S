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

/* The tags of a 4 KiB page as 16 words of 16 tags each (granule g's in bits 4(g % 16) of
 * word g / 16), by LDGM / STGM in blocks of GMID_EL1.BS (at most 256 bytes: a word's worth
 * or part of it). For snapshots (core/snapshot_mte.c's format). */
	.macro	gm_block reg
	mrs	\reg, s3_1_c0_c0_4	/* GMID_EL1 */
	and	\reg, \reg, #0xf
	mov	x3, #4
	lsl	\reg, x3, \reg
	.endm

/* x0 = page, x1 = 128 bytes out */
	.globl	mte_page_tags_get
mte_page_tags_get:
	gm_block x2
	add	x4, x0, #4096
1:	mov	x5, xzr
	add	x6, x0, #256
2:	ldgm	x7, [x0]
	orr	x5, x5, x7
	add	x0, x0, x2
	cmp	x0, x6
	b.lo	2b
	str	x5, [x1], #8
	cmp	x0, x4
	b.lo	1b
	ret

/* x0 = page, x1 = its 128 bytes of tags */
	.globl	mte_page_tags_set
mte_page_tags_set:
	gm_block x2
	add	x4, x0, #4096
1:	ldr	x5, [x1], #8
	add	x6, x0, #256
2:	stgm	x5, [x0]
	add	x0, x0, x2
	cmp	x0, x6
	b.lo	2b
	cmp	x0, x4
	b.lo	1b
	dsb	ish
	ret
