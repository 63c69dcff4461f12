/*
 * Realm measurements (RMM 1.0, A7.1): the Realm Initial Measurement, extended by the host's
 * REALM_CREATE, DATA_CREATE, REC_CREATE and RTT_INIT_RIPAS, and the four Realm Extensible
 * Measurements the realm extends itself. SHA-256 or SHA-512 from Debian's mbedTLS. Pure
 * logic: tests/unit/test_rmm_measurement.c checks it against tools/realm_measure.py, which
 * the attestation verifier uses to predict a realm's RIM.
 */
#ifndef RMM_MEASUREMENT_H
#define RMM_MEASUREMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256	     0
#define HASH_SHA512	     1
#define MEASURE_MAX	     64	  /* bytes of a measurement slot; SHA-256 values are zero-padded */
#define DATA_MEASURE_CONTENT 1ULL /* RMI_DATA_CREATE flags */

struct measurement {
	uint8_t algo; /* HASH_SHA256 or HASH_SHA512 */
	uint8_t value[MEASURE_MAX];
};

/* What REALM_CREATE measures of RmiRealmParams (everything else reads as zero). */
struct realm_params_measured {
	uint64_t flags;
	uint8_t s2sz, sve_vl, num_bps, num_wps, pmu_num_ctrs, hash_algo;
};

size_t measurement_size(uint8_t algo);
/* out = H(data), zero-padded to MEASURE_MAX. */
void measurement_hash(uint8_t algo, const void *data, size_t len, uint8_t out[MEASURE_MAX]);

void rim_init(struct measurement *rim, const struct realm_params_measured *p);
/* page: the 4 KiB granule's contents, or NULL if they are not measured (flags 0). */
void rim_extend_data(struct measurement *rim, uint64_t ipa, uint64_t flags, const void *page);
void rim_extend_rec(struct measurement *rim, uint64_t flags, uint64_t pc, const uint64_t gprs[8]);
void rim_extend_ripas(struct measurement *rim, uint64_t base, uint64_t top);
/* REM[i] = H(REM[i] || value[0..size)), size <= 64. */
void rem_extend(struct measurement *rem, const void *value, size_t size);

#endif
