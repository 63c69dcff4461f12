/* The machine's PL011, polled output and receive side (see lib/early_console.h). */
#include <lib/early_console.h>

#define UARTDR	   0x000
#define UARTFR	   0x018
#define UARTCR	   0x030
#define UARTIMSC   0x038
#define UARTICR	   0x044
#define FR_RXFE	   (1U << 4)
#define FR_TXFF	   (1U << 5)
#define CR_ENABLED 0x301 /* UARTEN, TXE, RXE */
#define INT_RX_RT  (1U << 4 | 1U << 6)

static volatile uint32_t *uart;

void early_console_init(uintptr_t pl011_base)
{
	/* Firmware (or QEMU) has set the line up: its baud rate and format are kept. */
	uart = (volatile uint32_t *)pl011_base;
}

void early_console_enable(void)
{
	if (uart)
		uart[UARTCR / 4] = CR_ENABLED;
}

void early_putc(char c)
{
	if (!uart)
		return;
	while (uart[UARTFR / 4] & FR_TXFF)
		;
	uart[UARTDR / 4] = (uint8_t)c;
}

void pl011_enable_rx_irq(void)
{
	uart[UARTIMSC / 4] = INT_RX_RT;
}

int pl011_getc(void)
{
	if (!uart || (uart[UARTFR / 4] & FR_RXFE))
		return -1;
	return uart[UARTDR / 4] & 0xff;
}

void pl011_ack_irq(void)
{
	uart[UARTICR / 4] = INT_RX_RT;
}

void early_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			early_putc('\r');
		early_putc(*s);
	}
}
