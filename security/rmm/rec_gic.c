/*
 * A realm's GIC virtual CPU interface (RMM 1.0, B4.4.7 and A6.1). The host decides which
 * virtual interrupts a realm gets, through list registers and ICH_HCR_EL2 values it puts
 * in RmiRecEnter; the RMM loads them only if they are well formed and cannot reach beyond
 * the realm: no hardware interrupt linked (HW), no duplicate INTIDs, no trap or control
 * bit the RMM does not handle. The realm's own part (VMCR, active priorities) stays with
 * the REC. At exit the list registers go back to the host (RmiRecExit) and the hardware's
 * are emptied, so nothing of the realm's stays live while the host runs.
 */
#include <arch/gic_lr.h>
#include <arch/gic_regs.h>

#include "rec.h"

#define LR_STATE      (LR_STATE_PENDING | LR_STATE_ACTIVE)
#define LR_HOST_BITS  (LR_VINTID_MASK | LR_EOI | LR_PRIO_MASK | LR_GROUP1 | LR_STATE)
#define INTID_SPECIAL 1020 /* 1020-1023 are never interrupts */
#define LPI_FIRST     8192

/* ICH_HCR_EL2: En, and what RMM 1.0 lets the host choose: the maintenance-interrupt
 * enables (UIE, LRENPIE, NPIE, VGrp0EIE, VGrp0DIE, VGrp1EIE, VGrp1DIE) and TDIR (the
 * realm's ICC_DIR_EL1 writes then come to the host, rec_run.c). */
#define HCR_HOST_BITS (0xfeULL | ICH_HCR_TDIR)

unsigned gic_nr_lrs(void)
{
	unsigned n = (unsigned)(read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	return n < GIC_MAX_LRS ? n : GIC_MAX_LRS;
}

static bool lr_live(uint64_t lr)
{
	return (lr & LR_STATE) != 0;
}

bool gic_host_state_valid(const uint64_t *lrs, uint64_t hcr, unsigned nr_lrs)
{
	if (hcr & ~HCR_HOST_BITS)
		return false;
	for (unsigned i = 0; i < GIC_MAX_LRS; i++) {
		uint64_t lr = lrs[i];
		if (i >= nr_lrs) {
			if (lr)
				return false; /* a list register this CPU does not have */
			continue;
		}
		if (!lr_live(lr))
			continue;
		uint64_t intid = lr & LR_VINTID_MASK;
		if ((lr & ~LR_HOST_BITS) || (intid >= INTID_SPECIAL && intid < LPI_FIRST))
			return false;
		for (unsigned j = 0; j < i; j++)
			if (lr_live(lrs[j]) && (lrs[j] & LR_VINTID_MASK) == intid)
				return false;
	}
	return true;
}

bool gic_delivering(const uint64_t *lrs, unsigned nr_lrs, uint32_t intid)
{
	for (unsigned i = 0; i < nr_lrs; i++)
		if (lr_live(lrs[i]) && (lrs[i] & LR_VINTID_MASK) == intid)
			return true;
	return false;
}

static void write_aprs(const uint64_t *ap0r, const uint64_t *ap1r)
{
	/* With 5 priority bits (QEMU, most cores) only AP0R0/AP1R0 exist. */
	write_sysreg(ICH_AP0R0_EL2, ap0r[0]);
	write_sysreg(ICH_AP1R0_EL2, ap1r[0]);
}

void gic_load(struct gic_state *g, const uint64_t *host_lrs, uint64_t host_hcr, unsigned nr_lrs)
{
	for (unsigned i = 0; i < nr_lrs; i++) {
		g->lr[i] = host_lrs[i];
		write_lr(i, host_lrs[i]);
	}
	/* The realm's EOIcount carries on; the rest is the host's choice, always enabled. */
	g->hcr = (g->hcr & (0x1fULL << ICH_HCR_EOICOUNT_SHIFT)) | host_hcr | ICH_HCR_EN;
	write_sysreg(ICH_VMCR_EL2, g->vmcr);
	write_aprs(g->ap0r, g->ap1r);
	write_sysreg(ICH_HCR_EL2, g->hcr);
}

void gic_save(struct gic_state *g, unsigned nr_lrs)
{
	for (unsigned i = 0; i < nr_lrs; i++) {
		g->lr[i] = read_lr(i);
		write_lr(i, 0);
	}
	g->hcr = read_sysreg(ICH_HCR_EL2);
	g->misr = read_sysreg(ICH_MISR_EL2);
	g->vmcr = read_sysreg(ICH_VMCR_EL2);
	g->ap0r[0] = read_sysreg(ICH_AP0R0_EL2);
	g->ap1r[0] = read_sysreg(ICH_AP1R0_EL2);
	static const uint64_t none[4];
	write_aprs(none, none);
	write_sysreg(ICH_HCR_EL2, 0);
}
