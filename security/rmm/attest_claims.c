/*
 * The CBOR of the CCA attestation token (Arm CCA Security Model, RMM 1.0 A7.2): the realm
 * token's claims and the COSE_Sign1 (RFC 9052) around them. Pure encoding: no keys here,
 * so the host tests check it byte for byte.
 */
#include "attest.h"

#define CCA_TOKEN_TAG	    399
#define CCA_PLATFORM_TOKEN  44234
#define CCA_REALM_TOKEN	    44241
#define COSE_SIGN1_TAG	    18
#define COSE_HEADER_ALG	    1
#define COSE_ALG_ES384	    -35
#define CLAIM_CHALLENGE	    10
#define CLAIM_PROFILE	    265
#define CLAIM_RPV	    44235
#define CLAIM_HASH_ALGO	    44236
#define CLAIM_RAK	    44237
#define CLAIM_RAK_HASH_ALGO 44240
#define CLAIM_RIM	    44238
#define CLAIM_REM	    44239
#define REALM_PROFILE	    "tag:arm.com,2023:realm#1.0.0"

void attest_realm_claims(struct cbor *c, const struct realm_claims *claims)
{
	cbor_head(c, CBOR_MAP, 8);
	cbor_int(c, CLAIM_PROFILE);
	cbor_text(c, REALM_PROFILE);
	cbor_int(c, CLAIM_CHALLENGE);
	cbor_bytes(c, claims->challenge, ATTEST_CHALLENGE_SIZE);
	cbor_int(c, CLAIM_RPV);
	cbor_bytes(c, claims->rpv, 64);
	cbor_int(c, CLAIM_RIM);
	cbor_bytes(c, claims->rim, claims->hash_len);
	cbor_int(c, CLAIM_REM);
	cbor_head(c, CBOR_ARRAY, 4);
	for (int i = 0; i < 4; i++)
		cbor_bytes(c, claims->rem[i], claims->hash_len);
	cbor_int(c, CLAIM_HASH_ALGO);
	cbor_text(c, claims->hash_algo);
	cbor_int(c, CLAIM_RAK);
	cbor_bytes(c, claims->rak_public, RAK_PUBLIC_SIZE);
	cbor_int(c, CLAIM_RAK_HASH_ALGO);
	cbor_text(c, "sha-256");
}

/* The protected header, a bstr holding {1: -35}. */
static void protected_header(struct cbor *c)
{
	static const uint8_t alg_es384[] = {0xa1, 0x01, 0x38, 0x22};
	cbor_bytes(c, alg_es384, sizeof(alg_es384));
}

void attest_sig_structure(struct cbor *c, const uint8_t *payload, size_t len)
{
	cbor_head(c, CBOR_ARRAY, 4);
	cbor_text(c, "Signature1");
	protected_header(c);
	cbor_bytes(c, 0, 0); /* no external AAD */
	cbor_bytes(c, payload, len);
}

void attest_cose_sign1(struct cbor *c, const uint8_t *payload, size_t len, const uint8_t sig[96])
{
	cbor_head(c, CBOR_TAG, COSE_SIGN1_TAG);
	cbor_head(c, CBOR_ARRAY, 4);
	protected_header(c);
	cbor_head(c, CBOR_MAP, 0);
	cbor_bytes(c, payload, len);
	cbor_bytes(c, sig, 96);
}

void attest_cca_token(struct cbor *c, const uint8_t *platform, size_t platform_len,
		      const uint8_t *realm, size_t realm_len)
{
	cbor_head(c, CBOR_TAG, CCA_TOKEN_TAG);
	cbor_head(c, CBOR_MAP, 2);
	cbor_int(c, CCA_PLATFORM_TOKEN);
	cbor_bytes(c, platform, platform_len);
	cbor_int(c, CCA_REALM_TOKEN);
	cbor_bytes(c, realm, realm_len);
}
