/*
 * The platform's side of realm attestation (the RMM-EL3 interface's
 * RMM_ATTEST_GET_REALM_KEY and RMM_ATTEST_GET_PLAT_TOKEN): the RMM asks at its cold boot
 * for the Realm Attestation Key and for the platform token bound to it. Both are
 * development material made at build time (attest_blobs.S); a real platform derives the
 * key in hardware and has its token signed by its security enclave. Answers go only into
 * the RMM's shared page, and the token only for the challenge it binds.
 */
#include <triad/rmm_abi.h>

#include "monitor.h"

#define RAK_SIZE      48
#define RAK_HASH_SIZE 32
#define ECC_SECP384R1 0

extern const uint8_t attest_rak[], attest_rak_hash[], attest_token_blob[], attest_token_blob_end[];
static uint64_t token_sent; /* how much of the token the RMM has had */

/* The shared page to the point of coherency: the RMM reads and writes it through its
 * caches, the monitor (MMU off) without. */
static void to_poc(uint64_t pa, uint64_t len)
{
	for (uint64_t a = pa & ~63ULL; a < pa + len; a += 64)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

static void copy_out(uint64_t dst, const uint8_t *src, uint64_t len)
{
	volatile uint8_t *d = (volatile uint8_t *)dst;
	for (uint64_t i = 0; i < len; i++)
		d[i] = src[i];
	to_poc(dst, len);
}

int64_t attest_realm_key(uint64_t buf, uint64_t size, uint64_t curve, uint64_t *key_size)
{
	if (buf != rmm_shared)
		return E_RMM_BAD_ADDR;
	if (curve != ECC_SECP384R1 || size < RAK_SIZE || size > 0x1000)
		return E_RMM_INVAL;
	copy_out(buf, attest_rak, RAK_SIZE);
	*key_size = RAK_SIZE;
	return E_RMM_OK;
}

int64_t attest_platform_token(uint64_t buf, uint64_t size, uint64_t challenge_size, uint64_t *hunk,
			      uint64_t *remaining)
{
	/* cppcheck-suppress comparePointers ; one blob: attest_blobs.S puts both labels around it
	 */
	uint64_t total = (uint64_t)(attest_token_blob_end - attest_token_blob);
	if (buf != rmm_shared)
		return E_RMM_BAD_ADDR;
	if (!size || size > 0x1000)
		return E_RMM_INVAL;
	if (challenge_size) {
		/* A new request: the challenge must be the hash of our RAK's public key. */
		if (challenge_size != RAK_HASH_SIZE)
			return E_RMM_INVAL;
		to_poc(buf, challenge_size);
		const volatile uint8_t *c = (const volatile uint8_t *)buf;
		for (unsigned i = 0; i < RAK_HASH_SIZE; i++)
			if (c[i] != attest_rak_hash[i])
				return E_RMM_INVAL;
		token_sent = 0;
	}
	uint64_t n = total - token_sent < size ? total - token_sent : size;
	copy_out(buf, attest_token_blob + token_sent, n);
	token_sent += n;
	*hunk = n;
	*remaining = total - token_sent;
	return E_RMM_OK;
}
