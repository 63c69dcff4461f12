/* libFuzzer target: the SPMC's memory sharing (security/ffa/mem_spmc.c) driven by arbitrary
 * calls from the hypervisor and two partitions, the TX buffers filled from the input (a
 * well-formed descriptor half of the time, so the fuzzer gets past the parser). What must
 * hold whatever the order: a partition has pages mapped exactly while a record says it
 * retrieved them, RO stays RO, a reclaim never succeeds while a partition holds the pages,
 * the table never overflows, nothing reads or writes past a buffer (ASan). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "security/ffa/mem_spmc.h"

#define NS_BASE 0x40000000ULL
#define NS_SIZE 0x40000ULL
#define SP_IPA	0x0e0a0000ULL
#define SP_SIZE 0x4000ULL

static uint8_t ns_mem[NS_SIZE];
static uint8_t sp_mem[2][SP_SIZE];
static unsigned mapped_pages[2];
static unsigned map_budget;

static void *ns_ptr(uint64_t pa, uint64_t len)
{
	return pa >= NS_BASE && len <= NS_SIZE && pa - NS_BASE <= NS_SIZE - len
		   ? &ns_mem[pa - NS_BASE]
		   : NULL;
}

static void *sp_ptr(unsigned i, uint64_t ipa, uint64_t len)
{
	return ipa >= SP_IPA && len <= SP_SIZE && ipa - SP_IPA <= SP_SIZE - len
		   ? &sp_mem[i][ipa - SP_IPA]
		   : NULL;
}

static bool map(unsigned i, uint64_t pa, uint64_t pages, uint8_t perm)
{
	(void)perm;
	assert(ns_ptr(pa, pages * 4096)); /* only normal-world memory the SPMC checked */
	if (!map_budget)
		return false;
	map_budget--;
	mapped_pages[i] += (unsigned)pages;
	return true;
}

static void unmap(unsigned i, uint64_t pa, uint64_t pages)
{
	(void)pa;
	assert(mapped_pages[i] >= pages);
	mapped_pages[i] -= (unsigned)pages;
}

static uint64_t rnd;
static uint64_t random_bits(void)
{
	return rnd = rnd * 6364136223846793005ULL + 1;
}

static const struct spmc_mem_ops ops = {ns_ptr, sp_ptr, map, unmap, random_bits};

/* Pages each partition holds, by the records. */
static unsigned held(const struct spmc_mem *m, unsigned i)
{
	unsigned n = 0;
	for (unsigned k = 0; k < SPMC_MEM_MAX_SHARES; k++)
		for (unsigned j = 0; m->share[k].handle && j < m->share[k].r.nr_receivers; j++)
			if (m->share[k].sp_index[j] == i && m->share[k].retrieved[j])
				n += m->share[k].r.total_pages;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spmc s;
	static struct spmc_mem m;
	memset(&s, 0, sizeof(s));
	memset(&m, 0, sizeof(m));
	memset(mapped_pages, 0, sizeof(mapped_pages));
	map_budget = 8;
	rnd = 1;
	s.nr_sps = 2;
	s.sp[0].m.id = 0x8001;
	s.sp[1].m.id = 0x8002;
	m.ops = &ops;
	uint64_t handles[4] = {0};
	for (size_t at = 0; at + 8 <= size;) {
		uint8_t op = data[at], a = data[at + 1], b = data[at + 2];
		at += 8;
		uint64_t r[FFA_NREGS] = {0};
		unsigned who = a & 1;
		uint64_t h = handles[b & 3] ^ (b & 4 ? (uint64_t)data[at - 1] << 8 : 0);
		switch (op % 8) {
		case 0: /* the hypervisor's or a partition's buffers */
			r[0] = FFA_RXTX_MAP;
			r[1] = a & 2 ? SP_IPA : NS_BASE;
			r[2] = r[1] + 0x1000;
			r[3] = 1;
			if (a & 4)
				spmc_mem_ns_call(&m, &s, r);
			else
				spmc_mem_sp_call(&m, &s, who, r);
			break;
		case 1:
		case 2: { /* SHARE/LEND/DONATE: a good descriptor, or the input's bytes */
			uint32_t len = 0;
			uint8_t *tx = &ns_mem[0];
			if (b & 8) {
				struct ffa_mem_region d = {
				    .sender = 1,
				    .attrs = FFA_MEM_ATTR_NORMAL_WB_IS,
				    .ep_size = 16,
				    .nr_receivers = 1 + (a >> 7),
				    .receiver = {{0x8001, a & 0x10 ? 1 : 2, 0}, {0x8002, 1, 0}},
				    .total_pages = 1 + (b >> 6),
				    .nr_ranges = 1,
				    .range = {{NS_BASE + 0x10000 + (uint64_t)(a & 0xe0) * 0x100,
					       1 + (b >> 6)}}};
				if (op % 8 == 2 && (a & 0x20))
					d.receiver[0].perm = d.receiver[1].perm = 0;
				len = ffa_mem_build(tx, 0x1000, &d);
			} else {
				len = (uint32_t)(size - at < 0x1000 ? size - at : 0x1000);
				memcpy(tx, data + at, len);
			}
			uint32_t fids[3] = {FFA_MEM_SHARE, FFA_MEM_LEND, FFA_MEM_DONATE};
			r[0] = fids[a % 3];
			r[1] = r[2] = len;
			spmc_mem_ns_call(&m, &s, r);
			if ((uint32_t)r[0] == FFA_SUCCESS)
				handles[b & 3] = (uint32_t)r[2] | r[3] << 32;
			break;
		}
		case 3: { /* a partition's retrieve request */
			struct ffa_mem_region q = {
			    .sender = 1,
			    .handle = h,
			    .ep_size = a & 2 ? 32 : 16,
			    .nr_receivers = 1,
			    .receiver = {{(uint16_t)(0x8001 + who), b & 3, 0}}};
			uint32_t len = ffa_mem_build_retrieve_req(&sp_mem[who][0], 0x1000, &q);
			r[0] = FFA_MEM_RETRIEVE_REQ;
			r[1] = r[2] = len;
			spmc_mem_sp_call(&m, &s, who, r);
			break;
		}
		case 4: {
			struct ffa_mem_relinquish d = {.handle = h,
						       .endpoint = (uint16_t)(0x8001 + who)};
			ffa_mem_build_relinquish(&sp_mem[who][0], 0x1000, &d);
			r[0] = FFA_MEM_RELINQUISH;
			spmc_mem_sp_call(&m, &s, who, r);
			break;
		}
		case 5: {
			unsigned before[2] = {held(&m, 0), held(&m, 1)};
			r[0] = FFA_MEM_RECLAIM;
			r[1] = (uint32_t)h;
			r[2] = h >> 32;
			spmc_mem_ns_call(&m, &s, r);
			/* a reclaim never takes pages from under a partition */
			assert(held(&m, 0) == before[0] && held(&m, 1) == before[1]);
			break;
		}
		case 6:
			r[0] = FFA_RX_RELEASE;
			spmc_mem_sp_call(&m, &s, who, r);
			break;
		case 7:
			spmc_mem_sp_reset(&m, who);
			assert(held(&m, who) == 0);
			break;
		}
		assert(mapped_pages[0] == held(&m, 0) && mapped_pages[1] == held(&m, 1));
	}
	return 0;
}
