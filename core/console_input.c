/* Keyboard input: the physical UART's receive interrupt feeds the focused VM's console. */
#include <triad/cpu.h>
#include <triad/vm.h>

#include "../devices/pl011.h"
#include "../irq/gicv3.h"
#include "el2.h"

void vm_console_input(struct vm *vm, char c); /* devices/vm_devices.c */

static unsigned focus; /* VM receiving input */

void console_input_init(void)
{
	if (!plat.uart_intid)
		return;
	gic_enable_spi(plat.uart_intid, cpus[0].mpidr, 0xa0);
	pl011_enable_rx_irq();
}

void console_input_irq(void)
{
	/* Acknowledge first, then drain: a byte arriving after the last read raises the
	 * interrupt again, where acknowledging after the drain could lose it for good. */
	pl011_ack_irq();
	int c;
	while ((c = pl011_getc()) >= 0) {
		struct vm *vm = vm_by_id(focus);
		if (vm && vm->state == VM_RUNNING)
			vm_console_input(vm, (char)c);
	}
}
