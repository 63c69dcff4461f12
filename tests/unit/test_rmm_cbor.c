// sources: security/rmm/cbor.c security/rmm/attest_claims.c
/* The RMM's CBOR writer against RFC 8949's examples (Appendix A), its overflow rule, and
 * the shape of a realm token's claims and COSE_Sign1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "security/rmm/attest.h"
#include "security/rmm/cbor.h"

static void expect_bytes(const struct cbor *c, const char *hex)
{
	size_t n = strlen(hex) / 2;
	assert_false(c->overflow);
	assert_int_equal(c->len, n);
	for (size_t i = 0; i < n; i++) {
		unsigned b;
		sscanf(hex + 2 * i, "%2x", &b);
		assert_int_equal(c->buf[i], b);
	}
}

static void test_rfc8949_examples(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *hex;
	} ints[] = {{0, "00"},
		    {23, "17"},
		    {24, "1818"},
		    {100, "1864"},
		    {1000, "1903e8"},
		    {1000000, "1a000f4240"},
		    {1000000000000, "1b000000e8d4a51000"},
		    {-1, "20"},
		    {-100, "3863"},
		    {-1000, "3903e7"}};
	uint8_t buf[16];
	struct cbor c;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		cbor_init(&c, buf, sizeof(buf));
		cbor_int(&c, ints[i].v);
		expect_bytes(&c, ints[i].hex);
	}
	cbor_init(&c, buf, sizeof(buf));
	cbor_text(&c, "IETF");
	expect_bytes(&c, "6449455446");
	cbor_init(&c, buf, sizeof(buf));
	cbor_bytes(&c, "\x01\x02\x03\x04", 4);
	expect_bytes(&c, "4401020304");
	cbor_init(&c, buf, sizeof(buf));
	cbor_bytes(&c, NULL, 0);
	expect_bytes(&c, "40");
	cbor_init(&c, buf, sizeof(buf));
	cbor_head(&c, CBOR_TAG, 399);
	cbor_head(&c, CBOR_MAP, 2);
	expect_bytes(&c, "d9018fa2");
}

static void test_overflow_stops_writing(void **state)
{
	(void)state;
	uint8_t buf[8] = {0};
	struct cbor c;
	cbor_init(&c, buf, 5);
	cbor_text(&c, "IETF"); /* exactly fits */
	assert_false(c.overflow);
	cbor_int(&c, 0); /* one byte too many */
	assert_true(c.overflow);
	assert_int_equal(c.len, 5);
	cbor_text(&c, "");
	assert_int_equal(c.len, 5);
	assert_int_equal(buf[5], 0);
}

static void test_token_shapes(void **state)
{
	(void)state;
	uint8_t z[64] = {0}, rak[RAK_PUBLIC_SIZE] = {4}, sig[96] = {0}, buf[2048];
	struct realm_claims claims = {z, z, z, {z, z, z, z}, 32, "sha-256", rak};
	struct cbor c;
	cbor_init(&c, buf, sizeof(buf));
	attest_realm_claims(&c, &claims);
	assert_false(c.overflow);
	assert_int_equal(buf[0], 0xa8); /* a map of 8 claims */
	size_t claims_len = c.len;
	uint8_t claims_copy[1024];
	memcpy(claims_copy, buf, claims_len);
	cbor_init(&c, buf, sizeof(buf));
	attest_cose_sign1(&c, claims_copy, claims_len, sig);
	/* tag 18, [bstr {1: -35}, {}, bstr payload (two-byte length), bstr signature] */
	assert_int_equal(buf[0], 0xd2);
	assert_int_equal(buf[1], 0x84);
	assert_memory_equal(buf + 2, "\x44\xa1\x01\x38\x22\xa0\x59", 7);
	assert_int_equal((buf[9] << 8) | buf[10], claims_len);
	assert_int_equal(c.len, 11 + claims_len + 2 + 96);
	cbor_init(&c, buf, 100); /* too small for the claims: refused, not cut */
	attest_realm_claims(&c, &claims);
	assert_true(c.overflow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8949_examples),
	    cmocka_unit_test(test_overflow_stops_writing),
	    cmocka_unit_test(test_token_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
