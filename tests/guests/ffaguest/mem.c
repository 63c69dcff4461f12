/*
 * "ffa=mem": FF-A memory sharing from this VM to the test partition (ffasp's MEM_*
 * requests). Shares one page read-only (the partition reads the pattern, its write is
 * stopped and answered ABORTED), shares pages read-write in two ranges (the partition writes,
 * the VM sees it), lends a page (the VM's own access faults until it is reclaimed; reclaim
 * is DENIED while the partition holds it; the partition's access after its relinquish
 * faults), and sends forged handles and bad descriptors, each refused with nothing changed.
 * Two VMs ("ffa=mem-owner", "ffa=mem-thief"): the second learns the first's handle (from the
 * partition: handles are no secret) and may not reclaim it. "ffa=mem-reset": the VM lends a
 * page the partition retrieves, and resets; in its next life the page is still out of its
 * reach (the partition holds it).
 */
#include <stddef.h>

#include "../lib/check.h"

#include "../../../include/triad/ffa.h"
#include "../../../include/triad/ffa_mem.h"
#include "../ffasp/mem.h"
#include "mem.h"

#define SP_ID 0x8001

static uint8_t tx[4096] __attribute__((aligned(4096)));
static uint8_t rx[4096] __attribute__((aligned(4096)));
static volatile uint64_t ro_page[512] __attribute__((aligned(4096)));
static volatile uint64_t rw_pages[8][512] __attribute__((aligned(4096)));
static volatile uint64_t lent_page[512] __attribute__((aligned(4096)));
static volatile uint64_t donated_page[512] __attribute__((aligned(4096)));

/* The VM's data aborts while expect_abort: counted and stepped over. */
static volatile bool expect_abort;
static volatile unsigned aborts;

void sync_exception(struct frame *f)
{
	uint64_t esr;
	__asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
	if (!expect_abort || (esr >> 26) != 0x25) /* a data abort at EL1 */
		fail_exception("ffaguest", f, false);
	aborts++;
	f->elr += 4;
}

static uint64_t read_word(volatile uint64_t *p)
{
	return *p;
}

/* Reads p; true if that faulted. */
static bool faults(volatile uint64_t *p)
{
	unsigned before = aborts;
	expect_abort = true;
	(void)read_word(p);
	expect_abort = false;
	return aborts != before;
}

static uint16_t me;

static struct ffa_mem_region region(uint8_t perm, uint64_t ipa, uint32_t pages)
{
	struct ffa_mem_region r = {.sender = me,
				   .attrs = FFA_MEM_ATTR_NORMAL_WB_IS,
				   .ep_size = FFA_MEM_EP_SIZE_1_2,
				   .nr_receivers = 1,
				   .receiver = {{SP_ID, perm, 0}},
				   .total_pages = pages,
				   .nr_ranges = 1,
				   .range = {{ipa, pages}}};
	return r;
}

/* SHARE/LEND/DONATE of d (built into the TX buffer, len adjusted by extra): the FF-A error,
 * or 0 with *handle. */
static uint32_t send_len(uint32_t fid, const struct ffa_mem_region *d, int extra, uint64_t *handle)
{
	uint32_t len = ffa_mem_build(tx, sizeof(tx), d);
	uint64_t r[FFA_NREGS] = {fid, len, (uint32_t)(len + extra)};
	hvc18(r);
	if ((uint32_t)r[0] == FFA_SUCCESS) {
		*handle = (uint32_t)r[2] | r[3] << 32;
		return 0;
	}
	return (uint32_t)r[0] == FFA_ERROR ? (uint32_t)r[2] : 0xffffffffU;
}

static uint32_t send(uint32_t fid, const struct ffa_mem_region *d, uint64_t *handle)
{
	return send_len(fid, d, 0, handle);
}

static uint32_t reclaim(uint64_t handle)
{
	uint64_t r[FFA_NREGS] = {FFA_MEM_RECLAIM, (uint32_t)handle, handle >> 32, 0};
	hvc18(r);
	return (uint32_t)r[0] == FFA_SUCCESS ? 0 : (uint32_t)r[2];
}

/* A request to the partition: x3 = command, x4, x5; r the answer. */
static void sp_req(uint64_t command, uint64_t a4, uint64_t a5, uint64_t r[FFA_NREGS])
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64;
	r[1] = (uint64_t)me << 16 | SP_ID;
	r[3] = command;
	r[4] = a4;
	r[5] = a5;
	hvc18(r);
}

static bool aborted(const uint64_t r[FFA_NREGS])
{
	return (uint32_t)r[0] == FFA_ERROR && (uint32_t)r[2] == FFA_ABORTED;
}

static bool answered(const uint64_t r[FFA_NREGS])
{
	return (uint32_t)r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64);
}

static void map_buffers(void)
{
	uint64_t r[FFA_NREGS] = {FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)rx, 1};
	hvc18(r);
	check((uint32_t)r[0] == FFA_SUCCESS, "RXTX_MAP", r[0]);
}

static void share_read_only(void)
{
	uint64_t h = 0, r[FFA_NREGS];
	for (unsigned k = 0; k < 512; k++)
		ro_page[k] = 0x5253000000000000UL | k;
	struct ffa_mem_region d = region(FFA_MEM_DATA_RO, (uint64_t)ro_page, 1);
	check(send(FFA_MEM_SHARE | FFA_SMC64, &d, &h) == 0 && !(h >> 63),
	      "MEM_SHARE of 1 page read-only: a handle of the SPMC's", h);
	sp_req(SP_MEM_RETRIEVE, h, me | 0 << 16, r);
	check(answered(r) && r[4] == 0 && r[6] == 1 && (r[7] & 0xff) == 0x5 &&
		  (r[7] >> 8 & FFA_MEM_ATTR_NS),
	      "the partition retrieves it: 1 page, read-only, not executable, NS", r[4]);
	sp_req(SP_MEM_READ, 8 * 7, 0, r);
	check(answered(r) && r[4] == (0x5253000000000000UL | 7),
	      "the partition reads the VM's pattern", r[4]);
	sp_req(SP_MEM_WRITE, 0, 0xbad, r);
	check(aborted(r), "its write to the read-only page is stopped: ABORTED", r[0]);
	check(ro_page[0] == 0x5253000000000000UL, "the page is as the VM wrote it", ro_page[0]);
	/* Restarted, it holds nothing: the VM takes its page back. */
	check(reclaim(h) == 0, "MEM_RECLAIM after the partition's restart: SUCCESS", h);
	check(reclaim(h) == FFA_INVALID_PARAMETERS, "a second MEM_RECLAIM: INVALID_PARAMETERS", h);
}

static void share_many_read_write(void)
{
	uint64_t h = 0, r[FFA_NREGS];
	struct ffa_mem_region d = region(FFA_MEM_DATA_RW, (uint64_t)rw_pages[0], 5);
	d.nr_ranges = 2;
	d.range[1] = (struct ffa_mem_range){(uint64_t)rw_pages[6], 2};
	d.total_pages = 7;
	rw_pages[6][3] = 0x1234;
	check(send(FFA_MEM_SHARE, &d, &h) == 0, "MEM_SHARE of 7 pages in two ranges, RW", h);
	sp_req(SP_MEM_RETRIEVE, h, me | FFA_MEM_DATA_RW << 16, r);
	check(answered(r) && r[4] == 0 && r[6] == 7 && (r[7] & 0xff) == 0x6,
	      "the partition retrieves 7 pages read-write", r[4]);
	sp_req(SP_MEM_READ, 5 * 4096 + 3 * 8, 0, r);
	check(answered(r) && r[4] == 0x1234, "it reads the second range", r[4]);
	sp_req(SP_MEM_WRITE, 6 * 4096 + 16, 0xfeedf00d, r);
	check(answered(r), "it writes the last page", r[0]);
	check(rw_pages[7][2] == 0xfeedf00d, "the VM sees the partition's write", rw_pages[7][2]);
	sp_req(SP_MEM_RELINQUISH, h, 0, r);
	check(answered(r) && r[4] == 0, "it relinquishes them", r[4]);
	check(reclaim(h) == 0, "MEM_RECLAIM after relinquish: SUCCESS", h);
}

static void lend(void)
{
	uint64_t h = 0, r[FFA_NREGS];
	lent_page[1] = 77;
	struct ffa_mem_region d = region(FFA_MEM_DATA_RW, (uint64_t)lent_page, 1);
	check(send(FFA_MEM_LEND | FFA_SMC64, &d, &h) == 0, "MEM_LEND of 1 page", h);
	check(faults(&lent_page[1]), "the VM's own access to the lent page faults", aborts);
	/* Nor may Triad write there for it: an RX buffer on the lent page is refused. */
	uint64_t u[FFA_NREGS] = {FFA_RXTX_UNMAP, 0};
	hvc18(u);
	uint64_t m[FFA_NREGS] = {FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)lent_page, 1};
	hvc18(m);
	check((uint32_t)m[0] == FFA_ERROR && (uint32_t)m[2] == FFA_INVALID_PARAMETERS,
	      "an RX buffer on the lent page: INVALID_PARAMETERS", m[0]);
	if ((uint32_t)m[0] == FFA_SUCCESS)
		hvc18(u);
	map_buffers();
	uint64_t again;
	check(send(FFA_MEM_SHARE, &d, &again) == FFA_DENIED, "sharing the lent page: DENIED", 0);
	sp_req(SP_MEM_RETRIEVE, h, me, r);
	check(answered(r) && r[4] == 0, "the partition retrieves it", r[4]);
	sp_req(SP_MEM_READ, 8, 0, r);
	check(answered(r) && r[4] == 77, "it reads what the VM left there", r[4]);
	check(reclaim(h) == FFA_DENIED, "MEM_RECLAIM while it holds it: DENIED", h);
	check(faults(&lent_page[1]), "... and the page stays out of the VM's reach", aborts);
	check(reclaim(h ^ 0x100) == FFA_INVALID_PARAMETERS, "a forged handle: INVALID_PARAMETERS",
	      h);
	sp_req(SP_MEM_RETRIEVE, h ^ 0x100, me, r); /* its slot, other bits */
	check(answered(r) && r[4] == FFA_INVALID_PARAMETERS,
	      "the partition retrieving a forged handle: INVALID_PARAMETERS", r[4]);
	sp_req(SP_MEM_WRITE, 8, 78, r);
	sp_req(SP_MEM_RELINQUISH, h, 0, r);
	check(answered(r) && r[4] == 0, "it relinquishes it", r[4]);
	sp_req(SP_MEM_READ, 8, 0, r);
	check(aborted(r), "its access after relinquish faults: ABORTED", r[0]);
	check(reclaim(h) == 0, "MEM_RECLAIM after relinquish: SUCCESS", h);
	check(!faults(&lent_page[1]) && lent_page[1] == 78,
	      "the VM's access works again and sees the partition's write", lent_page[1]);
}

/* A donation: the page is the partition's for good. */
static void donate(void)
{
	uint64_t h = 0, r[FFA_NREGS];
	donated_page[0] = 0xd0;
	struct ffa_mem_region d = region(0, (uint64_t)donated_page, 1);
	check(send(FFA_MEM_DONATE, &d, &h) == 0, "MEM_DONATE of 1 page", h);
	check(faults(&donated_page[0]), "the VM's access to the donated page faults", aborts);
	sp_req(SP_MEM_RETRIEVE, h, me | FFA_MEM_DATA_RW << 16, r);
	check(answered(r) && r[4] == 0 && (r[7] & 0xff) == 0x6, "the partition retrieves it RW",
	      r[4]);
	sp_req(SP_MEM_READ, 0, 0, r);
	check(answered(r) && r[4] == 0xd0, "it reads what the VM left", r[4]);
	check(reclaim(h) == FFA_DENIED, "MEM_RECLAIM of a donation: DENIED", h);
	sp_req(SP_MEM_RELINQUISH, h, 0, r);
	check(answered(r) && r[4] == FFA_DENIED, "its RELINQUISH of a donation: DENIED", r[4]);
	check(faults(&donated_page[0]), "the page stays out of the VM's reach", aborts);
}

/* Each check class: refused with INVALID_PARAMETERS (or DENIED), nothing changed. */
static void bad_descriptors(void)
{
	uint64_t h = 0;
	struct ffa_mem_region d;
	d = region(FFA_MEM_DATA_RW, (uint64_t)lent_page, 1);
	d.sender = (uint16_t)(me + 1);
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "another VM as sender", h);
	d = region(FFA_MEM_DATA_RW, (uint64_t)lent_page, 1);
	d.receiver[0].id = 2;
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "a VM as receiver", h);
	d.receiver[0].id = 0x8005;
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "no such partition", h);
	/* Just past its 64 MiB of RAM: as a PA, memory of Triad's or another VM's. */
	d = region(FFA_MEM_DATA_RW, 0x44000000, 1);
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "memory past the VM's RAM", h);
	d = region(FFA_MEM_DATA_RW, 0x1000, 1);
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "memory below the VM's RAM", h);
	d = region(FFA_MEM_DATA_RW, (uint64_t)lent_page, 1);
	d.attrs = 0x10; /* device memory */
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "device attributes", h);
	d = region(FFA_MEM_DATA_RW, (uint64_t)lent_page, 1);
	d.total_pages = 2;
	check(send(FFA_MEM_LEND, &d, &h) == FFA_INVALID_PARAMETERS, "page count not the sum", h);
	d = region(FFA_MEM_DATA_RW, (uint64_t)lent_page, 1);
	check(send_len(FFA_MEM_LEND, &d, -16, &h) == FFA_INVALID_PARAMETERS,
	      "fragment shorter than the total", h);
	d = region(FFA_MEM_DATA_RW | FFA_MEM_INSTR_X, (uint64_t)lent_page, 1);
	check(send(FFA_MEM_SHARE, &d, &h) == FFA_INVALID_PARAMETERS, "an executable share", h);
	check(!faults(&lent_page[1]), "after all that, the page is still the VM's", aborts);
}

/* A request to the partition, again while another VM keeps it BUSY. */
static void sp_req_retry(uint64_t command, uint64_t a4, uint64_t a5, uint64_t r[FFA_NREGS])
{
	do
		sp_req(command, a4, a5, r);
	while ((uint32_t)r[0] == FFA_ERROR && (uint32_t)r[2] == FFA_BUSY);
}

/* The partition's mailbox until cond(handle, note) holds (bounded): the last answer. */
static bool mailbox_until(bool (*cond)(uint64_t, uint64_t), uint64_t r[FFA_NREGS])
{
	for (unsigned tries = 0; tries < 2000000; tries++) {
		sp_req_retry(SP_MEM_MAILBOX, 0, 0, r);
		if (answered(r) && cond(r[4], r[5]))
			return true;
	}
	return false;
}

static bool has_handle(uint64_t handle, uint64_t note)
{
	(void)note;
	return handle != 0;
}

static bool noted(uint64_t handle, uint64_t note)
{
	(void)handle;
	return note == 1;
}

void mem_owner_tests(uint16_t id)
{
	uint64_t h = 0, r[FFA_NREGS];
	me = id;
	map_buffers();
	ro_page[5] = 0x0bed;
	struct ffa_mem_region d = region(FFA_MEM_DATA_RO, (uint64_t)ro_page, 1);
	check(send(FFA_MEM_SHARE, &d, &h) == 0, "MEM_SHARE of a page", h);
	sp_req_retry(SP_MEM_RETRIEVE, h, me, r);
	check(answered(r) && r[4] == 0, "the partition retrieves it", r[4]);
	sp_req_retry(SP_MEM_RELINQUISH, h, 0, r);
	check(answered(r) && r[4] == 0, "... and relinquishes it", r[4]);
	check(mailbox_until(noted, r), "the other VM has tried to reclaim it", r[5]);
	check(reclaim(h) == 0, "the owner's MEM_RECLAIM: SUCCESS (the other VM's was refused)", h);
}

void mem_thief_tests(uint16_t id)
{
	uint64_t r[FFA_NREGS];
	me = id;
	check(mailbox_until(has_handle, r), "the partition tells the owner's handle", r[4]);
	uint64_t h = r[4];
	check(reclaim(h) == FFA_INVALID_PARAMETERS,
	      "MEM_RECLAIM of another VM's handle: INVALID_PARAMETERS", h);
	sp_req_retry(SP_MEM_MAILBOX, 1, 1, r);
	check(answered(r), "it tells the owner it tried", r[0]);
}

void mem_reset_tests(uint16_t id)
{
	uint64_t h = 0, r[FFA_NREGS];
	me = id;
	/* Away from its image, bss and stacks, which its next life's start-up writes. */
	volatile uint64_t *page = (volatile uint64_t *)0x42000000UL;
	volatile uint64_t *shared = page + 512; /* the next page */
	if (faults(page)) {
		/* The next life: the pages the partition holds are not this guest's, the shared
		 * one neither (the partition may still read it). */
		check(true, "after the reset, the page the partition holds is out of reach", 0);
		check(faults(shared), "... and so is the page it was shared", aborts);
		return;
	}
	map_buffers();
	struct ffa_mem_region d = region(FFA_MEM_DATA_RW, (uint64_t)page, 1);
	uint32_t err = send(FFA_MEM_LEND, &d, &h);
	check(err == 0, "MEM_LEND of a page", err);
	sp_req(SP_MEM_RETRIEVE, h, me, r);
	check(answered(r) && r[4] == 0, "the partition retrieves it", r[4]);
	d = region(FFA_MEM_DATA_RO, (uint64_t)shared, 1);
	check(send(FFA_MEM_SHARE, &d, &h) == 0, "MEM_SHARE of the next page", h);
	sp_req(SP_MEM_RETRIEVE, h, me, r);
	check(answered(r) && r[4] == 0, "the partition retrieves it too; the VM resets", r[4]);
	if (err)
		return; /* a next life where the page came back: no further reset */
	hvc(0x84000009 /* PSCI SYSTEM_RESET */, 0, 0, 0);
}

/* "ffa=mem-hold": lends a page the partition retrieves and keeps, then waits (the test
 * saves and destroys the VM meanwhile). */
void mem_hold_tests(uint16_t id)
{
	uint64_t h = 0, r[FFA_NREGS];
	me = id;
	map_buffers();
	struct ffa_mem_region d = region(FFA_MEM_DATA_RW, 0x42000000UL, 1);
	check(send(FFA_MEM_LEND, &d, &h) == 0, "MEM_LEND of a page", h);
	sp_req(SP_MEM_RETRIEVE, h, me, r);
	check(answered(r) && r[4] == 0, "the partition retrieves it", r[4]);
	puts_("ffaguest: holding\n");
	for (;;)
		__asm__ volatile("wfi");
}

void mem_tests(uint16_t id)
{
	me = id;
	map_buffers();
	uint64_t f[FFA_NREGS] = {FFA_FEATURES, FFA_MEM_LEND | FFA_SMC64};
	hvc18(f);
	check((uint32_t)f[0] == FFA_SUCCESS, "FFA_FEATURES(MEM_LEND_64) is supported", f[0]);
	share_read_only();
	share_many_read_write();
	lend();
	donate();
	bad_descriptors();
}
