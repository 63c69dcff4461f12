/* The PL031's registers (Arm PrimeCell RTC, TRM DDI 0224): a 32-bit seconds counter,
 * a load register that sets it, a match register that raises the interrupt. */
#include <triad/vpl031.h>

#define RTCDR	0x00
#define RTCMR	0x04
#define RTCLR	0x08
#define RTCCR	0x0c
#define RTCIMSC 0x10
#define RTCRIS	0x14
#define RTCMIS	0x18
#define RTCICR	0x1c

/* PeriphID 0x00041031 and PrimeCell ID 0xb105f00d, a byte per register. */
static const uint8_t id_regs[8] = {0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void vpl031_init(struct vpl031 *r)
{
	r->offset = r->load = r->match = 0;
	r->imsc = r->ris = false;
}

bool vpl031_read(const struct vpl031 *r, uint32_t now, uint64_t off, unsigned size, uint64_t *val)
{
	/* The identification registers hold a byte each: EDK2's PL031 driver reads them a
	 * byte at a time (QEMU's PL031 allows it). */
	if (off >= 0xfe0 && off < 0x1000 && off % 4 == 0 && (size == 1 || size == 2 || size == 4)) {
		*val = id_regs[(off - 0xfe0) / 4];
		return true;
	}
	if (size != 4 || off % 4)
		return false;
	switch (off) {
	case RTCDR:
		*val = (uint32_t)(now + r->offset);
		return true;
	case RTCMR:
		*val = r->match;
		return true;
	case RTCLR:
		*val = r->load;
		return true;
	case RTCCR:
		*val = 1; /* always running: the counter cannot be stopped */
		return true;
	case RTCIMSC:
		*val = r->imsc;
		return true;
	case RTCRIS:
		*val = r->ris;
		return true;
	case RTCMIS:
		*val = r->ris && r->imsc;
		return true;
	default:
		*val = 0; /* reserved and write-only registers read as zero */
		return true;
	}
}

bool vpl031_write(struct vpl031 *r, uint32_t now, uint64_t off, unsigned size, uint64_t val)
{
	if (size != 4 || off % 4)
		return false;
	uint32_t v = (uint32_t)val;
	switch (off) {
	case RTCMR:
		r->match = v;
		vpl031_expire(r, now); /* a match set to the current second fires at once */
		break;
	case RTCLR:
		r->load = v;
		r->offset = v - now;
		break;
	case RTCIMSC:
		r->imsc = v & 1;
		break;
	case RTCICR:
		if (v & 1)
			r->ris = false;
		break;
	default:
		break; /* DR, RIS, MIS and IDs are read-only; CR's start bit is always set */
	}
	return true;
}

void vpl031_expire(struct vpl031 *r, uint32_t now);

bool vpl031_irq_level(const struct vpl031 *r)
{
	return r->ris && r->imsc;
}

uint32_t vpl031_seconds_to_match(const struct vpl031 *r, uint32_t now)
{
	return r->match - (uint32_t)(now + r->offset); /* wraps like the counter */
}

void vpl031_expire(struct vpl031 *r, uint32_t now)
{
	if ((uint32_t)(now + r->offset) == r->match)
		r->ris = true;
}

void vpl031_save(const struct vpl031 *r, struct vpl031_saved *s)
{
	*s = (struct vpl031_saved){r->offset, r->load, r->match, r->imsc, r->ris};
}

bool vpl031_restore(struct vpl031 *r, const struct vpl031_saved *s)
{
	if (s->imsc > 1 || s->ris > 1)
		return false;
	*r = (struct vpl031){s->offset, s->load, s->match, s->imsc, s->ris};
	return true;
}
