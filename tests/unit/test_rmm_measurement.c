// sources: security/rmm/measurement.c .cache/src/mbedtls/library/sha[25]*.c
// sources: .cache/src/mbedtls/library/platform_util.c .cache/src/mbedtls/library/platform.c
/* Host tests for the RMM's realm measurements: one realm's events (REALM_CREATE, an
 * RTT_INIT_RIPAS, a measured and an unmeasured DATA_CREATE, a REC_CREATE) and a REM
 * extension, with SHA-256 and SHA-512. The expected values come from
 * tools/realm_measure.py (Python's hashlib), which the attestation verifier uses: RMM and
 * verifier must agree byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../security/rmm/measurement.h"

static const char *const expected[2][6] = {
    {"69c7b37493bb272a73b5540b00de2ddd1d891a6e74f927f9969ce59868b67fd3",
     "180f30645f336b72a92a1c0a0a63f26b21dff9601ceec95c28fcb24422e052e2",
     "022659c8c144cbba3e9932abe1fc2b18897c031fa1c3c8353d9f7e408bccf05c",
     "c44ea7a6d503c8fdedcc77bb1d6d8f007d3f849223cee88d9e315fdd95a946d5",
     "ec61f931d07bfd8f42fd18c21fa0f3bf229c3e301d4c969ac8e18e5d466d9775",
     "076f6644e04400bc903144d834d1d1c889a9ef8edeeed5c5c8d7c56cd902f80c"},
    {"0fcf2d8edba1793c5e2239a59d412a5b3e260570cb93768357edaa1dbd851151"
     "606053432a8b7a98ff5a00b7ec5c4de49271e921948368dab056716549084c7f",
     "c2daf881a5712b75a21f6bf5a2e38677d217a26a158232098547d17c278d254b"
     "f0d481a2efa12f61be7a45ee9e8bedd11242d6b19fb2af5e99e70fbb42c4887c",
     "b3b6d41a290173782d0e69ab549f9f89c043825c45416f69d1407afa7926b7b9"
     "f09413a1092682139b115440d03c24c64d885bf3ea5b30482f85e7d547252855",
     "05fd79ae357d078809663a66b87e3cf96869d52643d7e5043d6f784531ee2de3"
     "45da6ba70308da2dd12257ba41c00e4802fdbf1091334b5dd95bbc6074c41191",
     "01ec2a589998bfb12d108bc69a56d12bb0776e4214f55455b76417fdc7b533f5"
     "7a552eab51ff0d5ec22f3f7b8deae08c58d8dae8699a30c949a8fd29185301ae",
     "8526c0d63a397f8b74347b831df85498c41caf2f6a369b7e73751855221fbf26"
     "c4f95d399a09ad25aa211f2a714e237ed79048f0bd9fc994131be73b9e4197d8"},
};

static void assert_value(const struct measurement *m, const char *hex)
{
	char got[2 * MEASURE_MAX + 1];
	size_t n = measurement_size(m->algo);
	for (size_t i = 0; i < n; i++)
		snprintf(got + 2 * i, 3, "%02x", m->value[i]);
	assert_string_equal(got, hex);
	for (size_t i = n; i < MEASURE_MAX; i++)
		assert_int_equal(m->value[i], 0); /* SHA-256 values are zero-padded */
}

static void one_realm(uint8_t algo)
{
	static uint8_t page[4096];
	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 7 + 3);
	struct realm_params_measured p = {.s2sz = 40, .hash_algo = algo};
	struct measurement rim;
	rim_init(&rim, &p);
	assert_value(&rim, expected[algo][0]);
	rim_extend_ripas(&rim, 0x80000000, 0x80200000);
	assert_value(&rim, expected[algo][1]);
	rim_extend_data(&rim, 0x80000000, DATA_MEASURE_CONTENT, page);
	assert_value(&rim, expected[algo][2]);
	rim_extend_data(&rim, 0x80001000, 0, page); /* contents not measured */
	assert_value(&rim, expected[algo][3]);
	const uint64_t gprs[8] = {0x88000000};
	rim_extend_rec(&rim, 1, 0x80080000, gprs);
	assert_value(&rim, expected[algo][4]);
	struct measurement rem = {.algo = algo};
	rem_extend(&rem, "triad", 5);
	assert_value(&rem, expected[algo][5]);
}

static void sha256_realm(void **state)
{
	(void)state;
	one_realm(HASH_SHA256);
}

static void sha512_realm(void **state)
{
	(void)state;
	one_realm(HASH_SHA512);
}

static void measurement_depends_on_every_measured_field(void **state)
{
	(void)state;
	struct realm_params_measured base = {.s2sz = 40}, p;
	struct measurement a, b;
	rim_init(&a, &base);
	/* cppcheck-suppress uninitvar ; only addresses: p = base comes before each use */
	uint8_t *fields[] = {&p.s2sz, &p.sve_vl, &p.num_bps, &p.num_wps, &p.pmu_num_ctrs};
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		p = base;
		(*fields[i])++;
		rim_init(&b, &p);
		assert_memory_not_equal(a.value, b.value, 32);
	}
	p = base;
	p.flags = 1;
	rim_init(&b, &p);
	assert_memory_not_equal(a.value, b.value, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sha256_realm),
	    cmocka_unit_test(sha512_realm),
	    cmocka_unit_test(measurement_depends_on_every_measured_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
