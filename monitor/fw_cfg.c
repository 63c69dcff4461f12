/* Loading from QEMU's fw_cfg (docs/specs/fw_cfg.rst in QEMU): with -bios, QEMU does not
 * place -kernel/-initrd/-append in memory but offers them here; the DMA interface copies
 * them straight to their place. */
#include "monitor.h"

#define FW_CFG	       0x09020000UL
#define FW_CFG_DMA     (FW_CFG + 16)
#define KEY_SIGNATURE  0x00
#define KEY_KERNEL_SZ  0x08
#define KEY_INITRD_SZ  0x0b
#define KEY_KERNEL     0x11
#define KEY_INITRD     0x12
#define KEY_CMDLINE_SZ 0x14
#define KEY_CMDLINE    0x15

#define DMA_ERROR  1U
#define DMA_READ   2U
#define DMA_SELECT 8U

struct fw_cfg_dma {
	uint32_t control, length; /* big-endian */
	uint64_t address;
} __attribute__((aligned(16)));

/* fw_cfg's DMA works in the normal world's address space: its descriptor and the small
 * items read through it live in a normal-world scratch page (set by fw_cfg_load). */
static volatile struct fw_cfg_dma *dma;
static uint8_t *scratch;

/* Reads len bytes of item key (from its start if select, else from where the last read
 * stopped) to dst. */
static bool fw_cfg_read(uint16_t key, bool select, void *dst, uint32_t len)
{
	dma->control =
	    __builtin_bswap32((select ? ((uint32_t)key << 16) | DMA_SELECT : 0) | DMA_READ);
	dma->length = __builtin_bswap32(len);
	dma->address = __builtin_bswap64((uint64_t)dst);
	dsb(sy);
	*(volatile uint64_t *)FW_CFG_DMA = __builtin_bswap64((uint64_t)dma);
	uint32_t c;
	while ((c = __builtin_bswap32(dma->control)) & ~DMA_ERROR)
		;
	return !(c & DMA_ERROR);
}

static uint32_t fw_cfg_u32(uint16_t key)
{
	volatile uint32_t *v = (volatile uint32_t *)(scratch + 64);
	*v = 0;
	fw_cfg_read(key, true, (void *)v, 4);
	return *v; /* fw_cfg item values are little-endian */
}

void fw_cfg_init(void *scratch_page)
{
	scratch = scratch_page;
	dma = (volatile struct fw_cfg_dma *)scratch;
}

const char *fw_cfg_load(struct boot_info *bi, uint64_t ram_base, uint64_t ram_end, uint64_t *entry)
{
	volatile char *sig = (volatile char *)(scratch + 128);
	if (!fw_cfg_read(KEY_SIGNATURE, true, (void *)sig, 4) || sig[0] != 'Q' || sig[1] != 'E')
		return "no QEMU fw_cfg";
	uint32_t ksize = fw_cfg_u32(KEY_KERNEL_SZ), isize = fw_cfg_u32(KEY_INITRD_SZ);
	uint32_t csize = fw_cfg_u32(KEY_CMDLINE_SZ);
	if (ksize < 64)
		return "no hypervisor image (QEMU -kernel)";
	/* The arm64 Image header says where in RAM the image goes and how much it uses. */
	volatile uint64_t *hdr = (volatile uint64_t *)(scratch + 256);
	if (!fw_cfg_read(KEY_KERNEL, true, (void *)hdr, 64) || (uint32_t)hdr[7] != 0x644d5241)
		return "the -kernel file is not an arm64 Image";
	uint64_t text_offset = hdr[1], image_size = hdr[2];
	uint64_t load = ram_base + (text_offset ? text_offset : 0x80000);
	uint64_t *dst = (uint64_t *)load;
	for (int i = 0; i < 8; i++)
		dst[i] = hdr[i];
	if (!fw_cfg_read(KEY_KERNEL, false, (void *)(load + 64), ksize - 64))
		return "loading the hypervisor image failed";
	if (image_size < ksize)
		image_size = ksize;
	/* The bundle 2 MiB-aligned after the image, leaving it room for its .bss. */
	uint64_t initrd = (load + image_size + 0x400000) & ~0x1fffffULL;
	bi->initrd_start = bi->initrd_end = 0;
	if (initrd + isize > ram_end)
		return "the machine's RAM is too small for the hypervisor and its bundle";
	if (isize) {
		if (!fw_cfg_read(KEY_INITRD, true, (void *)initrd, isize))
			return "loading the boot bundle failed (is the machine's RAM large "
			       "enough?)";
		bi->initrd_start = initrd;
		bi->initrd_end = initrd + isize;
	}
	bi->bootargs[0] = 0;
	if (csize > sizeof(bi->bootargs))
		return "the command line is too long";
	if (csize && !fw_cfg_read(KEY_CMDLINE, true, bi->bootargs, csize))
		return "reading the command line failed";
	bi->bootargs[sizeof(bi->bootargs) - 1] = 0;
	dsb(sy);
	*entry = load;
	return 0;
}

#define KEY_FILE_DIR 0x19

static int name_eq(const volatile char *a, const char *b)
{
	for (int i = 0; i < 56; i++) {
		if (a[i] != b[i])
			return 0;
		if (!b[i])
			return 1;
	}
	return 0;
}

uint64_t fw_cfg_load_file(const char *name, uint64_t dst, uint64_t max, uint64_t staging)
{
	volatile uint32_t *count = (volatile uint32_t *)(scratch + 512);
	if (!fw_cfg_read(KEY_FILE_DIR, true, (void *)count, 4))
		return 0;
	uint32_t n = __builtin_bswap32(*count);
	/* Entries: be32 size, be16 select, be16 reserved, char name[56]. */
	volatile uint8_t *e = scratch + 576;
	for (uint32_t i = 0; i < n; i++) {
		if (!fw_cfg_read(KEY_FILE_DIR, false, (void *)e, 64))
			return 0;
		if (!name_eq((const volatile char *)(e + 8), name))
			continue;
		uint32_t size = __builtin_bswap32(*(volatile uint32_t *)e);
		uint16_t key = (uint16_t)(e[4] << 8 | e[5]);
		if (!size || size > max || !fw_cfg_read(key, true, (void *)staging, size))
			return 0;
		const volatile uint64_t *from = (const volatile uint64_t *)staging;
		volatile uint64_t *to = (volatile uint64_t *)dst;
		for (uint64_t w = 0; w < (size + 7) / 8; w++)
			to[w] = from[w];
		dsb(sy);
		return size;
	}
	return 0;
}
