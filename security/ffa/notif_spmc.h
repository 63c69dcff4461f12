/*
 * The SPMC's part of FF-A notifications (pure logic, host-tested with spmc.c): it keeps the
 * partitions' bitmaps (made with each partition) and, for what partitions send to VMs, the
 * VMs' bitmaps, which Triad at Normal EL2 creates and destroys (BITMAP_CREATE/DESTROY) as
 * VMs come and go. From the normal world it takes only what concerns partitions: a VM binds
 * a partition, sets a partition's bits as itself, gets what partitions sent it; VM-to-VM
 * notifications are Normal EL2's alone. A partition binds, sets and gets as itself.
 */
#ifndef SECURITY_FFA_NOTIF_SPMC_H
#define SECURITY_FFA_NOTIF_SPMC_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/sel2_abi.h>
#include <triad/sp_manifest.h>
#include <triad/spinlock.h>

#include "notif.h"

#define SPMC_NOTIF_VMS 32 /* VMs with a bitmap here at once; more get NO_MEMORY */
/* The Schedule Receiver Interrupt: a Non-secure SGI the SPMC raises on the CPU where a
 * partition set a VM's notification (FFA_FEATURES(SRI) tells Normal EL2). Not 8-15, which
 * OP-TEE makes Secure; not 1, Normal EL2's kick. */
#define SPMC_SRI_SGI 7

struct spmc;

struct spmc_notif {
	spinlock_t lock;		    /* CPUs call in at once */
	struct notif_ep sp[SP_MAX];	    /* partition i's, by its index */
	struct notif_ep vm[SPMC_NOTIF_VMS]; /* VMs', by BITMAP_CREATE */
	bool sri[SP_MAX_EXEC_CTX];	    /* per CPU: raise the SRI when back */
};

/* Partition i (its ID, its contexts) gets its bitmap; again empty at its restart. */
void spmc_notif_sp_added(struct spmc *s, unsigned i);
void spmc_notif_sp_restarted(struct spmc *s, unsigned i);
/* FFA_FEATURES for the notification calls and interrupts: true if it answered into r. */
bool spmc_notif_features(uint64_t r[FFA_NREGS], bool from_sp);
/* A notification call from the normal world on CPU cpu, or from context ec of partition i:
 * true if it was one (answered into r). */
bool spmc_notif_ns_call(struct spmc *s, uint64_t r[FFA_NREGS]);
bool spmc_notif_sp_call(struct spmc *s, unsigned i, unsigned ec, unsigned cpu,
			uint64_t r[FFA_NREGS]);
/* Whether CPU cpu must raise the SRI now that it goes back to the normal world (once). */
bool spmc_notif_take_sri(struct spmc *s, unsigned cpu);

#endif
