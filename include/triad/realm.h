/* The realm world as the normal-world hypervisor sees it: the RMM it talks RMI to. */
#ifndef TRIAD_REALM_H
#define TRIAD_REALM_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/config.h>
#include <triad/softtimer.h>
#include <triad/spinlock.h>

extern bool rmm_present;

/* The most auxiliary granules a REC may need (Triad's RMM: 2, attestation and SVE). */
#define REALM_REC_AUX_MAX 4

/* A Realm VM's objects in the realm world (security/rmi/realm_vm.c). */
struct realm_vm {
	uint64_t rd, rtt;    /* its RD and starting-level tables (delegated granules) */
	uint64_t shared_bit; /* the IPA bit of its unprotected half */
	bool created;	     /* REALM_CREATE done: REALM_DESTROY due */
	spinlock_t lock;     /* populated[]: vCPUs on several CPUs fault on the same page */
	/* Each vCPU's next REC entry (flags, x0), and its virtual timer as its last exit
	 * showed it. */
	struct realm_vcpu {
		uint64_t flags, x0, cntv_ctl, cntv_cval;
	} vcpu[MAX_VCPUS];
	uint64_t rec[MAX_VCPUS];		    /* each vCPU's REC */
	uint64_t aux[MAX_VCPUS][REALM_REC_AUX_MAX]; /* and its auxiliary granules */
	uint64_t nr_aux;			    /* how many: RMI_REC_AUX_COUNT */
	uint64_t run[MAX_VCPUS];		    /* each vCPU's RmiRecRun page (Non-secure) */
	uint64_t pages;				    /* this structure's size, in pages */
	uint64_t bounce; /* while it is built: the copy a measured page is created from */
	/* A bit per RAM page: the VM's granule there was shared by the realm (RIPAS EMPTY)
	 * and given back: the host's (its devices') until the realm is taken apart. */
	uint64_t *shared;
	uint64_t populated[]; /* a bit per RAM page: the realm has a page there */
};

struct vm;
struct vcpu;
struct cpu;
/* The realm kind of VM (include/triad/vm_kind.h): security/rmi/realm_vm.c. */
extern const struct vm_kind realm_vm_kind;
/* The VM is freed: its realm objects and this structure go. */
void realm_vm_free(struct vm *vm);
/* An RMI call: x0 back, and x1 into *x1 unless it is NULL. */
uint64_t realm_rmi(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
		   uint64_t *x1);
/* Gives the realm memory at a protected RAM ipa it touched: false if it cannot be. */
bool realm_populate(struct vm *vm, uint64_t ipa);
/* The realm made [base, top) of its RAM EMPTY (shared with the host): its pages there are
 * destroyed and the VM's granules become the host's. */
void realm_shared(struct vm *vm, uint64_t base, uint64_t top);
/* security/rmi/realm_run.c: one entry into a realm vCPU (its REC) and its exit. */
void realm_enter(struct vcpu *v, struct cpu *c);
/* security/rmi/realm_audit.c: the page for the RMM's audit records of this CPU, named once
 * before its first REC entry; after each exit, the records of the realm vm that ran into
 * the audit log (a realm's attestation). */
void realm_audit_name_page(unsigned cpu);
void realm_audit_collect(const struct vm *vm, unsigned cpu);
/* Its virtual timer's CNTV_CTL as the last exit showed it, and its deadline. */
uint64_t realm_vtimer(const struct vcpu *v, uint64_t *deadline);
/* While a realm's vCPU waits, its virtual timer is not in the CPU: its output, as the
 * last exit showed the timer and the counter now, onto the timer PPI's line in the vGIC.
 * Whether that wakes the vCPU is the vGIC's to say (the realm may have the PPI disabled). */
void realm_timer_sample(struct vcpu *v);
/* Its vtimer_wake soft timer: the deadline of a waiting realm vCPU's timer passed. */
void realm_vtimer_expired(struct softtimer *t);

#endif
