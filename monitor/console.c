/* The monitor's numbers on the machine's console (the writer is lib/console's). */
#include "monitor.h"

void mon_puthex(uint64_t v)
{
	early_puts("0x");
	for (int i = 60; i >= 0; i -= 4) {
		unsigned d = (v >> i) & 0xf;
		if (d || !i || (v >> i))
			early_putc((char)(d < 10 ? '0' + d : 'a' + d - 10));
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
	early_puts(&buf[i]);
}
