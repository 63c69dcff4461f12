// sources: security/ffa/spmc.c security/ffa/notif_spmc.c security/ffa/notif.c
// sources: security/ffa/sp_manifest.c security/ffa/partition_info.c
/* Triad's SPMC decisions (security/ffa/spmc.c), its partition manifests and the normal-world
 * partition descriptors: what reaches a partition, what it may answer, and what both sides
 * get when they ask for something they may not have. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "security/ffa/partition_info.h"
#include "security/ffa/spmc.h"

#define SP_ID 0x8001
#define VM_ID 0x0001
#define BASE  0x0e0a0000 /* the region the manifests are checked for */

/* A partition context's call on its own CPU (the context number); where an answer goes is
 * not looked at. */
static enum spmc_sp_action sp_call(struct spmc *s, unsigned i, unsigned ec, uint64_t r[FFA_NREGS])
{
	struct spmc_target to;
	return spmc_sp_call(s, i, ec, ec, r, &to);
}

/* A context crashes: whether it was serving a request. */
static bool sp_abort(struct spmc *s, unsigned i, unsigned ec, uint64_t r[FFA_NREGS])
{
	struct spmc_target to;
	return spmc_sp_abort(s, i, ec, r, &to) != SPMC_ABORT_IDLE;
}

static const struct sp_manifest good = {
    .magic = SP_MANIFEST_MAGIC,
    .version = SP_MANIFEST_VERSION,
    .id = SP_ID,
    .exec_ctx = 1,
    .props = FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_DIRECT_REQ2_RECV | FFA_PROP_AARCH64,
    .uuid = {0x11, 0x22, 0x33, 0x44},
    .entry = 0x40,
    .image_size = 0x1000,
    .mem_size = 0x3000,
    .ffa_version = FFA_VERSION_1_2,
    .load_base = 0x0e0a0000,
};

/* An SPMC whose partition has booted (its first MSG_WAIT) and waits. */
static void booted(struct spmc *s)
{
	memset(s, 0, sizeof(*s));
	assert_true(spmc_add(s, &good, 0x0e0a0000));
	uint64_t r[FFA_NREGS] = {FFA_MSG_WAIT};
	assert_int_equal(sp_call(s, 0, 0, r), SPMC_SP_BOOTED);
	spmc_sp_idle(s, 0, 0);
	assert_int_equal(s->sp[0].ec[0].state, SP_WAITING);
}

static void req(uint64_t r[FFA_NREGS], uint32_t fid, uint16_t from, uint16_t to)
{
	memset(r, 0, FFA_NREGS * sizeof(uint64_t));
	r[0] = fid;
	r[1] = (uint64_t)from << 16 | to;
}

static void expect_error(const uint64_t r[FFA_NREGS], uint32_t code)
{
	assert_int_equal(r[0], FFA_ERROR);
	assert_int_equal(r[2], code);
}

static void a_request_runs_the_partition_and_its_answer_returns(void **state)
{
	(void)state;
	struct spmc s;
	booted(&s);
	uint64_t r[FFA_NREGS];
	struct spmc_target which = {99, 99};
	req(r, FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, VM_ID, SP_ID);
	r[3] = 7, r[9] = 0xdead; /* x9 is not part of a v1.1 message */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	assert_int_equal(which.sp, 0);
	assert_int_equal(which.ec, 0);
	assert_int_equal(r[3], 7);
	assert_int_equal(r[9], 0);
	assert_int_equal(s.sp[0].ec[0].state, SP_RUNNING);

	/* A second request meanwhile: BUSY, not a second run. */
	uint64_t r2[FFA_NREGS];
	req(r2, FFA_MSG_SEND_DIRECT_REQ, 2, SP_ID);
	assert_int_equal(spmc_ns_call(&s, 0, r2, &which), SPMC_REPLY);
	expect_error(r2, FFA_BUSY);

	/* The answer must be of the request's kind, from itself, to the requester. */
	uint64_t a[FFA_NREGS];
	req(a, FFA_MSG_SEND_DIRECT_RESP, SP_ID, VM_ID); /* 32-bit answer to a 64-bit request */
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_RESUME);
	expect_error(a, FFA_INVALID_PARAMETERS);
	req(a, FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64, SP_ID, 2);
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_RESUME);
	expect_error(a, FFA_INVALID_PARAMETERS);
	req(a, FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64, 0x8002, VM_ID);
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_RESUME);
	expect_error(a, FFA_INVALID_PARAMETERS);
	req(a, FFA_MSG_WAIT, 0, 0);
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_RESUME);
	expect_error(a, FFA_DENIED);
	assert_int_equal(s.sp[0].ec[0].state, SP_RUNNING);

	req(a, FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64, SP_ID, VM_ID);
	a[3] = 42;
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_REPLY);
	assert_int_equal(a[3], 42);
	/* Still its own until its registers are saved. */
	assert_int_equal(s.sp[0].ec[0].state, SP_RUNNING);
	spmc_sp_idle(&s, 0, 0);
	assert_int_equal(s.sp[0].ec[0].state, SP_WAITING);
	/* A response nobody asked for, now: refused. */
	req(a, FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64, SP_ID, VM_ID);
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_RESUME);
	expect_error(a, FFA_DENIED);
}

static void bad_requests_never_reach_the_partition(void **state)
{
	(void)state;
	struct spmc s;
	booted(&s);
	uint64_t r[FFA_NREGS];
	struct spmc_target which;
	req(r, FFA_MSG_SEND_DIRECT_REQ, 0x8005, SP_ID); /* a secure sender from outside */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_INVALID_PARAMETERS);
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, 0x8002); /* nobody */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_INVALID_PARAMETERS);
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	r[2] = 1U << 31; /* a framework message */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_INVALID_PARAMETERS);
	req(r, FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, VM_ID, SP_ID);
	r[1] |= 1ULL << 40; /* garbage above w1, in a 64-bit call: not its to use */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_INVALID_PARAMETERS);
	req(r, FFA_MSG_SEND_DIRECT_REQ2, VM_ID, SP_ID);
	r[2] = 5, r[3] = 6; /* another protocol's UUID */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_INVALID_PARAMETERS);
	req(r, FFA_MSG_SEND_DIRECT_REQ2, VM_ID, SP_ID);
	r[2] = 0x11 | 0x22ULL << 32, r[3] = 0x33 | 0x44ULL << 32; /* its own */
	r[17] = 9;
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	assert_int_equal(r[17], 9);
	assert_int_equal(s.sp[0].ec[0].req_fid, FFA_MSG_SEND_DIRECT_REQ2);
}

/* Issue 19 item 7: SMCCC's 32-bit calls pass w1-w7, their upper halves ignored. A 32-bit
 * request with junk there is served with the junk dropped, and so is the partition's
 * 32-bit answer, on both sides of the SPMC alike. */
static void smc32_calls_ignore_the_upper_halves(void **state)
{
	(void)state;
	struct spmc s;
	booted(&s);
	uint64_t r[FFA_NREGS];
	struct spmc_target which;
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	for (int i = 1; i < 8; i++)
		r[i] |= 0xdead0000ULL << 32;
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	assert_int_equal(r[1], (uint64_t)VM_ID << 16 | SP_ID);
	for (int i = 2; i < 8; i++)
		assert_int_equal(r[i] >> 32, 0);
	uint64_t a[FFA_NREGS];
	req(a, FFA_MSG_SEND_DIRECT_RESP, SP_ID, VM_ID);
	a[1] |= 0xbeefULL << 32;
	a[3] = 0x5555ULL << 32 | 42;
	assert_int_equal(sp_call(&s, 0, 0, a), SPMC_SP_REPLY);
	assert_int_equal(a[0], FFA_MSG_SEND_DIRECT_RESP);
	assert_int_equal(a[1], (uint64_t)SP_ID << 16 | VM_ID);
	assert_int_equal(a[3], 42);
	/* A 64-bit call keeps its registers whole (and its w1 must be clean). */
	spmc_sp_idle(&s, 0, 0);
	req(r, FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, VM_ID, SP_ID);
	r[3] = 0xabcdULL << 32 | 1;
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	assert_int_equal(r[3], 0xabcdULL << 32 | 1);
	/* The helper itself, as Normal EL2 applies it to a VM's calls. */
	uint64_t x[FFA_NREGS] = {FFA_RXTX_MAP, 0x1ULL << 32 | 0x40001000, 0x2ULL << 32 | 0x40002000,
				 0x3ULL << 32 | 1};
	ffa_smc32_args(x);
	assert_true(x[1] == 0x40001000 && x[2] == 0x40002000 && x[3] == 1);
	x[0] = FFA_RXTX_MAP | FFA_SMC64;
	x[1] = 0x1ULL << 32 | 0x40001000;
	ffa_smc32_args(x);
	assert_int_equal(x[1], 0x1ULL << 32 | 0x40001000);
}

static void a_partition_that_does_not_take_req2_refuses_it(void **state)
{
	(void)state;
	struct spmc s = {0};
	struct sp_manifest m = good;
	m.props = FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_AARCH64;
	assert_true(spmc_add(&s, &m, 0x0e0a0000));
	assert_false(spmc_add(&s, &m, 0x0e0a0000)); /* the same ID */
	uint64_t r[FFA_NREGS];
	struct spmc_target which;
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	/* Still booting: BUSY. */
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_BUSY);
	req(r, FFA_MSG_SEND_DIRECT_REQ2, VM_ID, SP_ID);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_DENIED);
}

static void an_aborted_partition_stays_aborted(void **state)
{
	(void)state;
	struct spmc s;
	booted(&s);
	uint64_t r[FFA_NREGS];
	struct spmc_target which;
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	uint64_t a[FFA_NREGS];
	assert_true(sp_abort(&s, 0, 0, a));
	expect_error(a, FFA_ABORTED);
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_ABORTED);
	/* Failing in its boot: nobody waits for an answer. */
	struct spmc t = {0};
	assert_true(spmc_add(&t, &good, 0x0e0a0000));
	assert_false(sp_abort(&t, 0, 0, a));
	assert_int_equal(t.sp[0].ec[0].state, SP_ABORTED);
}

/* A crashed partition with one context starts again: BUSY while it boots, its secondary
 * entry forgotten, then it serves; SPMC_MAX_RESTARTS times, then it stays ABORTED. */
static void a_crashed_partition_is_restarted_then_given_up(void **state)
{
	(void)state;
	struct spmc s;
	booted(&s);
	uint64_t r[FFA_NREGS], a[FFA_NREGS];
	struct spmc_target which;
	for (unsigned n = 1; n <= SPMC_MAX_RESTARTS; n++) {
		req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
		assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
		assert_true(sp_abort(&s, 0, 0, a));
		expect_error(a, FFA_ABORTED);
		assert_int_equal(spmc_sp_restart(&s, 0, true), SPMC_RESTARTED);
		assert_int_equal(s.sp[0].restarts, n);
		assert_int_equal(s.sp[0].ec[0].state, SP_BOOTING);
		req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
		assert_int_equal(spmc_ns_call(&s, 1, r, &which), SPMC_REPLY);
		expect_error(r, FFA_BUSY); /* it is booting again */
		uint64_t w[FFA_NREGS] = {FFA_MSG_WAIT};
		assert_int_equal(sp_call(&s, 0, 0, w), SPMC_SP_BOOTED);
		spmc_sp_idle(&s, 0, 0);
		req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
		assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
		uint64_t ok[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, (uint64_t)SP_ID << 16 | VM_ID};
		assert_int_equal(sp_call(&s, 0, 0, ok), SPMC_SP_REPLY);
		spmc_sp_idle(&s, 0, 0);
	}
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	assert_true(sp_abort(&s, 0, 0, a));
	assert_int_equal(spmc_sp_restart(&s, 0, true), SPMC_GIVEN_UP);
	assert_int_equal(s.sp[0].restarts, SPMC_MAX_RESTARTS);
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, SP_ID);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_ABORTED);
	/* Crashing in its boot: restarted alike. */
	struct spmc t = {0};
	assert_true(spmc_add(&t, &good, BASE));
	assert_false(sp_abort(&t, 0, 0, a));
	assert_int_equal(spmc_sp_restart(&t, 0, true), SPMC_RESTARTED);
	assert_int_equal(t.sp[0].ec[0].state, SP_BOOTING);
	/* Without its image kept, or with a context per CPU, it stays stopped. */
	assert_false(sp_abort(&t, 0, 0, a));
	assert_int_equal(spmc_sp_restart(&t, 0, false), SPMC_STOPPED);
	assert_int_equal(t.sp[0].ec[0].state, SP_ABORTED);
	struct spmc u = {0};
	struct sp_manifest mp = good;
	mp.exec_ctx = SP_MAX_EXEC_CTX;
	assert_true(spmc_add(&u, &mp, BASE));
	uint64_t ep[FFA_NREGS] = {FFA_SECONDARY_EP_REGISTER, BASE + 0x80};
	assert_int_equal(sp_call(&u, 0, 0, ep), SPMC_SP_RESUME);
	assert_false(sp_abort(&u, 0, 0, a));
	assert_int_equal(spmc_sp_restart(&u, 0, true), SPMC_STOPPED);
	assert_int_equal(u.sp[0].ec[3].state, SP_ABORTED);
	/* A restart forgets the secondary entry point its last life registered. */
	struct spmc v = {0};
	assert_true(spmc_add(&v, &good, BASE));
	v.sp[0].secondary_entry = BASE + 0x80;
	assert_false(sp_abort(&v, 0, 0, a));
	assert_int_equal(spmc_sp_restart(&v, 0, true), SPMC_RESTARTED);
	assert_int_equal(spmc_ec_entry(&v, 0, 1), BASE + good.entry);
}

static void the_spmc_answers_ids_versions_and_discovery(void **state)
{
	(void)state;
	struct spmc s;
	booted(&s);
	uint64_t r[FFA_NREGS] = {FFA_VERSION, FFA_VERSION_1_1};
	struct spmc_target which;
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	assert_int_equal(r[0], FFA_VERSION_1_2);
	uint64_t bad[FFA_NREGS] = {FFA_VERSION, 0x80010002};
	spmc_ns_call(&s, 0, bad, &which);
	assert_int_equal(bad[0], FFA_NOT_SUPPORTED);
	uint64_t id[FFA_NREGS] = {FFA_ID_GET};
	sp_call(&s, 0, 0, id);
	assert_int_equal(id[0], FFA_SUCCESS);
	assert_int_equal(id[2], SP_ID);
	uint64_t other[FFA_NREGS] = {0x84000000 /* PSCI_VERSION, from a partition */};
	assert_int_equal(sp_call(&s, 0, 0, other), SPMC_SP_RESUME);
	assert_int_equal(other[0], FFA_NOT_SUPPORTED);
	uint64_t send[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ, (uint64_t)SP_ID << 16 | VM_ID};
	sp_call(&s, 0, 0, send);
	expect_error(send, FFA_DENIED); /* it serves no request to send from */

	uint64_t p[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS};
	spmc_ns_call(&s, 0, p, &which);
	assert_int_equal(p[0], FFA_SUCCESS64);
	assert_int_equal(p[2], 0 | 0 << 16 | (uint64_t)FFA_PART_INFO_SIZE << 48);
	assert_int_equal(p[3], SP_ID | 1ULL << 16 | (uint64_t)good.props << 32);
	assert_int_equal(p[4], 0x11 | 0x22ULL << 32);
	assert_int_equal(p[5], 0x33 | 0x44ULL << 32);
	uint64_t q[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS, 1, 2}; /* unknown UUID */
	spmc_ns_call(&s, 0, q, &which);
	expect_error(q, FFA_INVALID_PARAMETERS);
	uint64_t past[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS, 0, 0, 1}; /* from index 1 */
	spmc_ns_call(&s, 0, past, &which);
	expect_error(past, FFA_INVALID_PARAMETERS);
	uint64_t t[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS, 0, 0, 1 << 16}; /* a tag */
	spmc_ns_call(&s, 0, t, &which);
	expect_error(t, FFA_INVALID_PARAMETERS);
	uint64_t m[FFA_NREGS] = {0x84000071 /* MEM_DONATE */};
	spmc_ns_call(&s, 0, m, &which);
	expect_error(m, FFA_NOT_SUPPORTED);
}

static void manifests_are_checked(void **state)
{
	(void)state;
	struct sp_manifest out;
	uint8_t img[0x1000] = {0};
	memcpy(img, &good, sizeof(good));
	assert_null(sp_manifest_check(img, sizeof(img), BASE, 0x20000, &out));
	assert_int_equal(out.id, SP_ID);
	assert_non_null(sp_manifest_check(img, 16, BASE, 0x20000, &out)); /* truncated */
	assert_non_null(
	    sp_manifest_check(img, 0x800, BASE, 0x20000, &out)); /* image past the file */
	struct {
		size_t off;
		uint32_t value;
	} bad[] = {
	    {offsetof(struct sp_manifest, magic), 0},
	    {offsetof(struct sp_manifest, version), 1},
	    {offsetof(struct sp_manifest, load_base), 0x0e0c0000},   /* linked for another region */
	    {offsetof(struct sp_manifest, entry), 0x1000},	     /* past its image */
	    {offsetof(struct sp_manifest, entry), 0x42},	     /* misaligned */
	    {offsetof(struct sp_manifest, entry), 0},		     /* the manifest itself */
	    {offsetof(struct sp_manifest, mem_size), 0x21000},	     /* past the region */
	    {offsetof(struct sp_manifest, mem_size), 0x2800},	     /* not whole pages */
	    {offsetof(struct sp_manifest, mem_size), 0},	     /* smaller than the image */
	    {offsetof(struct sp_manifest, props), FFA_PROP_AARCH64}, /* takes nothing */
	    {offsetof(struct sp_manifest, props), 0x7fffffff},	     /* unknown bits */
	    {offsetof(struct sp_manifest, ffa_version), 0x20000},    /* FF-A 2.0 */
	    {offsetof(struct sp_manifest, image_size), 4},	     /* smaller than itself */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t copy[0x1000];
		memcpy(copy, img, sizeof(copy));
		memcpy(copy + bad[i].off, &bad[i].value, 4);
		assert_non_null(sp_manifest_check(copy, sizeof(copy), BASE, 0x20000, &out));
	}
	uint16_t ids[] = {0x0001, 0x8000, 0xffff};
	for (size_t i = 0; i < 3; i++) {
		uint8_t copy[0x1000];
		memcpy(copy, img, sizeof(copy));
		memcpy(copy + offsetof(struct sp_manifest, id), &ids[i], 2);
		assert_non_null(sp_manifest_check(copy, sizeof(copy), BASE, 0x20000, &out));
	}
	uint16_t eight = 8;
	memcpy(img + offsetof(struct sp_manifest, exec_ctx), &eight, 2);
	assert_null(sp_manifest_check(img, sizeof(img), BASE, 0x20000, &out));
	uint16_t two = 2;
	memcpy(img + offsetof(struct sp_manifest, exec_ctx), &two, 2);
	assert_non_null(sp_manifest_check(img, sizeof(img), BASE, 0x20000, &out));
}

/* Partitions send each other direct requests while they serve one: the SPMC runs the
 * receiver and brings its answer back to the sender; cycles, forgeries and partitions not
 * allowed to send are refused; a receiver that crashes answers ABORTED to its sender. */
static void partitions_ask_each_other(void **state)
{
	(void)state;
	struct spmc s = {0};
	struct sp_manifest a = good, b = good;
	a.props |= FFA_PROP_DIRECT_REQ_SEND;
	b.props |= FFA_PROP_DIRECT_REQ_SEND;
	b.id = 0x8002;
	assert_true(spmc_add(&s, &a, BASE));
	assert_true(spmc_add(&s, &b, BASE + 0x20000));
	for (unsigned i = 0; i < 2; i++) {
		uint64_t w[FFA_NREGS] = {FFA_MSG_WAIT};
		assert_int_equal(sp_call(&s, i, 0, w), SPMC_SP_BOOTED);
		spmc_sp_idle(&s, i, 0);
	}
	uint64_t r[FFA_NREGS];
	struct spmc_target to;
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, 0x8001);
	assert_int_equal(spmc_ns_call(&s, 0, r, &to), SPMC_RUN_SP);
	/* A forged sender, itself, a VM: refused. */
	uint64_t bad[3][2] = {{0x8003, 0x8002}, {0x8001, 0x8001}, {0x8001, VM_ID}};
	for (int k = 0; k < 3; k++) {
		req(r, FFA_MSG_SEND_DIRECT_REQ, (uint16_t)bad[k][0], (uint16_t)bad[k][1]);
		assert_int_equal(spmc_sp_call(&s, 0, 0, 0, r, &to), SPMC_SP_RESUME);
		expect_error(r, FFA_INVALID_PARAMETERS);
	}
	/* 0x8001 asks 0x8002, which runs; meanwhile 0x8002 is busy to the normal world and
	 * cannot ask 0x8001 back (no cycles). */
	req(r, FFA_MSG_SEND_DIRECT_REQ, 0x8001, 0x8002);
	r[3] = 42;
	assert_int_equal(spmc_sp_call(&s, 0, 0, 0, r, &to), SPMC_SP_CALL_SP);
	assert_int_equal(to.sp, 1);
	assert_int_equal(r[3], 42);
	uint64_t v[FFA_NREGS];
	req(v, FFA_MSG_SEND_DIRECT_REQ, VM_ID, 0x8002);
	assert_int_equal(spmc_ns_call(&s, 0, v, &to), SPMC_REPLY);
	expect_error(v, FFA_BUSY);
	req(v, FFA_MSG_SEND_DIRECT_REQ, 0x8002, 0x8001);
	assert_int_equal(spmc_sp_call(&s, 1, 0, 0, v, &to), SPMC_SP_RESUME);
	expect_error(v, FFA_BUSY);
	/* 0x8002 answers 0x8001 (not the VM): the answer goes back to 0x8001. */
	uint64_t wrong[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, 0x8002U << 16 | VM_ID};
	assert_int_equal(spmc_sp_call(&s, 1, 0, 0, wrong, &to), SPMC_SP_RESUME);
	expect_error(wrong, FFA_INVALID_PARAMETERS);
	uint64_t ans[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, 0x8002U << 16 | 0x8001, 0, 43};
	assert_int_equal(spmc_sp_call(&s, 1, 0, 0, ans, &to), SPMC_SP_REPLY_SP);
	assert_int_equal(to.sp, 0);
	assert_int_equal(ans[3], 43);
	spmc_sp_idle(&s, 1, 0);
	/* Again, and 0x8002 crashes: 0x8001 hears ABORTED, and answers its VM itself. */
	req(r, FFA_MSG_SEND_DIRECT_REQ, 0x8001, 0x8002);
	assert_int_equal(spmc_sp_call(&s, 0, 0, 0, r, &to), SPMC_SP_CALL_SP);
	uint64_t x[FFA_NREGS];
	assert_int_equal(spmc_sp_abort(&s, 1, 0, x, &to), SPMC_ABORT_REPLY_SP);
	assert_int_equal(to.sp, 0);
	expect_error(x, FFA_ABORTED);
	uint64_t done[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, 0x8001U << 16 | VM_ID};
	assert_int_equal(spmc_sp_call(&s, 0, 0, 0, done, &to), SPMC_SP_REPLY);
	/* A partition whose manifest does not let it send: DENIED. */
	struct spmc t = {0};
	assert_true(spmc_add(&t, &good, BASE));
	assert_true(spmc_add(&t, &b, BASE + 0x20000));
	uint64_t w[FFA_NREGS] = {FFA_MSG_WAIT};
	assert_int_equal(sp_call(&t, 0, 0, w), SPMC_SP_BOOTED);
	spmc_sp_idle(&t, 0, 0);
	req(r, FFA_MSG_SEND_DIRECT_REQ, VM_ID, 0x8001);
	assert_int_equal(spmc_ns_call(&t, 0, r, &to), SPMC_RUN_SP);
	req(r, FFA_MSG_SEND_DIRECT_REQ, 0x8001, 0x8002);
	assert_int_equal(spmc_sp_call(&t, 0, 0, 0, r, &to), SPMC_SP_RESUME);
	expect_error(r, FFA_DENIED);
}

/* CPU cpu comes up: partition 0's context there boots (to its FFA_MSG_WAIT) and waits. */
static void cpu_comes_up(struct spmc *s, unsigned cpu)
{
	assert_true(spmc_ec_boot(s, 0, cpu));
	assert_int_equal(s->sp[0].ec[cpu].state, SP_BOOTING);
	uint64_t w[FFA_NREGS] = {FFA_MSG_WAIT};
	assert_int_equal(sp_call(s, 0, cpu, w), SPMC_SP_BOOTED);
	spmc_sp_idle(s, 0, cpu);
	assert_int_equal(s->sp[0].ec[cpu].state, SP_WAITING);
}

/* A partition with a context per CPU: each CPU's requests run on its own context, at once;
 * a context boots when its CPU comes up; one context's crash ends them all, and an answer
 * a context gives after that is not believed. */
static void each_cpu_has_its_own_context(void **state)
{
	(void)state;
	struct spmc s = {0};
	struct sp_manifest mp = good;
	mp.exec_ctx = SP_MAX_EXEC_CTX;
	assert_true(spmc_add(&s, &mp, BASE));
	/* While its first context boots, it names where the others start: an instruction of
	 * its image. */
	uint64_t bad[][2] = {{BASE + 0x42, FFA_INVALID_PARAMETERS},
			     {BASE + 8, FFA_INVALID_PARAMETERS},
			     {BASE + mp.image_size, FFA_INVALID_PARAMETERS}};
	for (size_t k = 0; k < 3; k++) {
		uint64_t e[FFA_NREGS] = {FFA_SECONDARY_EP_REGISTER, bad[k][0]};
		assert_int_equal(sp_call(&s, 0, 0, e), SPMC_SP_RESUME);
		expect_error(e, (uint32_t)bad[k][1]);
	}
	uint64_t ep[FFA_NREGS] = {FFA_SECONDARY_EP_REGISTER, BASE + 0x80};
	assert_int_equal(sp_call(&s, 0, 0, ep), SPMC_SP_RESUME);
	assert_int_equal(ep[0], FFA_SUCCESS);
	assert_int_equal(spmc_ec_entry(&s, 0, 0), BASE + mp.entry);
	assert_int_equal(spmc_ec_entry(&s, 0, 3), BASE + 0x80);
	uint64_t r[FFA_NREGS] = {FFA_MSG_WAIT};
	assert_int_equal(sp_call(&s, 0, 0, r), SPMC_SP_BOOTED);
	spmc_sp_idle(&s, 0, 0);
	uint64_t late[FFA_NREGS] = {FFA_SECONDARY_EP_REGISTER, BASE + 0x80};
	assert_int_equal(sp_call(&s, 0, 0, late), SPMC_SP_RESUME);
	expect_error(late, FFA_DENIED); /* after its boot */
	struct spmc up = {0};
	assert_true(spmc_add(&up, &good, BASE));
	uint64_t one[FFA_NREGS] = {FFA_SECONDARY_EP_REGISTER, BASE + 0x80};
	assert_int_equal(sp_call(&up, 0, 0, one), SPMC_SP_RESUME);
	expect_error(one, FFA_NOT_SUPPORTED); /* one context: there are no others */
	assert_int_equal(spmc_ec(&s, 0, 3), 3u);
	/* CPU 3 is not up yet: its context is still booting, so its requests are BUSY. */
	struct spmc_target which;
	req(r, FFA_MSG_SEND_DIRECT_REQ, 1, 0x8001);
	assert_int_equal(spmc_ns_call(&s, 3, r, &which), SPMC_REPLY);
	expect_error(r, FFA_BUSY);
	assert_false(spmc_ec_boot(&s, 0, 0)); /* the boot CPU's booted with the machine */
	cpu_comes_up(&s, 3);
	/* Requests on CPUs 0 and 3 both run. */
	req(r, FFA_MSG_SEND_DIRECT_REQ, 1, 0x8001);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_RUN_SP);
	uint64_t r3[FFA_NREGS];
	req(r3, FFA_MSG_SEND_DIRECT_REQ, 2, 0x8001);
	assert_int_equal(spmc_ns_call(&s, 3, r3, &which), SPMC_RUN_SP);
	/* Context 3 answers its own requester, not context 0's. */
	uint64_t a[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, 0x8001U << 16 | 1};
	assert_int_equal(sp_call(&s, 0, 3, a), SPMC_SP_RESUME);
	expect_error(a, FFA_INVALID_PARAMETERS);
	uint64_t b[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, 0x8001U << 16 | 2};
	assert_int_equal(sp_call(&s, 0, 3, b), SPMC_SP_REPLY);
	spmc_sp_idle(&s, 0, 3);
	/* CPU 3 goes off and comes back: its context boots again. */
	cpu_comes_up(&s, 3);
	/* Context 3 crashes in its next request while context 0 still serves: the partition
	 * is aborted; context 0's answer comes back ABORTED, and idling does not revive it. */
	req(r3, FFA_MSG_SEND_DIRECT_REQ, 2, 0x8001);
	assert_int_equal(spmc_ns_call(&s, 3, r3, &which), SPMC_RUN_SP);
	uint64_t x[FFA_NREGS];
	assert_true(sp_abort(&s, 0, 3, x));
	uint64_t c[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, 0x8001U << 16 | 1};
	assert_int_equal(sp_call(&s, 0, 0, c), SPMC_SP_REPLY);
	expect_error(c, FFA_ABORTED);
	spmc_sp_idle(&s, 0, 0);
	req(r, FFA_MSG_SEND_DIRECT_REQ, 1, 0x8001);
	assert_int_equal(spmc_ns_call(&s, 0, r, &which), SPMC_REPLY);
	expect_error(r, FFA_ABORTED);
	assert_false(spmc_ec_boot(&s, 0, 3)); /* nor does a CPU coming up again */
}

static void partition_descriptors_follow_the_callers_version(void **state)
{
	(void)state;
	const struct ffa_partition_info parts[2] = {
	    {.id = 0x8001, .exec_ctx = 1, .props = 0x301, .uuid = {1, 2, 3, 4}},
	    {.id = 0x8002, .exec_ctx = 4, .props = 0x101, .uuid = {5, 6, 7, 8}},
	};
	uint8_t buf[64];
	memset(buf, 0xee, sizeof(buf));
	unsigned n = 0;
	const uint32_t all[4] = {0};
	assert_int_equal(
	    ffa_partition_info_fill(buf, sizeof(buf), FFA_VERSION_1_2, parts, 2, all, false, &n),
	    24);
	assert_int_equal(n, 2);
	assert_int_equal(buf[0] | buf[1] << 8, 0x8001);
	assert_int_equal(buf[24] | buf[25] << 8, 0x8002);
	assert_int_equal(buf[26], 4);
	assert_int_equal(buf[24 + 8], 5);
	assert_int_equal(buf[48], 0xee); /* nothing past the two */
	/* FF-A 1.0: 8 bytes each, no UUID. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(
	    ffa_partition_info_fill(buf, sizeof(buf), FFA_VERSION_1_0, parts, 2, all, false, &n),
	    8);
	assert_int_equal(buf[8] | buf[9] << 8, 0x8002);
	assert_int_equal(buf[16], 0xee);
	/* A UUID filter; one that matches nothing; a buffer too small; count only. */
	const uint32_t second[4] = {5, 6, 7, 8}, none[4] = {9, 9, 9, 9};
	assert_int_equal(
	    ffa_partition_info_fill(buf, sizeof(buf), FFA_VERSION_1_2, parts, 2, second, false, &n),
	    24);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0] | buf[1] << 8, 0x8002);
	assert_int_equal(
	    ffa_partition_info_fill(buf, sizeof(buf), FFA_VERSION_1_2, parts, 2, none, false, &n),
	    -FFA_PI_NONE);
	assert_int_equal(
	    ffa_partition_info_fill(buf, 30, FFA_VERSION_1_2, parts, 2, all, false, &n),
	    -FFA_PI_NO_ROOM);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(ffa_partition_info_fill(NULL, 0, FFA_VERSION_1_2, parts, 2, all, true, &n),
			 24);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_request_runs_the_partition_and_its_answer_returns),
	    cmocka_unit_test(bad_requests_never_reach_the_partition),
	    cmocka_unit_test(smc32_calls_ignore_the_upper_halves),
	    cmocka_unit_test(a_partition_that_does_not_take_req2_refuses_it),
	    cmocka_unit_test(an_aborted_partition_stays_aborted),
	    cmocka_unit_test(a_crashed_partition_is_restarted_then_given_up),
	    cmocka_unit_test(the_spmc_answers_ids_versions_and_discovery),
	    cmocka_unit_test(each_cpu_has_its_own_context),
	    cmocka_unit_test(partitions_ask_each_other),
	    cmocka_unit_test(manifests_are_checked),
	    cmocka_unit_test(partition_descriptors_follow_the_callers_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
