/*
 * RMI_REC_ENTER (RMM 1.0, B4.3.19)'s failure conditions: the run page the host's and
 * readable, the REC a REC not running elsewhere, its realm ACTIVE, the REC runnable with
 * no PSCI request pending, an MMIO answer only for an MMIO exit, the host's list registers
 * valid. Only then does rec_run.c run it (rec_run_entered).
 */
#include "realm.h"
#include "rec.h"
#include "rec_run.h"

static int read_enter(const uint8_t *run, struct rec_enter *in)
{
	return ns_read(&in->flags, run + ENTER_FLAGS, 8) ||
	       ns_read(in->gprs, run + ENTER_GPRS, sizeof(in->gprs)) ||
	       ns_read(&in->gic_hcr, run + ENTER_GIC, 8 * (1 + GIC_MAX_LRS));
}

static uint64_t rec_enter(uint64_t rec_pa, uint64_t run_pa)
{
	if (run_pa % GRANULE_SIZE || !granule_is_host(run_pa))
		return RMI_ERROR_INPUT;
	uint8_t *run = (uint8_t *)(run_pa + NS_ALIAS);
	struct rec_enter in;
	if (read_enter(run, &in))
		return RMI_ERROR_INPUT;
	bool busy;
	granule_t *g = granule_try_lock(rec_pa, GRANULE_REC, &busy);
	if (!g)
		return busy ? RMI_ERROR_REC : RMI_ERROR_INPUT; /* running on another CPU */
	struct rec *rec = (struct rec *)rec_pa;
	struct rd *rd = (struct rd *)rec->rd;
	unsigned nr_lrs = gic_nr_lrs();
	/* RMM 1.0's realm_new (index 0) and system_off (index 1); unknown entry flags are
	 * reserved, not refused. */
	uint64_t r, state = __atomic_load_n(&rd->state, __ATOMIC_ACQUIRE);
	r = RMI_ERROR_REALM | (state == REALM_SYSTEM_OFF ? 1ULL << 8 : 0);
	if (state != REALM_ACTIVE)
		goto out;
	r = RMI_ERROR_REC;
	if (!rec->runnable || rec->request == REQ_PSCI ||
	    ((in.flags & (ENTER_EMUL_MMIO | ENTER_INJECT_SEA)) && rec->request != REQ_MMIO) ||
	    !gic_host_state_valid(in.gic_lrs, in.gic_hcr, nr_lrs))
		goto out;
	r = rec_run_entered(rec, rd, &in, run, nr_lrs);
out:
	granule_unlock(g, GRANULE_REC);
	return r;
}

void rmi_rec_enter(const uint64_t *in, uint64_t *out)
{
	out[0] = rec_enter(in[1], in[2]);
}
