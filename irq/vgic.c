/* Virtual GICv3 state machine and register emulation (see include/triad/vgic.h). */
#include <string.h>
#include <triad/util.h>
#include <triad/vgic.h>

#define PRIO_MASK VGIC_PRIO_MASK

void vgic_init(struct vgic *d, unsigned nr_vcpus, unsigned nr_lrs)
{
	memset(d, 0, sizeof(*d));
	spin_init(&d->lock);
	d->nr_vcpus = nr_vcpus;
	d->nr_lrs = nr_lrs ? MIN(nr_lrs, VGIC_MAX_LRS) : 1; /* the architecture has at least one */
	d->ctlr = GICD_CTLR_ARE | GICD_CTLR_DS;
	for (unsigned i = 0; i < VGIC_NR_SPIS; i++) {
		d->spi[i].lr_owner = VGIC_NO_VCPU;
	}
}

void vgic_cpu_init(struct vgic *d, struct vgic_cpu *c, unsigned idx, uint64_t mpidr)
{
	uint64_t injected = c->injected; /* statistics outlive the VM's resets */
	memset(c, 0, sizeof(*c));
	c->injected = injected;
	c->mpidr = mpidr;
	c->waker_sleep = true;
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
		c->priv[i].edge = i < 16; /* SGIs are edge, PPIs level */
		c->priv[i].lr_owner = VGIC_NO_VCPU;
	}
	for (unsigned i = 0; i < VGIC_MAX_LRS; i++)
		c->lr_intid[i] = VGIC_SPURIOUS;
	d->cpu[idx] = c;
}

static int note_lpi(struct vgic *d, uint32_t intid);

void vgic_cpu_power_on(struct vgic *d, struct vgic_cpu *c, unsigned idx, uint64_t mpidr)
{
	spin_assert_held(&d->lock);
	bool lpis = c->lpis_enabled;
	uint64_t prop = c->propbaser, pend = c->pendbaser;
	vgic_cpu_init(d, c, idx, mpidr);
	c->lpis_enabled = lpis;
	c->propbaser = prop;
	c->pendbaser = pend;
	for (uint32_t i = 0; lpis && d->lpi && i < VGIC_NR_LPIS; i++)
		if (d->lpi[i].lpi_vcpu == idx)
			note_lpi(d, VGIC_LPI_BASE + i);
}

static inline struct virq *irq_at(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < d->nr_vcpus ? &d->cpu[vcpu]->priv[intid] : NULL;
	if (intid < VGIC_NR_IRQS)
		return &d->spi[intid - VGIC_NR_PRIVATE];
	if (vgic_is_lpi(intid) && d->lpi)
		return &d->lpi[intid - VGIC_LPI_BASE];
	return NULL;
}

static inline struct virq *lpi_irq(struct vgic *d, uint32_t intid)
{
	return vgic_is_lpi(intid) && d->lpi ? &d->lpi[intid - VGIC_LPI_BASE] : NULL;
}

struct virq *vgic_irq(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	return irq_at(d, vcpu, intid);
}

static uint64_t affinity_of(uint64_t mpidr)
{
	return mpidr & MPIDR_AFF_MASK;
}

static int spi_target(const struct vgic *d, uint32_t intid);

/* An LPI goes to the vCPU its collection targets, once that redistributor has LPIs on. */
static inline int lpi_target(const struct vgic *d, uint32_t intid)
{
	if (!vgic_is_lpi(intid) || !d->lpi)
		return -1;
	unsigned t = d->lpi[intid - VGIC_LPI_BASE].lpi_vcpu;
	return t < d->nr_vcpus && d->cpu[t]->lpis_enabled ? (int)t : -1;
}

/* Private interrupts, the common case, without a call. (LPIs: lpi_target.) */
static inline int target_of(const struct vgic *d, unsigned vcpu, uint32_t intid)
{
	return intid < VGIC_NR_PRIVATE ? (int)vcpu : spi_target(d, intid);
}

int vgic_target(const struct vgic *d, unsigned vcpu, uint32_t intid)
{
	return intid >= VGIC_NR_IRQS ? lpi_target(d, intid) : target_of(d, vcpu, intid);
}

static int spi_target(const struct vgic *d, uint32_t intid)
{
	if (intid >= VGIC_NR_IRQS)
		return -1;
	uint64_t want = d->spi[intid - VGIC_NR_PRIVATE].irouter & MPIDR_AFF_MASK;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (affinity_of(d->cpu[i]->mpidr) == want)
			return (int)i;
	return -1;
}

static bool is_pending(const struct virq *irq)
{
	return irq->latch || (!irq->edge && irq->line);
}

/* Sets the pending latch. While the interrupt sits in a list register the guest may
 * acknowledge the copy there at any moment; this edge is a new one and must outlive that. */
static void latch(struct virq *irq)
{
	irq->latch = true;
	if (irq->lr_owner != VGIC_NO_VCPU)
		irq->relatch = true;
}

static bool group_enabled(const struct vgic *d)
{
	return d->ctlr & GICD_CTLR_ENABLE_G1;
}

static bool deliverable(const struct vgic *d, const struct virq *irq)
{
	return is_pending(irq) && irq->enabled && group_enabled(d);
}

static void mark(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	c->maybe_pending[intid / 64] |= 1UL << (intid % 64);
	c->pending_words |= (uint8_t)(1U << (intid / 64));
	c->lrs_stale = true;
}

static void mark_lpi(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	unsigned i = intid - VGIC_LPI_BASE;
	c->lpi_maybe_pending[i / 64] |= 1UL << (i % 64);
	c->lpi_words |= (uint16_t)(1U << (i / 64));
	c->lrs_stale = true;
}

/* A register write may change what any vCPU's list registers should hold (an enable,
 * a priority, a route): every vCPU rebuilds them at its next entry. */
static void stale_all(struct vgic *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		d->cpu[i]->lrs_stale = true;
}

/* Notes a possibly-deliverable interrupt; returns the vCPU to kick or -1. */
static inline __attribute__((always_inline)) int note(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	int t = target_of(d, vcpu, intid);
	if (t < 0)
		return -1;
	struct virq *irq = irq_at(d, (unsigned)t, intid);
	if (!deliverable(d, irq))
		return -1;
	mark(d, (unsigned)t, intid);
	d->cpu[t]->injected++;
	return t;
}

/* The same for an LPI. */
static int note_lpi(struct vgic *d, uint32_t intid)
{
	int t = lpi_target(d, intid);
	if (t < 0 || !deliverable(d, &d->lpi[intid - VGIC_LPI_BASE]))
		return -1;
	mark_lpi(d, (unsigned)t, intid);
	return t;
}

/* After a change of enables or routing: every pending interrupt gets looked at again. */
static uint32_t note_all(struct vgic *d)
{
	uint32_t kick = 0;
	for (uint32_t i = 0; d->lpi && i < VGIC_NR_LPIS; i++) {
		int t = note_lpi(d, VGIC_LPI_BASE + i);
		if (t >= 0)
			kick |= 1U << t;
	}
	for (unsigned v = 0; v < d->nr_vcpus; v++)
		for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++)
			if (note(d, v, i) >= 0)
				kick |= 1U << v;
	for (uint32_t i = VGIC_NR_PRIVATE; i < VGIC_NR_IRQS; i++) {
		int t = note(d, 0, i);
		if (t >= 0)
			kick |= 1U << t;
	}
	return kick;
}

int vgic_inject_edge(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	spin_assert_held(&d->lock);
	struct virq *irq = vgic_irq(d, vcpu, intid);
	if (!irq)
		return -1;
	latch(irq);
	return note(d, vcpu, intid);
}

int vgic_set_line(struct vgic *d, unsigned vcpu, uint32_t intid, bool level)
{
	spin_assert_held(&d->lock);
	struct virq *irq = vgic_irq(d, vcpu, intid);
	if (!irq)
		return -1;
	irq->line = level;
	if (!level && irq->lr_owner != VGIC_NO_VCPU)
		d->cpu[irq->lr_owner]->lrs_stale = true; /* withdraw it from the list register */
	return level ? note(d, vcpu, intid) : -1;
}

static inline __attribute__((always_inline)) int
inject_hw(struct vgic *d, unsigned vcpu, uint32_t intid, uint16_t pintid, bool sampled)
{
	spin_assert_held(&d->lock);
	struct virq *irq = vgic_irq(d, vcpu, intid);
	if (!irq)
		return -1;
	irq->hw = true;
	irq->hw_intid = pintid;
	irq->sampled = sampled && intid < VGIC_NR_PRIVATE;
	latch(irq);
	int t = note(d, vcpu, intid);
	/* Pending but not deliverable (disabled, say): watch its source from now on. One
	 * that is gets watched once it is in a list register (build_lrs). */
	if (t < 0 && irq->sampled)
		d->cpu[vcpu]->hw_pending |= 1U << intid;
	return t;
}

int vgic_inject_hw(struct vgic *d, unsigned vcpu, uint32_t intid, uint16_t pintid)
{
	return inject_hw(d, vcpu, intid, pintid, false);
}

int vgic_inject_hw_level(struct vgic *d, unsigned vcpu, uint32_t intid, uint16_t pintid)
{
	return inject_hw(d, vcpu, intid, pintid, true);
}

uint32_t vgic_hw_resample(struct vgic *d, unsigned vcpu, uint32_t low)
{
	spin_assert_held(&d->lock);
	struct vgic_cpu *c = d->cpu[vcpu];
	uint32_t released = 0;
	for (uint32_t bits = c->hw_pending & low; bits; bits &= bits - 1) {
		uint32_t bit = bits & -bits;
		struct virq *irq = &c->priv[__builtin_ctz(bits)];
		c->hw_pending &= ~bit;
		if (!irq->hw || irq->active)
			continue; /* unlinked already, or the guest's to deactivate */
		irq->latch = irq->relatch = false;
		irq->hw = false;
		c->lrs_stale = true;
		released |= bit;
	}
	return released;
}

bool vgic_unlink_hw(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	spin_assert_held(&d->lock);
	struct virq *irq = vgic_irq(d, vcpu, intid);
	if (!irq || !irq->hw)
		return false;
	irq->hw = false;
	if (intid < VGIC_NR_PRIVATE)
		d->cpu[vcpu]->hw_pending &= ~(1U << intid);
	return true;
}

uint32_t vgic_send_sgi(struct vgic *d, unsigned from, uint64_t v)
{
	spin_assert_held(&d->lock);
	uint32_t intid = FIELD_GET(v, 27, 24);
	uint32_t hits = 0;
	if (v & (1UL << 40)) { /* IRM: everyone but the sender */
		hits = ((1U << d->nr_vcpus) - 1) & ~(1U << from);
	} else {
		uint64_t aff321 = (FIELD_GET(v, 55, 48) << 32) | (FIELD_GET(v, 39, 32) << 16) |
				  (FIELD_GET(v, 23, 16) << 8);
		unsigned rs = FIELD_GET(v, 47, 44);
		uint32_t targets = FIELD_GET(v, 15, 0);
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			uint64_t mp = affinity_of(d->cpu[i]->mpidr);
			unsigned aff0 = mp & 0xff;
			if ((mp & ~0xffUL) == aff321 && aff0 / 16 == rs &&
			    (targets & (1U << (aff0 % 16))))
				hits |= 1U << i;
		}
	}
	uint32_t kick = 0;
	for (; hits; hits &= hits - 1) {
		unsigned i = (unsigned)__builtin_ctz(hits);
		latch(&d->cpu[i]->priv[intid]);
		if (note(d, i, intid) >= 0)
			kick |= 1U << i;
	}
	return kick;
}

/* Whether the vCPU's list registers may hold the interrupt, whose target is `target`. */
static inline __attribute__((always_inline)) bool candidate_for(struct vgic *d, unsigned vcpu,
								int target, struct virq *irq)
{
	uint8_t owner = irq->lr_owner;
	if (owner != VGIC_NO_VCPU && owner != vcpu)
		return false; /* in another vCPU's list registers until it folds them back */
	if (irq->active)
		return owner == vcpu || target == (int)vcpu;
	return deliverable(d, irq) && target == (int)vcpu;
}

static inline __attribute__((always_inline)) bool candidate(struct vgic *d, unsigned vcpu,
							    uint32_t intid, struct virq *irq)
{
	uint8_t owner = irq->lr_owner;
	if (owner != VGIC_NO_VCPU && owner != vcpu)
		return false; /* in another vCPU's list registers until it folds them back */
	if (irq->active)
		return owner == vcpu || target_of(d, vcpu, intid) == (int)vcpu;
	return deliverable(d, irq) && target_of(d, vcpu, intid) == (int)vcpu;
}

/* The LPI of bit `bit` of word w of a vCPU's LPI bitmap. */
static inline uint32_t lpi_intid(unsigned w, unsigned bit)
{
	return VGIC_LPI_BASE + w * 64 + bit;
}

static __attribute__((noinline)) bool lpi_has_pending(struct vgic *d, unsigned vcpu)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	for (unsigned words = c->lpi_words; words; words &= words - 1) {
		unsigned w = (unsigned)__builtin_ctz(words);
		for (uint64_t bits = c->lpi_maybe_pending[w]; bits; bits &= bits - 1) {
			uint32_t intid = lpi_intid(w, (unsigned)__builtin_ctzl(bits));
			struct virq *irq = &d->lpi[intid - VGIC_LPI_BASE];
			if (candidate_for(d, vcpu, lpi_target(d, intid), irq) &&
			    deliverable(d, irq))
				return true;
		}
	}
	return false;
}

bool vgic_has_pending(struct vgic *d, unsigned vcpu)
{
	spin_assert_held(&d->lock);
	struct vgic_cpu *c = d->cpu[vcpu];
	for (unsigned words = c->pending_words; words; words &= words - 1) {
		unsigned w = (unsigned)__builtin_ctz(words);
		for (uint64_t bits = c->maybe_pending[w]; bits; bits &= bits - 1) {
			uint32_t intid = w * 64 + (uint32_t)__builtin_ctzl(bits);
			struct virq *irq = irq_at(d, vcpu, intid);
			if (candidate(d, vcpu, intid, irq) && deliverable(d, irq))
				return true;
		}
	}
	return unlikely(c->lpi_words) && lpi_has_pending(d, vcpu);
}

/* An LPI folded back from vcpu's list registers is looked at next where it goes now: it
 * may have been moved meanwhile (ITS MOVI/MOVALL) to a vCPU that has LPIs on, which
 * vcpu's next entry then kicks. Out of line: the common folds are of other interrupts. */
static __attribute__((noinline, cold)) void mark_folded_lpi(struct vgic *d, unsigned vcpu,
							    uint32_t intid)
{
	int t = lpi_target(d, intid);
	if (t >= 0 && (unsigned)t != vcpu)
		d->cpu[vcpu]->fold_kick |= 1U << t;
	mark_lpi(d, t >= 0 ? (unsigned)t : vcpu, intid);
}

static inline __attribute__((always_inline)) void fold_lrs(struct vgic *d, unsigned vcpu,
							   const uint64_t *lrs)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	for (unsigned i = 0; i < c->used_lrs; i++) {
		uint32_t intid = c->lr_intid[i];
		struct virq *irq = irq_at(d, vcpu, intid);
		c->lr_intid[i] = VGIC_SPURIOUS;
		if (!irq)
			continue;
		irq->lr_owner = VGIC_NO_VCPU;
		bool pending = lrs[i] & LR_STATE_PENDING;
		irq->active = lrs[i] & LR_STATE_ACTIVE;
		/* The guest acknowledged it: the edge (or software pend) is consumed, but not
		 * one that came after the LR was written. */
		if (!pending)
			irq->latch = irq->relatch;
		irq->relatch = false;
		if (irq->sampled && !pending)
			c->hw_pending &= ~(1U << intid); /* taken: nothing left to re-sample */
		if (irq->hw && !irq->active && !irq->latch)
			irq->hw = false;
		if (is_pending(irq) || irq->active) {
			if (unlikely(intid >= VGIC_NR_IRQS))
				mark_folded_lpi(d, vcpu, intid);
			else
				mark(d, vcpu, intid);
		}
	}
	c->used_lrs = 0;
	c->lrs_stale = true;
}

/* Order for list registers when there are more candidates than registers: active first
 * (the guest must find them to deactivate), then by priority, then by INTID. */
static uint32_t lr_rank(const struct virq *irq, uint32_t intid)
{
	return ((irq->active ? 0U : 1U) << 24) | ((uint32_t)irq->priority << 16) | intid;
}

/* One more candidate than list registers: keep the best n, sorted. Out of line: rare. */
static __attribute__((noinline)) void keep_best(uint32_t *best, unsigned n, bool sorted,
						uint32_t rank)
{
	ANALYZER_ASSUME(n >= 1 && n <= VGIC_MAX_LRS); /* n is d->nr_lrs: vgic_init() */
	if (!sorted)
		for (unsigned i = 1; i < n; i++) {
			uint32_t x = best[i];
			unsigned j = i;
			for (; j > 0 && best[j - 1] > x; j--)
				best[j] = best[j - 1];
			best[j] = x;
		}
	if (rank > best[n - 1])
		return;
	unsigned pos = n - 1;
	for (; pos > 0 && best[pos - 1] > rank; pos--)
		best[pos] = best[pos - 1];
	best[pos] = rank;
}

/* The LPIs among the candidates for vcpu's list registers (build_lrs' loop, for them). */
static __attribute__((noinline, cold)) unsigned rank_lpis(struct vgic *d, unsigned vcpu,
							  uint32_t *best, unsigned total)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	unsigned nr_lrs = d->nr_lrs;
	for (unsigned words = c->lpi_words; words; words &= words - 1) {
		unsigned w = (unsigned)__builtin_ctz(words);
		uint64_t keep = c->lpi_maybe_pending[w];
		for (uint64_t bits = keep; bits; bits &= bits - 1) {
			unsigned bit = (unsigned)__builtin_ctzl(bits);
			uint32_t intid = lpi_intid(w, bit);
			struct virq *irq = &d->lpi[intid - VGIC_LPI_BASE];
			if (!candidate_for(d, vcpu, lpi_target(d, intid), irq)) {
				keep &= ~(1UL << bit);
				continue;
			}
			if (total < nr_lrs)
				best[total] = lr_rank(irq, intid);
			else
				keep_best(best, nr_lrs, total > nr_lrs, lr_rank(irq, intid));
			total++;
		}
		c->lpi_maybe_pending[w] = keep;
		if (!keep)
			c->lpi_words &= (uint16_t) ~(1U << w);
	}
	return total;
}

static inline __attribute__((always_inline)) unsigned build_lrs(struct vgic *d, unsigned vcpu,
								uint64_t *lrs)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	uint32_t best[VGIC_MAX_LRS];
	unsigned total = 0, nr_lrs = d->nr_lrs;
	for (unsigned words = c->pending_words; words; words &= words - 1) {
		unsigned w = (unsigned)__builtin_ctz(words);
		uint64_t keep = c->maybe_pending[w];
		for (uint64_t bits = keep; bits; bits &= bits - 1) {
			unsigned bit = (unsigned)__builtin_ctzl(bits);
			uint32_t intid = w * 64 + bit;
			struct virq *irq = irq_at(d, vcpu, intid);
			if (!candidate(d, vcpu, intid, irq)) {
				keep &= ~(1UL << bit); /* nothing to deliver: forget it */
				continue;
			}
			/* The common case fits: no order needed. Past that, keep the best. */
			if (total < nr_lrs)
				best[total] = lr_rank(irq, intid);
			else
				keep_best(best, nr_lrs, total > nr_lrs, lr_rank(irq, intid));
			total++;
		}
		c->maybe_pending[w] = keep;
		if (!keep)
			c->pending_words &= (uint8_t) ~(1U << w);
	}
	if (unlikely(c->lpi_words))
		total = rank_lpis(d, vcpu, best, total);
	unsigned n = MIN(total, nr_lrs);
	for (unsigned i = 0; i < n; i++) {
		uint32_t intid = best[i] & 0xffff;
		struct virq *irq = irq_at(d, vcpu, intid);
		uint64_t lr = intid | ((uint64_t)irq->priority << LR_PRIO_SHIFT) | LR_GROUP1;
		if (irq->active)
			lr |= LR_STATE_ACTIVE;
		/* A hardware-linked LR may not be pending and active at once. */
		if (is_pending(irq) && !(irq->hw && irq->active))
			lr |= LR_STATE_PENDING;
		if (irq->hw) {
			lr |= LR_HW | ((uint64_t)irq->hw_intid << LR_PINTID_SHIFT);
			if ((lr & LR_STATE_PENDING) && irq->sampled)
				c->hw_pending |= 1U << intid;
		}
		lrs[i] = lr;
		c->lr_intid[i] = intid;
		irq->lr_owner = (uint8_t)vcpu;
	}
	c->used_lrs = n;
	c->underflow_irq = total > n;
	c->lrs_stale = c->hw_pending != 0; /* see vgic_cpu.hw_pending */
	return n;
}

void vgic_fold_lrs(struct vgic *d, unsigned vcpu, const uint64_t *lrs)
{
	spin_assert_held(&d->lock);
	fold_lrs(d, vcpu, lrs);
}

unsigned vgic_build_lrs(struct vgic *d, unsigned vcpu, uint64_t *lrs)
{
	spin_assert_held(&d->lock);
	return build_lrs(d, vcpu, lrs);
}

/* All at once, the way every entry with stale list registers needs them. */
unsigned vgic_refold_lrs(struct vgic *d, unsigned vcpu, uint64_t *lrs, uint32_t *hw)
{
	spin_assert_held(&d->lock);
	struct vgic_cpu *c = d->cpu[vcpu];
	if (c->used_lrs)
		fold_lrs(d, vcpu, lrs);
	if (unlikely(*hw))
		*hw = vgic_hw_resample(d, vcpu, *hw);
	return build_lrs(d, vcpu, lrs);
}

/* ---- LPIs ---- */

#define LPI_ID_BITS	      14 /* GICD_TYPER.IDbits + 1: INTIDs below 16384 */
#define LPI_NUM_FIELD	      9	 /* GICD_TYPER.num_LPIs: 2^(9 + 1) = VGIC_NR_LPIS */
#define PROPBASER_IDBITS(v)   ((unsigned)(v)&0x1f)
#define PROPBASER_WRITABLE    VGIC_PROPBASER_WRITABLE
#define PENDBASER_WRITABLE    VGIC_PENDBASER_WRITABLE
#define PENDBASER_PTZ	      VGIC_PENDBASER_PTZ
#define GICR_CTLR_ENABLE_LPIS 1U
#define GICR_TYPER_PLPIS      1U
#define LPI_CFG_ENABLE	      1U

_Static_assert(VGIC_NR_LPIS == 1U << (LPI_NUM_FIELD + 1), "num_LPIs matches the LPI table");
_Static_assert(VGIC_LPI_BASE + VGIC_NR_LPIS <= 0x10000, "LPI INTIDs fit lr_rank's 16 bits");
_Static_assert(VGIC_LPI_WORDS <= 16, "lpi_words has a bit per LPI bitmap word");

void vgic_attach_lpis(struct vgic *d, struct virq *lpi, struct vgic_mem mem)
{
	memset(lpi, 0, VGIC_NR_LPIS * sizeof(*lpi));
	for (unsigned i = 0; i < VGIC_NR_LPIS; i++) {
		lpi[i].edge = true; /* LPIs are message-based: edges */
		lpi[i].lr_owner = VGIC_NO_VCPU;
		lpi[i].lpi_vcpu = VGIC_NO_VCPU;
	}
	d->lpi = lpi;
	d->mem = mem;
	d->lpi_table_faults = 0;
}

/* The LPI's byte in the configuration table of vcpu's redistributor, or 0 (disabled) when the
 * table does not cover it or lies outside the VM's RAM: a guest's broken table disables its
 * own LPIs, nothing else. */
static uint8_t lpi_config_byte(struct vgic *d, unsigned vcpu, uint32_t intid)
{
	uint64_t prop = d->cpu[vcpu]->propbaser;
	unsigned bits = MIN(PROPBASER_IDBITS(prop) + 1, LPI_ID_BITS);
	if (intid >= 1U << bits)
		return 0;
	const volatile uint8_t *p =
	    d->mem.map(d->mem.ctx, (prop & GENMASK(51, 12)) + intid - VGIC_LPI_BASE, 1);
	if (!p) {
		d->lpi_table_faults++;
		return 0;
	}
	return *p;
}

/* The kick mask of vCPU t (-1: none). t < nr_vcpus <= VGIC_MAX_VCPUS <= 32, said again
 * for the analyzer, which cannot see nr_vcpus' bound. */
static uint32_t kick_of(int t)
{
	return t >= 0 && t < VGIC_MAX_VCPUS ? 1U << t : 0;
}

/* Withdraws an LPI from the list registers that hold it: they are rebuilt without it, at
 * the holder's next entry (it is kicked for that). */
static uint32_t withdraw(struct vgic *d, struct virq *irq)
{
	if (irq->lr_owner == VGIC_NO_VCPU)
		return 0;
	d->cpu[irq->lr_owner]->lrs_stale = true;
	return 1U << irq->lr_owner;
}

uint32_t vgic_lpi_reload(struct vgic *d, uint32_t intid)
{
	spin_assert_held(&d->lock);
	struct virq *irq = lpi_irq(d, intid);
	if (!irq)
		return 0;
	unsigned v = irq->lpi_vcpu < d->nr_vcpus ? irq->lpi_vcpu : 0;
	uint8_t cfg = lpi_config_byte(d, v, intid);
	irq->priority = cfg & PRIO_MASK;
	irq->enabled = cfg & LPI_CFG_ENABLE;
	return withdraw(d, irq) | kick_of(note_lpi(d, intid));
}

uint32_t vgic_lpi_route(struct vgic *d, uint32_t intid, unsigned vcpu)
{
	spin_assert_held(&d->lock);
	struct virq *irq = lpi_irq(d, intid);
	if (!irq)
		return 0;
	irq->lpi_vcpu = vcpu < d->nr_vcpus ? (uint8_t)vcpu : VGIC_NO_VCPU;
	if (irq->lpi_vcpu == VGIC_NO_VCPU)
		irq->latch = irq->relatch = false; /* unmapped: its pending state goes */
	return withdraw(d, irq) | kick_of(note_lpi(d, intid));
}

uint32_t vgic_lpi_raise(struct vgic *d, uint32_t intid)
{
	spin_assert_held(&d->lock);
	struct virq *irq = lpi_irq(d, intid);
	if (!irq)
		return 0;
	latch(irq);
	return kick_of(note_lpi(d, intid));
}

uint32_t vgic_lpi_clear(struct vgic *d, uint32_t intid)
{
	spin_assert_held(&d->lock);
	struct virq *irq = lpi_irq(d, intid);
	if (!irq)
		return 0;
	irq->latch = irq->relatch = false;
	return withdraw(d, irq);
}

uint32_t vgic_lpi_move_all(struct vgic *d, unsigned from, unsigned to)
{
	spin_assert_held(&d->lock);
	uint32_t kick = 0;
	if (!d->lpi || from >= d->nr_vcpus || to >= d->nr_vcpus)
		return 0;
	for (uint32_t i = 0; i < VGIC_NR_LPIS; i++)
		if (d->lpi[i].lpi_vcpu == from)
			kick |= vgic_lpi_route(d, VGIC_LPI_BASE + i, to);
	return kick;
}

/* EnableLPIs set: the redistributor takes over its pending table (unless the guest said it
 * is zeroed: PTZ), and the LPIs routed to it become deliverable. */
static uint32_t enable_lpis(struct vgic *d, unsigned vcpu)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	c->lpis_enabled = true;
	if (!(c->pendbaser & PENDBASER_PTZ)) {
		uint64_t base = (c->pendbaser & GENMASK(51, 16)) + VGIC_LPI_BASE / 8;
		const volatile uint8_t *p = d->mem.map(d->mem.ctx, base, VGIC_NR_LPIS / 8);
		if (!p)
			d->lpi_table_faults++;
		for (unsigned i = 0; p && i < VGIC_NR_LPIS; i++)
			if (p[i / 8] & (1U << (i % 8)))
				latch(&d->lpi[i]);
	}
	uint32_t kick = 0;
	for (uint32_t i = 0; i < VGIC_NR_LPIS; i++)
		if (d->lpi[i].lpi_vcpu == vcpu)
			kick |= kick_of(note_lpi(d, VGIC_LPI_BASE + i));
	return kick;
}

static bool lpi_redist_read(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size,
			    uint64_t *val)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	uint64_t r = (off & ~7U) == 0x70 ? c->propbaser : c->pendbaser & ~PENDBASER_PTZ;
	*val = size == 8 ? r : (off & 4) ? r >> 32 : (uint32_t)r;
	return true;
}

/* PROPBASER and PENDBASER, whole or in halves: fixed once LPIs are on (the architecture
 * leaves a change then UNPREDICTABLE; here it is ignored). */
static bool lpi_redist_write(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size,
			     uint64_t val)
{
	struct vgic_cpu *c = d->cpu[vcpu];
	if (c->lpis_enabled)
		return true;
	bool prop = (off & ~7U) == 0x70;
	uint64_t *reg = prop ? &c->propbaser : &c->pendbaser;
	uint64_t r = *reg;
	if (size == 8)
		r = val;
	else if (off & 4)
		r = (r & 0xffffffffUL) | (val << 32);
	else
		r = (r & ~0xffffffffUL) | (uint32_t)val;
	*reg = r & (prop ? PROPBASER_WRITABLE : PENDBASER_WRITABLE | PENDBASER_PTZ);
	return true;
}

/* ---- register emulation ---- */

enum bitreg { REG_ENABLE, REG_PEND, REG_ACTIVE };

static uint32_t read_bits(struct vgic *d, unsigned vcpu, uint32_t first, enum bitreg which)
{
	uint32_t v = 0;
	for (unsigned b = 0; b < 32; b++) {
		struct virq *irq = vgic_irq(d, vcpu, first + b);
		if (!irq)
			break;
		bool on = which == REG_ENABLE ? irq->enabled
			  : which == REG_PEND ? is_pending(irq)
					      : irq->active;
		v |= (uint32_t)on << b;
	}
	return v;
}

static uint32_t write_bits(struct vgic *d, unsigned vcpu, uint32_t first, enum bitreg which,
			   bool set, uint32_t val)
{
	uint32_t kick = 0;
	for (unsigned b = 0; b < 32; b++) {
		if (!(val & (1U << b)))
			continue;
		struct virq *irq = vgic_irq(d, vcpu, first + b);
		if (!irq)
			break;
		if (which == REG_ENABLE)
			irq->enabled = set;
		else if (which == REG_PEND && set)
			latch(irq);
		else if (which == REG_PEND)
			irq->latch = irq->relatch = false; /* a level source's line stays */
		else
			irq->active = set;
		int t = vgic_target(d, vcpu, first + b);
		if (t >= 0) {
			mark(d, (unsigned)t, first + b);
			if (set)
				kick |= 1U << t;
		}
	}
	return kick;
}

/* The ISENABLER..ICACTIVER block (0x100..0x3ff) and priorities/config, common to the
 * distributor (SPIs) and the SGI frame (private interrupts). first_n is the register index
 * of INTID 0's register that is valid in this frame. */
static bool common_read(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t *val,
			bool private_frame)
{
	uint32_t lo = private_frame ? 0 : VGIC_NR_PRIVATE;
	uint32_t hi = private_frame ? VGIC_NR_PRIVATE : VGIC_NR_IRQS;
	*val = 0;
	if (off >= 0x400 && off < 0x800) { /* IPRIORITYR: byte or word */
		if (size != 1 && size != 4)
			return false;
		for (unsigned i = 0; i < size; i++) {
			uint32_t intid = off - 0x400 + i;
			if (intid >= lo && intid < hi)
				*val |= (uint64_t)vgic_irq(d, vcpu, intid)->priority << (8 * i);
		}
		return true;
	}
	if (size != 4)
		return false;
	if (off >= 0x80 && off < 0xd00) {
		unsigned n = (off & 0x7f) / 4;
		uint32_t first = n * 32;
		if (first < lo || first >= hi)
			return true; /* RAZ */
		switch (off & ~0x7fU) {
		case 0x080: /* IGROUPR: every interrupt is Group 1 */
			*val = 0xffffffff;
			return true;
		case 0x100:
		case 0x180:
			*val = read_bits(d, vcpu, first, REG_ENABLE);
			return true;
		case 0x200:
		case 0x280:
			*val = read_bits(d, vcpu, first, REG_PEND);
			return true;
		case 0x300:
		case 0x380:
			*val = read_bits(d, vcpu, first, REG_ACTIVE);
			return true;
		}
	}
	if (off >= 0xc00 && off < 0xd00) { /* ICFGR: 2 bits per INTID, bit 1 = edge */
		uint32_t first = (off - 0xc00) / 4 * 16;
		for (unsigned i = 0; i < 16; i++) {
			uint32_t intid = first + i;
			if (intid >= lo && intid < hi && vgic_irq(d, vcpu, intid)->edge)
				*val |= 2UL << (2 * i);
		}
	}
	return true;
}

static bool common_write(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t val,
			 uint32_t *kick, bool private_frame)
{
	uint32_t lo = private_frame ? 0 : VGIC_NR_PRIVATE;
	uint32_t hi = private_frame ? VGIC_NR_PRIVATE : VGIC_NR_IRQS;
	if (off >= 0x400 && off < 0x800) {
		if (size != 1 && size != 4)
			return false;
		for (unsigned i = 0; i < size; i++) {
			uint32_t intid = off - 0x400 + i;
			if (intid >= lo && intid < hi)
				vgic_irq(d, vcpu, intid)->priority = (val >> (8 * i)) & PRIO_MASK;
		}
		return true;
	}
	if (size != 4)
		return false;
	uint32_t v = (uint32_t)val;
	if (off >= 0x100 && off < 0x400) {
		uint32_t first = (off & 0x7f) / 4 * 32;
		if (first < lo || first >= hi)
			return true; /* WI */
		bool set = !(off & 0x80);
		enum bitreg which = off < 0x200 ? REG_ENABLE : off < 0x300 ? REG_PEND : REG_ACTIVE;
		*kick |= write_bits(d, vcpu, first, which, set, v);
		return true;
	}
	if (off >= 0xc00 && off < 0xd00) {
		uint32_t first = (off - 0xc00) / 4 * 16;
		/* SGIs are always edge and PPIs fixed: only SPIs are configurable. */
		for (unsigned i = 0; i < 16; i++) {
			uint32_t intid = first + i;
			if (intid >= VGIC_NR_PRIVATE && intid < hi && intid >= lo)
				vgic_irq(d, vcpu, intid)->edge = (v >> (2 * i + 1)) & 1;
		}
	}
	return true; /* everything else in the block is RAZ/WI */
}

#define GICD_TYPER_VALUE                                                                           \
	((VGIC_NR_IRQS / 32 - 1) | (9U << 19) /* 10 INTID bits */ | (1U << 25) /* No1N */)
/* With LPIs: LPIS, IDbits for INTIDs up to 16383, num_LPIs for the ones there are. */
#define GICD_TYPER_LPIS                                                                            \
	((1U << 17) | ((LPI_ID_BITS - 1U) << 19) | (LPI_NUM_FIELD << 11) | (1U << 25) |            \
	 (VGIC_NR_IRQS / 32 - 1))
#define GIC_PIDR2_V3	0x3b
#define GICD_IIDR_VALUE 0x0001543bU /* implementer Arm (0x43b), product 'T'riad */

bool vgic_dist_read(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t *val)
{
	spin_assert_held(&d->lock);
	if (off >= GICD_SIZE || (off & (size - 1)))
		return false;
	*val = 0;
	if (off >= 0x6000 && off < 0x8000) { /* IROUTER<n>, 64-bit or 32-bit halves */
		if (size != 8 && size != 4)
			return false;
		uint32_t intid = (off - 0x6000) / 8;
		if (intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS) {
			uint64_t r = d->spi[intid - VGIC_NR_PRIVATE].irouter & MPIDR_AFF_MASK;
			*val = size == 8 ? r : (off & 4) ? r >> 32 : (uint32_t)r;
		}
		return true;
	}
	if (off < 0x80 || off >= 0xc000) {
		if (size != 4)
			return false;
		switch (off) {
		case 0x0:
			*val = d->ctlr;
			break;
		case 0x4:
			*val = (d->lpi ? GICD_TYPER_LPIS : GICD_TYPER_VALUE) |
			       ((MIN(d->nr_vcpus, 8) - 1) << 5);
			break;
		case 0x8:
			*val = GICD_IIDR_VALUE;
			break;
		case 0xffe8:
			*val = GIC_PIDR2_V3;
			break;
		}
		return true;
	}
	return common_read(d, vcpu, off, size, val, false);
}

bool vgic_dist_write(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t val,
		     uint32_t *kick)
{
	spin_assert_held(&d->lock);
	if (off >= GICD_SIZE || (off & (size - 1)))
		return false;
	stale_all(d);
	if (off >= 0x6000 && off < 0x8000) {
		if (size != 8 && size != 4)
			return false;
		uint32_t intid = (off - 0x6000) / 8;
		if (intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS) {
			struct virq *irq = &d->spi[intid - VGIC_NR_PRIVATE];
			uint64_t r = irq->irouter & MPIDR_AFF_MASK;
			if (size == 8)
				r = val;
			else if (off & 4)
				r = (r & 0xffffffffUL) | (val << 32);
			else
				r = (r & ~0xffffffffUL) | (uint32_t)val;
			irq->irouter = r & MPIDR_AFF_MASK;
			*kick |= note_all(d);
		}
		return true;
	}
	if (off < 0x80 || off >= 0xc000) {
		if (size != 4)
			return false;
		if (off == 0x0) {
			d->ctlr = (d->ctlr & ~(GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)) |
				  ((uint32_t)val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1));
			*kick |= note_all(d);
		}
		return true; /* TYPER, IIDR, ID registers: read-only; reserved: WI */
	}
	return common_write(d, vcpu, off, size, val, kick, false);
}

bool vgic_redist_read(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t *val)
{
	if (off >= 2 * GICR_SGI || (off & (size - 1)))
		return false;
	spin_assert_held(&d->lock);
	struct vgic_cpu *c = d->cpu[vcpu];
	*val = 0;
	if (off >= GICR_SGI)
		return common_read(d, vcpu, off - GICR_SGI, size, val, true);
	if (off == 0x8 || off == 0xc) { /* TYPER, 64-bit or halves */
		uint64_t mp = c->mpidr;
		uint64_t aff = (mp & 0xffffff) | ((mp >> 32 & 0xff) << 24);
		uint64_t t = (aff << 32) | ((uint64_t)vcpu << 8) |
			     (vcpu + 1 == d->nr_vcpus ? (1U << 4) : 0) |
			     (d->lpi ? GICR_TYPER_PLPIS : 0);
		if (size == 8 && off == 0x8)
			*val = t;
		else if (size == 4)
			*val = off == 0x8 ? (uint32_t)t : t >> 32;
		else
			return false;
		return true;
	}
	if (size != 4 && !(size == 8 && (off == 0x70 || off == 0x78)))
		return false;
	if (off >= 0x70 && off < 0x80)
		return d->lpi ? lpi_redist_read(d, vcpu, off, size, val) : true;
	switch (off) {
	case 0x0:
		*val = c->lpis_enabled ? GICR_CTLR_ENABLE_LPIS : 0;
		break;
	case 0x4:
		*val = GICD_IIDR_VALUE;
		break;
	case 0x14: /* WAKER: ChildrenAsleep follows ProcessorSleep at once */
		*val = c->waker_sleep ? 0x6 : 0;
		break;
	case 0xffe8:
		*val = GIC_PIDR2_V3;
		break;
	}
	return true;
}

bool vgic_redist_write(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t val,
		       uint32_t *kick)
{
	if (off >= 2 * GICR_SGI || (off & (size - 1)))
		return false;
	spin_assert_held(&d->lock);
	stale_all(d);
	if (off >= GICR_SGI)
		return common_write(d, vcpu, off - GICR_SGI, size, val, kick, true);
	if (size != 4 && !(size == 8 && (off == 0x70 || off == 0x78)))
		return false;
	if (off == 0x14)
		d->cpu[vcpu]->waker_sleep = val & 0x2;
	if (!d->lpi)
		return true; /* CTLR (no LPIs), TYPER and ID registers: WI */
	if (off >= 0x70 && off < 0x80)
		return lpi_redist_write(d, vcpu, off, size, val);
	if (off == 0x0 && (val & GICR_CTLR_ENABLE_LPIS) && !d->cpu[vcpu]->lpis_enabled)
		*kick |= enable_lpis(d, vcpu);
	return true; /* TYPER and ID registers: WI */
}
