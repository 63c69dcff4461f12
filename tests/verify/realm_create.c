// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300 -eva-slevel-function realm_create:200
/* RMI_REALM_CREATE (RMM 1.0, B4.3.10) through its RMI handler, against the spec's failure
 * conditions and success post-conditions: 8 granules, an existing realm's RD (VMID 1) at
 * PA(0), the host's RmiRealmParams in the granule at PA(6) (its Non-secure alias,
 * ns_access.S's ns_read, holds them or faults), every other granule DELEGATED and zero; the
 * new realm asks for 40 IPA bits from two level-1 tables at PA(2), its RD at PA(4), on an
 * RMM whose RMI_FEATURES offer 48 bits, 6 breakpoints and watchpoints, SHA-256 and SHA-512,
 * SVE up to 64-byte vectors (SVE_VL 3) and nothing else (the CPU has 8-bit VMIDs). The RIM's start is an abstract function that
 * records its calls. Each failure condition alone (params alignment, bound, PAS, unreadable;
 * params_valid and params_supp: unknown flags, LPA2/PMU not offered, SVE with an sve_vl
 * above the offer, s2sz too small or
 * too large, zero or too many breakpoints or watchpoints, an unknown hash; rtt_num_level,
 * rtt_align; the RD among the tables; rd alignment, bound and state; each table's state;
 * vmid_valid: in use, too wide) gives ERROR_INPUT, changes no byte nor granule state nor
 * VMID and measures nothing. A success makes the RD an RD and the tables RTTs (still
 * empty), the realm NEW with the asked s2sz, start level, tables, VMID (now in use) and RPV,
 * no REC nor table below the start, and starts the RIM once from the measured params. */
#include "rtt_machine.h"
#include "../../security/rmm/realm.c"

#define NEW_RD PA(4)
#define RTTS   PA(2) /* and PA(3) */
#define PARAMS PA(6)
#define FEAT0                                                                                      \
	(48ULL | 5ULL << FEAT0_NUM_BPS_SHIFT | 5ULL << FEAT0_NUM_WPS_SHIFT | FEAT0_HASH_SHA_256 |  \
	 FEAT0_HASH_SHA_512 | FEAT0_SVE_EN | 3ULL << FEAT0_SVE_VL_SHIFT)
#define VMID_IN_USE (1ULL << 1)

static uint64_t host_params[512];
static int host_faults;

int ns_read(void *dst, const void *ns_src, uint64_t len)
{
	uint64_t off = (uint64_t)ns_src - (PARAMS + NS_ALIAS);
	uint64_t *d = (uint64_t *)dst;
	if (host_faults || off >= GRANULE_SIZE || len > GRANULE_SIZE - off || len % 8)
		return -1;
	//@ loop unroll 8;
	for (unsigned i = 0; i < len / 8; i++)
		d[i] = host_params[off / 8 + i];
	return 0;
}

static unsigned rim_calls;
static struct realm_params_measured rim_params;
void rim_init(struct measurement *rim, const struct realm_params_measured *p)
{
	rim_calls += rim == &((struct rd *)NEW_RD)->rim;
	rim_params = *p;
}

/* rtt_machine.h's granules made the machine above. */
static void host_and_rmm(void)
{
	memset(mem, 0, WORDS * 8);
	granules_init(states, TRACKED_SIZE);
	//@ loop unroll NR_GRANULES;
	for (unsigned g = 0; g < NR_GRANULES; g++)
		states[g] = GRANULE_DELEGATED;
	states[0] = GRANULE_RD;
	states[6] = GRANULE_UNDELEGATED;
	rd->state = REALM_ACTIVE;
	rd->vmid = 1;
	vmids[0] = VMID_IN_USE;
	memset(host_params, 0, sizeof(host_params));
	host_params[0] = 0;		     /* flags */
	host_params[1] = 40;		     /* s2sz */
	host_params[3] = 1;		     /* num_bps: 2 */
	host_params[4] = 5;		     /* num_wps: 6 */
	host_params[6] = HASH_SHA512;	     /* hash_algo */
	host_params[0x400 / 8] = 0x1234;     /* rpv[0] */
	host_params[0x400 / 8 + 7] = 0x5678; /* rpv[7] */
	host_params[0x800 / 8] = 2;	     /* vmid */
	host_params[0x808 / 8] = RTTS;
	host_params[0x810 / 8] = 1;
	host_params[0x818 / 8] = 2;
	host_faults = 0;
	rim_calls = 0;
}

/* REALM_CREATE as rmi_handle calls it, with this RMM's RMI_FEATURES. */
static void rmi_realm_create_feat(const uint64_t *in, uint64_t *out)
{
	rmi_realm_create(in, out, FEAT0);
}

/* Words of the host's params (RmiRealmParams offsets / 8). */
#define FLAGS  0
#define S2SZ   1
#define SVE_VL 2
#define BPS    3
#define WPS    4
#define HASH   6
#define VMID   (0x800 / 8)
#define BASE   (0x808 / 8)
#define LEVEL  (0x810 / 8)
#define NUM    (0x818 / 8)
#define NONE   511 /* a word REALM_CREATE does not read */

/* Each failure condition alone: the arguments, and up to two params words, it changes. */
static const struct {
	uint64_t rd, params, faults, w1, v1, w2, v2;
} failures[] = {
    {NEW_RD, PARAMS + 8, 0, NONE, 0, NONE, 0},		   /* params_align */
    {NEW_RD, PA(8), 0, NONE, 0, NONE, 0},		   /* params_bound */
    {NEW_RD, PA(7), 0, NONE, 0, NONE, 0},		   /* params_pas: Realm */
    {NEW_RD, PARAMS, 1, NONE, 0, NONE, 0},		   /* params unreadable */
    {NEW_RD, PARAMS, 0, FLAGS, 1ULL << 3, NONE, 0},	   /* flags: reserved bit */
    {NEW_RD, PARAMS, 0, FLAGS, REALM_FLAG_LPA2, NONE, 0},  /* params_supp: LPA2 */
    {NEW_RD, PARAMS, 0, FLAGS, REALM_FLAG_SVE, SVE_VL, 4}, /* params_supp: sve_vl above the offer */
    {NEW_RD, PARAMS, 0, FLAGS, REALM_FLAG_PMU, NONE, 0},   /* params_supp: PMU */
    {NEW_RD, PARAMS, 0, S2SZ, 31, NONE, 0},		   /* s2sz too small */
    {NEW_RD, PARAMS, 0, S2SZ, 49, NONE, 0},		   /* s2sz above the offer */
    {NEW_RD, PARAMS, 0, BPS, 0, NONE, 0},		   /* num_bps reserved */
    {NEW_RD, PARAMS, 0, BPS, 6, NONE, 0},		   /* num_bps above the offer */
    {NEW_RD, PARAMS, 0, WPS, 0, NONE, 0},		   /* num_wps reserved */
    {NEW_RD, PARAMS, 0, WPS, 6, NONE, 0},		   /* num_wps above the offer */
    {NEW_RD, PARAMS, 0, HASH, 2, NONE, 0},		   /* hash_algo unknown */
    {NEW_RD, PARAMS, 0, LEVEL, 0, NONE, 0},		   /* rtt_num_level: level 0 */
    {NEW_RD, PARAMS, 0, LEVEL, 2, NONE, 0},		   /* level 2 for 40 bits */
    {NEW_RD, PARAMS, 0, LEVEL, (uint64_t)-1, NONE, 0},	   /* level -1 */
    {NEW_RD, PARAMS, 0, NUM, 1, NONE, 0},		   /* one table for 40 bits */
    {NEW_RD, PARAMS, 0, NUM, 4, NONE, 0},		   /* four tables */
    {NEW_RD, PARAMS, 0, BASE, PA(1), NONE, 0},		   /* rtt_align: 2 tables */
    {RTTS + GRANULE_SIZE, PARAMS, 0, NONE, 0, NONE, 0},	   /* the RD one of the tables */
    {NEW_RD + 8, PARAMS, 0, NONE, 0, NONE, 0},		   /* rd_align */
    {PA(8), PARAMS, 0, NONE, 0, NONE, 0},		   /* rd_bound */
    {PARAMS, PARAMS, 0, NONE, 0, NONE, 0},		   /* rd_state: NS */
    {RD, PARAMS, 0, NONE, 0, NONE, 0},			   /* rd_state: an RD */
    {NEW_RD, PARAMS, 0, BASE, PA(0), NONE, 0},		   /* rtt_state: an RD */
    {NEW_RD, PARAMS, 0, BASE, PA(6), NUM, 1},		   /* rtt_state: NS (39 bits) */
    {NEW_RD, PARAMS, 0, BASE, PA(8), NUM, 1},		   /* rtt_bound (39 bits) */
    {NEW_RD, PARAMS, 0, VMID, 1, NONE, 0},		   /* vmid_valid: in use */
    {NEW_RD, PARAMS, 0, VMID, 256, NONE, 0},		   /* vmid_valid: 8-bit VMIDs */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	host_and_rmm();
	//@ split i;
	host_faults = (int)failures[i].faults;
	host_params[failures[i].w1] = failures[i].v1;
	host_params[failures[i].w2] = failures[i].v2;
	/* A single starting table resolves 39 bits. */
	if (failures[i].w2 == NUM)
		host_params[S2SZ] = 39;
	snapshot();
	uint64_t r = call(rmi_realm_create_feat, failures[i].rd, failures[i].params, 0, 0);
	//@ assert failure_as_specified: r == RMI_ERROR_INPUT;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && rim_calls == 0 && vmids[0] == VMID_IN_USE;
}

static struct rd *const new_rd = (struct rd *)NEW_RD;

static void create(void)
{
	host_and_rmm();
	uint64_t r = call(rmi_realm_create_feat, NEW_RD, PARAMS, 0, 0);
	int empty = all_zero(RTTS) && all_zero(RTTS + GRANULE_SIZE);
	//@ assert create_success: r == RMI_SUCCESS;
	//@ assert create_states: states[4] == GRANULE_RD && states[2] == GRANULE_RTT && states[3] == GRANULE_RTT && states[0] == GRANULE_RD && states[6] == GRANULE_UNDELEGATED && states[1] == GRANULE_DELEGATED && states[5] == GRANULE_DELEGATED && states[7] == GRANULE_DELEGATED;
	//@ assert create_tables_empty: empty == 1;
	//@ assert create_realm: new_rd->state == REALM_NEW && new_rd->s2sz == 40 && new_rd->rtt_level_start == 1 && new_rd->rtt_num_start == 2 && new_rd->rtt_base == RTTS;
	//@ assert create_counts: new_rd->nr_recs == 0 && new_rd->nr_rtts == 0;
	//@ assert create_vmid: new_rd->vmid == 2 && vmids[0] == (VMID_IN_USE | 1ULL << 2);
	//@ assert create_rpv: ((uint64_t *)new_rd->rpv)[0] == 0x1234 && ((uint64_t *)new_rd->rpv)[7] == 0x5678;
	//@ assert create_measured: rim_calls == 1 && rim_params.s2sz == 40 && rim_params.num_bps == 1 && rim_params.num_wps == 5 && rim_params.hash_algo == HASH_SHA512 && rim_params.flags == 0;
}

int main(void)
{
	each_failure_changes_nothing();
	create();
	return 0;
}
