// sources: irq/vgic.c
// eva: -eva-precision 3 -eva-slevel-function keep_best:200 -eva-slevel-function vgic_build_lrs:3000
// eva: -eva-slevel-function vgic_fold_lrs:1000 -eva-slevel-function fold_lrs:1000
/* The vGIC's list-register state machine (irq/vgic.c): building a vCPU's list registers
 * from the interrupt state, the guest acting on them, folding them back. Three interrupts
 * (an SGI in every kind of state that matters to the list registers, the timer's PPI as
 * a level or hardware-linked source, an SPI routed to either vCPU), on 1 or 2 list
 * registers (so that they overflow):
 *  - build: at most nr_lrs registers, each a different one of the interrupts, owned by
 *    this vCPU, pending or active, never one in another vCPU's list registers, never a
 *    hardware-linked one both pending and active; an interrupt left out means an
 *    underflow interrupt is asked for;
 *  - fold, whatever the guest did (nothing, acknowledged, deactivated): no register left
 *    in use, no interrupt still owned, a level whose line is high still pending, an edge
 *    that came while it sat in a list register still pending. */
#include "__fc_builtin.h"
#include <triad/vgic.h>

static struct vgic d;
static struct vgic_cpu cpu0, cpu1;
static const uint32_t intids[3] = {3, 27, 40};

enum kind {
	IDLE,		  /* nothing to deliver */
	EDGE_PENDING,	  /* latched, enabled */
	LEVEL_HIGH,	  /* its line high, enabled */
	PENDING_DISABLED, /* latched, disabled */
	ACTIVE,		  /* the guest took it, not yet deactivated */
	ACTIVE_PENDING,	  /* taken, and latched again */
	HW_PENDING,	  /* hardware-linked, latched */
	IN_OTHER_LRS,	  /* in vCPU 1's list registers, latched */
	NR_KINDS
};

static void set_kind(struct virq *irq, unsigned kind, uint8_t prio)
{
	irq->priority = prio;
	irq->enabled = kind != PENDING_DISABLED;
	irq->latch = kind == EDGE_PENDING || kind == PENDING_DISABLED || kind == ACTIVE_PENDING ||
		     kind == HW_PENDING || kind == IN_OTHER_LRS;
	irq->line = kind == LEVEL_HIGH;
	irq->active = kind == ACTIVE || kind == ACTIVE_PENDING;
	irq->hw = kind == HW_PENDING;
	irq->hw_intid = irq->hw ? 99 : 0;
	irq->lr_owner = kind == IN_OTHER_LRS ? 1 : VGIC_NO_VCPU;
}

int main(void)
{
	unsigned nr_lrs, k0, k1, k2, route, guest;
	uint64_t lrs[VGIC_MAX_LRS];
	/* Once, before the state splits: the rest of the 288 interrupts idle. */
	vgic_init(&d, 2, 1);
	vgic_cpu_init(&d, &cpu0, 0, 0x80000000);
	vgic_cpu_init(&d, &cpu1, 1, 0x80000001);
	d.ctlr |= GICD_CTLR_ENABLE_G1;
	cpu1.priv[27].line = true; /* vCPU 1's own PPI 27: not vCPU 0's */
	nr_lrs = 2;		   /* three interrupts: they overflow */
	/* The SGI in every kind a software-generated interrupt can be in. */
	static const unsigned sgi_kinds[] = {IDLE,   EDGE_PENDING,   PENDING_DISABLED,
					     ACTIVE, ACTIVE_PENDING, IN_OTHER_LRS};
	k0 = Frama_C_unsigned_int_interval(0, 5);
	//@ split k0;
	k0 = sgi_kinds[k0];
	/* The PPI as a level or hardware-linked source, the SPI as an edge: the kinds that
	 * matter for each (the SGI's cover the rest). */
	static const unsigned ppi_kinds[] = {IDLE, LEVEL_HIGH, PENDING_DISABLED, ACTIVE_PENDING,
					     HW_PENDING};
	static const unsigned spi_kinds[] = {IDLE, EDGE_PENDING, ACTIVE, IN_OTHER_LRS};
	k1 = Frama_C_unsigned_int_interval(0, 4);
	//@ split k1;
	k2 = Frama_C_unsigned_int_interval(0, 3);
	//@ split k2;
	k1 = ppi_kinds[k1];
	k2 = spi_kinds[k2];
	route = Frama_C_unsigned_int_interval(0, 1);
	//@ split route;
	d.nr_lrs = nr_lrs;
	struct virq *irqs[3] = {&cpu0.priv[3], &cpu0.priv[27], &d.spi[40 - VGIC_NR_PRIVATE]};
	set_kind(irqs[0], k0, 0xa0);
	set_kind(irqs[1], k1, 0x80);
	set_kind(irqs[2], k2, 0xa0);
	irqs[0]->edge = true;
	irqs[2]->edge = k2 != LEVEL_HIGH;
	irqs[2]->irouter = route; /* vCPU 0 or vCPU 1 */
	for (unsigned i = 0; i < 3; i++)
		cpu0.maybe_pending[0] |= 1UL << intids[i];
	cpu0.pending_words = 1;

	unsigned n = vgic_build_lrs(&d, 0, lrs);

	//@ assert build_fits: n <= nr_lrs && cpu0.used_lrs == n;
	unsigned wanted = 0;
	for (unsigned i = 0; i < 3; i++) {
		unsigned k = i == 0 ? k0 : i == 1 ? k1 : k2;
		int mine = i < 2 || route == 0;
		if (mine && k != IDLE && k != PENDING_DISABLED && k != IN_OTHER_LRS)
			wanted++;
	}
	//@ assert build_takes_what_it_can: n == (wanted < nr_lrs ? wanted : nr_lrs);
	//@ assert build_underflow: cpu0.underflow_irq == (wanted > n);
	for (unsigned i = 0; i < n; i++) {
		uint32_t intid = cpu0.lr_intid[i];
		//@ assert lr_is_one_of_them: intid == 3 || intid == 27 || intid == 40;
		struct virq *irq = intid == 3 ? irqs[0] : intid == 27 ? irqs[1] : irqs[2];
		//@ assert lr_intid_matches: (lrs[i] & 0xffffffff) == intid;
		//@ assert lr_owned_here: irq->lr_owner == 0;
		//@ assert lr_has_a_state: (lrs[i] & (LR_STATE_PENDING | LR_STATE_ACTIVE)) != 0;
		//@ assert lr_hw_not_both: (lrs[i] & LR_HW) == 0 || (lrs[i] & (LR_STATE_PENDING | LR_STATE_ACTIVE)) != (LR_STATE_PENDING | LR_STATE_ACTIVE);
		if (i == 1) {
			//@ assert lrs_distinct: cpu0.lr_intid[0] != cpu0.lr_intid[1];
		}
	}

	/* The guest: nothing, acknowledged (pending -> active) or deactivated (gone), and an
	 * edge on the SGI while it sits in a list register. */
	guest = Frama_C_unsigned_int_interval(0, 2);
	//@ split guest;
	for (unsigned i = 0; i < n; i++) {
		if (guest == 1 && (lrs[i] & LR_STATE_PENDING))
			lrs[i] = (lrs[i] & ~LR_STATE_PENDING) | LR_STATE_ACTIVE;
		else if (guest == 2)
			lrs[i] &= ~(LR_STATE_PENDING | LR_STATE_ACTIVE);
	}
	int sgi_in_lr = irqs[0]->lr_owner == 0;
	vgic_inject_edge(&d, 0, 3);

	vgic_fold_lrs(&d, 0, lrs);

	//@ assert fold_frees_lrs: cpu0.used_lrs == 0 && cpu0.lrs_stale;
	//@ assert fold_releases_ownership: irqs[0]->lr_owner != 0 && irqs[1]->lr_owner != 0 && irqs[2]->lr_owner != 0;
	//@ assert fold_keeps_a_high_level: k1 == LEVEL_HIGH ==> (irqs[1]->line && !irqs[1]->edge);
	//@ assert fold_keeps_a_later_edge: sgi_in_lr ==> irqs[0]->latch;
	//@ assert fold_keeps_a_later_edge_marked: sgi_in_lr ==> (cpu0.maybe_pending[0] & (1UL << 3)) != 0;
	return 0;
}
