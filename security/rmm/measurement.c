/* Realm measurements (see measurement.h). Each RIM extension hashes a 256-byte descriptor
 * (type, length, the RIM so far, then the event's own fields), zero elsewhere; the
 * layouts are RMM 1.0's (A7.1.1). */
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <string.h>

#include "measurement.h"

#define DESC_SIZE   0x100
#define DESC_DATA   0
#define DESC_REC    1
#define DESC_RIPAS  2
#define PARAMS_SIZE 0x1000
#define ZEROS	    256

static const uint8_t zeros[ZEROS];

/* One hash computation, whichever the algorithm. */
struct hasher {
	uint8_t algo;
	union {
		mbedtls_sha256_context s256;
		mbedtls_sha512_context s512;
	} c;
};

static void h_start(struct hasher *h, uint8_t algo)
{
	h->algo = algo;
	if (algo == HASH_SHA512) {
		mbedtls_sha512_init(&h->c.s512);
		mbedtls_sha512_starts(&h->c.s512, 0);
	} else {
		mbedtls_sha256_init(&h->c.s256);
		mbedtls_sha256_starts(&h->c.s256, 0);
	}
}

static void h_update(struct hasher *h, const void *data, size_t len)
{
	if (h->algo == HASH_SHA512)
		mbedtls_sha512_update(&h->c.s512, data, len);
	else
		mbedtls_sha256_update(&h->c.s256, data, len);
}

/* Zero bytes, without a buffer of their size. */
static void h_zeros(struct hasher *h, size_t len)
{
	for (; len > ZEROS; len -= ZEROS)
		h_update(h, zeros, ZEROS);
	h_update(h, zeros, len);
}

static void h_finish(struct hasher *h, uint8_t out[MEASURE_MAX])
{
	memset(out, 0, MEASURE_MAX);
	if (h->algo == HASH_SHA512) {
		mbedtls_sha512_finish(&h->c.s512, out);
		mbedtls_sha512_free(&h->c.s512);
	} else {
		mbedtls_sha256_finish(&h->c.s256, out);
		mbedtls_sha256_free(&h->c.s256);
	}
}

size_t measurement_size(uint8_t algo)
{
	return algo == HASH_SHA512 ? 64 : 32;
}

void measurement_hash(uint8_t algo, const void *data, size_t len, uint8_t out[MEASURE_MAX])
{
	struct hasher h;
	h_start(&h, algo);
	h_update(&h, data, len);
	h_finish(&h, out);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* RIM = H(descriptor): type, length, the RIM so far, and fields at 0x50 onwards. */
static void extend_rim(struct measurement *rim, uint8_t type, const uint8_t *fields, size_t len)
{
	uint8_t desc[DESC_SIZE] = {0};
	desc[0] = type;
	put64(desc + 0x08, DESC_SIZE);
	memcpy(desc + 0x10, rim->value, MEASURE_MAX);
	memcpy(desc + 0x50, fields, len);
	measurement_hash(rim->algo, desc, sizeof(desc), rim->value);
}

void rim_init(struct measurement *rim, const struct realm_params_measured *p)
{
	/* A zero-filled RmiRealmParams with only the measured fields (not RPV, VMID or RTTs). */
	uint8_t head[0x38] = {0};
	put64(head + 0x00, p->flags);
	head[0x08] = p->s2sz;
	head[0x10] = p->sve_vl;
	head[0x18] = p->num_bps;
	head[0x20] = p->num_wps;
	head[0x28] = p->pmu_num_ctrs;
	head[0x30] = p->hash_algo;
	rim->algo = p->hash_algo;
	struct hasher h;
	h_start(&h, rim->algo);
	h_update(&h, head, sizeof(head));
	h_zeros(&h, PARAMS_SIZE - sizeof(head));
	h_finish(&h, rim->value);
}

void rim_extend_data(struct measurement *rim, uint64_t ipa, uint64_t flags, const void *page)
{
	uint8_t f[0x50] = {0}; /* ipa @0x50, flags @0x58, content @0x60 */
	put64(f + 0x00, ipa);
	put64(f + 0x08, flags);
	if (flags == DATA_MEASURE_CONTENT && page)
		measurement_hash(rim->algo, page, 0x1000, f + 0x10);
	extend_rim(rim, DESC_DATA, f, sizeof(f));
}

void rim_extend_rec(struct measurement *rim, uint64_t flags, uint64_t pc, const uint64_t gprs[8])
{
	/* A zero-filled RmiRecParams with flags @0, pc @0x200, gprs[0..7] @0x300. */
	uint8_t flags_b[8], pc_b[8], g[64];
	put64(flags_b, flags);
	put64(pc_b, pc);
	for (int i = 0; i < 8; i++)
		put64(g + 8 * i, gprs[i]);
	struct hasher h;
	h_start(&h, rim->algo);
	h_update(&h, flags_b, 8);
	h_zeros(&h, 0x200 - 8);
	h_update(&h, pc_b, 8);
	h_zeros(&h, 0x300 - 0x208);
	h_update(&h, g, sizeof(g));
	h_zeros(&h, PARAMS_SIZE - 0x340);
	uint8_t content[MEASURE_MAX];
	h_finish(&h, content);
	extend_rim(rim, DESC_REC, content, sizeof(content));
}

void rim_extend_ripas(struct measurement *rim, uint64_t base, uint64_t top)
{
	uint8_t f[16];
	put64(f, base);
	put64(f + 8, top);
	extend_rim(rim, DESC_RIPAS, f, sizeof(f));
}

void rem_extend(struct measurement *rem, const void *value, size_t size)
{
	struct hasher h;
	h_start(&h, rem->algo);
	h_update(&h, rem->value, measurement_size(rem->algo));
	h_update(&h, value, size > MEASURE_MAX ? MEASURE_MAX : size);
	h_finish(&h, rem->value);
}
