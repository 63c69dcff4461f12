#include "vmid.h"

#include <string.h>

void vmid_pool_init(struct vmid_pool *p, unsigned bits)
{
	memset(p, 0, sizeof(*p));
	p->bits = bits > VMID_MAX_BITS ? VMID_MAX_BITS : bits;
	p->used[0] = 1; /* VMID 0 is never handed out */
}

int vmid_alloc(struct vmid_pool *p)
{
	unsigned n = 1U << p->bits;
	for (unsigned i = 1; i < n; i++) {
		if (!(p->used[i / 64] & (1UL << (i % 64)))) {
			p->used[i / 64] |= 1UL << (i % 64);
			return (int)i;
		}
	}
	return -1;
}

int vmid_free(struct vmid_pool *p, int vmid)
{
	if (vmid <= 0 || vmid >= (1 << p->bits) || !(p->used[vmid / 64] & (1UL << (vmid % 64))))
		return -1;
	p->used[vmid / 64] &= ~(1UL << (vmid % 64));
	return 0;
}
