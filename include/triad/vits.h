/*
 * Virtual ITS (GICv3 Interrupt Translation Service) of one VM: the GITS_* registers, the
 * command queue the guest writes in its memory, and the translation of (DeviceID, EventID)
 * into an LPI of its vGIC. The translation state lives here, in Triad's memory: the guest's
 * GITS_BASER tables are accepted (the architecture makes their format the ITS's own) but never
 * read or written. Pure logic, unit-tested and fuzzed on the host; the caller holds the vGIC's
 * lock for everything below. Its own struct: a VM snapshot can save it apart from the vGIC.
 */
#ifndef TRIAD_VITS_H
#define TRIAD_VITS_H

#include <stdbool.h>
#include <stdint.h>
#include <triad/util.h>
#include <triad/vgic.h>

#define VITS_BASE_IPA	     0x08080000UL /* QEMU virt's ITS, between GICD and GICR */
#define VITS_SIZE	     0x20000UL	  /* ITS_base (control) + translation frames */
#define VITS_TRANSLATER	     0x10040UL
#define VITS_DEVICE_BITS     16		  /* DeviceIDs 0..65535 */
#define VITS_EVENT_BITS	     16		  /* EventIDs 0..65535 per device (MAPI: EventID = LPI) */
#define VITS_MAX_DEVICES     32		  /* mapped at once */
#define VITS_MAX_ITES	     VGIC_NR_LPIS /* mapped events at once, over all devices */
#define VITS_NIL	     0xffff	  /* end of a device's ITE list */
#define VITS_MAX_COLLECTIONS 16		  /* GITS_TYPER.HCC: held in the ITS, no table needed */
#define VITS_CMD_SIZE	     32
#define VITS_BATCH	     256 /* commands run per ITS access */
#define VITS_DEVICE_ID_CPU   0	 /* the DeviceID of a CPU's own write to GITS_TRANSLATER */
/* The bits of GITS_CBASER, CWRITER/CREADR and BASER0 the guest can set (a snapshot's restore
 * accepts no others). */
#define VITS_CBASER_WRITABLE                                                                       \
	((1UL << 63) | GENMASK(61, 59) | GENMASK(55, 53) | GENMASK(51, 12) | GENMASK(11, 10) |     \
	 GENMASK(7, 0))
#define VITS_QUEUE_OFFSET_MASK GENMASK(19, 5)
#define VITS_BASER_WRITABLE                                                                        \
	((1UL << 63) | GENMASK(61, 59) | GENMASK(55, 53) | GENMASK(47, 12) | GENMASK(11, 8) |      \
	 GENMASK(7, 0))

/* Command error encodings (GICv3 spec: 0x01, the command, the reason). SEIS = 0: they are not
 * signalled to the guest; the command is ignored and the queue goes on. Triad logs them. */
enum vits_reason {
	VITS_E_DEVICE_OOR = 0x01,
	VITS_E_MOVALL_TARGET_OOR = 0x01,
	VITS_E_SIZE_OOR = 0x02,	     /* MAPD's ITT size */
	VITS_E_PROCESSOR_OOR = 0x02, /* MAPC's target */
	VITS_E_COLLECTION_OOR = 0x03,
	VITS_E_UNMAPPED_DEVICE = 0x04,
	VITS_E_EVENT_OOR = 0x05,
	VITS_E_PHYSICAL_OOR = 0x06,
	VITS_E_UNMAPPED_INTERRUPT = 0x07,
	VITS_E_UNMAPPED_COLLECTION = 0x09,
	/* Triad's own (IMPLEMENTATION DEFINED) ones: */
	VITS_E_NO_ROOM = 0xfd, /* every ITE of the ITS in use */
	VITS_E_QUEUE = 0xfe,   /* CWRITER past the queue's end, or the queue outside RAM: stalled */
	VITS_E_UNKNOWN_COMMAND = 0xff, /* not one the ITS implements (GICv4's, reserved) */
};
#define VITS_ERROR(cmd, reason) (0x010000U | ((uint32_t)(cmd) << 8) | (reason))

enum vits_cmd_nr {
	VITS_MOVI = 0x01,
	VITS_INT = 0x03,
	VITS_CLEAR = 0x04,
	VITS_SYNC = 0x05,
	VITS_MAPD = 0x08,
	VITS_MAPC = 0x09,
	VITS_MAPTI = 0x0a,
	VITS_MAPI = 0x0b,
	VITS_INV = 0x0c,
	VITS_INVALL = 0x0d,
	VITS_MOVALL = 0x0e,
	VITS_DISCARD = 0x0f,
};

/* One command, decoded from its 32 bytes (the fields each command uses). */
struct vits_cmd {
	uint8_t nr;
	uint32_t device_id, event_id, pintid;
	uint32_t icid;
	uint64_t target, target2; /* processor numbers (GITS_TYPER.PTA = 0) */
	uint8_t size;		  /* MAPD: EventID bits - 1 */
	bool valid;		  /* MAPD, MAPC: V */
};
void vits_decode(const uint64_t dw[4], struct vits_cmd *c);

/* An interrupt translation entry: one mapped event, on its device's list (or the free list). */
struct vits_ite {
	uint32_t event;
	uint16_t lpi;
	uint16_t next; /* index of the next ITE, or VITS_NIL */
	uint8_t icid;
};

struct vits_device {
	bool valid;
	uint32_t id;
	uint32_t nr_events; /* 2^(MAPD size + 1) */
	uint16_t ites;	    /* its first ITE, or VITS_NIL */
};

struct vits {
	struct vgic *vgic; /* whose LPIs it raises, and how it reads guest memory */
	uint32_t ctlr;
	uint64_t cbaser, cwriter, creadr;
	uint64_t baser_dev; /* GITS_BASER0: the Device table the guest gave (unused) */
	bool stalled;	    /* the queue could not be read: no more commands until CBASER */
	uint32_t last_error;
	unsigned nr_errors;
	uint8_t collection[VITS_MAX_COLLECTIONS]; /* target vCPU, or VGIC_NO_VCPU: unmapped */
	struct vits_device dev[VITS_MAX_DEVICES];
	struct vits_ite ite[VITS_MAX_ITES];
	uint16_t free_ites; /* list of unused ITEs */
};

void vits_init(struct vits *its, struct vgic *vgic);
/* Register accesses at an offset in the 128 KB ITS window. False for an access with no
 * architectural meaning (bad size or alignment): the caller turns it into an abort. A write
 * to GITS_CWRITER runs the commands up to it (VITS_BATCH at a time: a read of GITS_CREADR
 * runs the next ones); *kick gets the vCPUs that have LPIs to take. */
bool vits_read(struct vits *its, uint32_t off, unsigned size, uint64_t *val, uint32_t *kick);
bool vits_write(struct vits *its, uint32_t off, unsigned size, uint64_t val, uint32_t *kick);
/* An MSI from a device (or GITS_TRANSLATER): the LPI (DeviceID, EventID) maps to goes pending.
 * Returns the vCPUs to kick; an unmapped pair is dropped (counted as an error). */
uint32_t vits_msi(struct vits *its, uint32_t device_id, uint32_t event_id);

#endif
