/*
 * The FF-A guest: an FF-A endpoint in a VM, with raw HVCs (no Linux driver in between), so
 * it can send what a malicious kernel would. Run with the test partition
 * (tests/guests/ffasp) in the secure world, it checks: version, IDs and features; its
 * RX/TX buffers and partition discovery (both forms); direct messages of each kind to the
 * partition and their answers; refused messages (a forged sender, an unknown receiver,
 * framework flags); what the SPMC refuses the partition itself; and, on two vCPUs,
 * messages from both at once (the partition has one execution context: BUSY is retried,
 * no answer may carry the other vCPU's payload; with "ffa=mp", one per CPU: nothing is
 * BUSY). Booted with "ffa=crash-read",
 * "ffa=crash-fp" or "ffa=spin" it instead makes the partition fail and checks that the
 * failure comes back as FFA_ERROR(ABORTED), that the next request is served by the
 * partition restarted from its image, and that OP-TEE still answers; with "ffa=give-up"
 * too, the partition keeps crashing until it is given up (ABORTED for good); with
 * "ffa=boot-crash" (ffasp-bootcrash.bin), the partition given up in its boot is ABORTED;
 * with "ffa=absent" it checks that, with no partition, there is nothing to find or send to;
 * with "ffa=wait" it keeps the partition busy for 2.5 s of one request, through OP-TEE's
 * timer interrupts (held meanwhile, not lost, and not the partition's end); with
 * "ffa=two", two partitions apart, the first asking the second (which, made to crash, is
 * restarted); with "ffa=regs", each partition's registers outlive the normal world's turn;
 * with "ffa=notif" and "ffa=notif-vm", notifications (notif.c);
 * with "ffa=mem", memory sharing with the partition (mem.c); with "ffa=msg-vm", indirect
 * messages between two VMs (msg.c).
 * Prints one line per check and a summary, then powers off.
 */
#include <stddef.h>

#include "../lib/check.h"

#include "../../../include/triad/ffa.h"
#include "../ffasp/sp_regs.h"
#include "msg.h"
#include "notif.h"
#include "mem.h"

#define SP_ID		   0x8001
#define SP2_ID		   0x8002
#define REGION0		   0x0e0a0000 /* ffasp.bin's region, ffasp2.bin's follows */
#define ITERATIONS	   2000	      /* per vCPU, in the concurrency check */
#define OPTEE_CALLS_UID	   0xbf00ff01
#define PSCI_AFFINITY_INFO 0xc4000004UL
enum { ECHO, ADD, SELFTEST, READ, SPIN, FP, WAIT, RELAY, COUNT, REGS };
#define SP_PROPS                                                                                   \
	(FFA_PROP_DIRECT_REQ_RECV | FFA_PROP_DIRECT_REQ_SEND | FFA_PROP_AARCH64 |                  \
	 FFA_PROP_DIRECT_REQ2_RECV)

/* The test partition's UUID (tests/guests/ffasp/start.S), FF-A's four-word form. */
static const uint32_t sp_uuid[4] = {0x2c1e4a5f, 0x8e4c3d7b, 0x2f1d069a, 0x6e5d4c3b};

static uint16_t my_id;

void irq_exception(struct frame *f)
{
	(void)f;
	if (notif_mode)
		notif_irq();
}

/* A call with w1-w5; x0 comes back, *w2 the error code or first result. */
static uint64_t call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		     uint64_t *w2)
{
	uint64_t r[FFA_NREGS] = {fid, a1, a2, a3, a4, a5};
	hvc18(r);
	if (w2)
		*w2 = r[2];
	return r[0];
}

static bool is_error(uint64_t x0, uint64_t w2, uint32_t code)
{
	return (uint32_t)x0 == FFA_ERROR && (uint32_t)w2 == code;
}

/* A DIRECT_REQ (fid: 32 or 64-bit) to `to` from `from` with x3-x7 = a[0..4]; r answers. */
static void direct(uint32_t fid, uint16_t from, uint16_t to, const uint64_t a[5],
		   uint64_t r[FFA_NREGS])
{
	for (int i = 0; i < FFA_NREGS; i++)
		r[i] = 0;
	r[0] = fid;
	r[1] = (uint64_t)from << 16 | to;
	for (int i = 0; i < 5; i++)
		r[3 + i] = a[i];
	hvc18(r);
}

static uint8_t tx[4096] __attribute__((aligned(4096)));
static uint8_t rx[4096] __attribute__((aligned(4096)));

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void identity(void)
{
	uint64_t w2;
	check(call(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0) == FFA_VERSION_1_2,
	      "FFA_VERSION(1.2) is 1.2", 0);
	uint64_t v = call(FFA_VERSION, 0x20000, 0, 0, 0, 0, 0);
	check((uint32_t)v == FFA_NOT_SUPPORTED, "FFA_VERSION(2.0) is NOT_SUPPORTED", v);
	uint64_t x0 = call(FFA_ID_GET, 0, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS && w2 == 1, "FFA_ID_GET is this VM's ID, 1", w2);
	my_id = (uint16_t)w2;
	x0 = call(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS && w2 == FFA_SPMC_ID, "FFA_SPM_ID_GET is 0x8000", w2);
	x0 = call(FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ2, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS, "FFA_FEATURES(DIRECT_REQ2) is supported", x0);
	x0 = call(FFA_FEATURES, FFA_MSG_SEND2, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS, "FFA_FEATURES(MSG_SEND2) is supported (between VMs)", w2);
	x0 = call(FFA_MEM_FRAG_TX, 0, 0, 0, 0, 0, &w2);
	check(is_error(x0, w2, FFA_NOT_SUPPORTED), "FFA_MEM_FRAG_TX is NOT_SUPPORTED", w2);
}

/* Booted with "ffa=mp": the partition has an execution context per CPU (ffasp-mp.bin). */
static bool mp;

static void discovery(void)
{
	uint32_t ecs = mp ? 8 : 1;
	uint64_t w2;
	uint64_t r[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS};
	hvc18(r);
	bool one = (uint32_t)r[0] == FFA_SUCCESS64 && (r[2] & 0xffffffff) == 0 &&
		   (r[2] >> 48) == FFA_PART_INFO_SIZE;
	check(one, "PARTITION_INFO_GET_REGS lists one partition", r[2]);
	check((uint16_t)r[3] == SP_ID && (uint16_t)(r[3] >> 16) == ecs &&
		  (uint32_t)(r[3] >> 32) == SP_PROPS,
	      "... the test partition, 0x8001, its contexts, taking direct messages", r[3]);
	check(r[4] == (sp_uuid[0] | (uint64_t)sp_uuid[1] << 32) &&
		  r[5] == (sp_uuid[2] | (uint64_t)sp_uuid[3] << 32),
	      "... with its UUID", r[4]);
	uint64_t q[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS, 0, 0, 1};
	hvc18(q);
	check(is_error(q[0], q[2], FFA_INVALID_PARAMETERS),
	      "PARTITION_INFO_GET_REGS from past the end is INVALID_PARAMETERS", q[2]);

	/* RX/TX buffers: bad ones first. */
	uint64_t x0 = call(FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)tx, 1, 0, 0, &w2);
	check(is_error(x0, w2, FFA_INVALID_PARAMETERS), "RXTX_MAP with TX = RX is refused", w2);
	x0 =
	    call(FFA_RXTX_MAP | FFA_SMC64, 0x0e100000 /* secure RAM */, (uint64_t)rx, 1, 0, 0, &w2);
	check(is_error(x0, w2, FFA_INVALID_PARAMETERS), "RXTX_MAP outside its RAM is refused", w2);
	x0 = call(FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx + 8, (uint64_t)rx, 1, 0, 0, &w2);
	check(is_error(x0, w2, FFA_INVALID_PARAMETERS), "RXTX_MAP unaligned is refused", w2);
	x0 = call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, &w2);
	check(is_error(x0, w2, FFA_BUSY), "PARTITION_INFO_GET without an RX buffer is BUSY", w2);
	x0 = call(FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)rx, 1, 0, 0, &w2);
	check(x0 == FFA_SUCCESS, "RXTX_MAP of its buffers", x0);
	x0 = call(FFA_RXTX_MAP | FFA_SMC64, (uint64_t)tx, (uint64_t)rx, 1, 0, 0, &w2);
	check(is_error(x0, w2, FFA_DENIED), "a second RXTX_MAP is DENIED", w2);

	x0 = call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1, &w2);
	check(x0 == FFA_SUCCESS && w2 == 1, "PARTITION_INFO_GET count only: 1", w2);
	for (int i = 0; i < 64; i++)
		rx[i] = 0xee;
	uint64_t r3[FFA_NREGS] = {FFA_PARTITION_INFO_GET};
	hvc18(r3);
	check(r3[0] == FFA_SUCCESS && r3[2] == 1 && r3[3] == FFA_PART_INFO_SIZE,
	      "PARTITION_INFO_GET: 1 descriptor of 24 bytes", r3[2]);
	bool desc = (le32(rx) & 0xffff) == SP_ID && (le32(rx) >> 16) == ecs &&
		    le32(rx + 4) == SP_PROPS && le32(rx + 8) == sp_uuid[0] &&
		    le32(rx + 20) == sp_uuid[3] && rx[24] == 0xee;
	check(desc, "... in the RX buffer: ID, contexts, properties, UUID", le32(rx));
	x0 = call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, &w2);
	check(is_error(x0, w2, FFA_BUSY), "PARTITION_INFO_GET before RX_RELEASE is BUSY", w2);
	x0 = call(FFA_RX_RELEASE, 0, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS, "RX_RELEASE", x0);
	x0 = call(FFA_RX_RELEASE, 0, 0, 0, 0, 0, &w2);
	check(is_error(x0, w2, FFA_DENIED), "RX_RELEASE of an empty buffer is DENIED", w2);
	/* An indirect message to the partition: a good 1.2 header, payload "hi". */
	for (int i = 0; i < 48; i++)
		tx[i] = 0;
	tx[8] = 40;				      /* offset */
	tx[12] = (uint8_t)SP_ID, tx[13] = SP_ID >> 8; /* receiver */
	tx[14] = (uint8_t)my_id;		      /* sender */
	tx[16] = 2;				      /* size */
	tx[40] = 'h', tx[41] = 'i';
	x0 = call(FFA_MSG_SEND2, 0, 0, 0, 0, 0, &w2);
	check(is_error(x0, w2, FFA_NOT_SUPPORTED),
	      "MSG_SEND2 to the partition is NOT_SUPPORTED (the SPMC has no indirect messages)",
	      w2);
	x0 = call(FFA_PARTITION_INFO_GET, sp_uuid[0], sp_uuid[1], sp_uuid[2], sp_uuid[3], 1, &w2);
	check(x0 == FFA_SUCCESS && w2 == 1, "PARTITION_INFO_GET by its UUID: 1", w2);
	x0 = call(FFA_PARTITION_INFO_GET, 1, 2, 3, 4, 1, &w2);
	check(is_error(x0, w2, FFA_INVALID_PARAMETERS),
	      "PARTITION_INFO_GET of an unknown UUID is INVALID_PARAMETERS", w2);
	x0 = call(FFA_RXTX_UNMAP, (uint64_t)(my_id + 1) << 16, 0, 0, 0, 0, &w2);
	check(is_error(x0, w2, FFA_INVALID_PARAMETERS), "RXTX_UNMAP of another VM's is refused",
	      w2);
	x0 = call(FFA_RXTX_UNMAP, 0, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS, "RXTX_UNMAP", x0);
}

static void messages(void)
{
	uint64_t r[FFA_NREGS];
	const uint64_t echo[5] = {ECHO, 0x1111, 0x2222, 0x3333, 0x4444};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, echo, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[1] == ((uint64_t)SP_ID << 16 | my_id) &&
		  r[4] == 0x1111 && r[7] == 0x4444,
	      "DIRECT_REQ echo: the partition's DIRECT_RESP", r[0]);
	const uint64_t add[5] = {ADD, 40, 2, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, my_id, SP_ID, add, r);
	check(r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) && r[4] == 42,
	      "DIRECT_REQ (SMC64) add: 40 + 2 = 42", r[4]);
	const uint64_t wide[5] = {ADD, 1ULL << 40, 1, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, wide, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 1,
	      "DIRECT_REQ (SMC32) passes 32-bit arguments only", r[4]);
	/* SMCCC: a 32-bit call's upper register halves are ignored, w1's too; a 64-bit call's
	 * w1 must be clean. */
	uint64_t junk[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ,
				    0xffffffffULL << 32 | (uint64_t)my_id << 16 | SP_ID, 0, ECHO,
				    0x1111};
	hvc18(junk);
	check(junk[0] == FFA_MSG_SEND_DIRECT_RESP && junk[1] == ((uint64_t)SP_ID << 16 | my_id) &&
		  junk[4] == 0x1111,
	      "DIRECT_REQ (SMC32) with junk above w1: served, the junk ignored", junk[0]);
	uint64_t junk64[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64,
				      1ULL << 40 | (uint64_t)my_id << 16 | SP_ID, 0, ECHO};
	hvc18(junk64);
	check(is_error(junk64[0], junk64[2], FFA_INVALID_PARAMETERS),
	      "DIRECT_REQ (SMC64) with junk above w1 is refused", junk64[2]);

	uint64_t q[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ2, (uint64_t)my_id << 16 | SP_ID,
				 sp_uuid[0] | (uint64_t)sp_uuid[1] << 32,
				 sp_uuid[2] | (uint64_t)sp_uuid[3] << 32};
	for (int i = 4; i < FFA_NREGS; i++)
		q[i] = 0x100 + i;
	hvc18(q);
	bool all = q[0] == FFA_MSG_SEND_DIRECT_RESP2 && q[4] == 0x105;
	for (int i = 5; i < FFA_NREGS; i++)
		all = all && q[i] == 0x100 + (uint64_t)i;
	check(all, "DIRECT_REQ2 to its UUID: x4-x17 come back", q[0]);
	uint64_t q2[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ2, (uint64_t)my_id << 16 | SP_ID, 1, 2};
	hvc18(q2);
	check(is_error(q2[0], q2[2], FFA_INVALID_PARAMETERS),
	      "DIRECT_REQ2 to another protocol's UUID is refused", q2[2]);

	/* Refused before it reaches the secure world. */
	direct(FFA_MSG_SEND_DIRECT_REQ, (uint16_t)(my_id + 4), SP_ID, echo, r);
	check(is_error(r[0], r[2], FFA_INVALID_PARAMETERS),
	      "DIRECT_REQ with another VM's ID as sender is refused", r[2]);
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, 0x8009, echo, r);
	check(is_error(r[0], r[2], FFA_INVALID_PARAMETERS),
	      "DIRECT_REQ to an unknown partition is refused", r[2]);
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, my_id, echo, r);
	check(is_error(r[0], r[2], FFA_INVALID_PARAMETERS), "DIRECT_REQ to itself is refused",
	      r[2]);
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, FFA_SPMC_ID, echo, r);
	check(is_error(r[0], r[2], FFA_INVALID_PARAMETERS), "DIRECT_REQ to the SPMC is refused",
	      r[2]);
	uint64_t fw[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_REQ, (uint64_t)my_id << 16 | SP_ID,
				  1U << 31 /* a framework message */};
	hvc18(fw);
	check(is_error(fw[0], fw[2], FFA_INVALID_PARAMETERS),
	      "DIRECT_REQ posing as a framework message is refused", fw[2]);
	uint64_t resp[FFA_NREGS] = {FFA_MSG_SEND_DIRECT_RESP, (uint64_t)my_id << 16 | SP_ID};
	hvc18(resp);
	check(is_error(resp[0], resp[2], FFA_NOT_SUPPORTED),
	      "DIRECT_RESP from a VM nobody asked is NOT_SUPPORTED", resp[2]);

	const uint64_t self[5] = {SELFTEST, 0, 0, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, self, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 0xff && r[5] == SP_ID,
	      "the SPMC's answers to the partition (version, IDs, refusals)", r[4]);
	if (mp)
		check((r[6] >> 16) == 3 && (r[6] & 0x1ff) == 0,
		      "its first context registered the others' entry point (and not one outside "
		      "its image)",
		      r[6]);
	const uint64_t own[5] = {READ, REGION0, 0, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, own, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && (uint32_t)r[4] == 0x4d505354,
	      "the partition reads its own memory (its manifest)", r[4]);
}

/* Both vCPUs send at once; each answer must carry its own sender's payload. */
static volatile unsigned cpu1_done, cpu1_bad, cpu1_busy, cpu0_busy;
static volatile uint64_t cpu1_context; /* SELFTEST's x6 on vCPU 1 (ffa=mp) */

static unsigned hammer(unsigned who, volatile unsigned *busy)
{
	unsigned bad = 0;
	for (unsigned i = 0; i < ITERATIONS; i++) {
		uint64_t tag = (uint64_t)who << 32 | i;
		const uint64_t a[5] = {ADD, tag, 1, 0, 0};
		uint64_t r[FFA_NREGS];
		direct(FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, my_id, SP_ID, a, r);
		if (is_error(r[0], r[2], FFA_BUSY)) {
			(*busy)++;
			i--;
			continue;
		}
		if (r[0] != (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) || r[4] != tag + 1)
			bad++;
	}
	return bad;
}

void secondary_main(unsigned long idx)
{
	(void)idx;
	if (notif_mode) {
		notif_secondary();
		hvc(0x84000002 /* PSCI_CPU_OFF */, 0, 0, 0);
	}
	cpu1_bad = hammer(1, &cpu1_busy);
	if (mp) {
		const uint64_t self[5] = {SELFTEST, 0, 0, 0, 0};
		uint64_t r[FFA_NREGS];
		direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, self, r);
		cpu1_context = r[6];
	}
	__asm__ volatile("dmb ish" ::: "memory");
	cpu1_done = 1;
	hvc(0x84000002 /* PSCI_CPU_OFF */, 0, 0, 0);
}

static void concurrency(void)
{
	hvc(PSCI_CPU_ON, 1, (uint64_t)secondary_entry, 1);
	unsigned bad = hammer(0, &cpu0_busy);
	while (!cpu1_done)
		__asm__ volatile("yield");
	check(bad == 0 && cpu1_bad == 0, "two vCPUs' messages at once: every answer is its own",
	      bad + cpu1_bad);
	puts_("ffaguest: busy answers ");
	putdec(cpu0_busy + cpu1_busy);
	puts_("\n");
	if (mp) {
		check(cpu0_busy + cpu1_busy == 0,
		      "... none BUSY: each CPU's requests run on its own context", 0);
		uint64_t c = cpu1_context;
		check((c & 0xff) != 0 && (c >> 8 & 1),
		      "the other CPU's context started at the registered secondary entry point", c);
	}
}

/* The partition counts a request: its counts are those of its first life (x4, x5 =
 * 101, 1), its image and memory as they were before it ever ran. */
static void fresh_partition(const char *what)
{
	const uint64_t count[5] = {COUNT, 0, 0, 0, 0};
	uint64_t r[FFA_NREGS];
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, count, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 101 && r[5] == 1, what,
	      r[4] << 32 | r[5]);
}

/* The partition fails (how: from the command line): its request is ABORTED, and the next
 * is served by the partition restarted from its image; with "ffa=give-up", after
 * RESTARTS restarts the next failure is its end. OP-TEE goes on throughout. */
#define RESTARTS 3 /* SPMC_MAX_RESTARTS */
static void failure(const char *dtb)
{
	uint64_t cmd = bootargs_have(dtb, "ffa=crash-read") ? READ
		       : bootargs_have(dtb, "ffa=crash-fp") ? FP
							    : SPIN;
	bool give_up = bootargs_have(dtb, "ffa=give-up");
	const uint64_t a[5] = {cmd, 0x0e100000 /* OP-TEE's memory */, 0, 0, 0};
	const uint64_t echo[5] = {ECHO, 1, 2, 3, 4};
	uint64_t r[FFA_NREGS];
	fresh_partition("the partition counts its first request");
	for (int n = 1; n <= (give_up ? RESTARTS : 1); n++) {
		direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, a, r);
		check(is_error(r[0], r[2], FFA_ABORTED),
		      "the failing partition's request is ABORTED", r[0]);
		fresh_partition("... the next is served by the partition restarted from its image");
	}
	if (give_up) {
		direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, a, r);
		check(is_error(r[0], r[2], FFA_ABORTED), "the last failure is ABORTED", r[0]);
		direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, echo, r);
		check(is_error(r[0], r[2], FFA_ABORTED), "... and every later request: given up",
		      r[0]);
	} else {
		direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, echo, r);
		check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 1, "... and the one after it",
		      r[0]);
	}
	uint64_t uid = (uint64_t)smc(OPTEE_CALLS_UID, 0, 0, 0);
	check((uint32_t)uid == 0x384fb3e0, "OP-TEE still answers", uid);
}

/* ffasp-bootcrash.bin crashed in each of its boots until it was given up: listed, but
 * every message to it is ABORTED; OP-TEE goes on. */
static void crashed_in_boot(void)
{
	const uint64_t echo[5] = {ECHO, 1, 2, 3, 4};
	uint64_t r[FFA_NREGS];
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, echo, r);
	check(is_error(r[0], r[2], FFA_ABORTED), "the partition given up in its boot is ABORTED",
	      r[0]);
	uint64_t uid = (uint64_t)smc(OPTEE_CALLS_UID, 0, 0, 0);
	check((uint32_t)uid == 0x384fb3e0, "OP-TEE still answers", uid);
}

/* A request that keeps the partition busy through secure interrupts of OP-TEE's. */
static void long_request(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0), ticks = freq * 5 / 2;
	const uint64_t a[5] = {WAIT, ticks, 0, 0, 0};
	uint64_t r[FFA_NREGS];
	puts_("ffaguest: a 2.5 s request\n");
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, a, r);
	check((uint32_t)r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] >= ticks,
	      "the partition answers a 2.5 s request", r[0]);
	const uint64_t echo[5] = {ECHO, 1, 2, 3, 4};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, echo, r);
	check((uint32_t)r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 1, "... and the next request",
	      r[0]);
	uint64_t uid = (uint64_t)smc(OPTEE_CALLS_UID, 0, 0, 0);
	check((uint32_t)uid == 0x384fb3e0, "OP-TEE still answers", uid);
}

/* Two partitions (ffasp.bin and ffasp2.bin): both are found and each answers as itself;
 * the second cannot read the first's memory: it is stopped and restarted, the first goes
 * on. */
static void two_partitions(void)
{
	uint64_t q[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS};
	hvc18(q);
	check((uint32_t)q[0] == FFA_SUCCESS64 && (q[2] & 0xffff) == 1 && (uint16_t)q[3] == SP_ID &&
		  (uint16_t)q[6] == SP2_ID,
	      "PARTITION_INFO_GET_REGS lists both partitions", q[2]);
	const uint16_t ids[2] = {SP_ID, SP2_ID};
	uint64_t r[FFA_NREGS];
	for (int k = 0; k < 2; k++) {
		const uint64_t self[5] = {SELFTEST, 0, 0, 0, 0};
		direct(FFA_MSG_SEND_DIRECT_REQ, my_id, ids[k], self, r);
		check(r[0] == FFA_MSG_SEND_DIRECT_RESP && (uint16_t)(r[1] >> 16) == ids[k] &&
			  r[4] == 0xff && r[5] == ids[k],
		      k ? "partition 0x8002 answers as itself"
			: "partition 0x8001 answers as itself",
		      r[1]);
	}
	/* 0x8001 asks 0x8002 (ADD 5 + 6) while it serves the VM's request. */
	const uint64_t relay[5] = {RELAY, SP2_ID, ADD, 5, 6};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, relay, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 11 &&
		  r[5] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64),
	      "partition 0x8001 asks 0x8002 and gets its answer", r[4]);
	const uint64_t to_self[5] = {RELAY, SP_ID, ECHO, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, to_self, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[5] == FFA_ERROR &&
		  r[6] == FFA_INVALID_PARAMETERS,
	      "... a request to itself is refused", r[6]);
	const uint64_t to_none[5] = {RELAY, 0x8009, ECHO, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, to_none, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[5] == FFA_ERROR &&
		  r[6] == FFA_INVALID_PARAMETERS,
	      "... and one to no partition", r[6]);
	/* 0x8002 asked to read 0x8001's memory is stopped; 0x8001, which asked, hears
	 * ABORTED and answers the VM. */
	const uint64_t other[5] = {RELAY, SP2_ID, READ, REGION0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, other, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[5] == FFA_ERROR && r[6] == FFA_ABORTED,
	      "partition 0x8002 reading 0x8001's memory is stopped; 0x8001 hears ABORTED", r[6]);
	const uint64_t echo[5] = {ECHO, 1, 2, 3, 4};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP2_ID, echo, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && (uint16_t)(r[1] >> 16) == SP2_ID && r[4] == 1,
	      "... and restarted: it answers the next request", r[0]);
	const uint64_t via[5] = {RELAY, SP2_ID, ADD, 2, 3};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, via, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && r[4] == 5 &&
		  r[5] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64),
	      "... and 0x8001's requests again", r[4]);
	const uint64_t own[5] = {READ, REGION0, 0, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, own, r);
	check(r[0] == FFA_MSG_SEND_DIRECT_RESP && (uint32_t)r[4] == 0x4d505354,
	      "partition 0x8001 goes on (reads its own manifest)", r[4]);
}

/* The names of sp_regs.h's register ids. */
#define SYSREG_NAME(name, reg, mask) #name,
static const char *const reg_names[] = {
    "x18", "x19", "x20", "x21", "x22", "x23", "x24",
    "x25", "x26", "x27", "x28", "x29", "x30", SP_REGS_SYSREGS(SYSREG_NAME)};
#define REG_IDS (sizeof(reg_names) / sizeof(reg_names[0]))

/* The normal world's own values in the EL1 registers the partitions fill, another pattern:
 * if the secure world got these, a partition would see them. */
static void normal_world_turn(void)
{
	uint64_t p = 0x4e57000000000000UL;
	__asm__ volatile("msr tpidr_el1, %0\n\tmsr tpidrro_el0, %0\n\tmsr contextidr_el1, %0\n\t"
			 "msr far_el1, %0\n\tmsr afsr0_el1, %0\n\tmsr par_el1, %0" ::"r"(p | 0x11));
	__asm__ volatile(
	    "msr tpidr_el0, %0\n\tmsr mair_el1, %0\n\tmsr amair_el1, %0" ::"r"(p | 0x22));
	/* 1.5 s: the host's timer ticks, and a realm sharing the CPU (test_ffa.py) runs. */
	uint64_t freq, t0, t;
	__asm__ volatile("mrs %0, cntfrq_el0\n\tisb\n\tmrs %1, cntvct_el0" : "=r"(freq), "=r"(t0));
	do
		__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t));
	while (t - t0 < freq * 3 / 2);
}

static void regs_checked(uint16_t sp, uint64_t r[FFA_NREGS])
{
	static char name[128];
	char *o = name;
	const char *parts[] = {"partition 0x800", sp == SP_ID ? "1" : "2",
			       "'s registers outlive the normal world's turn"};
	for (unsigned k = 0; k < 3; k++)
		for (const char *c = parts[k]; *c; c++)
			*o++ = *c;
	if (r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) && r[4] && r[5] < REG_IDS) {
		*o++ = ':';
		*o++ = ' ';
		if (r[4] >= 10)
			*o++ = (char)('0' + r[4] / 10 % 10);
		*o++ = (char)('0' + r[4] % 10);
		const char *more[] = {" lost, the first ", reg_names[r[5]], ", expected 0x"};
		for (unsigned k = 0; k < 3; k++)
			for (const char *c = more[k]; *c; c++)
				*o++ = *c;
		for (int b = 60; b >= 0; b -= 4)
			*o++ = "0123456789abcdef"[(r[7] >> b) & 0xf];
	}
	*o = 0;
	check(r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) && r[4] == 0 && r[5] == SP_REGS_NONE,
	      name, r[4] ? r[6] : r[0]);
}

/* Both partitions fill their registers with their own patterns and answer; the normal
 * world runs with its own (this VM's EL1 registers, OP-TEE's call, 1.5 s of the host's
 * turns at its timer's interrupts, a realm's if one shares the CPU), then each partition
 * checks its own: general registers beyond FF-A's, EL1 system registers. Three rounds
 * (the test sees a realm run within one), filling in turn in either order. 64-bit calls:
 * the patterns are 64-bit. */
#define ROUNDS 3
static void registers_kept(void)
{
	const uint16_t ids[2] = {SP_ID, SP2_ID};
	uint64_t r[FFA_NREGS];
	for (int round = 0; round < ROUNDS; round++) {
		char line[] = "ffaguest: round 0";
		line[16] = (char)('1' + round);
		puts_(line);
		puts_("\n");
		for (int k = 0; k < 2; k++) {
			const uint64_t fill[5] = {REGS, SP_REGS_FILL, 0, 0, 0};
			direct(FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, my_id, ids[k ^ (round & 1)],
			       fill, r);
			check(r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) && r[4] == REG_IDS,
			      "a partition fills its registers", r[4]);
		}
		normal_world_turn();
		uint64_t uid = (uint64_t)smc(OPTEE_CALLS_UID, 0, 0, 0);
		check((uint32_t)uid == 0x384fb3e0, "OP-TEE answers meanwhile", uid);
		for (int k = 0; k < 2; k++) {
			const uint64_t chk[5] = {REGS, SP_REGS_CHECK, 0, 0, 0};
			direct(FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, my_id, ids[k], chk, r);
			regs_checked(ids[k], r);
		}
		puts_(line);
		puts_("  checked\n");
	}
	/* A check with no fill right before it says so. */
	const uint64_t chk[5] = {REGS, SP_REGS_CHECK, 0, 0, 0};
	direct(FFA_MSG_SEND_DIRECT_REQ | FFA_SMC64, my_id, SP_ID, chk, r);
	check(r[0] == (FFA_MSG_SEND_DIRECT_RESP | FFA_SMC64) && r[4] == ~0UL,
	      "a check without a fill before it is refused", r[4]);
}

/* No partition (none given, or its manifest refused): discovery finds nothing and a
 * message has nowhere to go. */
static void absent(void)
{
	uint64_t w2;
	check(call(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0) == FFA_VERSION_1_2,
	      "FFA_VERSION(1.2) is 1.2", 0);
	uint64_t x0 = call(FFA_ID_GET, 0, 0, 0, 0, 0, &w2);
	check(x0 == FFA_SUCCESS && w2 == 1, "FFA_ID_GET is this VM's ID, 1", w2);
	my_id = (uint16_t)w2;
	uint64_t r[FFA_NREGS] = {FFA_PARTITION_INFO_GET_REGS};
	hvc18(r);
	check(is_error(r[0], r[2], FFA_INVALID_PARAMETERS), "PARTITION_INFO_GET_REGS finds none",
	      r[0]);
	x0 = call(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 1, &w2);
	check(is_error(x0, w2, FFA_INVALID_PARAMETERS), "PARTITION_INFO_GET finds none", x0);
	const uint64_t echo[5] = {ECHO, 1, 2, 3, 4};
	direct(FFA_MSG_SEND_DIRECT_REQ, my_id, SP_ID, echo, r);
	check(is_error(r[0], r[2], FFA_INVALID_PARAMETERS), "DIRECT_REQ to 0x8001 is refused",
	      r[0]);
}

int main(const char *dtb)
{
	puts_("ffaguest: start\n");
	if (bootargs_have(dtb, "ffa=absent")) {
		absent();
		print_summary("ffaguest", passed, failed);
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	if (bootargs_have(dtb,
			  "ffa=msg-vm")) { /* any VM of two, with or without the secure world */
		uint64_t id = 0;
		check(call(FFA_ID_GET, 0, 0, 0, 0, 0, &id) == FFA_SUCCESS, "FFA_ID_GET", id);
		msg_vm_tests((uint16_t)id);
		print_summary("ffaguest", passed, failed);
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	if (bootargs_have(dtb, "ffa=mem-thief") || bootargs_have(dtb, "ffa=notif-vm")) {
		uint64_t id = 0;
		if (bootargs_have(dtb, "ffa=mem-thief")) { /* the second VM: ID 2 */
			call(FFA_ID_GET, 0, 0, 0, 0, 0, &id);
			mem_thief_tests((uint16_t)id);
		} else { /* any VM of two, with or without the secure world */
			check(call(FFA_ID_GET, 0, 0, 0, 0, 0, &id) == FFA_SUCCESS, "FFA_ID_GET",
			      id);
			notif_tests(dtb, (uint16_t)id);
		}
		print_summary("ffaguest", passed, failed);
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		return 0;
	}
	mp = bootargs_have(dtb, "ffa=mp");
	identity();
	if (bootargs_have(dtb, "ffa=crash-read") || bootargs_have(dtb, "ffa=crash-fp") ||
	    bootargs_have(dtb, "ffa=spin")) {
		failure(dtb);
	} else if (bootargs_have(dtb, "ffa=boot-crash")) {
		crashed_in_boot();
	} else if (bootargs_have(dtb, "ffa=wait")) {
		long_request();
	} else if (bootargs_have(dtb, "ffa=two")) {
		two_partitions();
	} else if (bootargs_have(dtb, "ffa=regs")) {
		registers_kept();
	} else if (bootargs_have(dtb, "ffa=notif")) {
		notif_tests(dtb, my_id);
	} else if (bootargs_have(dtb, "ffa=mem-owner")) {
		mem_owner_tests(my_id);
	} else if (bootargs_have(dtb, "ffa=mem-hold")) {
		mem_hold_tests(my_id);
	} else if (bootargs_have(dtb, "ffa=mem-reset")) {
		mem_reset_tests(my_id);
	} else if (bootargs_have(dtb, "ffa=mem")) {
		mem_tests(my_id);
	} else {
		discovery();
		messages();
		concurrency();
	}
	print_summary("ffaguest", passed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
