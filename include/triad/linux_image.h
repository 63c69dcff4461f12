/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst): where to load it. */
#ifndef TRIAD_LINUX_IMAGE_H
#define TRIAD_LINUX_IMAGE_H

#include <stdint.h>

struct linux_image {
	uint64_t text_offset; /* load at a 2 MB-aligned base + text_offset */
	uint64_t mem_size;    /* bytes the image occupies once loaded, including its bss */
};

/* Returns NULL, or why the blob is not a usable little-endian arm64 Image. */
const char *linux_image_parse(const void *img, uint64_t size, struct linux_image *out);

#endif
