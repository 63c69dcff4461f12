/*
 * The polled PL011 writer every image prints with: the monitor's and the RMM's messages,
 * Normal EL2's log and panics. No interrupts and no lock: callers serialize. Until
 * early_console_init names the UART, output is dropped.
 */
#ifndef LIB_EARLY_CONSOLE_H
#define LIB_EARLY_CONSOLE_H

#include <stdint.h>

void early_console_init(uintptr_t pl011_base);
/* Turns the UART and its transmitter on: for the first image after reset (the monitor). */
void early_console_enable(void);
void early_putc(char c);	/* the byte as it is */
void early_puts(const char *s); /* '\n' goes out as "\r\n" */

#endif
