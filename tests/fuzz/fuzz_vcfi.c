/* libFuzzer target: any sequence of guest accesses to the emulated CFI flash (commands,
 * data, reads of any size and offset) stays inside the store, never reports a device error
 * without saying why, every state it reaches saves and restores into another flash (a
 * snapshot of any VM restores), and a reset always brings back read-array mode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <triad/vcfi.h>

#define BANK (2 * VCFI_BLOCK_SIZE)

static uint8_t store[BANK], store2[BANK], saved[BANK + 4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vcfi f;
	/* Saving and restoring scans the whole bank: one input in 8, or the fuzzer crawls. */
	bool snapshot = size && (data[0] & 7) == 0;
	memset(store, 0xff, sizeof(store));
	if (!vcfi_init(&f, store, BANK))
		abort();
	while (size >= 10) {
		uint8_t op = data[0], sz = (uint8_t)(1U << (data[1] % 4));
		uint32_t off, val;
		memcpy(&off, data + 2, 4);
		memcpy(&val, data + 6, 4);
		data += 10;
		size -= 10;
		/* Mostly commands near the start, sometimes anywhere (and past the end). */
		off = op & 0x80 ? off % (BANK + 16) : off % 0x400;
		if (op & 0x40) /* a command byte written to both chips */
			val = (val & 0xff) * 0x10001U;
		const char *why = NULL;
		uint64_t v;
		switch (op % 3) {
		case 0:
		case 1:
			if (vcfi_write(&f, off, sz, val, &why) == VCFI_ERROR && !why)
				abort();
			break;
		default:
			vcfi_read(&f, off, sz, &v);
			break;
		}
		if (f.mode > VCFI_BUFFER_CONFIRM || f.buf_words > VCFI_BUFFER_WORDS ||
		    !(f.status & VCFI_SR_READY))
			abort();
	}
	long n = snapshot ? vcfi_save(&f, saved, sizeof(saved)) : 0;
	struct vcfi g;
	if (snapshot &&
	    (n < 0 || !vcfi_init(&g, store2, BANK) || vcfi_restore(&g, saved, (size_t)n) ||
	     memcmp(store, store2, BANK) || g.mode != f.mode || g.status != f.status))
		abort();
	vcfi_reset(&f);
	if (!vcfi_reads_array(&f))
		abort();
	return 0;
}
