// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:200
/* RMI_PSCI_COMPLETE (RMM 1.0, B4.3.10) through its RMI handler, against the spec's failure
 * conditions and success post-conditions, on rtt_machine.h's realm with two RECs: the
 * caller (MPIDR 0, at OTHER) whose realm called CPU_ON or AFFINITY_INFO on MPIDR 1 (its
 * pending request as rec_psci leaves it, x0 DENIED), and the target (MPIDR 1, at FREE),
 * off, runnable or running on another CPU. Each failure condition alone (alias; calling
 * and target alignment, bound and granule state; the target in another realm; no PSCI
 * request pending, another one pending; the target not the MPIDR asked for; a status other
 * than SUCCESS, or DENIED for CPU_ON) gives ERROR_INPUT and changes no byte nor granule
 * state. A success clears the caller's request and sets its x0: CPU_ON of an off target
 * SUCCESS, and the target runnable, reset to start at the entry point with x0 the context;
 * of a runnable or running target ALREADY_ON; DENIED by the host DENIED; AFFINITY_INFO ON
 * or OFF as the target is; nothing else changes. */
#include "rtt_machine.h"
#include <triad/psci_abi.h>
#include "../../security/rmm/rec_psci.c"

#define CALLER PA(7)
#define TARGET PA(5)
#define ENTRY  0x80001000ULL
#define CTX    0x48000040ULL

static struct rec *const caller = (struct rec *)CALLER, *const target = (struct rec *)TARGET;

enum perturb { NONE, TARGET_DELEGATED, OTHER_REALM, NO_REQUEST, MMIO_REQUEST, OTHER_MPIDR };

static void two_recs(uint32_t fid, int target_runnable)
{
	machine();
	states[7] = states[5] = GRANULE_REC;
	rd->nr_recs = 2;
	caller->rd = target->rd = RD;
	caller->runnable = 1;
	caller->pc = 0x80000104ULL;
	target->index = target->mpidr = 1;
	target->runnable = (uint64_t)target_runnable;
	target->pc = 0x80000200ULL;
	target->gprs[0] = 0x77;
	target->gprs[5] = 0x55;
	target->pstate = 0x3c5;
	caller->request = REQ_PSCI;
	caller->psci_fid = fid;
	caller->psci_target = 1;
	caller->psci_entry = ENTRY;
	caller->psci_context = CTX;
	caller->gprs[0] = (uint64_t)(int64_t)PSCI_DENIED;
	caller->gprs[1] = 1;
}

static const struct {
	uint64_t calling, target, status;
	uint32_t fid;
	enum perturb perturb;
} failures[] = {
    {CALLER, CALLER, PSCI_SUCCESS, PSCI_CPU_ON, NONE},			    /* alias */
    {CALLER + 8, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NONE},		    /* calling_align */
    {TRACKED_BASE - GRANULE_SIZE, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NONE}, /* calling_bound */
    {PA(NR_GRANULES), TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NONE},		    /* calling_bound */
    {RD, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NONE},			    /* calling_state: RD */
    {L1, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NONE},			    /* calling_state: RTT */
    {DATA, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NONE},	   /* calling_state: DATA */
    {CALLER, TARGET + 8, PSCI_SUCCESS, PSCI_CPU_ON, NONE}, /* target_align */
    {CALLER, TRACKED_BASE - GRANULE_SIZE, PSCI_SUCCESS, PSCI_CPU_ON, NONE}, /* target_bound */
    {CALLER, PA(NR_GRANULES), PSCI_SUCCESS, PSCI_CPU_ON, NONE},		    /* target_bound */
    {CALLER, RD, PSCI_SUCCESS, PSCI_CPU_ON, NONE},			    /* target_state: RD */
    {CALLER, L2, PSCI_SUCCESS, PSCI_AFFINITY_INFO, NONE},		    /* target_state: RTT */
    {CALLER, DATA, PSCI_SUCCESS, PSCI_CPU_ON, NONE},			    /* target_state: DATA */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, TARGET_DELEGATED},	    /* target_state */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, OTHER_REALM},		    /* target_realm */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_AFFINITY_INFO, OTHER_REALM},	    /* target_realm */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, NO_REQUEST},		    /* pending */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, MMIO_REQUEST},		    /* pending */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_CPU_ON, OTHER_MPIDR},		    /* target */
    {CALLER, TARGET, PSCI_SUCCESS, PSCI_AFFINITY_INFO, OTHER_MPIDR},	    /* target */
    {CALLER, TARGET, (uint64_t)(int64_t)PSCI_ALREADY_ON, PSCI_CPU_ON, NONE}, /* status */
    {CALLER, TARGET, (uint64_t)(int64_t)PSCI_INVALID_PARAMETERS, PSCI_CPU_ON, NONE},
    {CALLER, TARGET, 1, PSCI_CPU_ON, NONE},					/* status */
    {CALLER, TARGET, (uint64_t)(int64_t)PSCI_DENIED, PSCI_AFFINITY_INFO, NONE}, /* status */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	two_recs(failures[i].fid, 0);
	switch (failures[i].perturb) {
	case TARGET_DELEGATED:
		states[5] = GRANULE_DELEGATED;
		break;
	case OTHER_REALM:
		target->rd = PA(1);
		break;
	case NO_REQUEST:
		caller->request = REQ_NONE;
		break;
	case MMIO_REQUEST:
		caller->request = REQ_MMIO;
		break;
	case OTHER_MPIDR:
		caller->psci_target = 2;
		break;
	case NONE:
		break;
	}
	snapshot();
	uint64_t r =
	    call(rmi_psci_complete, failures[i].calling, failures[i].target, failures[i].status, 0);
	//@ assert failure_as_specified: r == RMI_ERROR_INPUT;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1;
}

/* Whether the caller's x0 and request are the only change (put back to check). */
static int only_the_callers_answer_changed(void)
{
	caller->gprs[0] = (uint64_t)(int64_t)PSCI_DENIED;
	caller->request = REQ_PSCI;
	return unchanged();
}

static void cpu_on_starts_an_off_target(void)
{
	two_recs(PSCI_CPU_ON, 0);
	snapshot();
	uint64_t r = call(rmi_psci_complete, CALLER, TARGET, PSCI_SUCCESS, 0);
	//@ assert on_success: r == RMI_SUCCESS;
	//@ assert on_answered: caller->gprs[0] == PSCI_SUCCESS && caller->request == REQ_NONE;
	//@ assert on_runnable: target->runnable == 1;
	//@ assert on_reset: target->pc == ENTRY && target->gprs[0] == CTX && target->gprs[5] == 0 && target->pstate == SPSR_EL1H_MASKED && target->request == REQ_NONE;
	//@ assert on_same_rec: target->rd == RD && target->mpidr == 1 && target->index == 1;
	/* Everything else as it was: the target's granule taken as it is now. */
	memcpy(&snap_mem[(TARGET - TRACKED_BASE) / 8], (void *)TARGET, GRANULE_SIZE);
	int rest = only_the_callers_answer_changed();
	//@ assert on_changes_nothing_else: rest == 1;
}

static void cpu_on_of_an_on_target(void)
{
	int running = Frama_C_interval(0, 1);
	//@ split running;
	two_recs(PSCI_CPU_ON, 1);
	if (running)
		states[5] = GRANULE_REC | LOCKED; /* REC_ENTER holds it on another CPU */
	snapshot();
	uint64_t r = call(rmi_psci_complete, CALLER, TARGET, PSCI_SUCCESS, 0);
	//@ assert already_on_success: r == RMI_SUCCESS;
	//@ assert already_on_answered: caller->gprs[0] == (uint64_t)PSCI_ALREADY_ON && caller->request == REQ_NONE;
	int rest = only_the_callers_answer_changed();
	//@ assert already_on_changes_nothing_else: rest == 1;
}

static void cpu_on_denied(void)
{
	two_recs(PSCI_CPU_ON, 0);
	snapshot();
	uint64_t r = call(rmi_psci_complete, CALLER, TARGET, (uint64_t)(int64_t)PSCI_DENIED, 0);
	//@ assert denied_success: r == RMI_SUCCESS;
	//@ assert denied_answered: caller->gprs[0] == (uint64_t)PSCI_DENIED && caller->request == REQ_NONE;
	int rest = only_the_callers_answer_changed();
	//@ assert denied_changes_nothing_else: rest == 1;
}

static void affinity_info(void)
{
	int state = Frama_C_interval(0, 2); /* off, runnable, running */
	//@ split state;
	two_recs(PSCI_AFFINITY_INFO, state != 0);
	if (state == 2)
		states[5] = GRANULE_REC | LOCKED;
	snapshot();
	uint64_t r = call(rmi_psci_complete, CALLER, TARGET, PSCI_SUCCESS, 0);
	//@ assert affinity_success: r == RMI_SUCCESS && caller->request == REQ_NONE;
	//@ assert affinity_answered: caller->gprs[0] == (state ? PSCI_AFFINITY_ON : PSCI_AFFINITY_OFF);
	int rest = only_the_callers_answer_changed();
	//@ assert affinity_changes_nothing_else: rest == 1;
}

int main(void)
{
	each_failure_changes_nothing();
	cpu_on_starts_an_off_target();
	cpu_on_of_an_on_target();
	cpu_on_denied();
	affinity_info();
	return 0;
}
