// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:100
/* RMI_REALM_ACTIVATE (RMM 1.0, B4.3.9) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm. Each failure condition
 * alone (rd_align, rd_bound, rd_state: every granule that is not an RD; realm_state: an
 * ACTIVE or SYSTEM_OFF realm) gives its specified error and changes no byte nor granule
 * state; activating a NEW realm makes it ACTIVE and changes nothing else. */
#include "rtt_machine.h"
#include "../../security/rmm/realm.c"

static const struct {
	uint64_t rd, state, expect;
} failures[] = {
    {RD + 8, REALM_NEW, RMI_ERROR_INPUT},		       /* rd_align */
    {TRACKED_BASE - GRANULE_SIZE, REALM_NEW, RMI_ERROR_INPUT}, /* rd_bound: below */
    {PA(NR_GRANULES), REALM_NEW, RMI_ERROR_INPUT},	       /* rd_bound: above */
    {L1, REALM_NEW, RMI_ERROR_INPUT},			       /* rd_state: RTT */
    {DATA, REALM_NEW, RMI_ERROR_INPUT},			       /* rd_state: DATA */
    {FREE, REALM_NEW, RMI_ERROR_INPUT},			       /* rd_state: DELEGATED */
    {RD, REALM_ACTIVE, RMI_ERROR_REALM},		       /* realm_state */
    {RD, REALM_SYSTEM_OFF, RMI_ERROR_REALM},		       /* realm_state */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	machine();
	//@ split i;
	rd->state = failures[i].state;
	snapshot();
	uint64_t r = call(rmi_realm_activate, failures[i].rd, 0, 0, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

static void activate(void)
{
	machine();
	rd->state = REALM_NEW;
	snapshot();
	uint64_t r = call(rmi_realm_activate, RD, 0, 0, 0);
	//@ assert activate_success: r == RMI_SUCCESS && rd->state == REALM_ACTIVE;
	rd->state = REALM_NEW;
	int rest = unchanged();
	//@ assert activate_changes_nothing_else: rest == 1;
}

int main(void)
{
	each_failure_changes_nothing();
	activate();
	return 0;
}
