/* The CFI flash's command state machine (Intel/Sharp command set): include/triad/vcfi.h. */
#include <string.h>
#include <triad/errno.h>
#include <triad/vcfi.h>

#define MANUFACTURER_ID 0x89 /* the IDs QEMU's virt gives its banks */
#define DEVICE_ID	0x18
#define CHIP_BLOCK	(VCFI_BLOCK_SIZE / 2) /* each chip's half of a block */

static bool bit(const uint64_t *map, uint32_t block)
{
	return map[block / 64] >> (block % 64) & 1;
}

static void set_bit(uint64_t *map, uint32_t block, bool on)
{
	if (on)
		map[block / 64] |= 1ULL << (block % 64);
	else
		map[block / 64] &= ~(1ULL << (block % 64));
}

bool vcfi_init(struct vcfi *f, uint8_t *store, uint32_t size)
{
	if (!size || size % VCFI_BLOCK_SIZE || size / VCFI_BLOCK_SIZE > VCFI_MAX_BLOCKS)
		return false;
	f->store = store;
	f->size = size;
	vcfi_reset(f);
	return true;
}

void vcfi_reset(struct vcfi *f)
{
	f->mode = VCFI_READ_ARRAY;
	f->status = VCFI_SR_READY;
	f->buf_start = f->buf_words = f->buf_filled = 0;
	/* Unlocked at power-on, as QEMU's flash (a P30 would start locked). */
	memset(f->locked, 0, sizeof(f->locked));
	memset(f->locked_down, 0, sizeof(f->locked_down));
}

/* One chip's CFI query table, by word index (JEDEC JESD68.01): "QRY", the Intel command
 * set, timeouts, its size, buffer and single erase-block region. */
static uint16_t query(const struct vcfi *f, uint32_t index)
{
	uint32_t chip_size = f->size / 2, blocks = f->size / VCFI_BLOCK_SIZE;
	unsigned size_log2 = 31 - (unsigned)__builtin_clz(chip_size);
	switch (index) {
	case 0x10:
		return 'Q';
	case 0x11:
		return 'R';
	case 0x12:
		return 'Y';
	case 0x13:
		return 0x01; /* primary command set: Intel/Sharp extended */
	case 0x15:
		return 0x31; /* its extended table */
	case 0x1b:
		return 0x45; /* Vcc 4.5 .. 5.5 V */
	case 0x1c:
		return 0x55;
	case 0x1f:
		return 0x07; /* typical word program 2^7 us */
	case 0x20:
		return 0x07; /* buffer program */
	case 0x21:
		return 0x0a; /* block erase 2^10 ms */
	case 0x23:
	case 0x24:
	case 0x25:
		return 0x04; /* max = typical * 2^4 */
	case 0x27:
		return (uint16_t)size_log2;
	case 0x28:
		return 0x01; /* x16 interface */
	case 0x2a:
		return 9; /* write buffer 2^9 bytes: VCFI_BUFFER_WORDS of this chip's */
	case 0x2c:
		return 1; /* one erase-block region */
	case 0x2d:
		return (uint16_t)((blocks - 1) & 0xff);
	case 0x2e:
		return (uint16_t)((blocks - 1) >> 8);
	case 0x2f:
		return (uint16_t)((CHIP_BLOCK / 256) & 0xff);
	case 0x30:
		return (uint16_t)((CHIP_BLOCK / 256) >> 8);
	case 0x31:
		return 'P';
	case 0x32:
		return 'R';
	case 0x33:
		return 'I';
	case 0x34:
		return '1';
	case 0x35:
		return '1';
	default:
		return 0;
	}
}

/* What one chip answers at bank word `off` in the current mode. */
static uint16_t chip_word(const struct vcfi *f, uint32_t off)
{
	uint32_t block = off / VCFI_BLOCK_SIZE;
	switch (f->mode) {
	case VCFI_READ_ID:
		switch (off % VCFI_BLOCK_SIZE / 4) {
		case 0:
			return off < VCFI_BLOCK_SIZE ? MANUFACTURER_ID : 0;
		case 1:
			return off < VCFI_BLOCK_SIZE ? DEVICE_ID : 0;
		case 2:
			return (uint16_t)(bit(f->locked, block) | bit(f->locked_down, block) << 1);
		default:
			return 0;
		}
	case VCFI_QUERY:
		return query(f, off / 4);
	default:
		return f->status; /* every mode but read-array and the two above */
	}
}

static uint32_t bank_word(const struct vcfi *f, uint32_t off)
{
	uint32_t w;
	if (f->mode == VCFI_READ_ARRAY) {
		memcpy(&w, f->store + off, 4);
		return w;
	}
	w = chip_word(f, off);
	return w | w << 16;
}

enum vcfi_result vcfi_read(const struct vcfi *f, uint32_t off, unsigned size, uint64_t *val)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) || off >= f->size ||
	    size > f->size - off)
		return VCFI_BAD_ACCESS;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		uint32_t at = off + i;
		v |= (uint64_t)(bank_word(f, at & ~3U) >> 8 * (at & 3) & 0xff) << 8 * i;
	}
	*val = v;
	return VCFI_DONE;
}

static enum vcfi_result fail(struct vcfi *f, uint8_t sr, const char *msg, const char **why)
{
	f->status |= sr;
	f->mode = VCFI_READ_STATUS;
	*why = msg;
	return VCFI_ERROR;
}

/* A command is one byte written to both chips; anything else is a sequence error. */
static int command_byte(uint32_t v)
{
	return (v & 0xff) == (v >> 16 & 0xff) ? (int)(v & 0xff) : -1;
}

static enum vcfi_result program(struct vcfi *f, uint32_t off, const uint32_t *words, uint32_t n,
				const char **why)
{
	if (bit(f->locked, off / VCFI_BLOCK_SIZE))
		return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_LOCKED, "program of a locked block",
			    why);
	/* Programming only clears bits; erasing sets them again. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w;
		memcpy(&w, f->store + off + 4 * i, 4);
		w &= words[i];
		memcpy(f->store + off + 4 * i, &w, 4);
	}
	f->mode = VCFI_READ_STATUS;
	return VCFI_DONE;
}

static enum vcfi_result command(struct vcfi *f, uint32_t off, int cmd, const char **why)
{
	switch (cmd) {
	case 0xff:
		f->mode = VCFI_READ_ARRAY;
		return VCFI_DONE;
	case 0x70:
		f->mode = VCFI_READ_STATUS;
		return VCFI_DONE;
	case 0x90:
		f->mode = VCFI_READ_ID;
		return VCFI_DONE;
	case 0x98:
		f->mode = VCFI_QUERY;
		return VCFI_DONE;
	case 0x50: /* clear status */
		f->status = VCFI_SR_READY;
		f->mode = VCFI_READ_ARRAY;
		return VCFI_DONE;
	case 0x40:
	case 0x10:
		f->mode = VCFI_PROGRAM;
		return VCFI_DONE;
	case 0x20:
		f->mode = VCFI_ERASE_CONFIRM;
		return VCFI_DONE;
	case 0x60:
		f->mode = VCFI_LOCK_CONFIRM;
		return VCFI_DONE;
	case 0xe8:
		f->buf_start = off;
		f->mode = VCFI_BUFFER_COUNT;
		return VCFI_DONE;
	default:
		return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR, "unknown command", why);
	}
}

static enum vcfi_result buffer_count(struct vcfi *f, uint32_t v, const char **why)
{
	uint32_t lo = v & 0xffff, n = lo + 1;
	if (lo != v >> 16)
		return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR,
			    "buffered program: the chips were given different counts", why);
	if (n > VCFI_BUFFER_WORDS)
		return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR,
			    "buffered program: more words than the buffer holds", why);
	uint32_t end = f->buf_start + 4 * n;
	if (end > f->size || (end - 1) / VCFI_BLOCK_SIZE != f->buf_start / VCFI_BLOCK_SIZE)
		return fail(f, VCFI_SR_PROGRAM_ERROR,
			    "buffered program past the end of its block or of the bank", why);
	f->buf_words = n;
	f->buf_filled = 0;
	memset(f->buf, 0xff, sizeof(f->buf));
	f->mode = VCFI_BUFFER_DATA;
	return VCFI_DONE;
}

enum vcfi_result vcfi_write(struct vcfi *f, uint32_t off, unsigned size, uint64_t val,
			    const char **why)
{
	*why = NULL;
	if (size != 4 || off % 4 || off >= f->size)
		return VCFI_BAD_ACCESS;
	uint32_t v = (uint32_t)val, block = off / VCFI_BLOCK_SIZE;
	int cmd = command_byte(v);
	switch (f->mode) {
	case VCFI_PROGRAM:
		return program(f, off, &v, 1, why);
	case VCFI_ERASE_CONFIRM:
		if (cmd != 0xd0)
			return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR,
				    "block erase not confirmed", why);
		if (bit(f->locked, block))
			return fail(f, VCFI_SR_ERASE_ERROR | VCFI_SR_LOCKED,
				    "erase of a locked block", why);
		memset(f->store + block * VCFI_BLOCK_SIZE, 0xff, VCFI_BLOCK_SIZE);
		f->mode = VCFI_READ_STATUS;
		return VCFI_DONE;
	case VCFI_LOCK_CONFIRM:
		f->mode = VCFI_READ_STATUS;
		if (cmd == 0x01 || cmd == 0x2f) {
			set_bit(f->locked, block, true);
			if (cmd == 0x2f)
				set_bit(f->locked_down, block, true);
		} else if (cmd == 0xd0) {
			if (bit(f->locked_down, block))
				return fail(f, VCFI_SR_ERASE_ERROR | VCFI_SR_LOCKED,
					    "unlock of a locked-down block", why);
			set_bit(f->locked, block, false);
		} else {
			return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR,
				    "lock setup followed by no lock command", why);
		}
		return VCFI_DONE;
	case VCFI_BUFFER_COUNT:
		return buffer_count(f, v, why);
	case VCFI_BUFFER_DATA:
		if (off < f->buf_start || off - f->buf_start >= 4 * f->buf_words)
			return fail(f, VCFI_SR_PROGRAM_ERROR,
				    "buffered program: a word outside the buffer's range", why);
		f->buf[(off - f->buf_start) / 4] &= v;
		if (++f->buf_filled == f->buf_words)
			f->mode = VCFI_BUFFER_CONFIRM;
		return VCFI_DONE;
	case VCFI_BUFFER_CONFIRM:
		if (cmd != 0xd0)
			return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR,
				    "buffered program not confirmed", why);
		return program(f, f->buf_start, f->buf, f->buf_words, why);
	default:
		if (cmd < 0)
			return fail(f, VCFI_SR_PROGRAM_ERROR | VCFI_SR_ERASE_ERROR,
				    "the chips were given different commands", why);
		return command(f, off, cmd, why);
	}
}

/* ---- snapshots ---- */

#define PAGE 4096u

static uint32_t map_words(const struct vcfi *f)
{
	return (f->size / PAGE + 63) / 64;
}

static bool page_erased(const uint8_t *p)
{
	for (uint32_t i = 0; i < PAGE; i++)
		if (p[i] != 0xff)
			return false;
	return true;
}

long vcfi_save(const struct vcfi *f, void *buf, size_t len)
{
	uint8_t *out = buf;
	struct vcfi_saved s = {.size = f->size,
			       .mode = f->mode,
			       .status = f->status,
			       .buf_start = f->buf_start,
			       .buf_words = f->buf_words,
			       .buf_filled = f->buf_filled};
	memcpy(s.buf, f->buf, sizeof(s.buf));
	memcpy(s.locked, f->locked, sizeof(s.locked));
	memcpy(s.locked_down, f->locked_down, sizeof(s.locked_down));
	size_t map_at = sizeof(s), at = map_at + map_words(f) * 8u;
	if (len < at)
		return -ENOSPC;
	memcpy(out, &s, sizeof(s));
	memset(out + map_at, 0, at - map_at);
	for (uint32_t pg = 0; pg < f->size / PAGE; pg++) {
		const uint8_t *p = f->store + (size_t)pg * PAGE;
		if (page_erased(p))
			continue;
		if (len - at < PAGE)
			return -ENOSPC;
		out[map_at + pg / 8] |= (uint8_t)(1u << (pg % 8));
		memcpy(out + at, p, PAGE);
		at += PAGE;
	}
	return (long)at;
}

/* What the state machine can reach from power-on (vcfi_write), nothing else. */
static bool saved_state_ok(const struct vcfi *f, const struct vcfi_saved *s)
{
	const uint8_t status_bits =
	    VCFI_SR_READY | VCFI_SR_ERASE_ERROR | VCFI_SR_PROGRAM_ERROR | VCFI_SR_LOCKED;
	if (s->size != f->size || s->reserved || s->reserved2 || s->mode > VCFI_BUFFER_CONFIRM ||
	    !(s->status & VCFI_SR_READY) || s->status & ~status_bits)
		return false;
	if (s->buf_start % 4 || s->buf_start >= f->size || s->buf_words > VCFI_BUFFER_WORDS ||
	    s->buf_filled > s->buf_words)
		return false;
	/* A buffered program stays within its block (buffer_count checked it). */
	uint32_t end = s->buf_start + 4 * s->buf_words;
	if (s->buf_words &&
	    (end > f->size || (end - 1) / VCFI_BLOCK_SIZE != s->buf_start / VCFI_BLOCK_SIZE))
		return false;
	bool filling = s->mode == VCFI_BUFFER_DATA || s->mode == VCFI_BUFFER_CONFIRM;
	if (filling &&
	    (!s->buf_words || (s->mode == VCFI_BUFFER_DATA) == (s->buf_filled == s->buf_words)))
		return false;
	uint32_t blocks = f->size / VCFI_BLOCK_SIZE;
	for (uint32_t b = 0; b < VCFI_MAX_BLOCKS; b++)
		if ((b >= blocks && bit(s->locked, b)) ||
		    (bit(s->locked_down, b) && !bit(s->locked, b)))
			return false;
	return true;
}

int vcfi_restore(struct vcfi *f, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	struct vcfi_saved s;
	size_t map_at = sizeof(s), at = map_at + map_words(f) * 8u;
	if (len < at)
		return -EINVAL;
	memcpy(&s, in, sizeof(s));
	if (!saved_state_ok(f, &s))
		return -EINVAL;
	uint32_t pages = f->size / PAGE, present = 0;
	for (uint32_t i = 0; i < map_words(f) * 64; i++) {
		bool on = in[map_at + i / 8] >> (i % 8) & 1;
		if (on && i >= pages)
			return -EINVAL;
		present += on;
	}
	if (len - at != (size_t)present * PAGE)
		return -EINVAL;
	for (uint32_t pg = 0; pg < pages; pg++) {
		uint8_t *p = f->store + (size_t)pg * PAGE;
		if (in[map_at + pg / 8] >> (pg % 8) & 1) {
			memcpy(p, in + at, PAGE);
			at += PAGE;
		} else {
			memset(p, 0xff, PAGE);
		}
	}
	f->mode = s.mode;
	f->status = s.status;
	f->buf_start = s.buf_start;
	f->buf_words = s.buf_words;
	f->buf_filled = s.buf_filled;
	memcpy(f->buf, s.buf, sizeof(f->buf));
	memcpy(f->locked, s.locked, sizeof(f->locked));
	memcpy(f->locked_down, s.locked_down, sizeof(f->locked_down));
	return 0;
}
