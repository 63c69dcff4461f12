// clang-format off
// sources: core/snapshot_format.c core/snapshot_mem.c core/snapshot_mte.c core/snapshot_state.c core/snapshot_bundle.c irq/vgic.c core/config.c core/security_mode.c devices/*_config.c
// clang-format on
/* Host tests for VM snapshots: the file's container refuses every corruption, truncation
 * and other version; the memory section keeps exactly the non-zero blocks; the MTE section
 * keeps tag registers and tagged pages and refuses what MTE cannot hold; vCPU and vGIC
 * records round-trip and refuse what a guest could never have set; the one-VM bundle a
 * snapshot carries parses as a bundle of that VM alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arch/sysreg.h>
#include <libfdt.h>
#include <triad/config.h>
#include <triad/errno.h>
#include <triad/snapshot.h>
#include <triad/snapshot_format.h>
#include <triad/snapshot_mem.h>
#include <triad/snapshot_mte.h>

static char err[200];

static void expect_err(const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

/* ---- container ---- */

static uint8_t file[4096];

/* Three sections, one of them empty and one with a length that needs padding. */
static long make_file(void)
{
	struct snap_writer w;
	memset(file, 0xee, sizeof(file));
	snap_write_begin(&w, file, sizeof(file), "v1.2-3-gabc");
	snap_section_add(&w, SNAP_SEC_VM, 0, "hello", 5);
	uint8_t *p = snap_section_begin(&w, SNAP_SEC_VCPU, 1, 100);
	assert_non_null(p);
	memset(p, 0x5a, 13);
	snap_section_end(&w, 13);
	snap_section_add(&w, SNAP_SEC_DEVICES, 0, NULL, 0);
	return snap_write_finish(&w);
}

static void crc_is_the_common_crc32(void **state)
{
	(void)state;
	assert_int_equal(snap_crc32(0, "123456789", 9), 0xcbf43926);
	/* Incremental over any split, and the 8-byte steps agree with the byte steps. */
	static uint8_t data[1000];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	uint32_t whole = snap_crc32(0, data, sizeof(data));
	for (unsigned cut = 0; cut < sizeof(data); cut += 37)
		assert_int_equal(
		    snap_crc32(snap_crc32(0, data, cut), data + cut, sizeof(data) - cut), whole);
}

/* The payloads' checksum: its documented definition (tools and tests compute it in
 * Python), the same from an unaligned buffer, and every single-bit change found. */
static void sum_is_the_documented_one(void **state)
{
	(void)state;
	assert_int_equal(snap_sum32("123456789", 9), 0x9679df0b);
	assert_int_equal(snap_sum32("", 0), 0xc0994306);
	static uint8_t data[1001] __attribute__((aligned(8)));
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	assert_int_equal(snap_sum32(data, 64), 0xd715aa7f);
	/* In pieces of any size and alignment, the same. */
	for (unsigned cut = 0; cut < 40; cut++) {
		struct snap_sum sum;
		snap_sum_init(&sum);
		snap_sum_update(&sum, data, cut % 13);
		snap_sum_update(&sum, data + cut % 13, cut);
		snap_sum_update(&sum, data + cut % 13 + cut, sizeof(data) - cut % 13 - cut);
		assert_int_equal(snap_sum_final(&sum), snap_sum32(data, sizeof(data)));
	}
	static uint8_t shifted[1001];
	memcpy(shifted + 1, data, 1000);
	assert_int_equal(snap_sum32(shifted + 1, 1000), snap_sum32(data, 1000));
	uint32_t whole = snap_sum32(data, sizeof(data));
	for (unsigned i = 0; i < sizeof(data); i++)
		for (unsigned bit = 0; bit < 8; bit++) {
			data[i] ^= (uint8_t)(1u << bit);
			if (snap_sum32(data, sizeof(data)) == whole)
				fail_msg("bit %u of byte %u changed, the sum did not", bit, i);
			data[i] ^= (uint8_t)(1u << bit);
		}
	/* A trailing zero byte is not the same payload. */
	static const uint8_t zeros[16] __attribute__((aligned(8)));
	assert_int_not_equal(snap_sum32(zeros, 8), snap_sum32(zeros, 9));
	assert_int_not_equal(snap_sum32(zeros, 8), snap_sum32(zeros, 16));
}

static void container_round_trip(void **state)
{
	(void)state;
	long n = make_file();
	assert_int_equal(n, sizeof(struct snap_header) + snap_section_size(5) +
				snap_section_size(13) + snap_section_size(0));
	struct snap_view v;
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), 0);
	assert_int_equal(v.nsections, 3);
	assert_string_equal(v.triad_version, "v1.2-3-gabc");
	const struct snap_section *s = snap_find(&v, SNAP_SEC_VM, 0);
	assert_non_null(s);
	assert_int_equal(s->len, 5);
	assert_memory_equal(s->data, "hello", 5);
	s = snap_find(&v, SNAP_SEC_VCPU, 1);
	assert_non_null(s);
	assert_int_equal(s->len, 13);
	assert_int_equal(s->data[12], 0x5a);
	assert_null(snap_find(&v, SNAP_SEC_VCPU, 0));
	assert_non_null(snap_find(&v, SNAP_SEC_DEVICES, 0));
}

static void writer_refuses_overflow(void **state)
{
	(void)state;
	struct snap_writer w;
	snap_write_begin(&w, file, sizeof(struct snap_header) + 40, "x");
	snap_section_add(&w, SNAP_SEC_VM, 0, file, 8);	 /* 24 + 8: fits */
	snap_section_add(&w, SNAP_SEC_VGIC, 0, file, 8); /* does not */
	assert_int_equal(snap_write_finish(&w), -ENOSPC);
	snap_write_begin(&w, file, sizeof(file), "x");
	assert_non_null(snap_section_begin(&w, SNAP_SEC_VM, 0, 8));
	assert_int_equal(snap_write_finish(&w), -EINVAL); /* never ended */
}

/* Any single changed bit anywhere is found, each with a reason. */
static void container_refuses_every_corruption(void **state)
{
	(void)state;
	long n = make_file();
	struct snap_view v;
	for (long i = 0; i < n; i++) {
		for (unsigned bit = 0; bit < 8; bit += 3) {
			file[i] ^= (uint8_t)(1u << bit);
			err[0] = 0;
			int r = snap_parse(file, (uint64_t)n, &v, err, sizeof(err));
			if (r == 0)
				fail_msg("bit %u of byte %ld changed, and the file still parses",
					 bit, i);
			assert_true(strlen(err) > 10);
			file[i] ^= (uint8_t)(1u << bit);
		}
	}
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), 0);
}

static void container_refuses_truncation_and_extra_bytes(void **state)
{
	(void)state;
	long n = make_file();
	struct snap_view v;
	for (long len = 0; len < n; len++)
		assert_int_equal(snap_parse(file, (uint64_t)len, &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(snap_parse(file, (uint64_t)n + 8, &v, err, sizeof(err)), -EINVAL);
	expect_err("header says");
}

static void rewrite_header_crc(void)
{
	struct snap_header h;
	memcpy(&h, file, sizeof(h));
	h.header_crc = 0;
	h.header_crc = snap_crc32(0, &h, sizeof(h));
	memcpy(file, &h, sizeof(h));
}

static void container_refuses_other_version(void **state)
{
	(void)state;
	long n = make_file();
	struct snap_view v;
	uint32_t version = SNAP_FORMAT_VERSION + 1;
	memcpy(file + 8, &version, 4);
	/* Named as such, whether or not its checksum fits this version's header. */
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -ENOTSUP);
	char named[64];
	snprintf(named, sizeof(named), "format version %u, this Triad reads versions %u to %u",
		 (unsigned)SNAP_FORMAT_VERSION + 1, (unsigned)SNAP_FORMAT_OLDEST,
		 (unsigned)SNAP_FORMAT_VERSION);
	expect_err(named);
	/* The files of the first formats (whole pages, CRC-32 payloads; no SVE state) too. */
	for (version = 1; version < SNAP_FORMAT_OLDEST; version++) {
		memcpy(file + 8, &version, 4);
		rewrite_header_crc();
		assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -ENOTSUP);
		snprintf(named, sizeof(named),
			 "format version %u, this Triad reads versions %u to %u", version,
			 (unsigned)SNAP_FORMAT_OLDEST, (unsigned)SNAP_FORMAT_VERSION);
		expect_err(named);
	}
	/* Version 3 (no MTE section) still reads. */
	version = SNAP_FORMAT_OLDEST;
	memcpy(file + 8, &version, 4);
	rewrite_header_crc();
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), 0);
	assert_int_equal(v.format_version, SNAP_FORMAT_OLDEST);
	version = SNAP_FORMAT_VERSION + 1;
	memcpy(file + 8, &version, 4);
	rewrite_header_crc();
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(v.format_version, SNAP_FORMAT_VERSION + 1);
	memcpy(file, "TRIADSNQ", 8);
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("not a Triad snapshot");
}

/* An MTE section: only in a version 4 file. */
static void container_mte_section_needs_version_4(void **state)
{
	(void)state;
	struct snap_writer w;
	snap_write_begin(&w, file, sizeof(file), "v");
	snap_section_add(&w, SNAP_SEC_MTE, 0, "tags....", 8);
	long n = snap_write_finish(&w);
	struct snap_view v;
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), 0);
	assert_non_null(snap_find(&v, SNAP_SEC_MTE, 0));
	uint32_t version = 3;
	memcpy(file + 8, &version, 4);
	rewrite_header_crc();
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("unknown type 7");
}

/* An ITS section: only in a version 5 file (a version 4 one is otherwise read). */
static void container_its_section_needs_version_5(void **state)
{
	(void)state;
	struct snap_writer w;
	snap_write_begin(&w, file, sizeof(file), "v");
	snap_section_add(&w, SNAP_SEC_ITS, 0, "its.....", 8);
	long n = snap_write_finish(&w);
	struct snap_view v;
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), 0);
	assert_non_null(snap_find(&v, SNAP_SEC_ITS, 0));
	uint32_t version = 4;
	memcpy(file + 8, &version, 4);
	rewrite_header_crc();
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("unknown type 8");
}

/* ---- MTE section ---- */

static uint8_t mte_sec[4096];

struct seen_pages {
	unsigned n;
	uint32_t pfn[4];
	uint8_t first[4];
};

static void note_page(uint32_t pfn, const uint8_t *tags, void *ctx)
{
	struct seen_pages *s = ctx;
	s->pfn[s->n] = pfn;
	s->first[s->n++] = tags[0];
}

/* Two vCPUs' registers and two pages' tags: checked, read back as they went in. */
static uint64_t make_mte_section(void)
{
	struct mte_regs regs[2] = {{.tfsr = 1, .tfsre0 = 2, .rgsr = 0xa5c30f, .gcr = 0x10001},
				   {.tfsr = 0, .tfsre0 = 3, .rgsr = 0x100, .gcr = 0xfffe}};
	uint8_t tags[SNAP_TAGS_PAGE];
	uint64_t at = snap_mte_head(mte_sec, 2, regs, 16UL << 20);
	memset(tags, 0x21, sizeof(tags));
	snap_mte_record(mte_sec + at, 7, tags);
	at += SNAP_TAGS_RECORD;
	memset(tags, 0xf0, sizeof(tags));
	snap_mte_record(mte_sec + at, 4095, tags);
	at += SNAP_TAGS_RECORD;
	assert_int_equal(at, snap_mte_len(2, 2));
	return at;
}

static void mte_section_round_trip(void **state)
{
	(void)state;
	uint64_t len = make_mte_section();
	assert_int_equal(snap_mte_check(mte_sec, len, 2, 16UL << 20, err, sizeof(err)), 0);
	struct mte_regs r;
	snap_mte_regs(mte_sec, 0, &r);
	assert_true(r.tfsr == 1 && r.tfsre0 == 2 && r.rgsr == 0xa5c30f && r.gcr == 0x10001);
	snap_mte_regs(mte_sec, 1, &r);
	assert_true(r.tfsr == 0 && r.tfsre0 == 3 && r.rgsr == 0x100 && r.gcr == 0xfffe);
	struct seen_pages s = {0};
	snap_mte_pages(mte_sec, len, note_page, &s);
	assert_int_equal(s.n, 2);
	assert_true(s.pfn[0] == 7 && s.first[0] == 0x21 && s.pfn[1] == 4095 && s.first[1] == 0xf0);
	/* No pages: only the registers. */
	assert_int_equal(
	    snap_mte_check(mte_sec, snap_mte_len(2, 0), 2, 16UL << 20, err, sizeof(err)), 0);
}

static void mte_section_refuses_what_mte_cannot_hold(void **state)
{
	(void)state;
	uint64_t len = make_mte_section();
	/* another vCPU count, another RAM size, a piece of a record */
	assert_int_equal(snap_mte_check(mte_sec, len, 1, 16UL << 20, err, sizeof(err)), -EINVAL);
	expect_err("for 2 vCPU(s), the VM has 1");
	assert_int_equal(snap_mte_check(mte_sec, len, 2, 32UL << 20, err, sizeof(err)), -EINVAL);
	expect_err("RAM");
	assert_int_equal(snap_mte_check(mte_sec, len - 8, 2, 16UL << 20, err, sizeof(err)),
			 -EINVAL);
	expect_err("not whole page records");
	assert_int_equal(snap_mte_check(mte_sec, 4, 2, 16UL << 20, err, sizeof(err)), -EINVAL);
	/* a page beyond the RAM, pages out of order */
	uint64_t second = snap_mte_len(2, 1);
	uint32_t pfn = 4096;
	memcpy(mte_sec + second, &pfn, 4);
	assert_int_equal(snap_mte_check(mte_sec, len, 2, 16UL << 20, err, sizeof(err)), -EINVAL);
	pfn = 7;
	memcpy(mte_sec + second, &pfn, 4);
	assert_int_equal(snap_mte_check(mte_sec, len, 2, 16UL << 20, err, sizeof(err)), -EINVAL);
	expect_err("out of order");
	/* register bits MTE does not define: TFSR beyond TF0/TF1, GCR beyond RRND, RGSR's
	 * reserved bits 7:4 */
	static const struct {
		unsigned reg;
		uint64_t value;
	} bad[] = {{0, 4}, {1, 1UL << 63}, {2, 0xf0}, {3, 1 << 17}};
	for (unsigned i = 0; i < 4; i++) {
		len = make_mte_section();
		memcpy(mte_sec + 8 + SNAP_MTE_REGS + bad[i].reg * 8, &bad[i].value, 8);
		assert_int_equal(snap_mte_check(mte_sec, len, 2, 16UL << 20, err, sizeof(err)),
				 -EINVAL);
		expect_err("vCPU 1's tag registers");
	}
}

/* A well-checksummed file can still lie: duplicate sections, unknown types, sizes. */
static void container_refuses_consistent_lies(void **state)
{
	(void)state;
	struct snap_writer w;
	struct snap_view v;
	snap_write_begin(&w, file, sizeof(file), "x");
	snap_section_add(&w, SNAP_SEC_VM, 0, "a", 1);
	snap_section_add(&w, SNAP_SEC_VM, 0, "b", 1);
	long n = snap_write_finish(&w);
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("twice");

	snap_write_begin(&w, file, sizeof(file), "x");
	snap_section_add(&w, 99, 0, "a", 1);
	n = snap_write_finish(&w);
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("unknown type 99");

	snap_write_begin(&w, file, sizeof(file), "x");
	n = snap_write_finish(&w);
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("0 sections");

	/* A section length that runs past the end, its header's checksum made to fit. */
	n = make_file();
	struct snap_section_header sh;
	memcpy(&sh, file + sizeof(struct snap_header), sizeof(sh));
	sh.len = UINT64_MAX - 3;
	sh.header_crc = 0;
	sh.header_crc = snap_crc32(0, &sh, sizeof(sh));
	memcpy(file + sizeof(struct snap_header), &sh, sizeof(sh));
	assert_int_equal(snap_parse(file, (uint64_t)n, &v, err, sizeof(err)), -EINVAL);
	expect_err("claims");
}

/* ---- memory ---- */

#define RAM_PAGES 64
static uint8_t ram[RAM_PAGES * SNAP_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t ram2[RAM_PAGES * SNAP_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t memsec[(RAM_PAGES + 2) * SNAP_PAGE_SIZE] __attribute__((aligned(8)));

static void mem_keeps_exactly_the_non_zero_blocks(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	ram[0] = 1;				       /* first byte: page 0, block 0 */
	ram[5 * SNAP_PAGE_SIZE + 4095] = 2;	       /* last byte of a page: its block 63 */
	ram[(RAM_PAGES - 1) * SNAP_PAGE_SIZE + 9] = 3; /* the last page */
	memset(ram + 7 * SNAP_PAGE_SIZE, 0xa5, SNAP_PAGE_SIZE); /* a page without zeros */
	uint64_t size = snap_mem_measure(ram, sizeof(ram), NULL, NULL);
	assert_int_equal(size, 8 + 3 * (16 + 64) + 16 + SNAP_PAGE_SIZE);
	assert_int_equal(snap_mem_encode(ram, sizeof(ram), memsec, size - 1), 0);
	assert_int_equal(snap_mem_encode(ram, sizeof(ram), memsec, size), size);
	assert_int_equal(snap_mem_encode(ram, sizeof(ram), memsec, sizeof(memsec)), size);
	/* The measure's sum is the sum of the section it did not write. */
	struct snap_sum sum;
	snap_sum_init(&sum);
	static uint64_t maps[RAM_PAGES];
	assert_int_equal(snap_mem_measure(ram, sizeof(ram), &sum, maps), size);
	assert_int_equal(snap_sum_final(&sum), snap_sum32(memsec, size));
	assert_int_equal(maps[0], 1);
	assert_int_equal(maps[1], 0);
	assert_int_equal(maps[5], 1ULL << 63);
	assert_int_equal(maps[7], ~0ULL);
	/* The records: page 0 with its block 0, then page 5 with its block 63. */
	uint32_t pfn;
	uint64_t blocks;
	memcpy(&pfn, memsec + 8, 4);
	memcpy(&blocks, memsec + 16, 8);
	assert_int_equal(pfn, 0);
	assert_int_equal(blocks, 1);
	memcpy(&pfn, memsec + 8 + 80, 4);
	memcpy(&blocks, memsec + 8 + 80 + 8, 8);
	assert_int_equal(pfn, 5);
	assert_int_equal(blocks, 1ULL << 63);
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), 0);
	memset(ram2, 0, sizeof(ram2));
	snap_mem_load(memsec, size, ram2);
	assert_memory_equal(ram, ram2, sizeof(ram));
	/* Page by page, as a streamed save writes them: the same records. */
	static uint8_t rec[SNAP_MEM_RECORD_MAX] __attribute__((aligned(8)));
	uint64_t at = 8;
	for (uint32_t p = 0; p < RAM_PAGES; p++) {
		uint64_t n = snap_mem_page(ram + p * SNAP_PAGE_SIZE, p, rec);
		assert_memory_equal(rec, memsec + at, n);
		assert_int_equal(snap_mem_page_mapped(ram + p * SNAP_PAGE_SIZE, p, maps[p], rec),
				 n);
		assert_memory_equal(rec, memsec + at, n);
		at += n;
	}
	assert_int_equal(at, size);
	/* RAM that grew after it was measured is found out, not written past the room. */
	ram[9 * SNAP_PAGE_SIZE] = 4;
	assert_int_equal(snap_mem_encode(ram, sizeof(ram), memsec, size), 0);
	/* All zeros: the head alone. */
	memset(ram, 0, sizeof(ram));
	assert_int_equal(snap_mem_measure(ram, sizeof(ram), NULL, NULL), 8);
	assert_int_equal(snap_mem_encode(ram, sizeof(ram), memsec, 8), 8);
	assert_int_equal(snap_mem_check(memsec, 8, sizeof(ram), err, sizeof(err)), 0);
}

static void mem_refuses_bad_sections(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	ram[2 * SNAP_PAGE_SIZE] = 1;
	ram[3 * SNAP_PAGE_SIZE] = 1;
	uint64_t size = snap_mem_encode(ram, sizeof(ram), memsec, sizeof(memsec));
	assert_int_equal(size, 8 + 2 * 80);
	static uint8_t good[8 + 2 * 80];
	memcpy(good, memsec, sizeof(good));
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram) * 2, err, sizeof(err)), -EINVAL);
	expect_err("RAM");
	assert_int_equal(snap_mem_check(memsec, size - 1, sizeof(ram), err, sizeof(err)), -EINVAL);
	assert_int_equal(snap_mem_check(memsec, size + 8, sizeof(ram), err, sizeof(err)), -EINVAL);
	expect_err("ends in page record");
	assert_int_equal(snap_mem_check(memsec, 4, sizeof(ram), err, sizeof(err)), -EINVAL);
	uint32_t pfn = 2; /* the second page number equal to the first: out of order */
	memcpy(memsec + 88, &pfn, 4);
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), -EINVAL);
	expect_err("out of order");
	pfn = RAM_PAGES; /* past the end */
	memcpy(memsec + 88, &pfn, 4);
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), -EINVAL);
	expect_err("outside the RAM");
	memcpy(memsec, good, sizeof(good));
	uint32_t one = 1; /* the record's reserved word */
	memcpy(memsec + 92, &one, 4);
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), -EINVAL);
	expect_err("malformed");
	memcpy(memsec, good, sizeof(good));
	uint64_t blocks = 0; /* a record of no block */
	memcpy(memsec + 96, &blocks, 8);
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), -EINVAL);
	expect_err("malformed");
	blocks = 3; /* a block more than the section holds */
	memcpy(memsec + 96, &blocks, 8);
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), -EINVAL);
	expect_err("ends in");
	memcpy(memsec, good, sizeof(good));
	assert_int_equal(snap_mem_check(memsec, size, sizeof(ram), err, sizeof(err)), 0);
}

/* ---- vCPU and vGIC records ---- */

static struct vgic gic, gic2;
static struct vcpu cpu_a, cpu_b;

static void fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 13);
}

static void setup_vcpu(struct vcpu *v, struct vgic *d)
{
	memset(v, 0, sizeof(*v));
	v->mpidr = 0x80000001;
	vgic_init(d, 1, 4);
	vgic_cpu_init(d, &v->vgic, 0, v->mpidr);
}

/* An SVE VM's vector registers: kept at its length, refused at another length or with
 * bytes past it. */
static void vcpu_sve_round_trip(void **state)
{
	(void)state;
	setup_vcpu(&cpu_a, &gic);
	cpu_a.regs.pstate = PSR_MODE_EL1h;
	memset(&cpu_a.sve, 0, sizeof(cpu_a.sve));
	fill(cpu_a.sve.regs, SVE_REGS_BYTES(64), 7); /* Z, P and FFR at 64 bytes */
	cpu_a.sve.zcr_el1 = 3;
	cpu_a.sve_dirty = true; /* the registers hold more than fp: saved as they are */
	static struct snap_vcpu rec, bad;
	snap_vcpu_pack(&cpu_a, 64, &rec);
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 64, err, sizeof(err)), 0);
	setup_vcpu(&cpu_b, &gic2);
	snap_vcpu_unpack(&rec, &cpu_b, 0);
	assert_memory_equal(&cpu_a.sve, &cpu_b.sve, sizeof(cpu_a.sve));
	assert_true(cpu_b.sve_dirty);
	/* Another length (or none) than the VM restored from it gets. */
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 32, err, sizeof(err)), -EINVAL);
	expect_err("SVE vectors");
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	/* A byte past the registers at this length, the first or the last; a ZCR_EL1 with
	 * reserved bits. */
	bad = rec;
	bad.sve.regs[SVE_REGS_BYTES(64)] = 1;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 64, err, sizeof(err)), -EINVAL);
	expect_err("past the vector length");
	bad = rec;
	bad.sve.regs[sizeof(bad.sve.regs) - 1] = 1;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 64, err, sizeof(err)), -EINVAL);
	bad = rec;
	bad.sve.zcr_el1 = 0x10;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 64, err, sizeof(err)), -EINVAL);
	/* Nothing beyond fp: the record's SVE part is ZCR_EL1 alone, and so is the vCPU's. */
	cpu_a.sve_dirty = false;
	snap_vcpu_pack(&cpu_a, 64, &rec);
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 64, err, sizeof(err)), 0);
	assert_int_equal(rec.sve.regs[0], 0);
	assert_int_equal(rec.sve.zcr_el1, 3);
	snap_vcpu_unpack(&rec, &cpu_b, 0);
	assert_false(cpu_b.sve_dirty);
	/* A VM without SVE: nothing in the SVE part at all. */
	snap_vcpu_pack(&cpu_a, 0, &rec);
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 0, err, sizeof(err)), 0);
	bad = rec;
	bad.sve.regs[0] = 1;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
}

static void vcpu_round_trip(void **state)
{
	(void)state;
	setup_vcpu(&cpu_a, &gic);
	fill(&cpu_a.regs, sizeof(cpu_a.regs), 1);
	cpu_a.regs.pstate = PSR_MODE_EL1h | PSR_DAIF;
	fill(&cpu_a.sys, sizeof(cpu_a.sys), 2);
	fill(&cpu_a.fp, sizeof(cpu_a.fp), 3);
	fill(&cpu_a.pmu, sizeof(cpu_a.pmu), 4);
	fill(cpu_a.dbg.bvr, sizeof(cpu_a.dbg.bvr), 5);
	fill(cpu_a.dbg.wcr, sizeof(cpu_a.dbg.wcr), 6);
	cpu_a.dbg.oslk = 1;
	cpu_a.power = VCPU_ON;
	cpu_a.ich_vmcr = 0xf0000003;
	cpu_a.ich_ap1r0 = 0x80000000;
	cpu_a.cntp_ctl = CNT_CTL_ENABLE;
	cpu_a.cntp_cval = 1000;
	spin_lock(&gic.lock);
	uint32_t kick;
	vgic_redist_write(&gic, 0, 0x10100, 4, 1u << 27, &kick); /* enable PPI 27 */
	vgic_inject_edge(&gic, 0, 27);
	spin_unlock(&gic.lock);

	static struct snap_vcpu rec;
	snap_vcpu_pack(&cpu_a, 0, &rec);
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 0, err, sizeof(err)), 0);
	setup_vcpu(&cpu_b, &gic2);
	snap_vcpu_unpack(&rec, &cpu_b, 500);
	assert_memory_equal(&cpu_a.regs, &cpu_b.regs, sizeof(cpu_a.regs));
	assert_memory_equal(&cpu_a.sys, &cpu_b.sys, sizeof(cpu_a.sys));
	assert_memory_equal(&cpu_a.fp, &cpu_b.fp, sizeof(cpu_a.fp));
	assert_memory_equal(&cpu_a.pmu, &cpu_b.pmu, sizeof(cpu_a.pmu));
	assert_memory_equal(cpu_a.dbg.bvr, cpu_b.dbg.bvr, sizeof(cpu_a.dbg.bvr));
	assert_memory_equal(cpu_a.dbg.wcr, cpu_b.dbg.wcr, sizeof(cpu_a.dbg.wcr));
	assert_int_equal(cpu_b.dbg.oslk, 1);
	assert_int_equal(cpu_b.power, VCPU_ON);
	assert_int_equal(cpu_b.ich_vmcr, cpu_a.ich_vmcr);
	assert_int_equal(cpu_b.ich_ap1r0, cpu_a.ich_ap1r0);
	assert_int_equal(cpu_b.cntp_cval, 1500); /* its time left kept */
	assert_true(cpu_b.vgic.priv[27].enabled);
	assert_true(cpu_b.vgic.priv[27].latch);

	/* The virtual timer's interrupt, pending from its sampled level, is not saved as
	 * pending: the restored timer raises it again if it is still due. */
	spin_lock(&gic.lock);
	vgic_inject_hw_level(&gic, 0, 27, 27);
	vgic_unlink_hw(&gic, 0, 27); /* as the vCPU leaves the CPU */
	spin_unlock(&gic.lock);
	snap_vcpu_pack(&cpu_a, 0, &rec);
	assert_false(rec.priv[27].flags & SNAP_VIRQ_LATCH);
	assert_true(rec.priv[27].flags & SNAP_VIRQ_ENABLED);

	/* The pending PPI reaches the list registers once the vGIC is restored too. */
	static struct snap_vgic grec;
	snap_vgic_pack(&gic, &grec);
	assert_int_equal(snap_vgic_check(&grec, 1, err, sizeof(err)), 0);
	spin_lock(&gic2.lock);
	snap_vgic_unpack(&grec, &gic2);
	uint64_t lrs[VGIC_MAX_LRS];
	assert_int_equal(vgic_build_lrs(&gic2, 0, lrs), 0); /* distributor group 1 off */
	spin_unlock(&gic2.lock);
}

static void vgic_round_trip_delivers_pending_spi(void **state)
{
	(void)state;
	setup_vcpu(&cpu_a, &gic);
	uint32_t kick;
	spin_lock(&gic.lock);
	vgic_dist_write(&gic, 0, 0x0000, 4, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1, &kick);
	vgic_dist_write(&gic, 0, 0x6000 + 8 * 72, 8, 1, &kick);	     /* SPI 72 -> vCPU Aff0 1 */
	vgic_dist_write(&gic, 0, 0x0100 + 4 * 2, 4, 1u << 8, &kick); /* enable 72 */
	vgic_inject_edge(&gic, 0, 72);
	spin_unlock(&gic.lock);
	static struct snap_vcpu rec;
	static struct snap_vgic grec;
	snap_vcpu_pack(&cpu_a, 0, &rec);
	snap_vgic_pack(&gic, &grec);
	assert_int_equal(grec.spi[40].irouter, 1);

	setup_vcpu(&cpu_b, &gic2);
	snap_vcpu_unpack(&rec, &cpu_b, 0);
	spin_lock(&gic2.lock);
	snap_vgic_unpack(&grec, &gic2);
	uint64_t lrs[VGIC_MAX_LRS];
	unsigned n = vgic_build_lrs(&gic2, 0, lrs);
	spin_unlock(&gic2.lock);
	assert_int_equal(n, 1);
	assert_int_equal(lrs[0] & 0xffffffff, 72);
	assert_true(lrs[0] & LR_STATE_PENDING);
}

static void records_refuse_what_no_guest_can_set(void **state)
{
	(void)state;
	setup_vcpu(&cpu_a, &gic);
	cpu_a.regs.pstate = PSR_MODE_EL1h;
	static struct snap_vcpu rec, bad;
	snap_vcpu_pack(&cpu_a, 0, &rec);
	assert_int_equal(snap_vcpu_check(&rec, cpu_a.mpidr, 0, err, sizeof(err)), 0);
	assert_int_equal(snap_vcpu_check(&rec, 0x80000002, 0, err, sizeof(err)), -EINVAL);
	expect_err("MPIDR");

	bad = rec;
	bad.regs.pstate = PSR_MODE_EL2h; /* a guest entered at EL2 */
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	expect_err("PSTATE");
	bad.regs.pstate = PSR_MODE32 | PSR_MODE_EL1h;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	bad = rec;
	bad.power = 3;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	bad = rec;
	bad.priv[3].flags &= (uint8_t)~SNAP_VIRQ_EDGE;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	expect_err("SGI 3");
	bad = rec;
	bad.priv[20].flags |= 0x80;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	bad = rec;
	bad.cntp_ctl = 4;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);
	bad = rec;
	bad.ich_ap0r0 = 1ULL << 40;
	assert_int_equal(snap_vcpu_check(&bad, cpu_a.mpidr, 0, err, sizeof(err)), -EINVAL);

	static struct snap_vgic grec, gbad;
	snap_vgic_pack(&gic, &grec);
	assert_int_equal(snap_vgic_check(&grec, 1, err, sizeof(err)), 0);
	assert_int_equal(snap_vgic_check(&grec, 2, err, sizeof(err)), -EINVAL);
	gbad = grec;
	gbad.ctlr &= ~GICD_CTLR_ARE;
	assert_int_equal(snap_vgic_check(&gbad, 1, err, sizeof(err)), -EINVAL);
	gbad = grec;
	gbad.spi[7].irouter = 1ULL << 31; /* IRM: not what the emulation accepts */
	assert_int_equal(snap_vgic_check(&gbad, 1, err, sizeof(err)), -EINVAL);
	expect_err("routing");
}

/* ---- the one-VM bundle ---- */

static uint8_t bundle[64 * 1024], dt[16 * 1024];
static uint8_t one[64 * 1024];

/* Two VMs: "a" with kernel and initrd, "b@1" with a NIC and a kernel only. */
static size_t make_two_vm_bundle(void)
{
	memset(bundle, 0, sizeof(bundle));
	fdt_create(bundle, 8192);
	fdt_finish_reservemap(bundle);
	fdt_begin_node(bundle, "");
	fdt_property_string(bundle, "compatible", "triad,bundle-v1");
	fdt_begin_node(bundle, "vms");
	fdt_begin_node(bundle, "a");
	fdt_property_u64(bundle, "memory", 64UL << 20);
	fdt_property_u32(bundle, "cpus", 2);
	fdt64_t k[2] = {cpu_to_fdt64(8192), cpu_to_fdt64(5000)};
	fdt_property(bundle, "kernel", k, sizeof(k));
	fdt64_t i[2] = {cpu_to_fdt64(16384), cpu_to_fdt64(3000)};
	fdt_property(bundle, "initrd", i, sizeof(i));
	fdt_property_string(bundle, "bootargs", "console=ttyAMA0 quiet");
	fdt_end_node(bundle);
	fdt_begin_node(bundle, "b@1");
	fdt_property_u64(bundle, "memory", 32UL << 20);
	fdt_property_u32(bundle, "cpus", 1);
	fdt64_t k2[2] = {cpu_to_fdt64(20480), cpu_to_fdt64(4097)};
	fdt_property(bundle, "kernel", k2, sizeof(k2));
	fdt_begin_node(bundle, "net");
	static const uint8_t mac[6] = {2, 0x54, 0x52, 0x41, 0x44, 1};
	fdt_property(bundle, "mac", mac, 6);
	fdt_end_node(bundle);
	fdt_end_node(bundle);
	fdt_end_node(bundle);
	fdt_end_node(bundle);
	assert_int_equal(fdt_finish(bundle), 0);
	fill(bundle + 8192, 5000, 0x11);
	fill(bundle + 16384, 3000, 0x22);
	fill(bundle + 20480, 4097, 0x33);
	return 20480 + 4097;
}

static struct triad_config cfg, cfg1;

static void bundle_of_one_vm(void **state)
{
	(void)state;
	size_t n = make_two_vm_bundle();
	assert_int_equal(config_parse(bundle, n, &cfg, err, sizeof(err)), 0);
	for (unsigned v = 0; v < 2; v++) {
		const struct vm_config *c = &cfg.vm[v];
		uint64_t total;
		long dsz = snap_bundle_dt(bundle, c, dt, sizeof(dt), &total);
		assert_true(dsz > 0 && dsz % 4096 == 0);
		assert_true(total <= sizeof(one));
		memset(one, 0xee, sizeof(one));
		snap_bundle_copy(one, dt, (uint64_t)dsz, bundle, c);
		assert_int_equal(one[total], 0xee); /* nothing written past its size */
		if (config_parse(one, total, &cfg1, err, sizeof(err)))
			fail_msg("the one-VM bundle of %s does not parse: %s", c->name, err);
		assert_int_equal(cfg1.nvms, 1);
		const struct vm_config *d = &cfg1.vm[0];
		assert_string_equal(d->name, c->name);
		assert_int_equal(d->memory, c->memory);
		assert_int_equal(d->ncpus, c->ncpus);
		assert_string_equal(d->bootargs, c->bootargs);
		assert_int_equal(d->ndevs, c->ndevs);
		assert_int_equal(d->kernel.size, c->kernel.size);
		assert_int_equal(d->kernel.offset % 4096, 0);
		assert_memory_equal(one + d->kernel.offset, bundle + c->kernel.offset,
				    c->kernel.size);
		assert_int_equal(d->initrd.size, c->initrd.size);
		if (c->initrd.size)
			assert_memory_equal(one + d->initrd.offset, bundle + c->initrd.offset,
					    c->initrd.size);
	}
	/* A VM renamed after its one-VM bundle was made (restore --name): its node, renamed. */
	struct vm_config renamed = cfg1.vm[0];
	strcpy(renamed.name, "zz");
	uint64_t total;
	long dsz = snap_bundle_dt(one, &renamed, dt, sizeof(dt), &total);
	assert_true(dsz > 0);
	static uint8_t again[64 * 1024];
	snap_bundle_copy(again, dt, (uint64_t)dsz, one, &renamed);
	assert_int_equal(config_parse(again, total, &cfg1, err, sizeof(err)), 0);
	assert_string_equal(cfg1.vm[0].name, "zz");
	/* In a bundle of several, a name that is none of them is not guessed. */
	assert_int_equal(snap_bundle_dt(bundle, &renamed, dt, sizeof(dt), &total), -ENOENT);
	assert_true(snap_bundle_dt(bundle, &cfg.vm[0], dt, 64, &total) < 0); /* no room */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crc_is_the_common_crc32),
	    cmocka_unit_test(sum_is_the_documented_one),
	    cmocka_unit_test(container_round_trip),
	    cmocka_unit_test(writer_refuses_overflow),
	    cmocka_unit_test(container_refuses_every_corruption),
	    cmocka_unit_test(container_refuses_truncation_and_extra_bytes),
	    cmocka_unit_test(container_refuses_other_version),
	    cmocka_unit_test(container_mte_section_needs_version_4),
	    cmocka_unit_test(container_its_section_needs_version_5),
	    cmocka_unit_test(mte_section_round_trip),
	    cmocka_unit_test(mte_section_refuses_what_mte_cannot_hold),
	    cmocka_unit_test(container_refuses_consistent_lies),
	    cmocka_unit_test(mem_keeps_exactly_the_non_zero_blocks),
	    cmocka_unit_test(mem_refuses_bad_sections),
	    cmocka_unit_test(vcpu_round_trip),
	    cmocka_unit_test(vcpu_sve_round_trip),
	    cmocka_unit_test(vgic_round_trip_delivers_pending_spi),
	    cmocka_unit_test(records_refuse_what_no_guest_can_set),
	    cmocka_unit_test(bundle_of_one_vm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
