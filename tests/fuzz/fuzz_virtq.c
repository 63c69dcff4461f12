/* libFuzzer target: whatever a guest writes into its rings and descriptor tables, the
 * walker only hands out buffers inside guest RAM, never loops, and reports a broken
 * queue instead of trusting it; and every chain it hands out, decoded as a virtio-blk
 * request, yields data and a status byte inside that chain's own buffers and a range
 * inside the disk. The input is the guest RAM image plus the queue setup.
 *
 * Then the transport: the input is also a script of register writes (any register,
 * any value, ring addresses mostly near RAM), pops, and completions of chains taken
 * earlier, interleaved as a driver on one vCPU and a disk completing on another CPU
 * would (both under the device lock). Asserted: a live queue only ever has a layout
 * that checks out; a completion is written only into the queue, same layout and epoch,
 * its chain came from, and otherwise changes no byte of RAM; nothing past RAM changes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <triad/virtio_blk.h>
#include <triad/virtio_mmio.h>
#include <triad/virtq.h>

#define RAM_SIZE 0x4000UL
#define GUARD	 0x10000UL
#include "../unit/guest_ram.h"

/* Whether [p, p + len) lies inside one of the chain's buffers (of the given direction). */
static int in_chain(const struct virtq_chain *c, const uint8_t *p, uint64_t len, int writes)
{
	for (unsigned i = 0; i < c->nseg; i++)
		if (c->seg[i].device_writes == writes && p >= c->seg[i].ptr &&
		    p + len <= c->seg[i].ptr + c->seg[i].len)
			return 1;
	return 0;
}

#define DISK_SECTORS 1000

static void check_blk_request(const struct virtq_chain *c)
{
	struct vblk_plan p;
	int st = vblk_plan(c, DISK_SECTORS, false, &p);
	if (st < 0)
		return; /* no status byte: the device marks the queue broken */
	/* The status byte is the last byte the device may write (5.2.6.2): the end of the
	 * last device-writable buffer. (Buffers may alias: that is the guest's business.) */
	const struct virtq_seg *last = NULL;
	for (unsigned i = 0; i < c->nseg; i++)
		if (c->seg[i].device_writes)
			last = &c->seg[i];
	if (!last || p.status != last->ptr + last->len - 1)
		__builtin_trap();
	if (st != VIRTIO_BLK_S_OK)
		return;
	uint64_t total = 0;
	int writes = p.type != VIRTIO_BLK_T_OUT;
	for (unsigned i = 0; i < p.ndata; i++) {
		const uint8_t *d = (const uint8_t *)(uintptr_t)p.data[i].addr;
		if (!p.data[i].len || !in_chain(c, d, p.data[i].len, writes))
			__builtin_trap();
		total += p.data[i].len;
	}
	if (total != p.data_len)
		__builtin_trap();
	if ((p.type == VIRTIO_BLK_T_IN || p.type == VIRTIO_BLK_T_OUT) &&
	    (p.data_len % 512 || p.sector > DISK_SECTORS ||
	     p.data_len / 512 > DISK_SECTORS - p.sector))
		__builtin_trap();
}

static const struct virtio_dev_ops fuzz_ops = {.device_id = 2, .nr_queues = 2};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The transport's registers, as the script names them. */
static const uint32_t regs[] = {
    VMMIO_DEVICE_FEATURES_SEL, VMMIO_DRIVER_FEATURES,  VMMIO_DRIVER_FEATURES_SEL,
    VMMIO_QUEUE_SEL,	       VMMIO_QUEUE_NUM,	       VMMIO_QUEUE_READY,
    VMMIO_QUEUE_NOTIFY,	       VMMIO_INTERRUPT_ACK,    VMMIO_STATUS,
    VMMIO_QUEUE_DESC_LOW,      VMMIO_QUEUE_DESC_HIGH,  VMMIO_QUEUE_DRIVER_LOW,
    VMMIO_QUEUE_DRIVER_HIGH,   VMMIO_QUEUE_DEVICE_LOW, VMMIO_QUEUE_DEVICE_HIGH,
};

static void check_live_queues(const struct virtio_mmio *t, const struct virtq_mem *mem)
{
	for (unsigned i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		if (t->vq[i].ready && (i >= t->ops->nr_queues || virtq_check(&t->vq[i], mem)))
			__builtin_trap();
}

struct taken {
	unsigned qi;
	uint32_t epoch;
	uint16_t head;
};

/* Six bytes per step: what, a selector, a 32-bit value. */
static void run_script(const uint8_t *op, size_t len, const struct virtq_mem *mem)
{
	static struct virtio_mmio t;
	static uint8_t before[RAM_SIZE];
	struct taken inflight[64];
	unsigned n = 0;
	memset(&t, 0, sizeof(t));
	virtio_mmio_init(&t, &fuzz_ops, NULL);
	for (; len >= 6; op += 6, len -= 6) {
		uint8_t sel = op[1];
		uint32_t v = le32(op + 2);
		const char *why = NULL;
		switch (op[0] % 8) {
		case 0: { /* a register write; ring addresses mostly in or near RAM */
			uint32_t off = regs[sel % (sizeof(regs) / sizeof(regs[0]))];
			bool low = off == VMMIO_QUEUE_DESC_LOW || off == VMMIO_QUEUE_DRIVER_LOW ||
				   off == VMMIO_QUEUE_DEVICE_LOW;
			if (low && (sel & 0x80)) /* aligned for any ring, now and then past RAM */
				v = (uint32_t)RAM_IPA + (v % (RAM_SIZE + 0x100) & ~15U);
			if (off == VMMIO_STATUS && (sel & 0x80))
				v = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				    VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK;
			if (off == VMMIO_QUEUE_NUM && (sel & 0x80))
				v = 1U << (v % 11);
			virtio_mmio_write(&t, mem, off, 4, v);
			break;
		}
		case 1: { /* the device takes a chain */
			unsigned qi = sel % 2;
			if (!t.vq[qi].ready || n == 64)
				break;
			struct virtq_chain c;
			uint32_t epoch = t.vq[qi].epoch;
			enum virtq_status s = virtq_pop(&t.vq[qi], mem, &c, &why);
			if (s == VIRTQ_BROKEN)
				virtio_mmio_set_broken(&t);
			if (s != VIRTQ_OK)
				break;
			for (unsigned i = 0; i < c.nseg; i++)
				if (c.seg[i].ptr < ram ||
				    c.seg[i].ptr + c.seg[i].len > ram + RAM_SIZE)
					__builtin_trap();
			inflight[n++] = (struct taken){qi, epoch, c.head};
			break;
		}
		case 2: { /* a chain taken earlier completes */
			if (!n)
				break;
			unsigned j = sel % n;
			struct taken k = inflight[j];
			inflight[j] = inflight[--n];
			const struct virtq *q = &t.vq[k.qi];
			bool same = q->ready && q->epoch == k.epoch && virtio_mmio_live(&t);
			memcpy(before, ram, RAM_SIZE);
			enum virtio_push r =
			    virtio_mmio_push(&t, mem, k.qi, k.epoch, k.head, v, &why);
			if ((r == VIRTIO_STALE) != !same || r == VIRTIO_BROKEN)
				__builtin_trap(); /* a checked layout never leaves RAM */
			if (r == VIRTIO_STALE && memcmp(before, ram, RAM_SIZE))
				__builtin_trap(); /* a dropped completion writes nothing */
			if (r == VIRTIO_PUSHED) {
				/* Into its own queue's used ring: the index published there. */
				uint16_t idx;
				memcpy(&idx, ram + (q->used_ipa + 2 - RAM_IPA), 2);
				if (idx != q->next_used)
					__builtin_trap();
			}
			break;
		}
		case 3:
			virtio_mmio_set_broken(&t);
			break;
		case 4: {
			uint64_t val;
			virtio_mmio_read(&t, (sel % 64) * 4, 4, &val);
			break;
		}
		case 5: { /* the driver sets a queue up whole and goes live (or tries to) */
			uint32_t base = (uint32_t)RAM_IPA + (v % RAM_SIZE & ~15U);
			uint32_t num = 1U << (sel % 6);
			const uint32_t w[][2] = {
			    {VMMIO_QUEUE_SEL, sel / 64 % 2},
			    {VMMIO_QUEUE_NUM, num},
			    {VMMIO_QUEUE_DESC_LOW, base},
			    {VMMIO_QUEUE_DESC_HIGH, 0},
			    {VMMIO_QUEUE_DRIVER_LOW, base + 16 * num},
			    {VMMIO_QUEUE_DRIVER_HIGH, 0},
			    {VMMIO_QUEUE_DEVICE_LOW, (base + 18 * num + 6 + 3) & ~3U},
			    {VMMIO_QUEUE_DEVICE_HIGH, 0},
			    {VMMIO_QUEUE_READY, 1},
			    {VMMIO_STATUS, 0xb /* ACK, DRIVER, FEATURES_OK */},
			    {VMMIO_STATUS, 0xf /* and DRIVER_OK */}};
			for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++)
				virtio_mmio_write(&t, mem, w[i][0], 4, w[i][1]);
			break;
		}
		case 6: { /* the driver offers descriptor `head` (one buffer) on a live queue */
			const struct virtq *q = &t.vq[sel % 2];
			if (!q->ready)
				break;
			uint16_t head = (uint16_t)(v % q->size), idx;
			uint8_t *d = ram + (q->desc_ipa - RAM_IPA) + 16 * head;
			uint64_t addr = RAM_IPA + (v >> 8) % RAM_SIZE;
			uint32_t len = 1 + v % 64;
			uint16_t flags = (v >> 16) & 2; /* WRITE or not */
			memcpy(d, &addr, 8);
			memcpy(d + 8, &len, 4);
			memcpy(d + 12, &flags, 2);
			uint8_t *avail = ram + (q->avail_ipa - RAM_IPA);
			memcpy(&idx, avail + 2, 2);
			memcpy(avail + 4 + 2 * (idx % q->size), &head, 2);
			idx++;
			memcpy(avail + 2, &idx, 2);
			break;
		}
		default: { /* a snapshot round trip */
			struct virtio_mmio_saved s;
			virtio_mmio_save(&t, &s);
			if (!virtio_mmio_restore(&t, mem, &s))
				__builtin_trap(); /* its own state always restores */
			break;
		}
		}
		check_live_queues(&t, mem);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	/* The same bytes are read twice: as a script for the transport (from zeroed RAM),
	 * then as the RAM image for a queue set up by the header. */
	struct virtq q = {
	    .size = (uint16_t)(1U << (data[0] % 8)),
	    .desc_ipa = RAM_IPA + 16 * (uint64_t)(data[1] % 64),
	    .avail_ipa = RAM_IPA + 0x1000 + 2 * (uint64_t)data[2],
	    .used_ipa = RAM_IPA + 0x2000 + 4 * (uint64_t)data[3],
	    .next_avail = (uint16_t)(data[4] | data[5] << 8),
	    .ready = true,
	};
	q.next_used = q.next_avail;
	memset(ram, 0, sizeof(ram));
	const struct virtq_mem mem = {map, NULL};
	run_script(data + 8, size - 8, &mem);
	for (uint64_t i = RAM_SIZE; i < sizeof(ram); i++)
		if (ram[i])
			__builtin_trap(); /* nothing past RAM changes */
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + 8, size - 8 < RAM_SIZE ? size - 8 : RAM_SIZE);
	if (virtq_check(&q, &mem))
		return 0;
	for (unsigned n = 0; n < 2 * (unsigned)q.size + 2; n++) {
		struct virtq_chain c;
		const char *why = NULL;
		enum virtq_status s = virtq_pop(&q, &mem, &c, &why);
		if (s != VIRTQ_OK) {
			if (s == VIRTQ_BROKEN && !why)
				__builtin_trap(); /* a broken queue always says why */
			break;
		}
		uint64_t in = 0, out = 0;
		for (unsigned i = 0; i < c.nseg; i++) {
			/* Every buffer lies inside guest RAM. */
			if (c.seg[i].ptr < ram || c.seg[i].ptr + c.seg[i].len > ram + RAM_SIZE)
				__builtin_trap();
			*(c.seg[i].device_writes ? &in : &out) += c.seg[i].len;
			if (c.seg[i].device_writes)
				memset(c.seg[i].ptr, 0xa5, c.seg[i].len);
		}
		if (in != c.in_len || out != c.out_len || c.head >= q.size)
			__builtin_trap();
		check_blk_request(&c);
		virtq_push(&q, &mem, c.head, (uint32_t)in, &why);
		virtq_wants_interrupt(&q, &mem);
	}
	return 0;
}
