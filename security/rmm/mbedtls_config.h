/* mbedTLS for Triad's RMM: only what the RMM uses (measurements now; the attestation
 * signature later), no platform layer, no file or time functions. */
#ifndef TRIAD_RMM_MBEDTLS_CONFIG_H
#define TRIAD_RMM_MBEDTLS_CONFIG_H

#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
/* The RMM runs without its caches' help on Device memory: no unaligned accesses. */
#define MBEDTLS_SHA256_SMALLER

#endif
