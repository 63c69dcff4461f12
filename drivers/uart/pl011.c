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

void pl011_enable_rx_irq(uintptr_t base)
{
	uart = (volatile uint32_t *)base;
	uart[UARTIMSC / 4] = INT_RX | INT_RT;
}

int pl011_getc(void)
{
	if (!uart || (uart[UARTFR / 4] & FR_RXFE))
		return -1;
	return uart[UARTDR / 4] & 0xff;
}

void pl011_ack_irq(void)
{
	uart[UARTICR / 4] = INT_RX | INT_RT;
}
