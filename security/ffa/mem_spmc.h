/*
 * The SPMC's memory sharing (FF-A 1.2 memory management, VM -> secure partition): RX/TX
 * buffers of the hypervisor and of the partitions, FFA_MEM_SHARE/LEND/DONATE from the
 * hypervisor, FFA_MEM_RETRIEVE_REQ and RELINQUISH from a partition, FFA_MEM_RECLAIM from
 * the hypervisor. Pure logic (tests/unit/test_spmc_mem.c): what it touches, the buffers and a
 * partition's Non-secure IPA space, goes through struct spmc_mem_ops, which Triad at Secure
 * EL2 fills (security/sel2/sp_mem.c) and the host test fakes.
 */
#ifndef SECURITY_FFA_MEM_SPMC_H
#define SECURITY_FFA_MEM_SPMC_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>
#include <triad/ffa_mem.h>

#include "spmc.h"

#define SPMC_MEM_MAX_SHARES    16      /* transactions at once: more is FFA_NO_MEMORY */
#define SPMC_MEM_MAX_BUF_PAGES 16      /* RX/TX buffers: 4 KiB pages each, at most */
#define SPMC_MEM_COPY	       0x1000U /* the largest descriptor the SPMC copies */

struct spmc_mem_ops {
	/* S-EL2's pointer to [addr, addr + len): Non-secure memory of the normal world (ns),
	 * or partition i's own region (a partition's addresses); NULL if it is not that. */
	void *(*ns_ptr)(uint64_t pa, uint64_t len);
	void *(*sp_ptr)(unsigned i, uint64_t ipa, uint64_t len);
	/* Partition i's Non-secure IPA space: [pa, pa + pages * 4 KiB) mapped at IPA = PA with
	 * perm (FFA_MEM_DATA_RO/RW, FFA_MEM_INSTR_X), false if no table page is left (nothing
	 * stays mapped); unmapped with its TLB entries invalidated. */
	bool (*map)(unsigned i, uint64_t pa, uint64_t pages, uint8_t perm);
	void (*unmap)(unsigned i, uint64_t pa, uint64_t pages);
	/* Bits of entropy for handles. */
	uint64_t (*random)(void);
};

struct spmc_mem_buf {
	uint64_t tx, rx; /* PAs (the hypervisor's) or IPAs in its region (a partition's) */
	uint32_t pages;	 /* 0: none mapped */
	bool rx_full;	 /* the owner has not released what the SPMC wrote there */
};

struct spmc_mem_share {
	uint64_t handle; /* 0: the slot is free */
	enum ffa_mem_kind kind;
	struct ffa_mem_region r; /* as the hypervisor gave it: PAs, the owner VM as sender */
	unsigned sp_index[FFA_MEM_MAX_RECEIVERS]; /* each receiver's partition */
	bool retrieved[FFA_MEM_MAX_RECEIVERS];
};

struct spmc_mem {
	int lock; /* every CPU may call: one at a time here */
	const struct spmc_mem_ops *ops;
	struct spmc_mem_buf hyp, sp[SPMC_MAX_SPS];
	struct spmc_mem_share share[SPMC_MEM_MAX_SHARES];
	uint8_t copy[SPMC_MEM_COPY]; /* the descriptor being checked, copied once */
};

/* Whether fid may be one of the calls below (FEATURES, the RX/TX buffers' 0x84000064-67,
 * memory management's 0x84000071-77, 32 or 64-bit): the one test on the direct request's
 * path, before any call here. */
static inline bool spmc_mem_may_handle(uint32_t fid)
{
	uint32_t base = fid & ~FFA_SMC64;
	return (base >= FFA_FEATURES && base <= FFA_RXTX_UNMAP) ||
	       (base >= FFA_MEM_DONATE && base <= FFA_MEM_RECLAIM);
}

/* A normal-world memory call (RXTX_MAP/UNMAP, RX_RELEASE, MEM_SHARE/LEND/DONATE, MEM_RECLAIM):
 * true if it is one, r its answer. */
bool spmc_mem_ns_call(struct spmc_mem *m, const struct spmc *s, uint64_t r[FFA_NREGS]);
/* The same from partition i (RXTX_MAP/UNMAP, RX_RELEASE, MEM_RETRIEVE_REQ, MEM_RELINQUISH). */
bool spmc_mem_sp_call(struct spmc_mem *m, const struct spmc *s, unsigned i, uint64_t r[FFA_NREGS]);
/* Partition i is restarted or given up: what it retrieved is unmapped, as if relinquished,
 * and its buffers are forgotten (its new life maps them again). */
void spmc_mem_sp_reset(struct spmc_mem *m, unsigned i);

#endif
