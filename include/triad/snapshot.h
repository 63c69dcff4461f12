/*
 * VM snapshots (docs/snapshot.md): the records a snapshot file's sections hold
 * (include/triad/snapshot_format.h), turning a quiesced VM's state into them and back
 * (core/snapshot_state.c: pure, host-tested), and saving and restoring whole VMs
 * (core/snapshot.c, the SAVE and RESTORE ops).
 *
 * A record embeds Triad's own structures (registers, FP, PMU): the static assertions in
 * core/snapshot_state.c fail the build when one changes size, a reminder that the file's
 * format version (SNAP_FORMAT_VERSION) must change with it.
 */
#ifndef TRIAD_SNAPSHOT_H
#define TRIAD_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <triad/vcpu.h>
#include <triad/vgic.h>

struct vm;
struct vm_config;

/* SNAP_SEC_VM. The guest's virtual counter goes on from `vcount` when the VM is restored:
 * the guest sees no time pass between save and restore (as across a pause). */
struct snap_vm {
	uint64_t ram_size;
	uint32_t ncpus;
	uint32_t reserved;
	uint64_t cntfrq; /* the counter's frequency: a restore on another refuses */
	uint64_t vcount; /* the virtual counter (CNTVCT) at the save */
	uint64_t pcount; /* the physical counter at the save: its timer's remaining time */
};

/* One interrupt of the vGIC, as the guest can see it (nothing of list registers). */
struct snap_virq {
	uint8_t priority;
	uint8_t flags; /* SNAP_VIRQ_* */
	uint8_t reserved[6];
	uint64_t irouter;
};
#define SNAP_VIRQ_ENABLED (1u << 0)
#define SNAP_VIRQ_EDGE	  (1u << 1)
#define SNAP_VIRQ_LATCH	  (1u << 2)
#define SNAP_VIRQ_LINE	  (1u << 3)
#define SNAP_VIRQ_ACTIVE  (1u << 4)
#define SNAP_VIRQ_ALL	  0x1fu

/* SNAP_SEC_VCPU, index = the vCPU's number. */
struct snap_vcpu {
	struct gp_regs regs;
	uint64_t mpidr;
	uint32_t power; /* enum vcpu_power */
	uint32_t waker_sleep;
	uint64_t on_entry, on_context; /* a PSCI CPU_ON still to be taken */
	struct el1_sysregs sys;
	struct fpsimd_state fp;
	struct vpmu_state pmu;
	uint64_t bvr[VDEBUG_MAX_SLOTS], bcr[VDEBUG_MAX_SLOTS];
	uint64_t wvr[VDEBUG_MAX_SLOTS], wcr[VDEBUG_MAX_SLOTS];
	uint64_t claim, oseccr, oslk, osdlr, dbgprcr;
	uint64_t ich_vmcr, ich_ap0r0, ich_ap1r0;
	uint64_t cntp_ctl, cntp_cval; /* the emulated EL1 physical timer */
	struct snap_virq priv[VGIC_NR_PRIVATE];
	uint32_t sve_vl; /* bytes of its SVE vectors; 0: none, and sve all zero */
	uint32_t sve_reserved;
	struct sve_regs sve; /* Z, P and FFR at sve_vl (include/triad/vcpu.h), ZCR_EL1 */
};

/* SNAP_SEC_VGIC: the distributor. */
struct snap_vgic {
	uint32_t ctlr;
	uint32_t nr_vcpus;
	struct snap_virq spi[VGIC_NR_SPIS];
};

/* core/snapshot_state.c. Packing reads a vCPU that has left the CPUs (its state in memory,
 * its list registers folded back). Checking looks at a record from a file: 0, or -EINVAL
 * and why. Unpacking one checked record changes a vCPU that is not loaded anywhere; the
 * emulated physical timer's deadline moves by now_pcount - s->pcount (its time left is
 * kept). */
void snap_vcpu_pack(const struct vcpu *v, unsigned sve_vl, struct snap_vcpu *s);
int snap_vcpu_check(const struct snap_vcpu *s, uint64_t mpidr, unsigned sve_vl, char *err,
		    size_t errlen);
void snap_vcpu_unpack(const struct snap_vcpu *s, struct vcpu *v, uint64_t pcount_shift);
void snap_vgic_pack(const struct vgic *d, struct snap_vgic *s);
int snap_vgic_check(const struct snap_vgic *s, unsigned nr_vcpus, char *err, size_t errlen);
/* After every vCPU's record: the distributor's state, and every vCPU's list registers to
 * be built from it all at its next entry. The caller holds d->lock. */
void snap_vgic_unpack(const struct snap_vgic *s, struct vgic *d);

/* core/snapshot_bundle.c: the one-VM boot bundle (docs/bundle.md) a snapshot carries, so
 * that it restores on a Triad that never saw the VM's bundle. From `bundle` (the bundle
 * the VM came from: the boot bundle, or the one it was created with), VM node `cfg->name`,
 * its kernel and initrd. Building writes its device tree into dt (cap bytes), returns its
 * size padded to 4 KiB (or a negative errno) and the whole bundle's size in *total;
 * copying writes that many bytes to out. */
long snap_bundle_dt(const void *bundle, const struct vm_config *cfg, void *dt, size_t cap,
		    uint64_t *total);
void snap_bundle_copy(uint8_t *out, const void *dt, uint64_t dt_size, const uint8_t *bundle,
		      const struct vm_config *cfg);

#endif
