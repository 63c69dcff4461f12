/* The polled PL011 writer of every image (the monitor, the RMM, Normal EL2's log and panics):
 * no lock, callers serialize; output before early_console_init names the UART is dropped. */
#ifndef LIB_EARLY_CONSOLE_H
#define LIB_EARLY_CONSOLE_H

#include <stdint.h>

void early_console_init(uintptr_t pl011_base);
/* Turns the UART and its transmitter on: for the first image after reset (the monitor). */
void early_console_enable(void);
void early_putc(char c);	/* the byte as it is */
void early_puts(const char *s); /* '\n' goes out as "\r\n" */

#endif
