// eva: -eva-precision 1 -absolute-valid-range 0x40000000-0x40007fff
// eva: -eva-slevel-function main:300
/* RMI_REC_ENTER (RMM 1.0, B4.3.19)'s failure conditions through its RMI handler
 * (security/rmm/rec_enter.c), on rtt_machine.h's ACTIVE realm with one REC (at OTHER) and
 * the host's run page at PA(6), whose Non-secure alias (ns_access.S's ns_read) holds
 * RmiRecEnter or faults (any other granule's alias reads it); a CPU with one list register (ICH_VTR_EL2 reads 0). Running the
 * REC (rec_run.c's rec_run_entered) is an abstract function that records its calls. Each
 * failure condition alone (run alignment, bound, PAS in every other state, unreadable;
 * rec alignment, bound, granule state, running on another CPU; realm NEW: ERROR_REALM
 * index 0; SYSTEM_OFF: index 1; not runnable; a PSCI request pending; an MMIO answer or
 * an SEA without an MMIO exit; host GIC controls or a list register this CPU lacks, or an
 * invalid one) gives its error, changes no byte nor granule state and runs nothing. When
 * every check passes the REC runs exactly once, locked, with its realm, the host's
 * RmiRecEnter and the run page's alias, the command returns what the run did and the REC
 * is unlocked, nothing else changed. */
#include "rtt_machine.h"
#include "../../security/rmm/rec_gic.c"
#include "../../security/rmm/rec_enter.c"

#define REC PA(7)
#define RUN PA(6)

static struct rec *const rec = (struct rec *)REC;
static uint64_t host_run[512];
static int host_faults;

/* The alias reads any tracked granule, not just the host's: the run page's PAS is the
 * RMM's own check (run_pas), whatever the GPT would do. */
int ns_read(void *dst, const void *ns_src, uint64_t len)
{
	uint64_t off = (uint64_t)ns_src - (TRACKED_BASE + NS_ALIAS);
	uint64_t *d = (uint64_t *)dst;
	if (host_faults || off >= TRACKED_SIZE || len > GRANULE_SIZE - off % GRANULE_SIZE ||
	    len % 8)
		return -1;
	const uint64_t *src = off / GRANULE_SIZE == 6 ? host_run : &mem[off / GRANULE_SIZE * 512];
	//@ loop unroll 31;
	for (unsigned i = 0; i < len / 8; i++)
		d[i] = src[off % GRANULE_SIZE / 8 + i];
	return 0;
}

static unsigned runs;
static uint64_t run_rec, run_rd, run_page, run_flags, run_x0, run_x30, run_hcr, run_lr0;
static granule_t run_rec_state;
static uint64_t run_result;
uint64_t rec_run_entered(struct rec *r, struct rd *d, const struct rec_enter *in, uint8_t *run,
			 unsigned nr_lrs)
{
	(void)nr_lrs;
	runs++;
	run_rec = (uint64_t)r;
	run_rd = (uint64_t)d;
	run_page = (uint64_t)run;
	run_flags = in->flags;
	run_x0 = in->gprs[0];
	run_x30 = in->gprs[30];
	run_hcr = in->gic_hcr;
	run_lr0 = in->gic_lrs[0];
	run_rec_state = states[7];
	return run_result;
}

enum perturb {
	NONE,
	FAULTS,
	RUNNING,
	REALM_IS_NEW,
	REALM_IS_OFF,
	NOT_RUNNABLE,
	PSCI_PENDING,
	BAD_HCR,
	LR_NOT_THERE,
	LR_INVALID
};

/* A pending vINTID 40, group 1, priority 0xa0: what a host injects. */
#define GOOD_LR ((1ULL << 62) | (1ULL << 60) | (0xa0ULL << 48) | 40)

static void one_rec(uint64_t flags, uint32_t request)
{
	machine();
	states[6] = GRANULE_UNDELEGATED;
	states[7] = GRANULE_REC;
	rd->nr_recs = 1;
	rec->rd = RD;
	rec->runnable = 1;
	rec->request = request;
	rec->pc = 0x80000000ULL;
	memset(host_run, 0, sizeof(host_run));
	host_run[ENTER_FLAGS / 8] = flags;
	host_run[ENTER_GPRS / 8] = 0x1234;
	host_run[ENTER_GPRS / 8 + 30] = 0x3030;
	host_run[ENTER_GIC / 8] = 2; /* ICH_HCR_EL2.UIE */
	host_run[ENTER_GIC / 8 + 1] = GOOD_LR;
	host_faults = 0;
	runs = 0;
}

static const struct {
	uint64_t rec, run, flags;
	enum perturb perturb;
	uint64_t expect;
} failures[] = {
    {REC, RUN + 8, 0, NONE, RMI_ERROR_INPUT},			  /* run_align */
    {REC, TRACKED_BASE - GRANULE_SIZE, 0, NONE, RMI_ERROR_INPUT}, /* run_bound */
    {REC, PA(NR_GRANULES), 0, NONE, RMI_ERROR_INPUT},		  /* run_bound */
    {REC, RD, 0, NONE, RMI_ERROR_INPUT},			  /* run_pas: RD */
    {REC, L1, 0, NONE, RMI_ERROR_INPUT},			  /* run_pas: RTT */
    {REC, FREE, 0, NONE, RMI_ERROR_INPUT},			  /* run_pas: DELEGATED */
    {REC, REC, 0, NONE, RMI_ERROR_INPUT},			  /* run_pas: the REC */
    {REC, RUN, 0, FAULTS, RMI_ERROR_INPUT},			  /* run unreadable */
    {REC + 8, RUN, 0, NONE, RMI_ERROR_INPUT},			  /* rec_align */
    {TRACKED_BASE - GRANULE_SIZE, RUN, 0, NONE, RMI_ERROR_INPUT}, /* rec_bound */
    {PA(NR_GRANULES), RUN, 0, NONE, RMI_ERROR_INPUT},		  /* rec_bound */
    {RD, RUN, 0, NONE, RMI_ERROR_INPUT},			  /* rec_gran_state: RD */
    {L2, RUN, 0, NONE, RMI_ERROR_INPUT},			  /* rec_gran_state: RTT */
    {FREE, RUN, 0, NONE, RMI_ERROR_INPUT},			  /* rec_gran_state: DELEGATED */
    {RUN, RUN, 0, NONE, RMI_ERROR_INPUT},			  /* rec_gran_state: the host's */
    {REC, RUN, 0, RUNNING, RMI_ERROR_REC},			  /* rec_state */
    {REC, RUN, 0, REALM_IS_NEW, RMI_ERROR_REALM},		  /* realm_new: index 0 */
    {REC, RUN, 0, REALM_IS_OFF, RMI_ERROR_REALM | 1 << 8},	  /* system_off: index 1 */
    {REC, RUN, 0, NOT_RUNNABLE, RMI_ERROR_REC},			  /* rec_runnable */
    {REC, RUN, 0, PSCI_PENDING, RMI_ERROR_REC},			  /* rec_psci_pending */
    {REC, RUN, ENTER_EMUL_MMIO, NONE, RMI_ERROR_REC},		  /* rec_mmio */
    {REC, RUN, ENTER_INJECT_SEA, NONE, RMI_ERROR_REC},		  /* rec_mmio: SEA */
    {REC, RUN, 0, BAD_HCR, RMI_ERROR_REC},			  /* rec_gicv3 */
    {REC, RUN, 0, LR_NOT_THERE, RMI_ERROR_REC},			  /* rec_gicv3 */
    {REC, RUN, 0, LR_INVALID, RMI_ERROR_REC},			  /* rec_gicv3 */
};
#define NR_FAILURES (sizeof(failures) / sizeof(failures[0]))

static void each_failure_changes_nothing_and_runs_nothing(void)
{
	unsigned i;
	i = Frama_C_unsigned_int_interval(0, NR_FAILURES - 1);
	//@ split i;
	one_rec(failures[i].flags, REQ_NONE);
	switch (failures[i].perturb) {
	case FAULTS:
		host_faults = 1;
		break;
	case RUNNING:
		states[7] = GRANULE_REC | LOCKED; /* REC_ENTER holds it on another CPU */
		break;
	case REALM_IS_NEW:
		rd->state = REALM_NEW;
		break;
	case REALM_IS_OFF:
		rd->state = REALM_SYSTEM_OFF;
		break;
	case NOT_RUNNABLE:
		rec->runnable = 0;
		break;
	case PSCI_PENDING:
		rec->request = REQ_PSCI;
		break;
	case BAD_HCR:
		host_run[ENTER_GIC / 8] = 1ULL << 31; /* a control the host may not set */
		break;
	case LR_NOT_THERE:
		host_run[ENTER_GIC / 8 + 2] = GOOD_LR + 1; /* a second list register */
		break;
	case LR_INVALID:
		host_run[ENTER_GIC / 8 + 1] = GOOD_LR | (1ULL << 61); /* HW: not the host's */
		break;
	case NONE:
		break;
	}
	snapshot();
	uint64_t r = call(rmi_rec_enter, failures[i].rec, failures[i].run, 0, 0);
	//@ assert failure_as_specified: r == failures[i].expect;
	int same = unchanged();
	//@ assert failure_changes_nothing: same == 1 && runs == 0;
}

static void every_check_passed_runs_it_once(void)
{
	/* Any entry flags the host may give a REC that made no MMIO exit, or an MMIO answer
	 * (or SEA) to one that did. */
	/* kind 0, 1: any flags (2, 3: known ones, to follow them into the run); 1, 3: the REC
	 * made an MMIO exit. */
	int kind = Frama_C_interval(0, 3), mmio;
	uint64_t flags;
	//@ split kind;
	mmio = kind & 1;
	flags = Frama_C_unsigned_long_long_interval(0, ~0ULL);
	if (kind == 2)
		flags = ENTER_TRAP_WFI | ENTER_RIPAS_REJECT | 1ULL << 40; /* and a reserved one */
	if (kind == 3)
		flags = ENTER_EMUL_MMIO | ENTER_TRAP_WFE;
	if (kind == 0)
		flags &= ~(ENTER_EMUL_MMIO | ENTER_INJECT_SEA);
	one_rec(flags, mmio ? REQ_MMIO : REQ_NONE);
	run_result = Frama_C_interval(0, 1) ? RMI_SUCCESS : RMI_ERROR_INPUT;
	snapshot();
	uint64_t r = call(rmi_rec_enter, REC, RUN, 0, 0);
	//@ assert runs_once: runs == 1;
	//@ assert runs_the_rec_locked: run_rec == REC && run_rd == RD && run_rec_state == (GRANULE_REC | LOCKED);
	//@ assert runs_with_the_hosts_entry: run_page == RUN + NS_ALIAS && (kind < 2 || run_flags == flags) && run_x0 == 0x1234 && run_x30 == 0x3030 && run_hcr == 2 && run_lr0 == GOOD_LR;
	//@ assert returns_the_run: r == run_result;
	int same = unchanged();
	//@ assert run_unlocks_and_changes_nothing_else: same == 1;
}

int main(void)
{
	each_failure_changes_nothing_and_runs_nothing();
	every_check_passed_runs_it_once();
	return 0;
}
