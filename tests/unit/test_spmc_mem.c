// sources: security/ffa/mem_spmc.c security/ffa/mem_desc.c security/ffa/spmc.c
// sources: security/ffa/notif_spmc.c security/ffa/notif.c
/* The SPMC's memory sharing (security/ffa/mem_spmc.c) against fake memory: the hypervisor's
 * buffers and shared pages are a host array standing for Non-secure DRAM, each partition's
 * region another; map and unmap are recorded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/ffa/mem_spmc.h"

#define NS_BASE 0x40000000ULL
#define NS_SIZE 0x100000ULL
#define SP_IPA	0x0e0a0000ULL
#define SP_SIZE 0x20000ULL
#define HYP_TX	(NS_BASE + 0x1000)
#define HYP_RX	(NS_BASE + 0x2000)
#define SP_TX	(SP_IPA + 0x10000)
#define SP_RX	(SP_IPA + 0x11000)
#define SHARED	(NS_BASE + 0x10000)
#define VM	0x0001
#define SP1	0x8001
#define SP2	0x8002

static uint8_t ns_mem[NS_SIZE];
static uint8_t sp_mem[2][SP_SIZE];
static struct {
	uint64_t pa, pages;
	uint8_t perm;
	bool on;
} mapped[2][16];
static unsigned map_budget; /* maps that succeed before "no table page" */
static uint64_t rnd = 0x123456789abcdefULL;

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
	if (!map_budget)
		return false;
	map_budget--;
	for (unsigned k = 0; k < 16; k++)
		if (!mapped[i][k].on) {
			mapped[i][k].pa = pa, mapped[i][k].pages = pages, mapped[i][k].perm = perm;
			mapped[i][k].on = true;
			return true;
		}
	return false;
}

static void unmap(unsigned i, uint64_t pa, uint64_t pages)
{
	for (unsigned k = 0; k < 16; k++)
		if (mapped[i][k].on && mapped[i][k].pa == pa && mapped[i][k].pages == pages) {
			mapped[i][k].on = false;
			return;
		}
	fail_msg("unmap of something not mapped");
}

static unsigned nr_mapped(unsigned i)
{
	unsigned n = 0;
	for (unsigned k = 0; k < 16; k++)
		n += mapped[i][k].on;
	return n;
}

static uint64_t random_bits(void)
{
	rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
	return rnd;
}

static const struct spmc_mem_ops ops = {ns_ptr, sp_ptr, map, unmap, random_bits};
static struct spmc spmc;
static struct spmc_mem mem;

static int setup(void **state)
{
	(void)state;
	memset(&spmc, 0, sizeof(spmc));
	memset(&mem, 0, sizeof(mem));
	memset(mapped, 0, sizeof(mapped));
	map_budget = 1000;
	spmc.nr_sps = 2;
	spmc.sp[0].m.id = SP1;
	spmc.sp[1].m.id = SP2;
	mem.ops = &ops;
	uint64_t r[FFA_NREGS] = {FFA_RXTX_MAP | FFA_SMC64, HYP_TX, HYP_RX, 1};
	assert_true(spmc_mem_ns_call(&mem, &spmc, r));
	assert_int_equal(r[0], FFA_SUCCESS);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t q[FFA_NREGS] = {FFA_RXTX_MAP, SP_TX, SP_RX, 1};
		assert_true(spmc_mem_sp_call(&mem, &spmc, i, q));
		assert_int_equal(q[0], FFA_SUCCESS);
	}
	return 0;
}

/* A transaction from VM to SP1 (and perm), `pages` pages at SHARED, into the hypervisor's TX. */
static struct ffa_mem_region region(uint8_t perm, uint32_t pages)
{
	struct ffa_mem_region r = {.sender = VM,
				   .attrs = FFA_MEM_ATTR_NORMAL_WB_IS,
				   .ep_size = FFA_MEM_EP_SIZE_1_1,
				   .nr_receivers = 1,
				   .receiver = {{SP1, perm, 0}},
				   .total_pages = pages,
				   .nr_ranges = 1,
				   .range = {{SHARED, pages}}};
	return r;
}

static uint32_t send_region(uint32_t fid, const struct ffa_mem_region *d, uint64_t *handle)
{
	uint32_t len = ffa_mem_build(&ns_mem[HYP_TX - NS_BASE], 4096, d);
	uint64_t r[FFA_NREGS] = {fid, len, len};
	assert_true(spmc_mem_ns_call(&mem, &spmc, r));
	if (r[0] == FFA_SUCCESS) {
		*handle = (uint32_t)r[2] | r[3] << 32;
		return 0;
	}
	assert_int_equal(r[0], FFA_ERROR);
	return (uint32_t)r[2];
}

static uint32_t send(uint32_t fid, uint8_t perm, uint32_t pages, uint64_t *handle)
{
	struct ffa_mem_region d = region(perm, pages);
	return send_region(fid, &d, handle);
}

/* Partition i asks for handle (sender VM) with perm; 0 or the error. */
static uint32_t retrieve_as(unsigned i, uint16_t id, uint64_t handle, uint16_t sender, uint8_t perm)
{
	struct ffa_mem_region q = {.sender = sender,
				   .handle = handle,
				   .ep_size = FFA_MEM_EP_SIZE_1_2,
				   .nr_receivers = 1,
				   .receiver = {{id, perm, 0}}};
	uint32_t len = ffa_mem_build_retrieve_req(&sp_mem[i][SP_TX - SP_IPA], 4096, &q);
	uint64_t r[FFA_NREGS] = {FFA_MEM_RETRIEVE_REQ | FFA_SMC64, len, len};
	assert_true(spmc_mem_sp_call(&mem, &spmc, i, r));
	if (r[0] == FFA_MEM_RETRIEVE_RESP)
		return 0;
	assert_int_equal(r[0], FFA_ERROR);
	return (uint32_t)r[2];
}

static uint32_t retrieve(unsigned i, uint64_t handle, uint8_t perm)
{
	return retrieve_as(i, i ? SP2 : SP1, handle, VM, perm);
}

static uint32_t rx_release(unsigned i)
{
	uint64_t r[FFA_NREGS] = {FFA_RX_RELEASE};
	assert_true(spmc_mem_sp_call(&mem, &spmc, i, r));
	return r[0] == FFA_SUCCESS ? 0 : (uint32_t)r[2];
}

static uint32_t relinquish(unsigned i, uint64_t handle, uint16_t id)
{
	struct ffa_mem_relinquish d = {.handle = handle, .endpoint = id};
	ffa_mem_build_relinquish(&sp_mem[i][SP_TX - SP_IPA], 4096, &d);
	uint64_t r[FFA_NREGS] = {FFA_MEM_RELINQUISH};
	assert_true(spmc_mem_sp_call(&mem, &spmc, i, r));
	return r[0] == FFA_SUCCESS ? 0 : (uint32_t)r[2];
}

static uint32_t reclaim(uint64_t handle)
{
	uint64_t r[FFA_NREGS] = {FFA_MEM_RECLAIM, (uint32_t)handle, handle >> 32, 0};
	assert_true(spmc_mem_ns_call(&mem, &spmc, r));
	return r[0] == FFA_SUCCESS ? 0 : (uint32_t)r[2];
}

static void share_retrieve_relinquish_reclaim(void **state)
{
	(void)state;
	uint64_t h = 0;
	assert_int_equal(send(FFA_MEM_SHARE | FFA_SMC64, FFA_MEM_DATA_RO, 3, &h), 0);
	assert_int_equal(h >> 63, 0); /* the SPMC's handle */
	/* asking for RW or execution of a read-only share: DENIED */
	assert_int_equal(retrieve(0, h, FFA_MEM_DATA_RW), FFA_DENIED);
	assert_int_equal(retrieve(0, h, FFA_MEM_DATA_RO | FFA_MEM_INSTR_X), FFA_DENIED);
	assert_int_equal(nr_mapped(0), 0);
	assert_int_equal(retrieve(0, h, 0), 0);
	assert_int_equal(nr_mapped(0), 1);
	assert_int_equal(mapped[0][0].pa, SHARED);
	assert_int_equal(mapped[0][0].pages, 3);
	assert_int_equal(mapped[0][0].perm, FFA_MEM_DATA_RO | FFA_MEM_INSTR_NX);
	/* the response in its RX buffer: its layout, the NS bit, one receiver, the range */
	struct ffa_mem_region resp;
	const uint8_t *rx = &sp_mem[0][SP_RX - SP_IPA];
	uint32_t len = 48 + 32 + 16 + 16;
	assert_int_equal(rx[2], FFA_MEM_ATTR_NORMAL_WB_IS | FFA_MEM_ATTR_NS);
	uint8_t copy[256];
	memcpy(copy, rx, len);
	copy[2] = FFA_MEM_ATTR_NORMAL_WB_IS; /* parse it as a sender's to read it back */
	memset(copy + 8, 0, 8);
	assert_int_equal(ffa_mem_parse_tx(copy, len, FFA_MEM_KIND_SHARE, &resp),
			 FFA_INVALID_PARAMETERS);
	copy[4] = 0; /* the flags name the type */
	assert_int_equal(copy[48 + 2], FFA_MEM_DATA_RO | FFA_MEM_INSTR_NX);
	copy[48 + 2] = FFA_MEM_DATA_RO; /* a sender leaves execution unspecified */
	assert_int_equal(ffa_mem_parse_tx(copy, len, FFA_MEM_KIND_SHARE, &resp), 0);
	assert_int_equal(resp.range[0].addr, SHARED);
	assert_int_equal(resp.receiver[0].id, SP1);
	/* a second retrieval while it holds it: DENIED; reclaim: DENIED */
	assert_int_equal(rx_release(0), 0);
	assert_int_equal(retrieve(0, h, 0), FFA_DENIED);
	assert_int_equal(reclaim(h), FFA_DENIED);
	assert_int_equal(relinquish(0, h, SP1), 0);
	assert_int_equal(nr_mapped(0), 0);
	assert_int_equal(relinquish(0, h, SP1), FFA_DENIED);
	assert_int_equal(reclaim(h), 0);
	assert_int_equal(reclaim(h), FFA_INVALID_PARAMETERS);
	assert_int_equal(retrieve(0, h, 0), FFA_INVALID_PARAMETERS);
}

static void handles_and_retrievers_are_checked(void **state)
{
	(void)state;
	uint64_t h = 0;
	assert_int_equal(send(FFA_MEM_LEND, FFA_MEM_DATA_RW, 1, &h), 0);
	/* forged handles: another slot, other random bits, bit 63 */
	assert_int_equal(retrieve(0, h + 1, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(retrieve(0, h ^ 0x100, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(reclaim(h ^ 0x10000), FFA_INVALID_PARAMETERS);
	/* not a receiver; a request naming another partition or another owner */
	assert_int_equal(retrieve(1, h, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(retrieve_as(1, SP1, h, VM, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(retrieve_as(0, SP1, h, 2, 0), FFA_INVALID_PARAMETERS);
	assert_int_equal(nr_mapped(0) + nr_mapped(1), 0);
	/* RX buffer still full: BUSY until released */
	assert_int_equal(retrieve(0, h, FFA_MEM_DATA_RW), 0);
	assert_int_equal(mapped[0][0].perm, FFA_MEM_DATA_RW | FFA_MEM_INSTR_NX);
	assert_int_equal(relinquish(0, h, SP1), 0);
	assert_int_equal(retrieve(0, h, 0), FFA_BUSY);
	assert_int_equal(relinquish(1, h, SP2), FFA_INVALID_PARAMETERS);
	assert_int_equal(relinquish(0, h, SP2), FFA_INVALID_PARAMETERS);
}

static void senders_receivers_and_memory_are_checked(void **state)
{
	(void)state;
	uint64_t h = 0;
	struct ffa_mem_region d = region(FFA_MEM_DATA_RW, 1);
	d.sender = 0x8003; /* the secure world's */
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), FFA_INVALID_PARAMETERS);
	d.sender = FFA_HYPERVISOR_ID;
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), FFA_INVALID_PARAMETERS);
	d = region(FFA_MEM_DATA_RW, 1);
	d.receiver[0].id = 0x8005; /* no such partition */
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), FFA_INVALID_PARAMETERS);
	d = region(FFA_MEM_DATA_RW, 1);
	d.range[0].addr = SP_IPA; /* secure memory */
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), FFA_INVALID_PARAMETERS);
	/* two fragments, or a descriptor elsewhere than the TX buffer */
	uint32_t len = ffa_mem_build(&ns_mem[HYP_TX - NS_BASE], 4096, &d);
	uint64_t r[FFA_NREGS] = {FFA_MEM_SHARE, len, len - 16};
	assert_true(spmc_mem_ns_call(&mem, &spmc, r));
	assert_int_equal(r[2], FFA_INVALID_PARAMETERS);
	uint64_t q[FFA_NREGS] = {FFA_MEM_SHARE | FFA_SMC64, len, len, HYP_TX, 1};
	assert_true(spmc_mem_ns_call(&mem, &spmc, q));
	assert_int_equal(q[2], FFA_INVALID_PARAMETERS);
	/* lent pages cannot be lent or shared again; shared ones can be shared again */
	assert_int_equal(send(FFA_MEM_LEND, FFA_MEM_DATA_RW, 2, &h), 0);
	assert_int_equal(send(FFA_MEM_SHARE, FFA_MEM_DATA_RW, 1, &h), FFA_DENIED);
	d = region(FFA_MEM_DATA_RW, 1);
	d.range[0].addr = SHARED + 0x8000;
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), 0);
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), 0);
	assert_int_equal(send_region(FFA_MEM_LEND, &d, &h), FFA_DENIED);
}

static void tables_are_bounded(void **state)
{
	(void)state;
	uint64_t h = 0;
	for (unsigned k = 0; k < SPMC_MEM_MAX_SHARES; k++)
		assert_int_equal(send(FFA_MEM_SHARE, FFA_MEM_DATA_RO, 1, &h), 0);
	assert_int_equal(send(FFA_MEM_SHARE, FFA_MEM_DATA_RO, 1, &h), FFA_NO_MEMORY);
	assert_int_equal(reclaim(h), 0);
	assert_int_equal(send(FFA_MEM_SHARE, FFA_MEM_DATA_RO, 1, &h), 0);
	/* no table page for the partition's stage 2: NO_MEMORY, nothing left mapped */
	struct ffa_mem_region d = region(FFA_MEM_DATA_RW, 2);
	d.nr_ranges = 2;
	d.range[0] = (struct ffa_mem_range){SHARED + 0x40000, 1};
	d.range[1] = (struct ffa_mem_range){SHARED + 0x50000, 1};
	assert_int_equal(reclaim(h), 0);
	assert_int_equal(send_region(FFA_MEM_LEND, &d, &h), 0);
	map_budget = 1;
	assert_int_equal(retrieve(0, h, 0), FFA_NO_MEMORY);
	assert_int_equal(nr_mapped(0), 0);
	map_budget = 10;
	assert_int_equal(retrieve(0, h, 0), 0);
	assert_int_equal(nr_mapped(0), 2);
}

static void a_restarted_partition_loses_its_retrievals(void **state)
{
	(void)state;
	uint64_t h = 0;
	struct ffa_mem_region d = region(FFA_MEM_DATA_RO, 1);
	d.nr_receivers = 2;
	d.receiver[1] = (struct ffa_mem_receiver){SP2, FFA_MEM_DATA_RO, 0};
	assert_int_equal(send_region(FFA_MEM_SHARE, &d, &h), 0);
	assert_int_equal(retrieve(0, h, 0), 0);
	assert_int_equal(retrieve(1, h, 0), 0);
	spmc_mem_sp_reset(&mem, 0);
	assert_int_equal(nr_mapped(0), 0);
	assert_int_equal(nr_mapped(1), 1);
	assert_int_equal(reclaim(h), FFA_DENIED); /* SP2 still has it */
	assert_int_equal(relinquish(1, h, SP2), 0);
	assert_int_equal(reclaim(h), 0);
	/* its buffers are gone too: it maps them again in its new life */
	assert_int_equal(rx_release(0), FFA_DENIED);
	uint64_t q[FFA_NREGS] = {FFA_RXTX_MAP, SP_TX, SP_RX, 1};
	assert_true(spmc_mem_sp_call(&mem, &spmc, 0, q));
	assert_int_equal(q[0], FFA_SUCCESS);
}

static void donated_memory_is_never_reclaimed(void **state)
{
	(void)state;
	uint64_t h = 0;
	assert_int_equal(send(FFA_MEM_DONATE, 0, 1, &h), 0);
	assert_int_equal(reclaim(h), FFA_DENIED);
	assert_int_equal(retrieve(0, h, FFA_MEM_DATA_RW | FFA_MEM_INSTR_X), 0);
	assert_int_equal(relinquish(0, h, SP1), FFA_DENIED);
}

static void buffers_are_checked(void **state)
{
	(void)state;
	/* the hypervisor's: Non-secure DRAM only, apart, mapped once */
	uint64_t r[FFA_NREGS] = {FFA_RXTX_UNMAP, 0};
	assert_true(spmc_mem_ns_call(&mem, &spmc, r));
	assert_int_equal(r[0], FFA_SUCCESS);
	uint64_t bad[][3] = {{SP_TX, HYP_RX, 1},      {HYP_TX, HYP_TX, 1},
			     {HYP_TX + 8, HYP_RX, 1}, {HYP_TX, HYP_RX, 0},
			     {HYP_TX, HYP_RX, 17},    {HYP_TX, HYP_RX, 1 | 1 << 6}};
	for (unsigned k = 0; k < 6; k++) {
		uint64_t q[FFA_NREGS] = {FFA_RXTX_MAP | FFA_SMC64, bad[k][0], bad[k][1], bad[k][2]};
		assert_true(spmc_mem_ns_call(&mem, &spmc, q));
		assert_int_equal(q[2], FFA_INVALID_PARAMETERS);
	}
	/* a partition's: in its own region only */
	uint64_t q[FFA_NREGS] = {FFA_RXTX_UNMAP, 0};
	assert_true(spmc_mem_sp_call(&mem, &spmc, 1, q));
	uint64_t s[FFA_NREGS] = {FFA_RXTX_MAP, HYP_TX, SP_RX, 1};
	assert_true(spmc_mem_sp_call(&mem, &spmc, 1, s));
	assert_int_equal(s[2], FFA_INVALID_PARAMETERS);
	/* the other side's calls are not offered */
	uint64_t f[FFA_NREGS] = {FFA_FEATURES, FFA_MEM_RETRIEVE_REQ};
	assert_true(spmc_mem_ns_call(&mem, &spmc, f));
	assert_int_equal(f[0], FFA_ERROR);
	uint64_t g[FFA_NREGS] = {FFA_FEATURES, FFA_MEM_SHARE | FFA_SMC64};
	assert_true(spmc_mem_ns_call(&mem, &spmc, g));
	assert_int_equal(g[0], FFA_SUCCESS);
	uint64_t h[FFA_NREGS] = {FFA_MEM_SHARE};
	assert_false(spmc_mem_sp_call(&mem, &spmc, 0, h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(share_retrieve_relinquish_reclaim, setup),
	    cmocka_unit_test_setup(handles_and_retrievers_are_checked, setup),
	    cmocka_unit_test_setup(senders_receivers_and_memory_are_checked, setup),
	    cmocka_unit_test_setup(tables_are_bounded, setup),
	    cmocka_unit_test_setup(a_restarted_partition_loses_its_retrievals, setup),
	    cmocka_unit_test_setup(donated_memory_is_never_reclaimed, setup),
	    cmocka_unit_test_setup(buffers_are_checked, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
