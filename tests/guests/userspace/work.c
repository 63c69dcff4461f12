/* triad-work: fixed amounts of work for the Linux macro-benchmarks, timed on the virtual
 * counter (under QEMU -icount shift=0 its nanoseconds are executed instructions):
 *   triad-work stamp LABEL    prints the counter now
 *   triad-work compute N      N million iterations of a register-only loop
 *   triad-work touch MB       maps MB of fresh anonymous memory and writes every page
 * Each prints "work: WHAT ... ns N". */
#include "nolibc.h"

#define SYS_munmap 215
#define SYS_mmap   222

static uint64_t now_ns(void)
{
	return ticks_to_ns(counter(), counter_freq());
}

static void result(const char *what, uint64_t arg, uint64_t ns)
{
	put_str("work: ");
	put_str(what);
	put_str(" ");
	put_u64(arg);
	put_str(" ns ");
	put_u64(ns);
	put_str("\n");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		put_str("usage: triad-work stamp LABEL | compute MILLIONS | touch MB\n");
		return 2;
	}
	const char *mode = argv[1];
	if (mode[0] == 's') {
		put_str("work: stamp ");
		put_str(argv[2]);
		put_str(" ns ");
		put_u64(now_ns());
		put_str("\n");
		return 0;
	}
	uint64_t n = parse_u64(argv[2]);
	uint64_t t0 = now_ns();
	if (mode[0] == 'c') {
		uint64_t x = 1;
		for (uint64_t i = 0; i < n * 1000000; i++)
			__asm__ volatile("add %0, %0, %0, lsr #3" : "+r"(x));
		result("compute", n, now_ns() - t0);
		return 0;
	}
	if (mode[0] == 't') {
		size_t len = n << 20;
		long p =
		    syscall6(SYS_mmap, 0, (long)len, 3 /* RW */, 0x22 /* PRIVATE|ANON */, -1, 0);
		if (p < 0 && p > -4096) {
			put_str("work: mmap failed\n");
			return 1;
		}
		for (size_t off = 0; off < len; off += 4096)
			((volatile char *)p)[off] = 1;
		syscall6(SYS_munmap, p, (long)len, 0, 0, 0, 0);
		result("touch", n, now_ns() - t0);
		return 0;
	}
	put_str("triad-work: unknown mode\n");
	return 2;
}
