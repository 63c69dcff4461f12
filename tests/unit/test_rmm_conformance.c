// sources: security/rmm/rtt.c security/rmm/realm.c security/rmm/rec.c security/rmm/granule.c
// sources: security/rmm/features.c security/rmm/measurement.c security/rmm/rec_psci.c
// sources: security/rmm/rmi.c security/rmm/audit.c security/rmm/rec_sve.c
// sources: .cache/src/mbedtls/library/sha[25]*.c
// sources: .cache/src/mbedtls/library/platform_util.c .cache/src/mbedtls/library/platform.c
/* RMM 1.0 (DEN0137 1.0-rel0) conformance, table by table: for each command, its failure
 * conditions one row each (the setup, the inputs, the status and index the spec gives),
 * and its output values; the feature register; what of ESR_EL2 each REC exit shows; the
 * realm's view of its debug features; the RMI table and its one log of failures. On a fake machine
 * whose "physical" memory is a fixed mapping at the RMM's tracked range, as in test_rmm_rtt.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../security/rmm/realm.h"
#include "../../security/rmm/rec.h"
#include "../../security/rmm/rec_syndrome.h"
#include <triad/psci_abi.h>

#define NR_PAGES 1024
#include "rmm_fake_machine.h"

/* rec_sve.c's instructions (arch/arm64/sve.S): the fake CPU has no SVE, nothing calls them. */
void sve_save(struct sve_regs *s)
{
	(void)s;
}
void sve_restore(const struct sve_regs *s)
{
	(void)s;
}
void sve_zero_predicates(void)
{
}
uint64_t sve_vl_bytes(void)
{
	return 0;
}

/* The CPU of these tests: 48-bit PAs (PARange 5), six breakpoints and four watchpoints
 * (BRPs 5, WRPs 3), four list registers (ListRegs 3), SVE up to 64-byte vectors. */
#define CPU_MMFR0  5ULL
#define CPU_DFR0   (5ULL << 12 | 3ULL << 20 | 6ULL)
#define CPU_VTR	   3ULL
#define CPU_SVE_VL 64
static uint64_t feat0(void)
{
	return feature_register0(CPU_MMFR0, CPU_DFR0, CPU_VTR, CPU_SVE_VL);
}

enum { RD = 0, RTT0 = 2, L2 = 4, L3 = 5, DATA = 6, DATA2 = 7, REC = 8, AUX = 9, PARAMS = 10 };
enum { SPARE = 12, SVE_AUX = 14, SVE_AUX2 = 15, RD2 = 16, RTT2 = 18, REC2 = 20, AUX2 = 21 };

static uint64_t create(uint64_t rd, uint64_t params)
{
	const uint64_t in[8] = {0, rd, params};
	memset(out, 0, sizeof(out));
	rmi_realm_create(in, out, feat0());
	return out[0];
}

/* A NEW realm with tables down to level 3 over [0, 2 MiB). */
static int setup_realm(void **state)
{
	if (setup_window(state))
		return -1;
	good_params(PA(PARAMS), PA(RTT0), 100 + win);
	if (create(PA(RD), PA(PARAMS)) != RMI_SUCCESS)
		return -1;
	return call(rmi_rtt_create, PA(RD), PA(L2), 0, 2, 0) ||
	       call(rmi_rtt_create, PA(RD), PA(L3), 0, 3, 0);
}

/* ---- RMI_FEATURES: feature register 0 ---- */

static void features(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		uint64_t mmfr0, dfr0, vtr;
		unsigned sve_vl; /* bytes, 0: no SVE */
		unsigned s2sz, bps, wps, lrs;
	} rows[] = {
	    {"48-bit PAs, 6 bps, 4 wps, 4 LRs", 5, 5 << 12 | 3 << 20, 3, 0, 48, 5, 3, 3},
	    {"40-bit PAs, 2 bps, 2 wps, 16 LRs", 2, 1 << 12 | 1 << 20, 15, 0, 40, 1, 1, 15},
	    {"52-bit PAs are 48 without LPA2", 6, 15 << 12 | 15 << 20, 0, 0, 48, 15, 15, 0},
	    {"SVE, 64-byte vectors", 5, 5 << 12 | 3 << 20, 3, 64, 48, 5, 3, 3},
	    {"SVE, 16-byte vectors", 5, 5 << 12 | 3 << 20, 3, 16, 48, 5, 3, 3},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t f =
		    feature_register0(rows[i].mmfr0, rows[i].dfr0, rows[i].vtr, rows[i].sve_vl);
		print_message("FEATURES: %s\n", rows[i].what);
		assert_int_equal(f & 0xff, rows[i].s2sz);
		assert_int_equal((f >> 14) & 0x3f, rows[i].bps); /* NUM_BPS, never 0 */
		assert_int_equal((f >> 20) & 0x3f, rows[i].wps); /* NUM_WPS, never 0 */
		assert_int_equal((f >> 34) & 0xf, rows[i].lrs);	 /* GICV3_NUM_LRS, minus one */
		assert_int_equal(f & (FEAT0_LPA2 | FEAT0_PMU_EN), 0);
		/* SVE_EN, and SVE_VL [13:10]: the longest vectors, (SVE_VL + 1) * 128 bits */
		assert_int_equal(!!(f & FEAT0_SVE_EN), rows[i].sve_vl != 0);
		assert_int_equal((f >> 10) & 0xf, rows[i].sve_vl ? rows[i].sve_vl / 16 - 1 : 0);
		assert_true(f & FEAT0_HASH_SHA_256);
		assert_true(f & FEAT0_HASH_SHA_512);
		assert_int_equal((f >> 38) & 0xf, 15); /* MAX_RECS_ORDER */
	}
}

/* ---- RMI_REALM_CREATE: each failure condition (B4.3.9), then what a conforming host
 * asks for ---- */

enum realm_create_case {
	PARAMS_ALIGN,
	PARAMS_PAS, /* a delegated granule is not the host's */
	FLAGS_RESERVED,
	FLAGS_LPA2,
	FLAGS_SVE_VL,
	FLAGS_PMU,
	S2SZ_SMALL,
	S2SZ_BIG,
	BPS_ZERO,
	BPS_BEYOND,
	WPS_ZERO,
	WPS_BEYOND,
	HASH_INVALID,
	ALIAS,
	RD_STATE_UNDELEGATED,
	RD_STATE_RTT,
	RTT_ALIGN,
	RTT_LEVEL,
	RTT_NUM,
	RTT_STATE,
	VMID_USED,
	OK_MOST_DEBUG,
	OK_SHA512,
	OK_SVE,		   /* flags.sve, the longest vectors offered */
	OK_SVE_VL_NO_FLAG, /* sve_vl without flags.sve: ignored */
};

static void realm_create_failures(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		enum realm_create_case c;
		uint64_t status;
	} rows[] = {
	    {"params_align", PARAMS_ALIGN, RMI_ERROR_INPUT},
	    {"params_pas", PARAMS_PAS, RMI_ERROR_INPUT},
	    {"params_valid: reserved flag", FLAGS_RESERVED, RMI_ERROR_INPUT},
	    {"params_supp: LPA2", FLAGS_LPA2, RMI_ERROR_INPUT},
	    {"params_supp: sve_vl above SVE_VL", FLAGS_SVE_VL, RMI_ERROR_INPUT},
	    {"params_supp: PMU", FLAGS_PMU, RMI_ERROR_INPUT},
	    {"params_supp: s2sz 31", S2SZ_SMALL, RMI_ERROR_INPUT},
	    {"params_supp: s2sz above S2SZ", S2SZ_BIG, RMI_ERROR_INPUT},
	    {"params_valid: num_bps 0 is reserved", BPS_ZERO, RMI_ERROR_INPUT},
	    {"params_supp: num_bps above NUM_BPS", BPS_BEYOND, RMI_ERROR_INPUT},
	    {"params_valid: num_wps 0 is reserved", WPS_ZERO, RMI_ERROR_INPUT},
	    {"params_supp: num_wps above NUM_WPS", WPS_BEYOND, RMI_ERROR_INPUT},
	    {"params_valid: hash_algo 2", HASH_INVALID, RMI_ERROR_INPUT},
	    {"alias: RD is a starting table", ALIAS, RMI_ERROR_INPUT},
	    {"rd_state: undelegated", RD_STATE_UNDELEGATED, RMI_ERROR_INPUT},
	    {"rd_state: an RTT", RD_STATE_RTT, RMI_ERROR_INPUT},
	    {"rtt_align", RTT_ALIGN, RMI_ERROR_INPUT},
	    {"rtt_num_level: level", RTT_LEVEL, RMI_ERROR_INPUT},
	    {"rtt_num_level: count", RTT_NUM, RMI_ERROR_INPUT},
	    {"rtt_state", RTT_STATE, RMI_ERROR_INPUT},
	    {"vmid_valid: in use", VMID_USED, RMI_ERROR_INPUT},
	    {"success: all the breakpoints and watchpoints offered", OK_MOST_DEBUG, RMI_SUCCESS},
	    {"success: SHA-512", OK_SHA512, RMI_SUCCESS},
	    {"success: SVE at SVE_VL", OK_SVE, RMI_SUCCESS},
	    {"success: sve_vl without flags.sve (no SVE)", OK_SVE_VL_NO_FLAG, RMI_SUCCESS},
	};
	uint64_t f = feat0();
	/* A realm holding VMID 1 for the VMID_USED row. */
	good_params(PA(PARAMS), PA(RTT2), 1);
	assert_int_equal(granule_delegate(PA(RD2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(RTT2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(RTT2 + 1)), RMI_SUCCESS);
	assert_int_equal(create(PA(RD2), PA(PARAMS)), RMI_SUCCESS);
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t *p = (uint64_t *)PA(PARAMS), rd = PA(RD), params = PA(PARAMS);
		good_params(params, PA(RTT0), 2);
		switch (rows[i].c) {
		case PARAMS_ALIGN:
			params += 8;
			break;
		case PARAMS_PAS:
			params = PA(DATA);
			break;
		case FLAGS_RESERVED:
			p[0] = 1ULL << 3;
			break;
		case FLAGS_LPA2:
			p[0] = REALM_FLAG_LPA2;
			break;
		case FLAGS_SVE_VL:
			p[0] = REALM_FLAG_SVE;
			p[2] = ((f >> 10) & 0xf) + 1;
			break;
		case OK_SVE:
			p[0] = REALM_FLAG_SVE;
			p[2] = (f >> 10) & 0xf;
			break;
		case OK_SVE_VL_NO_FLAG:
			p[2] = 0xf;
			break;
		case FLAGS_PMU:
			p[0] = REALM_FLAG_PMU;
			break;
		case S2SZ_SMALL:
			p[1] = 31;
			break;
		case S2SZ_BIG:
			p[1] = (f & 0xff) + 1;
			break;
		case BPS_ZERO:
			p[3] = 0;
			break;
		case BPS_BEYOND:
			p[3] = ((f >> 14) & 0x3f) + 1;
			break;
		case WPS_ZERO:
			p[4] = 0;
			break;
		case WPS_BEYOND:
			p[4] = ((f >> 20) & 0x3f) + 1;
			break;
		case HASH_INVALID:
			p[6] = 2;
			break;
		case ALIAS:
			rd = PA(RTT0 + 1);
			break;
		case RD_STATE_UNDELEGATED:
			rd = PA(PARAMS + 1);
			break;
		case RD_STATE_RTT:
			rd = PA(RTT2);
			break;
		case RTT_ALIGN:
			p[0x808 / 8] = PA(RTT0 + 1);
			break;
		case RTT_LEVEL:
			p[0x810 / 8] = 2;
			break;
		case RTT_NUM:
			p[0x818 / 8] = 1;
			break;
		case RTT_STATE:
			p[0x808 / 8] = PA(SPARE);
			break; /* undelegated pair */
		case VMID_USED:
			p[0x800 / 8] = 1;
			break;
		case OK_MOST_DEBUG:
			p[3] = (f >> 14) & 0x3f;
			p[4] = (f >> 20) & 0x3f;
			break;
		case OK_SHA512:
			p[6] = HASH_SHA512;
			break;
		}
		print_message("REALM_CREATE: %s\n", rows[i].what);
		assert_int_equal(create(rd, params), rows[i].status);
		if (rows[i].status != RMI_SUCCESS) {
			/* A failure changes nothing: the granules are still delegated. */
			assert_true(granule_undelegate(PA(RD)) == RMI_SUCCESS &&
				    granule_delegate(PA(RD)) == RMI_SUCCESS);
			continue;
		}
		const struct rd *r = (const struct rd *)PA(RD);
		assert_int_equal(r->num_bps, p[3]);
		assert_int_equal(r->num_wps, p[4]);
		assert_int_equal(r->sve, rows[i].c == OK_SVE);
		assert_int_equal(r->sve_vl, rows[i].c == OK_SVE ? CPU_SVE_VL / 16 - 1 : 0);
		assert_int_equal(call(rmi_realm_destroy, PA(RD), 0, 0, 0, 0), RMI_SUCCESS);
	}
}

/* params_supp: flags.sve on a CPU whose feature register offers no SVE. */
static void realm_create_sve_unsupported(void **state)
{
	(void)state;
	uint64_t *p = (uint64_t *)PA(PARAMS);
	good_params(PA(PARAMS), PA(RTT0), 2);
	p[0] = REALM_FLAG_SVE;
	const uint64_t in[8] = {0, PA(RD), PA(PARAMS)};
	rmi_realm_create(in, out, feature_register0(CPU_MMFR0, CPU_DFR0, CPU_VTR, 0));
	assert_int_equal(out[0], RMI_ERROR_INPUT);
	p[0] = 0; /* the same parameters without it: accepted */
	rmi_realm_create(in, out, feature_register0(CPU_MMFR0, CPU_DFR0, CPU_VTR, 0));
	assert_int_equal(out[0], RMI_SUCCESS);
}

/* ---- Output values: the top of the non-live region (DATA_DESTROY x2,
 * RTT_UNMAP_UNPROTECTED x1, RTT_DESTROY x2), on success and on ERROR_RTT ---- */

static void top_outputs(void **state)
{
	(void)state;
	uint64_t ns = 1ULL << 39;
	memset((void *)PA(SPARE), 0, GRANULE_SIZE);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0, PA(SPARE), 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA2), 0x3000, PA(SPARE), 0),
			 RMI_SUCCESS);
	for (unsigned g = 22; g < 26; g++)
		assert_int_equal(granule_delegate(PA(g)), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(22), ns, 2, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_create, PA(RD), PA(23), ns, 3, 0), RMI_SUCCESS);
	uint64_t desc = PA(SPARE) | (0xfULL << 2) | (3ULL << 6);
	assert_int_equal(call(rmi_rtt_map_unprotected, PA(RD), ns, 3, desc, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rtt_map_unprotected, PA(RD), ns + 0x5000, 3, desc, 0),
			 RMI_SUCCESS);
	const struct {
		const char *what;
		void (*cmd)(const uint64_t *, uint64_t *);
		uint64_t ipa, level;
		uint64_t status;
		unsigned top_reg;
		uint64_t top;
	} rows[] = {
	    /* DATA_DESTROY at 0: the next live entry is the data at 0x3000. */
	    {"DATA_DESTROY: up to the next assigned page", rmi_data_destroy, 0, 0, RMI_SUCCESS, 2,
	     0x3000},
	    {"DATA_DESTROY again: ERROR_RTT, same top", rmi_data_destroy, 0, 0, rtt_error(3), 2,
	     0x3000},
	    {"DATA_DESTROY of the last: the table's end", rmi_data_destroy, 0x3000, 0, RMI_SUCCESS,
	     2, 0x200000},
	    {"DATA_DESTROY where no level-3 table is: ERROR_RTT at 2, top of the level-2 walk",
	     rmi_data_destroy, 0x200000, 0, rtt_error(2), 2, 0x40000000},
	    {"UNMAP_UNPROTECTED: up to the next mapping", rmi_rtt_unmap_unprotected, ns, 3,
	     RMI_SUCCESS, 1, ns + 0x5000},
	    {"UNMAP_UNPROTECTED of nothing: ERROR_RTT, top", rmi_rtt_unmap_unprotected, ns + 0x1000,
	     3, rtt_error(3), 1, ns + 0x5000},
	    {"UNMAP_UNPROTECTED of a live entry's neighbour at a missing level: ERROR_RTT at 2",
	     rmi_rtt_unmap_unprotected, ns + 0x200000, 3, rtt_error(2), 1, ns + 0x40000000},
	    {"UNMAP_UNPROTECTED of the last: the table's end", rmi_rtt_unmap_unprotected,
	     ns + 0x5000, 3, RMI_SUCCESS, 1, ns + 0x200000},
	    {"RTT_DESTROY level 3: top past the level-2 entries", rmi_rtt_destroy, 0, 3,
	     RMI_SUCCESS, 2, 0x40000000},
	    {"RTT_DESTROY with no table: ERROR_RTT at 2", rmi_rtt_destroy, 0, 3, rtt_error(2), 2,
	     0x40000000},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("%s\n", rows[i].what);
		uint64_t a2 = rows[i].cmd == rmi_data_destroy ? 0 : rows[i].level;
		assert_int_equal(call(rows[i].cmd, PA(RD), rows[i].ipa, a2, 0, 0), rows[i].status);
		assert_int_equal(out[rows[i].top_reg], rows[i].top);
	}
}

/* ---- RMI_RTT_SET_RIPAS: its failure conditions in order (rec_owner is ERROR_REC) ---- */

static void set_ripas_rec_owner(void **state)
{
	(void)state;
	good_params(PA(PARAMS), PA(RTT2), 200 + win);
	assert_int_equal(granule_delegate(PA(RD2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(RTT2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(RTT2 + 1)), RMI_SUCCESS);
	assert_int_equal(create(PA(RD2), PA(PARAMS)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(REC2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(AUX2)), RMI_SUCCESS);
	uint64_t *p = (uint64_t *)PA(PARAMS);
	memset(p, 0, GRANULE_SIZE);
	p[0] = 1;
	p[0x800 / 8] = REC_AUX_GRANULES; /* a realm without SVE: one */
	p[0x808 / 8] = PA(AUX2);
	assert_int_equal(call(rmi_rec_create, PA(RD2), PA(REC2), PA(PARAMS), 0, 0), RMI_SUCCESS);
	struct rec *rec = (struct rec *)PA(REC2);
	/* Its realm has only its starting (level-1) tables: entries of 1 GiB. */
	const struct {
		const char *what;
		uint64_t rd, req_base, req_top, base, top, status;
	} rows[] = {
	    {"rec_owner: the REC is another realm's (before size_valid)", PA(RD), 0, 0x40000000,
	     0x1000, 0x1000, RMI_ERROR_REC},
	    {"size_valid: top <= base", PA(RD2), 0, 0x40000000, 0x1000, 0x1000, RMI_ERROR_INPUT},
	    {"base_bound: not where the REC's request is", PA(RD2), 0, 0x40000000, 0x1000,
	     0x40000000, RMI_ERROR_INPUT},
	    {"top_bound: beyond the REC's request", PA(RD2), 0, 0x40000000, 0, 0x40001000,
	     RMI_ERROR_INPUT},
	    {"base_align: inside a 1 GiB entry", PA(RD2), 0x1000, 0x40000000, 0x1000, 0x40000000,
	     RMI_ERROR_RTT | 1 << 8},
	    {"top_gran_align", PA(RD2), 0, 0x40000000, 0, 0x1800, RMI_ERROR_INPUT},
	    {"no_progress: top cuts the first entry", PA(RD2), 0, 0x40000000, 0, 0x1000,
	     RMI_ERROR_RTT | 1 << 8},
	    {"success: one 1 GiB entry", PA(RD2), 0, 0x40000000, 0, 0x40000000, RMI_SUCCESS},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rec->request = REQ_RIPAS;
		rec->ripas_base = rec->ripas_addr = rows[i].req_base;
		rec->ripas_top = rows[i].req_top;
		rec->ripas_value = 1; /* RAM */
		print_message("RTT_SET_RIPAS: %s\n", rows[i].what);
		assert_int_equal(
		    call(rmi_rtt_set_ripas, rows[i].rd, PA(REC2), rows[i].base, rows[i].top, 0),
		    rows[i].status);
		if (rows[i].status == RMI_SUCCESS)
			assert_int_equal(out[1], rows[i].top);
	}
}

/* ---- RMI_RTT_INIT_RIPAS and RMI_DATA_CREATE: failure conditions in order ---- */

static void init_ripas_and_data_create(void **state)
{
	(void)state;
	uint64_t ns = 1ULL << 39;
	memset((void *)PA(SPARE), 0, GRANULE_SIZE);
	assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA), 0, PA(SPARE), 0), RMI_SUCCESS);
	const struct {
		const char *what;
		uint64_t base, top, status, out_top;
	} ripas[] = {
	    {"size_valid", 0x2000, 0x2000, RMI_ERROR_INPUT, 0},
	    {"top_bound: unprotected", 0x1000, ns + 0x1000, RMI_ERROR_INPUT, 0},
	    {"base_align: a level-2 entry", 0x201000, 0x202000, rtt_error(2), 0},
	    {"rtte_state: ASSIGNED", 0, 0x2000, rtt_error(3), 0},
	    {"top_gran_align", 0x1000, 0x1800, RMI_ERROR_INPUT, 0},
	    {"no_progress: top inside the level-2 entry", 0x200000, 0x201000, rtt_error(2), 0},
	    {"top_gran_align before no_progress", 0x200000, 0x200800, RMI_ERROR_INPUT, 0},
	    {"success: [0x1000, 0x3000)", 0x1000, 0x3000, RMI_SUCCESS, 0x3000},
	};
	for (unsigned i = 0; i < sizeof(ripas) / sizeof(ripas[0]); i++) {
		print_message("RTT_INIT_RIPAS: %s\n", ripas[i].what);
		assert_int_equal(
		    call(rmi_rtt_init_ripas, PA(RD), ripas[i].base, ripas[i].top, 0, 0),
		    ripas[i].status);
		assert_int_equal(out[1], ripas[i].out_top);
	}
	const struct {
		const char *what;
		uint64_t data, ipa, src, status;
	} data[] = {
	    {"src_pas: a delegated granule", PA(DATA2), 0x5000, PA(L2), RMI_ERROR_INPUT},
	    {"ipa_align", PA(DATA2), 0x5800, PA(SPARE), RMI_ERROR_INPUT},
	    {"ipa_bound: unprotected (before rtt_walk)", PA(DATA2), ns + 0x200000, PA(SPARE),
	     RMI_ERROR_INPUT},
	    {"ipa_bound: beyond the IPA space", PA(DATA2), 1ULL << 40, PA(SPARE), RMI_ERROR_INPUT},
	    {"data_state: not delegated", PA(SPARE + 1), 0x5000, PA(SPARE), RMI_ERROR_INPUT},
	    {"rtt_walk: no level-3 table", PA(DATA2), 0x200000, PA(SPARE), rtt_error(2)},
	    {"rtte_state: ASSIGNED", PA(DATA2), 0, PA(SPARE), rtt_error(3)},
	    {"success", PA(DATA2), 0x5000, PA(SPARE), RMI_SUCCESS},
	};
	for (unsigned i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		print_message("DATA_CREATE: %s\n", data[i].what);
		assert_int_equal(
		    call(rmi_data_create, PA(RD), data[i].data, data[i].ipa, data[i].src, 0),
		    data[i].status);
	}
	/* realm_state: ACTIVE and SYSTEM_OFF realms take neither. */
	struct rd *rd = (struct rd *)PA(RD);
	for (uint64_t st = REALM_ACTIVE; st <= REALM_SYSTEM_OFF; st++) {
		rd->state = st;
		assert_int_equal(call(rmi_rtt_init_ripas, PA(RD), 0x3000, 0x4000, 0, 0),
				 RMI_ERROR_REALM);
		assert_int_equal(call(rmi_data_create, PA(RD), PA(DATA2), 0x6000, PA(SPARE), 0),
				 RMI_ERROR_REALM);
	}
	rd->state = REALM_NEW;
}

/* ---- RMI_REC_CREATE: failure conditions in order (B4.3.18), what is measured ---- */

/* RmiRecParams with num_aux and the auxiliary granules aux and aux_sve (REC_AUX_COUNT is 2:
 * the attestation token's and the SVE registers'). */
static void rec_params(uint64_t flags, uint64_t mpidr, uint64_t num_aux, uint64_t aux,
		       uint64_t aux_sve)
{
	uint64_t *p = (uint64_t *)PA(PARAMS);
	memset(p, 0, GRANULE_SIZE);
	p[0] = flags;
	p[0x100 / 8] = mpidr;
	p[0x200 / 8] = 0x80000;
	p[0x800 / 8] = num_aux;
	p[0x808 / 8] = aux;
	p[0x810 / 8] = aux_sve;
}

enum rec_create_case {
	RC_PARAMS_ALIGN,
	RC_PARAMS_PAS,
	RC_REC_UNDELEGATED,
	RC_REC_IS_RD,
	RC_RD_NOT_RD,
	RC_REALM_ACTIVE, /* with a bad num_aux too: realm_state comes first */
	RC_MPIDR_SKIPPED,
	RC_MPIDR_BITS,
	RC_NUM_AUX_0,
	RC_NUM_AUX_1,
	RC_NUM_AUX_3,
	RC_AUX_UNDELEGATED,
	RC_AUX2_UNDELEGATED,
	RC_AUX2_IS_AUX,
	RC_AUX_IS_REC,
	RC_AUX_IS_RD,
	RC_NOT_RUNNABLE, /* reserved flag bits ignored; not measured */
	RC_RUNNABLE,	 /* measured */
};

static void rec_create_failures(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		enum rec_create_case c;
		uint64_t status;
	} rows[] = {
	    {"params_align", RC_PARAMS_ALIGN, RMI_ERROR_INPUT},
	    {"params_pas", RC_PARAMS_PAS, RMI_ERROR_INPUT},
	    {"rec_state: undelegated", RC_REC_UNDELEGATED, RMI_ERROR_INPUT},
	    {"rec_state: the RD itself", RC_REC_IS_RD, RMI_ERROR_INPUT},
	    {"rd_state: not an RD", RC_RD_NOT_RD, RMI_ERROR_INPUT},
	    {"realm_state: ACTIVE (before num_aux)", RC_REALM_ACTIVE, RMI_ERROR_REALM},
	    {"mpidr_index: skipped", RC_MPIDR_SKIPPED, RMI_ERROR_INPUT},
	    {"mpidr_index: not an RmiRecMpidr", RC_MPIDR_BITS, RMI_ERROR_INPUT},
	    {"num_aux: 0", RC_NUM_AUX_0, RMI_ERROR_INPUT},
	    {"num_aux: fewer than REC_AUX_COUNT", RC_NUM_AUX_1, RMI_ERROR_INPUT},
	    {"num_aux: more than REC_AUX_COUNT", RC_NUM_AUX_3, RMI_ERROR_INPUT},
	    {"aux_state: undelegated", RC_AUX_UNDELEGATED, RMI_ERROR_INPUT},
	    {"aux_state: the second undelegated", RC_AUX2_UNDELEGATED, RMI_ERROR_INPUT},
	    {"aux_alias: the second is the first", RC_AUX2_IS_AUX, RMI_ERROR_INPUT},
	    {"aux_alias: the REC", RC_AUX_IS_REC, RMI_ERROR_INPUT},
	    {"aux_alias: the RD", RC_AUX_IS_RD, RMI_ERROR_INPUT},
	    {"success: not runnable, a reserved flag bit: not measured", RC_NOT_RUNNABLE,
	     RMI_SUCCESS},
	    {"success: runnable, measured", RC_RUNNABLE, RMI_SUCCESS},
	};
	/* An active realm for the realm_state row. */
	good_params(PA(PARAMS), PA(RTT2), 300 + win);
	assert_int_equal(granule_delegate(PA(RD2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(RTT2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(RTT2 + 1)), RMI_SUCCESS);
	assert_int_equal(create(PA(RD2), PA(PARAMS)), RMI_SUCCESS);
	assert_int_equal(call(rmi_realm_activate, PA(RD2), 0, 0, 0, 0), RMI_SUCCESS);
	for (unsigned g = REC; g <= AUX; g++)
		assert_int_equal(granule_delegate(PA(g)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(REC2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(AUX2)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(SVE_AUX)), RMI_SUCCESS);
	assert_int_equal(granule_delegate(PA(SVE_AUX2)), RMI_SUCCESS);
	struct rd *rd = (struct rd *)PA(RD);
	/* REC_AUX_COUNT: one granule for a realm without SVE, two with (its SVE registers);
	 * these rows are an SVE realm's. */
	assert_int_equal(call(rmi_rec_aux_count, PA(RD), 0, 0, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 1);
	rd->sve = 1;
	rd->sve_vl = CPU_SVE_VL / 16 - 1;
	assert_int_equal(call(rmi_rec_aux_count, PA(RD), 0, 0, 0, 0), RMI_SUCCESS);
	assert_int_equal(out[1], 2);
	uint64_t mpidr = 0;
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t r = PA(RD), rec = mpidr ? PA(REC2) : PA(REC), params = PA(PARAMS);
		uint64_t aux = mpidr ? PA(AUX2) : PA(AUX), sve = mpidr ? PA(SVE_AUX2) : PA(SVE_AUX);
		rec_params(0, mpidr, 2, aux, sve);
		switch (rows[i].c) {
		case RC_PARAMS_ALIGN:
			params += 8;
			break;
		case RC_PARAMS_PAS:
			params = PA(DATA);
			break;
		case RC_REC_UNDELEGATED:
			rec = PA(SPARE);
			break;
		case RC_REC_IS_RD:
			rec = PA(RD);
			break;
		case RC_RD_NOT_RD:
			r = PA(L2);
			break;
		case RC_REALM_ACTIVE:
			r = PA(RD2);
			rec_params(0, 0, 0, aux, sve);
			break;
		case RC_MPIDR_SKIPPED:
			rec_params(0, mpidr + 1, 2, aux, sve);
			break;
		case RC_MPIDR_BITS:
			rec_params(0, mpidr | 1ULL << 4, 2, aux, sve);
			break;
		case RC_NUM_AUX_0:
			rec_params(0, mpidr, 0, aux, sve);
			break;
		case RC_NUM_AUX_1:
			rec_params(0, mpidr, 1, aux, sve);
			break;
		case RC_NUM_AUX_3:
			rec_params(0, mpidr, 3, aux, sve);
			break;
		case RC_AUX2_UNDELEGATED:
			rec_params(0, mpidr, 2, aux, PA(SPARE));
			break;
		case RC_AUX2_IS_AUX:
			rec_params(0, mpidr, 2, aux, aux);
			break;
		case RC_AUX_UNDELEGATED:
			rec_params(0, mpidr, 2, PA(SPARE), sve);
			break;
		case RC_AUX_IS_REC:
			rec_params(0, mpidr, 2, rec, sve);
			break;
		case RC_AUX_IS_RD:
			rec_params(0, mpidr, 2, PA(RD), sve);
			break;
		case RC_NOT_RUNNABLE:
			rec_params(1ULL << 1, mpidr, 2, aux, sve);
			break;
		case RC_RUNNABLE:
			rec_params(1, mpidr, 2, aux, sve);
			break;
		}
		uint8_t rim[MEASURE_MAX];
		memcpy(rim, rd->rim.value, sizeof(rim));
		print_message("REC_CREATE: %s\n", rows[i].what);
		assert_int_equal(call(rmi_rec_create, r, rec, params, 0, 0), rows[i].status);
		if (rows[i].c == RC_RUNNABLE)
			assert_memory_not_equal(rim, rd->rim.value, sizeof(rim));
		else
			assert_memory_equal(rim, rd->rim.value, sizeof(rim));
		if (rows[i].status == RMI_SUCCESS)
			mpidr++;
		else /* nothing changed: the REC's granule is still delegated */
			assert_int_equal(granule_undelegate(rec) == RMI_SUCCESS &&
					     granule_delegate(rec) == RMI_SUCCESS,
					 rec == PA(REC) || rec == PA(REC2));
	}
	assert_int_equal(rd->nr_recs, 2);
	/* REC_DESTROY: rec_busy while it runs (its granule held by REC_ENTER), then done. */
	granule_t *running = granule_lock(PA(REC), GRANULE_REC);
	assert_non_null(running);
	assert_int_equal(call(rmi_rec_destroy, PA(REC), 0, 0, 0, 0), RMI_ERROR_REC);
	granule_unlock(running, GRANULE_REC);
	assert_int_equal(call(rmi_rec_destroy, PA(REC), 0, 0, 0, 0), RMI_SUCCESS);
	assert_int_equal(call(rmi_rec_destroy, PA(REC), 0, 0, 0, 0), RMI_ERROR_INPUT);
}

/* ---- PSCI from a realm (RMM 1.0 B5.3.8): answered by the RMM, or an exit showing the
 * host only the FID (and the target of CPU_ON / AFFINITY_INFO); SYSTEM_OFF and
 * SYSTEM_RESET end the realm (SYSTEM_OFF state: no REC runs again) ---- */

static void realm_psci(void **state)
{
	(void)state;
	struct rd *rd = (struct rd *)PA(RD);
	rd->state = REALM_ACTIVE;
	rd->nr_recs = 2; /* RECs 0 and 1: this one is 0 */
	static struct rec rec;
	const uint64_t prot_top = 1ULL << 39, C64 = SMC64;
	static const struct {
		const char *what;
		uint64_t x[4];
		enum psci_result result;
		int64_t x0; /* what the realm gets now (for an exit: until the host's answer) */
		unsigned exit_args; /* registers the exit shows */
		uint64_t state;	    /* the realm's state after */
	} rows[] = {
	    {"VERSION: 1.1", {PSCI_VERSION}, PSCI_DONE, 0x10001, 0, REALM_ACTIVE},
	    {"FEATURES(CPU_ON)", {PSCI_FEATURES, PSCI_CPU_ON}, PSCI_DONE, 0, 0, REALM_ACTIVE},
	    {"FEATURES(MIGRATE_INFO_TYPE)",
	     {PSCI_FEATURES, PSCI_MIGRATE_INFO_TYPE},
	     PSCI_DONE,
	     PSCI_NOT_SUPPORTED,
	     0,
	     REALM_ACTIVE},
	    {"SYSTEM_OFF has no SMC64 form",
	     {PSCI_SYSTEM_OFF | C64},
	     PSCI_DONE,
	     PSCI_NOT_SUPPORTED,
	     0,
	     REALM_ACTIVE},
	    {"CPU_ON outside its protected IPA, bad target too: INVALID_ADDRESS first",
	     {PSCI_CPU_ON | C64, 7, prot_top, 0},
	     PSCI_DONE,
	     PSCI_INVALID_ADDRESS,
	     0,
	     REALM_ACTIVE},
	    {"CPU_ON of no REC",
	     {PSCI_CPU_ON | C64, 2, 0x1000, 0},
	     PSCI_DONE,
	     PSCI_INVALID_PARAMETERS,
	     0,
	     REALM_ACTIVE},
	    {"CPU_ON of itself",
	     {PSCI_CPU_ON | C64, 0, 0x1000, 0},
	     PSCI_DONE,
	     PSCI_ALREADY_ON,
	     0,
	     REALM_ACTIVE},
	    {"AFFINITY_INFO, level 1",
	     {PSCI_AFFINITY_INFO | C64, 1, 1},
	     PSCI_DONE,
	     PSCI_INVALID_PARAMETERS,
	     0,
	     REALM_ACTIVE},
	    {"AFFINITY_INFO of itself",
	     {PSCI_AFFINITY_INFO | C64, 0, 0},
	     PSCI_DONE,
	     PSCI_AFFINITY_ON,
	     0,
	     REALM_ACTIVE},
	    {"CPU_ON of REC 1: an exit with FID and target",
	     {PSCI_CPU_ON | C64, 1, 0x1000, 0x77},
	     PSCI_EXIT,
	     PSCI_DENIED,
	     2,
	     REALM_ACTIVE},
	    {"CPU_SUSPEND: an exit with the FID only",
	     {PSCI_CPU_SUSPEND | C64, 0, 0x1000, 5},
	     PSCI_EXIT,
	     PSCI_SUCCESS,
	     1,
	     REALM_ACTIVE},
	    {"SYSTEM_RESET: an exit, the realm off",
	     {PSCI_SYSTEM_RESET},
	     PSCI_EXIT,
	     -1,
	     1,
	     REALM_SYSTEM_OFF},
	    {"SYSTEM_OFF: an exit, the realm off",
	     {PSCI_SYSTEM_OFF},
	     PSCI_EXIT,
	     -1,
	     1,
	     REALM_SYSTEM_OFF},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("realm PSCI: %s\n", rows[i].what);
		memset(&rec, 0, sizeof(rec));
		rec.rd = PA(RD);
		rd->state = REALM_ACTIVE;
		for (unsigned r = 0; r < 4; r++)
			rec.gprs[r] = rows[i].x[r];
		assert_int_equal(rec_psci(&rec, rd), rows[i].result);
		if (rows[i].x0 != -1 || rows[i].result == PSCI_DONE)
			assert_int_equal(rec.gprs[0], (uint64_t)rows[i].x0);
		assert_int_equal(rec.pc, 4); /* after the SMC */
		if (rows[i].result == PSCI_EXIT)
			assert_int_equal(psci_exit_args((uint32_t)rows[i].x[0]), rows[i].exit_args);
		assert_int_equal(rd->state, rows[i].state);
	}
}

/* ---- REC exits: what of ESR_EL2 the host sees, per exit class ---- */

#define EC(x)	((uint64_t)(x) << 26)
#define IL	(1ULL << 25)
#define ISV	(1ULL << 24)
#define SAS(x)	((uint64_t)(x) << 22)
#define SSE	(1ULL << 21)
#define SRT(x)	((uint64_t)(x) << 16)
#define SF	(1ULL << 15)
#define AR	(1ULL << 14)
#define VNCR	(1ULL << 13)
#define FNV	(1ULL << 10)
#define EA	(1ULL << 9)
#define CM	(1ULL << 8)
#define S1PTW	(1ULL << 7)
#define WNR	(1ULL << 6)
#define DFSC_L3 0x07ULL /* translation fault, level 3 */
#define ALL_ISS 0x1ffffffULL

static void exit_syndromes(void **state)
{
	(void)state;
	const struct {
		const char *what;
		uint64_t (*mask)(uint64_t);
		uint64_t esr, expected;
	} rows[] = {
	    /* Emulatable data abort: EC, ISV, SAS, SF, WnR, the fault status; never SRT, SSE,
	     * AR, VNCR, CM, S1PTW or IL. */
	    {"emulatable write", esr_for_emulatable_abort,
	     EC(0x24) | IL | ISV | SAS(2) | SRT(5) | WNR | DFSC_L3,
	     EC(0x24) | ISV | SAS(2) | WNR | DFSC_L3},
	    {"emulatable sign-extending 64-bit read", esr_for_emulatable_abort,
	     EC(0x24) | IL | ISV | SAS(1) | SSE | SRT(30) | SF | AR | DFSC_L3,
	     EC(0x24) | ISV | SAS(1) | SF | DFSC_L3},
	    {"emulatable: every ISS bit", esr_for_emulatable_abort, EC(0x24) | IL | ALL_ISS,
	     EC(0x24) | ISV | SAS(3) | SF | (3ULL << 11) | FNV | EA | WNR | 0x3f},
	    /* Non-emulatable data abort and instruction abort: EC, SET, FnV, EA, the fault
	     * status only (no ISV, SAS, WnR, IL). */
	    {"non-emulatable data abort", esr_for_abort,
	     EC(0x24) | IL | ISV | SAS(2) | SRT(3) | WNR | S1PTW | CM | VNCR | DFSC_L3,
	     EC(0x24) | DFSC_L3},
	    {"non-emulatable: every ISS bit", esr_for_abort, EC(0x24) | IL | ALL_ISS,
	     EC(0x24) | (3ULL << 11) | FNV | EA | 0x3f},
	    {"instruction abort", esr_for_abort, EC(0x20) | IL | S1PTW | 0x07, EC(0x20) | 0x07},
	    /* WFx: EC and TI[0] (WFI or WFE), not IL or the WFxT bits. */
	    {"WFI", esr_for_wfx, EC(0x01) | IL, EC(0x01)},
	    {"WFE", esr_for_wfx, EC(0x01) | IL | 1, EC(0x01) | 1},
	    {"WFET", esr_for_wfx, EC(0x01) | IL | 3 | (5ULL << 5), EC(0x01) | 1},
	    /* SError: IDS, AET, EA, DFSC; not the class or IL. */
	    {"SError", esr_for_serror, EC(0x2f) | IL | (1ULL << 24) | (2ULL << 10) | EA | 0x11,
	     (1ULL << 24) | (2ULL << 10) | EA | 0x11},
	    /* ICC_SGI1R_EL1 write: the register and direction, not Rt. */
	    {"ICC_SGI1R_EL1 write", esr_for_sysreg,
	     EC(0x18) | IL | (3ULL << 20) | (5ULL << 17) | (12ULL << 10) | (7ULL << 5) |
		 (11ULL << 1),
	     EC(0x18) | IL | (3ULL << 20) | (5ULL << 17) | (12ULL << 10) | (11ULL << 1)},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("REC exit ESR: %s\n", rows[i].what);
		assert_int_equal(rows[i].mask(rows[i].esr), rows[i].expected);
	}
}

/* The realm's register after an emulated read: the host's value to the access's size,
 * sign-extended as the load asked (SSE, which the host does not see), 32 bits unless SF. */
static void emulated_read_values(void **state)
{
	(void)state;
	const struct {
		const char *what;
		uint64_t esr, host, reg;
	} rows[] = {
	    {"ldrb", ISV | SAS(0), 0xffffff80, 0x80},
	    {"ldrsb to w", ISV | SAS(0) | SSE, 0x80, 0xffffff80},
	    {"ldrsb to x", ISV | SAS(0) | SSE | SF, 0x80, 0xffffffffffffff80},
	    {"ldrsh to x, positive", ISV | SAS(1) | SSE | SF, 0x17fff, 0x7fff},
	    {"ldr w", ISV | SAS(2), 0x1234567887654321, 0x87654321},
	    {"ldrsw", ISV | SAS(2) | SSE | SF, 0x80000000, 0xffffffff80000000},
	    {"ldr x", ISV | SAS(3) | SF, 0x1234567887654321, 0x1234567887654321},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("emulated read: %s\n", rows[i].what);
		assert_int_equal(mmio_read_value(rows[i].esr, rows[i].host), rows[i].reg);
	}
	assert_int_equal(mmio_write_value(SAS(1), 0x12345678), 0x5678);
	assert_int_equal(mmio_write_value(SAS(3), ~0ULL), ~0ULL);
}

/* ---- The realm's debug features: ID_AA64DFR0_EL1 shows what it asked for ---- */

static void debug_id_register(void **state)
{
	(void)state;
	const struct {
		unsigned bps, wps;
		uint64_t cpu_view, realm_view;
	} rows[] = {
	    {1, 1, 0xf0f0f006ULL, 0x6ULL | 1 << 12 | 1 << 20},
	    {5, 3, (1ULL << 28) | (5ULL << 12) | (3ULL << 20) | 6, (5ULL << 12) | (3ULL << 20) | 6},
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v = realm_id_aa64dfr0(rows[i].cpu_view, rows[i].bps, rows[i].wps);
		assert_int_equal(v, rows[i].realm_view);
		assert_int_equal((v >> 28) & 0xf, 0); /* CTX_CMPs: one, never above BRPs */
	}
}

/* ---- The RMI table (rmi.c): each command by its FID, with its name and argument and
 * result counts (B4.3); a failing call logged once, by rmi_handle ---- */

void rmi_rec_enter(const uint64_t *in, uint64_t *out) /* it runs a realm: not here */
{
	(void)in;
	out[0] = RMI_ERROR_REC;
}

static uint64_t handle(uint64_t fid, uint64_t a1)
{
	const uint64_t in[8] = {fid, a1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7};
	rmm_console[0] = 0;
	rmi_handle(in, out);
	return out[0];
}

/* Triad's own call (include/triad/rmm_audit.h): only a whole host granule becomes the
 * CPU's audit page; records go there in a ring, counted; with no page, nowhere. */
static void audit_page(void **state)
{
	(void)state;
	uint64_t out[5];
	uint64_t bad[] = {PA(0) /* delegated */, PA(1) + 8, TRACKED_BASE - GRANULE_SIZE,
			  TRACKED_BASE + TRACKED_SIZE};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rmi_handle((uint64_t[8]){TRIAD_RMM_AUDIT_PAGE, bad[i]}, out);
		assert_int_equal(out[0], RMI_ERROR_INPUT);
		assert_int_equal(fake_cpu.audit_page, 0);
	}
	struct rmm_audit_page *page = (struct rmm_audit_page *)PA(1);
	page->count = 99;
	rmi_handle((uint64_t[8]){TRIAD_RMM_AUDIT_PAGE, PA(1)}, out);
	assert_int_equal(out[0], RMI_SUCCESS);
	assert_int_equal(page->count, 0);
	for (uint64_t n = 1; n <= RMM_AUDIT_RECORDS + 6; n++) {
		rmm_audit((void *)PA(0), RMM_AUDIT_ATTESTED, 1000 + n, 0x11);
		assert_int_equal(page->count, n);
		const struct rmm_audit_record *r = &page->rec[(n - 1) % RMM_AUDIT_RECORDS];
		assert_int_equal(r->rd, PA(0));
		assert_int_equal(r->event, RMM_AUDIT_ATTESTED);
		assert_int_equal(r->info[0], 1000 + n);
		assert_int_equal(r->info[1], 0x11);
	}
	rmi_handle((uint64_t[8]){TRIAD_RMM_AUDIT_PAGE, 0}, out);
	assert_int_equal(out[0], RMI_SUCCESS);
	rmm_audit((void *)PA(0), RMM_AUDIT_ATTESTED, 1, 0);
	assert_int_equal(page->count, RMM_AUDIT_RECORDS + 6);
	const struct rmi_command *c = rmi_command_of(TRIAD_RMM_AUDIT_PAGE);
	assert_non_null(c);
	assert_string_equal(c->name, "TRIAD_RMM_AUDIT_PAGE");
	assert_int_equal(c->args, 1);
}

static void rmi_table(void **state)
{
	(void)state;
#define ROW(fid, args, results)                                                                    \
	{                                                                                          \
		fid, #fid, args, results                                                           \
	}
	static const struct {
		uint32_t fid;
		const char *name;
		unsigned args, results;
	} rows[] = {
	    // clang-format off
	    ROW(RMI_VERSION, 1, 2), ROW(RMI_GRANULE_DELEGATE, 1, 0),
	    ROW(RMI_GRANULE_UNDELEGATE, 1, 0), ROW(RMI_DATA_CREATE, 5, 0),
	    ROW(RMI_DATA_CREATE_UNKNOWN, 3, 0), ROW(RMI_DATA_DESTROY, 2, 2),
	    ROW(RMI_REALM_ACTIVATE, 1, 0), ROW(RMI_REALM_CREATE, 2, 0),
	    ROW(RMI_REALM_DESTROY, 1, 0), ROW(RMI_REC_CREATE, 3, 0),
	    ROW(RMI_REC_DESTROY, 1, 0), ROW(RMI_REC_ENTER, 2, 0),
	    ROW(RMI_RTT_CREATE, 4, 0), ROW(RMI_RTT_DESTROY, 3, 2),
	    ROW(RMI_RTT_MAP_UNPROTECTED, 4, 0), ROW(RMI_RTT_READ_ENTRY, 3, 4),
	    ROW(RMI_RTT_UNMAP_UNPROTECTED, 3, 1), ROW(RMI_PSCI_COMPLETE, 3, 0),
	    ROW(RMI_FEATURES, 1, 1), ROW(RMI_RTT_FOLD, 3, 1),
	    ROW(RMI_REC_AUX_COUNT, 1, 1), ROW(RMI_RTT_INIT_RIPAS, 3, 1),
	    ROW(RMI_RTT_SET_RIPAS, 4, 1),
	    // clang-format on
	};
	unsigned found = 0;
	for (uint32_t fid = RMI_FID_FIRST - 1; fid <= RMI_FID_LAST + 1; fid++)
		found += rmi_command_of(fid) != NULL;
	assert_int_equal(found, sizeof(rows) / sizeof(rows[0]));
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct rmi_command *c = rmi_command_of(rows[i].fid);
		assert_non_null(c);
		assert_string_equal(c->name, rows[i].name);
		assert_int_equal(c->args, rows[i].args);
		assert_int_equal(c->results, rows[i].results);
	}
	/* Calls through it: success is not logged, each failure is, with its arguments. */
	assert_int_equal(handle(RMI_VERSION, RMI_ABI_VERSION), RMI_SUCCESS);
	assert_int_equal(out[1], RMI_ABI_VERSION);
	assert_string_equal(rmm_console, "");
	assert_int_equal(handle(RMI_GRANULE_DELEGATE, PA(SPARE)), RMI_SUCCESS);
	assert_int_equal(handle(RMI_GRANULE_DELEGATE, PA(SPARE)), RMI_ERROR_INPUT);
	char line[80];
	snprintf(line, sizeof(line), "[rmm] RMI_GRANULE_DELEGATE(0x%lx) -> 0x1\r\n", PA(SPARE));
	assert_string_equal(rmm_console, line);
	assert_int_equal(handle(RMI_RTT_READ_ENTRY, 0x1000), RMI_ERROR_INPUT);
	assert_string_equal(rmm_console, "[rmm] RMI_RTT_READ_ENTRY(0x1000,0xa2,0xa3) -> 0x1\r\n");
	assert_int_equal(handle(0xc4000156U, 0), SMC_NOT_SUPPORTED); /* a hole in the range */
	assert_string_equal(rmm_console, "[rmm] RMI FID(0xc4000156) -> 0xffffffffffffffff\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(features),
	    cmocka_unit_test_setup(realm_create_failures, setup_window),
	    cmocka_unit_test_setup(realm_create_sve_unsupported, setup_window),
	    cmocka_unit_test_setup(top_outputs, setup_realm),
	    cmocka_unit_test_setup(set_ripas_rec_owner, setup_realm),
	    cmocka_unit_test_setup(rec_create_failures, setup_realm),
	    cmocka_unit_test_setup(init_ripas_and_data_create, setup_realm),
	    cmocka_unit_test_setup(realm_psci, setup_realm),
	    cmocka_unit_test(exit_syndromes),
	    cmocka_unit_test(emulated_read_values),
	    cmocka_unit_test(debug_id_register),
	    cmocka_unit_test_setup(rmi_table, setup_window),
	    cmocka_unit_test_setup(audit_page, setup_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
