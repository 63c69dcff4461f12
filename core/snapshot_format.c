/* The snapshot file's container: header and sections (include/triad/snapshot_format.h). */
#include <arch/crc32.h>
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot_format.h>

#define FAIL(code, ...)                                                                            \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return code;                                                                       \
	} while (0)

/* CRC-32 (reflected, polynomial 0xedb88320): the CPU's instructions where it has them,
 * else a table eight bytes a step ("slicing by 8"). The memory section is most of a
 * snapshot and every byte of it is summed at save and at restore. */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] =
			    (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	if (arch_crc32_available())
		return ~arch_crc32_update(~crc, p, len);
	if (!crc_table[0][1])
		crc_init();
	crc = ~crc;
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
		lo ^= crc;
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/* The payload checksum: one multiply and one add per 8-byte word, inline code under TCG,
 * where the CRC32 instructions are a helper call each (docs/snapshot.md). The length goes
 * in last, so that a payload produced piece by piece (a streamed snapshot's memory) is
 * summed before its length is known. */
#define SUM_SEED 0x243f6a8885a308d3ull
#define SUM_MULT 0x9e3779b97f4a7c15ull /* odd: each step is a bijection of the state */

void snap_sum_init(struct snap_sum *s)
{
	*s = (struct snap_sum){.h = SUM_SEED};
}

static uint64_t sum_words(uint64_t h, const uint64_t *w, size_t n)
{
	for (; n >= 4; n -= 4, w += 4) {
		h = (h + w[0]) * SUM_MULT;
		h = (h + w[1]) * SUM_MULT;
		h = (h + w[2]) * SUM_MULT;
		h = (h + w[3]) * SUM_MULT;
	}
	for (; n; n--, w++)
		h = (h + *w) * SUM_MULT;
	return h;
}

void snap_sum_update(struct snap_sum *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	s->len += len;
	/* Bytes left over from the last piece complete a word first. */
	while (s->npart && len) {
		s->part |= (uint64_t)*p++ << (8 * s->npart);
		len--;
		if (++s->npart == 8) {
			s->h = (s->h + s->part) * SUM_MULT;
			s->part = 0;
			s->npart = 0;
		}
	}
	if (((uintptr_t)p & 7) == 0) {
		s->h = sum_words(s->h, (const uint64_t *)p, len / 8);
		p += len & ~(size_t)7;
		len &= 7;
	}
	for (; len; len--, p++) {
		s->part |= (uint64_t)*p << (8 * s->npart);
		if (++s->npart == 8) {
			s->h = (s->h + s->part) * SUM_MULT;
			s->part = 0;
			s->npart = 0;
		}
	}
}

uint32_t snap_sum_final(const struct snap_sum *s)
{
	uint64_t h = s->h;
	if (s->npart)
		h = (h + s->part) * SUM_MULT; /* the last word, zero-filled */
	h = (h + s->len) * SUM_MULT;
	h ^= h >> 29;
	h *= SUM_MULT;
	return (uint32_t)(h ^ (h >> 32));
}

uint32_t snap_sum32(const void *buf, size_t len)
{
	struct snap_sum s;
	snap_sum_init(&s);
	snap_sum_update(&s, buf, len);
	return snap_sum_final(&s);
}

void snap_section_head(struct snap_section_header *sh, uint32_t type, uint32_t index, uint64_t len,
		       uint32_t sum)
{
	*sh = (struct snap_section_header){.type = type, .index = index, .len = len, .crc = sum};
	sh->header_crc = snap_crc32(0, sh, sizeof(*sh));
}

void snap_file_head(struct snap_header *h, uint64_t file_size, uint32_t nsections,
		    const char *triad_version)
{
	*h = (struct snap_header){.format_version = SNAP_FORMAT_VERSION,
				  .header_size = sizeof(struct snap_header),
				  .file_size = file_size,
				  .nsections = nsections};
	memcpy(h->magic, SNAP_MAGIC, sizeof(h->magic));
	snprintf(h->triad_version, sizeof(h->triad_version), "%s", triad_version);
	h->header_crc = snap_crc32(0, h, sizeof(*h));
}

void snap_write_begin(struct snap_writer *w, void *buf, uint64_t cap, const char *triad_version)
{
	*w = (struct snap_writer){.buf = buf, .cap = cap};
	if (cap < sizeof(struct snap_header)) {
		w->error = -ENOSPC;
		return;
	}
	struct snap_header h = {.format_version = SNAP_FORMAT_VERSION,
				.header_size = sizeof(struct snap_header)};
	memcpy(h.magic, SNAP_MAGIC, sizeof(h.magic));
	snprintf(h.triad_version, sizeof(h.triad_version), "%s", triad_version);
	memcpy(w->buf, &h, sizeof(h));
	w->at = sizeof(h);
}

uint8_t *snap_section_begin(struct snap_writer *w, uint32_t type, uint32_t index, uint64_t max)
{
	if (w->error || w->open || w->nsections == SNAP_MAX_SECTIONS ||
	    w->cap - w->at < snap_section_size(max)) {
		if (!w->error)
			w->error = -ENOSPC;
		return NULL;
	}
	struct snap_section_header sh = {.type = type, .index = index};
	w->open = w->buf + w->at;
	memcpy(w->open, &sh, sizeof(sh));
	return w->open + sizeof(sh);
}

void snap_section_end(struct snap_writer *w, uint64_t len)
{
	if (w->error || !w->open)
		return;
	struct snap_section_header sh;
	memcpy(&sh, w->open, sizeof(sh));
	uint8_t *payload = w->open + sizeof(sh);
	uint64_t size = snap_section_size(len);
	if (w->cap - w->at < size) {
		w->error = -ENOSPC;
		return;
	}
	memset(payload + len, 0, size - sizeof(sh) - len);
	snap_section_head(&sh, sh.type, sh.index, len, snap_sum32(payload, len));
	memcpy(w->open, &sh, sizeof(sh));
	w->at += size;
	w->nsections++;
	w->open = NULL;
}

void snap_section_add(struct snap_writer *w, uint32_t type, uint32_t index, const void *data,
		      uint64_t len)
{
	uint8_t *p = snap_section_begin(w, type, index, len);
	if (!p)
		return;
	if (len)
		memcpy(p, data, len);
	snap_section_end(w, len);
}

long snap_write_finish(struct snap_writer *w)
{
	if (w->open && !w->error)
		w->error = -EINVAL; /* a section was begun and never ended */
	if (w->error)
		return w->error;
	struct snap_header h;
	memcpy(&h, w->buf, sizeof(h));
	h.file_size = w->at;
	h.nsections = w->nsections;
	h.header_crc = 0;
	h.header_crc = snap_crc32(0, &h, sizeof(h));
	memcpy(w->buf, &h, sizeof(h));
	return (long)w->at;
}

int snap_parse(const void *buf, uint64_t len, struct snap_view *v, char *err, size_t errlen)
{
	const uint8_t *in = buf;
	struct snap_header h;
	memset(v, 0, sizeof(*v));
	/* The magic and the version first: a file of another version may lay out the rest of
	 * its header differently, and deserves that reason rather than a checksum error. */
	if (len < 12 || memcmp(in, SNAP_MAGIC, 8))
		FAIL(-EINVAL, "not a Triad snapshot (no \"" SNAP_MAGIC "\" magic)");
	memcpy(&v->format_version, in + 8, 4);
	if (v->format_version < SNAP_FORMAT_OLDEST || v->format_version > SNAP_FORMAT_VERSION)
		FAIL(-ENOTSUP, "snapshot format version %u, this Triad reads versions %u to %u",
		     v->format_version, (unsigned)SNAP_FORMAT_OLDEST,
		     (unsigned)SNAP_FORMAT_VERSION);
	if (len < sizeof(h))
		FAIL(-EINVAL, "snapshot cut short: %llu bytes, less than its header",
		     (unsigned long long)len);
	memcpy(&h, in, sizeof(h));
	uint32_t crc = h.header_crc;
	h.header_crc = 0;
	if (snap_crc32(0, &h, sizeof(h)) != crc)
		FAIL(-EINVAL, "snapshot header is corrupted (checksum mismatch)");
	if (h.header_size != sizeof(h))
		FAIL(-EINVAL, "snapshot header size %u, expected %zu", h.header_size, sizeof(h));
	if (h.file_size != len)
		FAIL(-EINVAL, "snapshot is %llu bytes, its header says %llu (cut short or padded)",
		     (unsigned long long)len, (unsigned long long)h.file_size);
	if (!memchr(h.triad_version, 0, sizeof(h.triad_version)))
		FAIL(-EINVAL, "snapshot header's Triad version is not a string");
	if (h.nsections == 0 || h.nsections > SNAP_MAX_SECTIONS)
		FAIL(-EINVAL, "snapshot has %u sections (1..%u allowed)", h.nsections,
		     (unsigned)SNAP_MAX_SECTIONS);
	memcpy(v->triad_version, h.triad_version, sizeof(v->triad_version));
	uint64_t at = sizeof(h);
	for (uint32_t i = 0; i < h.nsections; i++) {
		struct snap_section_header sh;
		if (len - at < sizeof(sh))
			FAIL(-EINVAL, "snapshot ends before section %u's header", i);
		memcpy(&sh, in + at, sizeof(sh));
		crc = sh.header_crc;
		sh.header_crc = 0;
		if (snap_crc32(0, &sh, sizeof(sh)) != crc)
			FAIL(-EINVAL, "section %u's header is corrupted (checksum mismatch)", i);
		if (sh.type == 0 || sh.type > SNAP_SEC_MAX ||
		    (sh.type == SNAP_SEC_MTE && v->format_version < 4) ||
		    (sh.type == SNAP_SEC_ITS && v->format_version < 5))
			FAIL(-EINVAL, "section %u has unknown type %u", i, sh.type);
		uint64_t room = len - at - sizeof(sh);
		if (sh.len > room || snap_section_size(sh.len) - sizeof(sh) > room)
			FAIL(-EINVAL, "section %u (type %u) claims %llu bytes, %llu are left", i,
			     sh.type, (unsigned long long)sh.len, (unsigned long long)room);
		const uint8_t *payload = in + at + sizeof(sh);
		/* The padding is no checksum's: it must be zeros, so no byte goes unchecked. */
		for (uint64_t p = sh.len; p < snap_section_size(sh.len) - sizeof(sh); p++)
			if (payload[p])
				FAIL(-EINVAL, "section %u (type %u) has non-zero padding", i,
				     sh.type);
		if (snap_sum32(payload, sh.len) != sh.crc)
			FAIL(-EINVAL,
			     "section %u (type %u, index %u) is corrupted (checksum mismatch)", i,
			     sh.type, sh.index);
		if (snap_find(v, sh.type, sh.index))
			FAIL(-EINVAL, "section type %u index %u appears twice", sh.type, sh.index);
		v->sec[v->nsections++] = (struct snap_section){sh.type, sh.index, payload, sh.len};
		at += snap_section_size(sh.len);
	}
	if (at != len)
		FAIL(-EINVAL, "snapshot has %llu bytes after its last section",
		     (unsigned long long)(len - at));
	return 0;
}

const struct snap_section *snap_find(const struct snap_view *v, uint32_t type, uint32_t index)
{
	for (unsigned i = 0; i < v->nsections; i++)
		if (v->sec[i].type == type && v->sec[i].index == index)
			return &v->sec[i];
	return NULL;
}
