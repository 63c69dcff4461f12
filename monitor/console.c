/* The monitor's console: the machine's PL011 (UART0), polled. */
#include "monitor.h"

#define UART0	  0x09000000UL
#define UART_FR	  0x18
#define UART_TXFF (1U << 5)

void uart_enable(void)
{
	wr32(UART0 + 0x30, 0x301); /* UARTCR: UART, transmit and receive enabled */
}

void mon_putc(char c)
{
	while (rd32(UART0 + UART_FR) & UART_TXFF)
		;
	wr32(UART0, (uint32_t)c);
}

void mon_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			mon_putc('\r');
		mon_putc(*s);
	}
}

void mon_puthex(uint64_t v)
{
	mon_puts("0x");
	for (int i = 60; i >= 0; i -= 4) {
		unsigned d = (v >> i) & 0xf;
		if (d || !i || (v >> i))
			mon_putc((char)(d < 10 ? '0' + d : 'a' + d - 10));
	}
}

void mon_putdec(uint64_t v)
{
	char buf[21];
	int i = 20;
	buf[i] = 0;
	do
		buf[--i] = (char)('0' + v % 10);
	while (v /= 10);
	mon_puts(&buf[i]);
}
