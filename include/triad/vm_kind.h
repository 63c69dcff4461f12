/* A kind of VM is a backend: what core calls where a normal VM (core/vcpu.c) and a realm
 * (security/rmi/, its vCPUs entered through the RMM) differ, chosen when the VM is created.
 * A NULL operation is one the kind has nothing to do for. */
#ifndef TRIAD_VM_KIND_H
#define TRIAD_VM_KIND_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/softtimer.h>

struct vm;
struct vcpu;
struct cpu;
struct guest_dt_params;

/* A range of the VM's RAM holding one of its images (kernel, DTB, initrd). */
struct vm_image {
	uint64_t ipa, size;
};

struct vm_kind {
	const char *name;
	/* Its EL1 state (timers, PMU, debug and list registers) is in the CPU while it runs;
	 * a realm's is the realm world's, seen by Triad only at its exits. */
	bool el1_in_cpu;
	/* Its say in its device tree, after the features'. */
	void (*guest_dt)(struct vm *vm, struct guest_dt_params *p);
	/* Its images are in RAM (power-on, reset): 0, or -1 with the reason logged. */
	int (*build)(struct vm *vm, const struct vm_image *img, unsigned nimg, uint64_t entry,
		     uint64_t dtb);
	/* It stopped, for good or to be reloaded, none of its vCPUs in a CPU. */
	void (*teardown)(struct vm *vm);
	/* Whether Triad may read and write [ipa, ipa + len) of its RAM (its devices' buffers);
	 * NULL: all of it. */
	bool (*host_may_touch)(const struct vm *vm, uint64_t ipa, uint64_t len);
	/* One entry into v, loaded on CPU c, and the handling of the exit that ends it. */
	void (*enter)(struct vcpu *v, struct cpu *c);
	/* Before Triad asks whether v, waiting, has an interrupt to take. */
	void (*wake_sample)(struct vcpu *v);
	/* Its virtual timer's CNTV_CTL, and its deadline in physical counter ticks. */
	uint64_t (*vtimer)(const struct vcpu *v, uint64_t *deadline);
	/* The soft timer that stands in for its virtual timer while it waits. */
	void (*vtimer_wake)(struct softtimer *t);
};

extern const struct vm_kind normal_vm_kind; /* core/vcpu.c */
/* The kind a feature registered under this name (include/triad/feature.h), or NULL. */
const struct vm_kind *features_vm_kind(const char *name);

#endif
