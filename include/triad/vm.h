/* Virtual machines: what a VM is made of, and its lifecycle (core/vm.c). */
#ifndef TRIAD_VM_H
#define TRIAD_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/addr.h>
#include <triad/audit.h>
#include <triad/config.h>
#include <triad/security_mode.h>
#include <triad/spinlock.h>
#include <triad/vdev.h>
#include <triad/vgic.h>
#include <triad/vm_stats.h>

#include <lib/pgtable.h>

#define GUEST_RAM_IPA	     0x40000000UL
#define GUEST_UART_IPA	     0x09000000UL
#define GUEST_UART_SPI	     1
#define GUEST_RTC_IPA	     0x09010000UL
#define GUEST_RTC_SPI	     2
#define GUEST_GPIO_IPA	     0x09030000UL /* PL061, as QEMU virt */
#define GUEST_GPIO_SPI	     7
#define GUEST_POWER_KEY_LINE 3
#define GUEST_HVC_IPA	     0x0a000000UL /* QEMU virt's first virtio-mmio slot */
#define GUEST_HVC_SPI	     16

#define MAX_VDEVS                                                                                  \
	(8 +                                                                                       \
	 MAX_VM_DEVICES) /* GICD, GICR, ITS, PL011, PL031, PL061, hvc0, flash and the bundle's */

struct vcpu;
struct vits;

enum vm_state {
	VM_RUNNING,
	VM_STOPPED,   /* powered off */
	VM_RESETTING, /* asked for a reset: waiting for its vCPUs to leave the CPUs */
	VM_LOADING,   /* being reloaded by one CPU */
	VM_DEAD,      /* stopped by Triad */
	VM_PAUSED,    /* by the management API: its vCPUs are not scheduled (core/vm_pause.c) */
};

struct vm {
	unsigned id; /* its slot (core/vm_lifecycle.c), reused after it is destroyed */
	char name[VM_NAME_MAX];
	const struct vm_config *cfg; /* = &config */
	struct vm_config config;
	const uint8_t *bundle;	    /* where cfg's blobs live */
	uint8_t *bundle_owned;	    /* the bundle, if the VM owns it (created at run time) */
	uint64_t bundle_owned_size; /* bytes: freed in whole pages with the VM */
	bool destroying;	    /* vm_destroy began: stopped, never to run again */
	volatile bool torn_down;    /* stopped, and its kind's teardown and features' reset ran */
	volatile enum vm_state state;
	uint16_t vmid;
	struct pgtable s2;
	uint64_t vttbr;
	uint64_t ram_pa, ram_size;
	uint64_t fw_code_pa, fw_code_size; /* UEFI firmware: its code flash at IPA 0 */
	bool ram_clean;			   /* still all zeros: no need to scrub before loading */
	/* The secure world still holds pages of its RAM (FF-A memory sharing): vm_free keeps
	 * the RAM out of Triad's free memory. */
	bool ram_quarantined;
	/* Its FF-A memory transactions the secure world has not given back: a snapshot
	 * cannot hold them (security/ffa/mem_hyp.c counts them). */
	unsigned ffa_mem_outstanding;
	uint64_t cntvoff;
	unsigned ncpus;
	struct vcpu *vcpu[MAX_VCPUS];
	struct vgic vgic;
	struct vits *its;	      /* its virtual ITS (devices/vm_its.c), or NULL */
	struct vdev vdevs[MAX_VDEVS]; /* each with its own state and lock (include/triad/vdev.h) */
	unsigned nvdevs;
	unsigned vdev_hint;  /* the device the last MMIO exit went to */
	unsigned nr_virtio;  /* virtio-mmio slots given out */
	spinlock_t lock;     /* power state of the vCPUs, VM state */
	unsigned log_budget; /* guest-triggered warnings left before going quiet */
	unsigned nr_loaded;  /* vCPUs whose state is in some CPU (atomic) */
	/* Pauses (core/vm_pause.c): when the current one began, counter ticks paused before. */
	uint64_t paused_at, paused_ticks;
	unsigned pauses;
	struct realm_vm *realm; /* a Realm VM's objects in the realm world, else NULL */
	struct tee_vm *tee;	/* its OP-TEE client state (security/tee), once it called */
	/* Its kind (include/triad/vm_kind.h), and the IPA bits that name the same RAM (a
	 * realm's shared bit). */
	const struct vm_kind *kind;
	uint64_t ipa_alias;
	/* Its security mode's knobs (include/triad/security_mode.h), and the HCR_EL2 and
	 * MDCR_EL2 bits they add while its vCPUs run. */
	const struct security_policy *policy;
	uint16_t sve_vl; /* bytes of its SVE vectors; 0: SVE hidden (core/vcpu_sve.c) */
	bool lazy_fp;	 /* its policy's lazy_fp, for a kind with EL1 in the CPU: one load */
	bool mte;	 /* allocation tags and its tag registers (core/vcpu_mte.c) */
	uint64_t hcr, mdcr_extra;
	/* Keyboard input for the VM: its console device (PL011 or hvc0) registers here. */
	void (*console_input)(void *dev, char c);
	void *console_dev;
	struct vm_io_stats io;
};

/* core/vm.c. vm_create copies cfg; on failure it has freed all it took. The VM is created
 * stopped (VM_STOPPED) until vm_load_images. */
int vm_create(unsigned id, const struct vm_config *cfg, const uint8_t *bundle, struct vm **out);
/* Frees what vm_create took (vCPUs, stage-2 tables, VMID, RAM scrubbed, the VM itself) and
 * the bundle it owns. No vCPU of it may be in a CPU or a run queue, none of its timers
 * armed. Its devices are released before (vm_devices_release). */
void vm_free(struct vm *vm);
int vm_load_images(struct vm *vm);
void vm_power_off(struct vm *vm, const char *why);
/* Puts the VM in state (stopped, dead, resetting) with every vCPU off, and kicks them out
 * of the CPUs; says nothing and never ends the run. */
void vm_stop(struct vm *vm, enum vm_state state);
/* A stopped VM none of whose vCPUs is in a CPU: its kind's teardown, the features forget
 * it (torn_down). */
void vm_teardown(struct vm *vm);
/* PSCI CPU_OFF: v goes off. A VM left with no vCPU on (or coming on) can never run again:
 * it is stopped as a SYSTEM_OFF would stop it, and says so. */
void vm_vcpu_off(struct vcpu *v);
void vm_kill(struct vm *vm, const char *why);
void vm_request_reset(struct vm *vm);
/* Reloads a VM whose vCPUs have all left the CPUs after vm_request_reset(). */
void vm_reset(struct vm *vm);
struct vcpu *vm_find_vcpu(struct vm *vm, uint64_t mpidr);
bool vm_ipa_is_ram(const struct vm *vm, uint64_t ipa, uint64_t size);
/* Maps [ipa, ipa + size) of the VM onto the machine's [pa, pa + size) at stage 2. */
int vm_s2_map(struct vm *vm, ipa_t ipa, paddr_t pa, uint64_t size, uint64_t attr);
/* Unmaps [ipa, ipa + size) at stage 2 and drops the VM's TLB entries on every CPU. */
int vm_s2_unmap(struct vm *vm, ipa_t ipa, uint64_t size);
/* Triad's pointer to [ipa, ipa + len) of the VM's RAM, or NULL unless all of it is RAM: the
 * accessor the virtio devices walk guest memory with (struct virtq_mem, ctx = the VM). */
void *vm_guest_map(void *vm, uint64_t ipa, uint64_t len);
/* Logs a guest-caused event, at most a bounded number of times per VM. */
void vm_warn(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a security-relevant one, which also goes to the audit log (every time). */
void vm_audit(struct vm *vm, enum audit_event ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* core/vm_lifecycle.c: the VM in slot id, or NULL (a free slot, or one whose VM is being
 * created). nr_vms is one past the highest slot in use: loops over ids below it must skip
 * NULLs. A caller that uses what it found beyond a state check, while VMs may be destroyed,
 * holds vm_list_lock() (outermost lock: include/triad/spinlock.h). */
struct vm *vm_by_id(unsigned id);
extern unsigned nr_vms;
void vm_list_lock(void);
/* No VM is left running: whether Triad goes on anyway (a management channel is open), in
 * which case it has said so. */
bool vm_lifecycle_keep_running(const char *reason);
void vm_list_unlock(void);

#endif
