/* Virtual machines: what a VM is made of, and its lifecycle (core/vm.c). */
#ifndef TRIAD_VM_H
#define TRIAD_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/addr.h>
#include <triad/config.h>
#include <triad/spinlock.h>
#include <triad/vdev.h>
#include <triad/vgic.h>

#include <lib/pgtable.h>

#define GUEST_RAM_IPA  0x40000000UL
#define GUEST_UART_IPA 0x09000000UL
#define GUEST_UART_SPI 1
#define GUEST_RTC_IPA  0x09010000UL
#define GUEST_RTC_SPI  2
#define GUEST_HVC_IPA  0x0a000000UL /* QEMU virt's first virtio-mmio slot */
#define GUEST_HVC_SPI  16

#define MAX_VDEVS (6 + MAX_VM_DEVICES) /* GICD, GICR, ITS, PL011, PL031, hvc0 and the bundle's */

struct vcpu;
struct vits;

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
	struct vits *its;	      /* its virtual ITS (devices/vm_its.c), or NULL */
	struct vdev vdevs[MAX_VDEVS]; /* each with its own state and lock (include/triad/vdev.h) */
	unsigned nvdevs;
	unsigned vdev_hint;	/* the device the last MMIO exit went to */
	unsigned nr_virtio;	/* virtio-mmio slots given out */
	spinlock_t lock;	/* power state of the vCPUs, VM state */
	unsigned log_budget;	/* guest-triggered warnings left before going quiet */
	unsigned nr_loaded;	/* vCPUs whose state is in some CPU (atomic) */
	struct realm_vm *realm; /* a Realm VM's objects in the realm world, else NULL */
	struct tee_vm *tee;	/* its OP-TEE client state (security/tee), once it called */
	/* Its kind (include/triad/vm_kind.h), and the IPA bits that name the same RAM (a
	 * realm's shared bit). */
	const struct vm_kind *kind;
	uint64_t ipa_alias;
	/* Keyboard input for the VM: its console device (PL011 or hvc0) registers here. */
	void (*console_input)(void *dev, char c);
	void *console_dev;
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
/* Maps [ipa, ipa + size) of the VM onto the machine's [pa, pa + size) at stage 2. */
int vm_s2_map(struct vm *vm, ipa_t ipa, paddr_t pa, uint64_t size, uint64_t attr);
/* Triad's pointer to [ipa, ipa + len) of the VM's RAM, or NULL unless all of it is RAM: the
 * accessor the virtio devices walk guest memory with (struct virtq_mem, ctx = the VM). */
void *vm_guest_map(void *vm, uint64_t ipa, uint64_t len);
/* Logs a guest-caused event, at most a bounded number of times per VM. */
void vm_warn(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct vm *vm_by_id(unsigned id);
extern unsigned nr_vms;

#endif
