/*
 * A snapshot's ITS section (SNAP_SEC_ITS, format version 5; a VM with a virtual ITS only):
 * the ITS's registers, collections, devices and interrupt translations, and the LPI state
 * of the vGIC (each redistributor's EnableLPIs, PROPBASER, PENDBASER; each LPI's cached
 * configuration, pending and active state and route). Pure logic, host-tested and fuzzed:
 * the section comes from a host file, so the check looks at every value before the unpack
 * trusts any.
 *
 *   struct snap_its_head;
 *   ncpus x struct snap_its_redist;
 *   VGIC_NR_LPIS x struct snap_lpi (LPI 8192 first);
 *   ndevices x struct snap_its_device;
 *   nites x struct snap_its_ite: each device's in turn, in the order of its list.
 */
#ifndef TRIAD_SNAPSHOT_ITS_H
#define TRIAD_SNAPSHOT_ITS_H

#include <stddef.h>
#include <stdint.h>
#include <triad/vgic.h>
#include <triad/vits.h>

struct snap_its_head {
	uint32_t ncpus;
	uint32_t ctlr; /* GITS_CTLR.Enabled */
	uint64_t cbaser, cwriter, creadr, baser_dev;
	uint32_t stalled; /* 0 or 1: the queue could not be read (CREADR.Stalled) */
	uint32_t ndevices, nites, reserved;
	uint8_t collection[VITS_MAX_COLLECTIONS]; /* target vCPU, or VGIC_NO_VCPU */
};

struct snap_its_redist {
	uint64_t propbaser, pendbaser;
	uint32_t lpis_enabled; /* 0 or 1 */
	uint32_t reserved;
};

struct snap_lpi {
	uint8_t priority; /* as read from the configuration table at the last INV or map */
	uint8_t flags;	  /* SNAP_LPI_* */
	uint8_t vcpu;	  /* where its collection sent it, or VGIC_NO_VCPU: not routed */
	uint8_t reserved;
};
#define SNAP_LPI_ENABLED (1u << 0)
#define SNAP_LPI_PENDING (1u << 1)
#define SNAP_LPI_ACTIVE	 (1u << 2)
#define SNAP_LPI_ALL	 0x7u

struct snap_its_device {
	uint32_t id;
	uint32_t nr_events; /* a power of two, 2 .. 2^VITS_EVENT_BITS */
	uint32_t nites;
	uint32_t reserved;
};

struct snap_its_ite {
	uint32_t event;
	uint16_t lpi; /* its INTID */
	uint8_t icid;
	uint8_t reserved;
};

/* The longest section: a buffer of this size holds any VM's. */
#define SNAP_ITS_MAX                                                                               \
	(sizeof(struct snap_its_head) + VGIC_MAX_VCPUS * sizeof(struct snap_its_redist) +          \
	 VGIC_NR_LPIS * sizeof(struct snap_lpi) +                                                  \
	 VITS_MAX_DEVICES * sizeof(struct snap_its_device) +                                       \
	 VITS_MAX_ITES * sizeof(struct snap_its_ite))

/* Writes the section's payload (the vGIC's lock held, its vCPUs' list registers folded
 * back): returns its length, at most SNAP_ITS_MAX. */
uint64_t snap_its_pack(const struct vits *its, const struct vgic *d, uint8_t *out);
/* Checks a section from a file for a VM of ncpus vCPUs: 0, or -EINVAL and why. */
int snap_its_check(const uint8_t *sec, uint64_t len, unsigned ncpus, char *err, size_t errlen);
/* Puts a checked section into an ITS and the vGIC it belongs to (whose LPIs are attached;
 * the lock held, no vCPU of it loaded): the translations rebuilt, every vCPU to look at
 * every LPI at its next entry. */
void snap_its_unpack(const uint8_t *sec, struct vits *its, struct vgic *d);

#endif
