// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300
/* RMI_REC_CREATE (RMM 1.0, B4.3.16) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm made NEW: the new REC
 * goes in FREE, its auxiliary granule in OTHER, and the host's RmiRecParams are in the
 * granule at PA(6) (the host's here), whose Non-secure alias (ns_access.S's ns_read) holds
 * them or faults. The RIM extension is an abstract function that records its calls. Each
 * failure condition alone (rd, rec and params alignment, bound and state; the RD as the
 * REC; params unreadable; realm_state; mpidr_index: out of order or reserved bits;
 * num_aux; aux alignment, bound, state, the REC or RD as aux) gives its specified error,
 * changes no byte nor granule state and measures nothing. A success makes the REC granule
 * a REC of that realm (MPIDR, PC, x0-x7 and the runnable flag from the params), the aux
 * granule REC_AUX, counts one more REC; a runnable REC's flags, PC and GPRs extend the RIM
 * once. */
#include "rtt_machine.h"
#include "../../security/rmm/rec.c"

#define REC    FREE
#define AUX    OTHER
#define PARAMS PA(6)

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

static void new_realm(uint64_t runnable, uint64_t mpidr, uint64_t num_aux, uint64_t aux)
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
	host_faults = 0;
	rim_calls = 0;
}

static const struct {
	uint64_t rd, rec, params, realm_state, recs, mpidr, num_aux, aux, faults, expect;
} failures[] = {
    {RD + 8, REC, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rd_align */
    {PA(8), REC, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rd_bound */
    {L1, REC, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rd_state */
    {RD, REC + 8, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rec_align */
    {RD, PA(8), PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rec_bound */
    {RD, L2, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rec_state: RTT */
    {RD, PARAMS, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rec_state: NS */
    {RD, RD, PARAMS, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* rec_state: the RD */
    {RD, REC, PARAMS + 8, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* params_align */
    {RD, REC, PA(8), REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* params_bound */
    {RD, REC, AUX, REALM_NEW, 0, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* params_pas: Realm */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, AUX, 1, RMI_ERROR_INPUT},	     /* params unreadable */
    {RD, REC, PARAMS, REALM_ACTIVE, 0, 0, 1, AUX, 0, RMI_ERROR_REALM},	     /* realm_state */
    {RD, REC, PARAMS, REALM_SYSTEM_OFF, 0, 0, 1, AUX, 0, RMI_ERROR_REALM},   /* realm_state */
    {RD, REC, PARAMS, REALM_NEW, 0, 1, 1, AUX, 0, RMI_ERROR_INPUT},	     /* mpidr_index */
    {RD, REC, PARAMS, REALM_NEW, 1, 0, 1, AUX, 0, RMI_ERROR_INPUT},	     /* mpidr_index */
    {RD, REC, PARAMS, REALM_NEW, 0, 0x10, 1, AUX, 0, RMI_ERROR_INPUT},	     /* mpidr: Aff0[7:4] */
    {RD, REC, PARAMS, REALM_NEW, 0, 1ULL << 40, 1, AUX, 0, RMI_ERROR_INPUT}, /* mpidr: above Aff3 */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 0, AUX, 0, RMI_ERROR_INPUT},	     /* num_aux */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 2, AUX, 0, RMI_ERROR_INPUT},	     /* num_aux */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, AUX + 8, 0, RMI_ERROR_INPUT},	     /* aux_align */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, PA(8), 0, RMI_ERROR_INPUT},	     /* aux_bound */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, L3, 0, RMI_ERROR_INPUT},	     /* aux_state: RTT */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, PARAMS, 0, RMI_ERROR_INPUT},	     /* aux_state: NS */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, REC, 0, RMI_ERROR_INPUT},	     /* aux: the REC */
    {RD, REC, PARAMS, REALM_NEW, 0, 0, 1, RD, 0, RMI_ERROR_INPUT},	     /* aux: the RD */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	//@ split i;
	new_realm(1, failures[i].mpidr, failures[i].num_aux, failures[i].aux);
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
	new_realm(1, 0, 1, AUX);
	uint64_t r = call(rmi_rec_create, RD, REC, PARAMS, 0);
	//@ assert runnable_success: r == RMI_SUCCESS;
	//@ assert runnable_states: states[5] == GRANULE_REC && states[7] == GRANULE_REC_AUX && states[0] == GRANULE_RD && states[6] == GRANULE_UNDELEGATED;
	//@ assert runnable_rec: rec->rd == RD && rec->aux == AUX && rec->mpidr == 0 && rec->index == 0 && rec->runnable == 1;
	//@ assert runnable_regs: rec->pc == 0x80000000ULL && rec->gprs[0] == 0x48000000ULL && rec->gprs[7] == 7;
	//@ assert runnable_counted: rd->nr_recs == 1;
	//@ assert runnable_measured: rim_calls == 1 && rim_flags == 1 && rim_pc == 0x80000000ULL && rim_gpr0 == 0x48000000ULL && rim_gpr7 == 7;
}

static void create_second(void)
{
	machine();
	new_realm(0, 1, 1, AUX); /* MPIDR Aff0 1: the realm's second REC, not runnable */
	rd->nr_recs = 1;
	uint64_t r = call(rmi_rec_create, RD, REC, PARAMS, 0);
	//@ assert second_success: r == RMI_SUCCESS && states[5] == GRANULE_REC && states[7] == GRANULE_REC_AUX;
	//@ assert second_rec: rec->mpidr == 1 && rec->index == 1 && rec->runnable == 0 && rd->nr_recs == 2;
}

int main(void)
{
	each_failure_changes_nothing();
	create_runnable();
	create_second();
	return 0;
}
