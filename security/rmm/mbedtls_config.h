/* mbedTLS for Triad's RMM: only what the RMM uses (the measurements' hashes; ECDSA P-384
 * for the realm's attestation token), its heap a static buffer, no file or time
 * functions. */
#ifndef TRIAD_RMM_MBEDTLS_CONFIG_H
#define TRIAD_RMM_MBEDTLS_CONFIG_H

#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
/* The RMM runs without its caches' help on Device memory: no unaligned accesses. */
#define MBEDTLS_SHA256_SMALLER

#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_ASN1_PARSE_C /* ECDSA insists, for its DER helpers */
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_MD_C

#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
/* Its allocator stops the machine on heap corruption: the RMM's panic (attest.c). */
#define MBEDTLS_PLATFORM_EXIT_MACRO rmm_crypto_panic
void rmm_crypto_panic(int status) __attribute__((noreturn));

#endif
