/*
 * RMI_REC_ENTER (RMM 1.0, B4.3.19): the host runs a REC until it exits. The host's EL1
 * state (the monitor moves only EL2 state to and from the realm world) is put aside, the
 * REC's EL1 state and the realm's stage 2 go in, and the realm runs at EL1 until something
 * needs the host: an emulatable access to unprotected memory, a fault, WFI, PSCI, an
 * interrupt. RSI calls are answered here (rsi.c) without an exit. The exit is described to the
 * host in RmiRecExit; the host's results come back in RmiRecEnter at the next entry.
 */
#include "realm.h"
#include "rec.h"

/* RmiRecRun (B4.4.7): RmiRecEnter at 0, RmiRecExit at 0x800 */
#define ENTER_FLAGS	0x000
#define ENTER_GPRS	0x200
#define EXIT_REASON	0x800
#define EXIT_ESR	0x900
#define EXIT_GPRS	0xa00
#define ENTER_EMUL_MMIO 1ULL

#define EXIT_SYNC   0
#define EXIT_IRQ    1
#define EXIT_FIQ    2
#define EXIT_PSCI   3
#define EXIT_SERROR 6

#define EC_WFX	     0x01
#define EC_HVC	     0x16
#define EC_SMC	     0x17
#define EC_DABT_LOW  0x24
#define ESR_ISV	     (1ULL << 24)
#define ESR_WNR	     (1ULL << 6)
#define ESR_SRT(esr) (((esr) >> 16) & 0x1f)

/* The realm's EL2 controls: stage 2 on; IRQ/FIQ/SError to Realm EL2; SMC (RSI, PSCI)
 * and WFI/WFE trapped; AArch64 EL1. */
#define HCR_REALM                                                                                  \
	((1ULL << 0) | (1ULL << 3) | (1ULL << 4) | (1ULL << 5) | (1ULL << 13) | (1ULL << 14) |     \
	 (1ULL << 19) | (1ULL << 31))
#define HCR_RMM	   (1ULL << 31)
#define CPTR_REALM 0x33ffULL /* no FP/SIMD traps: the host's FP state is saved around it */

static struct el1_state host_el1[RMM_MAX_CPUS];
static struct fp_state host_fp[RMM_MAX_CPUS];

static unsigned cpu_index(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	return (unsigned)((m & 0xff) + ((m >> 8) & 0xff) * 16) % RMM_MAX_CPUS;
}

/* VTCR_EL2 for the realm's IPA size and starting level (4 KiB granule, 40-bit PA,
 * write-back inner shareable walks). */
static uint64_t vtcr_of(const struct rd *rd)
{
	uint64_t sl0 = (uint64_t)(2 - rd->rtt_level_start); /* level 2: 0, 1: 1, 0: 2 */
	return (64 - rd->s2sz) | (sl0 << 6) | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
	       (2ULL << 16) | (1ULL << 31);
}

/* Runs the REC once: the realm's state in, run, the host's state back. */
static unsigned run_once(struct rec *rec, const struct rd *rd, unsigned cpu)
{
	el1_save(&host_el1[cpu]);
	fp_save(&host_fp[cpu]);
	el1_restore(&rec->el1);
	fp_restore(&rec->fp);
	write_sysreg(vttbr_el2, rd->rtt_base | (rd->vmid << 48));
	write_sysreg(vtcr_el2, vtcr_of(rd));
	write_sysreg(vmpidr_el2, rec->mpidr);
	write_sysreg(cptr_el2, CPTR_REALM);
	write_sysreg(cnthctl_el2, 3);
	write_sysreg(cntvoff_el2, 0);
	write_sysreg(hcr_el2, HCR_REALM);
	write_sysreg(elr_el2, rec->pc);
	write_sysreg(spsr_el2, rec->pstate);
	isb();
	unsigned why = (unsigned)rec_run_regs(rec->gprs);
	rec->pc = read_sysreg(elr_el2);
	rec->pstate = read_sysreg(spsr_el2);
	rec->esr = read_sysreg(esr_el2);
	rec->far = read_sysreg(far_el2);
	rec->hpfar = read_sysreg(hpfar_el2);
	write_sysreg(hcr_el2, HCR_RMM);
	isb();
	el1_save(&rec->el1);
	fp_save(&rec->fp);
	el1_restore(&host_el1[cpu]);
	fp_restore(&host_fp[cpu]);
	return why;
}

static uint64_t rec_enter(uint64_t rec_pa, uint64_t run_pa)
{
	if (run_pa % GRANULE_SIZE || !granule_is_host(run_pa))
		return RMI_ERROR_INPUT;
	uint8_t *run = (uint8_t *)(run_pa + NS_ALIAS);
	uint64_t flags, in_gprs[31];
	if (ns_read(&flags, run + ENTER_FLAGS, 8) || ns_read(in_gprs, run + ENTER_GPRS, 248))
		return RMI_ERROR_INPUT;
	granule_t *g = granule_lock(rec_pa, GRANULE_REC);
	if (!g)
		return RMI_ERROR_INPUT;
	struct rec *rec = (struct rec *)rec_pa;
	const struct rd *rd = (const struct rd *)rec->rd;
	uint64_t r = RMI_ERROR_REALM;
	if (rd->state != REALM_ACTIVE)
		goto out;
	r = RMI_ERROR_REC;
	if (!rec->runnable)
		goto out;
	/* The host emulated the access the last exit was for: a read's value goes to its
	 * register, and the realm carries on after the access. */
	if (rec->mmio_pending && (flags & ENTER_EMUL_MMIO)) {
		if (!rec->mmio_write && rec->mmio_reg != 31)
			rec->gprs[rec->mmio_reg] = in_gprs[0];
		rec->pc += 4;
	}
	rec->mmio_pending = false;
	unsigned cpu = cpu_index();
	uint64_t exit_gprs[31] = {0}, reason;
	for (;;) {
		unsigned why = run_once(rec, rd, cpu);
		uint64_t ec = rec->esr >> 26;
		if (why == 0 && ec == EC_SMC && rsi_handle(rec, (struct rd *)rec->rd))
			continue;
		if (why == 0 && ec == EC_SMC && ((uint32_t)rec->gprs[0] >> 24) == 0x84) {
			/* PSCI (32- or 64-bit): the host's to handle. */
			for (int i = 0; i < 4; i++)
				exit_gprs[i] = rec->gprs[i];
			rec->gprs[0] = SMC_NOT_SUPPORTED; /* until PSCI_COMPLETE says otherwise */
			rec->pc += 4;
			reason = EXIT_PSCI;
			break;
		}
		if (why == 0 && ec == EC_SMC) {
			rec->gprs[0] = SMC_NOT_SUPPORTED;
			rec->pc += 4;
			continue;
		}
		reason = why == 1   ? EXIT_IRQ
			 : why == 2 ? EXIT_FIQ
			 : why == 3 ? EXIT_SERROR
				    : EXIT_SYNC;
		if (why == 0 && ec == EC_DABT_LOW && (rec->esr & ESR_ISV)) {
			/* An access the host may emulate: it sees the value written, never
			 * which register the realm used. */
			rec->mmio_pending = true;
			rec->mmio_write = (rec->esr & ESR_WNR) != 0;
			rec->mmio_reg = (uint8_t)ESR_SRT(rec->esr);
			if (rec->mmio_write)
				exit_gprs[0] = rec->mmio_reg == 31 ? 0 : rec->gprs[rec->mmio_reg];
			rec->esr &= ~(0x1fULL << 16);
		} else if (why == 0 && ec == EC_WFX) {
			rec->pc += 4; /* the host decides when the REC runs again */
		}
		break;
	}
	uint64_t exit_head[1] = {reason}, exit_regs[3] = {rec->esr, rec->far & 0xfff, rec->hpfar};
	r = ns_write(run + EXIT_REASON, exit_head, 8) || ns_write(run + EXIT_ESR, exit_regs, 24) ||
		    ns_write(run + EXIT_GPRS, exit_gprs, sizeof(exit_gprs))
		? RMI_ERROR_INPUT
		: RMI_SUCCESS;
out:
	granule_unlock(g, GRANULE_REC);
	return r;
}

void rmi_rec_enter(const uint64_t *in, uint64_t *out)
{
	out[0] = rec_enter(in[1], in[2]);
}
