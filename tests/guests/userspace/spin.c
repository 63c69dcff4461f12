/* triad-spin SECONDS [LABEL]: busy-loops for SECONDS of wall-clock time (the virtual
 * counter, which keeps running while the vCPU is descheduled) and prints how many loop
 * iterations it completed in each second and in all: the CPU share this vCPU got,
 * measured from inside the guest. */
#include "nolibc.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		put_str("usage: triad-spin SECONDS [LABEL]\n");
		return 2;
	}
	uint64_t seconds = parse_u64(argv[1]), freq = counter_freq();
	uint64_t start = counter(), iterations = 0, in_second = 0, second = 1;
	for (;;) {
		uint64_t now = counter();
		if (now >= start + second * freq) {
			put_str("spin: ");
			put_str(argc > 2 ? argv[2] : "-");
			put_str(" second ");
			put_u64(second);
			put_str(": ");
			put_u64(in_second);
			put_str("\n");
			in_second = 0;
			if (second++ == seconds)
				break;
		}
		/* A fixed amount of work per iteration between counter reads. */
		for (volatile int i = 0; i < 1000; i++)
			;
		iterations++;
		in_second++;
	}
	put_str("spin: ");
	put_str(argc > 2 ? argv[2] : "-");
	put_str(" ");
	put_u64(iterations);
	put_str(" iterations in ");
	put_u64(seconds);
	put_str(" s\n");
	return 0;
}
