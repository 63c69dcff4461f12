/*
 * RECs, a realm's vCPUs (RMM 1.0, B4.3.18-B4.3.20): REC_CREATE turns a delegated granule
 * into a REC with the host's RmiRecParams (measured into the RIM), in MPIDR order;
 * REC_DESTROY gives it back scrubbed; REC_AUX_COUNT says how many auxiliary granules a REC
 * needs: one, where its attestation token is built and read out, and in a realm with SVE a
 * second one for its SVE registers (rec_sve.c).
 */
#include "realm.h"
#include "rec.h"

/* RmiRecParams (B4.4.6): offsets in the host's granule. */
#define P_FLAGS		  0x000
#define P_MPIDR		  0x100
#define P_PC		  0x200
#define P_GPRS		  0x300
#define P_NUM_AUX	  0x800
#define P_AUX		  0x808
#define REC_FLAG_RUNNABLE 1ULL

/* How many auxiliary granules the realm's RECs take. */
static unsigned aux_count(const struct rd *rd)
{
	return rd->sve ? REC_AUX_GRANULES_SVE : REC_AUX_GRANULES;
}

static uint64_t rec_create(uint64_t rd_pa, uint64_t rec_pa, uint64_t params_pa)
{
	uint64_t head[1], mpidr[1], pc[1], gprs[8], num_aux[1], aux[REC_AUX_GRANULES_SVE];
	if (params_pa % GRANULE_SIZE || !granule_is_host(params_pa))
		return RMI_ERROR_INPUT;
	const uint8_t *ns = (const uint8_t *)(params_pa + NS_ALIAS);
	if (ns_read(head, ns + P_FLAGS, 8) || ns_read(mpidr, ns + P_MPIDR, 8) ||
	    ns_read(pc, ns + P_PC, 8) || ns_read(gprs, ns + P_GPRS, sizeof(gprs)) ||
	    ns_read(num_aux, ns + P_NUM_AUX, 8) || ns_read(aux, ns + P_AUX, sizeof(aux)))
		return RMI_ERROR_INPUT;
	/* In RMM 1.0's order: the REC and RD granules (rec_state, rd_state), the realm's state
	 * (realm_state: ERROR_REALM), then the parameters (mpidr_index, num_aux, the
	 * auxiliary granules). Reserved flag bits are ignored, as the spec leaves them. */
	if (rec_pa == rd_pa)
		return RMI_ERROR_INPUT;
	granule_t *g_rd = granule_lock(rd_pa, GRANULE_RD);
	if (!g_rd)
		return RMI_ERROR_INPUT;
	granule_t *g = granule_lock(rec_pa, GRANULE_DELEGATED), *g_aux = 0, *g_sve = 0;
	struct rd *rd = (struct rd *)rd_pa;
	uint64_t r = RMI_ERROR_INPUT;
	if (!g)
		goto out_rd;
	r = RMI_ERROR_REALM;
	if (rd->state != REALM_NEW)
		goto out;
	r = RMI_ERROR_INPUT;
	unsigned n_aux = aux_count(rd);
	if ((mpidr[0] & ~REC_MPIDR_VALID_BITS) || rec_mpidr_index(mpidr[0]) != rd->nr_recs ||
	    num_aux[0] != n_aux)
		goto out;
	for (unsigned i = 0; i < n_aux; i++)
		if (aux[i] == rec_pa || aux[i] == rd_pa || (i && aux[i] == aux[0]))
			goto out;
	g_aux = granule_lock(aux[0], GRANULE_DELEGATED);
	if (!g_aux)
		goto out;
	if (n_aux > 1) {
		g_sve = granule_lock(aux[1], GRANULE_DELEGATED);
		if (!g_sve) {
			granule_unlock(g_aux, GRANULE_DELEGATED);
			goto out;
		}
	}
	struct rec *rec = (struct rec *)rec_pa;
	rec->aux = aux[0];
	rec->aux_sve = n_aux > 1 ? aux[1] : 0;
	rec_sve_reset(rec);
	rec->rd = rd_pa;
	rec->index = rd->nr_recs;
	rec->mpidr = mpidr[0];
	rec->runnable = head[0] & REC_FLAG_RUNNABLE;
	rec->pc = pc[0];
	rec->pstate = SPSR_EL1H_MASKED;
	rec->el1.sctlr = SCTLR_EL1_RESET;
	for (int i = 0; i < 8; i++)
		rec->gprs[i] = gprs[i];
	/* Only a REC that starts runnable is measured (RMM 1.0, A7.1.1): the others start
	 * where the realm's own PSCI CPU_ON says. */
	if (rec->runnable)
		rim_extend_rec(&rd->rim, head[0], pc[0], gprs);
	__atomic_fetch_add(&rd->nr_recs, 1, __ATOMIC_RELAXED);
	dsb(sy);
	granule_unlock(g_aux, GRANULE_REC_AUX);
	if (g_sve)
		granule_unlock(g_sve, GRANULE_REC_AUX);
	granule_unlock(g, GRANULE_REC);
	granule_unlock(g_rd, GRANULE_RD);
	return RMI_SUCCESS;
out:
	granule_unlock(g, GRANULE_DELEGATED);
out_rd:
	granule_unlock(g_rd, GRANULE_RD);
	return r;
}

static uint64_t rec_destroy(uint64_t rec_pa)
{
	bool busy;
	granule_t *g = granule_try_lock(rec_pa, GRANULE_REC, &busy);
	if (!g)
		return busy ? RMI_ERROR_REC : RMI_ERROR_INPUT; /* running on another CPU */
	struct rec *rec = (struct rec *)rec_pa;
	struct rd *rd = (struct rd *)rec->rd; /* alive: REALM_DESTROY waits for its RECs */
	/* Its auxiliary granules are its alone: nothing else locks them while the REC is held. */
	uint64_t aux[REC_AUX_GRANULES_SVE] = {rec->aux, rec->aux_sve};
	for (unsigned i = 0; i < REC_AUX_GRANULES_SVE && aux[i]; i++) {
		granule_t *g_aux = granule_lock(aux[i], GRANULE_REC_AUX);
		granule_zero(aux[i]);
		granule_unlock(g_aux, GRANULE_DELEGATED);
	}
	__atomic_fetch_sub(&rd->nr_recs, 1, __ATOMIC_RELEASE);
	granule_zero(rec_pa);
	granule_unlock(g, GRANULE_DELEGATED);
	return RMI_SUCCESS;
}

void rmi_rec_create(const uint64_t *in, uint64_t *out)
{
	out[0] = rec_create(in[1], in[2], in[3]);
}

void rmi_rec_destroy(const uint64_t *in, uint64_t *out)
{
	out[0] = rec_destroy(in[1]);
}

void rmi_rec_aux_count(const uint64_t *in, uint64_t *out)
{
	granule_t *g = granule_lock(in[1], GRANULE_RD);
	if (!g) {
		out[0] = RMI_ERROR_INPUT;
		return;
	}
	out[1] = aux_count((const struct rd *)in[1]);
	granule_unlock(g, GRANULE_RD);
	out[0] = RMI_SUCCESS;
}
