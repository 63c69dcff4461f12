// sources: devices/vcfi.c
/* Host tests for the emulated CFI flash (Intel/Sharp command set, two x16 chips in a
 * 32-bit bank as QEMU's virt has them), as EDK2's NorFlashDxe drives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_array_reads_the_store),
	    cmocka_unit_test(status_id_and_query),
	    cmocka_unit_test(word_program_only_clears_bits),
	    cmocka_unit_test(buffered_program_and_block_erase),
	    cmocka_unit_test(locked_blocks_refuse_program_and_erase),
	    cmocka_unit_test(misuse_is_reported_in_the_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
