/* triad-sve SEED ROUNDS: a vector-heavy computation whose state lives in SVE registers for
 * its whole run (accumulators in Z0/Z1, the loop predicate in P0), checked against the same
 * sum computed with scalar code. Data from SEED, so that two VMs sharing a CPU work on
 * different values; a switch that lost or mixed their registers gives a wrong sum.
 * Prints "sve: vl BYTES seed S sum X expected Y ok|WRONG". Built with +sve. */
#include "nolibc.h"

#define N 16384 /* 32-bit elements: 64 KiB */

static uint32_t data[N];

/* sum over ROUNDS passes of (data[i] widened to 64 bits), vector-length agnostic */
uint64_t sve_sum(const uint32_t *d, uint64_t n, uint64_t rounds);
uint64_t sve_vl(void);
__asm__(".arch armv8.2-a+sve\n"
	".text\n"
	".global sve_sum\n"
	"sve_sum:\n"
	"	mov	z0.d, #0\n"
	"	mov	z1.d, #0\n"
	"	ptrue	p1.d\n"
	"1:	mov	x3, #0\n"
	"	whilelo	p0.s, x3, x1\n"
	"2:	ld1w	{z4.s}, p0/z, [x0, x3, lsl #2]\n"
	"	uunpklo	z5.d, z4.s\n"
	"	uunpkhi	z6.d, z4.s\n"
	"	add	z0.d, z0.d, z5.d\n"
	"	add	z1.d, z1.d, z6.d\n"
	"	incw	x3\n"
	"	whilelo	p0.s, x3, x1\n"
	"	b.first	2b\n"
	"	subs	x2, x2, #1\n"
	"	b.ne	1b\n"
	"	add	z0.d, z0.d, z1.d\n"
	"	uaddv	d0, p1, z0.d\n"
	"	fmov	x0, d0\n"
	"	ret\n"
	".global sve_vl\n"
	"sve_vl:\n"
	"	rdvl	x0, #1\n"
	"	ret\n");

int main(int argc, char **argv)
{
	if (argc < 3) {
		put_str("usage: triad-sve SEED ROUNDS\n");
		return 2;
	}
	uint64_t seed = parse_u64(argv[1]), rounds = parse_u64(argv[2]);
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1, one = 0;
	for (unsigned i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		data[i] = (uint32_t)x;
		one += data[i];
	}
	uint64_t got = sve_sum(data, N, rounds), want = one * rounds;
	put_str("sve: vl ");
	put_u64(sve_vl());
	put_str(" seed ");
	put_u64(seed);
	put_str(" sum ");
	put_u64(got);
	put_str(" expected ");
	put_u64(want);
	put_str(got == want ? " ok\n" : " WRONG\n");
	return got == want ? 0 : 1;
}
