/*
 * Virtual GICv3: per-interrupt state of one VM, the guest's distributor and redistributor
 * registers, and the conversion between that state and the CPU's list registers.
 * Everything here is pure logic (no system registers), so it is unit-tested on the host;
 * irq/vgic_hw.c moves list registers in and out of the CPU.
 */
#ifndef TRIAD_VGIC_H
#define TRIAD_VGIC_H

#include <arch/gic_regs.h>
#include <arch/mpidr.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/config.h>
#include <triad/spinlock.h>
#include <triad/util.h>

#define VGIC_NR_PRIVATE 32
#define VGIC_NR_SPIS	256 /* INTIDs 32..287, like QEMU's GIC */
#define VGIC_NR_IRQS	(VGIC_NR_PRIVATE + VGIC_NR_SPIS)
#define VGIC_MAX_LRS	16
#define VGIC_MAX_VCPUS	MAX_VCPUS /* its vCPU masks are 32 bits wide */
_Static_assert(VGIC_MAX_VCPUS <= 32, "the vGIC's vCPU masks are 32 bits wide");
#define VGIC_SPURIOUS 1023
#define VGIC_NO_VCPU  0xff
#define VGIC_BM_WORDS ((VGIC_NR_IRQS + 63) / 64)
/* LPIs (with the vITS, irq/vits.c): INTIDs 8192.. . Their pending bitmaps are apart from the
 * others', so that the paths of SGIs, PPIs and SPIs stay as short as without them. */
#define VGIC_LPI_BASE  8192
#define VGIC_NR_LPIS   1024
#define VGIC_LPI_WORDS (VGIC_NR_LPIS / 64)
/* Priority bits the vGIC keeps: 5, as the CPU interface implements (ICH_VTR.PRIbits). */
#define VGIC_PRIO_MASK 0xf8
/* The bits of GICR_PROPBASER and GICR_PENDBASER the guest can set (and PENDBASER.PTZ, kept). */
#define VGIC_PROPBASER_WRITABLE (GENMASK(58, 56) | GENMASK(51, 12) | GENMASK(11, 7) | 0x1f)
#define VGIC_PENDBASER_WRITABLE (GENMASK(58, 56) | GENMASK(51, 16) | GENMASK(11, 7))
#define VGIC_PENDBASER_PTZ	(1UL << 62)

#define GICD_BASE_IPA 0x08000000UL
#define GICD_SIZE     0x10000UL
#define GICR_BASE_IPA 0x080a0000UL

struct virq {
	uint8_t priority;
	bool enabled;
	bool edge;    /* edge-triggered (else level) */
	bool latch;   /* pending state set by an edge, ISPENDR or a hardware source */
	bool relatch; /* latched again while in a list register: survives the guest's ack */
	bool line;    /* input level for level-triggered sources */
	bool active;
	bool hw;      /* linked to physical INTID hw_intid: the guest's deactivation reaches it */
	bool sampled; /* private, linked to a level Triad samples at exits (vgic_hw_resample) */
	uint16_t hw_intid;
	uint8_t lr_owner; /* vCPU whose list registers hold it now, or VGIC_NO_VCPU */
	uint8_t lpi_vcpu; /* LPIs: the vCPU its ITS collection targets, or VGIC_NO_VCPU */
	uint64_t irouter; /* SPIs: GICD_IROUTER value */
};

struct vgic_cpu {
	struct virq priv[VGIC_NR_PRIVATE];
	uint64_t mpidr;	  /* the vCPU's affinity (VMPIDR_EL2) */
	bool waker_sleep; /* GICR_WAKER.ProcessorSleep */
	/* vCPUs that LPIs folded back from these list registers were moved to (ITS MOVI):
	 * they are kicked at this vCPU's next entry (vgic_refresh_lrs), where no lock is held. */
	uint32_t fold_kick;
	/* INTIDs that may need delivering to this vCPU; rechecked at the next entry. */
	uint64_t maybe_pending[VGIC_BM_WORDS];
	uint8_t pending_words; /* which words of maybe_pending may be non-zero */
	uint16_t lpi_words;    /* the same for lpi_maybe_pending */
	/* What the list registers held at the last entry (INTID, or VGIC_SPURIOUS if free). */
	uint32_t lr_intid[VGIC_MAX_LRS];
	unsigned used_lrs;
	bool underflow_irq; /* ICH_HCR_EL2.UIE wanted: more pending than list registers */
	/* The list registers no longer match the state (an interrupt was marked, a register
	 * written): read them back and rebuild them before the next entry. Until then they
	 * stay in the CPU across exits, the common case. */
	bool lrs_stale;
	/* Sampled hardware-linked interrupts (struct virq.sampled) offered to the guest (pending
	 * in a list register) or pending undeliverable, not yet taken (bit per INTID). Their
	 * source is a level that
	 * can drop before the guest takes them (it turns its timer off): while any is here the
	 * list registers stay stale, so that every exit reads them back, and the source is
	 * sampled again (vgic_hw_resample). */
	uint32_t hw_pending;
	uint64_t injected; /* statistics: interrupts made deliverable to it */
	/* LPIs: GICR_CTLR.EnableLPIs (sticky once set, as the architecture allows), and the
	 * guest's tables: configuration (priority, enable) and pending state. */
	bool lpis_enabled;
	uint64_t propbaser, pendbaser;
	/* LPIs that may need delivering to this vCPU, as maybe_pending (bit n: LPI 8192 + n). */
	uint64_t lpi_maybe_pending[VGIC_LPI_WORDS];
};

/* How the vGIC reads the guest's LPI tables: a checked accessor that returns Triad's pointer
 * to [ipa, ipa + len) of the VM's RAM, or NULL (vm_guest_map at EL2). */
struct vgic_mem {
	void *(*map)(void *ctx, uint64_t ipa, uint64_t len);
	void *ctx;
};

struct vgic {
	spinlock_t lock;
	uint32_t ctlr; /* GICD_CTLR: EnableGrp0/1, ARE, DS as the guest sees them */
	unsigned nr_vcpus;
	unsigned nr_lrs; /* list registers the CPU implements */
	struct virq spi[VGIC_NR_SPIS];
	struct vgic_cpu *cpu[VGIC_MAX_VCPUS];
	/* LPI state (VGIC_NR_LPIS entries), or NULL: a VM without an ITS has no LPIs. */
	struct virq *lpi;
	struct vgic_mem mem;
	unsigned lpi_table_faults; /* configuration or pending bytes found outside RAM */
};

/* GICD_CTLR bits in the single-security-state view (DS=1) the guest gets. */
#define GICD_CTLR_ENABLE_G0 (1U << 0)
#define GICD_CTLR_ENABLE_G1 (1U << 1)
#define GICD_CTLR_ARE	    (1U << 4)

void vgic_init(struct vgic *d, unsigned nr_vcpus, unsigned nr_lrs);
void vgic_cpu_init(struct vgic *d, struct vgic_cpu *c, unsigned idx, uint64_t mpidr);
/* The vCPU powers on (PSCI CPU_ON): its private interrupts reset, but not its redistributor's
 * LPI programming (tables, EnableLPIs), which is not the CPU's: Linux leaves it as it was
 * across a CPU hotplug, and its pending LPIs stay pending. */
void vgic_cpu_power_on(struct vgic *d, struct vgic_cpu *c, unsigned idx, uint64_t mpidr);
/* Gives the vGIC LPIs (GICD_TYPER.LPIS, GICR_PROPBASER/PENDBASER, EnableLPIs): `lpi` is room for
 * VGIC_NR_LPIS interrupts, `mem` reads the guest's tables. After vgic_init, at each reset. */
void vgic_attach_lpis(struct vgic *d, struct virq *lpi, struct vgic_mem mem);

/* The caller holds d->lock for all of the following. */
struct virq *vgic_irq(struct vgic *d, unsigned vcpu, uint32_t intid);
/* Which vCPU an interrupt is delivered to (private: its owner; SPI: IROUTER). */
int vgic_target(const struct vgic *d, unsigned vcpu, uint32_t intid);
/* Source interfaces: an edge (or software pend), and a level-sensitive line. Both return
 * the vCPU that must be kicked to notice, or -1. */
int vgic_inject_edge(struct vgic *d, unsigned vcpu, uint32_t intid);
int vgic_set_line(struct vgic *d, unsigned vcpu, uint32_t intid, bool level);
/* A hardware-linked interrupt fired (the PMU's PPI, a passthrough SPI): pending until the
 * guest takes it. */
int vgic_inject_hw(struct vgic *d, unsigned vcpu, uint32_t intid, uint16_t pintid);
/* The same for a private interrupt whose source is a level Triad can sample (the virtual
 * timer's): pending until the guest takes it, or until its source is found low
 * (vgic_hw_resample). */
int vgic_inject_hw_level(struct vgic *d, unsigned vcpu, uint32_t intid, uint16_t pintid);
/* Samples the sources of vcpu's pending hardware-linked interrupts again, on folded state
 * (its list registers read back): `low` has a bit per private INTID whose source (a level)
 * is low now. Such an interrupt, if the guest has not taken it, is pending no more: it is
 * unlinked and returned, its physical interrupt (active since Triad acknowledged it) the
 * caller's to deactivate. One the guest has taken stays linked: its deactivation reaches
 * the physical one. */
uint32_t vgic_hw_resample(struct vgic *d, unsigned vcpu, uint32_t low);
/* Detaches a hardware-linked interrupt from its physical one (the vCPU leaves the CPU):
 * returns true if it was linked, so the physical interrupt is still active and must be
 * deactivated by the caller. The virtual state stays as it is. */
bool vgic_unlink_hw(struct vgic *d, unsigned vcpu, uint32_t intid);
/* An SGI written by vcpu `from` to ICC_SGI1R_EL1; returns a bitmap of vCPUs to kick. */
uint32_t vgic_send_sgi(struct vgic *d, unsigned from, uint64_t sgi1r);
/* Whether a vCPU has an interrupt it could take (used to wake it from WFI). */
bool vgic_has_pending(struct vgic *d, unsigned vcpu);

/* LPIs (the caller holds d->lock). Each returns a bitmap of vCPUs to kick: the LPI's target,
 * and the vCPU whose list registers hold it if they must give it up. */
/* Routes an LPI to vCPU `vcpu` (VGIC_NO_VCPU: unmapped, its pending state dropped). A pending
 * LPI moves with it. */
uint32_t vgic_lpi_route(struct vgic *d, uint32_t intid, unsigned vcpu);
/* Reads an LPI's configuration byte from the guest's table again (an ITS INV, a new map). */
uint32_t vgic_lpi_reload(struct vgic *d, uint32_t intid);
/* Makes an LPI pending (ITS INT, an MSI). */
uint32_t vgic_lpi_raise(struct vgic *d, uint32_t intid);
/* Clears an LPI's pending state (ITS CLEAR). */
uint32_t vgic_lpi_clear(struct vgic *d, uint32_t intid);
/* Every LPI routed to `from` goes to `to` (ITS MOVALL). */
uint32_t vgic_lpi_move_all(struct vgic *d, unsigned from, unsigned to);
static inline bool vgic_is_lpi(uint32_t intid)
{
	return intid - VGIC_LPI_BASE < VGIC_NR_LPIS;
}

/* List-register image: fold the registers read back into the state, then build the
 * registers for the next entry (returns the number of LRs to write). Folding marks the
 * list registers stale, building makes them current. */
void vgic_fold_lrs(struct vgic *d, unsigned vcpu, const uint64_t *lrs);
unsigned vgic_build_lrs(struct vgic *d, unsigned vcpu, uint64_t *lrs);
/* Fold (if the vCPU has list registers in use), re-sample its hardware-linked interrupts if
 * *hw (sources low now) is not 0 (vgic_hw_resample; *hw becomes what it returns), then build,
 * in the same array. */
unsigned vgic_refold_lrs(struct vgic *d, unsigned vcpu, uint64_t *lrs, uint32_t *hw);

/* Register emulation. Offsets are within the 64 KB distributor frame, or within the
 * vCPU's 128 KB redistributor (RD_base + SGI_base). Returns false for an access that
 * has no architectural meaning (bad size/alignment), which the caller turns into an abort;
 * unknown offsets read as zero and ignore writes. */
bool vgic_dist_read(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t *val);
bool vgic_dist_write(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t val,
		     uint32_t *kick);
bool vgic_redist_read(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t *val);
bool vgic_redist_write(struct vgic *d, unsigned vcpu, uint32_t off, unsigned size, uint64_t val,
		       uint32_t *kick);

#endif
