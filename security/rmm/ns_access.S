/*
 * The RMM's only ways to touch host memory: copies through the NS alias (mmu.c) of
 * 8-byte-aligned buffers. A fault on the host's side (a granule the GPT says is not
 * Non-secure) is caught by rmm_vectors and the copy returns -1: the host can name any
 * address, and the RMM must survive it.
 */
	.text
	.globl ns_access_start, ns_access_end, ns_access_fault

/* int ns_read(void *dst, const void *ns_src, size_t len) and
 * int ns_write(void *ns_dst, const void *src, size_t len): one copy, either way; 0 or -1 */
	.globl ns_read, ns_write
ns_access_start:
ns_read:
ns_write:
	cbz	x2, 2f
1:	ldr	x3, [x1], #8
	str	x3, [x0], #8
	subs	x2, x2, #8
	b.hi	1b
2:	mov	x0, #0
	ret
ns_access_end:

ns_access_fault:
	mov	x0, #-1
	ret
