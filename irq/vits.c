/* Virtual ITS: registers, command queue and translation (see include/triad/vits.h). */
#include <string.h>
#include <triad/util.h>
#include <triad/vits.h>

#define GITS_CTLR	  0x0000
#define GITS_IIDR	  0x0004
#define GITS_TYPER	  0x0008
#define GITS_CBASER	  0x0080
#define GITS_CWRITER	  0x0088
#define GITS_CREADR	  0x0090
#define GITS_BASER0	  0x0100
#define GITS_BASER_END	  0x0140
#define GITS_PIDR2	  0xffe8
#define CTLR_ENABLED	  1U
#define CTLR_QUIESCENT	  (1U << 31)
#define CBASER_VALID	  (1UL << 63)
#define CBASER_WRITABLE	  VITS_CBASER_WRITABLE
#define QUEUE_OFFSET_MASK VITS_QUEUE_OFFSET_MASK
#define CREADR_STALLED	  1UL
#define ITE_SIZE	  8
/* GITS_BASER0 describes a flat Device table, entries of ITE_SIZE bytes; the guest picks
 * the rest. Indirect is RAZ/WI: one level only. */
#define BASER_TYPE_DEVICE (1UL << 56)
#define BASER_ENTRY_SIZE  ((uint64_t)(ITE_SIZE - 1) << 48)
#define BASER_WRITABLE	  VITS_BASER_WRITABLE
#define GITS_IIDR_VALUE	  0x0001543bU /* implementer Arm (0x43b), product 'T'riad */
#define GITS_PIDR2_V3	  0x3b

/* Physical, ITT entry size, EventID and DeviceID bits, HCC; PTA = 0: targets are processor
 * numbers; SEIS = 0: command errors are not signalled. */
#define GITS_TYPER_VALUE                                                                           \
	(1UL | ((uint64_t)(ITE_SIZE - 1) << 4) | ((uint64_t)(VITS_EVENT_BITS - 1) << 8) |          \
	 ((uint64_t)(VITS_DEVICE_BITS - 1) << 13) | ((uint64_t)VITS_MAX_COLLECTIONS << 24))

void vits_decode(const uint64_t dw[4], struct vits_cmd *c)
{
	c->nr = (uint8_t)dw[0];
	c->device_id = (uint32_t)(dw[0] >> 32);
	c->event_id = (uint32_t)dw[1];
	c->pintid = (uint32_t)(dw[1] >> 32);
	c->size = (uint8_t)FIELD_GET(dw[1], 4, 0);
	c->icid = (uint32_t)FIELD_GET(dw[2], 15, 0);
	c->target = FIELD_GET(dw[2], 51, 16);
	c->target2 = FIELD_GET(dw[3], 51, 16);
	c->valid = dw[2] >> 63;
}

void vits_init(struct vits *its, struct vgic *vgic)
{
	memset(its, 0, sizeof(*its));
	its->vgic = vgic;
	memset(its->collection, VGIC_NO_VCPU, sizeof(its->collection));
	for (unsigned i = 0; i < VITS_MAX_ITES; i++)
		its->ite[i].next = i + 1 < VITS_MAX_ITES ? (uint16_t)(i + 1) : VITS_NIL;
	its->free_ites = 0;
}

static bool fail(struct vits *its, uint8_t cmd, enum vits_reason why)
{
	its->last_error = VITS_ERROR(cmd, why);
	its->nr_errors++;
	return false;
}

static struct vits_device *find_device(struct vits *its, uint32_t id)
{
	for (unsigned i = 0; i < VITS_MAX_DEVICES; i++)
		if (its->dev[i].valid && its->dev[i].id == id)
			return &its->dev[i];
	return NULL;
}

/* The link (in the device's list) to the ITE of `event`, or NULL. The lists are Triad's own:
 * at most VITS_MAX_ITES long, whatever the guest does. */
static uint16_t *find_link(struct vits *its, struct vits_device *dev, uint32_t event)
{
	for (uint16_t *l = &dev->ites; *l != VITS_NIL; l = &its->ite[*l].next)
		if (its->ite[*l].event == event)
			return l;
	return NULL;
}

/* The link to the ITE of a command's (DeviceID, EventID), or NULL with the command's error. */
static uint16_t *find_mapped(struct vits *its, const struct vits_cmd *c)
{
	struct vits_device *dev = find_device(its, c->device_id);
	if (!dev)
		return fail(its, c->nr, VITS_E_UNMAPPED_DEVICE), NULL;
	if (c->event_id >= dev->nr_events)
		return fail(its, c->nr, VITS_E_EVENT_OOR), NULL;
	uint16_t *l = find_link(its, dev, c->event_id);
	if (!l)
		return fail(its, c->nr, VITS_E_UNMAPPED_INTERRUPT), NULL;
	return l;
}

/* The vCPU the ITE's collection targets, or -1 with the command's error. */
static int ite_target(struct vits *its, uint8_t cmd, const struct vits_ite *ite)
{
	uint8_t t = its->collection[ite->icid];
	if (t == VGIC_NO_VCPU)
		return fail(its, cmd, VITS_E_UNMAPPED_COLLECTION), -1;
	return t;
}

/* Unmaps the ITE *link names: its LPI loses its route (and pending state), the ITE is free. */
static void free_ite(struct vits *its, uint16_t *link)
{
	uint16_t i = *link;
	struct vits_ite *ite = &its->ite[i];
	vgic_lpi_route(its->vgic, ite->lpi, VGIC_NO_VCPU);
	*link = ite->next;
	ite->next = its->free_ites;
	its->free_ites = i;
}

static void unmap_device(struct vits *its, struct vits_device *dev)
{
	while (dev->ites != VITS_NIL)
		free_ite(its, &dev->ites);
	dev->valid = false;
}

static void cmd_mapd(struct vits *its, const struct vits_cmd *c)
{
	if (c->device_id >= 1U << VITS_DEVICE_BITS) {
		fail(its, c->nr, VITS_E_DEVICE_OOR);
		return;
	}
	if (c->valid && c->size >= VITS_EVENT_BITS) {
		fail(its, c->nr, VITS_E_SIZE_OOR);
		return;
	}
	struct vits_device *dev = find_device(its, c->device_id);
	if (dev)
		unmap_device(its, dev); /* a new ITT replaces the old one */
	if (!c->valid)
		return;
	for (unsigned i = 0; !dev && i < VITS_MAX_DEVICES; i++)
		if (!its->dev[i].valid)
			dev = &its->dev[i];
	if (!dev) { /* more devices than the ITS holds: as a DeviceID it cannot map */
		fail(its, c->nr, VITS_E_DEVICE_OOR);
		return;
	}
	dev->valid = true;
	dev->id = c->device_id;
	dev->nr_events = 2U << c->size;
	dev->ites = VITS_NIL;
}

/* Calls fn on every mapped ITE of collection icid. */
static uint32_t for_each_ite_of(struct vits *its, uint32_t icid,
				uint32_t (*fn)(struct vits *its, struct vits_ite *ite))
{
	uint32_t kick = 0;
	for (unsigned d = 0; d < VITS_MAX_DEVICES; d++) {
		if (!its->dev[d].valid)
			continue;
		for (uint16_t i = its->dev[d].ites; i != VITS_NIL; i = its->ite[i].next)
			if (its->ite[i].icid == icid)
				kick |= fn(its, &its->ite[i]);
	}
	return kick;
}

static uint32_t route_ite(struct vits *its, struct vits_ite *ite)
{
	return vgic_lpi_route(its->vgic, ite->lpi, its->collection[ite->icid]);
}

static uint32_t reload_ite(struct vits *its, struct vits_ite *ite)
{
	return vgic_lpi_reload(its->vgic, ite->lpi);
}

static uint32_t cmd_mapc(struct vits *its, const struct vits_cmd *c)
{
	if (c->icid >= VITS_MAX_COLLECTIONS)
		return fail(its, c->nr, VITS_E_COLLECTION_OOR), 0;
	if (c->valid && c->target >= its->vgic->nr_vcpus)
		return fail(its, c->nr, VITS_E_PROCESSOR_OOR), 0;
	its->collection[c->icid] = c->valid ? (uint8_t)c->target : VGIC_NO_VCPU;
	/* Its interrupts follow it to its (new) target. */
	return for_each_ite_of(its, c->icid, route_ite);
}

static uint32_t cmd_mapti(struct vits *its, const struct vits_cmd *c)
{
	uint32_t lpi = c->nr == VITS_MAPI ? c->event_id : c->pintid;
	struct vits_device *dev = find_device(its, c->device_id);
	if (!dev)
		return fail(its, c->nr, VITS_E_UNMAPPED_DEVICE), 0;
	if (c->event_id >= dev->nr_events)
		return fail(its, c->nr, VITS_E_EVENT_OOR), 0;
	if (c->icid >= VITS_MAX_COLLECTIONS)
		return fail(its, c->nr, VITS_E_COLLECTION_OOR), 0;
	if (!vgic_is_lpi(lpi))
		return fail(its, c->nr, VITS_E_PHYSICAL_OOR), 0;
	uint16_t *l = find_link(its, dev, c->event_id);
	if (l)
		free_ite(its, l); /* remapped: the old LPI is unmapped */
	if (its->free_ites == VITS_NIL)
		return fail(its, c->nr, VITS_E_NO_ROOM), 0;
	uint16_t i = its->free_ites;
	struct vits_ite *ite = &its->ite[i];
	its->free_ites = ite->next;
	*ite = (struct vits_ite){.event = c->event_id,
				 .lpi = (uint16_t)lpi,
				 .next = dev->ites,
				 .icid = (uint8_t)c->icid};
	dev->ites = i;
	/* The redistributor reads the LPI's configuration when it gets the mapping. */
	vgic_lpi_reload(its->vgic, lpi);
	return route_ite(its, ite);
}

static uint32_t cmd_movi(struct vits *its, const struct vits_cmd *c)
{
	uint16_t *l = find_mapped(its, c);
	if (!l)
		return 0;
	struct vits_ite *ite = &its->ite[*l];
	if (ite_target(its, c->nr, ite) < 0)
		return 0;
	if (c->icid >= VITS_MAX_COLLECTIONS)
		return fail(its, c->nr, VITS_E_COLLECTION_OOR), 0;
	if (its->collection[c->icid] == VGIC_NO_VCPU)
		return fail(its, c->nr, VITS_E_UNMAPPED_COLLECTION), 0;
	ite->icid = (uint8_t)c->icid;
	return route_ite(its, ite);
}

/* INT, CLEAR, DISCARD, INV: one mapped event whose collection is mapped (DISCARD's need not
 * be: it only takes the mapping and pending state away). */
static uint32_t cmd_event(struct vits *its, const struct vits_cmd *c)
{
	uint16_t *l = find_mapped(its, c);
	if (!l)
		return 0;
	struct vits_ite *ite = &its->ite[*l];
	if (c->nr != VITS_DISCARD && ite_target(its, c->nr, ite) < 0)
		return 0;
	switch (c->nr) {
	case VITS_INT:
		return vgic_lpi_raise(its->vgic, ite->lpi);
	case VITS_CLEAR:
		return vgic_lpi_clear(its->vgic, ite->lpi);
	case VITS_DISCARD:
		free_ite(its, l); /* its pending state goes with it */
		return 0;
	default: /* INV */
		return reload_ite(its, ite);
	}
}

static uint32_t cmd_invall(struct vits *its, const struct vits_cmd *c)
{
	if (c->icid >= VITS_MAX_COLLECTIONS)
		return fail(its, c->nr, VITS_E_COLLECTION_OOR), 0;
	if (its->collection[c->icid] == VGIC_NO_VCPU)
		return fail(its, c->nr, VITS_E_UNMAPPED_COLLECTION), 0;
	return for_each_ite_of(its, c->icid, reload_ite);
}

static uint32_t cmd_movall(struct vits *its, const struct vits_cmd *c)
{
	unsigned n = its->vgic->nr_vcpus;
	if (c->target >= n || c->target2 >= n) /* the spec's "processor number out of range" */
		return fail(its, c->nr, VITS_E_MOVALL_TARGET_OOR), 0;
	return vgic_lpi_move_all(its->vgic, (unsigned)c->target, (unsigned)c->target2);
}

static uint32_t execute(struct vits *its, const struct vits_cmd *c)
{
	switch (c->nr) {
	case VITS_MAPD:
		cmd_mapd(its, c);
		return 0;
	case VITS_MAPC:
		return cmd_mapc(its, c);
	case VITS_MAPTI:
	case VITS_MAPI:
		return cmd_mapti(its, c);
	case VITS_MOVI:
		return cmd_movi(its, c);
	case VITS_INT:
	case VITS_CLEAR:
	case VITS_DISCARD:
	case VITS_INV:
		return cmd_event(its, c);
	case VITS_INVALL:
		return cmd_invall(its, c);
	case VITS_MOVALL:
		return cmd_movall(its, c);
	case VITS_SYNC: /* every command took effect when it ran */
		return 0;
	default:
		return fail(its, c->nr, VITS_E_UNKNOWN_COMMAND), 0;
	}
}

static uint64_t queue_size(const struct vits *its)
{
	return (FIELD_GET(its->cbaser, 7, 0) + 1) * SZ_4K;
}

/* Runs the commands from CREADR towards CWRITER, at most VITS_BATCH of them: the rest at the
 * guest's next ITS access (it polls CREADR until it catches up), so that one trap has a bound
 * however long the queue. Each is copied out of guest memory once and decoded from the copy,
 * so a guest rewriting its queue meanwhile changes nothing but which command runs. A queue
 * (or a part of it) outside RAM, or a CWRITER past its end, stalls it. */
static uint32_t run_queue(struct vits *its)
{
	if (!(its->ctlr & CTLR_ENABLED) || !(its->cbaser & CBASER_VALID) || its->stalled)
		return 0;
	uint64_t size = queue_size(its), base = its->cbaser & GENMASK(51, 12);
	if (its->cwriter >= size) {
		its->stalled = true;
		return fail(its, 0, VITS_E_QUEUE), 0;
	}
	uint32_t kick = 0;
	for (unsigned n = 0; n < VITS_BATCH && its->creadr != its->cwriter; n++) {
		const void *p =
		    its->vgic->mem.map(its->vgic->mem.ctx, base + its->creadr, VITS_CMD_SIZE);
		if (!p) {
			its->stalled = true;
			return fail(its, 0, VITS_E_QUEUE), kick;
		}
		uint64_t dw[4];
		memcpy(dw, p, sizeof(dw));
		struct vits_cmd c;
		vits_decode(dw, &c);
		its->creadr = (its->creadr + VITS_CMD_SIZE) % size;
		kick |= execute(its, &c);
	}
	return kick;
}

uint32_t vits_msi(struct vits *its, uint32_t device_id, uint32_t event_id)
{
	spin_assert_held(&its->vgic->lock);
	if (!(its->ctlr & CTLR_ENABLED))
		return 0; /* a disabled ITS translates nothing */
	struct vits_cmd c = {.nr = VITS_INT, .device_id = device_id, .event_id = event_id};
	return cmd_event(its, &c);
}

/* A 64-bit register accessed whole or by 32-bit halves: the value read. */
static uint64_t half_of(uint64_t r, uint32_t off, unsigned size)
{
	return size == 8 ? r : (off & 4) ? r >> 32 : (uint32_t)r;
}

/* The same for a write: the register's new value. */
static uint64_t merge_half(uint64_t r, uint32_t off, unsigned size, uint64_t val)
{
	if (size == 8)
		return val;
	return (off & 4) ? (r & 0xffffffffUL) | (val << 32) : (r & ~0xffffffffUL) | (uint32_t)val;
}

static bool reg64(uint32_t off)
{
	return (off & ~7U) == GITS_TYPER || (off >= GITS_CBASER && off < GITS_CREADR + 8) ||
	       (off >= GITS_BASER0 && off < GITS_BASER_END);
}

static uint64_t *reg64_at(struct vits *its, uint32_t off, uint64_t *scratch)
{
	switch (off & ~7U) {
	case GITS_CBASER:
		return &its->cbaser;
	case GITS_CWRITER:
		return &its->cwriter;
	case GITS_CREADR:
		*scratch = its->creadr | (its->stalled ? CREADR_STALLED : 0);
		return scratch;
	case GITS_BASER0:
		*scratch = its->baser_dev | BASER_TYPE_DEVICE | BASER_ENTRY_SIZE;
		return scratch;
	case GITS_TYPER:
		*scratch = GITS_TYPER_VALUE;
		return scratch;
	default: /* the other GITS_BASER<n>: no table of that kind */
		*scratch = 0;
		return scratch;
	}
}

bool vits_read(struct vits *its, uint32_t off, unsigned size, uint64_t *val, uint32_t *kick)
{
	spin_assert_held(&its->vgic->lock);
	if (off >= VITS_SIZE || (size != 4 && size != 8) || (off & (size - 1)))
		return false;
	*val = 0;
	if ((off & ~7U) == GITS_CREADR)
		*kick |= run_queue(its); /* the next batch of a long queue */
	if (reg64(off)) {
		uint64_t scratch;
		*val = half_of(*reg64_at(its, off, &scratch), off, size);
		return true;
	}
	if (size != 4)
		return false;
	switch (off) {
	case GITS_CTLR: /* commands run to completion when written: quiescent once disabled */
		*val = its->ctlr | (its->ctlr & CTLR_ENABLED ? 0 : CTLR_QUIESCENT);
		break;
	case GITS_IIDR:
		*val = GITS_IIDR_VALUE;
		break;
	case GITS_PIDR2:
		*val = GITS_PIDR2_V3;
		break;
	}
	return true; /* GITS_TRANSLATER and reserved offsets read as zero */
}

static uint32_t write64(struct vits *its, uint32_t off, unsigned size, uint64_t val)
{
	switch (off & ~7U) {
	case GITS_CBASER: /* fixed while the ITS is on; a new queue starts at its beginning */
		if (its->ctlr & CTLR_ENABLED)
			return 0;
		its->cbaser = merge_half(its->cbaser, off, size, val) & CBASER_WRITABLE;
		its->creadr = its->cwriter = 0;
		its->stalled = false;
		return 0;
	case GITS_CWRITER:
		its->cwriter = merge_half(its->cwriter, off, size, val) & QUEUE_OFFSET_MASK;
		return run_queue(its);
	case GITS_BASER0:
		if (!(its->ctlr & CTLR_ENABLED))
			its->baser_dev =
			    merge_half(its->baser_dev, off, size, val) & BASER_WRITABLE;
		return 0;
	default: /* TYPER, CREADR (read-only), other BASERs (RAZ/WI) */
		return 0;
	}
}

bool vits_write(struct vits *its, uint32_t off, unsigned size, uint64_t val, uint32_t *kick)
{
	spin_assert_held(&its->vgic->lock);
	if (off >= VITS_SIZE || (off & (size - 1)))
		return false;
	if (off == VITS_TRANSLATER) { /* a CPU's MSI: 16 or 32 bits, the EventID */
		if (size != 2 && size != 4)
			return false;
		*kick |= vits_msi(its, VITS_DEVICE_ID_CPU, (uint32_t)val);
		return true;
	}
	if (size != 4 && size != 8)
		return false;
	if (reg64(off)) {
		*kick |= write64(its, off, size, val);
		return true;
	}
	if (size != 4)
		return false;
	if (off == GITS_CTLR) {
		its->ctlr = (uint32_t)val & CTLR_ENABLED;
		*kick |= run_queue(its); /* commands written while it was off */
	}
	return true; /* IIDR, ID registers: read-only; reserved: WI */
}
