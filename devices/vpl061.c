/* The PL061's register model (include/triad/vpl061.h). */
#include <string.h>
#include <triad/vpl061.h>

/* PrimeCell identification, 0xfe0..0xffc: part 0x061, designer Arm, revision 1. */
static const uint8_t id_regs[8] = {0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* Level-sensitive lines are raised while they are at their active level. */
static uint8_t raw_status(const struct vpl061 *g)
{
	uint8_t level = (uint8_t)(g->is & ~(g->pins ^ g->iev));
	return (uint8_t)((g->edges & ~g->is) | level);
}

/* The lines took new values: edge detection on those that changed. */
static void update_pins(struct vpl061 *g)
{
	uint8_t now = (uint8_t)((g->data & g->dir) | (g->in & ~g->dir));
	uint8_t changed = now ^ g->pins;
	uint8_t rising = changed & now, falling = changed & ~now;
	uint8_t edge = (uint8_t)((changed & g->ibe) | (rising & g->iev & ~g->ibe) |
				 (falling & ~g->iev & ~g->ibe));
	g->edges |= (uint8_t)(edge & ~g->is);
	g->pins = now;
}

void vpl061_init(struct vpl061 *g)
{
	memset(g, 0, sizeof(*g));
}

static bool ok_size(uint64_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & 3) && off < 0x1000;
}

bool vpl061_read(const struct vpl061 *g, uint64_t off, unsigned size, uint64_t *val)
{
	if (!ok_size(off, size))
		return false;
	if (off < 0x400) {
		*val = g->pins & (off >> 2);
		return true;
	}
	if (off >= 0xfe0) {
		*val = id_regs[(off - 0xfe0) / 4];
		return true;
	}
	switch (off) {
	case VPL061_DIR:
		*val = g->dir;
		return true;
	case VPL061_IS:
		*val = g->is;
		return true;
	case VPL061_IBE:
		*val = g->ibe;
		return true;
	case VPL061_IEV:
		*val = g->iev;
		return true;
	case VPL061_IE:
		*val = g->ie;
		return true;
	case VPL061_RIS:
		*val = raw_status(g);
		return true;
	case VPL061_MIS:
		*val = raw_status(g) & g->ie;
		return true;
	case VPL061_AFSEL:
		*val = g->afsel;
		return true;
	case VPL061_IC:
		*val = 0; /* write-only: reads as zero */
		return true;
	}
	return false;
}

bool vpl061_write(struct vpl061 *g, uint64_t off, unsigned size, uint64_t val)
{
	if (!ok_size(off, size))
		return false;
	uint8_t v = (uint8_t)val;
	if (off < 0x400) {
		uint8_t mask = (uint8_t)(off >> 2);
		g->data = (uint8_t)((g->data & ~mask) | (v & mask));
		update_pins(g);
		return true;
	}
	switch (off) {
	case VPL061_DIR:
		g->dir = v;
		update_pins(g);
		return true;
	case VPL061_IS:
		g->is = v;
		g->edges &= (uint8_t)~v; /* a level line has no latched edge */
		return true;
	case VPL061_IBE:
		g->ibe = v;
		return true;
	case VPL061_IEV:
		g->iev = v;
		return true;
	case VPL061_IE:
		g->ie = v;
		return true;
	case VPL061_IC:
		g->edges &= (uint8_t)~v;
		return true;
	case VPL061_AFSEL:
		g->afsel = v;
		return true;
	case VPL061_RIS:
	case VPL061_MIS:
		return true; /* read-only: writes ignored */
	}
	return off >= 0xfe0; /* the identification registers ignore writes */
}

void vpl061_set_input(struct vpl061 *g, unsigned line, bool level)
{
	if (line >= 8)
		return;
	uint8_t bit = (uint8_t)(1u << line);
	g->in = level ? (uint8_t)(g->in | bit) : (uint8_t)(g->in & ~bit);
	update_pins(g);
}

bool vpl061_irq_level(const struct vpl061 *g)
{
	return (raw_status(g) & g->ie) != 0;
}

void vpl061_save(const struct vpl061 *g, struct vpl061_saved *s)
{
	memset(s, 0, sizeof(*s));
	s->data = g->data;
	s->dir = g->dir;
	s->is = g->is;
	s->ibe = g->ibe;
	s->iev = g->iev;
	s->ie = g->ie;
	s->afsel = g->afsel;
	s->edges = g->edges;
	s->in = g->in;
}

bool vpl061_restore(struct vpl061 *g, const struct vpl061_saved *s)
{
	for (unsigned i = 0; i < sizeof(s->pad); i++)
		if (s->pad[i])
			return false;
	if (s->edges & s->is)
		return false; /* a level line never holds a latched edge */
	g->data = s->data;
	g->dir = s->dir;
	g->is = s->is;
	g->ibe = s->ibe;
	g->iev = s->iev;
	g->ie = s->ie;
	g->afsel = s->afsel;
	g->edges = s->edges;
	g->in = s->in;
	g->pins = (uint8_t)((g->data & g->dir) | (g->in & ~g->dir));
	return true;
}
