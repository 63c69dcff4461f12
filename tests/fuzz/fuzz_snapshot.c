/* libFuzzer target: the snapshot reader (container, memory, MTE and ITS sections, vCPU and
 * vGIC records) on arbitrary files: every length and offset checked, nothing read or written
 * out of bounds, a memory section it accepts loads inside the RAM it was checked against,
 * an MTE section it accepts names pages of that RAM only, and an ITS section it accepts
 * loads into a 2-vCPU vGIC whose translations are then well-formed lists. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <triad/snapshot.h>
#include <triad/snapshot_format.h>
#include <triad/snapshot_its.h>
#include <triad/snapshot_mem.h>
#include <triad/snapshot_mte.h>

#define RAM_SIZE (64u * SNAP_PAGE_SIZE)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct snap_view view;
static struct vgic gic;
static struct vgic_cpu gic_cpu[2];
static struct virq lpis[VGIC_NR_LPIS];
static struct vits its;

static void *no_ram(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx, (void)ipa, (void)len;
	return NULL;
}

/* A loaded ITS: every device's list ends within VITS_MAX_ITES steps at ITEs in range, and
 * every LPI's route is a vCPU of the VM or none. */
static void its_load(const struct snap_section *s)
{
	vgic_init(&gic, 2, 4);
	vgic_cpu_init(&gic, &gic_cpu[0], 0, 0x80000000);
	vgic_cpu_init(&gic, &gic_cpu[1], 1, 0x80000001);
	vgic_attach_lpis(&gic, lpis, (struct vgic_mem){no_ram, NULL});
	snap_its_unpack(s->data, &its, &gic);
	unsigned seen = 0;
	for (unsigned d = 0; d < VITS_MAX_DEVICES; d++)
		for (uint16_t i = its.dev[d].valid ? its.dev[d].ites : VITS_NIL; i != VITS_NIL;
		     i = its.ite[i].next)
			if (i >= VITS_MAX_ITES || ++seen > VITS_MAX_ITES ||
			    !vgic_is_lpi(its.ite[i].lpi))
				abort();
	for (unsigned i = 0; i < VGIC_NR_LPIS; i++)
		if (lpis[i].lpi_vcpu != VGIC_NO_VCPU && lpis[i].lpi_vcpu >= 2)
			abort();
}

static void tagged_page(uint32_t pfn, const uint8_t *tags, void *ctx)
{
	(void)ctx;
	if (pfn >= RAM_SIZE / SNAP_PAGE_SIZE)
		abort();
	ram[pfn * SNAP_PAGE_SIZE] ^= tags[SNAP_TAGS_PAGE - 1]; /* ASan: all 128 readable */
}

/* Checksums stop random bytes at the container: half the inputs are instead sections
 * (type, index, 16-bit length, payload) written into a well-formed file, so that the
 * checks of what is inside the sections see arbitrary contents too. */
static size_t well_formed(const uint8_t *data, size_t size, uint8_t *out, size_t cap)
{
	struct snap_writer w;
	snap_write_begin(&w, out, cap, "fuzz");
	while (size >= 4) {
		uint32_t type = data[0] % (SNAP_SEC_MAX + 1), index = data[1];
		size_t len = (size_t)(data[2] | data[3] << 8);
		data += 4;
		size -= 4;
		len = len < size ? len : size;
		snap_section_add(&w, type, index, data, len);
		data += len;
		size -= len;
	}
	long n = snap_write_finish(&w);
	return n > 0 ? (size_t)n : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t cap = sizeof(struct snap_header) + 2 * size + 32 * SNAP_MAX_SECTIONS;
	uint8_t *built = malloc(cap);
	size_t len = size - 1;
	if (data[0] & 1)
		len = well_formed(data + 1, size - 1, built, cap);
	/* A copy of exactly the file's bytes, so ASan sees any read past its end. */
	uint8_t *file = malloc(len ? len : 1);
	memcpy(file, data[0] & 1 ? built : data + 1, len);
	free(built);
	char err[200];
	if (snap_parse(file, len, &view, err, sizeof(err)) == 0) {
		for (unsigned i = 0; i < view.nsections; i++) {
			const struct snap_section *s = &view.sec[i];
			if (s->type == SNAP_SEC_MEMORY &&
			    snap_mem_check(s->data, s->len, RAM_SIZE, err, sizeof(err)) == 0)
				snap_mem_load(s->data, s->len, ram);
			if (s->type == SNAP_SEC_MTE &&
			    snap_mte_check(s->data, s->len, 2, RAM_SIZE, err, sizeof(err)) == 0)
				snap_mte_pages(s->data, s->len, tagged_page, NULL);
			if (s->type == SNAP_SEC_ITS &&
			    snap_its_check(s->data, s->len, 2, err, sizeof(err)) == 0)
				its_load(s);
			if (s->type == SNAP_SEC_VCPU && s->len == sizeof(struct snap_vcpu)) {
				struct snap_vcpu rec;
				memcpy(&rec, s->data, sizeof(rec));
				snap_vcpu_check(&rec, 0x80000000u | s->index, 0, err, sizeof(err));
			}
			if (s->type == SNAP_SEC_VGIC && s->len == sizeof(struct snap_vgic)) {
				static struct snap_vgic rec;
				memcpy(&rec, s->data, sizeof(rec));
				snap_vgic_check(&rec, 2, err, sizeof(err));
			}
		}
	}
	free(file);
	return 0;
}
