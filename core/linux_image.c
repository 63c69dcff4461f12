/* arm64 Image header parsing (see linux_image.h). */
#include <string.h>
#include <triad/linux_image.h>
#include <triad/util.h>

#define IMAGE_MAGIC	0x644d5241U /* "ARM\x64" */
#define FLAG_BIG_ENDIAN (1UL << 0)

struct image_header {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags;
	uint64_t res2, res3, res4;
	uint32_t magic, res5;
};

const char *linux_image_parse(const void *img, uint64_t size, struct linux_image *out)
{
	struct image_header h;
	if (size < sizeof(h))
		return "shorter than an Image header";
	memcpy(&h, img, sizeof(h));
	if (h.magic != IMAGE_MAGIC)
		return "no arm64 Image magic";
	if (h.flags & FLAG_BIG_ENDIAN)
		return "big-endian kernel";
	if (h.image_size == 0) {
		/* Kernels before 3.17: fixed offset, size unknown beyond the file. */
		h.text_offset = 0x80000;
		h.image_size = size;
	}
	if (h.text_offset >= SZ_1G || !IS_ALIGNED(h.text_offset, PAGE_SIZE))
		return "text_offset not page aligned or above 1 GB";
	if (h.image_size > (1UL << 36))
		return "image_size above 64 GB";
	out->text_offset = h.text_offset;
	out->mem_size = MAX(h.image_size, size);
	return NULL;
}
