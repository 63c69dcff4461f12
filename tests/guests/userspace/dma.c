/* triad-dma: drives QEMU's "edu" PCI device from user space (its BAR through sysfs) to
 * test DMA confinement:
 *   triad-dma /sys/bus/pci/devices/0000:00:DD.F TARGET_HEX
 * First a round trip through the device between the program's own memory and the device
 * buffer (the DMA engine works), then a 4 KB DMA write to TARGET and a DMA read from it,
 * TARGET being a bus address (= IPA) outside this VM's memory. Prints one line per step. */
#include <stdbool.h>

#include "nolibc.h"

#define SYS_openat   56
#define SYS_close    57
#define SYS_pread64  67
#define SYS_pwrite64 68
#define SYS_mmap     222
#define SYS_mlock    228
#define AT_FDCWD     -100
#define O_RDWR	     2
#define O_SYNC	     04010000
#define PROT_RW	     3
#define MAP_SHARED   1
#define MAP_PRIVATE  2
#define MAP_ANON     0x20

#define EDU_ID	   0x00
#define DMA_SRC	   0x80
#define DMA_DST	   0x88
#define DMA_CNT	   0x90
#define DMA_CMD	   0x98
#define EDU_BUF	   0x40000
#define CMD_GO	   1
#define CMD_TO_RAM 2

static volatile uint8_t *regs;

static void say(const char *a, uint64_t hex)
{
	static const char digits[] = "0123456789abcdef";
	char buf[19] = "0x";
	for (int i = 0; i < 16; i++)
		buf[2 + i] = digits[(hex >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	put_str("dma: ");
	put_str(a);
	put_str(" ");
	put_str(buf);
	put_str("\n");
	put_flush();
}

static long open_path(const char *dir, const char *leaf, int flags)
{
	char path[200];
	size_t n = 0;
	for (const char *s = dir; *s && n < 150; s++)
		path[n++] = *s;
	path[n++] = '/';
	for (const char *s = leaf; *s && n < 198; s++)
		path[n++] = *s;
	path[n] = 0;
	return syscall6(SYS_openat, AT_FDCWD, (long)path, flags, 0, 0, 0);
}

static void wr64(unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

/* One DMA of `count` bytes; false if the device did not finish within about 5 s. */
static bool dma(uint64_t src, uint64_t dst, uint64_t count, uint64_t cmd)
{
	wr64(DMA_SRC, src);
	wr64(DMA_DST, dst);
	wr64(DMA_CNT, count);
	wr64(DMA_CMD, cmd | CMD_GO);
	uint64_t freq = counter_freq(), start = counter();
	while (*(volatile uint64_t *)(regs + DMA_CMD) & CMD_GO)
		if (counter() - start > 5 * freq)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		put_str("usage: triad-dma /sys/bus/pci/devices/DEV TARGET_HEX\n");
		return 2;
	}
	uint64_t target = 0;
	for (const char *s = argv[2] + (argv[2][1] == 'x' ? 2 : 0); *s; s++)
		target = target * 16 + (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	long cfg = open_path(argv[1], "config", O_RDWR);
	long res = open_path(argv[1], "resource0", O_RDWR | O_SYNC);
	if (cfg < 0 || res < 0) {
		put_str("dma: cannot open the device's config or resource0\n");
		return 1;
	}
	uint16_t cmd = 0x6; /* memory decode, bus mastering */
	syscall6(SYS_pwrite64, cfg, (long)&cmd, 2, 4, 0, 0);
	regs = (volatile uint8_t *)syscall6(SYS_mmap, 0, 4096, PROT_RW, MAP_SHARED, res, 0);
	if ((long)regs < 0 || (*(volatile uint32_t *)(regs + EDU_ID) & 0xff) != 0xed) {
		put_str("dma: not an edu device\n");
		return 1;
	}
	/* A page of our own, pinned, and its bus address (= IPA) from /proc/self/pagemap. */
	uint8_t *own =
	    (uint8_t *)syscall6(SYS_mmap, 0, 4096, PROT_RW, MAP_PRIVATE | MAP_ANON, -1, 0);
	for (int i = 0; i < 4096; i++)
		own[i] = (uint8_t)(i * 13 + 1);
	syscall3(SYS_mlock, (long)own, 4096, 0);
	long pm = open_path("/proc/self", "pagemap", 0);
	uint64_t entry = 0;
	syscall6(SYS_pread64, pm, (long)&entry, 8, (long)((uint64_t)own / 4096 * 8), 0, 0);
	if (!(entry >> 63)) {
		put_str("dma: cannot find our page's address\n");
		return 1;
	}
	uint64_t own_ipa = (entry & ((1ULL << 55) - 1)) << 12;
	say("own page at", own_ipa);
	/* The engine works: our page to the device and back. */
	if (!dma(own_ipa, EDU_BUF, 4096, 0)) {
		put_str("dma: device did not complete\n");
		return 1;
	}
	for (int i = 0; i < 4096; i++)
		own[i] = 0;
	dma(EDU_BUF, own_ipa, 4096, CMD_TO_RAM);
	bool same = true;
	for (int i = 0; i < 4096; i++)
		same &= own[i] == (uint8_t)(i * 13 + 1);
	put_str(same ? "dma: round trip through the device ok\n"
		     : "dma: round trip through the device FAILED\n");
	/* The attack: write the device buffer to TARGET, then read TARGET into it. */
	say("writing 4096 bytes to", target);
	bool done = dma(EDU_BUF, target, 4096, CMD_TO_RAM);
	say(done ? "write finished at" : "write did not complete at", target);
	dma(target, EDU_BUF, 4096, 0);
	dma(EDU_BUF, own_ipa, 4096, CMD_TO_RAM);
	uint64_t first = 0;
	for (int i = 7; i >= 0; i--)
		first = first << 8 | own[i];
	say("read from the target, first 8 bytes (little-endian)", first);
	return 0;
}
