/* A snapshot's MTE section: encoding and checking (include/triad/snapshot_mte.h). */
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot_mte.h>

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)

/* The bits each register has (FEAT_MTE2): TFSR(E0)_EL1 TF0/TF1, RGSR_EL1 TAG and SEED,
 * GCR_EL1 Exclude and RRND. A restore writes nothing else into them. */
#define TFSR_BITS 0x3ULL
#define RGSR_BITS 0xffff0fULL
#define GCR_BITS  0x1ffffULL

static uint64_t head_len(unsigned ncpus)
{
	return 8 + (uint64_t)ncpus * SNAP_MTE_REGS + 8;
}

uint64_t snap_mte_len(unsigned ncpus, uint64_t tagged)
{
	return head_len(ncpus) + tagged * SNAP_TAGS_RECORD;
}

uint64_t snap_mte_head(uint8_t *out, unsigned ncpus, const struct mte_regs *regs, uint64_t ram_size)
{
	uint32_t w[2] = {ncpus, 0};
	memcpy(out, w, 8);
	for (unsigned i = 0; i < ncpus; i++) {
		uint64_t r[4] = {regs[i].tfsr, regs[i].tfsre0, regs[i].rgsr, regs[i].gcr};
		memcpy(out + 8 + i * SNAP_MTE_REGS, r, sizeof(r));
	}
	memcpy(out + 8 + (uint64_t)ncpus * SNAP_MTE_REGS, &ram_size, 8);
	return head_len(ncpus);
}

void snap_mte_record(uint8_t *out, uint32_t pfn, const uint8_t tags[SNAP_TAGS_PAGE])
{
	uint32_t w[2] = {pfn, 0};
	memcpy(out, w, 8);
	memcpy(out + 8, tags, SNAP_TAGS_PAGE);
}

void snap_mte_regs(const uint8_t *sec, unsigned i, struct mte_regs *out)
{
	uint64_t r[4];
	memcpy(r, sec + 8 + i * SNAP_MTE_REGS, sizeof(r));
	*out = (struct mte_regs){.tfsr = r[0], .tfsre0 = r[1], .rgsr = r[2], .gcr = r[3]};
}

int snap_mte_check(const uint8_t *sec, uint64_t len, unsigned ncpus, uint64_t ram_size, char *err,
		   size_t errlen)
{
	uint32_t w[2];
	if (len < 8)
		FAIL("MTE section cut short");
	memcpy(w, sec, 8);
	if (w[0] != ncpus || w[1])
		FAIL("MTE section for %u vCPU(s), the VM has %u", w[0], ncpus);
	if (len < head_len(ncpus) || (len - head_len(ncpus)) % SNAP_TAGS_RECORD)
		FAIL("MTE section of %llu bytes: not whole page records", (unsigned long long)len);
	for (unsigned i = 0; i < ncpus; i++) {
		struct mte_regs r;
		snap_mte_regs(sec, i, &r);
		if ((r.tfsr | r.tfsre0) & ~TFSR_BITS || r.rgsr & ~RGSR_BITS || r.gcr & ~GCR_BITS)
			FAIL("vCPU %u's tag registers have bits MTE does not define", i);
	}
	uint64_t size;
	memcpy(&size, sec + head_len(ncpus) - 8, 8);
	if (size != ram_size)
		FAIL("MTE section for %llu bytes of RAM, the VM has %llu", (unsigned long long)size,
		     (unsigned long long)ram_size);
	uint64_t pages = ram_size / 4096, next = 0;
	for (uint64_t at = head_len(ncpus); at < len; at += SNAP_TAGS_RECORD) {
		memcpy(w, sec + at, 8);
		if (w[1] || w[0] < next || w[0] >= pages)
			FAIL("MTE section: page record %u out of order, beyond the RAM or with "
			     "reserved bits",
			     w[0]);
		next = (uint64_t)w[0] + 1;
	}
	return 0;
}

void snap_mte_pages(const uint8_t *sec, uint64_t len,
		    void (*page)(uint32_t pfn, const uint8_t *tags, void *ctx), void *ctx)
{
	uint32_t ncpus;
	memcpy(&ncpus, sec, 4);
	for (uint64_t at = head_len(ncpus); at < len; at += SNAP_TAGS_RECORD) {
		uint32_t pfn;
		memcpy(&pfn, sec + at, 4);
		page(pfn, sec + at + 8, ctx);
	}
}
