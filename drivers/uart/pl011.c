/* Physical PL011 driver: interrupt-driven receive (transmit: lib/early_console.h). */
#include "pl011.h"

#define UARTDR	 0x000
#define UARTFR	 0x018
#define UARTIMSC 0x038
#define UARTICR	 0x044
#define FR_RXFE	 (1U << 4)
#define INT_RX	 (1U << 4)
#define INT_RT	 (1U << 6)

static volatile uint32_t *uart;

static inline uint32_t rd(unsigned off)
{
	return uart[off / 4];
}

static inline void wr(unsigned off, uint32_t v)
{
	uart[off / 4] = v;
}

void pl011_enable_rx_irq(uintptr_t base)
{
	uart = (volatile uint32_t *)base;
	wr(UARTIMSC, INT_RX | INT_RT);
}

int pl011_getc(void)
{
	if (!uart || (rd(UARTFR) & FR_RXFE))
		return -1;
	return rd(UARTDR) & 0xff;
}

void pl011_ack_irq(void)
{
	wr(UARTICR, INT_RX | INT_RT);
}
