/* Emulated PL061 GPIO controller (Arm DDI 0190): 8 lines, each an input or an output, with
 * edge- or level-triggered interrupts on one line to the GIC. Triad drives the inputs (line
 * 3 is the VM's power key, as on QEMU virt). Pure logic, host-tested. */
#ifndef TRIAD_VPL061_H
#define TRIAD_VPL061_H

#include <stdbool.h>
#include <stdint.h>

#define VPL061_DIR   0x400 /* 1: output */
#define VPL061_IS    0x404 /* 1: level-sensitive, 0: edge */
#define VPL061_IBE   0x408 /* 1: both edges (edge lines) */
#define VPL061_IEV   0x40c /* 1: rising edge / high level */
#define VPL061_IE    0x410 /* interrupt mask: 1 = enabled */
#define VPL061_RIS   0x414
#define VPL061_MIS   0x418
#define VPL061_IC    0x41c /* write 1s: clear edge interrupts */
#define VPL061_AFSEL 0x420

struct vpl061 {
	uint8_t data; /* output latch */
	uint8_t dir, is, ibe, iev, ie, afsel;
	uint8_t edges; /* edge interrupts detected and not cleared */
	uint8_t in;    /* levels Triad drives on the inputs */
	uint8_t pins;  /* what the lines are now: outputs from data, inputs from in */
};

void vpl061_init(struct vpl061 *g);
/* Accesses of 1, 2 or 4 bytes to a register (the data register: offsets 0..0x3fc, address
 * bits 9:2 masking which lines are read or written); false for anything else (the caller
 * injects an abort). */
bool vpl061_read(const struct vpl061 *g, uint64_t off, unsigned size, uint64_t *val);
bool vpl061_write(struct vpl061 *g, uint64_t off, unsigned size, uint64_t val);
/* Triad drives input `line` (0..7) to level. */
void vpl061_set_input(struct vpl061 *g, unsigned line, bool level);
/* GPIOINTR: an enabled line's interrupt is raised. */
bool vpl061_irq_level(const struct vpl061 *g);

/* The controller's state for a snapshot; restore checks it and changes nothing if bad. */
struct vpl061_saved {
	uint8_t data, dir, is, ibe, iev, ie, afsel, edges, in, pad[7];
};
void vpl061_save(const struct vpl061 *g, struct vpl061_saved *s);
bool vpl061_restore(struct vpl061 *g, const struct vpl061_saved *s);

#endif
