/* Driver for the physical PL011 UART that Triad's console uses. */
#ifndef DEVICES_PL011_H
#define DEVICES_PL011_H

#include <stdint.h>

void pl011_init(uintptr_t base);
void pl011_putc(char c);
int pl011_getc(void); /* -1 if the receive FIFO is empty */
void pl011_enable_rx_irq(void);
void pl011_ack_irq(void);

#endif
