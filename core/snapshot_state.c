/* A vCPU's and the vGIC's state as snapshot records, and back (include/triad/snapshot.h). */
#include <arch/sysreg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot.h>
#include <triad/snapshot_format.h>
#include <triad/util.h>

/* The records embed these: a change of size changes the file format (bump
 * SNAP_FORMAT_VERSION, then these numbers). */
_Static_assert(sizeof(struct gp_regs) == 264, "snapshot format: gp_regs changed");
_Static_assert(sizeof(struct el1_sysregs) == 304, "snapshot format: el1_sysregs changed");
_Static_assert(sizeof(struct fpsimd_state) == 528, "snapshot format: fpsimd_state changed");
_Static_assert(sizeof(struct vpmu_state) == 560, "snapshot format: vpmu_state changed");
_Static_assert(sizeof(struct sve_regs) == 8752, "snapshot format: sve_regs changed");
_Static_assert(sizeof(struct snap_vcpu) == 11568, "snapshot format: snap_vcpu changed");
_Static_assert(sizeof(struct snap_vgic) == 4104, "snapshot format: snap_vgic changed");
_Static_assert(SNAP_FORMAT_VERSION == 5, "snapshot format: check the sizes above");

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)

#define ICH_VMCR_KNOWN	 0xfffc021fULL /* VPMR, VBPR0/1, VEOIM, VCBPR, VFIQEn, VAckCtl, VENG0/1 */
#define IROUTER_ALLOWED	 MPIDR_AFF_MASK
#define CNTP_CTL_ALLOWED (CNT_CTL_ENABLE | CNT_CTL_IMASK)

/* A sampled interrupt's pending state is its source's level (the virtual timer's output):
 * restored with the timer's registers, the timer raises it again if it is still due. Kept
 * too, it would be taken twice, once for the saved latch and once from the timer. */
static void virq_pack(const struct virq *irq, struct snap_virq *s)
{
	memset(s, 0, sizeof(*s));
	s->priority = irq->priority;
	bool latch = irq->latch && !irq->sampled;
	s->flags = (irq->enabled ? SNAP_VIRQ_ENABLED : 0) | (irq->edge ? SNAP_VIRQ_EDGE : 0) |
		   (latch ? SNAP_VIRQ_LATCH : 0) | (irq->line ? SNAP_VIRQ_LINE : 0) |
		   (irq->active ? SNAP_VIRQ_ACTIVE : 0);
	s->irouter = irq->irouter;
}

/* Only what the guest can set through the GIC's registers is accepted. */
static int virq_check(const struct snap_virq *s, uint32_t intid, char *err, size_t errlen)
{
	static const uint8_t zero[6];
	if (s->flags & ~SNAP_VIRQ_ALL || memcmp(s->reserved, zero, sizeof(zero)))
		FAIL("interrupt %u has unknown flags 0x%x", intid, s->flags);
	if (intid < 16 && !(s->flags & SNAP_VIRQ_EDGE))
		FAIL("SGI %u is level-triggered", intid);
	if (intid < VGIC_NR_PRIVATE ? s->irouter != 0 : (s->irouter & ~IROUTER_ALLOWED) != 0)
		FAIL("interrupt %u has routing 0x%llx", intid, (unsigned long long)s->irouter);
	return 0;
}

/* Restored interrupts are in no list register and linked to no physical interrupt: the
 * vCPU's next entry builds its list registers from this state. */
static void virq_unpack(const struct snap_virq *s, struct virq *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->priority = s->priority;
	irq->enabled = s->flags & SNAP_VIRQ_ENABLED;
	irq->edge = s->flags & SNAP_VIRQ_EDGE;
	irq->latch = s->flags & SNAP_VIRQ_LATCH;
	irq->line = s->flags & SNAP_VIRQ_LINE;
	irq->active = s->flags & SNAP_VIRQ_ACTIVE;
	irq->irouter = s->irouter;
	irq->lr_owner = VGIC_NO_VCPU;
}

void snap_vcpu_pack(const struct vcpu *v, unsigned sve_vl, struct snap_vcpu *s)
{
	memset(s, 0, sizeof(*s));
	s->regs = v->regs;
	s->mpidr = v->mpidr;
	s->power = v->power;
	s->waker_sleep = v->vgic.waker_sleep;
	s->on_entry = v->on_entry;
	s->on_context = v->on_context;
	s->sys = v->sys;
	s->fp = v->fp;
	s->pmu = v->pmu;
	memcpy(s->bvr, v->dbg.bvr, sizeof(s->bvr));
	memcpy(s->bcr, v->dbg.bcr, sizeof(s->bcr));
	memcpy(s->wvr, v->dbg.wvr, sizeof(s->wvr));
	memcpy(s->wcr, v->dbg.wcr, sizeof(s->wcr));
	s->claim = v->dbg.claim;
	s->oseccr = v->dbg.oseccr;
	s->oslk = v->dbg.oslk;
	s->osdlr = v->dbg.osdlr;
	s->dbgprcr = v->dbg.dbgprcr;
	s->ich_vmcr = v->ich_vmcr;
	s->ich_ap0r0 = v->ich_ap0r0;
	s->ich_ap1r0 = v->ich_ap1r0;
	s->cntp_ctl = v->cntp_ctl;
	s->cntp_cval = v->cntp_cval;
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		virq_pack(&v->vgic.priv[i], &s->priv[i]);
	/* The SVE registers when they hold more than fp (core/vcpu_sve.c), else zeros. */
	s->sve_vl = sve_vl;
	if (sve_vl && v->sve_dirty)
		s->sve = v->sve;
	s->sve.zcr_el1 = sve_vl ? v->sve.zcr_el1 : 0;
}

static bool sve_regs_zero(const struct sve_regs *r)
{
	for (size_t i = 0; i < sizeof(r->regs); i++)
		if (r->regs[i])
			return false;
	return true;
}

/* Bytes past the vector length, and every byte without SVE, are zero in a record. */
static bool sve_tail_zero(const struct sve_regs *r, unsigned vl)
{
	for (size_t i = SVE_REGS_BYTES(vl); i < sizeof(r->regs); i++)
		if (r->regs[i])
			return false;
	return vl ? r->zcr_el1 <= 0xf : !r->zcr_el1;
}

int snap_vcpu_check(const struct snap_vcpu *s, uint64_t mpidr, unsigned sve_vl, char *err,
		    size_t errlen)
{
	/* What a guest cannot reach itself: its exception level (never EL2), its power. */
	uint64_t mode = s->regs.pstate & (PSR_MODE_MASK | PSR_MODE32);
	if (mode != PSR_MODE_EL0t && mode != PSR_MODE_EL1t && mode != PSR_MODE_EL1h)
		FAIL("PSTATE 0x%llx is not AArch64 EL0 or EL1", (unsigned long long)s->regs.pstate);
	if (s->mpidr != mpidr)
		FAIL("MPIDR 0x%llx, the VM's vCPU has 0x%llx", (unsigned long long)s->mpidr,
		     (unsigned long long)mpidr);
	if (s->power != VCPU_OFF && s->power != VCPU_ON_PENDING && s->power != VCPU_ON)
		FAIL("power state %u", s->power);
	if (s->waker_sleep > 1 || s->oslk > 1 || s->osdlr > 1 || s->dbgprcr > 1)
		FAIL("a flag register is neither 0 nor 1");
	if (s->ich_vmcr & ~ICH_VMCR_KNOWN)
		FAIL("ICH_VMCR 0x%llx has reserved bits", (unsigned long long)s->ich_vmcr);
	if (s->ich_ap0r0 >> 32 || s->ich_ap1r0 >> 32)
		FAIL("an active-priorities register has reserved bits");
	if (s->cntp_ctl & ~CNTP_CTL_ALLOWED)
		FAIL("CNTP_CTL 0x%llx has reserved bits", (unsigned long long)s->cntp_ctl);
	for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++)
		if (virq_check(&s->priv[i], i, err, errlen))
			return -EINVAL;
	if (s->sve_vl != sve_vl)
		FAIL("saved with %u-byte SVE vectors, the VM gets %u (0: no SVE)", s->sve_vl,
		     sve_vl);
	if (s->sve_reserved || !sve_tail_zero(&s->sve, sve_vl))
		FAIL("SVE registers with bytes past the vector length, or a ZCR_EL1 with reserved "
		     "bits");
	return 0;
}

void snap_vcpu_unpack(const struct snap_vcpu *s, struct vcpu *v, uint64_t pcount_shift)
{
	v->regs = s->regs;
	v->power = (enum vcpu_power)s->power;
	v->on_entry = s->on_entry;
	v->on_context = s->on_context;
	v->sys = s->sys;
	v->fp = s->fp;
	v->sve = s->sve;
	v->sve_dirty = !sve_regs_zero(&s->sve);
	v->pmu = s->pmu;
	memcpy(v->dbg.bvr, s->bvr, sizeof(s->bvr));
	memcpy(v->dbg.bcr, s->bcr, sizeof(s->bcr));
	memcpy(v->dbg.wvr, s->wvr, sizeof(s->wvr));
	memcpy(v->dbg.wcr, s->wcr, sizeof(s->wcr));
	v->dbg.claim = s->claim;
	v->dbg.oseccr = s->oseccr;
	v->dbg.oslk = s->oslk;
	v->dbg.osdlr = s->osdlr;
	v->dbg.dbgprcr = s->dbgprcr;
	v->dbg.in_cpu = false;
	v->ich_vmcr = s->ich_vmcr;
	v->ich_ap0r0 = s->ich_ap0r0;
	v->ich_ap1r0 = s->ich_ap1r0;
	v->cntp_ctl = s->cntp_ctl;
	v->cntp_cval = s->cntp_cval + pcount_shift;
	struct vgic_cpu *c = &v->vgic;
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		virq_unpack(&s->priv[i], &c->priv[i]);
	c->waker_sleep = s->waker_sleep;
	c->used_lrs = 0;
	c->hw_pending = 0;
	c->underflow_irq = false;
	for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
		c->lr_intid[i] = VGIC_SPURIOUS;
}

void snap_vgic_pack(const struct vgic *d, struct snap_vgic *s)
{
	memset(s, 0, sizeof(*s));
	s->ctlr = d->ctlr;
	s->nr_vcpus = d->nr_vcpus;
	for (unsigned i = 0; i < VGIC_NR_SPIS; i++)
		virq_pack(&d->spi[i], &s->spi[i]);
}

int snap_vgic_check(const struct snap_vgic *s, unsigned nr_vcpus, char *err, size_t errlen)
{
	uint32_t known = GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1 | GICD_CTLR_ARE | GICD_CTLR_DS;
	if ((s->ctlr & ~known) ||
	    (s->ctlr & (GICD_CTLR_ARE | GICD_CTLR_DS)) != (GICD_CTLR_ARE | GICD_CTLR_DS))
		FAIL("GICD_CTLR 0x%x is not one the guest can set", s->ctlr);
	if (s->nr_vcpus != nr_vcpus)
		FAIL("vGIC of %u vCPUs, the VM has %u", s->nr_vcpus, nr_vcpus);
	for (uint32_t i = 0; i < VGIC_NR_SPIS; i++)
		if (virq_check(&s->spi[i], VGIC_NR_PRIVATE + i, err, errlen))
			return -EINVAL;
	return 0;
}

void snap_vgic_unpack(const struct snap_vgic *s, struct vgic *d)
{
	spin_assert_held(&d->lock);
	d->ctlr = s->ctlr;
	for (unsigned i = 0; i < VGIC_NR_SPIS; i++)
		virq_unpack(&s->spi[i], &d->spi[i]);
	/* Anything may be pending anywhere: each vCPU looks at every interrupt once. */
	for (unsigned v = 0; v < d->nr_vcpus; v++) {
		struct vgic_cpu *c = d->cpu[v];
		for (unsigned w = 0; w < VGIC_BM_WORDS; w++) {
			unsigned bits = MIN(64u, VGIC_NR_IRQS - 64 * w); /* INTIDs that exist */
			c->maybe_pending[w] = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
		}
		c->pending_words = (uint8_t)((1u << VGIC_BM_WORDS) - 1);
		c->lrs_stale = true;
	}
}
