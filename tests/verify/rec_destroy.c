// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:100
/* RMI_REC_DESTROY (RMM 1.0, B4.3.19) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm with one REC (at OTHER)
 * whose auxiliary granule is FREE, both holding the REC's state. Each failure condition
 * alone (rec_align, rec_bound, rec_gran_state: every granule that is not a REC, its
 * auxiliary one too; rec_state: the REC running on another CPU) gives its specified error
 * and changes no byte nor granule state; a destroy makes the REC and its auxiliary granule
 * zeroed DELEGATED granules, counts one REC less in the realm and changes nothing else. */
#include "rtt_machine.h"
#include "../../security/rmm/rec.c"

#define REC PA(7)
#define AUX PA(5)

static struct rec *const rec = (struct rec *)REC;

static void one_rec(void)
{
	states[7] = GRANULE_REC;
	states[5] = GRANULE_REC_AUX;
	rd->nr_recs = 1;
	rec->rd = RD;
	rec->aux = AUX;
	rec->pc = 0x80000000ULL;
	rec->gprs[0] = 0x48000000ULL;
	((uint64_t *)AUX)[0] = 0x5a5a5a5a5a5a5a5aULL; /* a token being built */
	((uint64_t *)AUX)[511] = 1;
}

static const struct {
	uint64_t rec, running, expect;
} failures[] = {
    {REC + 8, 0, RMI_ERROR_INPUT},		       /* rec_align */
    {TRACKED_BASE - GRANULE_SIZE, 0, RMI_ERROR_INPUT}, /* rec_bound: below */
    {PA(NR_GRANULES), 0, RMI_ERROR_INPUT},	       /* rec_bound: above */
    {RD, 0, RMI_ERROR_INPUT},			       /* rec_gran_state: RD */
    {L1, 0, RMI_ERROR_INPUT},			       /* rec_gran_state: RTT */
    {DATA, 0, RMI_ERROR_INPUT},			       /* rec_gran_state: DATA */
    {AUX, 0, RMI_ERROR_INPUT},			       /* rec_gran_state: REC_AUX */
    {REC, 1, RMI_ERROR_REC},			       /* rec_state: running */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	one_rec();
	//@ split i;
	if (failures[i].running)
		states[7] = GRANULE_REC | LOCKED; /* REC_ENTER holds it on another CPU */
	snapshot();
	uint64_t r = call(rmi_rec_destroy, failures[i].rec, 0, 0, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && rd->nr_recs == 1;
}

static void destroy(void)
{
	machine();
	one_rec();
	snapshot();
	uint64_t r = call(rmi_rec_destroy, REC, 0, 0, 0);
	int rec_zero = all_zero(REC), aux_zero = all_zero(AUX);
	//@ assert destroy_success: r == RMI_SUCCESS;
	//@ assert destroy_delegated: states[7] == GRANULE_DELEGATED && states[5] == GRANULE_DELEGATED;
	//@ assert destroy_scrubbed: rec_zero == 1 && aux_zero == 1;
	//@ assert destroy_uncounted: rd->nr_recs == 0;
	/* Everything else as it was. */
	rd->nr_recs = 1;
	memset((void *)REC, 0, GRANULE_SIZE);
	memset((void *)AUX, 0, GRANULE_SIZE);
	memset(&snap_mem[(REC - TRACKED_BASE) / 8], 0, GRANULE_SIZE);
	memset(&snap_mem[(AUX - TRACKED_BASE) / 8], 0, GRANULE_SIZE);
	states[7] = snap_states[7];
	states[5] = snap_states[5];
	int rest = unchanged();
	//@ assert destroy_changes_nothing_else: rest == 1;
}

int main(void)
{
	each_failure_changes_nothing();
	destroy();
	return 0;
}
