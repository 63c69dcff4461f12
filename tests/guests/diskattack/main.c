/* The disk attacker: a bare-metal guest that drives its virtio-blk device (virtio-mmio)
 * the way issue 19 did, to check that Triad keeps it inside its own memory and disk
 * range. Two modes, by command line:
 *
 * - default: rounds of ~40 disk requests (reads of 128 KiB, a write at the end of its
 *   range, one write across it), a notify, and then, without a reset, QueueReady=0,
 *   QueueNum=0 and the used ring moved to the last 8 bytes of its RAM. The requests
 *   then completing must go nowhere: the guest checks that the moved "ring" was never
 *   written (a canary VM whose memory follows this one checks its own side).
 * - "diskattack.reset": reads in flight, then SYSTEM_RESET. Its rings are in its image's
 *   initialized data, so a reload brings them back with requests still to take: if the
 *   disk went on after the memory was reloaded, data lands in the reloaded memory. After
 *   the reset (the RTC tells: it set it to 1970), it checks that the memory its reads
 *   went to reads as zero, as a reset VM's memory must. */
#include "../lib/guest.h"

#define RAM_SIZE   (32UL << 20) /* the test gives it 32 MB */
#define RAM_END	   (RAM_BASE + RAM_SIZE)
#define RTC	   0x09010000UL
#define SLOTS	   0x0a000000UL /* virtio-mmio windows, 0x200 apart */
#define PSCI_RESET 0x84000009UL

#define STATUS_ACK	   1
#define STATUS_DRIVER	   2
#define STATUS_DRIVER_OK   4
#define STATUS_FEATURES_OK 8
#define STATUS_NEEDS_RESET 64

#define DESC_F_NEXT  1
#define DESC_F_WRITE 2

#define REQ_LEN (128UL << 10)
#define NREQ	40

static uint64_t blk; /* the disk's window */

static void say(const char *s)
{
	puts_("diskattack: ");
	puts_(s);
}

static void fail(const char *s)
{
	say("FAIL ");
	puts_(s);
	puts_("\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		;
}

static void delay_ms(uint64_t ms)
{
	uint64_t end = counter() + read_sysreg(cntfrq_el0) / 1000 * ms;
	while (counter() < end)
		;
}

/* The first virtio-mmio window with a block device. */
static uint64_t find_disk(void)
{
	for (unsigned i = 0; i < 32; i++) {
		uint64_t w = SLOTS + 0x200 * i;
		if (rd32(w) == 0x74726976 && rd32(w + 8) == 2)
			return w;
	}
	fail("no virtio-blk device");
	return 0;
}

/* Reset, VERSION_1 only, queue 0 with `num` entries at the given rings, live. */
static void setup(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr32(blk + 0x70, 0);
	wr32(blk + 0x70, STATUS_ACK | STATUS_DRIVER);
	wr32(blk + 0x24, 1);
	wr32(blk + 0x20, 1); /* VERSION_1 */
	wr32(blk + 0x24, 0);
	wr32(blk + 0x20, 0);
	wr32(blk + 0x70, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(rd32(blk + 0x70) & STATUS_FEATURES_OK))
		fail("features refused");
	wr32(blk + 0x30, 0);
	wr32(blk + 0x38, num);
	wr32(blk + 0x80, (uint32_t)desc);
	wr32(blk + 0x84, (uint32_t)(desc >> 32));
	wr32(blk + 0x90, (uint32_t)avail);
	wr32(blk + 0x94, (uint32_t)(avail >> 32));
	wr32(blk + 0xa0, (uint32_t)used);
	wr32(blk + 0xa4, (uint32_t)(used >> 32));
	wr32(blk + 0x44, 1);
	if (rd32(blk + 0x44) != 1)
		fail("queue not ready");
	wr32(blk + 0x70, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
}

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	wr64(table + 16 * i, addr);
	wr32(table + 16 * i + 8, len);
	wr16(table + 16 * i + 12, flags);
	wr16(table + 16 * i + 14, next);
}

/* ---- the attack on a live queue ---- */

#define A_DESC	(RAM_BASE + 0x800000)
#define A_AVAIL (A_DESC + 0x4000)
#define A_USED	(A_DESC + 0x5000)
#define A_HDR	(A_DESC + 0x8000) /* 16 bytes per request */
#define A_STAT	(A_DESC + 0x9000) /* 1 byte per request */
#define A_DATA	(RAM_BASE + 0x1000000)
#define LAST8	(RAM_END - 8)

static void request(unsigned i, uint32_t type, uint64_t sector)
{
	uint64_t hdr = A_HDR + 16 * i;
	wr32(hdr, type);
	wr32(hdr + 4, 0);
	wr64(hdr + 8, sector);
	wr16(A_STAT + i, 0xff);
	put_desc(A_DESC, 3 * i, hdr, 16, DESC_F_NEXT, (uint16_t)(3 * i + 1));
	put_desc(A_DESC, 3 * i + 1, A_DATA + REQ_LEN * i, REQ_LEN,
		 (type == 0 ? DESC_F_WRITE : 0) | DESC_F_NEXT, (uint16_t)(3 * i + 2));
	put_desc(A_DESC, 3 * i + 2, A_STAT + i, 1, DESC_F_WRITE, 0);
	wr16(A_AVAIL + 4 + 2 * i, (uint16_t)(3 * i));
}

static void attack_round(unsigned round, uint64_t sectors)
{
	for (uint64_t a = A_DESC; a < A_DESC + 0xa000; a += 8)
		wr64(a, 0);
	wr64(LAST8, 0);
	setup(256, A_DESC, A_AVAIL, A_USED);
	/* A write ending at the last sector of its range, one across it, reads within. */
	for (uint64_t a = A_DATA; a < A_DATA + REQ_LEN; a += 8)
		wr64(a, 0x6b6361747461ULL + round); /* "attack" */
	request(0, 1, sectors - REQ_LEN / 512);
	request(1, 1, sectors - REQ_LEN / 1024);
	for (unsigned i = 2; i < NREQ; i++)
		request(i, 0, (i * (REQ_LEN / 512)) % (sectors - REQ_LEN / 512));
	wr16(A_AVAIL + 2, NREQ);
	wr32(blk + 0x50, 0); /* notify: Triad takes them and sends them to the disk */
	/* At once, no reset: stop the queue, shrink it to nothing, move its used ring. */
	wr32(blk + 0x44, 0);
	wr32(blk + 0x38, 0);
	wr32(blk + 0xa0, (uint32_t)LAST8);
	wr32(blk + 0xa4, 0);
	uint32_t ready = rd32(blk + 0x44);
	delay_ms(1500); /* the disk finishes what it had */
	say("round ");
	putdec(round);
	puts_(": ready after stop ");
	putdec(ready);
	puts_(", write across the range end status ");
	putdec(rd8(A_STAT + 1));
	puts_(rd16(LAST8 + 2) || rd32(LAST8 + 4) ? ", moved ring WRITTEN\n"
						 : ", moved ring untouched\n");
}

/* After the attack the device still works once reset: one read, returned. */
static void read_after_reset(void)
{
	for (uint64_t a = A_DESC; a < A_DESC + 0xa000; a += 8)
		wr64(a, 0);
	setup(8, A_DESC, A_AVAIL, A_USED);
	request(0, 0, 0);
	put_desc(A_DESC, 1, A_DATA, 512, DESC_F_WRITE | DESC_F_NEXT, 2);
	wr16(A_AVAIL + 2, 1);
	wr32(blk + 0x50, 0);
	for (unsigned i = 0; i < 60000 && rd16(A_USED + 2) != 1; i++) /* a hang detector */
		delay_ms(1);
	say(rd16(A_USED + 2) == 1 && rd8(A_STAT) == 0 ? "read after reset ok\n"
						      : "read after reset FAILED\n");
}

/* ---- in flight across a VM reset ---- */

#define R_QSIZE	 256
#define R_CHAINS 16 /* reads of 128 KiB into [RAM_BASE, RAM_BASE + 2 MB) */
#define R_REGION (R_CHAINS * REQ_LEN)

/* In the image's initialized data: a reload puts them back as they are here, with all
 * R_QSIZE entries available. */
struct rings {
	struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} desc[R_QSIZE];
	uint16_t avail[2 + R_QSIZE];
	uint16_t pad[2];
	uint32_t used[2 + 2 * R_QSIZE];
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} hdr[R_CHAINS];
	uint8_t status[R_CHAINS];
};

#define D(i)                                                                                       \
	{(uint64_t)(uintptr_t)&r_rings.hdr[i], 16, DESC_F_NEXT, 3 * (i) + 1},                      \
	    {RAM_BASE + REQ_LEN * (i), REQ_LEN, DESC_F_WRITE | DESC_F_NEXT, 3 * (i) + 2},          \
	{                                                                                          \
		(uint64_t)(uintptr_t) & r_rings.status[i], 1, DESC_F_WRITE, 0                      \
	}
#define H(i)                                                                                       \
	{                                                                                          \
		0 /* IN */, 0, 256 * (i)                                                           \
	}
#define A4(i)  3 * (i), 3 * ((i) + 1), 3 * ((i) + 2), 3 * ((i) + 3)
#define A16(i) A4(i), A4((i) + 4), A4((i) + 8), A4((i) + 12)

static _Alignas(4096) struct rings r_rings = {
    .desc = {D(0), D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11), D(12), D(13),
	     D(14), D(15)},
    .avail = {0, R_QSIZE, A16(0), A16(0), A16(0), A16(0), A16(0), A16(0), A16(0), A16(0), A16(0),
	      A16(0), A16(0), A16(0), A16(0), A16(0), A16(0), A16(0)},
    .hdr = {H(0), H(1), H(2), H(3), H(4), H(5), H(6), H(7), H(8), H(9), H(10), H(11), H(12), H(13),
	    H(14), H(15)},
};

static void reset_with_reads_in_flight(void)
{
	if (rd32(RTC) < 100000) { /* after the reset */
		uint64_t dirty = R_REGION;
		for (uint64_t a = 0; a < R_REGION; a += 8)
			if (*(volatile uint64_t *)(RAM_BASE + a)) {
				dirty = a;
				break;
			}
		if (dirty == R_REGION) {
			say("memory after reset clean\n");
		} else {
			say("memory after reset DIRTY at offset ");
			puthex(dirty);
			puts_("\n");
		}
		hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	}
	wr32(RTC + 0x08, 1000); /* 1970: how the next boot knows */
	setup(R_QSIZE, (uint64_t)(uintptr_t)r_rings.desc, (uint64_t)(uintptr_t)r_rings.avail,
	      (uint64_t)(uintptr_t)r_rings.used);
	wr32(blk + 0x50, 0);
	say("reads in flight, resetting\n");
	hvc(PSCI_RESET, 0, 0, 0);
	fail("SYSTEM_RESET returned");
}

int main(const char *dtb)
{
	blk = find_disk();
	if (bootargs_have(dtb, "diskattack.reset"))
		reset_with_reads_in_flight();
	uint64_t sectors = (uint64_t)rd32(blk + 0x100) | (uint64_t)rd32(blk + 0x104) << 32;
	say("disk of ");
	putdec(sectors);
	puts_(" sectors at ");
	puthex(blk);
	puts_(", a key starts the attack\n");
	while (rd32(UART + 0x18) & (1U << 4)) /* RXFE: the test waits for the canary first */
		;
	rd32(UART);
	for (unsigned round = 1; round <= 6; round++)
		attack_round(round, sectors);
	read_after_reset();
	say("done\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		;
}
