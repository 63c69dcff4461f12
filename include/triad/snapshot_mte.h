/*
 * A snapshot's MTE section (SNAP_SEC_MTE, format version 4; an MTE VM's only): its vCPUs'
 * tag registers and the allocation tags of its RAM. Pure logic, host-tested: the section
 * comes from a host file.
 *
 *   u32 ncpus, u32 0, then per vCPU u64 TFSR_EL1, TFSRE0_EL1, RGSR_EL1, GCR_EL1;
 *   u64 ram_size; then a record per page with any tag not 0, in increasing page number:
 *   u32 page number (within the RAM), u32 0, 128 bytes: the page's 256 tags, granule g's
 *   in bits 4(g % 16) of the little-endian u64 g / 16 (as LDGM and STGM hold them).
 *
 * Pages with no record have tag 0 in every granule (a restore scrubs the RAM first).
 */
#ifndef TRIAD_SNAPSHOT_MTE_H
#define TRIAD_SNAPSHOT_MTE_H

#include <stddef.h>
#include <stdint.h>
#include <triad/vcpu.h>

#define SNAP_TAGS_PAGE	 128u /* one 4 KiB page's tags */
#define SNAP_TAGS_RECORD (8u + SNAP_TAGS_PAGE)
#define SNAP_MTE_REGS	 32u /* one vCPU's four registers */

/* The section's payload length for ncpus vCPUs and `tagged` page records. */
uint64_t snap_mte_len(unsigned ncpus, uint64_t tagged);
/* Its head (the registers and ram_size) into out: the bytes written. */
uint64_t snap_mte_head(uint8_t *out, unsigned ncpus, const struct mte_regs *regs,
		       uint64_t ram_size);
/* One page record into out (SNAP_TAGS_RECORD bytes). */
void snap_mte_record(uint8_t *out, uint32_t pfn, const uint8_t tags[SNAP_TAGS_PAGE]);
/* Checks a section from a file against the VM it is for: 0, or -EINVAL and why. */
int snap_mte_check(const uint8_t *sec, uint64_t len, unsigned ncpus, uint64_t ram_size, char *err,
		   size_t errlen);
/* From a checked section: vCPU i's registers, and each page record in turn. */
void snap_mte_regs(const uint8_t *sec, unsigned i, struct mte_regs *out);
void snap_mte_pages(const uint8_t *sec, uint64_t len,
		    void (*page)(uint32_t pfn, const uint8_t *tags, void *ctx), void *ctx);

#endif
