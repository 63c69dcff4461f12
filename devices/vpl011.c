/* Emulated PL011 (see include/triad/vpl011.h). Transmit is immediate, so the transmit
 * FIFO always reads empty; receive holds what the user typed until the guest reads it. */
#include <string.h>
#include <triad/vpl011.h>

#define DR    0x000
#define RSR   0x004
#define FR    0x018
#define ILPR  0x020
#define IBRD  0x024
#define FBRD  0x028
#define LCR_H 0x02c
#define CR    0x030
#define IFLS  0x034
#define IMSC  0x038
#define RIS   0x03c
#define MIS   0x040
#define ICR   0x044
#define DMACR 0x048

#define FR_RXFE (1U << 4)
#define FR_RXFF (1U << 6)
#define FR_TXFE (1U << 7)
#define INT_RX	(1U << 4)
#define INT_TX	(1U << 5)
#define INT_RT	(1U << 6)

/* PrimeCell identification: PL011 r1p5, what Linux's AMBA bus matches on. */
static const uint8_t id_regs[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

void vpl011_init(struct vpl011 *u, void (*putc)(void *, char), void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->cr = 0x300; /* TXE | RXE, the reset value */
	u->ifls = 0x12;
	u->putc = putc;
	u->ctx = ctx;
}

static uint32_t raw_status(const struct vpl011 *u)
{
	uint32_t ris = u->tx_int ? INT_TX : 0;
	if (u->rx_count)
		ris |= INT_RX | INT_RT;
	return ris;
}

bool vpl011_irq_level(const struct vpl011 *u)
{
	return (raw_status(u) & u->imsc) != 0;
}

bool vpl011_read(struct vpl011 *u, uint64_t off, unsigned size, uint64_t *val)
{
	if (size != 4 && !(size == 1 && off == DR) && !(size == 2 && off <= 0x48))
		return false;
	*val = 0;
	if (off >= 0xfe0 && off < 0x1000) {
		*val = id_regs[(off - 0xfe0) / 4];
		return true;
	}
	switch (off) {
	case DR:
		if (u->rx_count) {
			*val = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % VPL011_RX_SIZE;
			u->rx_count--;
		}
		break;
	case FR:
		*val = FR_TXFE | (u->rx_count ? 0 : FR_RXFE) |
		       (u->rx_count == VPL011_RX_SIZE ? FR_RXFF : 0);
		break;
	case IBRD:
		*val = u->ibrd;
		break;
	case FBRD:
		*val = u->fbrd;
		break;
	case LCR_H:
		*val = u->lcr_h;
		break;
	case CR:
		*val = u->cr;
		break;
	case IFLS:
		*val = u->ifls;
		break;
	case IMSC:
		*val = u->imsc;
		break;
	case RIS:
		*val = raw_status(u);
		break;
	case MIS:
		*val = raw_status(u) & u->imsc;
		break;
	case DMACR:
		*val = u->dmacr;
		break;
	}
	return true; /* RSR, ILPR and reserved offsets read as zero */
}

bool vpl011_write(struct vpl011 *u, uint64_t off, unsigned size, uint64_t val)
{
	if (size != 4 && !(size == 1 && off == DR) && !(size == 2 && off <= 0x48))
		return false;
	uint32_t v = (uint32_t)val;
	switch (off) {
	case DR:
		u->putc(u->ctx, (char)(v & 0xff));
		u->tx_int = true;
		break;
	case IBRD:
		u->ibrd = v & 0xffff;
		break;
	case FBRD:
		u->fbrd = v & 0x3f;
		break;
	case LCR_H:
		u->lcr_h = v & 0xff;
		break;
	case CR:
		u->cr = v & 0xff87;
		break;
	case IFLS:
		u->ifls = v & 0x3f;
		break;
	case IMSC:
		u->imsc = v & 0x7ff;
		break;
	case ICR:
		if (v & INT_TX)
			u->tx_int = false;
		break;
	case DMACR:
		u->dmacr = v & 0x7;
		break;
	}
	return true; /* read-only and reserved offsets ignore writes */
}

bool vpl011_rx(struct vpl011 *u, char c)
{
	if (u->rx_count == VPL011_RX_SIZE)
		return false;
	u->rx[(u->rx_head + u->rx_count) % VPL011_RX_SIZE] = (uint8_t)c;
	u->rx_count++;
	return true;
}

void vpl011_save(const struct vpl011 *u, struct vpl011_saved *s)
{
	memcpy(s->rx, u->rx, sizeof(s->rx));
	s->rx_head = u->rx_head;
	s->rx_count = u->rx_count;
	s->cr = u->cr;
	s->lcr_h = u->lcr_h;
	s->ibrd = u->ibrd;
	s->fbrd = u->fbrd;
	s->ifls = u->ifls;
	s->imsc = u->imsc;
	s->dmacr = u->dmacr;
	s->tx_int = u->tx_int;
}

bool vpl011_restore(struct vpl011 *u, const struct vpl011_saved *s)
{
	/* Each register no wider than the PL011's. */
	if (s->rx_head >= VPL011_RX_SIZE || s->rx_count > VPL011_RX_SIZE || s->cr > 0xffff ||
	    s->lcr_h > 0xff || s->ibrd > 0xffff || s->fbrd > 0x3f || s->ifls > 0x3f ||
	    s->imsc > 0x7ff || s->dmacr > 0x7 || s->tx_int > 1)
		return false;
	memcpy(u->rx, s->rx, sizeof(u->rx));
	u->rx_head = s->rx_head;
	u->rx_count = s->rx_count;
	u->cr = s->cr;
	u->lcr_h = s->lcr_h;
	u->ibrd = s->ibrd;
	u->fbrd = s->fbrd;
	u->ifls = s->ifls;
	u->imsc = s->imsc;
	u->dmacr = s->dmacr;
	u->tx_int = s->tx_int;
	return true;
}
