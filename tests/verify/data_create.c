// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300
/* RMI_DATA_CREATE (RMM 1.0, B4.3.2), the measured one with a source granule, through its RMI
 * handler on rtt_machine.h's realm, made NEW, whose L3 holds, from entry 0: ASSIGNED RAM
 * (DATA), UNASSIGNED DESTROYED, UNASSIGNED RAM, ASSIGNED EMPTY, then UNASSIGNED EMPTY. The
 * source is OTHER, a host granule whose Non-secure alias (ns_access.S's ns_read here) holds
 * a pattern or faults halfway. The measurement is measurement.c's own code down to the
 * hash: SHA-256 and SHA-512 are abstract functions that record what they hash.
 * Each failure condition alone (rd, data_align/bound/state in every other state, src_align,
 * src_bound, src not the host's in every other state or the target itself, src unreadable,
 * flags, realm_state, ipa_align, ipa_bound, rtt_walk, rtte_state) gives its specified
 * error, changes no byte nor granule state (the target stays a zero DELEGATED granule even
 * when the copy faulted halfway) and hashes nothing. A success into an UNASSIGNED entry of
 * any RIPAS, with either flags value, makes the target DATA holding the source's contents,
 * the entry ASSIGNED RAM (a page mapping of it), the source still the host's, nothing else
 * changed; and extends the RIM exactly once (A7.1.1): the copied page hashed exactly when
 * flags is MEASURE_CONTENT, then the DATA descriptor (type, length, the RIM before, ipa,
 * flags, that hash or zeroes) hashed into the RIM. */
#include "rtt_machine.h"
#define MBEDTLS_CONFIG_FILE "security/rmm/mbedtls_config.h"
#include "../../security/rmm/measurement.c"

#define P(n)	   ((uint64_t)(n)*GRANULE_SIZE) /* the IPA of L3's n-th entry */
#define UNPROT	   (1ULL << 39)
#define SRC	   OTHER
#define NO_MEASURE 0
#define MEASURE	   DATA_MEASURE_CONTENT

/* The host's granule SRC as its Non-secure alias reads, or a fault halfway through it. */
static uint64_t host_page[512];
static int host_faults, ns_reads_of_src_only;

int ns_read(void *dst, const void *ns_src, uint64_t len)
{
	uint64_t *d = (uint64_t *)dst;
	ns_reads_of_src_only &= (uint64_t)ns_src == SRC + NS_ALIAS && len == GRANULE_SIZE;
	//@ loop unroll 512;
	for (unsigned i = 0; i < (host_faults ? 256 : 512); i++)
		d[i] = host_page[i];
	return host_faults ? -1 : 0;
}

/* Whether the granule at pa holds what the host's SRC does. */
static int holds_source(const void *pa)
{
	const uint64_t *p = (const uint64_t *)pa;
	uint64_t diff = 0;
	//@ loop unroll 64;
	for (unsigned i = 0; i < 512; i += 8)
		diff |= (p[i] ^ host_page[i]) | (p[i + 1] ^ host_page[i + 1]) |
			(p[i + 2] ^ host_page[i + 2]) | (p[i + 3] ^ host_page[i + 3]) |
			(p[i + 4] ^ host_page[i + 4]) | (p[i + 5] ^ host_page[i + 5]) |
			(p[i + 6] ^ host_page[i + 6]) | (p[i + 7] ^ host_page[i + 7]);
	return diff == 0;
}

/* The hash itself (mbedTLS's SHA-256 and SHA-512) is the abstract function: each
 * computation records what it hashed, and its value is a marker byte (0xa0 + its number)
 * repeated over the digest's size. The RIM's descriptor is the 256-byte update. */
#define DESC_BYTES 0x100
static unsigned nr_hashes, nr_page_hashes, nr_desc_hashes, nr_other_hashes;
static int page_hashed_held_source;
static uint8_t desc[DESC_BYTES];

static void hash_update(const unsigned char *in, size_t len)
{
	if (len == GRANULE_SIZE) {
		nr_page_hashes++;
		page_hashed_held_source = in == (const unsigned char *)FREE && holds_source(in);
	} else if (len == DESC_BYTES) {
		nr_desc_hashes++;
		memcpy(desc, in, DESC_BYTES);
	} else {
		nr_other_hashes++;
	}
}

static void hash_finish(unsigned char *out, unsigned size)
{
	//@ loop unroll 64;
	for (unsigned k = 0; k < size; k++)
		out[k] = (uint8_t)(0xa0 + nr_hashes);
}

void mbedtls_sha256_init(mbedtls_sha256_context *ctx)
{
	(void)ctx;
}
void mbedtls_sha256_free(mbedtls_sha256_context *ctx)
{
	(void)ctx;
}
int mbedtls_sha256_starts(mbedtls_sha256_context *ctx, int is224)
{
	(void)ctx, (void)is224;
	nr_hashes++;
	return 0;
}
int mbedtls_sha256_update(mbedtls_sha256_context *ctx, const unsigned char *in, size_t len)
{
	(void)ctx;
	hash_update(in, len);
	return 0;
}
int mbedtls_sha256_finish(mbedtls_sha256_context *ctx, unsigned char *out)
{
	(void)ctx;
	hash_finish(out, 32);
	return 0;
}
void mbedtls_sha512_init(mbedtls_sha512_context *ctx)
{
	(void)ctx;
}
void mbedtls_sha512_free(mbedtls_sha512_context *ctx)
{
	(void)ctx;
}
int mbedtls_sha512_starts(mbedtls_sha512_context *ctx, int is384)
{
	(void)ctx, (void)is384;
	nr_hashes++;
	return 0;
}
int mbedtls_sha512_update(mbedtls_sha512_context *ctx, const unsigned char *in, size_t len)
{
	(void)ctx;
	hash_update(in, len);
	return 0;
}
int mbedtls_sha512_finish(mbedtls_sha512_context *ctx, unsigned char *out)
{
	(void)ctx;
	hash_finish(out, 64);
	return 0;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	//@ loop unroll 8;
	for (int k = 7; k >= 0; k--)
		v = v << 8 | p[k];
	return v;
}

/* Whether the descriptor the RIM was extended with is RMM 1.0's DATA one (A7.1.1): type 0,
 * length 0x100, the RIM before, ipa, flags, the content's hash (`content` the marker of
 * the page's hash, or 0: none, zeroes), zeroes after; and the RIM is now its hash. */
static int data_descriptor(const uint8_t *rim_before, uint64_t ipa, uint64_t flags, uint8_t content,
			   unsigned size, uint8_t rim_marker)
{
	int ok = desc[0] == 0 && get64(desc + 8) == DESC_BYTES && get64(desc + 0x50) == ipa &&
		 get64(desc + 0x58) == flags;
	//@ loop unroll 8;
	for (unsigned k = 1; k < 8; k++)
		ok &= desc[k] == 0;
	//@ loop unroll 64;
	for (unsigned k = 0; k < MEASURE_MAX; k++) {
		ok &= desc[0x10 + k] == rim_before[k];
		ok &= desc[0x60 + k] == (k < size ? content : 0);
		ok &= rd->rim.value[k] == (k < size ? rim_marker : 0);
	}
	//@ loop unroll 96;
	for (unsigned k = 0xa0; k < DESC_BYTES; k++)
		ok &= desc[k] == 0;
	return ok;
}

/* An RMI call with five arguments: DATA_CREATE's flags in x5. */
static uint64_t call5(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t in[8] = {0, a1, a2, a3, a4, a5};
	//@ loop unroll 5;
	for (unsigned i = 0; i < 5; i++)
		out[i] = 0;
	rmi_data_create(in, out);
	return out[0];
}

static void new_realm(void)
{
	machine();
	rd->state = REALM_NEW;
	l3[2] = ripas_entry(HIPAS_UNASSIGNED, RIPAS_RAM, 0);
	l3[3] = assigned_entry(BLOCK_EMPTY, RIPAS_EMPTY, 3);
	states[7] = GRANULE_UNDELEGATED;
	host_faults = 0;
	ns_reads_of_src_only = 1;
	nr_hashes = nr_page_hashes = nr_desc_hashes = nr_other_hashes = 0;
	page_hashed_held_source = 0;
}

static const struct {
	uint64_t rd, data, src, ipa, flags, expect;
	uint8_t data_state, src_state; /* FREE's, SRC's */
	uint8_t realm_state, src_faults;
} failures[] = {
    /* rd_state, rd_align, rd_bound */
    {FREE, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD + 8, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {PA(NR_GRANULES), FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW,
     0},
    /* data_align, data_bound, data_state */
    {RD, FREE + 8, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, PA(NR_GRANULES), SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_UNDELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_RD, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_RTT, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DATA, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_REC, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_REC_AUX, 0, REALM_NEW, 0},
    /* src_align, src_bound, src_pas: not the host's (in every state), or the target */
    {RD, FREE, SRC + 8, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, PA(NR_GRANULES), P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, GRANULE_DELEGATED, REALM_NEW,
     0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, GRANULE_RD, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, GRANULE_RTT, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, GRANULE_DATA, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, GRANULE_REC, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, GRANULE_REC_AUX, REALM_NEW,
     0},
    {RD, FREE, FREE, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    /* src unreadable: the copy faults halfway */
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 1},
    {RD, FREE, SRC, P(4), NO_MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 1},
    /* flags */
    {RD, FREE, SRC, P(4), 2, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(4), ~0ULL, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    /* realm_state */
    {RD, FREE, SRC, P(4), MEASURE, RMI_ERROR_REALM, GRANULE_DELEGATED, 0, REALM_ACTIVE, 0},
    {RD, FREE, SRC, P(4), NO_MEASURE, RMI_ERROR_REALM, GRANULE_DELEGATED, 0, REALM_SYSTEM_OFF, 0},
    /* ipa_align, ipa_bound */
    {RD, FREE, SRC, P(4) + 8, MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, UNPROT, MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, 1ULL << 40, MEASURE, RMI_ERROR_INPUT, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    /* rtt_walk: no level-3 table there */
    {RD, FREE, SRC, GIB, MEASURE, RMI_ERROR_RTT | 1 << 8, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, 4 * MIB, MEASURE, RMI_ERROR_RTT | 2 << 8, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    /* rtte_state: ASSIGNED RAM, ASSIGNED EMPTY */
    {RD, FREE, SRC, P(0), MEASURE, RMI_ERROR_RTT | 3 << 8, GRANULE_DELEGATED, 0, REALM_NEW, 0},
    {RD, FREE, SRC, P(3), NO_MEASURE, RMI_ERROR_RTT | 3 << 8, GRANULE_DELEGATED, 0, REALM_NEW, 0},
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	new_realm();
	states[5] = failures[i].data_state;
	states[7] = failures[i].src_state;
	rd->state = failures[i].realm_state;
	host_faults = failures[i].src_faults;
	snapshot();
	uint64_t r = call5(failures[i].rd, failures[i].data, failures[i].ipa, failures[i].src,
			   failures[i].flags);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && nr_hashes == 0;
}

/* Into L3's UNASSIGNED entries 1 (DESTROYED), 2 (RAM) and 4 (EMPTY), with either flags;
 * the realm measured with SHA-256, or SHA-512 for entry 4. */
static void each_create_as_specified(void)
{
	unsigned n = (unsigned)Frama_C_interval(1, 4);
	uint64_t flags = (uint64_t)Frama_C_interval(0, 1);
	uint8_t rim_before[MEASURE_MAX];
	if (n == 3)
		n = 4;
	//@ split n;
	//@ split flags;
	new_realm();
	uint8_t algo = n == 4 ? HASH_SHA512 : HASH_SHA256; /* each with both flags */
	rd->rim.algo = algo;
	//@ loop unroll 64;
	for (unsigned k = 0; k < MEASURE_MAX; k++)
		rim_before[k] = rd->rim.value[k] = (uint8_t)(k < measurement_size(algo) ? 0x5a : 0);
	snapshot();
	uint64_t r = call5(RD, FREE, P(n), SRC, flags);
	uint64_t e = l3[n];
	//@ assert create_success: r == RMI_SUCCESS;
	//@ assert create_states: states[5] == GRANULE_DATA && states[7] == GRANULE_UNDELEGATED && states[0] == GRANULE_RD;
	//@ assert create_ram_mapping: (e & PTE_ADDR_MASK) == FREE && (e & 3) == 3 && (e & S2_NORMAL_RWX) == S2_NORMAL_RWX;
	int copied = holds_source((const void *)FREE);
	//@ assert create_copied: copied == 1 && ns_reads_of_src_only == 1;
	/* The RIM extended once: the content hashed first if MEASURE_CONTENT (hash 1), then
	 * the descriptor (the last hash). */
	int measure = flags == DATA_MEASURE_CONTENT;
	//@ assert create_content_hashed_iff_measured: nr_page_hashes == (measure ? 1 : 0) && (!measure || page_hashed_held_source == 1);
	//@ assert create_rim_extended_once: nr_desc_hashes == 1 && nr_other_hashes == 0 && nr_hashes == nr_page_hashes + 1;
	unsigned size = (unsigned)measurement_size(algo);
	int described = data_descriptor(rim_before, P(n), flags, measure ? 0xa1 : 0, size,
					(uint8_t)(0xa0 + nr_hashes));
	//@ assert create_descriptor: described == 1;
	/* Nothing else: the entry, the target and the RIM put back, the rest as it was. */
	l3[n] = snap_mem[(L3 - TRACKED_BASE) / 8 + n];
	memset((void *)FREE, 0, GRANULE_SIZE);
	memcpy(rd->rim.value, rim_before, MEASURE_MAX);
	states[5] = GRANULE_DELEGATED;
	int rest = unchanged();
	//@ assert create_nothing_else: rest == 1;
}

int main(void)
{
	//@ loop unroll 512;
	for (unsigned i = 0; i < 512; i++)
		host_page[i] = (i + 1) * 0x0123456789abcdefULL; /* never zero */
	each_failure_changes_nothing();
	each_create_as_specified();
	return 0;
}
