/*
 * Attestation (RMM 1.0, A7): the CCA token a realm gets through RSI_ATTESTATION_TOKEN_*:
 * the platform's token (from EL3, bound to the Realm Attestation Key) and a realm token
 * with the realm's challenge, measurements and RPV, signed with the RAK (ECDSA P-384).
 */
#ifndef RMM_ATTEST_H
#define RMM_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include "cbor.h"

#define ATTEST_CHALLENGE_SIZE 64
#define RAK_PUBLIC_SIZE	      97 /* SEC1 uncompressed P-384 point */

struct rd;

/* The realm's claims, as CBOR map entries (attest_claims.c, also built on the host). */
struct realm_claims {
	const uint8_t *challenge; /* 64 bytes */
	const uint8_t *rpv;	  /* 64 bytes */
	const uint8_t *rim;
	const uint8_t *rem[4];
	size_t hash_len;
	const char *hash_algo; /* "sha-256" or "sha-512" */
	const uint8_t *rak_public;
};
void attest_realm_claims(struct cbor *c, const struct realm_claims *claims);
/* COSE_Sign1 with ES384, over payload: the bytes the signature covers (Sig_structure). */
void attest_sig_structure(struct cbor *c, const uint8_t *payload, size_t len);
/* The signed token around payload and its 96-byte signature. */
void attest_cose_sign1(struct cbor *c, const uint8_t *payload, size_t len, const uint8_t sig[96]);
/* The CCA token: tag 399 over the platform and realm tokens. */
void attest_cca_token(struct cbor *c, const uint8_t *platform, size_t platform_len,
		      const uint8_t *realm, size_t realm_len);

/* attest.c: gets the RAK and the platform token from EL3 (through the shared page) at
 * boot; 0 or a negative RMM boot error. */
int attest_boot(uint64_t shared_page);
/* The whole CCA token for rd with this challenge into out: its length, or 0 if it does
 * not fit or attestation is unavailable. */
size_t attest_token(const struct rd *rd, const uint8_t challenge[ATTEST_CHALLENGE_SIZE],
		    uint8_t *out, size_t cap);

#endif
