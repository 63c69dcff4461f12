// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40008fff
// eva: -eva-slevel-function main:300
/* RMI_REC_CREATE (RMM 1.0, B4.3.16) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm made NEW: the new REC
 * goes in FREE, its auxiliary granules in OTHER and PA(8) (its SVE registers), and the host's RmiRecParams are in the
 * granule at PA(6) (the host's here), whose Non-secure alias (ns_access.S's ns_read) holds
 * them or faults. The RIM extension is an abstract function that records its calls. Each
 * failure condition alone (rd, rec and params alignment, bound and state; the RD as the
 * REC; params unreadable; realm_state; mpidr_index: out of order or reserved bits;
 * num_aux other than 2; aux alignment, bound, state, the REC or RD as aux; the second aux
 * in the wrong state or one of the others) gives its specified error,
 * changes no byte nor granule state and measures nothing. A success makes the REC granule
 * a REC of that realm (MPIDR, PC, x0-x7 and the runnable flag from the params), the aux
 * granules REC_AUX (the SVE one with ZCR_EL1.LEN 0xf, nothing dirty), counts one more REC; a runnable REC's flags, PC and GPRs extend the RIM
 * once. */
#define NR_GRANULES 9 /* PA(8): a REC's second auxiliary granule (its SVE registers) */
#include "rtt_machine.h"
#include "../../security/rmm/rec.c"

#define REC    FREE
#define AUX    OTHER
#define PARAMS PA(6)
#define SVE    PA(8) /* the second auxiliary granule: the REC's SVE registers */

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
static uint64_t rim_flags, rim_pc, rim_gpr0, rim_gpr7;
void rim_extend_rec(struct measurement *rim, uint64_t flags, uint64_t pc, const uint64_t gprs[8])
{
	rim_calls += rim == &rd->rim;
	rim_flags = flags;
	rim_pc = pc;
	rim_gpr0 = gprs[0];
	rim_gpr7 = gprs[7];
}

static void new_realm(uint64_t runnable, uint64_t mpidr, uint64_t num_aux, uint64_t aux,
		      uint64_t aux_sve)
{
	rd->state = REALM_NEW;
	rd->nr_recs = 0;
	states[6] = GRANULE_UNDELEGATED;
	memset((void *)PARAMS, 0, GRANULE_SIZE);
	memset(host_params, 0, sizeof(host_params));
	host_params[0x000 / 8] = runnable;
	host_params[0x100 / 8] = mpidr;
	host_params[0x200 / 8] = 0x80000000ULL;
	host_params[0x300 / 8] = 0x48000000ULL; /* x0: the DTB */
	host_params[0x300 / 8 + 7] = 7;
	host_params[0x800 / 8] = num_aux;
	host_params[0x808 / 8] = aux;
	host_params[0x810 / 8] = aux_sve;
	host_faults = 0;
	rim_calls = 0;
}

static const struct {
	uint64_t rd, rec, params, realm_state, recs, mpidr, num_aux, aux, faults, expect, sve;
} failures[] = {
    {RD + 8, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	      /* rd_align */
    {PA(NR_GRANULES), REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE}, /* rd_bound */
    {L1, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	      /* rd_state */
    {RD, REC + 8, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	     /* rec_align */
    {RD, PA(NR_GRANULES), PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE}, /* rec_bound */
    {RD, L2, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	     /* rec_state: RTT */
    {RD, PARAMS, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},  /* rec_state: NS */
    {RD, RD, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	     /* rec_state: the RD */
    {RD, REC, PARAMS + 8, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE}, /* params_align */
    {RD, REC, PA(NR_GRANULES), REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE}, /* params_bound */
    {RD, REC, AUX, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	    /* params_pas: Realm */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 1, RMI_ERROR_INPUT, SVE},    /* params unreadable */
    {RD, REC, PARAMS, REALM_ACTIVE, 0, 0, 2, AUX, 0, RMI_ERROR_REALM, SVE}, /* realm_state */
    {RD, REC, PARAMS, REALM_SYSTEM_OFF, 0, 0, 2, AUX, 0, RMI_ERROR_REALM, SVE}, /* realm_state */
    {RD, REC, PARAMS, REALM_NEW, 0, 1, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	/* mpidr_index */
    {RD, REC, PARAMS, REALM_NEW, 1, 0, 2, AUX, 0, RMI_ERROR_INPUT, SVE},	/* mpidr_index */
    {RD, REC, PARAMS, REALM_NEW, 0, 0x10, 2, AUX, 0, RMI_ERROR_INPUT, SVE}, /* mpidr: Aff0[7:4] */
    {RD, REC, PARAMS, REALM_NEW, 0, 1ULL << 40, 2, AUX, 0, RMI_ERROR_INPUT,
     SVE},								     /* mpidr: above Aff3 */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 0, AUX, 0, RMI_ERROR_INPUT, SVE},     /* num_aux */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 3, AUX, 0, RMI_ERROR_INPUT, SVE},     /* num_aux */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX + 8, 0, RMI_ERROR_INPUT, SVE}, /* aux_align */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, PA(NR_GRANULES), 0, RMI_ERROR_INPUT, SVE}, /* aux_bound */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, L3, 0, RMI_ERROR_INPUT, SVE},	    /* aux_state: RTT */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, PARAMS, 0, RMI_ERROR_INPUT, SVE}, /* aux_state: NS */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, REC, 0, RMI_ERROR_INPUT, SVE},    /* aux: the REC */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, RD, 0, RMI_ERROR_INPUT, SVE},	    /* aux: the RD */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT, SVE},    /* num_aux: 1 */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, L3},	    /* aux 2: RTT */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, AUX},    /* aux 2: aux 1 */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, REC},    /* aux 2: the REC */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, RD},	    /* aux 2: the RD */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT, PARAMS}, /* aux 2: NS */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	//@ split i;
	new_realm(1, failures[i].mpidr, failures[i].num_aux, failures[i].aux, failures[i].sve);
	rd->state = failures[i].realm_state;
	rd->nr_recs = failures[i].recs;
	host_faults = (int)failures[i].faults;
	snapshot();
	uint64_t r = call(rmi_rec_create, failures[i].rd, failures[i].rec, failures[i].params, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && rim_calls == 0;
}

static struct rec *const rec = (struct rec *)REC;

static void create_runnable(void)
{
	machine();
	new_realm(1, 0, 2, AUX, SVE);
	uint64_t r = call(rmi_rec_create, RD, REC, PARAMS, 0);
	//@ assert runnable_success: r == RMI_SUCCESS;
	//@ assert runnable_states: states[5] == GRANULE_REC && states[7] == GRANULE_REC_AUX && states[8] == GRANULE_REC_AUX && states[0] == GRANULE_RD && states[6] == GRANULE_UNDELEGATED;
	//@ assert runnable_rec: rec->rd == RD && rec->aux == AUX && rec->aux_sve == SVE && rec->mpidr == 0 && rec->index == 0 && rec->runnable == 1;
	uint64_t zcr = ((struct rec_sve *)SVE)->zcr_el1, dirty = ((struct rec_sve *)SVE)->dirty;
	//@ assert runnable_sve: zcr == 0xf && dirty == 0;
	//@ assert runnable_regs: rec->pc == 0x80000000ULL && rec->gprs[0] == 0x48000000ULL && rec->gprs[7] == 7;
	//@ assert runnable_counted: rd->nr_recs == 1;
	//@ assert runnable_measured: rim_calls == 1 && rim_flags == 1 && rim_pc == 0x80000000ULL && rim_gpr0 == 0x48000000ULL && rim_gpr7 == 7;
}

static void create_second(void)
{
	machine();
	new_realm(0, 1, 2, AUX, SVE); /* MPIDR Aff0 1: the realm's second REC, not runnable */
	rd->nr_recs = 1;
	uint64_t r = call(rmi_rec_create, RD, REC, PARAMS, 0);
	//@ assert second_success: r == RMI_SUCCESS && states[5] == GRANULE_REC && states[7] == GRANULE_REC_AUX && states[8] == GRANULE_REC_AUX;
	//@ assert second_rec: rec->mpidr == 1 && rec->index == 1 && rec->runnable == 0 && rd->nr_recs == 2;
}

int main(void)
{
	each_failure_changes_nothing();
	create_runnable();
	create_second();
	return 0;
}
