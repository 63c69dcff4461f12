/* Virtual machines and their vCPUs. */
#ifndef TRIAD_VM_H
#define TRIAD_VM_H

#include <arch/regs.h>
#include <stdbool.h>
#include <stdint.h>
#include <triad/config.h>
#include <triad/ffa_hyp.h>
#include <triad/guest_dt.h>
#include <triad/sched.h>
#include <triad/softtimer.h>
#include <triad/spinlock.h>
#include <triad/vdebug.h>
#include <triad/vdev.h>
#include <triad/vgic.h>
#include <triad/vpl011.h>
#include <triad/vpl031.h>
#include <triad/virtio_mmio.h>
#include <triad/vpmu.h>

#include <lib/pgtable.h>

#define GUEST_RAM_IPA	   0x40000000UL
#define GUEST_UART_IPA	   0x09000000UL
#define GUEST_UART_SPI	   1
#define GUEST_RTC_IPA	   0x09010000UL
#define GUEST_RTC_SPI	   2
#define GUEST_HVC_IPA	   0x0a000000UL /* QEMU virt's first virtio-mmio slot */
#define GUEST_HVC_SPI	   16
#define GUEST_VIRTIO_SLOTS 32 /* virtio-mmio windows of 0x200 from GUEST_HVC_IPA */

/* An emulated device's interrupt line (an SPI), and the level last given to the vGIC. */
struct device_line {
	uint32_t intid;
	bool level;
};

/* devices/virtio_console.c: the VM's hvc0. */
struct virtio_console_state {
	struct virtio_mmio transport;
	uint8_t rx[256]; /* keyboard input the driver has no buffer for yet */
	unsigned rx_head, rx_count;
};
#define MAX_VDEVS 16

enum vcpu_power { VCPU_OFF, VCPU_ON_PENDING, VCPU_ON };

/* EL1 state that lives in the CPU while the vCPU is loaded. */
struct el1_sysregs {
	uint64_t sctlr, actlr, cpacr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr, spsr, esr, far;
	uint64_t afsr0, afsr1, par, cntkctl, csselr, mdscr;
	uint64_t cntv_ctl, cntv_cval;
	uint64_t vdisr; /* DISR_EL1 as the guest sees it (HCR_EL2.AMO): VDISR_EL2 (FEAT_RAS) */
	uint64_t apia[2], apib[2], apda[2], apdb[2], apga[2];
};

struct fpsimd_state {
	__uint128_t v[32];
	uint64_t fpsr, fpcr;
};

struct vm;

struct vcpu {
	struct gp_regs regs;
	struct vm *vm;
	unsigned id;
	uint64_t mpidr;
	struct sched_entity se; /* where and when it runs: core/sched.c */
	volatile enum vcpu_power power;
	uint64_t on_entry, on_context; /* PSCI CPU_ON arguments, consumed at power-on */
	volatile bool kicked;	       /* something changed: re-evaluate before (re-)entering */
	volatile bool loaded;	       /* EL1 state is in a CPU (se.cpu) rather than in sys/fp */
	struct softtimer vtimer_wake;  /* wakes it from WFI for its virtual timer while put */
	struct softtimer wfit_timer;   /* the deadline of a WFIT it waits in */
	struct el1_sysregs sys;
	struct fpsimd_state fp;
	struct vpmu_state pmu;
	struct vdebug_state dbg;
	struct vgic_cpu vgic;
	uint64_t ich_vmcr, ich_ap0r0, ich_ap1r0;
	/* What it waited for in Triad, inside a call of its own, came (an OP-TEE notification
	 * the mediator answers): ends its handle_wfi_wait() as an interrupt would. */
	volatile bool call_woken;
	/* Emulated EL1 physical timer (CNTP_*): the guest's accesses trap. */
	uint64_t cntp_ctl, cntp_cval;
	struct softtimer cntp_timer;
	/* A realm vCPU: what its next REC entry tells the RMM, and its virtual timer as the
	 * last exit showed it. */
	uint64_t rec_flags, rec_x0;
	uint64_t rec_cntv_ctl, rec_cntv_cval;
};

enum vm_state {
	VM_RUNNING,
	VM_STOPPED,   /* powered off */
	VM_RESETTING, /* asked for a reset: waiting for its vCPUs to leave the CPUs */
	VM_LOADING,   /* being reloaded by one CPU */
	VM_DEAD,      /* stopped by Triad */
};

struct vm {
	unsigned id;
	char name[VM_NAME_MAX];
	const struct vm_config *cfg;
	const uint8_t *bundle; /* where cfg's blobs live */
	volatile enum vm_state state;
	uint16_t vmid;
	struct pgtable s2;
	uint64_t vttbr;
	uint64_t ram_pa, ram_size;
	bool ram_clean; /* still all zeros: no need to scrub before loading */
	uint64_t cntvoff;
	unsigned ncpus;
	struct vcpu *vcpu[MAX_VCPUS];
	struct vgic vgic;
	struct vpl011 uart;
	spinlock_t uart_lock; /* uart and uart_line */
	struct device_line uart_line;
	struct vpl031 rtc;
	spinlock_t rtc_lock; /* rtc, rtc_line and the alarm */
	struct device_line rtc_line;
	struct softtimer rtc_alarm; /* the host second at which its match may fire */
	struct virtio_console_state hvc;
	spinlock_t hvc_lock; /* hvc and hvc_line */
	struct device_line hvc_line;
	struct vdev vdevs[MAX_VDEVS];
	unsigned nvdevs;
	unsigned vdev_hint;	/* the device the last MMIO exit went to */
	unsigned nr_virtio;	/* virtio-mmio slots given out */
	spinlock_t lock;	/* power state of the vCPUs, VM state */
	unsigned log_budget;	/* guest-triggered warnings left before going quiet */
	unsigned nr_loaded;	/* vCPUs whose state is in some CPU (atomic) */
	struct realm_vm *realm; /* a Realm VM's objects in the realm world, else NULL */
	struct tee_vm *tee;	/* its OP-TEE client state (security/tee), once it called */
	struct ffa_vm ffa;	/* its FF-A endpoint state (security/ffa/ffa_hyp.c) */
};

/* core/vm.c */
int vm_create(unsigned id, const struct vm_config *cfg, const uint8_t *bundle, struct vm **out);
int vm_load_images(struct vm *vm);
void vm_power_off(struct vm *vm, const char *why);
/* PSCI CPU_OFF: v goes off. A VM left with no vCPU on (or coming on) can never run again:
 * it is stopped as a SYSTEM_OFF would stop it, and says so. */
void vm_vcpu_off(struct vcpu *v);
void vm_kill(struct vm *vm, const char *why);
void vm_request_reset(struct vm *vm);
/* Reloads a VM whose vCPUs have all left the CPUs after vm_request_reset(). */
void vm_reset(struct vm *vm);
struct vcpu *vm_find_vcpu(struct vm *vm, uint64_t mpidr);
bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size);
/* Triad's pointer to [ipa, ipa + len) of the VM's RAM, or NULL unless all of it is RAM: the
 * accessor the virtio devices walk guest memory with (struct virtq_mem, ctx = the VM). */
void *vm_guest_map(void *vm, uint64_t ipa, uint64_t len);
/* Logs a guest-caused event, at most a bounded number of times per VM. */
void vm_warn(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned vms_alive(void);
struct vm *vm_by_id(unsigned id);
extern unsigned nr_vms;

/* core/vcpu.c */
void vcpu_reset(struct vcpu *v, uint64_t entry, uint64_t x0);
void vcpu_run(struct vcpu *v);
void vcpu_put(struct vcpu *v);
void vcpu_kick(struct vcpu *v);
/* Guest interrupt plumbing: take the VM's vGIC lock and kick whoever must notice. */
void vcpu_set_irq_line(struct vm *vm, unsigned vcpu, uint32_t intid, bool level);
void vcpu_inject_edge(struct vm *vm, unsigned vcpu, uint32_t intid);

/* devices/vm_devices.c: the device model's plumbing. */
/* Creates the VM's devices, those every VM has and those its config lists. */
int vm_devices_create(struct vm *vm, char *err, size_t errlen);
/* Back to power-on state when the VM (re)starts. */
void vm_devices_reset(struct vm *vm);
/* Claims an IPA range; spi >= 0 marks a virtio-mmio device for the guest's DT. */
int vm_add_vdev(struct vm *vm, const struct vdev_ops *ops, uint64_t base, uint64_t size, void *priv,
		int spi);
/* The next free virtio-mmio window of the VM, and its SPI. */
uint64_t vm_virtio_slot(struct vm *vm, uint32_t *spi);
void device_line_init(struct device_line *l, uint32_t spi);
/* Passes a device's level on to the vGIC, with the device's lock held; returns the vCPU
 * to kick (device_kick) once that lock is dropped, or -1. */
int device_line_set(struct vm *vm, struct device_line *l, bool level);
void device_kick(struct vm *vm, int vcpu);
/* Snapshots of a virtio device whose state is all in its transport, taken and restored
 * under the device's lock (restore passes the interrupt line's level on). */
long virtio_transport_save(struct virtio_mmio *t, spinlock_t *lock, void *buf, size_t len);
int virtio_transport_restore(struct vm *vm, struct virtio_mmio *t, spinlock_t *lock,
			     struct device_line *line, const void *buf, size_t len);

/* devices/virtio_console.c, with vm->hvc_lock held */
void virtio_console_init(struct vm *vm);
void virtio_console_input(struct vm *vm, char c);
bool virtio_console_access(struct vm *vm, struct mmio_access *a);

/* core/inject.c: architectural exceptions delivered to the guest's EL1. */
void inject_undef(struct vcpu *v);
void inject_data_abort(struct vcpu *v, uint64_t far, bool write);
void inject_insn_abort(struct vcpu *v, uint64_t far);

/* core/trap.c */
void handle_guest_sync(struct vcpu *v, uint64_t esr);
/* Blocks the vCPU until it has an interrupt to take (WFI, PSCI standby). */
void handle_wfi_wait(struct vcpu *v);
/* core/psci.c */
void handle_smccc(struct vcpu *v);
/* core/sysreg_trap.c */
void handle_sysreg_trap(struct vcpu *v, uint64_t esr);
/* core/mmio.c */
void handle_mmio_abort(struct vcpu *v, uint64_t esr, uint64_t ipa);
/* The access an abort's syndrome describes, to the device at ipa: false if there is no
 * device there or it refuses. value: the data written, or the data read (extended as the
 * load asked). */
bool mmio_emulate(struct vcpu *v, uint64_t esr, uint64_t ipa, uint64_t *value);
/* A vCPU's write of ICC_SGI1R_EL1: the SGIs it names, sent (core/sysreg_trap.c). */
void vcpu_send_sgi(struct vcpu *v, uint64_t sgi1r);

#endif
