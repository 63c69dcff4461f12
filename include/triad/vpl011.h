/* Emulated PL011 UART: the guest's console. Pure logic, host-tested. */
#ifndef TRIAD_VPL011_H
#define TRIAD_VPL011_H

#include <stdbool.h>
#include <stdint.h>

#define VPL011_RX_SIZE 1024
#define VPL011_DR      0x000 /* data register offset */

struct vpl011 {
	uint8_t rx[VPL011_RX_SIZE];
	unsigned rx_head, rx_count;
	uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr;
	bool tx_int; /* TXRIS: transmit FIFO drained since the last clear */
	void (*putc)(void *ctx, char c);
	void *ctx;
};

void vpl011_init(struct vpl011 *u, void (*putc)(void *, char), void *ctx);
/* Register access; returns false for a bad size. */
bool vpl011_read(struct vpl011 *u, uint64_t off, unsigned size, uint64_t *val);
bool vpl011_write(struct vpl011 *u, uint64_t off, unsigned size, uint64_t val);
/* Input from the user; returns false if the FIFO is full (the byte is dropped). */
bool vpl011_rx(struct vpl011 *u, char c);
/* The level of the UART's interrupt line. */
bool vpl011_irq_level(const struct vpl011 *u);

/* The UART's guest-visible state, for a snapshot (no host pointers). Restore checks every
 * field (a snapshot may come from a file) and changes nothing if one is out of range. */
struct vpl011_saved {
	uint8_t rx[VPL011_RX_SIZE];
	uint32_t rx_head, rx_count;
	uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr, tx_int;
};
void vpl011_save(const struct vpl011 *u, struct vpl011_saved *s);
bool vpl011_restore(struct vpl011 *u, const struct vpl011_saved *s);

#endif
