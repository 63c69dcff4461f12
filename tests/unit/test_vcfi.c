// sources: devices/vcfi.c
/* Host tests for the emulated CFI flash (Intel/Sharp command set, two x16 chips in a
 * 32-bit bank as QEMU's virt has them), as EDK2's NorFlashDxe drives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <triad/errno.h>
#include <triad/vcfi.h>

#define BANK	(4 * VCFI_BLOCK_SIZE)
#define DUAL(c) ((uint32_t)(c) << 16 | (c))

static uint8_t store[BANK];

static void setup(struct vcfi *f)
{
	memset(store, 0xff, sizeof(store));
	assert_true(vcfi_init(f, store, BANK));
}

static void cmd(struct vcfi *f, uint32_t off, uint32_t c)
{
	const char *why;
	assert_int_equal(vcfi_write(f, off, 4, DUAL(c), &why), VCFI_DONE);
}

static uint32_t rd(const struct vcfi *f, uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(vcfi_read(f, off, 4, &v), VCFI_DONE);
	return (uint32_t)v;
}

static uint32_t word(uint32_t off)
{
	uint32_t w;
	memcpy(&w, store + off, 4);
	return w;
}

static void read_array_reads_the_store(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	store[0x10] = 0x12, store[0x11] = 0x34;
	assert_true(vcfi_reads_array(&f));
	assert_int_equal(rd(&f, 0x10), 0xffff3412);
	uint64_t v;
	assert_int_equal(vcfi_read(&f, 0x11, 1, &v), VCFI_DONE);
	assert_int_equal(v, 0x34);
	/* Reads past the end are no flash cycle: the caller aborts them. */
	assert_int_equal(vcfi_read(&f, BANK - 4, 8, &v), VCFI_BAD_ACCESS);
	assert_false(vcfi_init(&f, store, VCFI_BLOCK_SIZE + 4));
}

static void status_id_and_query(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	cmd(&f, 0, 0x70);
	assert_false(vcfi_reads_array(&f));
	assert_int_equal(rd(&f, 0x1234), DUAL(VCFI_SR_READY));
	cmd(&f, 0, 0x90);
	assert_int_equal(rd(&f, 0), DUAL(0x89));
	assert_int_equal(rd(&f, 4), DUAL(0x18));
	assert_int_equal(rd(&f, VCFI_BLOCK_SIZE + 8), 0); /* block 1 unlocked */
	cmd(&f, 0, 0x98);
	assert_int_equal(rd(&f, 0x10 * 4), DUAL('Q'));
	assert_int_equal(rd(&f, 0x11 * 4), DUAL('R'));
	assert_int_equal(rd(&f, 0x12 * 4), DUAL('Y'));
	assert_int_equal(rd(&f, 0x13 * 4), DUAL(1));  /* Intel command set */
	assert_int_equal(rd(&f, 0x27 * 4), DUAL(19)); /* 512 KiB a chip */
	assert_int_equal(rd(&f, 0x2d * 4), DUAL(3));  /* 4 blocks */
	assert_int_equal(rd(&f, 0x30 * 4), DUAL(2));  /* of 128 KiB a chip */
	cmd(&f, 0, 0xff);
	assert_true(vcfi_reads_array(&f));
}

static void word_program_only_clears_bits(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	const char *why;
	cmd(&f, 0x100, 0x40);
	assert_int_equal(vcfi_write(&f, 0x100, 4, 0x12345678, &why), VCFI_DONE);
	assert_int_equal(rd(&f, 0x100), DUAL(VCFI_SR_READY)); /* status until read-array */
	cmd(&f, 0x100, 0x10);
	assert_int_equal(vcfi_write(&f, 0x100, 4, 0xffff00ff, &why), VCFI_DONE);
	cmd(&f, 0, 0xff);
	assert_int_equal(rd(&f, 0x100), 0x12340078);
}

static void buffered_program_and_block_erase(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	const char *why;
	uint32_t at = VCFI_BLOCK_SIZE + 0x40;
	cmd(&f, at, 0xe8);
	assert_int_equal(rd(&f, at), DUAL(VCFI_SR_READY)); /* the buffer is available */
	cmd(&f, at, 2);					   /* three words */
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(vcfi_write(&f, at + 4 * i, 4, 0xa0a0a0a0 + i, &why), VCFI_DONE);
	assert_int_equal(word(at), 0xffffffff); /* nothing before the confirm */
	cmd(&f, at, 0xd0);
	cmd(&f, 0, 0xff);
	assert_int_equal(rd(&f, at + 8), 0xa0a0a0a2);
	assert_int_equal(rd(&f, at + 12), 0xffffffff);
	/* Erase sets the whole block back to ones, and only that block. */
	store[0] = 0;
	cmd(&f, at, 0x20);
	cmd(&f, at + 0x1000, 0xd0);
	assert_int_equal(word(at + 8), 0xffffffff);
	assert_int_equal(store[0], 0);
	assert_int_equal(rd(&f, 0), DUAL(VCFI_SR_READY));
}

static void locked_blocks_refuse_program_and_erase(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	const char *why;
	uint32_t b2 = 2 * VCFI_BLOCK_SIZE;
	cmd(&f, b2, 0x60);
	cmd(&f, b2, 0x01);
	cmd(&f, 0, 0x90);
	assert_int_equal(rd(&f, b2 + 8), DUAL(1));
	cmd(&f, b2, 0x20);
	assert_int_equal(vcfi_write(&f, b2, 4, DUAL(0xd0), &why), VCFI_ERROR);
	assert_non_null(why);
	assert_int_equal(rd(&f, b2), DUAL(VCFI_SR_READY | VCFI_SR_ERASE_ERROR | VCFI_SR_LOCKED));
	cmd(&f, 0, 0x50); /* clear status */
	cmd(&f, b2, 0x40);
	assert_int_equal(vcfi_write(&f, b2, 4, 0, &why), VCFI_ERROR);
	assert_int_equal(word(b2), 0xffffffff);
	cmd(&f, 0, 0x50);
	/* Unlocked, it works; locked down, it cannot be unlocked until reset. */
	cmd(&f, b2, 0x60);
	cmd(&f, b2, 0xd0);
	cmd(&f, b2, 0x40);
	assert_int_equal(vcfi_write(&f, b2, 4, 0, &why), VCFI_DONE);
	cmd(&f, b2, 0x60);
	cmd(&f, b2, 0x2f);
	cmd(&f, b2, 0x60);
	assert_int_equal(vcfi_write(&f, b2, 4, DUAL(0xd0), &why), VCFI_ERROR);
	vcfi_reset(&f);
	assert_true(vcfi_reads_array(&f));
	assert_int_equal(rd(&f, b2), 0); /* contents survive a reset */
	cmd(&f, 0, 0x90);
	assert_int_equal(rd(&f, b2 + 8), 0);
}

static void misuse_is_reported_in_the_status(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	const char *why;
	const uint32_t seq_error =
	    DUAL(VCFI_SR_READY | VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR);
	/* An unknown command; the two chips given different ones. */
	assert_int_equal(vcfi_write(&f, 0, 4, DUAL(0xaa), &why), VCFI_ERROR);
	assert_string_equal(why, "unknown command");
	assert_int_equal(rd(&f, 0), seq_error);
	cmd(&f, 0, 0x50);
	assert_true(vcfi_reads_array(&f));
	assert_int_equal(vcfi_write(&f, 0, 4, 0x00ff0070, &why), VCFI_ERROR);
	cmd(&f, 0, 0x50);
	/* An erase not confirmed. */
	cmd(&f, 0, 0x20);
	assert_int_equal(vcfi_write(&f, 0, 4, DUAL(0xff), &why), VCFI_ERROR);
	assert_int_equal(store[0], 0xff);
	cmd(&f, 0, 0x50);
	/* Buffered programs: too long, past the bank or a block, a word outside the buffer,
	 * not confirmed. None writes anything. */
	cmd(&f, 0, 0xe8);
	assert_int_equal(vcfi_write(&f, 0, 4, DUAL(VCFI_BUFFER_WORDS), &why), VCFI_ERROR);
	cmd(&f, 0, 0x50);
	cmd(&f, BANK - 4, 0xe8);
	assert_int_equal(vcfi_write(&f, BANK - 4, 4, DUAL(1), &why), VCFI_ERROR);
	assert_int_equal(rd(&f, 0), DUAL(VCFI_SR_READY | VCFI_SR_PROGRAM_ERROR));
	cmd(&f, 0, 0x50);
	cmd(&f, VCFI_BLOCK_SIZE - 4, 0xe8);
	assert_int_equal(vcfi_write(&f, VCFI_BLOCK_SIZE - 4, 4, DUAL(1), &why), VCFI_ERROR);
	cmd(&f, 0, 0x50);
	cmd(&f, 0x100, 0xe8);
	cmd(&f, 0x100, 0);
	assert_int_equal(vcfi_write(&f, 0x104, 4, 0, &why), VCFI_ERROR);
	cmd(&f, 0, 0x50);
	cmd(&f, 0x100, 0xe8);
	cmd(&f, 0x100, 0);
	assert_int_equal(vcfi_write(&f, 0x100, 4, 0, &why), VCFI_DONE);
	assert_int_equal(vcfi_write(&f, 0x100, 4, DUAL(0xff), &why), VCFI_ERROR);
	assert_int_equal(word(0x100), 0xffffffff);
	cmd(&f, 0, 0x50);
	/* Not bank words: no flash cycle at all, nothing changes. */
	assert_int_equal(vcfi_write(&f, 0, 2, 0x70, &why), VCFI_BAD_ACCESS);
	assert_int_equal(vcfi_write(&f, 2, 4, DUAL(0x70), &why), VCFI_BAD_ACCESS);
	assert_int_equal(vcfi_write(&f, BANK, 4, DUAL(0x70), &why), VCFI_BAD_ACCESS);
	assert_true(vcfi_reads_array(&f));
	for (unsigned i = 0; i < BANK; i++)
		if (store[i] != 0xff)
			fail_msg("byte 0x%x written", i);
}

/* Snapshots: a flash in the middle of a buffered program, with a locked block and data in
 * two pages, saves only those pages and restores into an erased flash of the same size
 * that then finishes the program as the first would; bad states are refused and change
 * nothing. */
static uint8_t store2[BANK], saved[BANK + 4096];

static void save_and_restore_keep_contents_and_command_state(void **state)
{
	(void)state;
	struct vcfi f;
	setup(&f);
	cmd(&f, 0x100, 0x40);
	const char *why;
	assert_int_equal(vcfi_write(&f, 0x100, 4, 0x12345678, &why), VCFI_DONE);
	assert_int_equal(vcfi_write(&f, 3 * VCFI_BLOCK_SIZE, 4, DUAL(0x60), &why), VCFI_DONE);
	assert_int_equal(vcfi_write(&f, 3 * VCFI_BLOCK_SIZE, 4, DUAL(0x01), &why), VCFI_DONE);
	cmd(&f, 0x2000, 0xe8);
	cmd(&f, 0x2000, 1); /* two words */
	assert_int_equal(vcfi_write(&f, 0x2000, 4, 0xaabbccdd, &why), VCFI_DONE);
	assert_int_equal(vcfi_save(&f, saved, sizeof(struct vcfi_saved) + 32 + 4095), -ENOSPC);
	long n = vcfi_save(&f, saved, sizeof(saved));
	/* The header, a 256-page bitmap, page 0 (the buffer's words are not in the store yet). */
	assert_int_equal(n, sizeof(struct vcfi_saved) + 32 + 4096);

	struct vcfi g;
	memset(store2, 0x5a, sizeof(store2)); /* whatever was there: erased pages are rewritten */
	assert_true(vcfi_init(&g, store2, BANK));
	assert_int_equal(vcfi_restore(&g, saved, (size_t)n), 0);
	assert_memory_equal(store, store2, BANK);
	assert_false(vcfi_reads_array(&g));
	/* The buffered program goes on: its second word, the confirmation. */
	assert_int_equal(vcfi_write(&g, 0x2004, 4, 0x11223344, &why), VCFI_DONE);
	cmd(&g, 0x2000, 0xd0);
	assert_int_equal(word(0x2000), 0xffffffff); /* the first flash was not touched */
	uint32_t w;
	memcpy(&w, store2 + 0x2004, 4);
	assert_int_equal(w, 0x11223344);
	memcpy(&w, store2 + 0x2000, 4);
	assert_int_equal(w, 0xaabbccdd);
	/* The lock came along. */
	cmd(&g, 0, 0x50);
	assert_int_equal(vcfi_write(&g, 3 * VCFI_BLOCK_SIZE, 4, DUAL(0x20), &why), VCFI_DONE);
	assert_int_equal(vcfi_write(&g, 3 * VCFI_BLOCK_SIZE, 4, DUAL(0xd0), &why), VCFI_ERROR);
}

static void bad_saved_states_are_refused(void **state)
{
	(void)state;
	struct vcfi f, g;
	setup(&f);
	long n = vcfi_save(&f, saved, sizeof(saved));
	assert_int_equal(n, sizeof(struct vcfi_saved) + 32);
	memset(store2, 0x5a, sizeof(store2));
	assert_true(vcfi_init(&g, store2, BANK));
	struct vcfi_saved s, bad;
	memcpy(&s, saved, sizeof(s));
	struct {
		size_t off;
		uint32_t val;
		size_t size;
	} cases[] = {
	    {offsetof(struct vcfi_saved, size), BANK / 2, 4},
	    {offsetof(struct vcfi_saved, mode), VCFI_BUFFER_CONFIRM + 1, 1},
	    {offsetof(struct vcfi_saved, status), 0x00, 1},		 /* not ready */
	    {offsetof(struct vcfi_saved, status), VCFI_SR_READY | 1, 1}, /* a bit chips lack */
	    {offsetof(struct vcfi_saved, buf_start), 2, 4},
	    {offsetof(struct vcfi_saved, buf_start), BANK, 4},
	    {offsetof(struct vcfi_saved, buf_words), VCFI_BUFFER_WORDS + 1, 4},
	    {offsetof(struct vcfi_saved, buf_filled), 1, 4},	      /* more than buf_words (0) */
	    {offsetof(struct vcfi_saved, mode), VCFI_BUFFER_DATA, 1}, /* no buffer under way */
	    {offsetof(struct vcfi_saved, locked), 1u << 4, 4},	      /* block 4 of 4 */
	    {offsetof(struct vcfi_saved, locked_down), 1, 4},	      /* down but not locked */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = s;
		memcpy((uint8_t *)&bad + cases[i].off, &cases[i].val, cases[i].size);
		memcpy(saved, &bad, sizeof(bad));
		if (vcfi_restore(&g, saved, (size_t)n) != -EINVAL)
			fail_msg("case %zu accepted", i);
	}
	memcpy(saved, &s, sizeof(s));
	/* A buffer that crosses its block. */
	bad = s;
	bad.buf_start = VCFI_BLOCK_SIZE - 4;
	bad.buf_words = 2;
	memcpy(saved, &bad, sizeof(bad));
	assert_int_equal(vcfi_restore(&g, saved, (size_t)n), -EINVAL);
	memcpy(saved, &s, sizeof(s));
	/* A page claimed with no bytes, bytes with no page. */
	saved[sizeof(s) + 31] = 0x80;
	assert_int_equal(vcfi_restore(&g, saved, (size_t)n), -EINVAL);
	saved[sizeof(s) + 31] = 0;
	assert_int_equal(vcfi_restore(&g, saved, (size_t)n + 8), -EINVAL);
	assert_int_equal(vcfi_restore(&g, saved, sizeof(s)), -EINVAL);
	/* Nothing of those changed the flash. */
	for (size_t i = 0; i < BANK; i++)
		if (store2[i] != 0x5a)
			fail_msg("byte %zu changed by a refused restore", i);
	assert_int_equal(vcfi_restore(&g, saved, (size_t)n), 0);
	assert_memory_equal(store, store2, BANK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_array_reads_the_store),
	    cmocka_unit_test(status_id_and_query),
	    cmocka_unit_test(word_program_only_clears_bits),
	    cmocka_unit_test(buffered_program_and_block_erase),
	    cmocka_unit_test(locked_blocks_refuse_program_and_erase),
	    cmocka_unit_test(misuse_is_reported_in_the_status),
	    cmocka_unit_test(save_and_restore_keep_contents_and_command_state),
	    cmocka_unit_test(bad_saved_states_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
