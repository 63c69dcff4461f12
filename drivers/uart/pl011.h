/* Receive side of the physical PL011 UART that Triad's console uses. */
#ifndef DRIVERS_UART_PL011_H
#define DRIVERS_UART_PL011_H

#include <stdint.h>

void pl011_enable_rx_irq(uintptr_t base);
int pl011_getc(void); /* -1 if the receive FIFO is empty */
void pl011_ack_irq(void);

#endif
