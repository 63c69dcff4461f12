/* How features above core/ (security/, devices/, drivers/) plug into it without core naming
 * them: each puts descriptors into linker sections (arch/arm64/triad.ld) that core walks. */
#ifndef TRIAD_FEATURE_H
#define TRIAD_FEATURE_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vm;
struct guest_dt_params;
struct vm_kind;

/* SMCCC function IDs a feature answers for guests: those with (fid & mask) in [first,
 * last], e.g. an owner's range of function numbers. Core answers the Arm architecture calls
 * and PSCI itself first (core/psci.c, the hot path); a call no service takes gets
 * NOT_SUPPORTED and one warning line. */
struct smccc_service {
	uint32_t mask, first, last;
	void (*call)(struct vcpu *v); /* answers it in v's registers */
};
#define SMCCC_SERVICE(id)                                                                          \
	static const struct smccc_service smccc_service_##id                                       \
	    __attribute__((used, section("smccc_services"), aligned(8)))

/* A feature's part in boot and in each VM's life. Any hook may be NULL. */
struct feature {
	void (*init)(void); /* at boot, before the VMs exist, in the order of `order` */
	/* What it adds to a VM's device tree (the VM's kind has the last word). */
	void (*guest_dt)(struct vm *vm, struct guest_dt_params *p);
	/* The VM's images were loaded (created, or reset): it is about to run. */
	void (*vm_loaded)(struct vm *vm);
	/* The VM is reset or stopped, none of its vCPUs in a CPU: it forgets the VM's state. */
	void (*vm_reset)(struct vm *vm);
	/* The VM is freed (after its vm_reset): gives back memory it holds for the VM. */
	void (*vm_destroy)(struct vm *vm);
	void (*print_stats)(void);     /* all guests ended, or asked for on the console */
	const struct vm_kind *vm_kind; /* a kind of VM it provides (include/triad/vm_kind.h) */
};
/* order: two digits; the section names are sorted (boot order, then hook order). */
#define FEATURE(order, id)                                                                         \
	static const struct feature feature_##id                                                   \
	    __attribute__((used, section("triad_features." #order), aligned(8)))

/* core/feature.c: the hooks of every feature, in order. */
void features_init(void);
void features_guest_dt(struct vm *vm, struct guest_dt_params *p);
void features_vm_loaded(struct vm *vm);
void features_vm_reset(struct vm *vm);
void features_vm_destroy(struct vm *vm);
void features_print_stats(void);

#endif
