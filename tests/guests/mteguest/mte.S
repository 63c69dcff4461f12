/* The tag instructions main.c uses (FEAT_MTE2), out of line: the guest library builds
 * for plain armv8-a. */
	.arch	armv8.5-a+memtag
	.text

/* x0 = address: x0 with a random tag GCR_EL1.Exclude allows (IRG) */
	.globl	mte_irg
mte_irg:
	irg	x0, x0
	ret

/* x0 = tagged address: 16 bytes on, with the next allowed tag (ADDG) */
	.globl	mte_addg
mte_addg:
	addg	x0, x0, #16, #1
	ret

/* x0 = tagged address: its granule gets the address's tag (STG) */
	.globl	mte_stg
mte_stg:
	stg	x0, [x0]
	ret

/* x0 = address: the allocation tag of its granule (LDG) */
	.globl	mte_ldg
mte_ldg:
	mov	x1, xzr
	ldg	x1, [x0]
	ubfx	x0, x1, #56, #4
	ret

/* x0 = start, x1 = end, x2 = block (DCZID_EL0.BS), x0's tag: every block from start to
 * end gets the tag (DC GVA, tags only) */
	.globl	mte_tag_range
mte_tag_range:
1:	dc	gva, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	ish
	ret
