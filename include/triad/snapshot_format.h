/*
 * The snapshot file (docs/snapshot.md): a header, then sections, each with its own length
 * and CRC-32. Pure logic (host-tested and fuzzed): a snapshot comes from a host file, so
 * the reader checks every length, offset and checksum before anything uses a byte of it.
 *
 *   header   magic "TRIADSNP", format version, header size, file size, section count,
 *            the Triad version that wrote it, the header's CRC-32
 *   section  type, index, payload length, payload checksum (snap_sum32), the section
 *            header's CRC-32, then the payload, zero-padded to 8 bytes
 *
 * All little-endian. The headers' CRC is the common CRC-32 (IEEE 802.3, as zlib's
 * crc32()); the payloads, megabytes of them, have snap_sum32, several times cheaper.
 */
#ifndef TRIAD_SNAPSHOT_FORMAT_H
#define TRIAD_SNAPSHOT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC	    "TRIADSNP"
#define SNAP_FORMAT_VERSION 5 /* bump whenever a section's layout or meaning changes */
/* The oldest this Triad reads: version 3 files are version 5 files without SNAP_SEC_MTE and
 * SNAP_SEC_ITS, version 4 files without SNAP_SEC_ITS. */
#define SNAP_FORMAT_OLDEST 3
#define SNAP_VERSION_LEN   48
#define SNAP_MAX_SECTIONS  64
#define SNAP_SECTION_ALIGN 8

struct snap_header {
	char magic[8];
	uint32_t format_version;
	uint32_t header_size; /* sizeof(struct snap_header) */
	uint64_t file_size;
	uint32_t nsections;
	uint32_t header_crc;		      /* of this header with this field 0 */
	char triad_version[SNAP_VERSION_LEN]; /* NUL-terminated: `git describe` at build */
};

struct snap_section_header {
	uint32_t type;
	uint32_t index;	     /* which one of its type (a vCPU's number); 0 otherwise */
	uint64_t len;	     /* payload bytes, before padding */
	uint32_t crc;	     /* snap_sum32 of the payload */
	uint32_t header_crc; /* of this header with this field 0 */
};

enum snap_section_type {
	SNAP_SEC_BUNDLE = 1,  /* the VM's one-VM boot bundle (docs/bundle.md) */
	SNAP_SEC_VM = 2,      /* VM-wide state: struct snap_vm */
	SNAP_SEC_VCPU = 3,    /* one per vCPU, index = its number: struct snap_vcpu */
	SNAP_SEC_VGIC = 4,    /* the distributor's state: struct snap_vgic */
	SNAP_SEC_DEVICES = 5, /* vdevs_save()'s records (include/triad/vdev.h) */
	SNAP_SEC_MEMORY = 6,  /* the RAM's non-zero pages (include/triad/snapshot_mem.h) */
	SNAP_SEC_MTE = 7, /* an MTE VM's tags and tag registers (include/triad/snapshot_mte.h) */
	SNAP_SEC_ITS = 8, /* a VM's virtual ITS and LPIs (include/triad/snapshot_its.h) */
	SNAP_SEC_MAX = SNAP_SEC_ITS,
};

uint32_t snap_crc32(uint32_t crc, const void *buf, size_t len);
/* The payloads' checksum: from h = 0x243f6a8885a308d3, h = (h + w) * 0x9e3779b97f4a7c15
 * (mod 2^64) for each little-endian 8-byte word w (the last one zero-filled), then for
 * w = the length in bytes; then h ^= h >> 29, h *= 0x9e3779b97f4a7c15, and the low 32
 * bits of h ^ (h >> 32). */
uint32_t snap_sum32(const void *buf, size_t len);
/* The same over a payload given in pieces. */
struct snap_sum {
	uint64_t h, len, part; /* part: the bytes of a word not complete yet */
	unsigned npart;
};
void snap_sum_init(struct snap_sum *s);
void snap_sum_update(struct snap_sum *s, const void *buf, size_t len);
uint32_t snap_sum_final(const struct snap_sum *s);

/* A section's header for a payload written elsewhere (a streamed snapshot), and the
 * file's header. */
void snap_section_head(struct snap_section_header *sh, uint32_t type, uint32_t index, uint64_t len,
		       uint32_t sum);
void snap_file_head(struct snap_header *h, uint64_t file_size, uint32_t nsections,
		    const char *triad_version);

/* Bytes a section with `len` payload bytes takes in the file. */
static inline uint64_t snap_section_size(uint64_t len)
{
	return sizeof(struct snap_section_header) +
	       ((len + SNAP_SECTION_ALIGN - 1) & ~(uint64_t)(SNAP_SECTION_ALIGN - 1));
}

/* Writing: begin with a buffer of exactly the size the sections add up to (header + each
 * snap_section_size()), add each section (its payload written in place), then finish. */
struct snap_writer {
	uint8_t *buf;
	uint64_t cap, at;
	uint32_t nsections;
	uint8_t *open; /* the section being written, or NULL */
	int error;     /* sticky: -ENOSPC once something did not fit */
};

void snap_write_begin(struct snap_writer *w, void *buf, uint64_t cap, const char *triad_version);
/* Room for a section of up to `max` payload bytes, or NULL (no room: w->error). */
uint8_t *snap_section_begin(struct snap_writer *w, uint32_t type, uint32_t index, uint64_t max);
void snap_section_end(struct snap_writer *w, uint64_t len);
/* Adds a section by copying len bytes. */
void snap_section_add(struct snap_writer *w, uint32_t type, uint32_t index, const void *data,
		      uint64_t len);
/* Returns the file's size, or a negative errno. */
long snap_write_finish(struct snap_writer *w);

/* Reading: the checked view of a whole file. */
struct snap_section {
	uint32_t type, index;
	const uint8_t *data;
	uint64_t len;
};

struct snap_view {
	uint32_t format_version;
	char triad_version[SNAP_VERSION_LEN];
	struct snap_section sec[SNAP_MAX_SECTIONS];
	unsigned nsections;
};

/* Checks the whole file (magic, version, every length and CRC). Returns 0, -ENOTSUP for a
 * file of a format version it does not read (v->format_version says which), or -EINVAL;
 * err says why. */
int snap_parse(const void *buf, uint64_t len, struct snap_view *v, char *err, size_t errlen);
/* The section of that type and index, or NULL. */
const struct snap_section *snap_find(const struct snap_view *v, uint32_t type, uint32_t index);

#endif
