// sources: security/tee/optee_shm.c
/* The OP-TEE mediator's message and page-list translation, on fake guest memory: what
 * reaches OP-TEE is the guest's RAM in physical addresses or Triad's shadow pages, and
 * anything else (addresses outside the guest, misaligned or looping lists, oversized
 * messages) is refused without a guest address ever getting through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/tee/optee_shm.h"

#define RAM_IPA	  0x40000000ULL
#define RAM_PA	  0x80000000ULL
#define RAM_SIZE  (4ULL << 20)
#define POOL_PA	  0x100000000ULL
#define POOL_SIZE 80

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t pool[POOL_SIZE][4096] __attribute__((aligned(4096)));
static bool pool_used[POOL_SIZE];
static unsigned pool_limit = POOL_SIZE; /* pages the allocator may hand out */

static uint64_t guest_pa(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	if (ipa < RAM_IPA || len > RAM_SIZE || ipa - RAM_IPA > RAM_SIZE - len)
		return 0;
	return RAM_PA + (ipa - RAM_IPA);
}

static void *ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	if (pa >= RAM_PA && pa < RAM_PA + RAM_SIZE)
		return ram + (pa - RAM_PA);
	assert_true(pa >= POOL_PA && pa < POOL_PA + POOL_SIZE * 4096);
	return pool[(pa - POOL_PA) / 4096] + pa % 4096;
}

static unsigned pages_in_use(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < POOL_SIZE; i++)
		n += pool_used[i];
	return n;
}

static uint64_t alloc_page(void *ctx)
{
	(void)ctx;
	if (pages_in_use() >= pool_limit)
		return 0;
	for (unsigned i = 0; i < POOL_SIZE; i++)
		if (!pool_used[i]) {
			pool_used[i] = true;
			memset(pool[i], 0, 4096);
			return POOL_PA + i * 4096ULL;
		}
	return 0;
}

static void free_page(void *ctx, uint64_t pa)
{
	(void)ctx;
	unsigned i = (unsigned)((pa - POOL_PA) / 4096);
	assert_true(pool_used[i]); /* never freed twice */
	pool_used[i] = false;
}

static const struct tee_mem mem = {NULL, guest_pa, ptr, alloc_page, free_page};

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	memset(pool_used, 0, sizeof(pool_used));
	pool_limit = POOL_SIZE;
	return 0;
}

static uint64_t *guest_u64(uint64_t ipa)
{
	return (uint64_t *)(ram + (ipa - RAM_IPA));
}

static struct optee_msg_param tmem(uint64_t buf, uint64_t size, bool list)
{
	struct optee_msg_param p = {.attr = 0xa | (list ? OPTEE_MSG_ATTR_NONCONTIG : 0)};
	p.u.tmem.buf_ptr = buf;
	p.u.tmem.size = size;
	p.u.tmem.shm_ref = 0x1234;
	return p;
}

static void test_contiguous(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	struct optee_msg_param p = tmem(RAM_IPA + 0x3010, 0x2000, false);
	assert_int_equal(tee_param_translate(&mem, &p, &s), 0);
	assert_int_equal(p.u.tmem.buf_ptr, RAM_PA + 0x3010);
	assert_int_equal(p.u.tmem.shm_ref, 0x1234);
	/* Past the end of RAM, below it, or wrapping around: refused, address untouched. */
	uint64_t bad[][2] = {{RAM_IPA + RAM_SIZE - 0x10, 0x20},
			     {RAM_IPA - 0x1000, 0x10},
			     {~0ULL - 0x10, 0x100},
			     {0x09000000, 0x1000}};
	for (unsigned i = 0; i < 4; i++) {
		p = tmem(bad[i][0], bad[i][1], false);
		assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
		assert_int_equal(p.u.tmem.buf_ptr, bad[i][0]);
	}
	/* A null reference stays null; values and registered memory are not addresses. */
	p = tmem(0, 0, false);
	assert_int_equal(tee_param_translate(&mem, &p, &s), 0);
	assert_int_equal(p.u.tmem.buf_ptr, 0);
	p = (struct optee_msg_param){.attr = 0x7, .u.rmem = {0x10, 0x20, 0xdead}};
	assert_int_equal(tee_param_translate(&mem, &p, &s), 0);
	assert_int_equal(p.u.rmem.shm_ref, 0xdead);
	assert_int_equal(s.n, 0);
}

/* Writes a guest page list at list_ipa naming n pages (page i = data_ipa + i pages). */
static void guest_list(uint64_t list_ipa, uint64_t data_ipa, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t *l = guest_u64(list_ipa + (i / 511) * 4096);
		l[i % 511] = data_ipa + i * 4096ULL;
		if (i % 511 == 510 && i + 1 < n)
			l[511] = list_ipa + (i / 511 + 1) * 4096;
	}
}

static void test_page_list(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	/* 600 pages + an offset of 0x123: two list pages, chained. */
	guest_list(RAM_IPA, RAM_IPA + 0x10000, 601);
	struct optee_msg_param p = tmem(RAM_IPA | 0x123, 600 * 4096, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(p.u.tmem.buf_ptr & 0xfff, 0x123);
	uint64_t first = p.u.tmem.buf_ptr & ~0xfffULL;
	assert_int_equal(first, s.page[0]);
	const uint64_t *l0 = ptr(NULL, s.page[0]), *l1 = ptr(NULL, s.page[1]);
	for (unsigned i = 0; i < 511; i++)
		assert_int_equal(l0[i], RAM_PA + 0x10000 + i * 4096ULL);
	assert_int_equal(l0[511], s.page[1]);
	for (unsigned i = 511; i < 601; i++)
		assert_int_equal(l1[i - 511], RAM_PA + 0x10000 + i * 4096ULL);
	tee_shadows_free(&mem, &s);
	assert_int_equal(pages_in_use(), 0);
}

static void test_page_list_refused(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	struct optee_msg_param p;
	/* An entry outside the guest's RAM (another VM's page, say). */
	guest_list(RAM_IPA, RAM_IPA + 0x10000, 4);
	guest_u64(RAM_IPA)[2] = RAM_IPA + RAM_SIZE;
	p = tmem(RAM_IPA, 4 * 4096, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(p.u.tmem.buf_ptr, RAM_IPA);
	/* A misaligned entry. */
	guest_u64(RAM_IPA)[2] = RAM_IPA + 0x20008;
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	/* The list itself outside RAM, an empty buffer, a size beyond any list. */
	p = tmem(0x10000000, 4096, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	p = tmem(RAM_IPA, 0, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	p = tmem(RAM_IPA, ~0ULL - 0x1000, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	/* A misaligned next-list pointer. */
	guest_list(RAM_IPA, RAM_IPA + 0x10000, 600);
	guest_u64(RAM_IPA)[511] = RAM_IPA + 0x1008;
	p = tmem(RAM_IPA, 600 * 4096, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	tee_shadows_free(&mem, &s);
	assert_int_equal(pages_in_use(), 0);
}

static void test_page_list_loop_and_limits(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	/* A list whose next pointer is itself: the walk ends after the pages the size names,
	 * each one the guest's own. */
	guest_list(RAM_IPA, RAM_IPA + 0x10000, 511);
	guest_u64(RAM_IPA)[511] = RAM_IPA;
	struct optee_msg_param p = tmem(RAM_IPA, 2000 * 4096ULL, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), 0);
	assert_int_equal(s.n, 4);
	const uint64_t *last = ptr(NULL, s.page[3]);
	assert_int_equal(last[2000 - 3 * 511 - 1], RAM_PA + 0x10000 + 466 * 4096ULL);
	tee_shadows_free(&mem, &s);
	/* Out of Triad pages half-way: refused, and what was taken can be given back. */
	pool_limit = 2;
	p = tmem(RAM_IPA, 2000 * 4096ULL, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_OUT_OF_MEMORY);
	tee_shadows_free(&mem, &s);
	assert_int_equal(pages_in_use(), 0);
	/* More list pages than one exchange may hold. */
	pool_limit = POOL_SIZE;
	p = tmem(RAM_IPA, (TEE_SHADOW_PAGES * 511ULL + 1) * 4096, true);
	assert_int_equal(tee_param_translate(&mem, &p, &s), TEEC_ERROR_BAD_PARAMETERS);
	tee_shadows_free(&mem, &s);
	assert_int_equal(pages_in_use(), 0);
}

static struct optee_msg_arg *guest_msg(uint64_t ipa, uint32_t n)
{
	struct optee_msg_arg *a = (struct optee_msg_arg *)(ram + (ipa - RAM_IPA));
	memset(a, 0, OPTEE_MSG_ARG_SIZE(n));
	a->cmd = 1;
	a->session = 7;
	a->num_params = n;
	return a;
}

static void test_msg_import_export(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	uint64_t ipa = RAM_IPA + 0x8000;
	struct optee_msg_arg *g = guest_msg(ipa, 3);
	g->params[0] = (struct optee_msg_param){.attr = 0x3, .u.value = {1, 2, 3}};
	g->params[1] = tmem(RAM_IPA + 0x20000, 0x100, false);
	g->params[2] = (struct optee_msg_param){.attr = 0x6, .u.rmem = {0, 0x80, 0x55}};
	static struct optee_msg_arg *sh;
	sh = (struct optee_msg_arg *)pool[POOL_SIZE - 1];
	assert_int_equal(tee_msg_import(&mem, ipa, sh, &s), 0);
	assert_int_equal(sh->num_params, 3);
	assert_int_equal(sh->params[0].u.value.b, 2);
	assert_int_equal(sh->params[1].u.tmem.buf_ptr, RAM_PA + 0x20000);
	assert_int_equal(sh->params[2].u.rmem.shm_ref, 0x55);
	/* The guest changing its message afterwards changes nothing OP-TEE sees. */
	g->params[1].u.tmem.buf_ptr = 0x0e100000;
	g->num_params = 100;
	assert_int_equal(sh->params[1].u.tmem.buf_ptr, RAM_PA + 0x20000);
	assert_int_equal(sh->num_params, 3);
	g->num_params = 3;
	/* OP-TEE's answer goes back: ret, session, values and sizes, never its addresses. */
	sh->ret = 0xffff0010;
	sh->ret_origin = 3;
	sh->session = 42;
	sh->params[0].u.value.a = 99;
	sh->params[1].u.tmem.size = 0x40;
	sh->params[2].u.rmem.size = 0x20;
	tee_msg_export(&mem, ipa, sh);
	assert_int_equal(g->ret, 0xffff0010);
	assert_int_equal(g->ret_origin, 3);
	assert_int_equal(g->session, 42);
	assert_int_equal(g->params[0].u.value.a, 99);
	assert_int_equal(g->params[1].u.tmem.size, 0x40);
	assert_int_equal(g->params[1].u.tmem.buf_ptr, 0x0e100000); /* the guest's own value */
	assert_int_equal(g->params[2].u.rmem.size, 0x20);
	tee_shadows_free(&mem, &s);
}

static void test_msg_import_refused(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	struct optee_msg_arg *sh = (struct optee_msg_arg *)pool[POOL_SIZE - 1];
	/* Misaligned, outside RAM, running off its end, too many parameters for a page. */
	assert_int_equal(tee_msg_import(&mem, RAM_IPA + 4, sh, &s), OPTEE_SMC_RETURN_EBADADDR);
	assert_int_equal(tee_msg_import(&mem, 0x10000, sh, &s), OPTEE_SMC_RETURN_EBADADDR);
	uint64_t end = RAM_IPA + RAM_SIZE - OPTEE_MSG_ARG_SIZE(2);
	guest_msg(end, 2)->num_params = 3;
	assert_int_equal(tee_msg_import(&mem, end, sh, &s), OPTEE_SMC_RETURN_EBADADDR);
	guest_msg(RAM_IPA, 0)->num_params = OPTEE_MSG_MAX_PARAMS + 1;
	assert_int_equal(tee_msg_import(&mem, RAM_IPA, sh, &s), OPTEE_SMC_RETURN_EBADADDR);
	/* An unknown parameter type, and a memory reference outside RAM. */
	struct optee_msg_arg *g = guest_msg(RAM_IPA, 1);
	g->params[0].attr = 0x4;
	assert_int_equal(tee_msg_import(&mem, RAM_IPA, sh, &s), TEEC_ERROR_BAD_PARAMETERS);
	g->params[0] = tmem(0x0e100000, 0x1000, false);
	assert_int_equal(tee_msg_import(&mem, RAM_IPA, sh, &s), TEEC_ERROR_BAD_PARAMETERS);
	tee_msg_fail(&mem, RAM_IPA, TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(g->ret, TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(g->ret_origin, TEEC_ORIGIN_COMMS);
	/* Commands: sessions and shared memory pass; the asynchronous-notification ones
	 * (DO_BOTTOM_HALF, STOP_ASYNC_NOTIF) and unknown ones are EBADCMD, as OP-TEE answers a
	 * command it does not know. */
	g = guest_msg(RAM_IPA, 0);
	for (uint32_t cmd = 0; cmd <= OPTEE_MSG_CMD_UNREGISTER_SHM; cmd++) {
		g->cmd = cmd;
		assert_int_equal(tee_msg_import(&mem, RAM_IPA, sh, &s), 0);
	}
	uint32_t refused[] = {OPTEE_MSG_CMD_DO_BOTTOM_HALF, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, 8,
			      0xffffffffU};
	for (unsigned i = 0; i < 4; i++) {
		g->cmd = refused[i];
		assert_int_equal(tee_msg_import(&mem, RAM_IPA, sh, &s), OPTEE_SMC_RETURN_EBADCMD);
	}
	assert_int_equal(pages_in_use(), 0);
}

static void test_rpc_round_trip(void **state)
{
	(void)state;
	struct tee_shadows s = {0};
	struct optee_msg_arg *sh = (struct optee_msg_arg *)pool[POOL_SIZE - 1];
	memset(sh, 0, 4096);
	sh->cmd = 6; /* OPTEE_RPC_CMD_SHM_ALLOC */
	sh->num_params = 1;
	sh->params[0] = (struct optee_msg_param){.attr = 0x1, .u.value = {1, 0x3000, 0}};
	uint64_t ipa = RAM_IPA + 0x40000, size = OPTEE_MSG_ARG_SIZE(1);
	assert_true(tee_rpc_export(&mem, ipa, size, sh));
	struct optee_msg_arg *g = (struct optee_msg_arg *)(ram + 0x40000);
	assert_int_equal(g->cmd, 6);
	assert_int_equal(g->params[0].u.value.b, 0x3000);
	/* The guest's answer: a page list; its command and count changes are ignored. */
	guest_list(RAM_IPA + 0x50000, RAM_IPA + 0x60000, 3);
	g->cmd = 99;
	g->num_params = 50;
	g->ret = 0;
	g->params[0] = tmem(RAM_IPA + 0x50000, 0x3000, true);
	assert_true(tee_rpc_import(&mem, ipa, size, sh, &s));
	assert_int_equal(sh->cmd, 6);
	assert_int_equal(sh->num_params, 1);
	assert_int_equal(sh->params[0].u.tmem.buf_ptr, s.page[0]);
	assert_int_equal(((uint64_t *)ptr(NULL, s.page[0]))[2], RAM_PA + 0x62000);
	tee_shadows_free(&mem, &s);
	/* An answer pointing outside the guest: OP-TEE sees an error and no address. */
	g->params[0] = tmem(0x0e100000, 0x1000, false);
	assert_true(tee_rpc_import(&mem, ipa, size, sh, &s));
	assert_int_equal(sh->ret, TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(sh->params[0].attr, 0);
	assert_int_equal(sh->params[0].u.tmem.buf_ptr, 0);
	/* Any other RPC (here a file-system request): OP-TEE's own references stay; only
	 * values and sizes come from the guest, whatever addresses it writes. */
	sh->cmd = 2;
	sh->num_params = 2;
	sh->ret = 0;
	sh->params[0] = (struct optee_msg_param){.attr = 0x3, .u.value = {1, 2, 3}};
	sh->params[1] = tmem(0x88000000, 0x100, false);
	sh->params[1].u.tmem.shm_ref = 0xabc;
	size = OPTEE_MSG_ARG_SIZE(2);
	assert_true(tee_rpc_export(&mem, ipa, size, sh));
	g->params[0].u.value.a = 77;
	g->params[1] = tmem(0x0e100000, 0x40, true);
	g->ret = 0;
	assert_true(tee_rpc_import(&mem, ipa, size, sh, &s));
	assert_int_equal(sh->ret, 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(sh->params[0].u.value.a, 77);
	assert_int_equal(sh->params[1].attr, 0xa);
	assert_int_equal(sh->params[1].u.tmem.buf_ptr, 0x88000000);
	assert_int_equal(sh->params[1].u.tmem.shm_ref, 0xabc);
	assert_int_equal(sh->params[1].u.tmem.size, 0x40);
	/* A buffer too small for OP-TEE's parameters carries only what fits. */
	sh->num_params = 4;
	memset(g, 0, 256);
	memset(g, 0xee, 64);
	assert_true(tee_rpc_export(&mem, ipa, 64, sh));
	assert_int_equal(((uint8_t *)g)[64], 0);
	assert_int_equal(pages_in_use(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_contiguous, setup),
	    cmocka_unit_test_setup(test_page_list, setup),
	    cmocka_unit_test_setup(test_page_list_refused, setup),
	    cmocka_unit_test_setup(test_page_list_loop_and_limits, setup),
	    cmocka_unit_test_setup(test_msg_import_export, setup),
	    cmocka_unit_test_setup(test_msg_import_refused, setup),
	    cmocka_unit_test_setup(test_rpc_round_trip, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
