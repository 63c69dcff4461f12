/* The TRNG guest: SMCCC TRNG 1.0 (Arm DEN0098) and the vendor hypervisor service's queries
 * as Linux makes them at boot: versions and features, entropy that differs between calls and
 * fills exactly the bits asked for, refusals of bit counts out of range. */
#include "../lib/check.h"

#define TRNG_VERSION	      0x84000050UL
#define TRNG_FEATURES	      0x84000051UL
#define TRNG_GET_UUID	      0x84000052UL
#define TRNG_RND32	      0x84000053UL
#define TRNG_RND64	      0xC4000053UL
#define VENDOR_HYP_CALL_COUNT 0x8600ff00UL
#define VENDOR_HYP_UID	      0x8600ff01UL
#define VENDOR_HYP_REVISION   0x8600ff03UL
#define NOT_SUPPORTED	      (-1)
#define INVALID_PARAMETERS    (-2)

struct regs4 {
	int64_t x0;
	uint64_t x1, x2, x3;
};

static struct regs4 call(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn, x1 __asm__("x1") = a1, x2 __asm__("x2") = 0,
			     x3 __asm__("x3") = 0;
	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
	return (struct regs4){(int64_t)x0, x1, x2, x3};
}

int main(const char *dtb)
{
	(void)dtb;
	struct regs4 r = call(TRNG_VERSION, 0);
	check(r.x0 == 0x10000, "TRNG_VERSION is 1.0", (uint64_t)r.x0);
	check(call(TRNG_FEATURES, TRNG_RND64).x0 == 0, "TRNG_FEATURES: RND64 there", 0);
	check(call(TRNG_FEATURES, TRNG_RND32).x0 == 0, "TRNG_FEATURES: RND32 there", 0);
	r = call(TRNG_FEATURES, 0x84000054UL);
	check(r.x0 == NOT_SUPPORTED, "TRNG_FEATURES: an unknown function is not", (uint64_t)r.x0);
	r = call(TRNG_GET_UUID, 0);
	check(r.x0 != -1 && (r.x0 | r.x1 | r.x2 | r.x3) != 0, "TRNG_GET_UUID", (uint64_t)r.x0);

	struct regs4 a = call(TRNG_RND64, 192), b = call(TRNG_RND64, 192);
	check(a.x0 == 0 && b.x0 == 0, "RND64 192 bits", (uint64_t)a.x0);
	check(a.x1 != b.x1 && a.x2 != b.x2 && a.x3 != b.x3, "RND64: two calls differ", a.x3);
	check(a.x1 != a.x2 && a.x2 != a.x3, "RND64: its three words differ", a.x2);
	r = call(TRNG_RND64, 70); /* 64 bits in x3, 6 in x2, none in x1 */
	check(r.x0 == 0 && r.x1 == 0 && r.x2 < 64, "RND64 70 bits: only those", r.x2);
	unsigned ones = 0;
	for (unsigned i = 0; i < 64; i++) {
		r = call(TRNG_RND64, 1);
		ones += (unsigned)r.x3;
		if (r.x3 > 1 || r.x2 || r.x1)
			break;
	}
	check(ones > 0 && ones < 64, "RND64 1 bit: a bit, sometimes set", ones);
	r = call(TRNG_RND32, 96);
	check(r.x0 == 0 && r.x1 >> 32 == 0 && r.x2 >> 32 == 0 && r.x3 >> 32 == 0 &&
		  (r.x1 | r.x2 | r.x3) != 0,
	      "RND32 96 bits in three 32-bit words", r.x1);
	check(call(TRNG_RND64, 0).x0 == INVALID_PARAMETERS, "RND64 0 bits refused", 0);
	check(call(TRNG_RND64, 193).x0 == INVALID_PARAMETERS, "RND64 193 bits refused", 0);
	check(call(TRNG_RND32, 97).x0 == INVALID_PARAMETERS, "RND32 97 bits refused", 0);

	r = call(VENDOR_HYP_UID, 0);
	check(r.x0 != NOT_SUPPORTED && (r.x0 | r.x1 | r.x2 | r.x3) != 0, "vendor hypervisor UID",
	      (uint64_t)r.x0);
	r = call(VENDOR_HYP_REVISION, 0);
	check(r.x0 == 1 && r.x1 == 0, "vendor hypervisor revision 1.0", (uint64_t)r.x0);
	check(call(VENDOR_HYP_CALL_COUNT, 0).x0 == 3, "vendor hypervisor call count", 0);
	print_summary("trngguest", passed, failed);
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	return 0;
}
