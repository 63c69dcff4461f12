/* One physical UART shared by every VM's console (pure logic, host-tested).
 *
 * Output: with more than one VM, each guest line starts with "name| ", and a VM that
 * writes while another's line is unfinished breaks that line first, so lines from
 * different VMs never mix; the rest of the broken line later starts with "name+ ".
 * A VM has two consoles (the PL011 and hvc0); the one without the keyboard is a writer of
 * its own whose lines are always tagged, "name:hvc0| " (or ":ttyAMA0"), so that two login
 * prompts of one VM are never one line, nor mistaken for the one input goes to.
 *
 * Input goes to the VM with the focus. Ctrl-T starts a command: 1..8 focuses that VM,
 * n the next one, ? (or h) lists the VMs, s prints scheduler statistics, Ctrl-T sends a
 * literal Ctrl-T. */
#ifndef TRIAD_CONSOLE_MUX_H
#define TRIAD_CONSOLE_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <triad/config.h>

#define MUX_ESCAPE 0x14 /* Ctrl-T */

struct console_mux {
	unsigned nvms;
	bool tag;	    /* prefix lines with the VM name (more than one VM) */
	bool at_line_start; /* the physical console is at the start of a line */
	int last_vm; /* who wrote the current line (a writer: VM * 2 + second console), -1: Triad */
	bool broken[2 * MAX_VMS]; /* writers whose last line was cut by another's output */
	unsigned focus;		  /* VM receiving input */
	bool escape;		  /* Ctrl-T seen, waiting for the command */
};

void mux_init(struct console_mux *m, unsigned nvms);
/* VMs came or went while the console is in use: the line being written stays whole. */
void mux_set_vms(struct console_mux *m, unsigned nvms);

/* Bytes to put on the physical console for character c of VM vm (named name), written to
 * its console `second` (NULL: the one its keyboard input goes to; else the other's device
 * name, at most 7 characters). Returns how many were written to out (which holds at least
 * 48 bytes). */
size_t mux_guest_output(struct console_mux *m, unsigned vm, const char *name, const char *second,
			char c, char *out);

enum mux_action {
	MUX_NONE,    /* swallowed (start of a command, or an unknown command) */
	MUX_DELIVER, /* give *c to the focused VM */
	MUX_FOCUS,   /* the focus changed: tell the user */
	MUX_HELP,    /* list the VMs */
	MUX_STATS,   /* print the scheduler's statistics */
};

enum mux_action mux_input(struct console_mux *m, char *c);

#endif
