// sources: devices/virtq.c
// eva: -eva-precision 5 -eva-split-return auto -eva-slevel-function virtq_pop:5000
// eva: -eva-slevel-function add_seg:1000
/* The virtqueue walker (devices/virtq.c) against a guest that writes anything into its
 * rings and tables: every access the walker makes itself is inside the VM's RAM (Eva
 * checks each load and store against the one object the accessor hands out), every buffer
 * it returns is one the accessor checked, and each call ends after a bounded number of
 * accesses. Bounded: queues of 1 to 8 entries (the loops' bounds are the queue size, the
 * same code for every size) in a 512-byte RAM whose contents are unknown; indirect tables
 * of 0 to 9 entries, at places in, across and past the end of RAM. */
#include "__fc_builtin.h"
#include <stddef.h>
#include <triad/virtq.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 512ULL
static uint8_t ram[RAM_SIZE];
static unsigned maps; /* accessor calls in this operation */

/* The VM's RAM as Triad's accessor gives it: all of [ipa, ipa + len) or nothing. */
static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	maps++;
	if (len > RAM_SIZE || ipa < RAM_BASE || ipa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return &ram[ipa - RAM_BASE];
}

static const struct virtq_mem mem = {map, NULL};

/* A live queue of 2^log2 entries, its rings packed at the start of RAM or at its end, its
 * ring indexes at 0, 1, in the middle or about to wrap. */
static void live_queue(struct virtq *q, unsigned log2, unsigned at_end, uint16_t index)
{
	q->size = (uint16_t)(1u << log2);
	uint64_t bytes =
	    16 * (uint64_t)q->size + 6 + 2 * (uint64_t)q->size + 2 + 6 + 8 * (uint64_t)q->size;
	uint64_t start = at_end ? RAM_BASE + ((RAM_SIZE - bytes) & ~15ULL) : RAM_BASE;
	q->desc_ipa = start;
	q->avail_ipa = start + 16 * (uint64_t)q->size;
	q->used_ipa = (q->avail_ipa + 6 + 2 * (uint64_t)q->size + 3) & ~3ULL;
	q->next_avail = q->next_used = index;
	q->ready = true;
}

/* The descriptor ring's flags any mix of NEXT and WRITE: indirect tables are
 * indirect_tables()'s. */
static void no_indirect(const struct virtq *q)
{
	for (unsigned k = 0; k < q->size; k++) {
		uint8_t *flags = &ram[q->desc_ipa - RAM_BASE + 16 * k + 12];
		flags[0] = (uint8_t)Frama_C_unsigned_int_interval(0, 3);
		flags[1] = 0;
	}
}

static void pop_then_push(void)
{
	struct virtq q;
	struct virtq_chain c;
	const char *why = NULL;
	unsigned log2, at_end, index;
	static const uint16_t indexes[] = {0, 1, 0x7fff, 0xfffe, 0xffff};
	/* Each choice its own state (the splits end with this function). */
	log2 = Frama_C_unsigned_int_interval(0, 3);
	//@ split log2;
	at_end = Frama_C_unsigned_int_interval(0, 1);
	//@ split at_end;
	index = Frama_C_unsigned_int_interval(0, 4);
	//@ split index;
	Frama_C_make_unknown((char *)ram, RAM_SIZE);
	live_queue(&q, log2, at_end, indexes[index]);
	const char *bad = virtq_check(&q, &mem);
	//@ assert layout_accepted: bad == \null;
	no_indirect(&q);
	maps = 0;
	uint16_t taken = q.next_avail;
	enum virtq_status r = virtq_pop(&q, &mem, &c, &why);
	/* Two avail ring accesses, at most one descriptor per queue entry, one buffer per
	 * segment: a bounded walk. */
	//@ assert pop_terminates: maps <= 2 + 2 * q.size;
	if (r == VIRTQ_OK) {
		//@ assert head_in_queue: c.head < q.size;
		//@ assert bounded_segments: c.nseg <= q.size;
		//@ assert one_taken: q.next_avail == (uint16_t)(taken + 1);
		maps = 0;
		virtq_push(&q, &mem, c.head, (uint32_t)Frama_C_unsigned_int_interval(0, ~0u), &why);
		//@ assert push_bounded: maps == 2;
	} else {
		//@ assert empty_or_broken: r == VIRTQ_EMPTY || r == VIRTQ_BROKEN;
		//@ assert nothing_taken: q.next_avail == taken;
	}
}

/* An indirect descriptor with a table of each length and place (its entries unknown):
 * the walk over it stays inside the table and the RAM. */
static void indirect_tables(void)
{
	struct virtq q;
	struct virtq_chain c;
	const char *why = NULL;
	unsigned entries, at;
	Frama_C_make_unknown((char *)ram, RAM_SIZE);
	q.size = 2;
	q.desc_ipa = RAM_BASE;	     /* 2 descriptors: 32 bytes */
	q.avail_ipa = RAM_BASE + 32; /* 10 bytes */
	q.used_ipa = RAM_BASE + 44;  /* 22 bytes */
	q.next_avail = q.next_used = 0;
	q.ready = true;
	static const unsigned places[] = {6, 7, 60, 62, 63, 64, 1000}; /* x 8 bytes */
	entries = Frama_C_unsigned_int_interval(0, 9);
	//@ split entries;
	at = Frama_C_unsigned_int_interval(0, sizeof(places) / sizeof(places[0]) - 1);
	//@ split at;
	at = places[at];
	*(uint16_t *)&ram[32 + 2] = 1;			    /* avail idx: one chain */
	*(uint16_t *)&ram[32 + 4] = 0;			    /* its head: descriptor 0 */
	*(uint64_t *)&ram[0] = RAM_BASE + 8 * (uint64_t)at; /* aligned or not, in RAM or past it */
	*(uint32_t *)&ram[8] = 16 * entries;
	*(uint16_t *)&ram[12] = 4; /* VRING_DESC_F_INDIRECT */
	maps = 0;
	enum virtq_status r = virtq_pop(&q, &mem, &c, &why);
	//@ assert indirect_terminates: maps <= 4 + entries;
	//@ assert indirect_result: r == VIRTQ_OK || r == VIRTQ_BROKEN;
	//@ assert indirect_segments: r == VIRTQ_OK ==> c.nseg <= entries;
}

int main(void)
{
	pop_then_push();
	indirect_tables();
	return 0;
}
