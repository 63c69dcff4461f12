/*
 * FF-A notifications as pure logic, shared by both keepers of bitmaps: the SPMC at Secure
 * EL2 (partitions' bitmaps, and VMs' for what partitions send them: notif_spmc.c) and
 * Triad at Normal EL2 (VMs' bitmaps for what VMs send each other: notif_hyp.c). Host unit
 * tests: tests/unit/test_ffa_notif.c.
 *
 * A receiver has 64 notification bits. Each bit is bound to one sender at a time (BIND),
 * either global or per-vCPU; only that sender may set it (SET), a per-vCPU one for one of
 * the receiver's vCPUs. A set bit is pending until the receiver takes it with GET (on the
 * vCPU it was set for, if per-vCPU), sorted by whether its sender is a partition or a VM.
 * INFO_GET tells the scheduler which receivers (and vCPUs) have pending bits it has not
 * yet reported. The caller checks who is asking; these check the rest.
 */
#ifndef SECURITY_FFA_NOTIF_H
#define SECURITY_FFA_NOTIF_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/ffa.h>

#define NOTIF_MAX_VCPUS 16 /* a VM's vCPUs (MAX_VCPUS), a partition's contexts */
#define NOTIF_BITS	64
/* INFO_GET's ID capacity: 4 IDs in each of x3-x7 (SMC64), 2 in each of w3-w7 (SMC32). */
#define NOTIF_INFO_IDS_64 20
#define NOTIF_INFO_IDS_32 10
#define NOTIF_INFO_LISTS  31 /* w2's 5-bit count */

struct notif_ep {
	uint16_t id;		     /* its endpoint ID; 0: the slot is free */
	uint16_t vcpus;		     /* how many vCPUs (execution contexts) it has */
	uint16_t sender[NOTIF_BITS]; /* who each bit is bound to (0: nobody) */
	uint64_t per_vcpu;	     /* bound bits that are per-vCPU */
	uint64_t pending;	     /* global bits set, not yet taken */
	uint64_t vcpu_pending[NOTIF_MAX_VCPUS];
	/* Not yet reported by INFO_GET: global bits, the vCPUs with per-vCPU bits. */
	bool info_global;
	uint32_t info_vcpus;
};

/* Each returns 0 or the FF-A error code (FFA_INVALID_PARAMETERS, ...). */

/* A bitmap for endpoint id with vcpus vCPUs, in a free slot of eps[0..n). */
uint32_t notif_create(struct notif_ep *eps, unsigned n, uint16_t id, unsigned vcpus);
/* Endpoint id's bitmap goes (DENIED while bits are pending: the receiver takes them first). */
uint32_t notif_destroy(struct notif_ep *eps, unsigned n, uint16_t id);
/* Endpoint id's bitmap, or NULL. */
struct notif_ep *notif_find(struct notif_ep *eps, unsigned n, uint16_t id);
/* Forgets everything of e (bindings, pending bits), keeps its ID and vCPU count. */
void notif_clear(struct notif_ep *e);

/* e binds bits to sender (flags: FFA_NOTIF_PER_VCPU or 0). A bit bound to another sender, or
 * the same one with the other kind, is DENIED. */
uint32_t notif_bind(struct notif_ep *e, uint16_t sender, uint32_t flags, uint64_t bits);
/* e unbinds bits from sender (each must be bound to it: else DENIED); their pending state
 * goes with them. */
uint32_t notif_unbind(struct notif_ep *e, uint16_t sender, uint64_t bits);
/* sender sets bits of e; flags as SET's w2. Every bit must be bound to sender (DENIED) with
 * the kind the flags say, the vCPU within e's (INVALID_PARAMETERS). */
uint32_t notif_set(struct notif_ep *e, uint16_t sender, uint32_t flags, uint64_t bits);
/* e's vCPU vcpu takes its pending bits: global and its own, those from partitions into
 * *from_sps if want_sps, from VMs into *from_vms if want_vms; they are pending no more. */
uint32_t notif_get(struct notif_ep *e, unsigned vcpu, bool want_sps, bool want_vms,
		   uint64_t *from_sps, uint64_t *from_vms);
/* Whether e has bits pending (for anyone). */
bool notif_any_pending(const struct notif_ep *e);

/* FFA_NOTIFICATION_INFO_GET over eps[0..n) (only non-secure IDs with vms_only): r[0..7] is
 * the answer, SUCCESS (SUCCESS64 if wide) with the lists, or FFA_ERROR(NO_DATA). What it
 * lists is reported: a later call lists only what is set since. */
void notif_info_get(struct notif_ep *eps, unsigned n, bool vms_only, bool wide,
		    uint64_t r[FFA_NREGS]);

#endif
