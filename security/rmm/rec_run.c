/*
 * RMI_REC_ENTER (RMM 1.0, B4.3.19): the host runs a REC until it exits. The host's EL1
 * state (the monitor moves only EL2 state to and from the realm world) is put aside, the
 * REC's EL1 state, GIC interface and the realm's stage 2 go in, and the realm runs at EL1
 * until something needs the host: an emulatable access to unprotected memory, a fault it
 * can fix by giving memory, WFI/WFE, PSCI, a RIPAS change, a host call, an interrupt. RSI
 * and the PSCI calls that need no host are answered here without an exit. The exit is
 * described to the host in RmiRecExit; its results come back in RmiRecEnter next time.
 */
#include <arch/el1_regs.h>
#include <arch/mpidr.h>
#include <arch/id_regs.h>
#include <triad/psci_abi.h>

#include "realm.h"
#include "rec.h"
#include "rec_run.h"
#include "rec_syndrome.h"

/* RmiRecRun (B4.4.7): RmiRecExit at 0x800 */
#define EXIT_REASON 0x800
#define EXIT_ESR    0x900 /* esr, far, hpfar */
#define EXIT_GPRS   0xa00
#define EXIT_GIC    0xb00 /* gicv3_hcr, gicv3_lrs[16], gicv3_misr, gicv3_vmcr */
#define EXIT_TIMERS 0xc00 /* cntp_ctl, cntp_cval, cntv_ctl, cntv_cval */
#define EXIT_RIPAS  0xd00 /* ripas_base, ripas_top, ripas_value */
#define EXIT_IMM    0xe00

#define RSI_ACCEPT	   0
#define RSI_REJECT	   1
#define RMI_EXIT_SYNC	   0
#define RMI_EXIT_IRQ	   1
#define RMI_EXIT_FIQ	   2
#define RMI_EXIT_PSCI	   3
#define RMI_EXIT_RIPAS	   4
#define RMI_EXIT_HOST_CALL 5
#define RMI_EXIT_SERROR	   6
#define PPI_EL1_VIRT_TIMER 27 /* the timers' interrupts on Arm's server platforms */
#define PPI_EL1_PHYS_TIMER 30
#define CNTHCTL_CNTVMASK   (1ULL << 18)
#define CNTHCTL_CNTPMASK   (1ULL << 19)
#define HOST_CALL_GPRS	   31
#define HOST_CALL_ALIGN	   0x100

/* GIC CPU interface writes the host carries out: op0 3, op1 0, CRn 12, CRm 11, and op2 5
 * (ICC_SGI1R_EL1), 6 (ICC_ASGI1R_EL1), 7 (ICC_SGI0R_EL1) or 1 (ICC_DIR_EL1, trapped only if
 * the host set ICH_HCR_EL2.TDIR). */
#define ISS_ICC_CRM11	  ((3ULL << 20) | (12ULL << 10) | (11ULL << 1))
#define ICC_FORWARDED_OP2 0xe2U /* op2 1, 5, 6, 7 */

/* The realm's EL2 controls: stage 2 on; IRQ/FIQ/SError to Realm EL2; SMC (RSI, PSCI)
 * and ID register reads (to hide SVE, SME, the PMU... it does not get) trapped; AArch64 EL1.
 * WFI/WFE are trapped when the host asks (TWI, TWE). */
#define HCR_REALM (HCR_VM | HCR_FMO | HCR_IMO | HCR_AMO | HCR_TSC | HCR_TID3 | HCR_RW)
#define HCR_RMM	  HCR_RW

static bool has_hcx;	    /* FEAT_HCX: HCRX_EL2 exists */
static uint64_t hcrx_realm; /* HCRX_EL2 while a realm runs: MOPS allowed if the CPU has it */

/* What goes out in RmiRecExit. */
struct rec_exit {
	uint64_t reason;
	uint64_t esr, far, hpfar;
	uint64_t gprs[31];
	uint64_t gic_hcr, gic_lrs[GIC_MAX_LRS], gic_misr, gic_vmcr;
	uint64_t cntp_ctl, cntp_cval, cntv_ctl, cntv_cval;
	uint64_t ripas_base, ripas_top, ripas_value;
	uint64_t imm;
};

/* VTCR_EL2 for the realm's IPA size and starting level (4 KiB granule, 40-bit PA,
 * write-back inner shareable walks). */
static uint64_t vtcr_of(const struct rd *rd)
{
	uint64_t sl0 = (uint64_t)(2 - rd->rtt_level_start); /* level 2: 0, 1: 1, 0: 2 */
	return (64 - rd->s2sz) | (sl0 << 6) | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
	       (2ULL << 16) | (1ULL << 31);
}

/* The REC's state into the CPU for the whole of a REC_ENTER (the host's put aside): the
 * calls answered inside (RSI, PSCI) then cost only an exception and a return. */
static void rec_state_in(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu, uint64_t hcr,
			 uint64_t cnthctl)
{
	el1_save(&cpu->host_el1);
	fp_save(&cpu->host_fp);
	sve_host_save(cpu); /* before the REC's V registers zero the rest of Z */
	el1_restore(&rec->el1);
	fp_restore(&rec->fp);
	rec_sve_in(rec, rd);
	rec_debug_in(rec, rd, cpu);
	write_sysreg(vttbr_el2, rd->rtt_base | (rd->vmid << 48));
	write_sysreg(vtcr_el2, vtcr_of(rd));
	write_sysreg(vmpidr_el2, rec->mpidr);
	write_sysreg(cptr_el2, rec->sve_live ? CPTR_EL2_FP_ONLY & ~CPTR_TZ : CPTR_EL2_FP_ONLY);
	write_sysreg(cnthctl_el2, cnthctl);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(hcr_el2, hcr);
	if (has_hcx)
		write_sysreg(S3_4_C1_C2_2, hcrx_realm);
}

static void rec_state_out(struct rec *rec, const struct rd *rd, struct rmm_cpu *cpu)
{
	write_sysreg(hcr_el2, HCR_RMM);
	isb();
	rec_debug_out(rec, rd, cpu);
	rec_sve_out(rec, rd); /* before fp_save, which takes V0-V31 from its Z registers */
	el1_save(&rec->el1);
	fp_save(&rec->fp);
	el1_restore(&cpu->host_el1);
	fp_restore(&cpu->host_fp);
	sve_host_restore(cpu);
}

/* Runs the REC (its state in the CPU) until its next exception: why it stopped. */
static unsigned run_once(struct rec *rec)
{
	write_sysreg(elr_el2, rec->pc);
	write_sysreg(spsr_el2, rec->pstate);
	isb();
	unsigned why = (unsigned)rec_run_regs(rec->gprs);
	rec->pc = read_sysreg(elr_el2);
	rec->pstate = read_sysreg(spsr_el2);
	rec->esr = read_sysreg(esr_el2);
	rec->far = read_sysreg(far_el2);
	rec->hpfar = read_sysreg(hpfar_el2);
	return why;
}

/* A synchronous exception into the realm's EL1 (its state in the CPU), as the hardware
 * would take it: to VBAR_EL1 + 0x000 (from EL1 with SP_EL0), 0x200 (EL1 with SP_EL1) or
 * 0x400 (EL0). */
static void inject_sync(struct rec *rec, uint64_t esr, uint64_t far)
{
	uint64_t mode = rec->pstate & PSR_MODE_MASK;
	write_sysreg(esr_el1, esr);
	write_sysreg(far_el1, far);
	write_sysreg(elr_el1, rec->pc);
	write_sysreg(spsr_el1, rec->pstate);
	rec->pc = read_sysreg(vbar_el1) + (mode == PSR_MODE_EL0t   ? 0x400
					   : mode == PSR_MODE_EL1t ? 0x000
								   : 0x200);
	rec->pstate = SPSR_EL1H_MASKED;
}

/* A synchronous external abort for the access the REC just made (instruction or data). */
static void inject_sea(struct rec *rec, bool instruction)
{
	bool from_el0 = (rec->pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
	uint64_t ec = (instruction ? EC_IABT_LOW : EC_DABT_LOW) + (from_el0 ? 0 : 1);
	inject_sync(rec, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SEA, rec->far);
}

static void inject_undef(struct rec *rec)
{
	inject_sync(rec, (EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0);
}

static uint64_t fault_ipa(const struct rec *rec)
{
	return ((rec->hpfar >> 4) << 12) | (rec->far & 0xfff);
}

static bool is_protected(const struct rd *rd, uint64_t ipa)
{
	return ipa < (1ULL << (rd->s2sz - 1));
}

/* The RIPAS at a protected ipa, read with the RD locked. */
static uint64_t ripas_at(struct rd *rd, uint64_t ipa)
{
	granule_t *g = granule_lock((uint64_t)rd, GRANULE_RD);
	if (!g)
		return RIPAS_EMPTY;
	uint64_t size, pa, ripas = rtt_ripas(rd, ipa & ~(GRANULE_SIZE - 1), &size, &pa);
	granule_unlock(g, GRANULE_RD);
	return ripas;
}

/* Copies between the realm's RsiHostCall and a register array (to_realm: into the realm). */
static bool host_call_copy(struct rec *rec, struct rd *rd, uint64_t *regs, uint64_t *imm,
			   bool to_realm)
{
	uint64_t ipa = rec->host_call_ipa, pa;
	granule_t *g = realm_lock_ram_page(rd, ipa & ~(GRANULE_SIZE - 1), &pa);
	if (!g)
		return false;
	volatile uint64_t *s = (volatile uint64_t *)(pa + (ipa & (GRANULE_SIZE - 1)));
	if (!to_realm)
		*imm = s[0] & 0xffff;
	for (unsigned i = 0; i < HOST_CALL_GPRS; i++) {
		if (to_realm)
			s[1 + i] = regs[i];
		else
			regs[i] = s[1 + i];
	}
	granule_unlock(g, GRANULE_RD);
	return true;
}

/* The host's answer to the last exit, before the REC runs again. */
static void take_response(struct rec *rec, struct rd *rd, const struct rec_enter *in)
{
	switch (rec->request) {
	case REQ_MMIO:
		if (in->flags & ENTER_INJECT_SEA) {
			inject_sea(rec, false);
		} else if (in->flags & ENTER_EMUL_MMIO) {
			/* A read's value goes to its register; the realm goes on after it. */
			unsigned rt = (unsigned)ESR_SRT(rec->mmio_esr);
			if (!(rec->mmio_esr & ESR_WNR) && rt != 31)
				rec->gprs[rt] = mmio_read_value(rec->mmio_esr, in->gprs[0]);
			rec->pc += 4;
		} /* else the realm makes the access again */
		break;
	case REQ_RIPAS: {
		/* RMM 1.0: the host may refuse a change to RAM (unless it was all done); a change
		 * to EMPTY is the realm's to make, accepted however far it went. */
		bool reject = (in->flags & ENTER_RIPAS_REJECT) && rec->ripas_value != RIPAS_EMPTY &&
			      rec->ripas_addr != rec->ripas_top;
		rec->gprs[0] = RSI_SUCCESS;
		rec->gprs[1] = rec->ripas_addr;
		rec->gprs[2] = reject ? RSI_REJECT : RSI_ACCEPT;
		break;
	}
	case REQ_HOST_CALL: {
		uint64_t regs[HOST_CALL_GPRS], imm;
		for (unsigned i = 0; i < HOST_CALL_GPRS; i++)
			regs[i] = in->gprs[i];
		host_call_copy(rec, rd, regs, &imm, true); /* its page gone: nothing to write */
		rec->gprs[0] = RSI_SUCCESS;
		break;
	}
	case REQ_NONE:
	case REQ_PSCI:
		break;
	}
	rec->request = REQ_NONE;
}

/* The REC's state after its exit, in RmiRecExit: only what the host needs. */
static void describe_exit(const struct rec *rec, uint64_t reason, struct rec_exit *out,
			  unsigned nr_lrs)
{
	out->reason = reason;
	if (reason == RMI_EXIT_SYNC) {
		out->esr = rec->esr;
		out->far = rec->far & 0xfff;
		out->hpfar = rec->hpfar;
	} else if (reason == RMI_EXIT_SERROR) {
		out->esr = esr_for_serror(rec->esr);
	}
	out->gic_hcr = rec->gic.hcr;
	for (unsigned i = 0; i < nr_lrs; i++)
		out->gic_lrs[i] = rec->gic.lr[i];
	out->gic_misr = rec->gic.misr;
	out->gic_vmcr = rec->gic.vmcr;
	out->cntp_ctl = rec->el1.cntp_ctl;
	out->cntp_cval = rec->el1.cntp_cval;
	out->cntv_ctl = rec->el1.cntv_ctl;
	out->cntv_cval = rec->el1.cntv_cval;
}

/* A synchronous exception from the realm: answered here (true: run it again) or an exit
 * whose reason and details go into out. */
static bool handle_sync(struct rec *rec, struct rd *rd, struct rec_exit *out, struct rmm_cpu *cpu)
{
	uint64_t ec = ESR_EC(rec->esr);
	out->reason = RMI_EXIT_SYNC;
	switch (ec) {
	case EC_SMC64: {
		uint64_t call[2] = {rec->gprs[0], rec->gprs[1]};
		if (rsi_handle(rec, rd)) {
			if (rec->rsi_fault) {
				/* As a data abort (translation fault) at the RAM it named. */
				rec->rsi_fault = false;
				rec->esr = ((uint64_t)EC_DABT_LOW << ESR_EC_SHIFT) |
					   (0x4ULL + rec->rsi_fault_level);
				rec->hpfar = (rec->rsi_fault_ipa >> 12) << 4;
				rec->far = 0;
				return false;
			}
			if (rec->request == REQ_RIPAS) {
				out->reason = RMI_EXIT_RIPAS;
				out->ripas_base = rec->ripas_base;
				out->ripas_top = rec->ripas_top;
				out->ripas_value = rec->ripas_value;
				return false;
			}
			if (rec->request == REQ_HOST_CALL) {
				out->reason = RMI_EXIT_HOST_CALL;
				if (host_call_copy(rec, rd, out->gprs, &out->imm, false))
					return false;
				rec->request = REQ_NONE; /* its page went away: nothing to do */
			}
			return true;
		}
		uint32_t owner = (uint32_t)rec->gprs[0] >> 24; /* PSCI: standard service, fast */
		if (owner == 0x84 || owner == 0xc4) {
			if (rec_psci(rec, rd) == PSCI_DONE)
				return true;
			out->reason = RMI_EXIT_PSCI;
			out->gprs[0] = call[0];
			if (psci_exit_args((uint32_t)call[0]) == 2)
				out->gprs[1] = call[1];
			return false;
		}
		/* SMCCC 1.1's own calls: the realm learns the conduit works (Linux probes RSI
		 * only then); everything else is NOT_SUPPORTED. */
		uint32_t fid = (uint32_t)rec->gprs[0];
		if (fid == SMCCC_VERSION)
			rec->gprs[0] = SMCCC_1_1;
		else if (fid == SMCCC_ARCH_FEATURES)
			rec->gprs[0] = (uint32_t)rec->gprs[1] == SMCCC_VERSION ||
					       (uint32_t)rec->gprs[1] == SMCCC_ARCH_FEATURES
					   ? 0
					   : SMC_NOT_SUPPORTED;
		else
			rec->gprs[0] = SMC_NOT_SUPPORTED;
		rec->pc += 4;
		return true;
	}
	case EC_DABT_LOW:
	case EC_IABT_LOW: {
		uint64_t ipa = fault_ipa(rec);
		if (ec == EC_DABT_LOW && !is_protected(rd, ipa) && (rec->esr & ESR_ISV)) {
			/* An access the host may emulate: it sees the value written, never
			 * which register the realm used. */
			unsigned rt = (unsigned)ESR_SRT(rec->esr);
			rec->request = REQ_MMIO;
			rec->mmio_esr = rec->esr;
			if ((rec->esr & ESR_WNR) && rt != 31)
				out->gprs[0] = mmio_write_value(rec->esr, rec->gprs[rt]);
			rec->esr = esr_for_emulatable_abort(rec->esr);
			return false;
		}
		if (ipa >> rd->s2sz ||
		    (is_protected(rd, ipa) && ripas_at(rd, ipa) == RIPAS_EMPTY) ||
		    (ec == EC_IABT_LOW && !is_protected(rd, ipa))) {
			/* Not its memory (or code from the host's): nothing to give. */
			inject_sea(rec, ec == EC_IABT_LOW);
			return true;
		}
		/* RAM with no memory behind it yet, or unprotected memory the host has not
		 * mapped: the host may fix it. Which register, how wide, read or write and the
		 * far's page are the realm's. */
		rec->esr = esr_for_abort(rec->esr);
		rec->far = 0;
		return false;
	}
	case EC_SYSREG: {
		unsigned rt = (rec->esr >> 5) & 0x1f;
		unsigned op0 = (rec->esr >> 20) & 3, op2 = (rec->esr >> 17) & 7;
		unsigned op1 = (rec->esr >> 14) & 7, crn = (rec->esr >> 10) & 0xf;
		unsigned crm = (rec->esr >> 1) & 0xf;
		if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7 &&
		    (rec->esr & ISS_SYSREG_READ)) {
			unsigned reg = SYSREG(op0, op1, crn, crm, op2);
			uint64_t v = id_reg_for_guest(reg, 0);
			if (reg == ID_AA64DFR0)
				v = realm_id_aa64dfr0(v, rd->num_bps, rd->num_wps);
			else if (reg == SYSREG(3, 0, 0, 5, 1)) /* ID_AA64DFR1_EL1 */
				v = 0; /* no FEAT_Debugv8p9 counts, PMU or other debug extras */
			else
				v = realm_id_reg_sve(reg, v, id_reg_read(reg), rd->sve);
			if (rt != 31)
				rec->gprs[rt] = v;
			rec->pc += 4;
			return true;
		}
		if (rec_debug_trap(rec, rd, cpu))
			return true;
		/* The GIC's SGI and DIR writes: the host carries them out, seeing the value but
		 * not the register. */
		if ((rec->esr & ISS_SYSREG_MASK & ~(7ULL << 17)) == ISS_ICC_CRM11 &&
		    ((ICC_FORWARDED_OP2 >> ISS_OP2(rec->esr)) & 1) &&
		    !(rec->esr & ISS_SYSREG_READ)) {
			out->gprs[0] = rt == 31 ? 0 : rec->gprs[rt];
			rec->esr = esr_for_sysreg(rec->esr);
			rec->pc += 4;
			return false;
		}
		inject_undef(rec);
		return true;
	}
	case EC_SVE: /* an SVE realm's first SVE instruction (or ZCR_EL1 access) of this turn */
		if (!rec_sve_trap(rec, rd))
			inject_undef(rec);
		return true;
	case EC_WFX:
		rec->pc += 4; /* the host decides when the REC runs again */
		rec->esr = esr_for_wfx(rec->esr);
		return false;
	default:
		/* HVC and anything else a realm has no business trapping. */
		inject_undef(rec);
		return true;
	}
}

/* An EL1 timer's output, from its saved control and compare values: enabled, not masked
 * (IMASK) and due. */
static bool timer_asserted(uint64_t ctl, uint64_t cval, uint64_t now)
{
	return (ctl & 3) == 1 && now >= cval;
}

static int write_exit(uint8_t *run, const struct rec_exit *out)
{
	return ns_write(run + EXIT_REASON, &out->reason, 8) ||
	       ns_write(run + EXIT_ESR, &out->esr, 24) ||
	       ns_write(run + EXIT_GPRS, out->gprs, sizeof(out->gprs)) ||
	       ns_write(run + EXIT_GIC, &out->gic_hcr, 8 * (3 + GIC_MAX_LRS)) ||
	       ns_write(run + EXIT_TIMERS, &out->cntp_ctl, 32) ||
	       ns_write(run + EXIT_RIPAS, &out->ripas_base, 24) ||
	       ns_write(run + EXIT_IMM, &out->imm, 8);
}

/* RMI_REC_ENTER once rec_enter.c's checks passed: runs the REC until it exits, and
 * describes the exit in the run page. */
uint64_t rec_run_entered(struct rec *rec, struct rd *rd, const struct rec_enter *in, uint8_t *run,
			 unsigned nr_lrs)
{
	uint64_t hcr = HCR_REALM | (cpu_has_pauth() ? HCR_APK | HCR_API : 0) |
		       ((in->flags & ENTER_TRAP_WFI) ? HCR_TWI : 0) |
		       ((in->flags & ENTER_TRAP_WFE) ? HCR_TWE : 0);
	/* An EL1 timer whose output is asserted, or whose interrupt the host is delivering,
	 * keeps its physical signal masked: else it would bring the REC straight back out,
	 * before the realm ran an instruction, until the realm has dealt with it. "Asserted"
	 * matters on its own: a realm may enable its timer before the timer's interrupt at its
	 * GIC (Linux does, at boot), and when the deadline passes in between (a slow or loaded
	 * host) the host has nothing to deliver. Unmasked, every REC_ENTER was then an IRQ exit
	 * at once, forever: the realm never reached the GIC write that would let the host
	 * deliver it. The host still sees the timer at each exit; once the output drops (the
	 * realm reprograms it), the next entry unmasks it. */
	uint64_t now = read_sysreg(cntpct_el0); /* a realm's CNTVOFF is 0 */
	bool vtimer = timer_asserted(rec->el1.cntv_ctl, rec->el1.cntv_cval, now) ||
		      gic_delivering(in->gic_lrs, nr_lrs, PPI_EL1_VIRT_TIMER);
	bool ptimer = timer_asserted(rec->el1.cntp_ctl, rec->el1.cntp_cval, now) ||
		      gic_delivering(in->gic_lrs, nr_lrs, PPI_EL1_PHYS_TIMER);
	uint64_t cnthctl =
	    CNTHCTL_EL1_TIMER | (vtimer ? CNTHCTL_CNTVMASK : 0) | (ptimer ? CNTHCTL_CNTPMASK : 0);
	struct rmm_cpu *cpu = rmm_this_cpu();
	struct rec_exit out = {0};
	has_hcx = (read_sysreg(id_aa64mmfr1_el1) >> 40) & 0xf;
	hcrx_realm = (read_sysreg(S3_0_C0_C6_2) >> 16) & 0xf ? HCRX_MSCEN : 0;
	gic_load(&rec->gic, in->gic_lrs, in->gic_hcr, nr_lrs);
	rec_state_in(rec, rd, cpu, hcr, cnthctl);
	take_response(rec, rd, in); /* may inject an SEA: the REC's EL1 state is in */
	for (;;) {
		unsigned why = run_once(rec);
		if (why != 0) {
			out.reason = why == 1	? RMI_EXIT_IRQ
				     : why == 2 ? RMI_EXIT_FIQ
						: RMI_EXIT_SERROR;
			break;
		}
		if (!handle_sync(rec, rd, &out, cpu))
			break;
	}
	rec_state_out(rec, rd, cpu);
	gic_save(&rec->gic, nr_lrs);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1_TIMER);
	describe_exit(rec, out.reason, &out, nr_lrs);
	return write_exit(run, &out) ? RMI_ERROR_INPUT : RMI_SUCCESS;
}
