/* The RMM's console: the machine's PL011 (UART0), polled. */
#include "rmm.h"

#define UART0 0x09000000UL

/* Boot messages only: the console is the normal world's once it runs. */
void rmm_log(const char *s)
{
	for (; *s; s++) {
		while (*(volatile uint32_t *)(UART0 + 0x18) & (1U << 5))
			;
		*(volatile uint32_t *)UART0 = (uint32_t)*s;
	}
}
