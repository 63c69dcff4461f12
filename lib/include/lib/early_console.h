/* The machine's PL011: the polled writer of every image (the monitor, the RMM, Normal EL2's
 * log and panics), no lock, callers serialize; output before early_console_init names the
 * UART is dropped. */
#ifndef LIB_EARLY_CONSOLE_H
#define LIB_EARLY_CONSOLE_H

#include <stdint.h>

void early_console_init(uintptr_t pl011_base);
/* Turns the UART and its transmitter on: for the first image after reset (the monitor). */
void early_console_enable(void);
void early_putc(char c);	/* the byte as it is */
void early_puts(const char *s); /* '\n' goes out as "\r\n" */
/* The receive side, for Normal EL2's console input (core/console_input.c). */
void pl011_enable_rx_irq(void);
int pl011_getc(void); /* -1 if the receive FIFO is empty */
void pl011_ack_irq(void);

#endif
