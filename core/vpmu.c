/* The virtual PMU: the guest programs the real PMU directly; Triad only moves its state
 * in and out of the CPU and keeps EL2 from counting. */
#include <arch/sysreg.h>
#include <string.h>
#include <triad/util.h>
#include <triad/vpmu.h>

/* ID_AA64DFR0_EL1.PMUVer values */
#define PMUVER_V3P1   4
#define PMUVER_V3P5   6
#define PMUVER_IMPDEF 0xf

/* PMCR_EL0 */
#define PMCR_N(pmcr) FIELD_GET(pmcr, 15, 11)
#define PMCR_SAVED   0xf9UL /* E, D, X, DP, LC, LP: the bits that hold state */
#define PMCR_LC	     (1UL << 6)

/* MDCR_EL2 */
#define MDCR_HPMN(n) ((uint64_t)(n))
#define MDCR_HPMD    (1UL << 17) /* PMUv3p1: event counters do not count at EL2 */
#define MDCR_HCCD    (1UL << 23) /* PMUv3p5: nor does the cycle counter */

#define CYCLE_COUNTER_BIT (1UL << 31)

static unsigned host_version; /* PMUVer, 0 when the PMU is not usable for guests */
static unsigned nr_counters;  /* event counters, PMCR_EL0.N */
static uint64_t counter_mask; /* bits of PMCNTEN/PMINTEN/PMOVS that exist */

// clang-format off
#define EVENT_COUNTERS(X)                                                                          \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)     \
	X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30)
// clang-format on

/* Event counter n and its event type register. */
#define SAVE_COUNTER(n)                                                                            \
	case n:                                                                                    \
		s->evcntr[n] = read_sysreg(pmevcntr##n##_el0);                                     \
		s->evtyper[n] = read_sysreg(pmevtyper##n##_el0);                                   \
		break;
#define RESTORE_COUNTER(n)                                                                         \
	case n:                                                                                    \
		write_sysreg(pmevcntr##n##_el0, s->evcntr[n]);                                     \
		write_sysreg(pmevtyper##n##_el0, s->evtyper[n]);                                   \
		break;

static void save_event_counters(struct vpmu_state *s)
{
	FOR_EACH_NUMBERED(nr_counters, EVENT_COUNTERS, SAVE_COUNTER);
}

static void restore_event_counters(const struct vpmu_state *s)
{
	FOR_EACH_NUMBERED(nr_counters, EVENT_COUNTERS, RESTORE_COUNTER);
}

void vpmu_global_init(uint32_t overflow_intid)
{
	unsigned ver = FIELD_GET(read_sysreg(id_aa64dfr0_el1), 11, 8);
	/* Without an overflow interrupt to pass on, or with a pre-v8.1 PMU that would count
	 * hypervisor time into the guest's counters, guests get no PMU. */
	if (!overflow_intid || ver == PMUVER_IMPDEF || ver < PMUVER_V3P1)
		return;
	host_version = ver;
	nr_counters = PMCR_N(read_sysreg(pmcr_el0));
	if (nr_counters > VPMU_MAX_COUNTERS)
		nr_counters = VPMU_MAX_COUNTERS;
	counter_mask = CYCLE_COUNTER_BIT | ((1UL << nr_counters) - 1);
}

bool vpmu_available(void)
{
	return host_version != 0;
}

unsigned vpmu_guest_version(void)
{
	/* Capped at v3p5: later versions add registers this file does not switch. */
	return host_version > PMUVER_V3P5 ? PMUVER_V3P5 : host_version;
}

uint64_t vpmu_mdcr_el2(void)
{
	uint64_t pmcr_n = PMCR_N(read_sysreg(pmcr_el0));
	if (!vpmu_available())
		return MDCR_TPM | MDCR_TPMCR | MDCR_HPMN(pmcr_n);
	uint64_t mdcr = MDCR_HPMN(nr_counters) | MDCR_HPMD;
	if (host_version >= PMUVER_V3P5)
		mdcr |= MDCR_HCCD;
	return mdcr;
}

void vpmu_reset(struct vpmu_state *s)
{
	memset(s, 0, sizeof(*s));
	s->pmcr = PMCR_LC; /* 64-bit cycle counter overflow, as Linux programs it anyway */
}

void vpmu_save(struct vpmu_state *s)
{
	if (!vpmu_available())
		return;
	s->pmcr = read_sysreg(pmcr_el0) & PMCR_SAVED;
	s->cntenset = read_sysreg(pmcntenset_el0);
	s->intenset = read_sysreg(pmintenset_el1);
	s->ovsset = read_sysreg(pmovsset_el0);
	s->userenr = read_sysreg(pmuserenr_el0);
	s->selr = read_sysreg(pmselr_el0);
	s->ccfiltr = read_sysreg(pmccfiltr_el0);
	s->ccntr = read_sysreg(pmccntr_el0);
	save_event_counters(s);
	/* Quiet until the next vCPU restores its own: an overflow interrupt left enabled
	 * would fire on a CPU that may have no vCPU to give it to. */
	write_sysreg(pmintenclr_el1, counter_mask);
	write_sysreg(pmcntenclr_el0, counter_mask);
	isb();
}

void vpmu_restore(const struct vpmu_state *s)
{
	if (!vpmu_available())
		return;
	write_sysreg(pmcr_el0, s->pmcr & PMCR_SAVED); /* never P or C: they zero counters */
	write_sysreg(pmselr_el0, s->selr);
	write_sysreg(pmuserenr_el0, s->userenr);
	write_sysreg(pmccfiltr_el0, s->ccfiltr);
	write_sysreg(pmccntr_el0, s->ccntr);
	restore_event_counters(s);
	write_sysreg(pmovsclr_el0, counter_mask & ~s->ovsset);
	write_sysreg(pmovsset_el0, counter_mask & s->ovsset);
	write_sysreg(pmintenclr_el1, counter_mask & ~s->intenset);
	write_sysreg(pmintenset_el1, counter_mask & s->intenset);
	write_sysreg(pmcntenclr_el0, counter_mask & ~s->cntenset);
	write_sysreg(pmcntenset_el0, counter_mask & s->cntenset);
	isb();
}
