/* Self-hosted debug for guests: a vCPU's breakpoints, watchpoints, claim tags and OS lock
 * are its own. Like KVM, Triad moves the registers lazily: they stay trapped until the
 * vCPU touches one after being loaded, and only then are they switched for it. */
#include <arch/id_regs.h>
#include <arch/sysreg.h>
#include <string.h>
#include <triad/util.h>
#include <triad/vcpu.h>
#include <triad/vdebug.h>
#include <triad/vm.h>
#include <triad/vm_kind.h>
#include <triad/vpmu.h>

/* MDCR_EL2 */
#define MDCR_TDOSA (1UL << 10) /* OSLAR, OSLSR, OSDLR, DBGPRCR */
#define MDCR_TDRA  (1UL << 11) /* MDRAR_EL1 */
#define MDCR_TPMS  (1UL << 14) /* FEAT_SPE: the profiling controls (PMS*) */
#define MDCR_TTRF  (1UL << 19) /* FEAT_TRF: TRFCR_EL1 */
#define MDCR_TDCC  (1UL << 27) /* FEAT_FGT: the debug communications channel */

/* MDSCR_EL1: a vCPU with any of these set is debugging. */
#define MDSCR_SS (1UL << 0)

#define MDRAR	   SYSREG(2, 0, 1, 0, 0)
#define OSLAR	   SYSREG(2, 0, 1, 0, 4)
#define OSLSR	   SYSREG(2, 0, 1, 1, 4)
#define OSDLR	   SYSREG(2, 0, 1, 3, 4)
#define DBGPRCR	   SYSREG(2, 0, 1, 4, 4)
#define OSDTRRX	   SYSREG(2, 0, 0, 0, 2)
#define MDCCINT	   SYSREG(2, 0, 0, 2, 0)
#define OSDTRTX	   SYSREG(2, 0, 0, 3, 2)
#define MDCCSR	   SYSREG(2, 3, 0, 1, 0)
#define DBGDTR	   SYSREG(2, 3, 0, 4, 0)
#define DBGDTRRX   SYSREG(2, 3, 0, 5, 0) /* DBGDTRTX_EL0 when written */
#define OSLSR_OSLK (1UL << 1)
#define CLAIM_ALL  0xffUL

static unsigned nr_brps, nr_wrps;
static bool double_lock;    /* FEAT_DoubleLock: OSDLR_EL1.DLK exists */
static uint64_t guest_mdcr; /* MDCR_EL2 while a guest runs with its debug state trapped */

// clang-format off
#define DEBUG_SLOTS(X)                                                                             \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
// clang-format on

/* The breakpoint (4, 5) and watchpoint (6, 7) value and control registers of slot n. */
#define SAVE_BP(n)                                                                                 \
	case n:                                                                                    \
		s->bvr[n] = read_sysreg(S2_0_C0_C##n##_4);                                         \
		s->bcr[n] = read_sysreg(S2_0_C0_C##n##_5);                                         \
		break;
#define SAVE_WP(n)                                                                                 \
	case n:                                                                                    \
		s->wvr[n] = read_sysreg(S2_0_C0_C##n##_6);                                         \
		s->wcr[n] = read_sysreg(S2_0_C0_C##n##_7);                                         \
		break;
#define RESTORE_BP(n)                                                                              \
	case n:                                                                                    \
		write_sysreg(S2_0_C0_C##n##_4, s->bvr[n]);                                         \
		write_sysreg(S2_0_C0_C##n##_5, s->bcr[n]);                                         \
		break;
#define RESTORE_WP(n)                                                                              \
	case n:                                                                                    \
		write_sysreg(S2_0_C0_C##n##_6, s->wvr[n]);                                         \
		write_sysreg(S2_0_C0_C##n##_7, s->wcr[n]);                                         \
		break;

static void save_slots(struct vdebug_state *s)
{
	FOR_EACH_NUMBERED(nr_brps, DEBUG_SLOTS, SAVE_BP);
	FOR_EACH_NUMBERED(nr_wrps, DEBUG_SLOTS, SAVE_WP);
}

static void restore_slots(const struct vdebug_state *s)
{
	FOR_EACH_NUMBERED(nr_brps, DEBUG_SLOTS, RESTORE_BP);
	FOR_EACH_NUMBERED(nr_wrps, DEBUG_SLOTS, RESTORE_WP);
}

void vdebug_global_init(void)
{
	uint64_t dfr0 = read_sysreg(id_aa64dfr0_el1);
	nr_brps = MIN((unsigned)FIELD_GET(dfr0, 15, 12) + 1, VDEBUG_MAX_SLOTS);
	nr_wrps = MIN((unsigned)FIELD_GET(dfr0, 23, 20) + 1, VDEBUG_MAX_SLOTS);
	double_lock = FIELD_GET(dfr0, 39, 36) == 0;
	bool fgt = FIELD_GET(read_sysreg(id_aa64mmfr0_el1), 59, 56) != 0;
	guest_mdcr = vpmu_mdcr_el2() | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA | (fgt ? MDCR_TDCC : 0);
	/* Profiling and trace filtering are hidden from guests (ID_AA64DFR0_EL1), and their
	 * registers are not switched: trapped (UNDEF). E2PB and E2TB at 0 already trap the
	 * profiling and trace buffers. */
	if (FIELD_GET(dfr0, 35, 32))
		guest_mdcr |= MDCR_TPMS;
	if (FIELD_GET(dfr0, 43, 40))
		guest_mdcr |= MDCR_TTRF;
}

void vdebug_reset(struct vdebug_state *s)
{
	memset(s, 0, sizeof(*s));
	s->oslk = 1; /* OSLSR_EL1.OSLK is 1 after a cold reset */
}

/* The vCPU's registers into the CPU, and its own debug register accesses no longer trap. */
static void take_cpu(struct vcpu *v)
{
	struct vdebug_state *s = &v->dbg;
	restore_slots(s);
	write_sysreg(S2_0_C7_C9_6, CLAIM_ALL); /* DBGCLAIMCLR_EL1 */
	write_sysreg(S2_0_C7_C8_6, s->claim);  /* DBGCLAIMSET_EL1 */
	write_sysreg(S2_0_C0_C6_2, s->oseccr); /* OSECCR_EL1 */
	write_sysreg(S2_0_C1_C0_4, s->oslk);   /* OSLAR_EL1: the lock gates debug exceptions */
	if (double_lock)
		write_sysreg(S2_0_C1_C3_4, s->osdlr);
	write_sysreg(mdcr_el2, (guest_mdcr | v->vm->mdcr_extra) & ~MDCR_TDA);
	isb();
	s->in_cpu = true;
}

void vdebug_load(struct vcpu *v)
{
	write_sysreg(mdcr_el2, guest_mdcr | v->vm->mdcr_extra); /* a strict VM's PMU trapped */
	/* A realm's debug registers are the realm world's business (the RMM's). */
	if (v->vm->kind->el1_in_cpu && (v->sys.mdscr & (MDSCR_SS | MDSCR_KDE | MDSCR_MDE)))
		take_cpu(v);
}

void vdebug_put(struct vcpu *v)
{
	struct vdebug_state *s = &v->dbg;
	if (!s->in_cpu)
		return;
	/* What stays behind is harmless: the next vCPU's MDSCR_EL1 (switched with the EL1
	 * registers) has MDE, KDE and SS clear unless its own debug state was loaded. */
	save_slots(s);
	s->claim = read_sysreg(S2_0_C7_C9_6) & CLAIM_ALL;
	s->oseccr = read_sysreg(S2_0_C0_C6_2);
	s->in_cpu = false;
}

void vdebug_reset_loaded(struct vcpu *v)
{
	vdebug_reset(&v->dbg);
	/* trapped again: the CPU holds the old state */
	write_sysreg(mdcr_el2, guest_mdcr | v->vm->mdcr_extra);
	isb();
}

static bool is_dcc(unsigned reg)
{
	return reg == OSDTRRX || reg == MDCCINT || reg == OSDTRTX || reg == MDCCSR ||
	       reg == DBGDTR || reg == DBGDTRRX;
}

/* The OS lock registers (always trapped): the guest's values, mirrored into the CPU while
 * its debug state is there. */
static bool os_access(struct vcpu *v, unsigned reg, bool read, uint64_t *val)
{
	struct vdebug_state *s = &v->dbg;
	switch (reg) {
	case OSLAR:
		if (read)
			return false;
		s->oslk = *val & 1;
		if (s->in_cpu) {
			write_sysreg(S2_0_C1_C0_4, s->oslk);
			isb();
		}
		return true;
	case OSLSR:
		if (!read)
			return false;
		*val = (read_sysreg(S2_0_C1_C1_4) & ~OSLSR_OSLK) | (s->oslk ? OSLSR_OSLK : 0);
		return true;
	case OSDLR:
		if (read) {
			*val = s->osdlr;
		} else if (double_lock) {
			s->osdlr = *val & 1;
			if (s->in_cpu)
				write_sysreg(S2_0_C1_C3_4, s->osdlr);
		}
		return true;
	case DBGPRCR:
		/* CORENPDRQ asks that the core's power stay on across a power-down request;
		 * a vCPU never powers a physical core down: the guest's bit is only stored. */
		if (read)
			*val = s->dbgprcr;
		else
			s->dbgprcr = *val & 1;
		return true;
	}
	return false;
}

enum vdebug_result vdebug_access(struct vcpu *v, unsigned reg, bool read, uint64_t *val)
{
	if (!v->vm->kind->el1_in_cpu)
		return VDEBUG_UNDEF;
	if (os_access(v, reg, read, val))
		return VDEBUG_DONE;
	if (reg == MDRAR || is_dcc(reg)) {
		/* No memory-mapped debug ROM, no external debugger channel: RAZ/WI. */
		if (read)
			*val = 0;
		return VDEBUG_DONE;
	}
	/* Breakpoints, watchpoints, MDSCR_EL1, claim tags, OSECCR_EL1, DBGAUTHSTATUS_EL1:
	 * trapped only until the vCPU's own registers are in the CPU. */
	if (FIELD_GET(reg, 13, 11) == 0 && !v->dbg.in_cpu) {
		take_cpu(v);
		return VDEBUG_RETRY;
	}
	return VDEBUG_UNDEF;
}
