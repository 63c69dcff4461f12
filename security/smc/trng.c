/*
 * SMCCC TRNG 1.0 for guests (Arm DEN0098): true random numbers from the CPU's own source,
 * RNDRRS (FEAT_RNG: a random number freshly reseeded from the CPU's entropy source). Linux
 * probes it at boot and seeds its RNG from it. Without FEAT_RNG the service is absent and
 * TRNG_VERSION says NOT_SUPPORTED.
 */
#include <arch/sysreg.h>
#include <stdbool.h>
#include <triad/feature.h>
#include <triad/psci_abi.h>
#include <triad/vcpu.h>

#define TRNG_VERSION  0x84000050U
#define TRNG_FEATURES 0x84000051U
#define TRNG_GET_UUID 0x84000052U
#define TRNG_RND      0x84000053U /* RND32; RND64 with SMC64 */
#define TRNG_LAST     0x8400005fU /* the range the spec reserves */

#define TRNG_NO_ENTROPY	     (-3)
#define TRNG_VERSION_1_0     0x10000UL
#define ID_AA64ISAR0_RNDR(v) (((v) >> 60) & 0xf)
#define RNDR_TRIES	     16 /* a failure is transient: the source was busy */

/* Triad's TRNG back end, as the spec asks each implementation to name itself. */
static const uint32_t trng_uuid[4] = {0x7a6e3c15, 0x4b2d9f08, 0x8e11d4a3, 0x2c9b5f61};

static bool have_rng(void)
{
	return ID_AA64ISAR0_RNDR(read_sysreg(id_aa64isar0_el1)) != 0;
}

/* 64 bits from RNDRRS; false when the source failed RNDR_TRIES times (PSTATE.Z set). */
static bool random64(uint64_t *out)
{
	for (unsigned i = 0; i < RNDR_TRIES; i++) {
		uint64_t v, failed;
		__asm__ volatile("mrs %0, s3_3_c2_c4_1\n\tcset %1, eq"
				 : "=r"(v), "=r"(failed)::"cc");
		if (!failed) {
			*out = v;
			return true;
		}
	}
	return false;
}

/* RND32 (x1..x3 hold 32 bits each, up to 96) and RND64 (64 each, up to 192): the low bits
 * in x3, the request's bit count taken from the least significant end, the rest zero. */
static void rnd(uint64_t *x, bool smc64)
{
	unsigned width = smc64 ? 64 : 32, bits = (unsigned)(smc64 ? x[1] : (uint32_t)x[1]);
	if (bits == 0 || bits > 3 * width) {
		x[0] = (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS;
		return;
	}
	uint64_t r[3] = {0, 0, 0};
	for (unsigned i = 0; i < 3 && bits; i++) {
		uint64_t v;
		if (!random64(&v)) {
			x[0] = (uint64_t)(int64_t)TRNG_NO_ENTROPY;
			x[1] = x[2] = x[3] = 0;
			return;
		}
		unsigned take = bits < width ? bits : width;
		r[2 - i] = take == 64 ? v : v & ((1UL << take) - 1);
		bits -= take;
	}
	x[0] = 0;
	x[1] = r[0];
	x[2] = r[1];
	x[3] = r[2];
}

static void trng_call(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	uint32_t fn = (uint32_t)x[0];
	bool smc64 = fn & SMC64;
	if (!have_rng() || (smc64 && (fn & ~SMC64) != TRNG_RND)) {
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	}
	switch (fn & ~SMC64) {
	case TRNG_VERSION:
		x[0] = TRNG_VERSION_1_0;
		return;
	case TRNG_FEATURES: {
		uint32_t q = (uint32_t)x[1];
		bool known = q == TRNG_VERSION || q == TRNG_FEATURES || q == TRNG_GET_UUID ||
			     q == TRNG_RND || q == (TRNG_RND | SMC64);
		x[0] = known ? 0 : (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	}
	case TRNG_GET_UUID:
		for (unsigned i = 0; i < 4; i++)
			x[i] = trng_uuid[i];
		return;
	case TRNG_RND:
		rnd(x, smc64);
		return;
	default:
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
	}
}

SMCCC_SERVICE(trng) = {.mask = ~SMC64, .first = TRNG_VERSION, .last = TRNG_LAST, .call = trng_call};
