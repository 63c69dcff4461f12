/*
 * Emulated CFI NOR flash with the Intel/Sharp command set, laid out as QEMU's virt flash
 * banks (pflash_cfi01): two x16 chips side by side, so a 32-bit bank word holds one 16-bit
 * word of each and every command is written to both halves at once. Erase blocks of
 * 256 KiB. The guest firmware's (EDK2's) variable store. Pure logic, host-tested: the
 * caller maps the store for plain reads while vcfi_reads_array() says so and traps the
 * rest to vcfi_read / vcfi_write.
 */
#ifndef TRIAD_VCFI_H
#define TRIAD_VCFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VCFI_BLOCK_SIZE	  0x40000U /* QEMU virt's sector-length */
#define VCFI_MAX_BLOCKS	  256U	   /* a 64 MiB bank, as QEMU's */
#define VCFI_BUFFER_WORDS 128U	   /* bank words in one buffered program */

/* Status register bits (each chip's; reads show them in both halves). */
#define VCFI_SR_READY	      0x80
#define VCFI_SR_ERASE_ERROR   0x20
#define VCFI_SR_PROGRAM_ERROR 0x10
#define VCFI_SR_LOCKED	      0x02

enum vcfi_mode {
	VCFI_READ_ARRAY, /* reads return the store */
	VCFI_READ_STATUS,
	VCFI_READ_ID,
	VCFI_QUERY,
	VCFI_PROGRAM,	     /* after 0x40/0x10: the next write is the data */
	VCFI_ERASE_CONFIRM,  /* after 0x20: the next write must be 0xd0 */
	VCFI_LOCK_CONFIRM,   /* after 0x60: 0x01 lock, 0xd0 unlock, 0x2f lock down */
	VCFI_BUFFER_COUNT,   /* after 0xe8: the next write is the word count - 1 */
	VCFI_BUFFER_DATA,    /* then the words */
	VCFI_BUFFER_CONFIRM, /* then 0xd0 programs them */
};

struct vcfi {
	uint8_t *store; /* the bank's contents, size bytes */
	uint32_t size;	/* a whole number of blocks, at most VCFI_MAX_BLOCKS */
	uint8_t mode;	/* enum vcfi_mode */
	uint8_t status; /* one chip's status register */
	uint32_t buf_start, buf_words, buf_filled; /* the buffered program under way */
	uint32_t buf[VCFI_BUFFER_WORDS];	   /* its words, all ones where none came */
	uint64_t locked[VCFI_MAX_BLOCKS / 64], locked_down[VCFI_MAX_BLOCKS / 64];
};

enum vcfi_result {
	VCFI_DONE,	 /* a read, or a write the flash took */
	VCFI_ERROR,	 /* a write the flash refused: its status says why, and so does *why */
	VCFI_BAD_ACCESS, /* no flash cycle: a write not of a whole aligned bank word, a read
			    past the end (the caller aborts the access) */
};

/* Power-on: contents kept (flash keeps them), read-array mode, status ready, unlocked. A
 * size that is not a whole number of blocks (or too many) gives false. */
bool vcfi_init(struct vcfi *f, uint8_t *store, uint32_t size);
void vcfi_reset(struct vcfi *f);
/* Whether reads return the store (the caller can map it for reads: read-array mode). */
static inline bool vcfi_reads_array(const struct vcfi *f)
{
	return f->mode == VCFI_READ_ARRAY;
}
/* Snapshots: the state (mode, status, a buffered program under way, lock bits) and the
 * contents, of which only the 4 KiB pages that are not erased (all ones):
 *   struct vcfi_saved; a u64 bitmap of the pages that follow (a bit per page, size / 4 KiB
 *   bits rounded up to whole words); those pages, in order.
 * vcfi_save returns the bytes written or -ENOSPC; vcfi_restore checks a saved state (it
 * may come from a file) against this flash's size and takes it, or returns -EINVAL and
 * changes nothing. */
struct vcfi_saved {
	uint32_t size;
	uint8_t mode, status;
	uint16_t reserved;
	uint32_t buf_start, buf_words, buf_filled, reserved2;
	uint32_t buf[VCFI_BUFFER_WORDS];
	uint64_t locked[VCFI_MAX_BLOCKS / 64], locked_down[VCFI_MAX_BLOCKS / 64];
};
long vcfi_save(const struct vcfi *f, void *buf, size_t len);
int vcfi_restore(struct vcfi *f, const void *buf, size_t len);

enum vcfi_result vcfi_read(const struct vcfi *f, uint32_t off, unsigned size, uint64_t *val);
enum vcfi_result vcfi_write(struct vcfi *f, uint32_t off, unsigned size, uint64_t val,
			    const char **why);

#endif
