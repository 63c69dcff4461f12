/*
 * A realm's breakpoints and watchpoints (RMM 1.0: RmiRealmParams.num_bps/num_wps, which
 * ID_AA64DFR0_EL1 then shows the realm). The host's debug registers are live in the CPU
 * when a REC is entered, so the REC starts with its debug registers trapped
 * (MDCR_EL2.TDA). Its first access to one, or an MDSCR_EL1 write enabling debug
 * exceptions, makes the REC's debug state live: from then on, at each REC_ENTER the
 * host's breakpoints and watchpoints are put aside and the REC's loaded, and back at its
 * exit. A realm that never uses them costs no more than the trap it never takes.
 */
#include "realm.h"
#include "rec.h"

#define DBG_REGS_MAX 16
/* MDSCR_EL1 in a trapped access's ISS: op0 2, op2 2, op1 0, CRn 0, CRm 2 */
#define ISS_MDSCR ((2ULL << 20) | (2ULL << 17) | (2ULL << 1))

// clang-format off
#define DBG_INDEXES(X)                                                                             \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
// clang-format on

/* The system registers are named in the instruction: one case per index. */
static void save_pair(unsigned n, uint64_t *bvr, uint64_t *bcr, uint64_t *wvr, uint64_t *wcr)
{
	switch (n) {
#define SAVE(i)                                                                                    \
	case i:                                                                                    \
		if (bvr) {                                                                         \
			*bvr = read_sysreg(dbgbvr##i##_el1);                                       \
			*bcr = read_sysreg(dbgbcr##i##_el1);                                       \
		}                                                                                  \
		if (wvr) {                                                                         \
			*wvr = read_sysreg(dbgwvr##i##_el1);                                       \
			*wcr = read_sysreg(dbgwcr##i##_el1);                                       \
		}                                                                                  \
		break;
		DBG_INDEXES(SAVE)
#undef SAVE
	}
}

static void load_bp(unsigned n, uint64_t bvr, uint64_t bcr)
{
	switch (n) {
#define LOAD(i)                                                                                    \
	case i:                                                                                    \
		write_sysreg(dbgbcr##i##_el1, bcr);                                                \
		write_sysreg(dbgbvr##i##_el1, bvr);                                                \
		break;
		DBG_INDEXES(LOAD)
#undef LOAD
	}
}

static void load_wp(unsigned n, uint64_t wvr, uint64_t wcr)
{
	switch (n) {
#define LOAD(i)                                                                                    \
	case i:                                                                                    \
		write_sysreg(dbgwcr##i##_el1, wcr);                                                \
		write_sysreg(dbgwvr##i##_el1, wvr);                                                \
		break;
		DBG_INDEXES(LOAD)
#undef LOAD
	}
}

/* The CPU's breakpoints and watchpoints (the first 16 of each: what RMI_FEATURES offers). */
static void cpu_counts(unsigned *bps, unsigned *wps)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	*bps = (unsigned)((dfr0 >> 12) & 0xf) + 1;
	*wps = (unsigned)((dfr0 >> 20) & 0xf) + 1;
}

void dbg_save(struct dbg_state *d, unsigned bps, unsigned wps)
{
	for (unsigned i = 0; i < bps || i < wps; i++)
		save_pair(i, i < bps ? &d->bvr[i] : 0, &d->bcr[i], i < wps ? &d->wvr[i] : 0,
			  &d->wcr[i]);
}

/* Loads d's first bps/wps registers and disables (zeroes) the rest of the CPU's. */
void dbg_load(const struct dbg_state *d, unsigned bps, unsigned wps)
{
	unsigned cpu_bps, cpu_wps;
	cpu_counts(&cpu_bps, &cpu_wps);
	for (unsigned i = 0; i < cpu_bps; i++)
		load_bp(i, i < bps ? d->bvr[i] : 0, i < bps ? d->bcr[i] : 0);
	for (unsigned i = 0; i < cpu_wps; i++)
		load_wp(i, i < wps ? d->wvr[i] : 0, i < wps ? d->wcr[i] : 0);
	isb();
}

/* MDCR_EL2 while a realm runs: its PMU accesses trap (TPM, TPMCR) and are made UNDEFINED,
 * since this RMM gives no realm a PMU (FEATURES does not offer it): the counters are the
 * host's, and a realm must neither read them nor change them. */
static uint64_t realm_mdcr(const struct rmm_cpu *cpu)
{
	return (cpu->rmm_mdcr & ~MDCR_TDE) | MDCR_TPM | MDCR_TPMCR;
}

static void rec_debug_load(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu)
{
	unsigned cpu_bps, cpu_wps;
	cpu_counts(&cpu_bps, &cpu_wps);
	dbg_save(&cpu->host_dbg, cpu_bps, cpu_wps);
	dbg_load(&rec->dbg, rd->num_bps + 1U, rd->num_wps + 1U);
	rec->dbg_loaded = true;
}

void rec_debug_in(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu)
{
	cpu->rmm_mdcr = read_sysreg(mdcr_el2);
	uint64_t mdcr = realm_mdcr(cpu);
	rec->dbg_loaded = false;
	if (rec->dbg_live)
		rec_debug_load(rec, rd, cpu);
	else
		mdcr |= MDCR_TDA;
	write_sysreg(mdcr_el2, mdcr);
}

void rec_debug_out(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu)
{
	if (rec->dbg_loaded) {
		unsigned cpu_bps, cpu_wps;
		cpu_counts(&cpu_bps, &cpu_wps);
		dbg_save(&rec->dbg, rd->num_bps + 1U, rd->num_wps + 1U);
		dbg_load(&cpu->host_dbg, cpu_bps, cpu_wps);
		rec->dbg_loaded = false;
	}
	write_sysreg(mdcr_el2, cpu->rmm_mdcr);
}

bool rec_debug_trap(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu)
{
	uint64_t esr = rec->esr;
	if (ISS_OP0(esr) != 2)
		return false;
	if (rec->dbg_loaded)
		return false; /* not one TDA traps: the caller makes it UNDEFINED */
	unsigned rt = ISS_RT(esr);
	if ((esr & ISS_SYSREG_MASK) == ISS_MDSCR) {
		/* MDSCR_EL1 is the REC's already (rec_el1.c): only enabling breakpoints or
		 * watchpoints needs its debug registers in. */
		if (esr & ISS_SYSREG_READ) {
			if (rt != 31)
				rec->gprs[rt] = read_sysreg(mdscr_el1);
			rec->pc += 4;
			return true;
		}
		uint64_t v = rt == 31 ? 0 : rec->gprs[rt];
		if (!(v & (MDSCR_MDE | MDSCR_KDE))) {
			write_sysreg(mdscr_el1, v);
			rec->pc += 4;
			return true;
		}
	}
	/* Its debug registers in, and the access made again, untrapped. */
	rec->dbg_live = true;
	rec_debug_load(rec, rd, cpu);
	write_sysreg(mdcr_el2, realm_mdcr(cpu) & ~MDCR_TDA);
	isb();
	return true;
}
