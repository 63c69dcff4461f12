/* A snapshot's ITS section: encoding, checking, loading (include/triad/snapshot_its.h). */
#include <stdio.h>
#include <string.h>
#include <triad/errno.h>
#include <triad/snapshot_its.h>

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)

#define HEAD sizeof(struct snap_its_head)
#define RD   sizeof(struct snap_its_redist)
#define LPI  sizeof(struct snap_lpi)
#define DEV  sizeof(struct snap_its_device)
#define ITE  sizeof(struct snap_its_ite)

_Static_assert(sizeof(struct snap_its_head) == 72, "snapshot format: snap_its_head changed");
_Static_assert(sizeof(struct snap_its_ite) == 8, "snapshot format: snap_its_ite changed");

static uint64_t len_of(unsigned ncpus, unsigned ndevices, unsigned nites)
{
	return HEAD + (uint64_t)ncpus * RD + VGIC_NR_LPIS * LPI + (uint64_t)ndevices * DEV +
	       (uint64_t)nites * ITE;
}

uint64_t snap_its_pack(const struct vits *its, const struct vgic *d, uint8_t *out)
{
	struct snap_its_head h = {.ncpus = d->nr_vcpus,
				  .ctlr = its->ctlr,
				  .cbaser = its->cbaser,
				  .cwriter = its->cwriter,
				  .creadr = its->creadr,
				  .baser_dev = its->baser_dev,
				  .stalled = its->stalled};
	memcpy(h.collection, its->collection, sizeof(h.collection));
	uint64_t at = HEAD;
	for (unsigned i = 0; i < d->nr_vcpus; i++, at += RD) {
		const struct vgic_cpu *c = d->cpu[i];
		struct snap_its_redist r = {c->propbaser, c->pendbaser, c->lpis_enabled, 0};
		memcpy(out + at, &r, RD);
	}
	for (unsigned i = 0; i < VGIC_NR_LPIS; i++, at += LPI) {
		const struct virq *irq = &d->lpi[i];
		struct snap_lpi l = {.priority = irq->priority,
				     .flags = (irq->enabled ? SNAP_LPI_ENABLED : 0) |
					      (irq->latch ? SNAP_LPI_PENDING : 0) |
					      (irq->active ? SNAP_LPI_ACTIVE : 0),
				     .vcpu = irq->lpi_vcpu};
		memcpy(out + at, &l, LPI);
	}
	uint64_t ite_at = at;
	for (unsigned i = 0; i < VITS_MAX_DEVICES; i++)
		h.ndevices += its->dev[i].valid;
	ite_at += (uint64_t)h.ndevices * DEV;
	for (unsigned i = 0; i < VITS_MAX_DEVICES; i++) {
		const struct vits_device *dev = &its->dev[i];
		if (!dev->valid)
			continue;
		struct snap_its_device sd = {dev->id, dev->nr_events, 0, 0};
		for (uint16_t e = dev->ites; e != VITS_NIL; e = its->ite[e].next) {
			const struct vits_ite *ite = &its->ite[e];
			struct snap_its_ite si = {ite->event, ite->lpi, ite->icid, 0};
			memcpy(out + ite_at, &si, ITE);
			ite_at += ITE;
			sd.nites++;
		}
		h.nites += sd.nites;
		memcpy(out + at, &sd, DEV);
		at += DEV;
	}
	memcpy(out, &h, HEAD);
	return ite_at;
}

static bool vcpu_ok(uint8_t v, unsigned ncpus)
{
	return v == VGIC_NO_VCPU || v < ncpus;
}

/* Whether some ITE maps lpi (an LPI is routed only through an ITE). */
static bool lpi_mapped(const uint8_t *ites, unsigned nites, uint32_t lpi)
{
	for (unsigned i = 0; i < nites; i++) {
		struct snap_its_ite e;
		memcpy(&e, ites + (uint64_t)i * ITE, ITE);
		if (e.lpi == lpi)
			return true;
	}
	return false;
}

static int check_head(const struct snap_its_head *h, unsigned ncpus, char *err, size_t errlen)
{
	if (h->ctlr & ~1u || h->stalled > 1 || h->reserved)
		FAIL("ITS section: GITS_CTLR 0x%x or flags the ITS does not have", h->ctlr);
	if (h->cbaser & ~VITS_CBASER_WRITABLE || h->baser_dev & ~VITS_BASER_WRITABLE)
		FAIL("ITS section: GITS_CBASER or GITS_BASER0 has bits the guest cannot set");
	uint64_t queue = (h->cbaser & 0xff) * 4096 + 4096;
	if (h->cwriter & ~VITS_QUEUE_OFFSET_MASK || h->creadr & ~VITS_QUEUE_OFFSET_MASK ||
	    h->creadr >= queue)
		FAIL("ITS section: CWRITER 0x%llx or CREADR 0x%llx outside its %llu-byte queue",
		     (unsigned long long)h->cwriter, (unsigned long long)h->creadr,
		     (unsigned long long)queue);
	for (unsigned i = 0; i < VITS_MAX_COLLECTIONS; i++)
		if (!vcpu_ok(h->collection[i], ncpus))
			FAIL("ITS section: collection %u targets vCPU %u, the VM has %u", i,
			     (unsigned)h->collection[i], ncpus);
	if (h->ndevices > VITS_MAX_DEVICES || h->nites > VITS_MAX_ITES)
		FAIL("ITS section: %u devices and %u translations, the ITS holds %u and %u",
		     h->ndevices, h->nites, (unsigned)VITS_MAX_DEVICES, (unsigned)VITS_MAX_ITES);
	return 0;
}

static int check_devices(const uint8_t *devs, const uint8_t *ites, const struct snap_its_head *h,
			 char *err, size_t errlen)
{
	unsigned first = 0;
	for (unsigned d = 0; d < h->ndevices; d++) {
		struct snap_its_device sd;
		memcpy(&sd, devs + (uint64_t)d * DEV, DEV);
		bool pow2 = sd.nr_events && !(sd.nr_events & (sd.nr_events - 1));
		if (sd.id >> VITS_DEVICE_BITS || !pow2 || sd.nr_events < 2 ||
		    sd.nr_events > 1u << VITS_EVENT_BITS || sd.reserved)
			FAIL("ITS section: device %u (ID 0x%x) with %u events", d, sd.id,
			     sd.nr_events);
		for (unsigned o = 0; o < d; o++) {
			struct snap_its_device other;
			memcpy(&other, devs + (uint64_t)o * DEV, DEV);
			if (other.id == sd.id)
				FAIL("ITS section: DeviceID 0x%x mapped twice", sd.id);
		}
		if (sd.nites > h->nites - first)
			FAIL("ITS section: device 0x%x has more translations than the section",
			     sd.id);
		for (unsigned i = first; i < first + sd.nites; i++) {
			struct snap_its_ite e;
			memcpy(&e, ites + (uint64_t)i * ITE, ITE);
			if (e.event >= sd.nr_events || !vgic_is_lpi(e.lpi) ||
			    e.icid >= VITS_MAX_COLLECTIONS || e.reserved)
				FAIL("ITS section: device 0x%x's event %u maps LPI %u in "
				     "collection %u: out of range",
				     sd.id, e.event, (unsigned)e.lpi, (unsigned)e.icid);
			for (unsigned j = first; j < i; j++) {
				struct snap_its_ite o;
				memcpy(&o, ites + (uint64_t)j * ITE, ITE);
				if (o.event == e.event)
					FAIL("ITS section: device 0x%x's event %u mapped twice",
					     sd.id, e.event);
			}
		}
		first += sd.nites;
	}
	if (first != h->nites)
		FAIL("ITS section: %u translations, its devices have %u", h->nites, first);
	return 0;
}

int snap_its_check(const uint8_t *sec, uint64_t len, unsigned ncpus, char *err, size_t errlen)
{
	struct snap_its_head h;
	if (len < HEAD)
		FAIL("ITS section cut short");
	memcpy(&h, sec, HEAD);
	if (h.ncpus != ncpus)
		FAIL("ITS section for %u vCPU(s), the VM has %u", h.ncpus, ncpus);
	if (check_head(&h, ncpus, err, errlen))
		return -EINVAL;
	if (len != len_of(ncpus, h.ndevices, h.nites))
		FAIL("ITS section of %llu bytes, its counts make %llu", (unsigned long long)len,
		     (unsigned long long)len_of(ncpus, h.ndevices, h.nites));
	const uint8_t *rd = sec + HEAD, *lpis = rd + (uint64_t)ncpus * RD;
	const uint8_t *devs = lpis + VGIC_NR_LPIS * LPI, *ites = devs + (uint64_t)h.ndevices * DEV;
	for (unsigned i = 0; i < ncpus; i++) {
		struct snap_its_redist r;
		memcpy(&r, rd + (uint64_t)i * RD, RD);
		if (r.propbaser & ~VGIC_PROPBASER_WRITABLE ||
		    r.pendbaser & ~(VGIC_PENDBASER_WRITABLE | VGIC_PENDBASER_PTZ) ||
		    r.lpis_enabled > 1 || r.reserved)
			FAIL("ITS section: vCPU %u's PROPBASER, PENDBASER or EnableLPIs has bits "
			     "the guest cannot set",
			     i);
	}
	if (check_devices(devs, ites, &h, err, errlen))
		return -EINVAL;
	for (unsigned i = 0; i < VGIC_NR_LPIS; i++) {
		struct snap_lpi l;
		memcpy(&l, lpis + (uint64_t)i * LPI, LPI);
		if (l.flags & ~SNAP_LPI_ALL || l.priority & ~VGIC_PRIO_MASK || l.reserved ||
		    !vcpu_ok(l.vcpu, ncpus))
			FAIL("ITS section: LPI %u's state (flags 0x%x, priority 0x%x, vCPU %u) is "
			     "not one the vGIC has",
			     VGIC_LPI_BASE + i, (unsigned)l.flags, (unsigned)l.priority,
			     (unsigned)l.vcpu);
		if (l.vcpu != VGIC_NO_VCPU && !lpi_mapped(ites, h.nites, VGIC_LPI_BASE + i))
			FAIL("ITS section: LPI %u is routed to vCPU %u but no event maps it",
			     VGIC_LPI_BASE + i, (unsigned)l.vcpu);
	}
	return 0;
}

void snap_its_unpack(const uint8_t *sec, struct vits *its, struct vgic *d)
{
	spin_assert_held(&d->lock);
	struct snap_its_head h;
	memcpy(&h, sec, HEAD);
	vits_init(its, d);
	its->ctlr = h.ctlr;
	its->cbaser = h.cbaser;
	its->cwriter = h.cwriter;
	its->creadr = h.creadr;
	its->baser_dev = h.baser_dev;
	its->stalled = h.stalled;
	memcpy(its->collection, h.collection, sizeof(its->collection));
	const uint8_t *rd = sec + HEAD, *lpis = rd + (uint64_t)h.ncpus * RD;
	const uint8_t *devs = lpis + VGIC_NR_LPIS * LPI, *ites = devs + (uint64_t)h.ndevices * DEV;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct snap_its_redist r;
		memcpy(&r, rd + (uint64_t)i * RD, RD);
		struct vgic_cpu *c = d->cpu[i];
		c->propbaser = r.propbaser;
		c->pendbaser = r.pendbaser;
		c->lpis_enabled = r.lpis_enabled;
		/* Anything may be pending: each vCPU looks at every LPI once. */
		memset(c->lpi_maybe_pending, 0xff, sizeof(c->lpi_maybe_pending));
		c->lpi_words = (uint16_t)((1u << VGIC_LPI_WORDS) - 1);
		c->lrs_stale = true;
	}
	for (unsigned i = 0; i < VGIC_NR_LPIS; i++) {
		struct snap_lpi l;
		memcpy(&l, lpis + (uint64_t)i * LPI, LPI);
		d->lpi[i] = (struct virq){.priority = l.priority,
					  .enabled = l.flags & SNAP_LPI_ENABLED,
					  .edge = true,
					  .latch = l.flags & SNAP_LPI_PENDING,
					  .active = l.flags & SNAP_LPI_ACTIVE,
					  .lr_owner = VGIC_NO_VCPU,
					  .lpi_vcpu = l.vcpu};
	}
	/* vits_init left ITEs 0.. on the free list in order: they are taken in that order. */
	uint16_t next = 0;
	for (unsigned i = 0; i < h.ndevices; i++) {
		struct snap_its_device sd;
		memcpy(&sd, devs + (uint64_t)i * DEV, DEV);
		struct vits_device *dev = &its->dev[i];
		*dev = (struct vits_device){true, sd.id, sd.nr_events, VITS_NIL};
		uint16_t *tail = &dev->ites;
		for (unsigned k = 0; k < sd.nites; k++, next++) {
			struct snap_its_ite e;
			memcpy(&e, ites + (uint64_t)next * ITE, ITE);
			its->ite[next] = (struct vits_ite){e.event, e.lpi, VITS_NIL, e.icid};
			*tail = next;
			tail = &its->ite[next].next;
		}
	}
	its->free_ites = next < VITS_MAX_ITES ? next : VITS_NIL;
}
