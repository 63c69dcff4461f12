/*
 * Attestation keys and signing (RMM 1.0, A7). At cold boot EL3 gives the RMM the Realm
 * Attestation Key (a P-384 private key; on QEMU a development key made at build time) and
 * the platform token, which binds the RAK: its challenge is the SHA-256 of the RAK's public
 * key. A realm's token is then signed here with mbedTLS (deterministic ECDSA, RFC 6979, so
 * no random number decides the key's safety; the random input only blinds the arithmetic).
 * mbedTLS's allocator has one static heap, so one signature at a time.
 */
#include <mbedtls/ecdsa.h>
#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <string.h>
#include <triad/smccc.h>

#include "attest.h"
#include "realm.h"

#define ECC_SECP384R1	   0
#define RAK_PRIVATE_SIZE   48
#define PLATFORM_TOKEN_MAX 2048
#define PAYLOAD_MAX	   1024

static uint8_t heap[24 * 1024] __attribute__((aligned(16)));
static mbedtls_ecp_group group;
static mbedtls_mpi rak_private;
static uint8_t rak_public[RAK_PUBLIC_SIZE];
static uint8_t platform_token[PLATFORM_TOKEN_MAX];
static size_t platform_len;
static bool ready;
static uint32_t sign_lock;
static uint8_t payload[PAYLOAD_MAX], to_sign[PAYLOAD_MAX + 64], realm_token[PAYLOAD_MAX + 128];

void rmm_crypto_panic(int status)
{
	(void)status;
	early_puts("[rmm] panic: mbedTLS heap corrupted\n");
	for (;;)
		__asm__ volatile("wfi");
}

/* Random bytes for blinding: the CPU's RNDR where it has one, else the counter stirred. */
static int blinding(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	static uint64_t stir = 0x9e3779b97f4a7c15ULL;
	bool rndr = (read_sysreg(id_aa64isar0_el1) >> 60) != 0;
	while (len) {
		uint64_t v = 0, ok = 0;
		if (rndr)
			__asm__ volatile("mrs %0, s3_3_c2_c4_0\n cset %1, ne"
					 : "=r"(v), "=r"(ok)::"cc");
		if (!ok) {
			stir ^= read_sysreg(cntpct_el0);
			stir ^= stir << 13, stir ^= stir >> 7, stir ^= stir << 17;
			v = stir;
		}
		size_t n = len < 8 ? len : 8;
		memcpy(out, &v, n);
		out += n, len -= n;
	}
	return 0;
}

static uint64_t el3(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *r1, uint64_t *r2)
{
	uint64_t r[8] = {fid, a1, a2, a3};
	smc_call_regs(r);
	*r1 = r[1];
	*r2 = r[2];
	return r[0];
}

/* The RAK from EL3 (taken out of the shared page at once), and its public key. */
static bool load_rak(uint8_t *shared)
{
	uint64_t size, unused;
	if (el3(RMM_ATTEST_GET_REALM_KEY, (uint64_t)shared, GRANULE_SIZE, ECC_SECP384R1, &size,
		&unused) != E_RMM_OK ||
	    size != RAK_PRIVATE_SIZE)
		return false;
	mbedtls_ecp_point q;
	mbedtls_ecp_point_init(&q);
	size_t out_len = 0;
	bool ok = !mbedtls_ecp_group_load(&group, MBEDTLS_ECP_DP_SECP384R1) &&
		  !mbedtls_mpi_read_binary(&rak_private, shared, RAK_PRIVATE_SIZE) &&
		  !mbedtls_ecp_check_privkey(&group, &rak_private) &&
		  !mbedtls_ecp_mul(&group, &q, &rak_private, &group.G, blinding, 0) &&
		  !mbedtls_ecp_point_write_binary(&group, &q, MBEDTLS_ECP_PF_UNCOMPRESSED, &out_len,
						  rak_public, sizeof(rak_public)) &&
		  out_len == RAK_PUBLIC_SIZE;
	mbedtls_platform_zeroize(shared, RAK_PRIVATE_SIZE);
	mbedtls_ecp_point_free(&q);
	return ok;
}

/* The platform token for our RAK: the challenge (its public key's hash) goes in first,
 * the token comes back in pieces. */
static bool load_platform_token(uint8_t *shared)
{
	uint8_t challenge[32];
	if (mbedtls_sha256(rak_public, sizeof(rak_public), challenge, 0))
		return false;
	memcpy(shared, challenge, sizeof(challenge));
	uint64_t challenge_size = sizeof(challenge);
	platform_len = 0;
	for (;;) {
		uint64_t hunk, remaining;
		if (el3(RMM_ATTEST_GET_PLAT_TOKEN, (uint64_t)shared, GRANULE_SIZE, challenge_size,
			&hunk, &remaining) != E_RMM_OK ||
		    hunk > GRANULE_SIZE || hunk > sizeof(platform_token) - platform_len)
			return false;
		memcpy(platform_token + platform_len, shared, hunk);
		platform_len += hunk;
		if (!remaining)
			return platform_len > 0;
		challenge_size = 0;
	}
}

int attest_boot(uint64_t shared_page)
{
	mbedtls_memory_buffer_alloc_init(heap, sizeof(heap));
	mbedtls_ecp_group_init(&group);
	mbedtls_mpi_init(&rak_private);
	uint8_t *shared = (uint8_t *)shared_page;
	ready = load_rak(shared) && load_platform_token(shared);
	if (!ready)
		early_puts(
		    "[rmm] no attestation key from EL3: RSI attestation tokens unavailable\n");
	return E_RMM_OK;
}

/* The realm token: its claims, signed. */
static size_t realm_token_of(const struct rd *rd, const uint8_t *challenge)
{
	bool sha512 = rd->rim.algo == HASH_SHA512;
	struct realm_claims claims = {
	    .challenge = challenge,
	    .rpv = rd->rpv,
	    .rim = rd->rim.value,
	    .rem = {rd->rem[0].value, rd->rem[1].value, rd->rem[2].value, rd->rem[3].value},
	    .hash_len = sha512 ? 64 : 32,
	    .hash_algo = sha512 ? "sha-512" : "sha-256",
	    .rak_public = rak_public,
	};
	struct cbor p, s, t;
	cbor_init(&p, payload, sizeof(payload));
	attest_realm_claims(&p, &claims);
	cbor_init(&s, to_sign, sizeof(to_sign));
	attest_sig_structure(&s, payload, p.len);
	if (p.overflow || s.overflow)
		return 0;
	uint8_t hash[48], sig[96];
	mbedtls_mpi r, sv;
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&sv);
	bool ok = !mbedtls_sha512(to_sign, s.len, hash, 1) &&
		  !mbedtls_ecdsa_sign_det_ext(&group, &r, &sv, &rak_private, hash, sizeof(hash),
					      MBEDTLS_MD_SHA384, blinding, 0) &&
		  !mbedtls_mpi_write_binary(&r, sig, 48) &&
		  !mbedtls_mpi_write_binary(&sv, sig + 48, 48);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&sv);
	if (!ok)
		return 0;
	cbor_init(&t, realm_token, sizeof(realm_token));
	attest_cose_sign1(&t, payload, p.len, sig);
	return t.overflow ? 0 : t.len;
}

size_t attest_token(const struct rd *rd, const uint8_t challenge[ATTEST_CHALLENGE_SIZE],
		    uint8_t *out, size_t cap)
{
	if (!ready)
		return 0;
	while (__atomic_exchange_n(&sign_lock, 1, __ATOMIC_ACQUIRE))
		;
	size_t len = realm_token_of(rd, challenge);
	struct cbor c;
	cbor_init(&c, out, cap);
	attest_cca_token(&c, platform_token, platform_len, realm_token, len);
	__atomic_store_n(&sign_lock, 0, __ATOMIC_RELEASE);
	return len && !c.overflow ? c.len : 0;
}
