// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:100
/* RMI_REC_AUX_COUNT (RMM 1.0, B4.3.18) through its RMI handler, against the spec's failure
 * conditions and success outputs, on rtt_machine.h's realm. Each failure condition alone
 * (rd_align, rd_bound, rd_state: every granule that is not an RD) gives ERROR_INPUT; a
 * success returns the number of auxiliary granules REC_CREATE then asks for (at most
 * RMM 1.0's 16); no call changes a byte or a granule state. */
#include "rtt_machine.h"
#include "../../security/rmm/rec.c"

static const uint64_t failures[] = {
    RD + 8,			 /* rd_align */
    TRACKED_BASE - GRANULE_SIZE, /* rd_bound: below */
    PA(NR_GRANULES),		 /* rd_bound: above */
    L1,				 /* rd_state: RTT */
    DATA,			 /* rd_state: DATA */
    FREE,			 /* rd_state: DELEGATED */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	//@ split i;
	snapshot();
	uint64_t r = call(rmi_rec_aux_count, failures[i], 0, 0, 0);
	//@ assert failure_as_specified: r == RMI_ERROR_INPUT;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

static void count(void)
{
	machine();
	snapshot();
	uint64_t r = call(rmi_rec_aux_count, RD, 0, 0, 0);
	//@ assert count_success: r == RMI_SUCCESS && out[1] == REC_AUX_GRANULES && out[1] <= 16;
	int same = unchanged();
	//@ assert count_changes_nothing: same == 1;
}

int main(void)
{
	each_failure_changes_nothing();
	count();
	return 0;
}
