/* VMID allocation: each live VM has its own, so TLB entries never mix VMs. Pure logic. */
#ifndef MM_VMID_H
#define MM_VMID_H

#include <stdint.h>

#define VMID_MAX_BITS 16

struct vmid_pool {
	unsigned bits;
	uint64_t used[(1U << VMID_MAX_BITS) / 64];
};

void vmid_pool_init(struct vmid_pool *p, unsigned bits);
/* A free VMID (never 0, which stays with the hypervisor), or -1 if all are taken. */
int vmid_alloc(struct vmid_pool *p);
/* Returns -1 if vmid was not allocated. The caller flushes its TLB entries first. */
int vmid_free(struct vmid_pool *p, int vmid);

#endif
