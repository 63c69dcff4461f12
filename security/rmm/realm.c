/*
 * Realms (RMM 1.0, B4.3.9-B4.3.11): REALM_CREATE turns a delegated granule into a Realm
 * Descriptor and the starting-level RTT granules into empty tables, with the parameters
 * the host put in a Non-secure granule; REALM_ACTIVATE ends the realm's construction;
 * REALM_DESTROY gives the granules back as delegated (zeroed). Every input is checked
 * before anything changes, and a failure changes nothing.
 */
#include <string.h>

#include "realm.h"

/* RmiRealmParams (B4.4.3): the fields read, at their offsets in the host's granule. */
#define P_FLAGS	      0x000
#define P_S2SZ	      0x008
#define P_SVE_VL      0x010
#define P_NUM_BPS     0x018
#define P_NUM_WPS     0x020
#define P_PMU_CTRS    0x028
#define P_HASH_ALGO   0x030
#define P_RPV	      0x400
#define P_VMID	      0x800
#define P_RTT_BASE    0x808
#define P_RTT_LEVEL   0x810
#define P_RTT_NUM     0x818
#define MAX_RTT_START 16

struct params {
	uint64_t head[7]; /* 0x000-0x037: flags .. hash_algo */
	uint64_t rpv[8];
	uint64_t tail[4]; /* 0x800-0x81f: vmid, rtt_base, rtt_level_start, rtt_num_start */
};

/* VMIDs in use by realms (16 bits if the CPU has them). */
static uint64_t vmids[65536 / 64];

static unsigned vmid_bits(void)
{
	return ((read_sysreg(id_aa64mmfr1_el1) >> 4) & 0xf) == 2 ? 16 : 8;
}

static bool vmid_reserve(uint64_t vmid)
{
	if (vmid >> vmid_bits())
		return false;
	uint64_t bit = 1ULL << (vmid % 64);
	return !(__atomic_fetch_or(&vmids[vmid / 64], bit, __ATOMIC_ACQ_REL) & bit);
}

static void vmid_free(uint64_t vmid)
{
	__atomic_fetch_and(&vmids[vmid / 64], ~(1ULL << (vmid % 64)), __ATOMIC_RELEASE);
}

static int read_params(uint64_t pa, struct params *p)
{
	if (!granule_is_host(pa))
		return -1;
	const uint8_t *ns = (const uint8_t *)(pa + NS_ALIAS);
	return ns_read(p->head, ns + P_FLAGS, sizeof(p->head)) ||
		       ns_read(p->rpv, ns + P_RPV, sizeof(p->rpv)) ||
		       ns_read(p->tail, ns + P_VMID, sizeof(p->tail))
		   ? -1
		   : 0;
}

/* The starting level and table count must be the ones the IPA size needs (4 KiB
 * granules: a level-L table resolves 12 + 9 * (4 - L) bits; up to 16 concatenated). */
static bool rtt_start_valid(uint64_t s2sz, int64_t level, uint64_t num)
{
	if (level < 0 || level > 3)
		return false;
	uint64_t bits = 12 + 9 * (4 - (uint64_t)level);
	if (s2sz > bits + 4 || s2sz + 9 <= bits)
		return false;
	return num == (s2sz > bits ? 1ULL << (s2sz - bits) : 1);
}

/* RMM 1.0's params_valid and params_supp: what the host asks for must be a valid encoding
 * and something RMI_FEATURES offers (feat0). */
static bool params_valid(const struct params *p, uint64_t feat0)
{
	uint64_t flags = p->head[0];
	uint8_t s2sz = (uint8_t)p->head[1], bps = (uint8_t)p->head[3], wps = (uint8_t)p->head[4];
	uint8_t hash = (uint8_t)p->head[6];
	uint64_t base = p->tail[1], num = (uint32_t)p->tail[3];
	int64_t level = (int64_t)p->tail[2];
	uint64_t max_bps = (feat0 >> FEAT0_NUM_BPS_SHIFT) & 0x3f;
	uint64_t max_wps = (feat0 >> FEAT0_NUM_WPS_SHIFT) & 0x3f;
	if (flags & ~(REALM_FLAG_LPA2 | REALM_FLAG_SVE | REALM_FLAG_PMU))
		return false;
	if ((flags & REALM_FLAG_LPA2) && !(feat0 & FEAT0_LPA2))
		return false;
	if (s2sz < 32 || s2sz > ((feat0 >> FEAT0_S2SZ_SHIFT) & 0xff))
		return false;
	/* Counts minus one, like ID_AA64DFR0_EL1's: 0 is reserved (a CPU has at least two). */
	if (bps == 0 || bps > max_bps || wps == 0 || wps > max_wps)
		return false;
	/* sve_vl is ZCR_ELx.LEN's encoding; the feature register's SVE_VL is the longest. */
	if ((flags & REALM_FLAG_SVE) && (uint8_t)p->head[2] > ((feat0 >> FEAT0_SVE_VL_SHIFT) & 0xf))
		return false;
	if (((flags & REALM_FLAG_SVE) && !(feat0 & FEAT0_SVE_EN)) ||
	    ((flags & REALM_FLAG_PMU) && !(feat0 & FEAT0_PMU_EN)))
		return false;
	if (!(hash == HASH_SHA256 && (feat0 & FEAT0_HASH_SHA_256)) &&
	    !(hash == HASH_SHA512 && (feat0 & FEAT0_HASH_SHA_512)))
		return false;
	return rtt_start_valid(s2sz, level, num) && base % (num * GRANULE_SIZE) == 0;
}

static void unlock_all(granule_t **g, unsigned n, enum granule_state s)
{
	for (unsigned i = 0; i < n; i++)
		granule_unlock(g[i], s);
}

static uint64_t realm_create(uint64_t rd_pa, uint64_t params_pa, uint64_t feat0)
{
	struct params p;
	if (params_pa % GRANULE_SIZE || read_params(params_pa, &p) || !params_valid(&p, feat0))
		return RMI_ERROR_INPUT;
	uint64_t rtt_base = p.tail[1], num = (uint32_t)p.tail[3];
	if (rd_pa >= rtt_base && rd_pa - rtt_base < num * GRANULE_SIZE)
		return RMI_ERROR_INPUT; /* the RD would also be a table */
	/* Locks in address order, so that racing commands on other CPUs cannot wait for
	 * each other's granules in a cycle. g[0] is the RD, g[1..num] the tables. */
	granule_t *g[1 + MAX_RTT_START];
	uint64_t order[1 + MAX_RTT_START];
	unsigned slot[1 + MAX_RTT_START], n = 0;
	for (uint64_t i = 0; i <= num; i++) {
		uint64_t pa = i < num ? rtt_base + i * GRANULE_SIZE : rd_pa;
		unsigned j = n++;
		/* cppcheck-suppress uninitvar ; order[0..j-1] were set in earlier rounds */
		for (; j > 0 && order[j - 1] > pa; j--) {
			order[j] = order[j - 1];
			slot[j] = slot[j - 1];
		}
		order[j] = pa;
		slot[j] = i < num ? (unsigned)i + 1 : 0;
	}
	unsigned locked = 0;
	for (; locked < n; locked++) {
		g[slot[locked]] = granule_lock(order[locked], GRANULE_DELEGATED);
		if (!g[slot[locked]]) {
			for (unsigned k = 0; k < locked; k++)
				granule_unlock(g[slot[k]], GRANULE_DELEGATED);
			return RMI_ERROR_INPUT;
		}
	}
	uint64_t vmid = (uint16_t)p.tail[0];
	if (!vmid_reserve(vmid)) {
		unlock_all(g, locked, GRANULE_DELEGATED);
		return RMI_ERROR_INPUT;
	}
	/* Delegated granules are zero: the tables are empty (every entry UNASSIGNED). */
	struct rd *rd = (struct rd *)rd_pa;
	rd->state = REALM_NEW;
	rd->s2sz = (uint8_t)p.head[1];
	rd->rtt_level_start = (int64_t)p.tail[2];
	rd->rtt_num_start = num;
	rd->rtt_base = rtt_base;
	rd->vmid = vmid;
	rd->nr_recs = 0;
	rd->nr_rtts = 0;
	rd->num_bps = (uint8_t)p.head[3];
	rd->num_wps = (uint8_t)p.head[4];
	rd->sve = (p.head[0] & REALM_FLAG_SVE) != 0;
	rd->sve_vl = rd->sve ? (uint8_t)p.head[2] : 0;
	memcpy(rd->rpv, p.rpv, sizeof(rd->rpv));
	struct realm_params_measured m = {
	    .flags = p.head[0],
	    .s2sz = (uint8_t)p.head[1],
	    .sve_vl = (uint8_t)p.head[2],
	    .num_bps = (uint8_t)p.head[3],
	    .num_wps = (uint8_t)p.head[4],
	    .pmu_num_ctrs = (uint8_t)p.head[5],
	    .hash_algo = (uint8_t)p.head[6],
	};
	rim_init(&rd->rim, &m);
	for (int i = 0; i < 4; i++)
		rd->rem[i] = (struct measurement){.algo = m.hash_algo};
	dsb(sy);
	granule_unlock(g[0], GRANULE_RD);
	unlock_all(g + 1, locked - 1, GRANULE_RTT);
	return RMI_SUCCESS;
}

static uint64_t realm_activate(uint64_t rd_pa)
{
	granule_t *g = granule_lock(rd_pa, GRANULE_RD);
	if (!g)
		return RMI_ERROR_INPUT;
	struct rd *rd = (struct rd *)rd_pa;
	uint64_t r = RMI_ERROR_REALM;
	if (rd->state == REALM_NEW) {
		rd->state = REALM_ACTIVE;
		r = RMI_SUCCESS;
	}
	granule_unlock(g, GRANULE_RD);
	return r;
}

static uint64_t realm_destroy(uint64_t rd_pa)
{
	granule_t *g[1 + MAX_RTT_START];
	g[0] = granule_lock(rd_pa, GRANULE_RD);
	if (!g[0])
		return RMI_ERROR_INPUT;
	struct rd *rd = (struct rd *)rd_pa;
	unsigned locked = 1;
	bool live = rd->nr_recs || rd->nr_rtts;
	for (uint64_t i = 0; i < rd->rtt_num_start && !live; i++) {
		uint64_t pa = rd->rtt_base + i * GRANULE_SIZE;
		g[locked] = granule_lock(pa, GRANULE_RTT);
		if (!g[locked]) {
			live = true; /* a command on another CPU holds it */
			break;
		}
		locked++;
		live = rtt_live((const uint64_t *)pa, rd->rtt_level_start);
	}
	if (live) {
		granule_unlock(g[0], GRANULE_RD);
		unlock_all(g + 1, locked - 1, GRANULE_RTT);
		return RMI_ERROR_REALM;
	}
	uint64_t vmid = rd->vmid;
	realm_tlbi(rd); /* before its VMID can go to another realm */
	/* Delegated granules are zero: the tables (RIPAS left in them) and the RD. */
	for (uint64_t i = 0; i < rd->rtt_num_start; i++)
		granule_zero(rd->rtt_base + i * GRANULE_SIZE);
	granule_zero(rd_pa);
	vmid_free(vmid);
	unlock_all(g, locked, GRANULE_DELEGATED);
	return RMI_SUCCESS;
}

void rmi_realm_create(const uint64_t *in, uint64_t *out, uint64_t feat0)
{
	out[0] = realm_create(in[1], in[2], feat0);
}

void rmi_realm_activate(const uint64_t *in, uint64_t *out)
{
	out[0] = realm_activate(in[1]);
}

void rmi_realm_destroy(const uint64_t *in, uint64_t *out)
{
	out[0] = realm_destroy(in[1]);
}
